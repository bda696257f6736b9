"""Every write of the campaign office's tools (issue 16 items 1–4): member units, staffing, plans,
tasks and progress reports. Keyword-only arguments, one transaction, an audit row each; report
transitions go through ``workflow.REPORT`` (event + audit + outbox); task changes write a
``TaskEvent``. Refusals are Chinese ``ServiceError`` messages.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.selectors import city_officials, unit_users
from wuye.cases.models import UnitKind
from wuye.cases.units import Unit
from wuye.core.audit import audit_record
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction
from wuye.core.uploads import clean_attachment
from wuye.core.workflow import conditional_update
from wuye.notifications.services import Message, notify_many
from wuye.territory.models import Community, Department, District

from .indicators import get_indicator
from .models import (
    Action,
    MemberUnit,
    Milestone,
    Plan,
    Report,
    ReportAttachment,
    Rhythm,
    StaffingPost,
    TargetQuota,
    Task,
    TaskEvent,
    TaskUnit,
)
from .periods import parse_period, report_due
from .selectors import district_of_unit, is_office, report_actor_kinds, unit_of_user
from .workflow import REPORT

STAFFING_KINDS = (UnitKind.DISTRICT, UnitKind.STREET, UnitKind.COMMUNITY)


def _require_office(actor) -> None:
    if not is_office(actor):
        raise ServiceError(_("只有市住房保障房产局（专项行动办公室）可以执行此操作"))


def _task_url(task: Task) -> str:
    return reverse("campaign:task_detail", args=[task.pk])


# ---- member units and staffing ------------------------------------------------------------------


@transaction.atomic
def department_register(*, actor, name: str, kind: str, phone: str = "", district: District | None = None) -> Department:
    """Register a functional department; with no district it is a city-level member unit."""
    _require_office(actor)
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("请填写部门名称"))
    if kind not in Department.Kind.values:
        raise ServiceError(_("请选择部门类别"))
    if Department.objects.filter(district=district, kind=kind).exists():
        raise ServiceError(_("该区域已有此类别的部门"))
    dept = Department.objects.create(name=name, kind=kind, phone=phone, district=district)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=dept, changes={"name": name, "kind": kind,
                                                                        "district": district.pk if district else None})
    return dept


@transaction.atomic
def member_unit_save(*, actor, unit: Unit, role: str = MemberUnit.Role.MEMBER, contact_name: str = "",
                     contact_phone: str = "", duty: str = "") -> MemberUnit:
    """Add a unit to the leading group, or update its role and contact."""
    _require_office(actor)
    if role not in MemberUnit.Role.values:
        raise ServiceError(_("请选择组长单位或成员单位"))
    member, created = MemberUnit.objects.get_or_create(
        unit_kind=unit.kind, unit_id=unit.id,
        defaults={"unit_name": unit.name, "role": role, "contact_name": contact_name,
                  "contact_phone": contact_phone, "duty": duty})
    if not created:
        before = {"role": member.role, "contact_name": member.contact_name, "contact_phone": member.contact_phone,
                  "duty": member.duty, "active": member.active}
        member.unit_name, member.role, member.contact_name = unit.name, role, contact_name
        member.contact_phone, member.duty, member.active = contact_phone, duty, True
        member.save()
        after = {"role": role, "contact_name": contact_name, "contact_phone": contact_phone, "duty": duty, "active": True}
        changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=member, changes=changes or None)
    else:
        audit_record(action=AuditAction.CREATE, actor=actor, obj=member,
                     changes={"unit": f"{unit.kind}:{unit.id}", "role": role})
    return member


@transaction.atomic
def member_unit_remove(*, actor, member: MemberUnit) -> None:
    _require_office(actor)
    MemberUnit.objects.filter(pk=member.pk).update(active=False)
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=member, changes={"active": [True, False]},
                 detail=_("移出领导小组"))


def staffing_can_edit(actor, unit: Unit) -> bool:
    """The unit itself records its staff; the city bureau may record anyone's."""
    if is_office(actor):
        return True
    own = unit_of_user(actor)
    return own is not None and own.key == unit.key


