"""回头看 campaigns with their re-checks, and confidential 扫黑除恶 clue reports (issue 17 §10–11).

- ``RecheckCampaign``: a re-check of one year's clean-up by the city or a district; its sample of
  closed rectification orders and resolved complaints is drawn reproducibly from a published seed
  (rules.md §10: 双随机、一公开; a re-inspection closes or reopens) and stored with its candidates.
- ``Recheck``: one sampled record, assigned to a street (or district) official, found "still fixed"
  or "relapsed" with a note and photos.
- ``ClueReport``: a confidential clue against a company or a person, seen only by the police and the
  city bureau; the reporter keeps a receipt.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.models import TimeStampedModel
from wuye.core.workflow import WorkflowEvent


class RecheckCampaign(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("待抽取")
        CHECKING = "checking", _("复查中")
        FINISHED = "finished", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    name = models.CharField(_("名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("复查年度"), help_text=_("抽取该年度已销号的整改通知和已办结的诉求"))
    district = models.ForeignKey("territory.District", verbose_name=_("区县"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+", help_text=_("留空表示全市"))
    categories = models.ManyToManyField("cases.Category", verbose_name=_("抽取的诉求类别"), blank=True, related_name="+")
    order_count = models.PositiveSmallIntegerField(_("抽取整改通知数"), default=10)
    complaint_count = models.PositiveSmallIntegerField(_("抽取诉求数"), default=10)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    # The draw, stored so that anyone can re-run it from the published seed (``draw.py``).
    seed = models.CharField(_("随机种子"), max_length=64, blank=True)
    algorithm = models.CharField(_("抽取算法"), max_length=40, blank=True)
    order_candidates = models.JSONField(_("候选整改通知"), default=list, blank=True)
    complaint_candidates = models.JSONField(_("候选诉求"), default=list, blank=True)
    result = models.JSONField(_("抽取结果"), default=dict, blank=True)
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("抽取人"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    bulletin = models.ForeignKey("bulletins.Bulletin", verbose_name=_("通报"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("回头看")
        verbose_name_plural = _("回头看")

    def __str__(self) -> str:
        return self.name


class CampaignEvent(WorkflowEvent):
    campaign = models.ForeignKey(RecheckCampaign, verbose_name=_("回头看"), on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("回头看记录")
        verbose_name_plural = _("回头看记录")


class Recheck(models.Model):
    class Kind(models.TextChoices):
        ORDER = "order", _("整改通知")
        COMPLAINT = "complaint", _("诉求")

    class Result(models.TextChoices):
        PENDING = "", _("待复查")
        FIXED = "fixed", _("整改保持")
        RELAPSED = "relapsed", _("问题反弹")

    campaign = models.ForeignKey(RecheckCampaign, verbose_name=_("回头看"), on_delete=models.CASCADE, related_name="rechecks")
    position = models.PositiveIntegerField(_("序号"), default=0)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    order = models.ForeignKey("supervision.RectificationOrder", verbose_name=_("整改通知"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    complaint = models.ForeignKey("cases.Complaint", verbose_name=_("诉求"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey("registry.PropertyCompany", verbose_name=_("物业服务企业"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey("territory.District", verbose_name=_("区县"), on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey("territory.Street", verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+")
    summary = models.CharField(_("原问题"), max_length=300)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("复查人"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    result = models.CharField(_("复查结果"), max_length=10, choices=Result.choices, blank=True, default="", db_index=True)
    note = models.TextField(_("复查说明"), blank=True)
    checked_at = models.DateTimeField(_("复查时间"), null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    new_order = models.ForeignKey("supervision.RectificationOrder", verbose_name=_("新下达的整改通知"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")
    new_complaint = models.ForeignKey("cases.Complaint", verbose_name=_("新立的诉求"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    credit_event = models.ForeignKey("credit.CreditEvent", verbose_name=_("信用信息"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["campaign", "position", "id"]
        verbose_name = _("复查")
        verbose_name_plural = _("复查")
        indexes = [models.Index(fields=["campaign", "result"]), models.Index(fields=["street", "result"])]

    def __str__(self) -> str:
        return f"{self.campaign} #{self.position}"


class RecheckPhoto(models.Model):
    recheck = models.ForeignKey(Recheck, verbose_name=_("复查"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to="recheck/%Y/%m/")
    content_type = models.CharField(max_length=40)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("复查照片")
        verbose_name_plural = _("复查照片")

    def __str__(self) -> str:
        return f"{self.recheck_id}:{self.pk}"


class ClueReport(TimeStampedModel):
    class Status(models.TextChoices):
        RECEIVED = "received", _("已接收")
        INVESTIGATING = "investigating", _("核查中")
        CONFIRMED = "confirmed", _("查证属实")
        UNFOUNDED = "unfounded", _("查无实据")

    class Target(models.TextChoices):
        COMPANY = "company", _("物业服务企业")
        PERSON = "person", _("个人")

    number = models.CharField(_("回执编号"), max_length=24, unique=True)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("举报人"), on_delete=models.PROTECT,
                                 related_name="+")
    target = models.CharField(_("举报对象类型"), max_length=10, choices=Target.choices)
    company = models.ForeignKey("registry.PropertyCompany", verbose_name=_("被举报企业"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    person_name = models.CharField(_("被举报人"), max_length=50, blank=True)
    district = models.ForeignKey("territory.District", verbose_name=_("发生地区县"), on_delete=models.PROTECT, related_name="+")
    location = models.CharField(_("具体地点"), max_length=100, blank=True)
    content = models.TextField(_("线索内容"), max_length=4000)
    status = models.CharField(_("状态"), max_length=15, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    outcome = models.TextField(_("公安机关核查结论"), blank=True)
    outcome_at = models.DateTimeField(_("结论时间"), null=True, blank=True)
    outcome_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("结论录入人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    # The link only the police and the city see: the veto credit item a confirmed clue produced.
    credit_event = models.ForeignKey("credit.CreditEvent", verbose_name=_("一票否决信用信息"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("涉黑涉恶线索")
        verbose_name_plural = _("涉黑涉恶线索")
        indexes = [models.Index(fields=["district", "status"])]

    def __str__(self) -> str:
        return self.number

    @property
    def target_name(self) -> str:
        return self.company.name if self.company_id else self.person_name


class ClueEvent(WorkflowEvent):
    clue = models.ForeignKey(ClueReport, verbose_name=_("线索"), on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("线索办理记录")
        verbose_name_plural = _("线索办理记录")
