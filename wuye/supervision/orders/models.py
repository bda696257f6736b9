"""Rectification orders and their timeline and evidence (issue 4 §4; rules.md §10)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.models import TimeStampedModel
from wuye.core.workflow import WorkflowEvent


class RectificationOrder(TimeStampedModel):
    """A defect the company must fix by a deadline (rules.md §10)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        SUBMITTED = "submitted", _("待复查")
        CLOSED = "closed", _("已销号")
        CANCELLED = "cancelled", _("已撤销")

    number = models.CharField(_("整改单号"), max_length=24, unique=True)
    inspection = models.ForeignKey("supervision.Inspection", verbose_name=_("检查"), null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    item = models.ForeignKey("supervision.StandardItem", verbose_name=_("标准条目"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="rectification_orders")
    company = models.ForeignKey("registry.PropertyCompany", verbose_name=_("物业服务企业"), on_delete=models.PROTECT, related_name="rectification_orders")
    district = models.ForeignKey("territory.District", verbose_name=_("区县"), on_delete=models.PROTECT, related_name="+", editable=False)
    street = models.ForeignKey("territory.Street", verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+", editable=False)
    defect = models.CharField(_("问题描述"), max_length=500)
    requirement = models.CharField(_("整改要求"), max_length=500, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    deadline = models.DateTimeField(_("整改期限"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("下达人"), on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("提交整改时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    reinspected_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("复查人"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    reopen_count = models.PositiveSmallIntegerField(_("复查未通过次数"), default=0)
    # Set once by the sweep when the deadline passes unfixed: the supervisor is told and a credit
    # event is drafted (issue 4 §4). Claimed by a conditional UPDATE so it happens once.
    overdue_at = models.DateTimeField(_("逾期时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("整改通知")
        verbose_name_plural = _("整改通知")
        indexes = [
            models.Index(fields=["company", "status"]),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["district", "status"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_overdue(self) -> bool:
        return self.overdue_at is not None


class OrderEvent(WorkflowEvent):
    """One row of the timeline (``core.workflow.WorkflowEvent``: action, from, to, actor, note, time)."""

    order = models.ForeignKey(RectificationOrder, verbose_name=_("整改通知"), on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")

    def __str__(self) -> str:
        return f"{self.order} {self.action}"


def _evidence_path(instance, filename: str) -> str:
    return f"rectification/{instance.order_id}/{filename}"


class RectificationEvidence(models.Model):
    order = models.ForeignKey(RectificationOrder, verbose_name=_("整改通知"), on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("佐证材料"), upload_to=_evidence_path)
    content_type = models.CharField(max_length=40, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("整改佐证")
        verbose_name_plural = _("整改佐证")

    def __str__(self) -> str:
        return self.file.name
