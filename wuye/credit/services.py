"""Every write to credit (DESIGN.md: writes go through services).

- ``credit_event_record``: an authorised official records an event by hand, with evidence (draft);
- ``credit_event_act``: one workflow action (``workflow.py``) as a conditional UPDATE on the
  event's ``version``, with a ``CreditEventLog`` row, an audit row and notifications, in one
  transaction; ``credit_event_confirm`` is the sweep's confirmation at the end of the notice;
- ``credit_basic_refresh``: the basic items that follow from the registry (JC01 filing);
- rules, settings, training records, benchmarks and exit cases.

Validity (a decision): a confirmed event counts from the day it occurred (``valid_from =
occurred_on``) for the rule's validity (``valid_until = occurred_on + validity_days``); the time
the review and notice took does not lengthen a penalty. Rules without a validity last until
rectified (credit repair).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.models import Role, User
from wuye.core.audit import audit_record
from wuye.core.calendar import PeriodUnit, add_period
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditAction
from wuye.notifications.services import notify

from .models import (
    Benchmark,
    CreditEvent,
    CreditEventLog,
    CreditObjection,
    CreditRule,
    CreditSettings,
    ExitCase,
    ExitStep,
    TrainingRecord,
)
from .workflow import COMPANY_ROLES, TRANSITIONS, actor_kinds, is_official_for, permits, recorder_allows

S = CreditEvent.Status


def _now() -> datetime:
    return timezone.now()


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def valid_until_for(rule: CreditRule, start: date) -> date | None:
    if rule.validity_days is None:
        return None
    return start + timedelta(days=rule.validity_days)


def company_users(company_id: int):
    return User.objects.filter(is_active=True, company_id=company_id, role__in=list(COMPANY_ROLES))


def official_users(event: CreditEvent):
    """Who hears about an objection: the recording official and the district's officers (or the
    city bureau for events without a district)."""
    users = []
    if event.district_id:
        users = list(User.objects.filter(is_active=True, role=Role.DISTRICT, district_id=event.district_id))
    if not users:
        users = list(User.objects.filter(is_active=True, role=Role.CITY))
    if event.recorded_by_id and all(u.pk != event.recorded_by_id for u in users):
        users += list(User.objects.filter(pk=event.recorded_by_id, is_active=True))
    return users


def _event_url(event: CreditEvent) -> str:
    return f"/credit/events/{event.pk}/"


def _log(event: CreditEvent, action: str, *, actor=None, from_status: str = "", to_status: str = "",
         note: str = "") -> CreditEventLog:
    return CreditEventLog.objects.create(event=event, actor=_user(actor), action=action, from_status=from_status,
                                         to_status=to_status or from_status, note=note)


def _move(event: CreditEvent, **fields) -> None:
    """Conditional UPDATE on the version the actor saw; of two racing actors exactly one wins."""
    n = CreditEvent.objects.filter(pk=event.pk, version=event.version).update(version=F("version") + 1, **fields)
    if n != 1:
        raise ConflictError(_("该信用信息已被他人处理，请刷新页面后重试"))
    for k, v in fields.items():
        setattr(event, k, v)
    event.version += 1


def _recompute(event: CreditEvent, today: date | None = None) -> None:
    from .scoring import credit_recompute, manager_recompute

    if event.manager_id:
        manager_recompute(event.manager_id, today=today)
    else:
        credit_recompute(event.company_id, today=today)


def notice_end_for(start: datetime, cs: CreditSettings | None = None) -> datetime:
    cs = cs or CreditSettings.current()
    return add_period(start, cs.notice_workdays, PeriodUnit.WORKING_DAYS)


# ---- recording by hand ----------------------------------------------------------------------


@transaction.atomic
def credit_event_record(*, user, company, rule: CreditRule, occurred_on: date, description: str,
                        evidence: str = "", estate=None, manager=None, now: datetime | None = None) -> CreditEvent:
    """An official records a credit event with evidence; it waits for review by another official."""
    now = now or _now()
    description = (description or "").strip()
    evidence = (evidence or "").strip()
    if company is None:
        raise ServiceError(_("请选择物业服务企业"))
    if rule is None or not rule.active:
        raise ServiceError(_("请选择启用中的信用规则"))
    if not is_official_for(user, company.pk):
        raise ServiceError(_("只有市局或该企业服务小区所在区县的主管部门可以录入该企业的信用信息"))
    if not recorder_allows(rule, getattr(user, "role", None)):
        raise ServiceError(_("规则“%(rule)s”的认定单位为%(who)s，您无权录入") % {
            "rule": rule.name, "who": rule.get_recorder_display()})
    if not description:
        raise ServiceError(_("请填写事实描述"))
    if not evidence:
        raise ServiceError(_("请填写证据说明（%(what)s）") % {"what": rule.evidence_required or _("证明材料")})
    if occurred_on is None:
        raise ServiceError(_("请填写发生日期"))
    if occurred_on > timezone.localdate(now):
        raise ServiceError(_("发生日期不能晚于今天"))
    if estate is not None and estate.company_id != company.pk:
        raise ServiceError(_("所选小区不是该企业服务的小区"))
    if estate is not None and user.role == Role.DISTRICT and estate.district_id != user.district_id:
        raise ServiceError(_("所选小区不在本区县"))
    if rule.subject == CreditRule.Subject.MANAGER:
        if manager is None:
            raise ServiceError(_("该规则的评价对象为项目经理，请选择项目经理"))
        if manager.company_id != company.pk:
            raise ServiceError(_("所选项目经理不属于该企业"))
    else:
        manager = None
    district_id = user.district_id if user.role == Role.DISTRICT else (estate.district_id if estate else None)
    event = CreditEvent.objects.create(
        company=company, manager=manager, estate=estate, district_id=district_id, rule=rule, klass=rule.klass,
        points=rule.points, status=S.DRAFT, source=CreditEvent.Source.MANUAL, description=description[:2000],
        evidence=evidence[:2000], occurred_on=occurred_on, recorded_by=user,
    )
    _log(event, "record", actor=user, to_status=S.DRAFT, note=description[:500])
    audit_record(action=AuditAction.CREATE, actor=user, obj=event,
                 changes={"rule": rule.code, "company": company.pk, "points": rule.points},
                 detail=f"录入信用信息 {rule.code} {rule.name}")
    return event


# ---- the workflow ---------------------------------------------------------------------------


def credit_event_act(*, user, event: CreditEvent, action: str, note: str = "", evidence: str = "",
                     now: datetime | None = None) -> CreditEvent:
    """Perform one workflow action (see ``workflow.py``)."""
    if action not in TRANSITIONS or action == "confirm":
        raise ServiceError(_("未知的操作：%(action)s") % {"action": action})
    t = TRANSITIONS[action]
    note = (note or "").strip()
    evidence = (evidence or "").strip()
    now = now or _now()
    with transaction.atomic():
        current = CreditEvent.objects.select_related("rule", "company").get(pk=event.pk)
        if event.version is not None and current.version != event.version:
            raise ConflictError(_("该信用信息已被他人处理，请刷新页面后重试"))
        kinds = actor_kinds(user, current)
        if not permits(action, current, kinds, user=user, now=now):
            raise ServiceError(_refusal(action, current, kinds, user, now))
        if t.needs_note and not note:
            raise ServiceError(_("请填写%(what)s") % {"what": NOTE_LABELS.get(action, _("说明"))})
        HANDLERS[action](current, user=user, note=note, evidence=evidence, now=now)
        audit_record(action=AuditAction.UPDATE, actor=user, obj=current,
                     changes={"action": action, "status": current.status}, detail=f"{t.label}：{note[:200]}")
    event.__dict__.update({k: v for k, v in current.__dict__.items() if not k.startswith("_")})
    if action == "repair" or (action == "reject" and current.status == S.CONFIRMED):
        _recompute(current)
    return current


NOTE_LABELS = {
    "object": _("异议理由"),
    "uphold": _("处理意见"),
    "reject": _("处理意见"),
    "withdraw": _("撤销理由"),
    "repair": _("整改核实情况（修复理由）"),
}


def _refusal(action: str, event: CreditEvent, kinds: set[str], user, now) -> str:
    t = TRANSITIONS[action]
    if t.actors & kinds and event.status not in t.sources:
        return _("该信用信息当前状态为“%(status)s”，不能%(action)s") % {
            "status": event.get_status_display(), "action": t.label}
    if action == "review" and "official" in kinds:
        if event.recorded_by_id == getattr(user, "pk", None):
            return _("录入人不能审核自己录入的信用信息，请由其他工作人员审核")
        return _("规则“%(rule)s”的认定单位为%(who)s，您无权审核") % {
            "rule": event.rule.name, "who": event.rule.get_recorder_display()}
    if action == "object" and "company" in kinds:
        return _("公示期已结束，不能再提出异议")
    if action == "repair" and "official" in kinds:
        if event.repaired_at is not None:
            return _("该信用信息已修复")
        if event.klass == CreditRule.Klass.VETO:
            return _("一票否决事项的信用修复须由市局办理")
        return _("只有不良信用信息可以修复")
    return _("您无权对该信用信息执行“%(action)s”") % {"action": t.label}


def _review(e: CreditEvent, *, user, note, evidence, now) -> None:
    _move(e, status=S.REVIEWED, reviewed_by=user)
    _log(e, "review", actor=user, from_status=S.DRAFT, to_status=S.REVIEWED, note=note)


def _publish(e: CreditEvent, *, user, note, evidence, now) -> None:
    end = notice_end_for(now)
    _move(e, status=S.NOTICE, notice_start=now, notice_end=end)
    _log(e, "publish", actor=user, from_status=S.REVIEWED, to_status=S.NOTICE, note=note)
    notify(users=list(company_users(e.company_id)), subject=_("信用信息公示"),
           body=_("贵企业的信用信息“%(rule)s”（%(points)s 分）已开始公示，如有异议请于 %(end)s 前提出。") % {
               "rule": e.rule.name, "points": e.signed_points, "end": timezone.localtime(end).strftime("%Y-%m-%d %H:%M")},
           url=_event_url(e), channels=("inapp", "sms"), dedup_key=f"credit:{e.pk}:notice", category="credit")


def _object(e: CreditEvent, *, user, note, evidence, now) -> None:
    _move(e, status=S.OBJECTED)
    CreditObjection.objects.create(event=e, submitted_by=user, reason=note, evidence=evidence[:2000])
    _log(e, "object", actor=user, from_status=S.NOTICE, to_status=S.OBJECTED, note=note)
    notify(users=official_users(e), subject=_("信用信息异议"),
           body=_("%(company)s 对信用信息“%(rule)s”提出异议，请处理。") % {"company": e.company.name, "rule": e.rule.name},
           url=_event_url(e), channels=("inapp",), dedup_key=f"credit:{e.pk}:object:{e.version}", category="credit")


def _pending_objection(e: CreditEvent) -> CreditObjection | None:
    return e.objections.filter(status=CreditObjection.Status.PENDING).order_by("-id").first()


def _decide(e: CreditEvent, *, user, note, now, upheld: bool) -> None:
    objection = _pending_objection(e)
    if objection is not None:
        n = CreditObjection.objects.filter(pk=objection.pk, status=CreditObjection.Status.PENDING).update(
            status=CreditObjection.Status.UPHELD if upheld else CreditObjection.Status.REJECTED,
            decision_reason=note, decided_by=user, decided_at=now)
        if n != 1:
            raise ConflictError(_("该异议已被他人处理，请刷新页面后重试"))
    notify(users=list(company_users(e.company_id)), subject=_("信用信息异议处理结果"),
           body=(_("贵企业对“%(rule)s”的异议成立，该信用信息已撤销。") if upheld else
                 _("贵企业对“%(rule)s”的异议不成立：%(note)s")) % {"rule": e.rule.name, "note": note[:100]},
           url=_event_url(e), channels=("inapp", "sms"), dedup_key=f"credit:{e.pk}:decide:{e.version}",
           category="credit")


def _uphold(e: CreditEvent, *, user, note, evidence, now) -> None:
    _decide(e, user=user, note=note, now=now, upheld=True)
    _move(e, status=S.WITHDRAWN, withdrawn_reason=(_("异议成立：") + note)[:300])
    _log(e, "uphold", actor=user, from_status=S.OBJECTED, to_status=S.WITHDRAWN, note=note)


def _reject(e: CreditEvent, *, user, note, evidence, now) -> None:
    _decide(e, user=user, note=note, now=now, upheld=False)
    if e.notice_end is not None and now <= e.notice_end:
        # The rest of the notice runs on; the sweep confirms the event when it ends.
        _move(e, status=S.NOTICE)
        _log(e, "reject", actor=user, from_status=S.OBJECTED, to_status=S.NOTICE, note=note)
    else:
        _confirm(e, now=now, actor=user, action="reject", from_status=S.OBJECTED, note=note)


def _withdraw(e: CreditEvent, *, user, note, evidence, now) -> None:
    from_status = e.status
    if from_status == S.OBJECTED:
        objection = _pending_objection(e)
        if objection is not None:
            CreditObjection.objects.filter(pk=objection.pk).update(
                status=CreditObjection.Status.UPHELD, decision_reason=note, decided_by=user, decided_at=now)
    _move(e, status=S.WITHDRAWN, withdrawn_reason=note[:300])
    _log(e, "withdraw", actor=user, from_status=from_status, to_status=S.WITHDRAWN, note=note)


def _repair(e: CreditEvent, *, user, note, evidence, now) -> None:
    _move(e, repaired_at=now, repair_reason=note[:300])
    _log(e, "repair", actor=user, from_status=S.CONFIRMED, to_status=S.CONFIRMED, note=note)
    notify(users=list(company_users(e.company_id)), subject=_("信用修复"),
           body=_("贵企业的不良信用信息“%(rule)s”经核实整改已修复，不再计分。") % {"rule": e.rule.name},
           url=_event_url(e), channels=("inapp",), dedup_key=f"credit:{e.pk}:repair", category="credit")


def _confirm(e: CreditEvent, *, now: datetime, actor=None, action: str = "confirm", from_status: str = S.NOTICE,
             note: str = "") -> None:
    rule = e.rule
    _move(e, status=S.CONFIRMED, confirmed_at=now, valid_from=e.occurred_on,
          valid_until=valid_until_for(rule, e.occurred_on))
    _log(e, action, actor=actor, from_status=from_status, to_status=S.CONFIRMED,
         note=note or _("公示期满无异议，予以确认"))


HANDLERS = {
    "review": _review,
    "publish": _publish,
    "object": _object,
    "uphold": _uphold,
    "reject": _reject,
    "withdraw": _withdraw,
    "repair": _repair,
}


def credit_event_confirm(*, event: CreditEvent, now: datetime | None = None) -> bool:
    """The sweep's confirmation of an event whose notice ended without an objection. Returns False
    when another worker confirmed it first (or it is no longer in notice)."""
    now = now or _now()
    with transaction.atomic():
        e = CreditEvent.objects.select_related("rule").get(pk=event.pk)
        if not permits("confirm", e, {"system"}, now=now):
            return False
        try:
            _confirm(e, now=now)
        except ConflictError:
            return False
        audit_record(action=AuditAction.UPDATE, actor=None, obj=e, username="system",
                     changes={"action": "confirm", "status": e.status}, detail="公示期满无异议，信用信息确认")
    return True


# ---- basic items from the registry ----------------------------------------------------------


def credit_basic_refresh(company, *, actor=None, today: date | None = None) -> CreditEvent | None:
    """JC01 依法备案 from the registry's filing status (idempotent): a filed company without a JC01
    in force gets one, confirmed at once (a favourable fact of the register — there is nobody to
    object); a company no longer filed has its JC01 ended today. JC02 and JC03 are recorded by hand.
    Returns the JC01 event in force, if any."""
    from wuye.registry.models import PropertyCompany

    from .scoring import credit_recompute, live_q

    today = today or timezone.localdate()
    rule = CreditRule.objects.filter(code="JC01", active=True).first()
    if rule is None:
        return None
    now = _now()
    filed = company.filing_status == PropertyCompany.FilingStatus.FILED
    current = CreditEvent.objects.filter(live_q(today), company=company, rule=rule).first()
    changed = False
    with transaction.atomic():
        if filed and current is None:
            key = f"basic:JC01:company:{company.pk}:{today:%Y%m%d}"
            if CreditEvent.objects.filter(source_key=key).exists():
                return CreditEvent.objects.filter(source_key=key).first()
            event = CreditEvent(
                company=company, rule=rule, klass=rule.klass, points=rule.points, status=S.CONFIRMED,
                source=CreditEvent.Source.AUTO, source_key=key, description=_("企业已依法备案（平台登记备案状态）"),
                evidence=_("平台企业登记信息"), occurred_on=today, valid_from=today,
                valid_until=valid_until_for(rule, today), confirmed_at=now, recorded_by=_user(actor),
                source_url=f"/registry/companies/{company.pk}/",
            )
            try:
                with transaction.atomic():
                    event.save()
            except IntegrityError:
                return CreditEvent.objects.filter(source_key=key).first()
            _log(event, "auto", actor=actor, to_status=S.CONFIRMED, note=event.description)
            audit_record(action=AuditAction.CREATE, actor=_user(actor), obj=event, username="system",
                         detail="依法备案基础信用（自动）")
            current, changed = event, True
        elif not filed and current is not None:
            _move(current, valid_until=today)
            _log(current, "lapse", actor=actor, from_status=current.status, note=_("企业备案状态已变更为：%(s)s") % {
                "s": company.get_filing_status_display()})
            audit_record(action=AuditAction.UPDATE, actor=_user(actor), obj=current, username="system",
                         detail="企业不再处于备案状态，依法备案基础信用终止")
            current, changed = None, True
    if changed:
        credit_recompute(company.pk, today=today)
    return current


# ---- rules and settings ---------------------------------------------------------------------

RULE_FIELDS = ("code", "name", "klass", "subject", "points", "validity_days", "evidence_required", "recorder",
               "auto_source", "basis", "active")
SETTINGS_FIELDS = ("basic_cap", "good_cap", "aaa_min", "aa_min", "a_min", "b_min", "notice_workdays",
                   "default_validity_days", "manager_base_score", "manager_register_days", "manager_training_hours",
                   "public_event_days")


def _require_city(user, what) -> None:
    if getattr(user, "role", None) != Role.CITY or not user.is_active:
        raise ServiceError(_("只有市住房保障房产局可以%(what)s") % {"what": what})


@transaction.atomic
def credit_rule_save(*, user, rule: CreditRule | None = None, **data) -> CreditRule:
    """Create or edit a rule (the city bureau). Past events keep the points they were recorded with."""
    _require_city(user, _("维护信用评价规则"))
    creating = rule is None
    rule = rule or CreditRule()
    before = {f: getattr(rule, f) for f in RULE_FIELDS} if not creating else {}
    for f in RULE_FIELDS:
        if f in data:
            setattr(rule, f, data[f])
    rule.code = (rule.code or "").strip().upper()
    if not rule.code or not (rule.name or "").strip():
        raise ServiceError(_("请填写规则代码和信用行为"))
    if rule.points is None or rule.points < 0:
        raise ServiceError(_("分值应为不小于 0 的数"))
    if CreditRule.objects.filter(code=rule.code).exclude(pk=rule.pk).exists():
        raise ServiceError({"code": _("该规则代码已存在")})
    rule.save()
    changes = {f: getattr(rule, f) for f in RULE_FIELDS if before.get(f) != getattr(rule, f)}
    audit_record(action=AuditAction.CREATE if creating else AuditAction.UPDATE, actor=user, obj=rule, changes=changes,
                 detail=("新增" if creating else "修改") + f"信用规则 {rule.code}")
    return rule


@transaction.atomic
def credit_settings_update(*, user, **data) -> CreditSettings:
    _require_city(user, _("修改信用评价设置"))
    cs = CreditSettings.current()
    changes = {}
    for f in SETTINGS_FIELDS:
        if f in data and data[f] is not None and getattr(cs, f) != data[f]:
            changes[f] = [getattr(cs, f), data[f]]
            setattr(cs, f, data[f])
    if not (cs.aaa_min > cs.aa_min > cs.a_min > cs.b_min):
        raise ServiceError(_("等级分数线应满足：AAA > AA > A > B"))
    cs.save()
    audit_record(action=AuditAction.UPDATE, actor=user, obj=cs, changes=changes, detail="修改信用评价设置")
    return cs


# ---- project managers -----------------------------------------------------------------------


def may_keep_training(user, manager) -> bool:
    role = getattr(user, "role", None)
    if role == Role.COMPANY_MANAGER:
        return user.company_id == manager.company_id
    return is_official_for(user, manager.company_id)


@transaction.atomic
def training_record_add(*, user, manager, course: str, attended_on: date, hours: Decimal) -> TrainingRecord:
    """A company manager (for their own company's managers) or an official records training hours."""
    from wuye.registry.models import Staff

    from .scoring import manager_recompute

    if manager is None or manager.role != Staff.Role.PROJECT_MANAGER:
        raise ServiceError(_("请选择项目经理"))
    if not may_keep_training(user, manager):
        raise ServiceError(_("您无权为该项目经理登记培训记录"))
    course = (course or "").strip()
    if not course:
        raise ServiceError(_("请填写培训内容"))
    if attended_on is None or attended_on > timezone.localdate():
        raise ServiceError(_("培训日期不能晚于今天"))
    if hours is None or hours < Decimal("0.5") or hours > Decimal("100"):
        raise ServiceError(_("学时应在 0.5 到 100 之间"))
    rec = TrainingRecord.objects.create(manager=manager, course=course[:100], attended_on=attended_on, hours=hours,
                                        recorded_by=user)
    audit_record(action=AuditAction.CREATE, actor=user, obj=rec, changes={"hours": hours, "course": course},
                 detail=f"登记项目经理培训 {hours} 学时")
    manager_recompute(manager.pk)
    return rec


# ---- benchmarks -----------------------------------------------------------------------------


def _may_designate(user, *, estate=None, company=None) -> bool:
    role = getattr(user, "role", None)
    if role == Role.CITY and user.is_active:
        return True
    if role == Role.DISTRICT and user.district_id:
        if estate is not None:
            return estate.district_id == user.district_id
        return company is not None and is_official_for(user, company.pk)
    return False


def benchmark_designate(*, user, kind: str, reason: str, estate=None, company=None,
                        designated_on: date | None = None) -> Benchmark:
    """Name a benchmark estate or company (city bureau; a district within its district). The
    company (an estate's company) receives the BG01 good-credit item through the usual notice."""
    from .auto import credit_event_auto
    from .scoring import credit_recompute

    reason = (reason or "").strip()
    if kind == Benchmark.Kind.ESTATE:
        company = None
        if estate is None:
            raise ServiceError(_("请选择小区"))
    elif kind == Benchmark.Kind.COMPANY:
        estate = None
        if company is None:
            raise ServiceError(_("请选择企业"))
    else:
        raise ServiceError(_("请选择标杆类型"))
    if not _may_designate(user, estate=estate, company=company):
        raise ServiceError(_("只有市局或所在区县主管部门可以命名标杆"))
    if not reason:
        raise ServiceError(_("请填写评选理由"))
    exists = Benchmark.objects.filter(kind=kind, active=True, estate=estate, company=company).exists()
    if exists:
        raise ServiceError(_("该%(what)s已是有效标杆") % {"what": Benchmark.Kind(kind).label})
    today = designated_on or timezone.localdate()
    with transaction.atomic():
        b = Benchmark.objects.create(kind=kind, estate=estate, company=company, reason=reason, designated_on=today,
                                     designated_by=user)
        audit_record(action=AuditAction.CREATE, actor=user, obj=b, changes={"kind": kind}, detail=f"命名标杆：{reason[:100]}")
        credited = company if company is not None else (estate.company if estate.company_id else None)
        if credited is not None:
            credit_event_auto(company=credited, rule_code="BG01", source_key=f"benchmark:{b.pk}", occurred_on=today,
                              description=_("获评物业标杆项目：%(name)s") % {"name": b}, estate=estate,
                              district=estate.district if estate else None, evidence=reason[:500])
    if company is not None:
        credit_recompute(company.pk)
    return b


def benchmark_revoke(*, user, benchmark: Benchmark, reason: str, today: date | None = None) -> Benchmark:
    from .scoring import credit_recompute

    reason = (reason or "").strip()
    if not _may_designate(user, estate=benchmark.estate, company=benchmark.company):
        raise ServiceError(_("只有市局或所在区县主管部门可以撤销标杆"))
    if not reason:
        raise ServiceError(_("请填写撤销理由"))
    today = today or timezone.localdate()
    with transaction.atomic():
        n = Benchmark.objects.filter(pk=benchmark.pk, active=True).update(active=False, revoked_on=today,
                                                                          revoke_reason=reason[:300])
        if n != 1:
            raise ConflictError(_("该标杆已被撤销"))
        benchmark.refresh_from_db()
        audit_record(action=AuditAction.UPDATE, actor=user, obj=benchmark, changes={"active": False},
                     detail=f"撤销标杆：{reason[:100]}")
        event = CreditEvent.objects.filter(source_key=f"benchmark:{benchmark.pk}").first()
        if event is not None and event.status in (S.DRAFT, S.REVIEWED, S.NOTICE, S.OBJECTED):
            from_status = event.status
            _move(event, status=S.WITHDRAWN, withdrawn_reason=(_("标杆已撤销：") + reason)[:300])
            _log(event, "withdraw", actor=user, from_status=from_status, to_status=S.WITHDRAWN, note=reason)
        elif event is not None and event.status == S.CONFIRMED and (event.valid_until is None or event.valid_until > today):
            _move(event, valid_until=today)
            _log(event, "lapse", actor=user, from_status=S.CONFIRMED, note=_("标杆已撤销：") + reason)
    company_id = benchmark.company_id or (benchmark.estate.company_id if benchmark.estate_id else None)
    if company_id:
        credit_recompute(company_id)
    return benchmark


# ---- exit cases -----------------------------------------------------------------------------


def exit_cases_open(company_ids, *, now: datetime | None = None) -> int:
    """Open an exit case for every estate each newly black-listed company serves (idempotent: one
    open case per company and estate) and tell the district and the estate's committee."""
    from wuye.registry.models import Estate

    now = now or _now()
    company_ids = list(company_ids)
    if not company_ids:
        return 0
    open_pairs = set(ExitCase.objects.filter(company_id__in=company_ids, status=ExitCase.Status.OPEN)
                     .values_list("company_id", "estate_id"))
    estates = list(Estate.objects.filter(company_id__in=company_ids).select_related("company"))
    created = 0
    for estate in estates:
        if (estate.company_id, estate.pk) in open_pairs:
            continue
        try:
            with transaction.atomic():
                case = ExitCase.objects.create(company_id=estate.company_id, estate=estate,
                                               district_id=estate.district_id,
                                               reason=_("企业被列入信用黑名单"), opened_at=now)
        except IntegrityError:
            continue
        created += 1
        audit_record(action=AuditAction.CREATE, actor=None, obj=case, username="system",
                     detail=f"企业列入黑名单，启动清退：{estate.name}")
        users = list(User.objects.filter(is_active=True, role=Role.DISTRICT, district_id=estate.district_id))
        users += list(User.objects.filter(is_active=True, role=Role.COMMITTEE, estate_id=estate.pk))
        notify(users=users, subject=_("物业企业清退"),
               body=_("%(company)s 已被列入信用黑名单，%(estate)s 启动清退程序：请告知业主委员会，组织业主共同决定更换物业服务企业并做好交接。") % {
                   "company": estate.company.name, "estate": estate.name},
               url=f"/credit/exits/{case.pk}/", channels=("inapp",), dedup_key=f"credit:exit:{case.pk}",
               category="credit")
    return created


def may_handle_exit(user, case: ExitCase) -> bool:
    role = getattr(user, "role", None)
    if role == Role.CITY:
        return True
    return role == Role.DISTRICT and user.district_id == case.district_id


@transaction.atomic
def exit_step_record(*, user, case: ExitCase, kind: str, done_on: date, note: str = "") -> ExitStep:
    """An official records one step of an exit case; the owners' decision needs a reference
    (the decision's number or the ballot)."""
    note = (note or "").strip()
    if not may_handle_exit(user, case):
        raise ServiceError(_("只有市局或小区所在区县主管部门可以办理清退"))
    if case.status != ExitCase.Status.OPEN:
        raise ServiceError(_("该清退案件已结束"))
    if kind not in ExitStep.Kind.values:
        raise ServiceError(_("请选择步骤"))
    if done_on is None or done_on > timezone.localdate():
        raise ServiceError(_("完成日期不能晚于今天"))
    if kind == ExitStep.Kind.OWNERS_DECIDED and not note:
        raise ServiceError(_("请填写业主共同决定的文号或表决记录"))
    if kind == ExitStep.Kind.HANDOVER and not case.steps.filter(kind=ExitStep.Kind.OWNERS_DECIDED).exists():
        raise ServiceError(_("请先登记业主共同决定，再登记交接"))
    try:
        with transaction.atomic():
            step = ExitStep.objects.create(case=case, kind=kind, done_on=done_on, note=note[:300], done_by=user)
    except IntegrityError:
        raise ServiceError(_("该步骤已登记")) from None
    audit_record(action=AuditAction.CREATE, actor=user, obj=step, changes={"kind": kind}, detail=f"清退步骤：{note[:100]}")
    return step


@transaction.atomic
def exit_case_close(*, user, case: ExitCase, status: str, note: str, now: datetime | None = None) -> ExitCase:
    """Close an exit case: ``done`` once the handover is recorded, or ``closed`` (stopped) with a
    reason (e.g. the company left the black list)."""
    note = (note or "").strip()
    if not may_handle_exit(user, case):
        raise ServiceError(_("只有市局或小区所在区县主管部门可以办理清退"))
    if status not in (ExitCase.Status.DONE, ExitCase.Status.CLOSED):
        raise ServiceError(_("请选择结束方式"))
    if status == ExitCase.Status.DONE and not case.steps.filter(kind=ExitStep.Kind.HANDOVER).exists():
        raise ServiceError(_("尚未登记交接，不能以“已完成交接”结束"))
    if status == ExitCase.Status.CLOSED and not note:
        raise ServiceError(_("请填写终止理由"))
    n = ExitCase.objects.filter(pk=case.pk, status=ExitCase.Status.OPEN).update(
        status=status, closed_at=now or _now(), close_note=note[:300])
    if n != 1:
        raise ConflictError(_("该清退案件已结束"))
    case.refresh_from_db()
    audit_record(action=AuditAction.UPDATE, actor=user, obj=case, changes={"status": status}, detail=f"结束清退：{note[:100]}")
    return case
