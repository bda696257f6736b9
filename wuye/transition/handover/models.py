"""Handover inspection (承接查验) of an estate or phase between its developer and the property
company, the filing with the district and early delivery (issue 17 §2–4).

物业承接查验办法 (建房〔2010〕165号) — the seven steps, rules.md §6 and §13: 确定物业承接查验方案；
移交有关图纸资料；查验共用部位、共用设施设备；解决查验发现的问题；确认现场查验结果；签订物业承接查验协议；
办理物业交接手续. The company files the handover with the district within 30 days of the handover.
建设工程质量管理条例 第十六条: homes are delivered only after the completion acceptance is filed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.models import TimeStampedModel
from wuye.core.workflow import WorkflowEvent


class HandoverCase(TimeStampedModel):
    class Status(models.TextChoices):
        PLAN = "plan", _("确定查验方案")
        DOCUMENTS = "documents", _("移交图纸资料")
        INSPECTION = "inspection", _("现场查验")
        RECTIFICATION = "rectification", _("解决查验问题")
        CONFIRMATION = "confirmation", _("确认查验结果")
        AGREEMENT = "agreement", _("签订查验协议")
        HANDOVER = "handover", _("办理物业交接")
        HANDED_OVER = "handed_over", _("已交接待备案")
        FILED = "filed", _("已备案")

    class EarlyKind(models.TextChoices):
        NONE = "", _("无")
        # 建设工程质量管理条例 第十六条: delivered before the completion acceptance was filed.
        EARLY = "early_delivery", _("提前交房")
        # … or with no completion acceptance filed at all.
        UNACCEPTED = "unaccepted_delivery", _("未经验收交付")

    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="handovers")
    phase = models.CharField(_("分期"), max_length=30, blank=True, help_text=_("如“二期”；整个小区一次交接时留空"))
    developer = models.ForeignKey("developers.Developer", verbose_name=_("建设单位"), on_delete=models.PROTECT,
                                  related_name="handovers")
    company = models.ForeignKey("registry.PropertyCompany", verbose_name=_("物业服务企业"), on_delete=models.PROTECT,
                                related_name="handovers")
    # Denormalised from the estate: a district's list is one indexed filter.
    district = models.ForeignKey("territory.District", verbose_name=_("区县"), on_delete=models.PROTECT, related_name="+",
                                 editable=False)
    street = models.ForeignKey("territory.Street", verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+",
                               editable=False)
    status = models.CharField(_("当前步骤"), max_length=20, choices=Status.choices, default=Status.PLAN, db_index=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    completion_filed_on = models.DateField(_("竣工验收备案日期"), null=True, blank=True,
                                           help_text=_("尚未办理竣工验收备案的留空"))
    delivered_on = models.DateField(_("交付业主日期"), null=True, blank=True)
    handed_over_on = models.DateField(_("物业交接日期"), null=True, blank=True)
    early_delivery = models.BooleanField(_("提前交房"), default=False, db_index=True)
    early_kind = models.CharField(_("提前交房类型"), max_length=20, choices=EarlyKind.choices, blank=True, default="")
    # The joint-enforcement referral (a notice with receipts to the construction and housing departments).
    referral_notice = models.ForeignKey("notices.Notice", verbose_name=_("移交通知"), null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    referred_at = models.DateTimeField(_("移交联合执法时间"), null=True, blank=True)

    plan_note = models.TextField(_("查验方案"), blank=True)
    inspected_on = models.DateField(_("现场查验日期"), null=True, blank=True)
    confirmed_on = models.DateField(_("查验结果确认日期"), null=True, blank=True)
    agreement_signed_on = models.DateField(_("协议签订日期"), null=True, blank=True)
    agreement_number = models.CharField(_("协议编号"), max_length=40, blank=True)

    # Filing (备案) within 30 days of the handover, counted by rules.md §7 (core.calendar.period_last_day).
    filing_due = models.DateField(_("备案期限"), null=True, blank=True, db_index=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    filing_number = models.CharField(_("备案编号"), max_length=40, blank=True)
    filing_reminded_at = models.DateTimeField(_("备案提醒时间"), null=True, blank=True)
    filing_overdue_at = models.DateTimeField(_("备案逾期登记时间"), null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("承接查验")
        verbose_name_plural = _("承接查验")
        indexes = [
            models.Index(fields=["district", "status"]),
            models.Index(fields=["company", "status"]),
            models.Index(fields=["district", "-created_at"]),
            models.Index(fields=["filed_on", "filing_due"]),
        ]

    def __str__(self) -> str:
        return f"{self.estate.name}{self.phase}" if self.estate_id else str(self.pk)


class HandoverEvent(WorkflowEvent):
    case = models.ForeignKey(HandoverCase, verbose_name=_("承接查验"), on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("承接查验记录")
        verbose_name_plural = _("承接查验记录")

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class HandoverDocument(models.Model):
    """One line of the document checklist (物业承接查验办法 建房〔2010〕165号: the drawings and documents the developer hands over)."""

    class Kind(models.TextChoices):
        SITE_PLAN = "site_plan", _("竣工总平面图")
        BUILDING = "building", _("单体建筑、结构、设备竣工图")
        FACILITIES = "facilities", _("配套设施、地下管网工程竣工图")
        EQUIPMENT = "equipment", _("共用设施设备清单及其安装、使用和维护保养等技术资料")
        PERMITS = "permits", _("供水、供电、供气、供热、通信、有线电视等准许使用文件")
        WARRANTY = "warranty", _("物业质量保修文件和物业使用说明文件")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        PENDING = "pending", _("待移交")
        RECEIVED = "received", _("已移交")
        MISSING = "missing", _("缺失（承诺补交）")

    case = models.ForeignKey(HandoverCase, verbose_name=_("承接查验"), on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("资料类别"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("资料名称"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(_("移交情况"), max_length=10, choices=Status.choices, default=Status.PENDING)
    received_on = models.DateField(_("移交日期"), null=True, blank=True)
    promised_on = models.DateField(_("承诺补交日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    # Claimed once by the sweep when a missing document passes its promised date (a developer violation).
    violation_at = models.DateTimeField(_("逾期未交登记时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case_id", "position", "id"]
        verbose_name = _("移交资料")
        verbose_name_plural = _("移交资料")
        indexes = [models.Index(fields=["status", "promised_on"])]

    def __str__(self) -> str:
        return self.name


class HandoverDefect(models.Model):
    """A problem found on site in the common parts and facilities (物业承接查验办法: 查验共用部位、共用设施设备)."""

    class Part(models.TextChoices):
        STRUCTURE = "structure", _("共用部位")
        EQUIPMENT = "equipment", _("共用设备")
        FACILITY = "facility", _("共用设施")

    class Status(models.TextChoices):
        OPEN = "open", _("待解决")
        FIXED = "fixed", _("已解决")

    case = models.ForeignKey(HandoverCase, verbose_name=_("承接查验"), on_delete=models.CASCADE, related_name="defects")
    part = models.CharField(_("查验对象"), max_length=10, choices=Part.choices, default=Part.STRUCTURE)
    location = models.CharField(_("位置"), max_length=200)
    description = models.CharField(_("问题描述"), max_length=500)
    responsible = models.CharField(_("责任单位"), max_length=100, help_text=_("如建设单位、施工单位、设备供应商"))
    promised_on = models.DateField(_("承诺解决日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    fixed_on = models.DateField(_("解决日期"), null=True, blank=True)
    fix_note = models.CharField(_("解决情况"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "id"]
        verbose_name = _("查验问题")
        verbose_name_plural = _("查验问题")

    def __str__(self) -> str:
        return self.description[:40]


def _photo_path(instance, filename: str) -> str:
    return f"handover/{instance.defect.case_id}/{filename}"


class DefectPhoto(models.Model):
    """A photo of a defect, cleaned by ``wuye.core.uploads.check_photos`` (generated name, no EXIF)."""

    class Stage(models.TextChoices):
        FOUND = "found", _("查验发现")
        FIXED = "fixed", _("解决后")

    defect = models.ForeignKey(HandoverDefect, verbose_name=_("查验问题"), on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(_("阶段"), max_length=5, choices=Stage.choices, default=Stage.FOUND)
    file = models.FileField(_("照片"), upload_to=_photo_path)
    content_type = models.CharField(max_length=40, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("查验问题照片")
        verbose_name_plural = _("查验问题照片")

    def __str__(self) -> str:
        return self.file.name
