"""Filters of the audit page and its Excel export (django-filter)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import django_filters as df
from django import forms
from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AuditAction, AuditLog


def object_type_choices() -> list[tuple[str, str]]:
    """Every model of the platform as ``label → 中文名 (label)``, for the object-type filter."""
    out = []
    for model in apps.get_models():
        if not model.__module__.startswith("wuye."):
            continue
        out.append((model._meta.label_lower, f"{model._meta.verbose_name}（{model._meta.label_lower}）"))
    return sorted(out)


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
