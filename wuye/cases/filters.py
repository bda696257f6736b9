"""Filters of the officers' pages (django-filter): a unit's queue of tasks and the list of
complaints. Every filter is a plain indexed condition; the keyword box ``q`` goes through
``search.filter_keywords`` (LIKE on SQLite, the GIN index on PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import django_filters as df
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .deadlines import warn_window
from .models import OPEN_STATUSES, Category, Complaint, Request, Source, Status, SupervisionLevel, Task
from .search import filter_keywords

ANY_LEVEL = "any"
LEVEL_CHOICES = [(ANY_LEVEL, _("督办中（任一等级）"))] + [
    (str(v), label) for v, label in SupervisionLevel.choices if v != SupervisionLevel.NONE
]
SOON = "soon"
YES_CHOICES = [("1", _("仅看已超期")), (SOON, _("即将超时"))]
# The states in which the resolve clock runs (the list's deadline column is red or orange in them).
RUNNING_STATUSES = [Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS, Status.RETURN_REVIEW]

# The queue's status filter: the unit's own state of its task, or the complaint's return review.
QUEUE_STATUS_CHOICES = [
    ("pending", _("待签收")),
    ("signed", _("办理中")),
    ("to_contact", _("待联系")),
    ("to_reply", _("待答复")),
    ("return_review", _("退单审核中")),
]
PENDING_REQUEST_CHOICES = [(Request.Kind.RETURN, _("退单待审批")), (Request.Kind.EXTENSION, _("延期待审批"))]

OPEN_CHOICE = "open"
LIST_STATUS_CHOICES = [(OPEN_CHOICE, _("未办结（全部在办）"))] + list(Status.choices)


def day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _date_widget():
    return forms.DateInput(attrs={"type": "date"})


class _Styled(df.FilterSet):
    """Bootstrap classes on every widget; the search box first."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")
            widget.attrs.setdefault("aria-label", str(field.label))
        q = self.form.fields["q"].widget
        q.input_type = "search"
        q.attrs.update({"placeholder": _("关键词，如：垃圾 清运"), "autocomplete": "off"})

    def filter_q(self, queryset, name, value):
        return filter_keywords(queryset, value, path=self.search_path)

    def describe(self) -> str:
        """The filters in force, in words (for the EXPORT audit row)."""
        if not self.is_bound or not self.form.is_valid():
            return "无"
        parts = []
        for name, value in self.form.cleaned_data.items():
            if value not in (None, "", [], False):
                parts.append(f"{self.form.fields[name].label}={value}")
        return "；".join(parts) or "无"


