"""Enterprise credit: the rules catalogue, credit events and their workflow, scores, grades, red and
black lists, project managers' personal scores, benchmarks and exit cases (rules.md §9).

Score = basic (capped) + good (capped) − bad, from confirmed, unexpired events; grades by
thresholds that are settings; a veto item black-lists whatever the score. ``CompanyCredit`` holds
the computed figures so that lists, pages and the API read one row.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.models import SettingsModel, TimeStampedModel
from wuye.core.workflow import WorkflowEvent

POINTS = {"max_digits": 7, "decimal_places": 2}


class Grade(models.TextChoices):
    AAA = "AAA", "AAA"
    AA = "AA", "AA"
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


# Best first: used to compare grades ("grade ≥ B").
GRADE_ORDER = ["AAA", "AA", "A", "B", "C"]


def grade_at_least(grade: str, minimum: str) -> bool:
    if grade not in GRADE_ORDER or minimum not in GRADE_ORDER:
        return False
    return GRADE_ORDER.index(grade) <= GRADE_ORDER.index(minimum)


class CreditSettings(SettingsModel):
    """The city bureau's credit settings (one row). Defaults: rules.md §9."""

    basic_cap = models.DecimalField(_("基础信用分上限"), **POINTS, default=Decimal("80"))
    good_cap = models.DecimalField(_("良好信用分上限"), **POINTS, default=Decimal("40"))
    aaa_min = models.DecimalField(_("AAA 级最低分"), **POINTS, default=Decimal("85"))
    aa_min = models.DecimalField(_("AA 级最低分"), **POINTS, default=Decimal("80"))
    a_min = models.DecimalField(_("A 级最低分"), **POINTS, default=Decimal("70"))
    b_min = models.DecimalField(_("B 级最低分"), **POINTS, default=Decimal("60"))
    notice_workdays = models.PositiveSmallIntegerField(_("信用信息公示期（工作日）"), default=5)
    default_validity_days = models.PositiveIntegerField(_("信用信息默认有效期（天）"), default=365)
    manager_base_score = models.DecimalField(_("项目经理基础分"), **POINTS, default=Decimal("100"))
    manager_register_days = models.PositiveSmallIntegerField(_("项目经理到岗后登记期限（天）"), default=30)
    manager_training_hours = models.PositiveSmallIntegerField(_("项目经理年度培训学时"), default=24)
    public_event_days = models.PositiveIntegerField(_("对外公开信用信息期限（天）"), default=365)

    class Meta:
        verbose_name = _("信用评价设置")
        verbose_name_plural = _("信用评价设置")


    def grade_for(self, score: Decimal) -> str:
        """rules.md §9: AAA ≥ 85, AA 80–85, A 70–80, B 60–70, C < 60 (lower bound inclusive)."""
        if score >= self.aaa_min:
            return Grade.AAA
        if score >= self.aa_min:
            return Grade.AA
        if score >= self.a_min:
            return Grade.A
        if score >= self.b_min:
            return Grade.B
        return Grade.C


