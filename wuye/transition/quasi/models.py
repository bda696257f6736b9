"""准物业 bought by the streets and communities (issue 17 §8–9; rules.md §13).

- :class:`ServiceOrganisation`: a community service organisation (社区社会组织, 社区服务中心…) that
  may be the provider instead of a property company of the registry;
- :class:`QuasiContract`: the purchase contract between a street or community (the buyer) and the
  provider, the compounds it covers (:class:`ContractEstate`), its term, amount and funding, and the
  three baseline duties (:class:`ContractDuty`, 安全有防范、环境有保洁、设施有维护) with their items;
- :class:`MonthlyCheck`: the community's check of one duty in one covered compound in one month,
  with photos (:class:`CheckPhoto`, through ``wuye.core.uploads``);
- :class:`Rectification`: what a failed check asks of the provider, with a deadline (its machine
  is in ``workflow.py``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.models import TimeStampedModel
from wuye.core.workflow import WorkflowEvent

MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2}


class Duty(models.TextChoices):
    """The three baseline duties of 准物业 (rules.md §13: 安全有防范、环境有保洁、设施有维护)."""

    SECURITY = "security", _("安全有防范")
    CLEANING = "cleaning", _("环境有保洁")
    FACILITIES = "facilities", _("设施有维护")


# The service items a new contract proposes for each duty (the buyer may change them).
DEFAULT_ITEMS = {
    Duty.SECURITY: "门岗值守或定时巡逻\n楼道、消防通道堵塞清理\n车辆停放秩序\n安全隐患发现和报告",
    Duty.CLEANING: "楼道、院落每日清扫\n垃圾分类收集和清运\n卫生死角和小广告清理\n化粪池、雨污管道定期清掏",
    Duty.FACILITIES: "楼道灯、路灯小修\n上下水管道疏通和小修\n门禁、单元门维护\n公共设施损坏报修和跟踪",
}


class ServiceOrganisation(TimeStampedModel):
    """A community service organisation that provides 准物业 (not a property company)."""

    name = models.CharField(_("组织名称"), max_length=100, db_index=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    district = models.ForeignKey("territory.District", verbose_name=_("所在区县"), on_delete=models.PROTECT,
                                 related_name="+")
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("社区服务组织")
        verbose_name_plural = _("社区服务组织")

    def __str__(self) -> str:
        return self.name

    @property
    def phone_masked(self) -> str:
        from wuye.core.masking import mask_phone

        return mask_phone(self.contact_phone)


class QuasiContract(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草拟")
        SIGNED = "signed", _("履行中")
        TERMINATED = "terminated", _("已终止")

    class Funding(models.TextChoices):
        DISTRICT = "district", _("区级财政")
        STREET = "street", _("街道经费")
        COMMUNITY = "community", _("社区经费")
        SUBSIDY = "subsidy", _("上级专项补助")
        MIXED = "mixed", _("多渠道筹措")

    number = models.CharField(_("合同编号"), max_length=30, unique=True)
    title = models.CharField(_("项目名称"), max_length=100)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    # The buyer: a street office, or one of its communities.
    district = models.ForeignKey("territory.District", verbose_name=_("区县"), on_delete=models.PROTECT,
                                 related_name="+", editable=False)
    street = models.ForeignKey("territory.Street", verbose_name=_("购买街道"), on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey("territory.Community", verbose_name=_("购买社区"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  help_text=_("由社区购买时填写；由街道购买时留空。"))
    # The provider: a property company of the registry, or a community service organisation.
    company = models.ForeignKey("registry.PropertyCompany", verbose_name=_("服务企业"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="quasi_contracts")
    organisation = models.ForeignKey(ServiceOrganisation, verbose_name=_("社区服务组织"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="contracts")
    estates = models.ManyToManyField("registry.Estate", verbose_name=_("覆盖小区"), through="ContractEstate",
                                     related_name="quasi_contracts")
    start_date = models.DateField(_("服务起始日"))
    end_date = models.DateField(_("服务终止日"))
    amount = models.DecimalField(_("合同金额（元）"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    funding = models.CharField(_("资金来源"), max_length=12, choices=Funding.choices, default=Funding.DISTRICT)
    funding_note = models.CharField(_("资金说明"), max_length=200, blank=True)
    full_pay_rate = models.DecimalField(
        _("全额支付合格率（%）"), **PERCENT, default=Decimal("90"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("月度检查合格率达到此值即全额支付。"))
    floor_rate = models.DecimalField(
        _("最低支付比例（%）"), **PERCENT, default=Decimal("60"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("合格率低于此值时按此比例支付（保底）。"))
    rectify_days = models.PositiveSmallIntegerField(_("整改期限（工作日）"), default=5,
                                                    validators=[MinValueValidator(1), MaxValueValidator(30)])
    signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    terminated_on = models.DateField(_("终止日期"), null=True, blank=True)
    # Empty only on rows brought in from earlier records (the demo city's past year).
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("准物业购买服务合同")
        verbose_name_plural = _("准物业购买服务合同")
        indexes = [models.Index(fields=["district", "-start_date"]), models.Index(fields=["street", "-start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(company__isnull=False, organisation__isnull=True)
                           | models.Q(company__isnull=True, organisation__isnull=False)),
                name="quasi_contract_one_provider",
                violation_error_message=_("服务方须是一家物业服务企业或一个社区服务组织。")),
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                   name="quasi_contract_end_after_start",
                                   violation_error_message=_("服务终止日不得早于起始日。")),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def provider(self):
        return self.company or self.organisation

    @property
    def provider_kind(self) -> str:
        return str(_("物业服务企业") if self.company_id else _("社区服务组织"))

    @property
    def buyer(self):
        return self.community or self.street


class ContractEstate(models.Model):
    contract = models.ForeignKey(QuasiContract, on_delete=models.CASCADE, related_name="coverage")
    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey("territory.Community", on_delete=models.PROTECT, related_name="+", editable=False)

    class Meta:
        ordering = ["contract", "estate__name"]
        verbose_name = _("覆盖小区")
        verbose_name_plural = _("覆盖小区")
        constraints = [models.UniqueConstraint(fields=["contract", "estate"], name="quasi_coverage_once")]
        indexes = [models.Index(fields=["community", "contract"]), models.Index(fields=["estate", "contract"])]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.estate_id}"


class ContractDuty(models.Model):
    contract = models.ForeignKey(QuasiContract, on_delete=models.CASCADE, related_name="duties")
    duty = models.CharField(_("基本职责"), max_length=12, choices=Duty.choices)
    items = models.TextField(_("服务事项"), help_text=_("每行一项。"))

    class Meta:
        ordering = ["contract", "id"]
        verbose_name = _("服务职责")
        verbose_name_plural = _("服务职责")
        constraints = [models.UniqueConstraint(fields=["contract", "duty"], name="quasi_duty_once")]

    def __str__(self) -> str:
        return self.get_duty_display()

    @property
    def item_list(self) -> list[str]:
        return [line.strip() for line in self.items.splitlines() if line.strip()]


class MonthlyCheck(TimeStampedModel):
    contract = models.ForeignKey(QuasiContract, verbose_name=_("合同"), on_delete=models.PROTECT, related_name="checks")
    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("检查月份"), help_text=_("当月第一天"))
    duty = models.CharField(_("基本职责"), max_length=12, choices=Duty.choices)
    passed = models.BooleanField(_("合格"))
    note = models.CharField(_("检查情况"), max_length=500, blank=True)
    checked_on = models.DateField(_("检查日期"))
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("检查人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-month", "estate__name", "id"]
        verbose_name = _("月度检查")
        verbose_name_plural = _("月度检查")
        constraints = [models.UniqueConstraint(fields=["contract", "estate", "month", "duty"], name="quasi_check_once",
                                               violation_error_message=_("该小区本月此项职责已检查。"))]
        indexes = [models.Index(fields=["contract", "month"])]

    def __str__(self) -> str:
        return f"{self.estate_id} {self.month:%Y-%m} {self.get_duty_display()}"


def _photo_path(instance, filename: str) -> str:
    return f"quasi/{instance.monthly_check_id}/{filename}"


class CheckPhoto(models.Model):
    monthly_check = models.ForeignKey(MonthlyCheck, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to=_photo_path)
    content_type = models.CharField(max_length=40, blank=True)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("检查照片")
        verbose_name_plural = _("检查照片")

    def __str__(self) -> str:
        return self.file.name


class Rectification(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        SUBMITTED = "submitted", _("待复查")
        CLOSED = "closed", _("已整改")

    monthly_check = models.OneToOneField(MonthlyCheck, verbose_name=_("月度检查"), on_delete=models.PROTECT,
                                 related_name="rectification")
    contract = models.ForeignKey(QuasiContract, verbose_name=_("合同"), on_delete=models.PROTECT,
                                 related_name="rectifications")
    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+")
    duty = models.CharField(_("基本职责"), max_length=12, choices=Duty.choices)
    problem = models.CharField(_("问题"), max_length=500)
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    reply = models.CharField(_("整改情况"), max_length=500, blank=True)
    submitted_on = models.DateField(_("提交整改日期"), null=True, blank=True)
    closed_on = models.DateField(_("复查通过日期"), null=True, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("准物业整改")
        verbose_name_plural = _("准物业整改")
        indexes = [models.Index(fields=["contract", "status"])]

    def __str__(self) -> str:
        return f"{self.estate_id} {self.get_duty_display()} {self.deadline}"

    def is_overdue(self, today) -> bool:
        if self.status == self.Status.CLOSED:
            return bool(self.closed_on and self.closed_on > self.deadline)
        return today > self.deadline


class RectificationEvent(WorkflowEvent):
    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("准物业整改记录")
        verbose_name_plural = _("准物业整改记录")


class ContractEvent(WorkflowEvent):
    contract = models.ForeignKey(QuasiContract, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("合同记录")
        verbose_name_plural = _("合同记录")
