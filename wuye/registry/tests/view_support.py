"""Helpers shared by the registry page tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import Model

from wuye.core.models import AuditAction, AuditLog
from wuye.registry.pages import TYPES

ALL_ROLES = [
    "city", "district", "district2", "street", "community", "department", "manager_a", "staff_a", "manager_b",
    "committee", "resident", "sysadmin", "secadmin", "auditor", "outsider",
]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The personas' passwords are hashed with a fast hasher: these tests are about pages."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def post_value(value):
    if value is None:
        return ""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, (datetime.date, Decimal)):
        return str(value)
    return value


def edit_payload(slug: str, obj, user, **changes) -> dict:
    """What the edit form of ``obj`` would post unchanged, with ``changes`` applied."""
    rt = TYPES[slug]
    form = rt.form_class(user=user, instance=obj)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = post_value(value)
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = post_value(value)
    return data


def denied_rows(model, pk) -> int:
    return AuditLog.objects.filter(
        action=AuditAction.DENIED, object_type=model._meta.label_lower, object_id=str(pk)
    ).count()
