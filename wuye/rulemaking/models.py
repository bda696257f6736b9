"""Normative documents (their versions, effective and repeal dates, the settings that implement
them) and public consultation on drafts (issue 19 items 7–8; rules.md §13)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.calendar import PeriodUnit
from wuye.core.models import TimeStampedModel
from wuye.core.workflow import WorkflowEvent


class NormativeDocument(TimeStampedModel):
    """One regulation, standard or guidance document of the library; its text lives in versions."""

    class Kind(models.TextChoices):
        REGULATION = "regulation", _("地方性法规")
        RULE = "rule", _("政府规章")
        STANDARD = "standard", _("服务标准")
        GUIDANCE = "guidance", _("规范性文件")

    code = models.CharField(_("文件代码"), max_length=40, unique=True, help_text=_("同一文件的各版本共用，如 WYTL"))
    title = models.CharField(_("文件名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices, db_index=True)
    issuer = models.CharField(_("制定机关"), max_length=100)
    summary = models.TextField(_("简介"), blank=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("规范性文件")
        verbose_name_plural = _("规范性文件")

    def __str__(self) -> str:
        return self.title


class DocumentVersion(TimeStampedModel):
    """One version of a document: its number, text and the dates it is in force. A version with
    a repeal date stops being in force on that day; the platform's settings that implement it
    (the inspection standard in use) link to it."""

    document = models.ForeignKey(NormativeDocument, verbose_name=_("文件"), on_delete=models.CASCADE,
                                 related_name="versions")
    version = models.PositiveSmallIntegerField(_("版本"))
    doc_number = models.CharField(_("文号"), max_length=60, blank=True)
    text = models.TextField(_("正文"))
    effective_on = models.DateField(_("施行日期"))
    repealed_on = models.DateField(_("废止日期"), null=True, blank=True)
    note = models.CharField(_("版本说明"), max_length=300, blank=True)
    standard = models.OneToOneField("supervision.Standard", verbose_name=_("实施的检查标准"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="normative_version",
                                    help_text=_("平台中实施本版本的物业服务检查标准"))
    draft = models.OneToOneField("rulemaking.Draft", verbose_name=_("来源草案"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="library_version")

    class Meta:
        ordering = ["document", "-version"]
        verbose_name = _("文件版本")
        verbose_name_plural = _("文件版本")
        constraints = [models.UniqueConstraint(fields=["document", "version"], name="uniq_normative_version")]

    def __str__(self) -> str:
        return f"{self.document.title}（第 {self.version} 版）"


class Draft(TimeStampedModel):
    """A draft regulation or normative document put out for public consultation."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("起草中")
        CONSULTING = "consulting", _("征求意见中")
        CLOSED = "closed", _("征求意见结束")
        PUBLISHED = "published", _("已公布采纳情况")

    title = models.CharField(_("草案名称"), max_length=200)
    body = models.TextField(_("草案正文"))
    explanation = models.TextField(_("起草说明"), blank=True)
    office = models.CharField(_("起草单位"), max_length=100, default="市住房保障房产局")
    document = models.ForeignKey(NormativeDocument, verbose_name=_("对应文件"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="drafts")
    consultation_opens = models.DateField(_("征求意见开始日"))
    consultation_closes = models.DateField(_("征求意见截止日"))
    period_unit = models.CharField(_("期限计算方式"), max_length=16, choices=PeriodUnit.choices,
                                   default=PeriodUnit.CALENDAR_DAYS)
    short_period_reason = models.CharField(_("缩短征求意见期的理由"), max_length=500, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    final_text = models.TextField(_("公布文本"), blank=True)
    summary = models.TextField(_("意见采纳情况说明"), blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("起草人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-consultation_opens", "-id"]
        verbose_name = _("征求意见草案")
        verbose_name_plural = _("征求意见草案")

    def __str__(self) -> str:
        return self.title


class DraftEvent(WorkflowEvent):
    draft = models.ForeignKey(Draft, verbose_name=_("草案"), on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("草案记录")
        verbose_name_plural = _("草案记录")

    def __str__(self) -> str:
        return f"{self.draft} {self.action}"


class Comment(models.Model):
    """One comment on a draft, on one article (or on the whole text). Never deleted: an abusive
    comment is hidden from the public with a reason (audited) and stays in the record."""

    class Source(models.TextChoices):
        PUBLIC = "public", _("社会公众（短信验证）")
        ACCOUNT = "account", _("平台用户")
        UNIT = "unit", _("单位意见")

    class Answer(models.TextChoices):
        ADOPTED = "adopted", _("采纳")
        PARTLY = "partly", _("部分采纳")
        NOT_ADOPTED = "not_adopted", _("未采纳")

    draft = models.ForeignKey(Draft, verbose_name=_("草案"), on_delete=models.CASCADE, related_name="comments")
    article = models.CharField(_("条款"), max_length=40, help_text=_("如“第十二条”；对草案整体的意见填“总体意见”"))
    text = models.TextField(_("意见内容"))
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    author_name = models.CharField(_("提出人"), max_length=100)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("账号"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    unit_kind = models.CharField(_("单位类别"), max_length=20, blank=True)
    unit_id = models.PositiveIntegerField(_("单位编号"), null=True, blank=True)
    created_at = models.DateTimeField(_("提出时间"))
    hidden = models.BooleanField(_("已屏蔽"), default=False, db_index=True)
    hidden_reason = models.CharField(_("屏蔽理由"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("屏蔽人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    hidden_at = models.DateTimeField(_("屏蔽时间"), null=True, blank=True)
    answer = models.CharField(_("采纳情况"), max_length=12, choices=Answer.choices, blank=True, db_index=True)
    answer_reason = models.TextField(_("理由"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("答复人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        ordering = ["draft", "article", "created_at", "id"]
        verbose_name = _("意见")
        verbose_name_plural = _("意见")
        indexes = [models.Index(fields=["draft", "hidden", "article"])]

    def __str__(self) -> str:
        return f"{self.draft} · {self.article}"
