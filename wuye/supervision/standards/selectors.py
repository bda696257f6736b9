"""Who reads and who edits the service standards, and the reads of their pages — decided here only.

Officials, street offices, communities and property companies read the standards (companies,
streets and communities only the published and retired versions); only the city bureau edits.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from wuye.accounts.models import Role
from wuye.core.access import get_visible_or_404
from wuye.supervision.selectors import AREA_ROLES, COMPANY_ROLES, is_active, is_city

from .models import Standard, StandardItem, StandardSection

FULL_MARKS = Decimal("100")


def standards_visible_to(user) -> QuerySet[Standard]:
    """Officials read every version; only the city bureau edits (checked by the services)."""
    if not is_active(user) or user.role not in AREA_ROLES | COMPANY_ROLES:
        return Standard.objects.none()
    if user.role in COMPANY_ROLES | {Role.STREET, Role.COMMUNITY}:
        return Standard.objects.exclude(status=Standard.Status.DRAFT)
    return Standard.objects.all()


def can_read_standards(user) -> bool:
    return is_active(user) and user.role in AREA_ROLES | COMPANY_ROLES


def can_edit_standards(user) -> bool:
    return is_city(user)


def published_standards() -> QuerySet[Standard]:
    return Standard.objects.filter(status=Standard.Status.PUBLISHED)


def standards_with_totals(user):
    return list(standards_visible_to(user).annotate(item_count=Count("items"), total=Sum("items__max_points"))
                .order_by("code", "-version"))


def standard_sections(standard: Standard) -> QuerySet[StandardSection]:
    return StandardSection.objects.filter(standard=standard).order_by("order", "id")


def standard_outline(standard: Standard) -> tuple[list[StandardSection], list[StandardItem], Decimal]:
    """The sections, each with its items and subtotal, the items, and the total."""
    sections = list(standard_sections(standard))
    items = list(StandardItem.objects.filter(standard=standard).order_by("section__order", "order", "id"))
    by_section: dict[int, list] = {}
    for it in items:
        by_section.setdefault(it.section_id, []).append(it)
    for s in sections:
        s.item_list = by_section.get(s.pk, [])
        s.subtotal = sum((i.max_points for i in s.item_list), Decimal("0"))
    return sections, items, sum((i.max_points for i in items), Decimal("0"))


def has_draft(standard: Standard) -> bool:
    return Standard.objects.filter(code=standard.code, status=Standard.Status.DRAFT).exists()


def section_get_for_user(*, user, standard: Standard, pk) -> StandardSection:
    return get_visible_or_404(StandardSection.objects.filter(standard=standard), user=user, pk=pk)


def item_get_for_user(*, user, standard: Standard, pk) -> StandardItem:
    return get_visible_or_404(StandardItem.objects.filter(standard=standard), user=user, pk=pk)


def current_standard(code: str | None = None) -> Standard | None:
    qs = published_standards()
    if code:
        qs = qs.filter(code=code)
    return qs.order_by("code", "-version").first()


def inspection_count(standard: Standard) -> int:
    """How many inspections were recorded against this version (they keep it for ever)."""
    return standard.inspections.count()
