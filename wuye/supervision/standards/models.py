"""The versioned service standards (issue 4 §1): a published version is frozen; editing means
publishing a new version, so no past inspection result ever changes."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.models import TimeStampedModel
from wuye.supervision.constants import POINTS


class Standard(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("现行")
        RETIRED = "retired", _("已废止")

    code = models.CharField(_("标准代码"), max_length=30, help_text=_("同一标准的各个版本使用相同代码。"))
    name = models.CharField(_("标准名称"), max_length=100)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    retired_at = models.DateTimeField(_("废止时间"), null=True, blank=True)
    basis = models.CharField(_("依据"), max_length=300, blank=True)
    note = models.TextField(_("版本说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("编制人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("服务标准")
        verbose_name_plural = _("服务标准")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="uniq_standard_version"),
            models.UniqueConstraint(fields=["code"], condition=models.Q(status="published"), name="one_published_standard_per_code",
                                    violation_error_message=_("同一标准同时只能有一个现行版本。")),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第 {self.version} 版）"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class StandardSection(models.Model):
    standard = models.ForeignKey(Standard, verbose_name=_("服务标准"), on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    name = models.CharField(_("章节名称"), max_length=100)

    class Meta:
        ordering = ["standard", "order", "id"]
        verbose_name = _("标准章节")
        verbose_name_plural = _("标准章节")

    def __str__(self) -> str:
        return self.name


class StandardItem(models.Model):
    standard = models.ForeignKey(Standard, verbose_name=_("服务标准"), on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(StandardSection, verbose_name=_("章节"), on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    code = models.CharField(_("条目编号"), max_length=20)
    text = models.CharField(_("标准内容"), max_length=500)
    max_points = models.DecimalField(_("分值"), **POINTS, validators=[MinValueValidator(Decimal("0.5"))])
    deduction_rule = models.CharField(_("扣分规则"), max_length=300, help_text=_("如“每发现一处扣 0.5 分，扣完为止”。"))
    evidence = models.CharField(_("检查方式与佐证"), max_length=300, blank=True)
    # Star levels the item applies to, e.g. [3, 4, 5]; an item not applying to the estate's level scores full.
    star_levels = models.JSONField(_("适用星级"), default=list, blank=True)

    class Meta:
        ordering = ["standard", "section__order", "order", "id"]
        verbose_name = _("标准条目")
        verbose_name_plural = _("标准条目")
        constraints = [models.UniqueConstraint(fields=["standard", "code"], name="uniq_item_code_in_standard")]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:30]}"