class QueueFilter(_Styled):
    """A unit's open tasks (``selectors.open_tasks_for_unit``)."""

    search_path = "complaint__"

    q = df.CharFilter(label=_("关键词"), method="filter_q")
    status = df.ChoiceFilter(label=_("办理状态"), choices=QUEUE_STATUS_CHOICES, method="filter_status",
                             empty_label=_("全部办理状态"))
    category = df.ModelChoiceFilter(label=_("类别"), field_name="complaint__category",
                                    queryset=Category.objects.all(), empty_label=_("全部类别"))
    level = df.ChoiceFilter(label=_("督办等级"), choices=LEVEL_CHOICES, method="filter_level",
                            empty_label=_("全部督办等级"))
    role = df.ChoiceFilter(label=_("承办角色"), choices=Task.Role.choices, empty_label=_("全部承办角色"))
    overdue = df.ChoiceFilter(label=_("超期"), choices=YES_CHOICES, method="filter_overdue", empty_label=_("超期与否"))
    date_from = df.DateFilter(label=_("派单日期起"), method="filter_from", widget=_date_widget())
    date_to = df.DateFilter(label=_("派单日期止"), method="filter_to", widget=_date_widget())

    class Meta:
        model = Task
        fields: list[str] = []

    def filter_status(self, queryset, name, value):
        if value == "return_review":
            return queryset.filter(complaint__status=Status.RETURN_REVIEW)
        if value == "to_contact":  # signed, the resident not yet contacted (the lead unit's duty)
            return queryset.filter(state=Task.State.SIGNED, role=Task.Role.LEAD, contacted_at__isnull=True)
        if value == "to_reply":
            return queryset.filter(state=Task.State.SIGNED, replied_at__isnull=True).exclude(
                role=Task.Role.LEAD, contacted_at__isnull=True)
        return queryset.filter(state=value)

    def filter_level(self, queryset, name, value):
        if value == ANY_LEVEL:
            return queryset.filter(complaint__supervision_level__gt=SupervisionLevel.NONE)
        return queryset.filter(complaint__supervision_level=int(value))

    def filter_overdue(self, queryset, name, value):
        now = timezone.now()
        overdue = Q(due__lt=now) | Q(state=Task.State.PENDING, sign_due__lt=now)
        if value == SOON:  # not yet overdue, but a deadline falls within the warning window
            soon = now + warn_window()
            return queryset.exclude(overdue).filter(Q(due__lt=soon) | Q(state=Task.State.PENDING, sign_due__lt=soon))
        return queryset.filter(overdue)

    def filter_from(self, queryset, name, value):
        return queryset.filter(dispatched_at__gte=day_start(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(dispatched_at__lt=day_start(value + timedelta(days=1)))


OVERDUE_Q = Q(accept_overdue=True) | Q(sign_overdue=True) | Q(contact_overdue=True) | Q(resolve_overdue=True)


class ComplaintFilter(_Styled):
    """The officers' list of complaints. ``district`` is offered to the city desk only and
    ``street`` to the city desk (within a chosen district) and the districts; the view removes
    the fields a user does not get, and their values are then ignored."""

    search_path = ""

    q = df.CharFilter(label=_("关键词"), method="filter_q")
    status = df.ChoiceFilter(label=_("状态"), choices=LIST_STATUS_CHOICES, method="filter_status",
                             empty_label=_("全部状态"))
    category = df.ModelChoiceFilter(label=_("类别"), field_name="category", queryset=Category.objects.all(),
                                    empty_label=_("全部类别"))
    district = df.NumberFilter(label=_("区县"), field_name="district_id")
    street = df.NumberFilter(label=_("街道"), field_name="street_id")
    source = df.ChoiceFilter(label=_("来源"), choices=Source.choices, empty_label=_("全部来源"))
    level = df.ChoiceFilter(label=_("督办等级"), choices=LEVEL_CHOICES, method="filter_level",
                            empty_label=_("全部督办等级"))
    overdue = df.ChoiceFilter(label=_("超期"), choices=[("1", _("有环节超期")), (SOON, _("即将超时"))],
                              method="filter_overdue", empty_label=_("超期与否"))
    pending = df.ChoiceFilter(label=_("待审批申请"), choices=PENDING_REQUEST_CHOICES, method="filter_pending",
                              empty_label=_("全部申请"))
    date_from = df.DateFilter(label=_("提交日期起"), method="filter_from", widget=_date_widget())
    date_to = df.DateFilter(label=_("提交日期止"), method="filter_to", widget=_date_widget())

    class Meta:
        model = Complaint
        fields: list[str] = []

    def filter_status(self, queryset, name, value):
        if value == OPEN_CHOICE:
            return queryset.filter(status__in=sorted(OPEN_STATUSES))
        return queryset.filter(status=value)

    def filter_level(self, queryset, name, value):
        if value == ANY_LEVEL:
            return queryset.filter(supervision_level__gt=SupervisionLevel.NONE)
        return queryset.filter(supervision_level=int(value))

    def filter_overdue(self, queryset, name, value):
        if value == SOON:  # running, not flagged, and the resolve deadline within the warning window
            now = timezone.now()
            return queryset.filter(status__in=RUNNING_STATUSES, resolve_overdue=False,
                                   resolve_due__gte=now, resolve_due__lt=now + warn_window())
        return queryset.filter(OVERDUE_Q)

    def filter_pending(self, queryset, name, value):
        return queryset.filter(Exists(Request.objects.filter(complaint_id=OuterRef("pk"), kind=value,
                                                             state=Request.State.PENDING)))

    def filter_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=day_start(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(created_at__lt=day_start(value + timedelta(days=1)))
