"""Who may import, and which import jobs each user sees."""

from __future__ import annotations

from django.db.models import QuerySet

from wuye.accounts.models import Role
from wuye.registry.models import ImportJob

IMPORT_ROLES = {Role.CITY, Role.DISTRICT}


def can_import(user) -> bool:
    """The city bureau imports anywhere; a district authority only within its district."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role in IMPORT_ROLES)


def can_see_every_import(user) -> bool:
    """The city bureau sees every job (and who uploaded it); a district officer their own."""
    return can_import(user) and user.role == Role.CITY


def import_jobs_visible_to(user) -> QuerySet[ImportJob]:
    """The city bureau sees every job; a district officer their own uploads; nobody else any."""
    if not can_import(user):
        return ImportJob.objects.none()
    qs = ImportJob.objects.select_related("created_by")
    if can_see_every_import(user):
        return qs
    return qs.filter(created_by=user)
