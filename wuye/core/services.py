"""Writes of the core app that are not the audit trail's or the calendar's own: the city
bureau's singleton settings (one page per app, built by ``settings_pages.settings_view``)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _g

from .audit import audit_record
from .errors import ServiceError
from .models import AuditAction
from .selectors import can_edit_settings


@transaction.atomic
def settings_update(*, user, model, data: dict, detail: str, check=None, can_edit=can_edit_settings, refusal=None):
    """Only the city bureau (or whom ``can_edit`` names); one transaction; an audit row with the changed values."""
    if not can_edit(user):
        raise ServiceError(refusal or _g("只有市住房保障房产局可以修改设置"))
    obj = model.objects.select_for_update().get(pk=model.current().pk)
    changes = {}
    for name, value in data.items():
        if value is not None and getattr(obj, name) != value:
            changes[name] = [str(getattr(obj, name)), str(value)]
            setattr(obj, name, value)
    if check is not None:
        check(obj)
    obj.full_clean()
    obj.save()
    audit_record(action=AuditAction.UPDATE, actor=user, obj=obj, changes=changes, detail=detail)
    return obj
