"""Complaints (接诉即办): catalogue, complaints, the units' tasks, events, requests, rollups.

The process, time limits and metrics follow rules.md §7. The workflow itself (who may do what in
which state) is one table in ``workflow.py``; writes are in ``services.py``; who sees what is in
``selectors.py``.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wuye.core.calendar import PeriodUnit
from wuye.core.models import SettingsModel, TimeStampedModel
from wuye.core.workflow import WorkflowEvent
from wuye.territory.models import Department


class UnitKind(models.TextChoices):
    """Kinds of unit a complaint can be dispatched to. A unit is (kind, id) of the bound record."""

    COMPANY = "company", _("物业服务企业")
    COMMUNITY = "community", _("社区居委会")
    STREET = "street", _("街道办事处/乡镇")
    DEPARTMENT = "department", _("职能部门")
    DISTRICT = "district", _("区县/园区主管部门")
    CITY = "city", _("市住房保障房产局")


class Category(TimeStampedModel):
    """A kind of complaint with its routing, supervision, time limits and visibility (issue §5)."""

    class Responsible(models.TextChoices):
        COMPANY = "company", _("小区物业服务企业")
        COMMUNITY = "community", _("所在社区")
        STREET = "street", _("所在街道")
        DEPARTMENT = "department", _("所在区的职能部门")
        DEVELOPER = "developer", _("建设单位（开发商）")

    class Supervisor(models.TextChoices):
        STREET = "street", _("所在街道")
        DISTRICT = "district", _("所在区县主管部门")
        CITY = "city", _("市住房保障房产局")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("公开")
        CONFIDENTIAL = "confidential", _("保密（仅公安与市局可见）")

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)
    active = models.BooleanField(_("启用"), default=True)
    emergency = models.BooleanField(_("紧急"), default=False, help_text=_("危及生命财产安全或停水停电等，优先处理"))
    responsible = models.CharField(_("责任主体"), max_length=20, choices=Responsible.choices, default=Responsible.COMPANY)
    department_kind = models.CharField(
        _("职能部门类别"), max_length=20, choices=Department.Kind.choices, blank=True,
        help_text=_("责任主体为职能部门时，派往小区所在区的该类部门"),
    )
    supervisor = models.CharField(_("监管单位"), max_length=20, choices=Supervisor.choices, default=Supervisor.DISTRICT)
    visibility = models.CharField(_("可见范围"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC)
    # Time limits per stage (rules.md §7: every limit is a per-category setting).
    accept_amount = models.PositiveIntegerField(_("受理时限"), default=2)
    accept_unit = models.CharField(_("受理时限单位"), max_length=20, choices=PeriodUnit.choices, default=PeriodUnit.HOURS)
    sign_amount = models.PositiveIntegerField(_("签收时限"), default=2)
    sign_unit = models.CharField(_("签收时限单位"), max_length=20, choices=PeriodUnit.choices, default=PeriodUnit.HOURS)
    contact_amount = models.PositiveIntegerField(_("首次联系时限"), default=24)
    contact_unit = models.CharField(_("首次联系时限单位"), max_length=20, choices=PeriodUnit.choices, default=PeriodUnit.HOURS)
    resolve_amount = models.PositiveIntegerField(_("办结时限"), default=7)
    resolve_unit = models.CharField(_("办结时限单位"), max_length=20, choices=PeriodUnit.choices, default=PeriodUnit.CALENDAR_DAYS)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")

    @property
    def label(self) -> str:
        """The name in the user's language: the seed catalogue's names are translated
        (``catalogue.CATEGORIES``); a category the city adds shows as typed."""
        return gettext(self.name)

    def __str__(self) -> str:
        return self.label

    @property
    def confidential(self) -> bool:
        return self.visibility == self.Visibility.CONFIDENTIAL

    def limit(self, stage: str) -> tuple[int, str]:
        return getattr(self, f"{stage}_amount"), getattr(self, f"{stage}_unit")


class Status(models.TextChoices):
    """Complaint states (rules.md §7). The codes are stable API values."""

    SUBMITTED = "submitted", _("待受理")
    ACCEPTED = "accepted", _("待派单")
    DISPATCHED = "dispatched", _("待签收")
    SIGNED = "signed", _("已签收待联系")
    IN_PROGRESS = "in_progress", _("办理中")
    RETURN_REVIEW = "return_review", _("退单审核中")
    REPLY_REVIEW = "reply_review", _("答复待审核")
    REPLIED = "replied", _("待回访")
    EVALUATED = "evaluated", _("回访未满意待复核")
    CLOSED = "closed", _("已办结")
    REFUSED = "refused", _("不予受理")
    DUPLICATE = "duplicate", _("重复诉求")
    WITHDRAWN = "withdrawn", _("已撤回")


FINAL_STATUSES = frozenset({Status.CLOSED, Status.REFUSED, Status.DUPLICATE, Status.WITHDRAWN})
OPEN_STATUSES = frozenset(set(Status) - FINAL_STATUSES)


class Source(models.TextChoices):
    WEB = "web", _("网上提交")
    RESIDENT = "resident", _("业主账号")
    HOTLINE_12345 = "12345", _("12345 热线转办")
    HOTLINE_12358 = "12358", _("12358 价格举报热线转办")
    OPEN311 = "open311", _("Open311 接口")
    API = "api", _("开放接口")
    STAFF = "staff", _("工作人员录入")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class SupervisionLevel(models.IntegerChoices):
    """rules.md §7: reminder → supervision → listed supervision → published criticism."""

    NONE = 0, _("无")
    REMIND = 1, _("催办")
    SUPERVISE = 2, _("督办")
    LISTED = 3, _("挂牌督办")
    CRITICISED = 4, _("通报批评")


class Complaint(models.Model):
    tracking_code = models.CharField(_("查询码"), max_length=20, unique=True)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.WEB)
    source_ticket = models.CharField(_("来源工单号"), max_length=50, blank=True)
    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="complaints")
    # Denormalised from the estate at filing time, so that scoping is one indexed filter.
    district = models.ForeignKey("territory.District", verbose_name=_("区县"), on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey("territory.Street", verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey("territory.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(
        "registry.PropertyCompany", verbose_name=_("物业服务企业"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    category = models.ForeignKey(Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="complaints")
    title = models.CharField(_("标题"), max_length=100, blank=True)
    description = models.TextField(_("诉求内容"), max_length=2000)
    location = models.CharField(_("具体位置"), max_length=100, blank=True)
    search_tokens = models.TextField(editable=False, blank=True)
    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交账号"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="complaints",
    )
    reporter_name = models.CharField(_("诉求人"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    anonymous = models.BooleanField(_("对物业企业隐藏姓名"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    confidential = models.BooleanField(_("保密"), default=False)
    emergency = models.BooleanField(_("紧急"), default=False)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    version = models.PositiveIntegerField(default=0)
    # The unit routing chose, and the unit leading the case now.
    routed_unit_kind = models.CharField(_("路由单位类型"), max_length=20, choices=UnitKind.choices, blank=True)
    routed_unit_id = models.BigIntegerField(_("路由单位"), null=True, blank=True)
    unit_kind = models.CharField(_("承办单位类型"), max_length=20, choices=UnitKind.choices, blank=True)
    unit_id = models.BigIntegerField(_("承办单位"), null=True, blank=True)
    unit_name = models.CharField(_("承办单位"), max_length=100, blank=True)
    # Deadlines and milestones (rules.md §7; the resolve clock starts at dispatch).
    accept_due = models.DateTimeField(_("受理期限"), null=True, blank=True)
    sign_due = models.DateTimeField(_("签收期限"), null=True, blank=True)
    contact_due = models.DateTimeField(_("联系期限"), null=True, blank=True)
    resolve_due = models.DateTimeField(_("办结期限"), null=True, blank=True)
    # The desk's clock while the complaint waits in "accepted" to be dispatched (after accepting
    # it, or after an approved return with no new unit): the category's accept limit again.
    dispatch_due = models.DateTimeField(_("派单期限"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), db_index=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    contacted_at = models.DateTimeField(_("首次联系时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("答复发布时间"), null=True, blank=True)
    callback_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # Overdue flags: set by the sweep while a stage runs, frozen when its milestone passes.
    accept_overdue = models.BooleanField(_("受理超期"), default=False)
    sign_overdue = models.BooleanField(_("签收超期"), default=False)
    contact_overdue = models.BooleanField(_("联系超期"), default=False)
    resolve_overdue = models.BooleanField(_("办结超期"), default=False)
    dispatch_overdue = models.BooleanField(_("派单超期"), default=False)
    supervision_level = models.PositiveSmallIntegerField(
        _("督办等级"), choices=SupervisionLevel.choices, default=SupervisionLevel.NONE,
    )
    # When the sweep next has to look at this complaint (a warning, an overdue stage, an escalation).
    next_check_at = models.DateTimeField(null=True, blank=True, editable=False)
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("重复于"), null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates",
    )
    return_final = models.BooleanField(_("退单已驳回"), default=False, help_text=_("退单被驳回后，承办单位必须办理，不得再退"))
    reply = models.TextField(_("答复内容"), blank=True)
    public_reply = models.TextField(_("公开答复"), blank=True)
    callback_resolved = models.BooleanField(_("是否解决"), null=True, blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=20, choices=Satisfaction.choices, blank=True)
    callback_comment = models.CharField(_("回访意见"), max_length=500, blank=True)
    unreasonable = models.BooleanField(_("不合理诉求"), default=False, help_text=_("经复核认定为不合理诉求，不计入考核"))
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    return_count = models.PositiveSmallIntegerField(_("退单次数"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("延期次数"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        indexes = [
            models.Index(fields=["district", "status", "created_at"]),
            models.Index(fields=["street", "status", "created_at"]),
            models.Index(fields=["community", "status", "created_at"]),
            models.Index(fields=["unit_kind", "unit_id", "status"]),
            models.Index(fields=["next_check_at"]),
            models.Index(fields=["reporter_user", "created_at"]),
            models.Index(fields=["estate", "created_at"]),
            models.Index(fields=["category", "created_at"]),
            # The officers' list (migration 0003): the city desk filtering by status; open complaints by deadline.
            models.Index(fields=["status", "created_at"], name="cases_compl_status_created"),
            models.Index(fields=["district", "resolve_due"], name="cases_compl_district_open_due",
                         condition=models.Q(status__in=sorted(str(s) for s in OPEN_STATUSES))),
            models.Index(fields=["resolve_due"], name="cases_compl_open_due",
                         condition=models.Q(status__in=sorted(str(s) for s in OPEN_STATUSES))),
            # Megacity benchmarks (migration 0004): a district's list filtered by category (count and
            # page), and a district dispatcher's open complaints counted by status (index-only).
            models.Index(fields=["district", "category", "created_at"], name="cases_compl_district_category"),
            models.Index(fields=["district", "status"], name="cases_compl_distr_open_status",
                         condition=models.Q(confidential=False, status__in=sorted(str(s) for s in OPEN_STATUSES))),
            # Migration 0005: "under supervision" (督办等级 any) in a district, newest first, with the
            # status in the index so that "open and supervised" is counted without the table.
            models.Index(fields=["district", "created_at", "status"], name="cases_compl_distr_supervised",
                         condition=models.Q(supervision_level__gt=0)),
            # Migration 0008: open complaints with an overdue stage ("有环节超期"), counted and listed
            # without reading the tens of thousands of open complaints that are on time.
            models.Index(fields=["district", "created_at", "status"], name="cases_compl_open_overdue",
                         condition=models.Q(status__in=sorted(str(s) for s in OPEN_STATUSES))
                         & (models.Q(accept_overdue=True) | models.Q(sign_overdue=True)
                            | models.Q(contact_overdue=True) | models.Q(resolve_overdue=True))),
            # A district's complaints of one category from one source (e.g. 12345 transfers), counted
            # from the index alone; the lists of district, street and community officers never show
            # confidential clue reports, hence the condition.
            models.Index(fields=["district", "category", "source", "created_at"], name="cases_compl_distr_cat_source",
                         condition=models.Q(confidential=False)),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.title or self.category}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def display_title(self) -> str:
        return self.title or self.description[:30]

    @property
    def resident_status_text(self) -> str:
        """The state in the resident's words (issue 14 §7; ``resident_words``)."""
        from .resident_words import resident_status

        return resident_status(self.status)


