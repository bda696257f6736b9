"""Directive notices (通知) to units, with one receipt per recipient unit (issue 16 items 9–10).

A notice is written by an official (the city bureau, a district authority, a street office) to a
list of units — ``(kind, id)`` as in ``wuye.cases.units`` — each of which gets a ``Receipt``: it is
read, acknowledged (签收) by the ack deadline and, where the notice asks for it, fed back (text,
photos, a figure) by the feedback deadline. The unit's name and district are copied onto the
receipt when the notice is sent, so that the receipts table of a notice to thousands of units
reads one table. ``source_kind``/``source_id`` name what produced the notice (a bulletin to sign
for: ``("bulletin", 12)``), two plain fields with no foreign key to another app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.cases.models import UnitKind
from wuye.core.models import TimeStampedModel
from wuye.core.workflow import WorkflowEvent


class Notice(TimeStampedModel):
    """A directive notice (通知) and its deadlines."""

    class FeedbackKind(models.TextChoices):
        NONE = "", _("无需反馈")
        TEXT = "text", _("文字情况")
        PHOTOS = "photos", _("照片")
        FIGURE = "figure", _("数字")

    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    sender_kind = models.CharField(_("发文单位类别"), max_length=12, choices=UnitKind.choices)
    sender_id = models.PositiveBigIntegerField(_("发文单位编号"))
    sender_name = models.CharField(_("发文单位"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发文人"), on_delete=models.PROTECT,
                                   related_name="+")
    ack_due = models.DateTimeField(_("签收期限"))
    feedback_kind = models.CharField(_("须反馈内容"), max_length=8, choices=FeedbackKind.choices, blank=True,
                                     default=FeedbackKind.NONE)
    feedback_label = models.CharField(_("反馈数字的含义"), max_length=60, blank=True,
                                      help_text=_("例如“排查隐患处数”，仅在要求反馈数字时填写"))
    feedback_due = models.DateTimeField(_("反馈期限"), null=True, blank=True)
    supervision = models.BooleanField(_("督办类通知"), default=True,
                                      help_text=_("企业逾期未签收督办类通知，记“拒不配合主管部门监督检查”不良信用信息"))
    source_kind = models.CharField(_("来源类别"), max_length=20, blank=True)
    source_id = models.PositiveBigIntegerField(_("来源编号"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("接收单位数"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [
            models.Index(fields=["sender_kind", "sender_id", "-created_at"]),
            models.Index(fields=["source_kind", "source_id"]),
        ]

    def __str__(self) -> str:
        return self.title


class Receipt(TimeStampedModel):
    """One recipient unit's receipt of a notice: read → acknowledged (签收), then feedback."""

    class Status(models.TextChoices):
        PENDING = "pending", _("未读")
        READ = "read", _("已读未签收")
        ACKNOWLEDGED = "acknowledged", _("已签收")

    notice = models.ForeignKey(Notice, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="receipts")
    unit_kind = models.CharField(_("单位类别"), max_length=12, choices=UnitKind.choices)
    unit_id = models.PositiveBigIntegerField(_("单位编号"))
    unit_name = models.CharField(_("接收单位"), max_length=200)
    district_id = models.PositiveBigIntegerField(_("所属区县"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING)
    version = models.PositiveIntegerField(default=0, editable=False)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("阅读人"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签收人"), null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    feedback_text = models.TextField(_("反馈情况"), blank=True)
    feedback_figure = models.DecimalField(_("反馈数字"), max_digits=14, decimal_places=2, null=True, blank=True)
    fed_back_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("最近催办时间"), null=True, blank=True)
    remind_count = models.PositiveSmallIntegerField(_("催办次数"), default=0)
    # Set once, by a conditional UPDATE of the periodic check, when a company let the ack deadline
    # of a supervision notice pass: the credit event is recorded in the same transaction.
    overdue_flagged_at = models.DateTimeField(_("逾期登记时间"), null=True, blank=True)

    class Meta:
        ordering = ["notice_id", "unit_kind", "unit_id"]
        verbose_name = _("签收回执")
        verbose_name_plural = _("签收回执")
        constraints = [models.UniqueConstraint(fields=["notice", "unit_kind", "unit_id"], name="notice_receipt_unique")]
        indexes = [
            models.Index(fields=["unit_kind", "unit_id", "-created_at"]),
            models.Index(fields=["notice", "status"]),
            models.Index(fields=["status", "overdue_flagged_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} · {self.unit_name}"


class ReceiptPhoto(models.Model):
    """A photo a recipient sends back as feedback."""

    receipt = models.ForeignKey(Receipt, verbose_name=_("回执"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to="notices/%Y/%m/")
    content_type = models.CharField(max_length=50, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("反馈照片")
        verbose_name_plural = _("反馈照片")

    def __str__(self) -> str:
        return f"{self.receipt_id} · {self.file.name}"


class ReceiptEvent(WorkflowEvent):
    """The timeline of a receipt: read, acknowledged, fed back, reminded."""

    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("回执记录")
        verbose_name_plural = _("回执记录")
