"""Developers (建设单位) and the estates and phases they built.

A developer's record of violations (违规销售, 提前交房, 未经验收交付, refusing to hand over documents or
garages, warranty not honoured) runs through the same event workflow as a company's credit events
(draft → notice → objection → confirmed; ``wuye.credit.workflow``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.models import TimeStampedModel
from wuye.core.workflow import WorkflowEvent
from wuye.credit.models import CreditEvent
from wuye.registry.models import Estate


class Developer(TimeStampedModel):
    name = models.CharField(_("建设单位名称"), max_length=100, db_index=True)
    # Checked by ``wuye.registry.services.normalize_credit_code`` (GB 32100-2015 check digit).
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    address = models.CharField(_("注册地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    # The district that registered it (None: the city bureau); a district official sees the
    # developers it registered and those that built in its district.
    district = models.ForeignKey("territory.District", verbose_name=_("登记区县"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("建设单位")
        verbose_name_plural = _("建设单位")

    def __str__(self) -> str:
        return self.name


class DevelopedEstate(models.Model):
    """An estate, or one phase (期) of it, that a developer built."""

    developer = models.ForeignKey(Developer, verbose_name=_("建设单位"), on_delete=models.PROTECT,
                                  related_name="estates")
    estate = models.ForeignKey(Estate, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="developments")
    phase = models.CharField(_("分期"), max_length=30, blank=True, help_text=_("如“二期”；整个小区一次建成时留空"))

    class Meta:
        ordering = ["estate_id", "phase", "id"]
        verbose_name = _("开发项目")
        verbose_name_plural = _("开发项目")
        constraints = [models.UniqueConstraint(fields=["estate", "phase"], name="developers_estate_phase_once")]

    def __str__(self) -> str:
        return f"{self.estate_id} {self.phase}".strip()


class DeveloperViolation(TimeStampedModel):
    """One violation on a developer's record (issue 17 §1).

    Its statuses and workflow are those of a company's credit events (rules.md §9: review → public
    notice → objection → confirmation; the table is ``wuye.credit.workflow.TRANSITIONS``, reused by
    ``workflow.MACHINE``). Only confirmed violations are shown on the public list.
    """

    class Kind(models.TextChoices):
        # 商品房销售管理办法 (建设部令第88号): selling without the conditions of sale, etc.
        ILLEGAL_SALE = "illegal_sale", _("违规销售")
        # 建设工程质量管理条例 第十六条: delivered before the completion acceptance is filed.
        EARLY_DELIVERY = "early_delivery", _("提前交房")
        UNACCEPTED_DELIVERY = "unaccepted_delivery", _("未经验收交付")
        # 物业承接查验办法 (建房〔2010〕165号): documents, garages and service rooms, warranty.
        DOCUMENTS_WITHHELD = "documents_withheld", _("拒不移交资料")
        GARAGES_WITHHELD = "garages_withheld", _("拒不移交车库/配套用房")
        WARRANTY_REFUSED = "warranty_refused", _("不履行保修责任")

    class Source(models.TextChoices):
        AUTO = "auto", _("平台自动生成")
        MANUAL = "manual", _("人工录入")

    Status = CreditEvent.Status

    developer = models.ForeignKey(Developer, verbose_name=_("建设单位"), on_delete=models.PROTECT,
                                  related_name="violations")
    kind = models.CharField(_("违规类型"), max_length=20, choices=Kind.choices, db_index=True)
    estate = models.ForeignKey(Estate, verbose_name=_("涉及小区"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    district = models.ForeignKey("territory.District", verbose_name=_("认定区县"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("事实描述"))
    evidence = models.TextField(_("证据说明"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=CreditEvent.Status.choices,
                              default=CreditEvent.Status.DRAFT, db_index=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    source = models.CharField(_("来源"), max_length=6, choices=Source.choices, default=Source.MANUAL)
    # What produced an automatic violation (e.g. ``handover:12:early``): a caller run twice records once.
    source_key = models.CharField(_("来源标识"), max_length=120, blank=True)
    occurred_on = models.DateField(_("发生日期"))
    notice_start = models.DateTimeField(_("公示开始"), null=True, blank=True)
    notice_end = models.DateTimeField(_("公示截止"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("撤销理由"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("建设单位违规记录")
        verbose_name_plural = _("建设单位违规记录")
        constraints = [
            models.UniqueConstraint(fields=["source_key"], condition=~models.Q(source_key=""),
                                    name="developers_violation_source_once"),
        ]
        indexes = [
            models.Index(fields=["developer", "status"]),
            models.Index(fields=["status", "notice_end"]),
        ]

    def __str__(self) -> str:
        return f"{self.developer_id} · {self.get_kind_display()}"


class DeveloperViolationLog(WorkflowEvent):
    """The violation's timeline: its creation (``record`` / ``auto``) and one row per transition."""

    violation = models.ForeignKey(DeveloperViolation, verbose_name=_("违规记录"), on_delete=models.CASCADE,
                                  related_name="logs")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("违规记录处理记录")
        verbose_name_plural = _("违规记录处理记录")

    def __str__(self) -> str:
        return f"{self.violation_id} {self.action}"


def _evidence_path(instance, filename: str) -> str:
    return f"developers/violations/{instance.violation_id}/{filename}"


class ViolationEvidence(models.Model):
    """A file of evidence, cleaned by ``wuye.core.uploads.clean_attachment`` (generated name)."""

    violation = models.ForeignKey(DeveloperViolation, verbose_name=_("违规记录"), on_delete=models.CASCADE,
                                  related_name="files")
    file = models.FileField(_("证据文件"), upload_to=_evidence_path)
    name = models.CharField(_("文件名"), max_length=200)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("违规证据")
        verbose_name_plural = _("违规证据")

    def __str__(self) -> str:
        return self.name