@transaction.atomic
def staffing_post_add(*, actor, unit: Unit, name: str, position: str, duty: str, phone: str = "") -> StaffingPost:
    if unit.kind not in STAFFING_KINDS:
        raise ServiceError(_("只有区县、街道和社区登记物业管理工作人员"))
    if not staffing_can_edit(actor, unit):
        raise ServiceError(_("只能登记本单位的物业管理工作人员"))
    if not (name or "").strip() or not (position or "").strip() or not (duty or "").strip():
        raise ServiceError(_("请填写姓名、职务和分工职责"))
    street_id = unit.id if unit.kind == UnitKind.STREET else None
    if unit.kind == UnitKind.COMMUNITY:
        street_id = Community.objects.filter(pk=unit.id).values_list("street_id", flat=True).first()
    post = StaffingPost.objects.create(unit_kind=unit.kind, unit_id=unit.id, unit_name=unit.name,
                                       district_id=district_of_unit(unit.kind, unit.id), street_id=street_id,
                                       name=name.strip(), position=position.strip(), duty=duty.strip(), phone=phone)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=post, changes={"name": post.name, "duty": post.duty})
    return post


@transaction.atomic
def staffing_post_remove(*, actor, post: StaffingPost) -> None:
    if not staffing_can_edit(actor, Unit(post.unit_kind, post.unit_id, post.unit_name)):
        raise ServiceError(_("只能调整本单位的物业管理工作人员"))
    StaffingPost.objects.filter(pk=post.pk).update(active=False)
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=post, changes={"active": [True, False]})


# ---- plans and tasks ----------------------------------------------------------------------------


@transaction.atomic
def action_create(*, actor, title: str, start_year: int) -> Action:
    _require_office(actor)
    action = Action.objects.create(title=title, start_year=start_year, end_year=start_year + 2)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=action, changes={"title": title})
    return action


@transaction.atomic
def plan_create(*, actor, year: int, title: str, action: Action | None = None, day_unit: str | None = None,
                report_days: int | None = None) -> Plan:
    _require_office(actor)
    title = (title or "").strip()
    if not title:
        raise ServiceError(_("请填写方案名称"))
    if not 2000 <= int(year) <= 2100:
        raise ServiceError(_("请填写有效的年度"))
    plan = Plan(year=year, title=title, action=action, created_by=actor)
    if day_unit:
        plan.day_unit = day_unit
    if report_days is not None:
        plan.report_days = report_days
    plan.save()
    audit_record(action=AuditAction.CREATE, actor=actor, obj=plan, changes={"year": year, "title": title})
    return plan


def _check_task_input(plan: Plan, *, lead, co_units, due_date, rhythm, milestones, indicator, quotas, quantity):
    if lead is None:
        raise ServiceError(_("请指定牵头单位"))
    if due_date is None:
        raise ServiceError(_("请填写完成时限"))
    if due_date < date(plan.year, 1, 1):
        raise ServiceError(_("完成时限不能早于方案年度（%(year)s年）") % {"year": plan.year})
    if rhythm not in Rhythm.values:
        raise ServiceError(_("报送节奏只能是按月、按季度或按节点"))
    if rhythm == Rhythm.MILESTONE and not milestones:
        raise ServiceError(_("按节点报送的任务请至少填写一个节点"))
    for _title, day in milestones:
        if day < date(plan.year, 1, 1) or day > due_date:
            raise ServiceError(_("节点时限应在方案年度内且不晚于完成时限"))
    keys = [u.key for u in co_units]
    if lead.key in keys or len(set(keys)) != len(keys):
        raise ServiceError(_("配合单位不能重复，也不能与牵头单位相同"))
    if indicator and get_indicator(indicator) is None:
        raise ServiceError(_("没有这个平台指标：%(key)s") % {"key": indicator})
    if quotas and quantity is None:
        raise ServiceError(_("分解到区县的目标需要填写总量"))
    if quotas:
        districts = [d for d, _q in quotas]
        if len(set(districts)) != len(districts):
            raise ServiceError(_("同一区县的分解目标只能填写一次"))
        if District.objects.filter(pk__in=districts).count() != len(districts):
            raise ServiceError(_("分解目标中有不存在的区县"))
        if sum(q for _d, q in quotas) > quantity:
            raise ServiceError(_("各区县分解目标之和不能超过总量"))


