"""Filters of the audit page and its Excel export (django-filter), and the scope check that every
list filter of the platform passes through (``ScopedFilterSet``, ``scope_filters``).

A filter whose value names a record (``?estate=41``, ``?owner=7``) accepts only records the user
may see (issue 13 §9; GB/T 22239-2019 8.1.4.2 访问控制, ASVS 4.0 V4.2.1): another scope's id is
refused with a Chinese message, exactly like an id that does not exist, so the filter can neither
reveal what lies outside the scope nor which of the user's own rows are linked to it. The API
answers 400 (django-filter's backend raises on an invalid filter form); a page ignores the value.
Numeric filter values beyond a 64-bit integer are refused too (they overflow the database).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import django_filters as df
from django import forms
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend

from .inputs import in_bigint_range
from .models import AuditAction, AuditLog
from .request_context import current_user

# Which selector says who may see a model's records (the selectors decide; this only points to
# them). ``PUBLIC``: reference data that every logged-in user may name in a filter (the public
# administrative divisions, the complaint catalogue).
PUBLIC = "public"
SCOPES: dict[str, str] = {
    "registry.estate": "wuye.registry.selectors.estates_visible_to",
    "registry.propertycompany": "wuye.registry.selectors.companies_visible_to",
    "registry.building": "wuye.registry.selectors.buildings_visible_to",
    "registry.unit": "wuye.registry.selectors.units_visible_to",
    "registry.owner": "wuye.registry.selectors.owners_visible_to",
    "registry.ownerscommittee": "wuye.registry.selectors.committees_visible_to",
    "territory.district": PUBLIC,
    "territory.street": PUBLIC,
    "territory.community": PUBLIC,
    "territory.department": PUBLIC,
    "cases.category": PUBLIC,
}

OUT_OF_SCOPE = _("编号为 %(pk)s 的记录不存在，或超出您的数据权限范围。")
TOO_LARGE = _("编号超出允许的范围。")


class ScopedIdFilter(df.NumberFilter):
    """A filter by the id of a ``model`` record that the ``method`` applies itself (a plain
    ``NumberFilter`` on a foreign key needs no declaration: its model is found from the field)."""

    def __init__(self, *args, model: str, **kwargs):
        self.scope_model = model
        super().__init__(*args, **kwargs)


def _related_model(model, path: str):
    """The model a ``field_name`` path (``estate_id``, ``street__district_id``) ends on when its
    last step is a relation; None for a plain column."""
    parts = path.split("__")
    if parts and parts[-1] != "id" and parts[-1].endswith("_id"):
        parts[-1] = parts[-1][:-3]
    current, target = model, None
    for part in parts:
        if part in ("id", "pk"):
            continue
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if not field.is_relation:
            return None
        current = target = field.related_model
    return target


def filter_target(filterset_class, name: str, flt) -> str | None:
    """The model label a filter's value names, '' for a method filter that names something
    undeclared, None when the value is not a record's id."""
    declared = getattr(flt, "scope_model", None)
    if declared:
        return declared
    if not isinstance(flt, (df.NumberFilter, df.ModelChoiceFilter, df.ModelMultipleChoiceFilter,
                            df.BaseInFilter)):
        return None
    model = getattr(getattr(filterset_class, "_meta", None), "model", None)
    if flt.method and isinstance(flt, df.NumberFilter) and flt.field_name == name:
        target = _related_model(model, name) if model is not None else None
        return target._meta.label_lower if target is not None else ""
    target = _related_model(model, flt.field_name) if model is not None else None
    return target._meta.label_lower if target is not None else None


def _in_range(value) -> None:
    if not in_bigint_range(value):
        raise ValidationError(TOO_LARGE, code="too_large")


class _InScope:
    def __init__(self, label: str, user):
        self.label, self.user = label, user

    def __call__(self, value) -> None:
        values = value if isinstance(value, (list, tuple)) else [value]
        for one in values:
            if one in (None, ""):
                continue
            pk = one.pk if isinstance(one, models.Model) else one
            try:
                pk = int(pk)
            except (TypeError, ValueError):
                raise ValidationError(OUT_OF_SCOPE, code="out_of_scope", params={"pk": pk}) from None
            _in_range(pk)
            if not import_string(SCOPES[self.label])(self.user).filter(pk=pk).exists():
                raise ValidationError(OUT_OF_SCOPE, code="out_of_scope", params={"pk": pk})


def scope_filters(filterset, user) -> None:
    """Add the scope check to every filter of ``filterset`` that names a record, and the 64-bit
    range check to every numeric filter."""
    if getattr(filterset, "_wuye_scoped", False):
        return
    filterset._wuye_scoped = True
    form = filterset.form
    for name, flt in filterset.filters.items():
        field = form.fields.get(name)
        if field is None:
            continue
        if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
            field.validators.append(_in_range)
        label = filter_target(type(filterset), name, flt)
        # An undeclared or unregistered target is caught by core/tests/test_filter_scope.py.
        if label and label in SCOPES and SCOPES[label] != PUBLIC:
            field.validators.append(_InScope(label, user))


class ScopedFilterSet(df.FilterSet):
    """Base of the platform's list filters: see the module's docstring."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None) if request is not None else current_user()
        scope_filters(self, user)


class ScopedFilterBackend(DjangoFilterBackend):
    """The API's filter backend: every list's filter set gets the scope check, whatever its base."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            scope_filters(filterset, request.user)
        return filterset


def object_type_choices() -> list[tuple[str, str]]:
    """Every model of the platform as ``label → its name in the reader's language``, for the
    object-type filter: no raw model names (issue 14 §13); two models of the same name are told
    apart by their app's name."""
    models = [m for m in apps.get_models() if m.__module__.startswith("wuye.")]
    names = [str(m._meta.verbose_name) for m in models]
    out = []
    for model, name in zip(models, names, strict=True):
        if names.count(name) > 1:
            name = f"{name}（{model._meta.app_config.verbose_name}）"
        out.append((model._meta.label_lower, name))
    return sorted(out, key=lambda c: (c[1], c[0]))


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class IPFilter(df.CharFilter):
    field_class = forms.GenericIPAddressField


class AuditFilter(df.FilterSet):
    action = df.ChoiceFilter(label=_("动作"), choices=AuditAction.choices, empty_label=_("全部动作"))
    user = df.CharFilter(label=_("账号"), field_name="actor_username")
    object_type = df.ChoiceFilter(label=_("对象类型"), choices=object_type_choices, empty_label=_("全部类型"))
    object_id = df.CharFilter(label=_("对象编号"), field_name="object_id")
    date_from = df.DateFilter(label=_("起始日期"), method="filter_from",
                              widget=forms.DateInput(attrs={"type": "date"}))
    date_to = df.DateFilter(label=_("截止日期"), method="filter_to",
                            widget=forms.DateInput(attrs={"type": "date"}))
    ip = IPFilter(label=_("IP 地址"), field_name="ip",
                  error_messages={"invalid": _("请输入有效的 IP 地址。")})

    class Meta:
        model = AuditLog
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)

    def filter_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=_day_start(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(created_at__lt=_day_start(value + timedelta(days=1)))

    def describe(self) -> str:
        """The filters in force, in words (for the EXPORT audit row)."""
        if not self.is_bound or not self.form.is_valid():
            return "全部"
        parts = []
        for name, value in self.form.cleaned_data.items():
            if value not in (None, ""):
                parts.append(f"{self.form.fields[name].label}={value}")
        return "；".join(parts) or "全部"