class ContactMethod(models.TextChoices):
    """How the unit first reached the resident (issue 14 §5)."""

    PHONE = "phone", _("电话")
    VISIT = "visit", _("上门")
    SMS = "sms", _("短信")
    OTHER = "other", _("其他")


class Task(models.Model):
    """One unit's share of a complaint: the lead unit, a co-unit or a department called in
    (吹哨报到). Each has its own clock and reply; the unit's metrics are computed from these rows."""

    class Role(models.TextChoices):
        LEAD = "lead", _("主办")
        CO = "co", _("协办")
        JOINT = "joint", _("联合执法")

    class State(models.TextChoices):
        PENDING = "pending", _("待签收")
        SIGNED = "signed", _("办理中")
        REPLIED = "replied", _("已答复")
        RETURNED = "returned", _("已退回")
        CLOSED = "closed", _("已结束")

    complaint = models.ForeignKey(Complaint, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="tasks")
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices, default=Role.LEAD)
    unit_kind = models.CharField(_("单位类型"), max_length=20, choices=UnitKind.choices)
    unit_id = models.BigIntegerField(_("单位"))
    unit_name = models.CharField(_("单位名称"), max_length=100)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    version = models.PositiveIntegerField(default=0)
    month = models.DateField(_("考核月份"), help_text=_("派单所在月份的 1 日"))
    dispatched_at = models.DateTimeField(_("派单时间"))
    sign_due = models.DateTimeField(_("签收期限"))
    contact_due = models.DateTimeField(_("联系期限"), null=True, blank=True)
    due = models.DateTimeField(_("办结期限"))
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    contacted_at = models.DateTimeField(_("联系时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    reply = models.TextField(_("答复"), blank=True)
    # The first contact as the unit records it (issue 14 §5): how, when (the moment it happened, not
    # after the recording; the response-rate metric keeps the recording time, ``contacted_at``),
    # with whom and what came of it.
    contact_method = models.CharField(_("联系方式"), max_length=10, choices=ContactMethod.choices, blank=True)
    contact_made_at = models.DateTimeField(_("实际联系时间"), null=True, blank=True)
    contact_person = models.CharField(_("联系对象"), max_length=50, blank=True)
    contact_result = models.CharField(_("联系结果"), max_length=500, blank=True)
    urgency = models.PositiveSmallIntegerField(_("紧急程度"), default=0, help_text=_("紧急类别与督办等级越高越靠前"))
    # Outcome flags for metrics (None = not known yet).
    signed_in_time = models.BooleanField(null=True)
    contacted_in_time = models.BooleanField(null=True)
    done_in_time = models.BooleanField(null=True)
    resolved = models.BooleanField(null=True)
    satisfaction = models.CharField(max_length=20, choices=Satisfaction.choices, blank=True)
    returned = models.BooleanField(default=False)
    reopened = models.BooleanField(default=False)
    excluded = models.BooleanField(_("不计入考核"), default=False)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("承办任务")
        verbose_name_plural = _("承办任务")
        indexes = [
            models.Index(fields=["unit_kind", "unit_id", "state", "due"]),
            models.Index(fields=["unit_kind", "unit_id", "month"]),
            models.Index(fields=["month", "unit_kind"]),
            # A unit's queue (migration 0003): open tasks by urgency, then deadline.
            models.Index(
                fields=["unit_kind", "unit_id", "-urgency", "due"], name="cases_task_open_queue",
                condition=models.Q(state__in=["pending", "signed"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.unit_name} {self.get_role_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.PENDING, self.State.SIGNED)


class Event(WorkflowEvent):
    """Every action appends one row (DESIGN.md: every transition appends an event); the fields
    every timeline shares come from ``core.workflow.WorkflowEvent``."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    actor_label = models.CharField(_("操作人"), max_length=100, blank=True)
    data = models.JSONField(default=dict, blank=True)
    public = models.BooleanField(_("对诉求人公开"), default=False)

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        indexes = [models.Index(fields=["complaint", "created_at"])]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.action}"


def photo_path(instance, filename: str) -> str:
    now = timezone.localtime()
    ext = (instance.content_type or "image/jpeg").rsplit("/", 1)[-1].replace("jpeg", "jpg")
    return f"complaints/{now:%Y/%m}/{secrets.token_hex(12)}.{ext}"


class Photo(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("诉求照片")
        EVIDENCE = "evidence", _("办理佐证")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.REPORT)
    file = models.FileField(_("图片"), upload_to=photo_path)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("照片")
        verbose_name_plural = _("照片")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Request(models.Model):
    """A unit's return (退单) or extension (延期) request and the decision on it."""

    class Kind(models.TextChoices):
        RETURN = "return", _("退单")
        EXTENSION = "extension", _("延期")

    class State(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已同意")
        REJECTED = "rejected", _("已驳回")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="requests")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    reason = models.TextField(_("理由"))
    legal_basis = models.CharField(_("依据"), max_length=200, blank=True)
    amount = models.PositiveIntegerField(_("延长时限"), null=True, blank=True)
    unit = models.CharField(_("延长时限单位"), max_length=20, choices=PeriodUnit.choices, blank=True)
    status_before = models.CharField(max_length=20, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("退单/延期申请")
        verbose_name_plural = _("退单/延期申请")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "kind"], condition=models.Q(state="pending"), name="one_pending_request_per_kind",
                violation_error_message=_("已有待审核的同类申请"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.get_state_display()}）"


class CallbackRequest(models.Model):
    """A unit's request to speak with the resident without seeing the number (issue 14 §6: the
    public form promises companies see only part of the phone). The platform relays it by SMS —
    the resident is asked to call the unit back on the number it gave — or, when the resident has
    no mobile number on file, the desk is asked to connect them."""

    class Relay(models.TextChoices):
        SMS = "sms", _("短信转告诉求人回电")
        DESK = "desk", _("由受理人员协助联系")

    complaint = models.ForeignKey(Complaint, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="callback_requests")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    unit_name = models.CharField(_("请求单位"), max_length=100)
    callback_number = models.CharField(_("回拨号码"), max_length=20, help_text=_("诉求人回电时拨打的本单位电话"))
    reason = models.CharField(_("事由"), max_length=200, blank=True)
    relay = models.CharField(_("转告方式"), max_length=10, choices=Relay.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("请求时间"))

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("回拨请求")
        verbose_name_plural = _("回拨请求")
        indexes = [models.Index(fields=["complaint", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.unit_name} {self.get_relay_display()}"


class IdempotencyKey(models.Model):
    """A retried submission with the same key returns the same complaint (DESIGN.md)."""

    scope = models.CharField(max_length=80)
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="unique_idempotency_key")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


class EscalationRule(models.Model):
    """Supervision escalates by how long a stage has been overdue (rules.md §7)."""

    level = models.PositiveSmallIntegerField(_("督办等级"), choices=SupervisionLevel.choices, unique=True)
    overdue_hours = models.PositiveIntegerField(_("超期小时数"), help_text=_("任一环节超期达到该小时数即升级"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["level"]
        verbose_name = _("督办升级规则")
        verbose_name_plural = _("督办升级规则")

    def __str__(self) -> str:
        return f"{self.get_level_display()} ≥ {self.overdue_hours}h"


class CaseSettings(SettingsModel):
    """The city bureau's settings for complaint handling (one row)."""

    warn_before_hours = models.PositiveIntegerField(_("到期前预警（小时）"), default=2)
    weight_response = models.PositiveSmallIntegerField(_("响应率权重"), default=30, validators=[MaxValueValidator(100)])
    weight_resolution = models.PositiveSmallIntegerField(_("解决率权重"), default=35, validators=[MaxValueValidator(100)])
    weight_satisfaction = models.PositiveSmallIntegerField(_("满意率权重"), default=35, validators=[MaxValueValidator(100)])
    ranking_size = models.PositiveSmallIntegerField(
        _("红黑榜名额"), default=5, validators=[MinValueValidator(1), MaxValueValidator(50)],
    )

    class Meta:
        verbose_name = _("接诉即办设置")
        verbose_name_plural = _("接诉即办设置")



class UnitMonthStat(models.Model):
    """Rollup of one unit's tasks in one month, refreshed by the workflow (issue §14)."""

    month = models.DateField(_("月份"))
    unit_kind = models.CharField(_("单位类型"), max_length=20, choices=UnitKind.choices)
    unit_id = models.BigIntegerField(_("单位"))
    unit_name = models.CharField(_("单位名称"), max_length=100)
    district = models.ForeignKey("territory.District", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    assigned = models.PositiveIntegerField(_("派单量"), default=0)
    signed_in_time = models.PositiveIntegerField(_("按时签收"), default=0)
    contacted_in_time = models.PositiveIntegerField(_("按时联系"), default=0)
    done = models.PositiveIntegerField(_("已办结"), default=0)
    done_in_time = models.PositiveIntegerField(_("按时办结"), default=0)
    callbacks = models.PositiveIntegerField(_("回访量"), default=0)
    resolved = models.PositiveIntegerField(_("已解决"), default=0)
    satisfied = models.PositiveIntegerField(_("满意"), default=0)
    basically_satisfied = models.PositiveIntegerField(_("基本满意"), default=0)
    dissatisfied = models.PositiveIntegerField(_("不满意"), default=0)
    returned = models.PositiveIntegerField(_("退单"), default=0)
    reopened = models.PositiveIntegerField(_("重办"), default=0)
    excluded = models.PositiveIntegerField(_("不计入考核"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month", "unit_kind", "unit_id"]
        verbose_name = _("单位月度考核")
        verbose_name_plural = _("单位月度考核")
        constraints = [
            models.UniqueConstraint(fields=["month", "unit_kind", "unit_id"], name="unique_unit_month"),
        ]
        indexes = [models.Index(fields=["month", "unit_kind", "district"])]

    def __str__(self) -> str:
        return f"{self.unit_name} {self.month:%Y-%m}"


class PartnerKey(models.Model):
    """An Open311 partner's API key; only its hash is stored (issue §4)."""

    name = models.CharField(_("合作方"), max_length=100)
    key_prefix = models.CharField(_("密钥前缀"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Open311 接入密钥")
        verbose_name_plural = _("Open311 接入密钥")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"
