"""通报 bulletins as official documents (issue 16 items 6–8; rules.md §12, GB/T 9704-2012).

A bulletin is drafted from the platform's data for a period and a kind; its sections keep the
official's text beside the figures read from the data (each with a link to its source page). On
issue it gets its document number 机关代字〔年份〕序号号 from :class:`NumberCounter` (one row per agency
code and year, locked while a number is taken: gap-free and unique), its recipients, date and
issuing authority, and can no longer be edited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.models import TimeStampedModel
from wuye.core.workflow import WorkflowEvent


class Bulletin(TimeStampedModel):
    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("月度通报")
        QUARTERLY = "quarterly", _("季度通报")
        ANNUAL = "annual", _("年度通报")
        SPECIAL = "special", _("专项通报")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ISSUED = "issued", _("已印发")
        WITHDRAWN = "withdrawn", _("已撤回")

    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    # 发文字号: 机关代字〔年份〕序号号 (rules.md §12), set on issue.
    agency_code = models.CharField(_("机关代字"), max_length=20, blank=True)
    year = models.PositiveSmallIntegerField(_("发文年份"), null=True, blank=True)
    seq = models.PositiveIntegerField(_("序号"), null=True, blank=True)
    number = models.CharField(_("发文字号"), max_length=40, blank=True, db_index=True)
    authority = models.CharField(_("发文机关"), max_length=100, blank=True)
    issue_date = models.DateField(_("成文日期"), null=True, blank=True)
    public = models.BooleanField(_("向社会公开"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("起草人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签发人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(_("印发时间"), null=True, blank=True)
    notice_id = models.PositiveIntegerField(_("签收通知"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        constraints = [
            models.UniqueConstraint(fields=["agency_code", "year", "seq"], condition=models.Q(seq__isnull=False),
                                    name="bulletin_number_unique"),
        ]

    def __str__(self) -> str:
        return self.number or self.title


class Section(models.Model):
    """One part of the bulletin: a heading, the official's text (editable while a draft) and the
    figures read from the data, each ``{"label", "value", "url"}`` (the link to its source)."""

    bulletin = models.ForeignKey(Bulletin, verbose_name=_("通报"), on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(_("标识"), max_length=30)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    heading = models.CharField(_("小标题"), max_length=100)
    text = models.TextField(_("正文"), blank=True)
    figures = models.JSONField(_("数据"), default=list, blank=True)
    source_url = models.CharField(_("数据来源"), max_length=200, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("通报段落")
        verbose_name_plural = _("通报段落")
        constraints = [models.UniqueConstraint(fields=["bulletin", "key"], name="bulletin_section_key_unique")]

    def __str__(self) -> str:
        return self.heading


class Recipient(models.Model):
    """A unit the bulletin is sent to: 主送 (main) or 抄送 (copy). Its users read the issued
    bulletin and sign for it (the receipt of the notice sent on issue)."""

    class Role(models.TextChoices):
        MAIN = "main", _("主送")
        COPY = "copy", _("抄送")

    bulletin = models.ForeignKey(Bulletin, verbose_name=_("通报"), on_delete=models.CASCADE, related_name="recipients")
    role = models.CharField(_("方式"), max_length=4, choices=Role.choices, default=Role.MAIN)
    kind = models.CharField(_("单位类型"), max_length=12)
    unit_id = models.PositiveIntegerField(_("单位"))
    name = models.CharField(_("单位名称"), max_length=100)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["role", "position", "id"]
        verbose_name = _("收文单位")
        verbose_name_plural = _("收文单位")
        constraints = [models.UniqueConstraint(fields=["bulletin", "kind", "unit_id"], name="bulletin_recipient_unique")]
        indexes = [models.Index(fields=["kind", "unit_id"])]

    def __str__(self) -> str:
        return self.name


class NumberCounter(models.Model):
    """The last number given for an agency code and year; the row is locked
    (``select_for_update``) while a bulletin takes the next one, in the issue's transaction."""

    agency_code = models.CharField(_("机关代字"), max_length=20)
    year = models.PositiveSmallIntegerField(_("年份"))
    last = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("发文字号计数")
        verbose_name_plural = _("发文字号计数")
        constraints = [models.UniqueConstraint(fields=["agency_code", "year"], name="bulletin_counter_unique")]

    def __str__(self) -> str:
        return f"{self.agency_code}〔{self.year}〕{self.last}"


class BulletinEvent(WorkflowEvent):
    bulletin = models.ForeignKey(Bulletin, verbose_name=_("通报"), on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("通报记录")
        verbose_name_plural = _("通报记录")