@transaction.atomic
def task_create(*, actor, plan: Plan, number: str, title: str, lead: Unit | None, content: str = "",
                co_units: list[Unit] = (), due_date: date | None = None, rhythm: str = Rhythm.MONTH,
                milestones: list[tuple[str, date]] = (), indicator: str = "", quantity: int | None = None,
                target_unit: str = "", quotas: list[tuple[int, int]] = ()) -> Task:
    """Add a numbered key task to a plan: its lead unit, co-units, deadline or milestones, rhythm,
    and optionally a quantified target split by district and a platform indicator."""
    _require_office(actor)
    number, title = (str(number or "")).strip(), (title or "").strip()
    if not number or not title:
        raise ServiceError(_("请填写任务序号和名称"))
    co_units, milestones, quotas = list(co_units), list(milestones), list(quotas)
    if due_date is None and milestones:
        due_date = max(day for _t, day in milestones)
    _check_task_input(plan, lead=lead, co_units=co_units, due_date=due_date, rhythm=rhythm, milestones=milestones,
                      indicator=indicator, quotas=quotas, quantity=quantity)
    if Task.objects.filter(plan=plan, number=number).exists():
        raise ServiceError(_("本方案已有序号为 %(n)s 的任务") % {"n": number})
    try:
        with transaction.atomic():
            task = Task.objects.create(plan=plan, number=number, title=title, content=content or "",
                                       lead_kind=lead.kind, lead_id=lead.id, lead_name=lead.name, due_date=due_date,
                                       rhythm=rhythm, indicator=indicator or "", target_quantity=quantity,
                                       target_unit=target_unit or "")
    except IntegrityError as exc:
        raise ServiceError(_("本方案已有序号为 %(n)s 的任务") % {"n": number}) from exc
    TaskUnit.objects.bulk_create(
        [TaskUnit(task=task, role=TaskUnit.Role.LEAD, kind=lead.kind, unit_id=lead.id, name=lead.name,
                  district_id=district_of_unit(lead.kind, lead.id))]
        + [TaskUnit(task=task, role=TaskUnit.Role.CO, kind=u.kind, unit_id=u.id, name=u.name,
                    district_id=district_of_unit(u.kind, u.id)) for u in co_units])
    Milestone.objects.bulk_create([Milestone(task=task, title=t, due_date=d) for t, d in milestones])
    TargetQuota.objects.bulk_create([TargetQuota(task=task, district_id=d, quota=q) for d, q in quotas])
    TaskEvent.objects.create(task=task, action="create", actor=actor, note=_("新增任务"))
    audit_record(action=AuditAction.CREATE, actor=actor, obj=task, changes={
        "plan": plan.pk, "number": number, "lead": f"{lead.kind}:{lead.id}",
        "co_units": [f"{u.kind}:{u.id}" for u in co_units], "due_date": due_date, "rhythm": rhythm,
        "indicator": indicator, "quantity": quantity, "quotas": quotas})
    users = list(unit_users(lead.kind, lead.id))
    for u in co_units:
        users += list(unit_users(u.kind, u.id))
    notify_many([Message(subject=_("新的专项行动任务"), body=_("%(plan)s 第%(n)s项：%(title)s，完成时限 %(due)s") % {
        "plan": plan.title, "n": number, "title": title, "due": due_date.isoformat()}, users=users,
        url=_task_url(task), channels=("inapp",), category="campaign")])
    return task


# ---- reports ------------------------------------------------------------------------------------


