"""Transparency: the common-income ledger, shared utility costs, fee notices and parking (rules.md §2–§5).

Each disclosure belongs to one estate. Companies draft; the owners' committee (or the street
office where there is none) confirms; a confirmed disclosure is published for a public period.
Money is ``Decimal`` yuan with 2 places; every per-unit split is exact to the fen and sums to the
total (``wuye.disclosure.allocation``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.models import SettingsModel, TimeStampedModel
from wuye.core.workflow import WorkflowEvent

MONEY = {"max_digits": 14, "decimal_places": 2}
AREA = {"max_digits": 12, "decimal_places": 2}
READING = {"max_digits": 14, "decimal_places": 2}
PRICE = {"max_digits": 10, "decimal_places": 4}


class DisclosureSettings(SettingsModel):
    """The city bureau's transparency settings (one row)."""

    # rules.md §2 (local): Beijing posts the yearly report in Q1 for ≥ 15 days → deadline = end of Q1.
    income_deadline_month = models.PositiveSmallIntegerField(
        _("公共收益年报截止月"), default=3, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("上一年度公共收益须在本年度此月月底前公示；默认 3 月（第一季度末）。"))
    income_public_days = models.PositiveSmallIntegerField(_("公共收益公示期（天）"), default=15,
                                                          validators=[MinValueValidator(1)])
    utility_public_days = models.PositiveSmallIntegerField(_("水电公摊公示期（天）"), default=15,
                                                           validators=[MinValueValidator(1)])
    # rules.md §3 (local): a loss rate above the threshold (e.g. 10 %) is flagged for inspection.
    utility_loss_threshold = models.DecimalField(_("公摊损耗率预警线（%）"), max_digits=5, decimal_places=2,
                                                 default=Decimal("10.00"),
                                                 validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        verbose_name = _("信息公开设置")
        verbose_name_plural = _("信息公开设置")



class DisclosureStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待确认")
    RETURNED = "returned", _("已退回修改")
    PUBLISHED = "published", _("已公示")
    WITHDRAWN = "withdrawn", _("已撤回")


class UtilityStatus(models.TextChoices):
    """A utility allocation is published by its company without a confirmation step (rules.md §3)."""

    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已公示")
    WITHDRAWN = "withdrawn", _("已撤回")


# ---------------------------------------------------------------- common income (rules.md §2)


class IncomeReport(TimeStampedModel):
    """共有部分经营收益 for one estate and period: income by source, reasonable costs, net, its use
    and each unit's share by exclusive area."""

    class Use(models.TextChoices):
        # rules.md §2: net income mainly tops up the maintenance fund, or as the owners decide.
        MAINTENANCE_FUND = "maintenance_fund", _("补充专项维修资金")
        OWNERS_DECISION = "owners_decision", _("按业主大会决定使用")

    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT,
                               related_name="income_reports")
    company = models.ForeignKey("registry.PropertyCompany", verbose_name=_("编制企业"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="income_reports")
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    status = models.CharField(_("状态"), max_length=12, choices=DisclosureStatus.choices,
                              default=DisclosureStatus.DRAFT, db_index=True)
    version = models.PositiveIntegerField(default=0)
    gross = models.DecimalField(_("收入合计（元）"), **MONEY, default=Decimal("0"))
    costs = models.DecimalField(_("合理成本（元）"), **MONEY, default=Decimal("0"))
    net = models.DecimalField(_("净收益（元）"), **MONEY, default=Decimal("0"))
    use = models.CharField(_("收益用途"), max_length=20, choices=Use.choices, default=Use.MAINTENANCE_FUND)
    use_note = models.CharField(_("用途说明"), max_length=500, blank=True)
    decision_ref = models.CharField(_("业主大会决定文号"), max_length=100, blank=True,
                                    help_text=_("按业主大会决定使用时必填，如“2025 年第 2 次业主大会决定”。"))
    decision_motion = models.ForeignKey("governance.Motion", verbose_name=_("业主大会表决事项"), null=True,
                                        blank=True, on_delete=models.SET_NULL, related_name="+")
    total_area = models.DecimalField(_("分摊总面积（m²）"), **AREA, default=Decimal("0"))
    public_from = models.DateField(_("公示开始"), null=True, blank=True)
    public_until = models.DateField(_("公示截止"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("编制人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "-id"]
        verbose_name = _("公共收益公示")
        verbose_name_plural = _("公共收益公示")
        constraints = [
            models.UniqueConstraint(fields=["estate", "period_start", "period_end"], name="uniq_income_period",
                                    violation_error_message=_("该小区同一期间已有公共收益报告。")),
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                   name="income_period_order"),
        ]
        indexes = [models.Index(fields=["estate", "status", "-period_end"])]

    def __str__(self) -> str:
        return f"{self.estate} {self.period_start:%Y-%m-%d}—{self.period_end:%Y-%m-%d}"


class IncomeItem(models.Model):
    class Source(models.TextChoices):
        LIFT_AD = "lift_ad", _("电梯广告")
        WALL_AD = "wall_ad", _("墙面广告")
        COMMON_PARKING = "common_parking", _("共有道路停车")
        VENUE = "venue", _("场地租赁")
        OTHER = "other", _("其他")

    report = models.ForeignKey(IncomeReport, verbose_name=_("公共收益报告"), on_delete=models.CASCADE,
                               related_name="items")
    source = models.CharField(_("收入来源"), max_length=20, choices=Source.choices)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    amount = models.DecimalField(_("金额（元）"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    # Filled when the line was computed from the registry (common-road parking rents, rules.md §5).
    from_parking = models.BooleanField(_("由车位台账生成"), default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("收入项目")
        verbose_name_plural = _("收入项目")

    def __str__(self) -> str:
        return str(self.get_source_display())


class IncomeCost(models.Model):
    report = models.ForeignKey(IncomeReport, verbose_name=_("公共收益报告"), on_delete=models.CASCADE,
                               related_name="cost_items")
    description = models.CharField(_("成本项目"), max_length=200)
    amount = models.DecimalField(_("金额（元）"), **MONEY, validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        ordering = ["id"]
        verbose_name = _("合理成本")
        verbose_name_plural = _("合理成本")

    def __str__(self) -> str:
        return self.description


class IncomeShare(models.Model):
    """One unit's share of the net income, by exclusive area (rules.md §2), exact to the fen."""

    report = models.ForeignKey(IncomeReport, verbose_name=_("公共收益报告"), on_delete=models.CASCADE,
                               related_name="shares")
    unit = models.ForeignKey("registry.Unit", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+")
    area = models.DecimalField(_("专有部分面积（m²）"), **AREA)
    amount = models.DecimalField(_("应享收益（元）"), **MONEY)

    class Meta:
        ordering = ["unit_id"]
        verbose_name = _("分户收益")
        verbose_name_plural = _("分户收益")
        constraints = [models.UniqueConstraint(fields=["report", "unit"], name="uniq_income_share_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.amount}"


class IncomeEvent(WorkflowEvent):
    """One row of a report's timeline (``income.workflow``): every transition, and the creation,
    edits and objections, which change no status."""

    report = models.ForeignKey(IncomeReport, verbose_name=_("公共收益报告"), on_delete=models.CASCADE,
                               related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("公共收益流转记录")
        verbose_name_plural = _("公共收益流转记录")

    def __str__(self) -> str:
        return f"{self.action} {self.created_at:%Y-%m-%d %H:%M}"


class IncomeObjection(TimeStampedModel):
    """An owner's objection to a published report: it is also filed as a complaint (公共收益不公示
    category) linked here, so that the complaint desk handles it on its clock."""

    report = models.ForeignKey(IncomeReport, verbose_name=_("公共收益报告"), on_delete=models.CASCADE,
                               related_name="objections")
    owner = models.ForeignKey("registry.Owner", verbose_name=_("业主"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出人"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("异议内容"), max_length=2000)
    complaint = models.OneToOneField("cases.Complaint", verbose_name=_("关联诉求"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="income_objection")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("公共收益异议")
        verbose_name_plural = _("公共收益异议")

    def __str__(self) -> str:
        return f"{self.report} · {self.created_at:%Y-%m-%d}"


class IncomeReminder(models.Model):
    """One row per estate and year once the missing-disclosure rule fired: the sweep stays idempotent."""

    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    company = models.ForeignKey("registry.PropertyCompany", verbose_name=_("物业服务企业"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("提醒时间"))

    class Meta:
        verbose_name = _("公共收益逾期未公示记录")
        verbose_name_plural = _("公共收益逾期未公示记录")
        constraints = [models.UniqueConstraint(fields=["estate", "year"], name="uniq_income_reminder")]

    def __str__(self) -> str:
        return f"{self.estate_id} {self.year}"


# ---------------------------------------------------------------- shared utilities (rules.md §3)


class UtilityAllocation(TimeStampedModel):
    """水电公摊 for one estate (or one building), period and utility."""

    class Utility(models.TextChoices):
        ELECTRICITY = "electricity", _("电")
        WATER = "water", _("水")

    class Method(models.TextChoices):
        AREA = "area", _("按专有部分面积")
        HOUSEHOLD = "household", _("按户均摊")
        FORMULA = "formula", _("按公示公式（面积与户数加权）")

    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT,
                               related_name="utility_allocations")
    building = models.ForeignKey("registry.Building", verbose_name=_("楼栋"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="utility_allocations",
                                 help_text=_("总表只计量一栋楼时填写；为空表示全小区。"))
    company = models.ForeignKey("registry.PropertyCompany", verbose_name=_("编制企业"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    utility = models.CharField(_("类别"), max_length=12, choices=Utility.choices)
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    status = models.CharField(_("状态"), max_length=12, choices=UtilityStatus.choices,
                              default=UtilityStatus.DRAFT, db_index=True)
    version = models.PositiveIntegerField(default=0)
    master_start = models.DecimalField(_("总表起数"), **READING, validators=[MinValueValidator(Decimal("0"))])
    master_end = models.DecimalField(_("总表止数"), **READING, validators=[MinValueValidator(Decimal("0"))])
    master_usage = models.DecimalField(_("总表用量"), **READING, default=Decimal("0"))
    household_usage = models.DecimalField(_("分户用量合计"), **READING, default=Decimal("0"))
    loss = models.DecimalField(_("公摊损耗量"), **READING, default=Decimal("0"))
    loss_rate = models.DecimalField(_("损耗率（%）"), max_digits=7, decimal_places=2, default=Decimal("0"))
    flagged = models.BooleanField(_("损耗率超预警线"), default=False, db_index=True)
    method = models.CharField(_("分摊方式"), max_length=12, choices=Method.choices, default=Method.AREA)
    area_weight = models.DecimalField(_("公式中面积权重（%）"), max_digits=5, decimal_places=2, null=True, blank=True,
                                      validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
                                      help_text=_("按公式分摊时：面积部分所占比例，其余按户均摊。"))
    formula_text = models.CharField(_("公示的分摊公式"), max_length=300, blank=True)
    unit_price = models.DecimalField(_("单价（元）"), **PRICE, validators=[MinValueValidator(Decimal("0"))])
    total_charge = models.DecimalField(_("公摊费用合计（元）"), **MONEY, default=Decimal("0"))
    public_from = models.DateField(_("公示开始"), null=True, blank=True)
    public_until = models.DateField(_("公示截止"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("编制人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-period_end", "utility", "-id"]
        verbose_name = _("水电公摊")
        verbose_name_plural = _("水电公摊")
        constraints = [
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                   name="utility_period_order"),
        ]
        indexes = [models.Index(fields=["estate", "status", "-period_end"])]

    def __str__(self) -> str:
        return f"{self.estate} {self.get_utility_display()} {self.period_start:%Y-%m}"


class HouseholdReading(models.Model):
    allocation = models.ForeignKey(UtilityAllocation, verbose_name=_("水电公摊"), on_delete=models.CASCADE,
                                   related_name="readings")
    unit = models.ForeignKey("registry.Unit", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+")
    start = models.DecimalField(_("起数"), **READING, validators=[MinValueValidator(Decimal("0"))])
    end = models.DecimalField(_("止数"), **READING, validators=[MinValueValidator(Decimal("0"))])
    usage = models.DecimalField(_("用量"), **READING)

    class Meta:
        ordering = ["unit_id"]
        verbose_name = _("分户表读数")
        verbose_name_plural = _("分户表读数")
        constraints = [models.UniqueConstraint(fields=["allocation", "unit"], name="uniq_reading_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.usage}"


class UtilityShare(models.Model):
    """One unit's share of the loss and its charge (rules.md §3), exact to the fen."""

    allocation = models.ForeignKey(UtilityAllocation, verbose_name=_("水电公摊"), on_delete=models.CASCADE,
                                   related_name="shares")
    unit = models.ForeignKey("registry.Unit", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+")
    area = models.DecimalField(_("专有部分面积（m²）"), **AREA)
    weight = models.DecimalField(_("分摊系数"), max_digits=20, decimal_places=10)
    quantity = models.DecimalField(_("分摊用量"), max_digits=14, decimal_places=3)
    charge = models.DecimalField(_("分摊金额（元）"), **MONEY)

    class Meta:
        ordering = ["unit_id"]
        verbose_name = _("分户公摊")
        verbose_name_plural = _("分户公摊")
        constraints = [models.UniqueConstraint(fields=["allocation", "unit"], name="uniq_utility_share_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.charge}"


# ---------------------------------------------------------------- fee notices (rules.md §4)


class FeeNotice(TimeStampedModel):
    """明码标价 (发改价检〔2004〕1428号): every field the rule lists, 12358 included."""

    class PriceRegime(models.TextChoices):
        GOVERNMENT_GUIDED = "government_guided", _("政府指导价")
        MARKET = "market", _("市场调节价")

    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT,
                               related_name="fee_notices")
    company = models.ForeignKey("registry.PropertyCompany", verbose_name=_("物业服务企业"),
                                on_delete=models.PROTECT, related_name="fee_notices")
    payer = models.CharField(_("缴费主体"), max_length=100, default="业主（已交付房屋）；开发建设单位（未售或未交付房屋）")
    service_content = models.TextField(_("服务内容"), max_length=2000)
    service_standard = models.CharField(_("服务标准（等级或星级）"), max_length=100)
    billing_method = models.CharField(_("计费方式"), max_length=100, default="按建筑面积按月计收")
    billing_start = models.DateField(_("计费起始时间"))
    price_regime = models.CharField(_("价格管理形式"), max_length=20, choices=PriceRegime.choices,
                                    default=PriceRegime.MARKET)
    base_price = models.DecimalField(_("基准价（元/m²·月）"), max_digits=8, decimal_places=2, null=True, blank=True)
    band_percent = models.DecimalField(_("浮动幅度（%）"), max_digits=5, decimal_places=2, null=True, blank=True)
    legal_basis = models.CharField(_("收费依据"), max_length=300)
    hotline = models.CharField(_("价格举报电话"), max_length=20, default="12358")
    effective_from = models.DateField(_("公示日期"))
    is_current = models.BooleanField(_("现行"), default=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-effective_from", "-id"]
        verbose_name = _("收费公示")
        verbose_name_plural = _("收费公示")
        constraints = [models.UniqueConstraint(fields=["estate"], condition=models.Q(is_current=True),
                                               name="uniq_current_fee_notice")]

    def __str__(self) -> str:
        return f"{self.estate} {self.effective_from}"


class FeeItem(models.Model):
    notice = models.ForeignKey(FeeNotice, verbose_name=_("收费公示"), on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("收费项目"), max_length=100)
    rate = models.DecimalField(_("收费标准"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    unit = models.CharField(_("计量单位"), max_length=30, default="元/m²·月")
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("收费项目")
        verbose_name_plural = _("收费项目")

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------- parking (rules.md §5)


class RentRequest(TimeStampedModel):
    """An owner's request to rent a space (waiting list, first come first served)."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("排队中")
        OFFERED = "offered", _("已安排车位")
        WITHDRAWN = "withdrawn", _("已撤回")

    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT,
                               related_name="rent_requests")
    owner = models.ForeignKey("registry.Owner", verbose_name=_("业主"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    plate = models.CharField(_("车牌号"), max_length=12, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.WAITING, db_index=True)
    space = models.ForeignKey("registry.ParkingSpace", verbose_name=_("安排的车位"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("租车位申请")
        verbose_name_plural = _("租车位申请")
        constraints = [models.UniqueConstraint(fields=["estate", "owner"], condition=models.Q(status="waiting"),
                                               name="uniq_waiting_rent_request",
                                               violation_error_message=_("您已在本小区的租车位排队名单中。"))]

    def __str__(self) -> str:
        return f"{self.estate_id} #{self.pk}"


class ParkingViolation(TimeStampedModel):
    """只售不租 (rules.md §5, local): idle developer-held spaces not offered for rent."""

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        RESOLVED = "resolved", _("已整改")

    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT,
                               related_name="parking_violations")
    idle_spaces = models.PositiveIntegerField(_("空置未出租车位数"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    found_at = models.DateTimeField(_("发现时间"))
    resolved_at = models.DateTimeField(_("整改时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["-found_at", "-id"]
        verbose_name = _("车位只售不租")
        verbose_name_plural = _("车位只售不租")
        constraints = [models.UniqueConstraint(fields=["estate"], condition=models.Q(status="open"),
                                               name="uniq_open_parking_violation")]

    def __str__(self) -> str:
        return f"{self.estate} {self.get_status_display()}"