class CreditRule(TimeStampedModel):
    class Klass(models.TextChoices):
        BASIC = "basic", _("基础信用")
        GOOD = "good", _("良好信用")
        BAD = "bad", _("不良信用")
        VETO = "veto", _("一票否决")

    class Subject(models.TextChoices):
        COMPANY = "company", _("物业服务企业")
        MANAGER = "manager", _("项目经理")

    class Recorder(models.TextChoices):
        SYSTEM = "system", _("平台自动生成")
        CITY = "city", _("市住房保障房产局")
        DISTRICT = "district", _("区县主管部门")
        CITY_OR_DISTRICT = "city_or_district", _("市、区县主管部门")

    code = models.CharField(_("规则代码"), max_length=12, unique=True)
    name = models.CharField(_("信用行为"), max_length=100)
    klass = models.CharField(_("类别"), max_length=6, choices=Klass.choices, db_index=True)
    subject = models.CharField(_("评价对象"), max_length=8, choices=Subject.choices, default=Subject.COMPANY)
    points = models.DecimalField(_("分值"), **POINTS, validators=[MinValueValidator(Decimal("0"))],
                                 help_text=_("填正数；不良信用按此分值扣减。一票否决项可填 0。"))
    # None = valid until rectified (rules.md §9: serious items last until rectified).
    validity_days = models.PositiveIntegerField(_("有效期（天）"), null=True, blank=True, default=365,
                                                help_text=_("留空表示整改完成前一直有效。"))
    evidence_required = models.CharField(_("所需证据"), max_length=300, blank=True)
    recorder = models.CharField(_("认定单位"), max_length=20, choices=Recorder.choices, default=Recorder.CITY_OR_DISTRICT)
    # Which platform source creates these events automatically (blank = recorded by hand).
    auto_source = models.CharField(_("自动来源"), max_length=30, blank=True)
    basis = models.CharField(_("依据"), max_length=300, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["klass", "code"]
        verbose_name = _("信用评价规则")
        verbose_name_plural = _("信用评价规则")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CreditEvent(TimeStampedModel):
    """One credit record; counts only once confirmed and until it expires or is repaired."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("待审核")
        REVIEWED = "reviewed", _("已审核")
        NOTICE = "notice", _("公示中")
        OBJECTED = "objected", _("异议处理中")
        CONFIRMED = "confirmed", _("已确认")
        WITHDRAWN = "withdrawn", _("已撤销")

    class Source(models.TextChoices):
        AUTO = "auto", _("平台自动生成")
        MANUAL = "manual", _("人工录入")

    company = models.ForeignKey("registry.PropertyCompany", verbose_name=_("物业服务企业"), on_delete=models.PROTECT, related_name="credit_events")
    manager = models.ForeignKey("registry.Staff", verbose_name=_("项目经理"), null=True, blank=True, on_delete=models.PROTECT, related_name="credit_events")
    estate = models.ForeignKey("registry.Estate", verbose_name=_("涉及小区"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    district = models.ForeignKey("territory.District", verbose_name=_("认定区县"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(CreditRule, verbose_name=_("信用规则"), on_delete=models.PROTECT, related_name="events")
    klass = models.CharField(_("类别"), max_length=6, choices=CreditRule.Klass.choices)
    points = models.DecimalField(_("分值"), **POINTS)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    source = models.CharField(_("来源"), max_length=6, choices=Source.choices, default=Source.MANUAL)
    # Automatic events carry a key naming what produced them, so a job run twice records once.
    source_key = models.CharField(_("来源标识"), max_length=120, blank=True)
    source_url = models.CharField(_("来源链接"), max_length=200, blank=True)
    description = models.TextField(_("事实描述"))
    evidence = models.TextField(_("证据说明"), blank=True)
    occurred_on = models.DateField(_("发生日期"))
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True, help_text=_("留空表示整改完成前一直有效。"))
    notice_start = models.DateTimeField(_("公示开始"), null=True, blank=True)
    notice_end = models.DateTimeField(_("公示截止"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    repaired_at = models.DateTimeField(_("信用修复时间"), null=True, blank=True)
    repair_reason = models.CharField(_("修复理由"), max_length=300, blank=True)
    withdrawn_reason = models.CharField(_("撤销理由"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("信用信息")
        verbose_name_plural = _("信用信息")
        constraints = [
            models.UniqueConstraint(fields=["source_key"], condition=~models.Q(source_key=""), name="uniq_credit_event_source"),
        ]
        indexes = [
            models.Index(fields=["company", "status"]),
            models.Index(fields=["status", "notice_end"]),
            models.Index(fields=["status", "valid_until"]),
            models.Index(fields=["manager", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.rule.name}"

    @property
    def signed_points(self) -> Decimal:
        return -self.points if self.klass in (CreditRule.Klass.BAD, CreditRule.Klass.VETO) else self.points


class CreditEventLog(WorkflowEvent):
    """The event's timeline: its creation (``record`` / ``auto``) and one row per transition
    (``workflow.py``), written by ``core.workflow.Machine.apply``."""

    event = models.ForeignKey(CreditEvent, verbose_name=_("信用信息"), on_delete=models.CASCADE, related_name="logs")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("信用信息处理记录")
        verbose_name_plural = _("信用信息处理记录")

    def __str__(self) -> str:
        return f"{self.event_id} {self.action}"


class CreditObjection(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        UPHELD = "upheld", _("异议成立")
        REJECTED = "rejected", _("异议不成立")

    event = models.ForeignKey(CreditEvent, verbose_name=_("信用信息"), on_delete=models.CASCADE, related_name="objections")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("异议理由"))
    evidence = models.TextField(_("证据说明"), blank=True)
    status = models.CharField(_("处理结果"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    decision_reason = models.TextField(_("处理意见"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("信用异议")
        verbose_name_plural = _("信用异议")

    def __str__(self) -> str:
        return f"{self.event_id} · {self.get_status_display()}"


class CompanyCredit(models.Model):
    """The computed credit of one company (refreshed by ``scoring.credit_recompute``)."""

    company = models.OneToOneField("registry.PropertyCompany", verbose_name=_("物业服务企业"), on_delete=models.CASCADE,
                                   primary_key=True, related_name="credit")
    basic = models.DecimalField(_("基础信用分"), **POINTS, default=Decimal("0"))
    good = models.DecimalField(_("良好信用分"), **POINTS, default=Decimal("0"))
    bad = models.DecimalField(_("不良信用扣分"), **POINTS, default=Decimal("0"))
    score = models.DecimalField(_("信用总分"), **POINTS, default=Decimal("0"))
    grade = models.CharField(_("信用等级"), max_length=3, choices=Grade.choices, default=Grade.C, db_index=True)
    veto = models.BooleanField(_("一票否决"), default=False)
    red = models.BooleanField(_("红名单"), default=False, db_index=True)
    black = models.BooleanField(_("黑名单"), default=False, db_index=True)
    event_count = models.PositiveIntegerField(_("有效信用信息数"), default=0)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("企业信用")
        verbose_name_plural = _("企业信用")
        indexes = [models.Index(fields=["-score"])]

    def __str__(self) -> str:
        return f"{self.company_id} {self.grade}"


class ManagerCredit(models.Model):
    """A project manager's personal score: the base less confirmed, unexpired deductions."""

    manager = models.OneToOneField("registry.Staff", verbose_name=_("项目经理"), on_delete=models.CASCADE, primary_key=True, related_name="credit")
    score = models.DecimalField(_("个人信用分"), **POINTS, default=Decimal("100"))
    deductions = models.DecimalField(_("扣分"), **POINTS, default=Decimal("0"))
    training_hours = models.DecimalField(_("本年度培训学时"), max_digits=6, decimal_places=1, default=Decimal("0"))
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("项目经理信用")
        verbose_name_plural = _("项目经理信用")

    def __str__(self) -> str:
        return f"{self.manager_id} {self.score}"


class TrainingRecord(TimeStampedModel):
    """Hours of training a project manager attended (feeds the yearly training-hours check)."""

    manager = models.ForeignKey("registry.Staff", verbose_name=_("项目经理"), on_delete=models.CASCADE, related_name="training_records")
    course = models.CharField(_("培训内容"), max_length=100)
    attended_on = models.DateField(_("培训日期"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-attended_on", "-id"]
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")

    def __str__(self) -> str:
        return f"{self.manager} · {self.course}"


class Benchmark(TimeStampedModel):
    """A benchmark estate or company (物业标杆小区 / 标杆企业), designated by an official with a reason."""

    class Kind(models.TextChoices):
        ESTATE = "estate", _("标杆小区")
        COMPANY = "company", _("标杆企业")

    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), null=True, blank=True, on_delete=models.PROTECT, related_name="benchmarks")
    company = models.ForeignKey("registry.PropertyCompany", verbose_name=_("企业"), null=True, blank=True, on_delete=models.PROTECT, related_name="benchmarks")
    reason = models.TextField(_("评选理由"))
    designated_on = models.DateField(_("命名日期"))
    designated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("命名人"), on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(_("有效"), default=True)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤销理由"), max_length=300, blank=True)

    class Meta:
        ordering = ["-designated_on", "-id"]
        verbose_name = _("标杆")
        verbose_name_plural = _("标杆")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="estate", estate__isnull=False) | models.Q(kind="company", company__isnull=False)),
                name="benchmark_names_its_subject"),
        ]

    def __str__(self) -> str:
        return str(self.estate or self.company)