def _report_period(task: Task, period: str, now: datetime):
    p = parse_period(period)
    if p is None:
        milestone = task.milestones.filter(title=(period or "").strip()).first()
        if milestone is None:
            raise ServiceError(_("报送周期格式应为 YYYY-MM（如 2020-03）或 YYYY-Q1"))
        return milestone.title, milestone.due_date, milestone.due_date
    if p.start > timezone.localdate(now):
        raise ServiceError(_("不能报送尚未开始的周期（%(p)s）") % {"p": p.label})
    if p.end.year < task.plan.year:
        raise ServiceError(_("报送周期早于方案年度"))
    return p.label, p.end, p.start


def _recipients_of(task: Task, role: str):
    if role == TaskUnit.Role.CO:
        return list(unit_users(task.lead_kind, task.lead_id))
    return list(city_officials())


@transaction.atomic
def report_submit(*, actor, task: Task, period: str, text: str, figures: dict | None = None,
                  quantity_done: int | None = None, final: bool = False, files=(), now: datetime | None = None) -> Report:
    """A responsible unit reports a period: a new report, or its returned report revised and sent
    again (the earlier text stays in the timeline). A co-unit's report goes to the lead unit; the
    lead's to the campaign office."""
    now = now or timezone.now()
    unit = unit_of_user(actor)
    tu = TaskUnit.objects.filter(task=task, kind=unit.kind, unit_id=unit.id).first() if unit else None
    if tu is None:
        raise ServiceError(_("您所在单位不是该任务的牵头或配合单位，不能报送进展"))
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("请填写进展情况"))
    if task.completed_at is not None:
        raise ServiceError(_("该任务已完成，无需再报送"))
    label, period_end, _start = _report_period(task, period, now)
    plan = task.plan
    late = now > report_due(period_end, plan.report_days, plan.day_unit)
    existing = Report.objects.filter(task=task, period=label, unit_kind=tu.kind, unit_id=tu.unit_id).first()
    fields = {"text": text, "figures": figures or {}, "quantity_done": quantity_done,
              "final": bool(final) and tu.role == TaskUnit.Role.LEAD}
    message = Message(subject=_("专项行动进展报告待审阅"), body=_("%(unit)s 报送了第%(n)s项任务 %(p)s 的进展") % {
        "unit": tu.name, "n": task.number, "p": label}, users=_recipients_of(task, tu.role), url=_task_url(task),
        channels=("inapp",), category="campaign")
    if existing is not None:
        if existing.status != Report.Status.RETURNED:
            raise ServiceError(_("本单位已报送 %(p)s 的进展，待审阅或已采纳，不能重复报送") % {"p": label})
        REPORT.apply(existing, "resubmit", actor=actor, kinds=report_actor_kinds(actor, existing),
                     note=_("原报送内容：%(text)s") % {"text": existing.text[:400]},
                     audit_changes={"text": [existing.text, text]}, messages=[message],
                     submitted_by=actor, submitted_at=now, late=late, **fields)
        report = existing
    else:
        report = Report.objects.create(task=task, period=label, period_end=period_end, role=tu.role,
                                       unit_kind=tu.kind, unit_id=tu.unit_id, unit_name=tu.name,
                                       district_id=tu.district_id, submitted_by=actor, submitted_at=now, late=late,
                                       **fields)
        report.events.create(action="submit", to_status=report.status, actor=actor, note=_("报送进展"))
        audit_record(action=AuditAction.CREATE, actor=actor, obj=report, changes={
            "task": task.pk, "period": label, "unit": f"{tu.kind}:{tu.unit_id}", "quantity_done": quantity_done,
            "final": fields["final"], "late": late})
        notify_many([message])
    for f in files:
        # Stored under a generated name, an image without its metadata (core.uploads, issue 13 item 3).
        ReportAttachment.objects.create(report=report, file=clean_attachment(f), name=getattr(f, "name", "")[:200])
    return report


def _tell_reporter(report: Report, subject: str, body: str) -> list[Message]:
    return [Message(subject=subject, body=body, users=list(unit_users(report.unit_kind, report.unit_id)),
                    url=_task_url(report.task), channels=("inapp", "sms"), category="campaign")]


