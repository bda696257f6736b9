"""The registry: property companies, estates and their contracts, buildings, units, owners,
parking spaces, staff and owners' committees."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuye.core.masking import mask_id_number, mask_phone
from wuye.core.models import TimeStampedModel
from wuye.territory.models import Community, District, Street

AREA = {"max_digits": 12, "decimal_places": 2}
MONEY = {"max_digits": 12, "decimal_places": 2}


class PropertyCompany(TimeStampedModel):
    class FilingStatus(models.TextChoices):
        FILED = "filed", _("已备案")
        PENDING = "pending", _("备案审核中")
        UNFILED = "unfiled", _("未备案")
        REVOKED = "revoked", _("已注销")

    name = models.CharField(_("企业名称"), max_length=100, db_index=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50)
    address = models.CharField(_("注册地址"), max_length=200)
    service_phone = models.CharField(_("服务电话"), max_length=30)
    filing_status = models.CharField(_("备案状态"), max_length=10, choices=FilingStatus.choices, default=FilingStatus.FILED)
    search_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("物业服务企业")
        verbose_name_plural = pgettext_lazy("plural", "物业服务企业")

    def __str__(self) -> str:
        return self.name


class Estate(TimeStampedModel):
    class Kind(models.TextChoices):
        COMMERCIAL = "commercial", _("商品住宅")
        OLD_COMPOUND = "old_compound", _("老旧楼院")
        AFFORDABLE = "affordable", _("保障性住房")
        RESETTLEMENT = "resettlement", _("安置住房")

    class ManagementMode(models.TextChoices):
        PROFESSIONAL = "professional", _("专业化物业服务")
        SELF_MANAGED = "self_managed", _("业主自治管理")
        QUASI = "quasi", _("政府购买准物业服务")
        NONE = "none", _("无物业管理")

    name = models.CharField(_("小区名称"), max_length=100, db_index=True)
    address = models.CharField(_("地址"), max_length=200)
    community = models.ForeignKey(Community, verbose_name=_("所属社区"), on_delete=models.PROTECT, related_name="estates")
    # Denormalised from the community so that scoping a list to a street or district is one indexed filter.
    street = models.ForeignKey(Street, verbose_name=_("所属街道"), on_delete=models.PROTECT, related_name="estates", editable=False)
    district = models.ForeignKey(District, verbose_name=_("所属区县"), on_delete=models.PROTECT, related_name="estates", editable=False)
    kind = models.CharField(_("小区类型"), max_length=20, choices=Kind.choices, default=Kind.COMMERCIAL)
    year_built = models.PositiveSmallIntegerField(_("建成年份"), null=True, blank=True)
    floor_area = models.DecimalField(_("总建筑面积（m²）"), **AREA, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))])
    management_mode = models.CharField(_("管理模式"), max_length=20, choices=ManagementMode.choices, default=ManagementMode.PROFESSIONAL)
    # The company of the current service contract, kept here for scoping (set by estate services).
    company = models.ForeignKey(
        PropertyCompany, verbose_name=_("物业服务企业"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="estates", editable=False,
    )
    search_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("住宅小区")
        verbose_name_plural = pgettext_lazy("plural", "住宅小区")
        indexes = [
            models.Index(fields=["district", "name"]),
            models.Index(fields=["street", "name"]),
            models.Index(fields=["community", "name"]),
            models.Index(fields=["company", "name"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def current_contract(self):
        return next(iter(self.contracts.filter(is_current=True)), None)


class ServiceContract(TimeStampedModel):
    class Grade(models.TextChoices):
        STAR1 = "1", _("一星级")
        STAR2 = "2", _("二星级")
        STAR3 = "3", _("三星级")
        STAR4 = "4", _("四星级")
        STAR5 = "5", _("五星级")

    estate = models.ForeignKey(Estate, verbose_name=_("小区"), on_delete=models.CASCADE, related_name="contracts")
    company = models.ForeignKey(PropertyCompany, verbose_name=_("物业服务企业"), on_delete=models.PROTECT, related_name="contracts")
    start_date = models.DateField(_("合同起始日"))
    end_date = models.DateField(_("合同终止日"))
    contracted_grade = models.CharField(_("约定服务等级"), max_length=2, choices=Grade.choices, default=Grade.STAR2)
    fee_rate = models.DecimalField(_("物业费标准（元/m²·月）"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    filing_number = models.CharField(_("合同备案号"), max_length=40, blank=True)
    is_current = models.BooleanField(_("现行合同"), default=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("物业服务合同")
        verbose_name_plural = _("物业服务合同")
        constraints = [
            models.UniqueConstraint(fields=["estate"], condition=models.Q(is_current=True), name="one_current_contract_per_estate",
                                    violation_error_message=_("一个小区只能有一份现行物业服务合同。")),
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="contract_end_after_start",
                               violation_error_message=_("合同终止日不得早于起始日。")),
        ]

    def __str__(self) -> str:
        return f"{self.estate} · {self.company}"


class Building(TimeStampedModel):
    estate = models.ForeignKey(Estate, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="buildings")
    name = models.CharField(_("楼栋"), max_length=50)
    floors = models.PositiveSmallIntegerField(_("层数"), null=True, blank=True)
    has_lift = models.BooleanField(_("有电梯"), default=False)

    class Meta:
        ordering = ["estate", "name"]
        verbose_name = _("楼栋")
        verbose_name_plural = pgettext_lazy("plural", "楼栋")
        constraints = [models.UniqueConstraint(fields=["estate", "name"], name="uniq_building_name_in_estate",
                                    violation_error_message=_("该小区已有同名楼栋。"))]

    def __str__(self) -> str:
        return self.name


class Unit(TimeStampedModel):
    class AreaSource(models.TextChoices):
        # rules.md §1: registered area, else surveyed, else contract area.
        REGISTERED = "registered", _("不动产登记面积")
        SURVEYED = "surveyed", _("测绘面积")
        CONTRACT = "contract", _("合同约定面积")

    class SaleStatus(models.TextChoices):
        UNSOLD = "unsold", _("开发商未售")
        SOLD_UNDELIVERED = "sold_undelivered", _("已售未交付")
        DELIVERED = "delivered", _("已交付")

    estate = models.ForeignKey(Estate, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="units")
    building = models.ForeignKey(Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="units")
    number = models.CharField(_("房号"), max_length=30)
    floor = models.SmallIntegerField(_("楼层"), null=True, blank=True)
    exclusive_area = models.DecimalField(_("专有部分面积（m²）"), **AREA, validators=[MinValueValidator(Decimal("0.01"))])
    area_source = models.CharField(_("面积来源"), max_length=12, choices=AreaSource.choices, default=AreaSource.REGISTERED)
    built_area = models.DecimalField(_("建筑面积（m²）"), **AREA, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))])
    sale_status = models.CharField(_("销售状态"), max_length=20, choices=SaleStatus.choices, default=SaleStatus.DELIVERED)

    class Meta:
        ordering = ["building_id", "number"]
        verbose_name = _("房屋")
        verbose_name_plural = pgettext_lazy("plural", "房屋")
        constraints = [models.UniqueConstraint(fields=["building", "number"], name="uniq_unit_number_in_building",
                                    violation_error_message=_("该楼栋已有相同房号的房屋。"))]
        indexes = [models.Index(fields=["estate", "building", "number"])]

    def __str__(self) -> str:
        return self.number


class Owner(TimeStampedModel):
    class Kind(models.TextChoices):
        PERSON = "person", _("自然人")
        ORGANISATION = "organisation", _("单位")

    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("姓名/名称"), max_length=100, db_index=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    id_number = models.CharField(_("证件号码"), max_length=18, blank=True)
    search_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["id_number"], name="registry_owner_id_number_idx")]
        # One buyer, one head (法释〔2009〕7号 第九条): one owner row per ID number or credit code.
        constraints = [models.UniqueConstraint(
            fields=["id_number"], condition=~models.Q(id_number=""), name="uniq_owner_id_number",
            violation_error_message=_("该证件号码已登记，请查找并选择已登记的业主。"))]
        verbose_name = _("业主")
        verbose_name_plural = pgettext_lazy("plural", "业主")

    def __str__(self) -> str:
        return self.name

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)


class Ownership(TimeStampedModel):
    unit = models.ForeignKey(Unit, verbose_name=_("房屋"), on_delete=models.CASCADE, related_name="ownerships")
    owner = models.ForeignKey(Owner, verbose_name=_("业主"), on_delete=models.PROTECT, related_name="ownerships")
    # Denormalised from the unit for scoping owners to an estate.
    estate = models.ForeignKey(Estate, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="ownerships", editable=False)
    share = models.DecimalField(_("产权份额（%）"), max_digits=5, decimal_places=2, null=True, blank=True)
    since = models.DateField(_("登记日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("产权关系")
        verbose_name_plural = _("产权关系")
        constraints = [models.UniqueConstraint(fields=["unit", "owner"], name="uniq_owner_per_unit",
                                    violation_error_message=_("该业主已登记为此房屋的产权人。"))]
        indexes = [models.Index(fields=["owner", "estate"]), models.Index(fields=["estate", "owner"])]

    def __str__(self) -> str:
        return f"{self.owner} — {self.unit}"


class ParkingSpace(TimeStampedModel):
    class Kind(models.TextChoices):
        UNDERGROUND = "underground", _("地下车位")
        SURFACE = "surface", _("地面车位")
        MECHANICAL = "mechanical", _("机械车位")
        COMMON_ROAD = "common_road", _("占用共有道路车位")

    class Ownership(models.TextChoices):
        DEVELOPER = "developer", _("开发商所有")
        OWNER = "owner", _("业主所有")
        COMMON = "common", _("全体业主共有")

    class Disposal(models.TextChoices):
        SOLD = "sold", _("已出售")
        RENTED = "rented", _("已出租")
        IDLE = "idle", _("空置")

    estate = models.ForeignKey(Estate, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="parking_spaces")
    number = models.CharField(_("车位编号"), max_length=30)
    kind = models.CharField(_("车位类型"), max_length=12, choices=Kind.choices, default=Kind.UNDERGROUND)
    ownership = models.CharField(_("权属"), max_length=10, choices=Ownership.choices, default=Ownership.DEVELOPER)
    disposal = models.CharField(_("处置状态"), max_length=10, choices=Disposal.choices, default=Disposal.IDLE)
    monthly_rent = models.DecimalField(_("月租金（元）"), **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))])
    offered_for_rent = models.BooleanField(_("对业主出租"), default=False)

    class Meta:
        ordering = ["estate", "number"]
        verbose_name = _("车位")
        verbose_name_plural = pgettext_lazy("plural", "车位")
        constraints = [models.UniqueConstraint(fields=["estate", "number"], name="uniq_parking_number_in_estate",
                                    violation_error_message=_("该小区已有相同编号的车位。"))]

    def __str__(self) -> str:
        return self.number

    @property
    def sale_only_violation(self) -> bool:
        """rules.md §5 (local): an idle developer-held space not offered for rent (只售不租)."""
        return self.ownership == self.Ownership.DEVELOPER and self.disposal == self.Disposal.IDLE and not self.offered_for_rent


class Staff(TimeStampedModel):
    class Role(models.TextChoices):
        PROJECT_MANAGER = "project_manager", _("项目经理")
        CUSTOMER_SERVICE = "customer_service", _("客服")
        ENGINEER = "engineer", _("工程维修")
        SECURITY = "security", _("秩序维护")
        CLEANER = "cleaner", _("保洁")
        GARDENER = "gardener", _("绿化")
        OTHER = "other", _("其他")

    company = models.ForeignKey(PropertyCompany, verbose_name=_("所属企业"), on_delete=models.PROTECT, related_name="staff")
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    role = models.CharField(_("岗位"), max_length=20, choices=Role.choices)
    certificates = models.CharField(_("持有证书"), max_length=200, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    estate = models.ForeignKey(Estate, verbose_name=_("现服务小区"), null=True, blank=True, on_delete=models.SET_NULL, related_name="staff")
    post_started = models.DateField(_("到岗日期"), null=True, blank=True)
    search_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["company", "name", "id"]
        verbose_name = _("从业人员")
        verbose_name_plural = _("从业人员")

    def __str__(self) -> str:
        return self.name

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class OwnersCommittee(TimeStampedModel):
    estate = models.ForeignKey(Estate, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="committees")
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期结束"))
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    is_current = models.BooleanField(_("本届"), default=True)

    class Meta:
        ordering = ["-term_start"]
        verbose_name = _("业主委员会")
        verbose_name_plural = pgettext_lazy("plural", "业主委员会")
        constraints = [
            models.UniqueConstraint(fields=["estate"], condition=models.Q(is_current=True), name="one_current_committee_per_estate",
                                    violation_error_message=_("一个小区只能有一届现任业主委员会。")),
        ]

    def __str__(self) -> str:
        return f"{self.estate.name} 业主委员会（{self.term_start:%Y}–{self.term_end:%Y}）"


class CommitteeMember(TimeStampedModel):
    class Position(models.TextChoices):
        DIRECTOR = "director", _("主任")
        DEPUTY = "deputy", _("副主任")
        MEMBER = "member", _("委员")

    committee = models.ForeignKey(OwnersCommittee, verbose_name=_("业主委员会"), on_delete=models.CASCADE, related_name="members")
    owner = models.ForeignKey(Owner, verbose_name=_("业主"), null=True, blank=True, on_delete=models.SET_NULL, related_name="committee_seats")
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("职务"), max_length=10, choices=Position.choices, default=Position.MEMBER)
    is_party_member = models.BooleanField(_("中共党员"), default=False)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)

    class Meta:
        ordering = ["committee", "position", "id"]
        verbose_name = _("业委会成员")
        verbose_name_plural = _("业委会成员")

    def __str__(self) -> str:
        return f"{self.name}（{self.get_position_display()}）"


class ImportJob(TimeStampedModel):
    """One uploaded Excel file and its all-or-nothing import (processed by a Huey task)."""

    class Kind(models.TextChoices):
        COMPANIES = "companies", _("物业企业")
        ESTATES = "estates", pgettext_lazy("plural", "住宅小区")
        UNITS = "units", _("房屋及业主")

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        VALIDATING = "validating", _("校验中")
        IMPORTING = "importing", _("写入中")
        SUCCEEDED = "succeeded", _("导入成功")
        FAILED = "failed", _("导入失败")

    kind = models.CharField(_("导入类型"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    # The uploaded workbook holds personal data in bulk; it is deleted once the job has finished.
    file = models.FileField(_("上传文件"), upload_to="imports/uploads/%Y/%m/", blank=True)
    original_name = models.CharField(_("文件名"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("文件大小（字节）"), default=0)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    error_count = models.PositiveIntegerField(_("问题数"), default=0)
    error_report = models.FileField(_("错误报告"), upload_to="imports/reports/%Y/%m/", blank=True)
    errors_preview = models.JSONField(_("问题（前 200 条）"), default=list, blank=True)
    result = models.JSONField(_("导入结果"), default=dict, blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="import_jobs",
    )
    upload_ip = models.GenericIPAddressField(_("上传 IP"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始处理时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}导入 #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)