class ExitCase(TimeStampedModel):
    """A black-listed company's estate on its way to a new company (清退)."""

    class Status(models.TextChoices):
        OPEN = "open", _("进行中")
        DONE = "done", _("已完成交接")
        CLOSED = "closed", _("已终止")

    company = models.ForeignKey("registry.PropertyCompany", verbose_name=_("被清退企业"), on_delete=models.PROTECT, related_name="exit_cases")
    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="exit_cases")
    district = models.ForeignKey("territory.District", verbose_name=_("区县"), on_delete=models.PROTECT, related_name="+", editable=False)
    reason = models.CharField(_("清退原因"), max_length=300)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True)
    opened_at = models.DateTimeField(_("启动时间"))
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    close_note = models.CharField(_("结束说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("清退案件")
        verbose_name_plural = _("清退案件")
        constraints = [models.UniqueConstraint(fields=["company", "estate"], condition=models.Q(status="open"), name="one_open_exit_per_estate")]

    def __str__(self) -> str:
        return f"{self.company} · {self.estate}"


class ExitStep(models.Model):
    class Kind(models.TextChoices):
        COMMITTEE_TOLD = "committee_told", _("告知业主委员会")
        OWNERS_DECIDED = "owners_decided", _("业主共同决定更换企业")
        HANDOVER = "handover", _("新旧企业交接")

    case = models.ForeignKey(ExitCase, verbose_name=_("清退案件"), on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("步骤"), max_length=16, choices=Kind.choices)
    done_on = models.DateField(_("完成日期"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "created_at"]
        verbose_name = _("清退步骤")
        verbose_name_plural = _("清退步骤")
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="one_exit_step_each")]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_kind_display()}"