@transaction.atomic
def report_accept(*, actor, report: Report, note: str = "", now: datetime | None = None) -> Report:
    """The campaign office accepts a lead unit's report; a final report completes the task."""
    now = now or timezone.now()
    REPORT.apply(report, "accept", actor=actor, kinds=report_actor_kinds(actor, report), note=note, decided_at=now,
                 messages=_tell_reporter(report, _("进展报告已采纳"), _("第%(n)s项任务 %(p)s 的进展报告已采纳") % {
                     "n": report.task.number, "p": report.period}))
    task = report.task
    if report.final and task.completed_at is None:
        conditional_update(Task, task, expect={"completed_at": None}, completed_at=now)
        TaskEvent.objects.create(task=task, action="complete", actor=actor, note=_("完成报告已采纳，任务完成"))
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=task, changes={"completed_at": [None, now]},
                     detail=_("任务完成"))
    return report


@transaction.atomic
def report_return(*, actor, report: Report, reason: str, now: datetime | None = None) -> Report:
    """The campaign office (a lead report) or the lead unit (a co-unit's report) returns it with a reason."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    REPORT.apply(report, "return", actor=actor, kinds=report_actor_kinds(actor, report), note=reason,
                 decided_at=now, return_reason=reason,
                 messages=_tell_reporter(report, _("进展报告被退回"), _("第%(n)s项任务 %(p)s 的进展报告被退回：%(r)s") % {
                     "n": report.task.number, "p": report.period, "r": reason}))
    return report


@transaction.atomic
def report_consolidate(*, actor, report: Report, now: datetime | None = None) -> Report:
    """The lead unit takes a co-unit's report into its own report of the same period (汇总)."""
    now = now or timezone.now()
    task = report.task
    own = Report.objects.filter(task=task, period=report.period, unit_kind=task.lead_kind,
                                unit_id=task.lead_id).first()
    REPORT.apply(report, "consolidate", actor=actor, kinds=report_actor_kinds(actor, report), decided_at=now,
                 consolidated_into=own,
                 messages=_tell_reporter(report, _("进展报告已汇总"), _("第%(n)s项任务 %(p)s 的进展报告已由牵头单位汇总") % {
                     "n": task.number, "p": report.period}))
    return report


def consolidation_text(task: Task, period: str) -> str:
    """The co-units' reports of a period, as the lead's consolidated text starts from."""
    parts = Report.objects.filter(task=task, period=period, role=TaskUnit.Role.CO).exclude(
        status=Report.Status.RETURNED).order_by("id")
    return "\n".join(f"【{r.unit_name}】{r.text}" for r in parts)


@transaction.atomic
def plan_import(*, actor, plan: Plan, rows) -> tuple[list[Task], list[str]]:
    """Import the rows of a 责任分工表 (``excel.parse``) into ``plan``: all or nothing. Returns the
    tasks made, or no task and every row's errors ("第 3 行：…")."""
    _require_office(actor)
    errors = [f"{_('第 %(n)s 行') % {'n': r.line}}：{e}" for r in rows for e in r.errors]
    if not rows and not errors:
        errors.append(_("表中没有任务行"))
    tasks: list[Task] = []
    if not errors:
        sid = transaction.savepoint()
        for r in rows:
            try:
                tasks.append(task_create(actor=actor, plan=plan, number=r.number, title=r.title, content=r.content,
                                         lead=r.lead, co_units=r.co_units, due_date=r.due_date, rhythm=r.rhythm,
                                         indicator=r.indicator, quantity=r.quantity))
            except ServiceError as exc:
                errors.append(f"{_('第 %(n)s 行') % {'n': r.line}}：{'；'.join(exc.messages)}")
        if errors:
            transaction.savepoint_rollback(sid)
            tasks = []
        else:
            transaction.savepoint_commit(sid)
            audit_record(action=AuditAction.IMPORT, actor=actor, obj=plan, detail=_("导入责任分工表 %(n)s 项任务") % {"n": len(tasks)})
    return tasks, errors
