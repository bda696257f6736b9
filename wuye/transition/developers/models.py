"""Developers (建设单位) and the estates and phases they built.

A developer's record of violations (违规销售, 提前交房, 未经验收交付, refusing to hand over documents or
garages, warranty not honoured) runs through the same event workflow as a company's credit events
(draft → notice → objection → confirmed; ``wuye.credit.workflow``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.models import TimeStampedModel
from wuye.registry.models import Estate


class Developer(TimeStampedModel):
    name = models.CharField(_("建设单位名称"), max_length=100, db_index=True)
    # Checked by ``wuye.registry.services.normalize_credit_code`` (GB 32100-2015 check digit).
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    address = models.CharField(_("注册地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)

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
