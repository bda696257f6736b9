"""Every write to credit events, rules and settings (DESIGN.md: writes go through services).

- ``credit_event_record``: an authorised official records an event by hand, with evidence (draft);
- ``credit_event_act``: one workflow action of the table in ``workflow.py``, applied by the one
  workflow core (``core.workflow.Machine.apply``: conditional UPDATE on the event's ``version``,
  its ``CreditEventLog`` row, its audit row and its notifications, in one transaction);
  ``credit_event_confirm`` is the sweep's confirmation at the end of the notice;
- ``credit_basic_refresh``: the basic items that follow from the registry (JC01 filing);
- ``credit_refresh``: after events changed, recompute the company's (or project manager's) score
  and open the exit cases when the company has just been black-listed (``scoring`` only counts);
- rules and settings.

Benchmarks are in ``benchmarks.py``, exit cases in ``exits.py``, training records in
``managers.py``, automatic events in ``auto.py``.

Validity (a decision): a confirmed event counts from the day it occurred (``valid_from =
occurred_on``) for the rule's validity (``valid_until = occurred_on + validity_days``); the time
the review and notice took does not lengthen a penalty. Rules without a validity last until
rectified (credit repair).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.selectors import company_users
from wuye.core.audit import audit_record
from wuye.core.calendar import PeriodUnit, add_period, local_text
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditAction
from wuye.notifications.services import Message
from wuye.registry.models import PropertyCompany

from .exits import exit_cases_open
from .models import CompanyCredit, CreditEvent, CreditEventLog, CreditObjection, CreditRule, CreditSettings
from .scoring import credit_recompute, live_q, manager_recompute
from .selectors import (
    actor_kinds,
    can_edit_rules,
    is_official_for,
    objection_recipients,
    recorder_allows,
    records_for_district,
)
from .workflow import MACHINE, TRANSITIONS, permits

S = CreditEvent.Status


def _now() -> datetime:
    return timezone.now()


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def valid_until_for(rule: CreditRule, start: date) -> date | None:
    """rules.md §9: an item counts for its rule's validity from the day it occurred; a rule
    without a validity lasts until rectified (credit repair)."""
    if rule.validity_days is None:
        return None
    return start + timedelta(days=rule.validity_days)


def notice_end_for(start: datetime, cs: CreditSettings | None = None) -> datetime:
    """rules.md §9: the public notice lasts ``notice_workdays`` working days."""
    cs = cs or CreditSettings.current()
    return add_period(start, cs.notice_workdays, PeriodUnit.WORKING_DAYS)


def event_url(event: CreditEvent) -> str:
    return f"/credit/events/{event.pk}/"


def log_creation(event: CreditEvent, action: str, *, actor=None, note: str = "") -> CreditEventLog:
    """The timeline's first row (``record`` / ``auto``): the event's creation is no transition."""
    return CreditEventLog.objects.create(event=event, actor=_user(actor), action=action, from_status="",
                                         to_status=event.status, note=note)


def credit_refresh(*, company_id: int | None = None, manager_id: int | None = None, today: date | None = None,
                   now: datetime | None = None) -> CompanyCredit | None:
    """After events changed: recompute the score (``scoring``, pure arithmetic plus its own row)
    and, when the company has just been black-listed, open its exit cases (rules.md §9)."""
    if manager_id:
        manager_recompute(manager_id, today=today)
        return None
    credit = credit_recompute(company_id, today=today)
    if credit.newly_black:
        exit_cases_open([company_id], now=now)
    return credit


def _refresh_for(event: CreditEvent) -> None:
    credit_refresh(company_id=event.company_id, manager_id=event.manager_id)


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
    in_district = records_for_district(user)
    if estate is not None and in_district and estate.district_id != user.district_id:
        raise ServiceError(_("所选小区不在本区县"))
    if rule.subject == CreditRule.Subject.MANAGER:
        if manager is None:
            raise ServiceError(_("该规则的评价对象为项目经理，请选择项目经理"))
        if manager.company_id != company.pk:
            raise ServiceError(_("所选项目经理不属于该企业"))
    else:
        manager = None
    district_id = user.district_id if in_district else (estate.district_id if estate else None)
    event = CreditEvent.objects.create(
        company=company, manager=manager, estate=estate, district_id=district_id, rule=rule, klass=rule.klass,
        points=rule.points, status=S.DRAFT, source=CreditEvent.Source.MANUAL, description=description[:2000],
        evidence=evidence[:2000], occurred_on=occurred_on, recorded_by=user,
    )
    log_creation(event, "record", actor=user, note=description[:500])
    audit_record(action=AuditAction.CREATE, actor=user, obj=event,
                 changes={"rule": rule.code, "company": company.pk, "points": rule.points},
                 detail=f"录入信用信息 {rule.code} {rule.name}")
    return event


# ---- the workflow ---------------------------------------------------------------------------


def credit_event_act(*, user, event: CreditEvent, action: str, note: str = "", evidence: str = "",
                     now: datetime | None = None) -> CreditEvent:
    """Perform one workflow action (see ``workflow.py``); a score it changes is recomputed after."""
    if action not in TRANSITIONS or action in ("confirm", "lapse"):
        raise ServiceError(_("未知的操作：%(action)s") % {"action": action})
    t = TRANSITIONS[action]
    note = (note or "").strip()
    evidence = (evidence or "").strip()
    now = now or _now()
    with transaction.atomic():
        current = CreditEvent.objects.select_related("rule", "company").get(pk=event.pk)
        if event.version is not None and current.version != event.version:
            raise ConflictError(MACHINE.conflict_text())
        kinds = actor_kinds(user, current)
        if not permits(action, current, kinds, user=user, now=now):
            raise ServiceError(_refusal(action, current, kinds, user))
        if t.needs_note and not note:
            raise ServiceError(_("请填写%(what)s") % {"what": NOTE_LABELS.get(action, _("说明"))})
        HANDLERS[action](current, user=user, note=note, evidence=evidence, now=now)
    event.__dict__.update({k: v for k, v in current.__dict__.items() if not k.startswith("_")})
    if action == "repair" or (action == "reject" and current.status == S.CONFIRMED):
        _refresh_for(current)
    return current


NOTE_LABELS = {
    "object": _("异议理由"),
    "uphold": _("处理意见"),
    "reject": _("处理意见"),
    "withdraw": _("撤销理由"),
    "repair": _("整改核实情况（修复理由）"),
}


def _refusal(action: str, event: CreditEvent, kinds: set[str], user) -> str:
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


def _apply(e: CreditEvent, action: str, *, user, note: str = "", target: str | None = None, messages=(),
           **fields) -> None:
    """One transition through the workflow core: its log row, audit row and messages with it."""
    MACHINE.apply(e, action, actor=user, note=note, target=target, messages=messages,
                  audit_changes={"action": action},
                  audit_detail=f"{TRANSITIONS[action].label}：{note[:200]}", **fields)


def _to_company(e: CreditEvent, *, subject: str, body: str, key: str, sms: bool = True) -> Message:
    return Message(users=list(company_users(e.company_id)), subject=subject, body=body, url=event_url(e),
                   channels=("inapp", "sms") if sms else ("inapp",), dedup_key=key, category="credit")


def _review(e: CreditEvent, *, user, note, evidence, now) -> None:
    _apply(e, "review", user=user, note=note, reviewed_by=user)


def _publish(e: CreditEvent, *, user, note, evidence, now) -> None:
    end = notice_end_for(now)
    body = _("贵企业的信用信息“%(rule)s”（%(points)s 分）已开始公示，如有异议请于 %(end)s 前提出。") % {
        "rule": e.rule.name, "points": e.signed_points, "end": local_text(end)}
    _apply(e, "publish", user=user, note=note, notice_start=now, notice_end=end,
           messages=[_to_company(e, subject=_("信用信息公示"), body=body, key=f"credit:{e.pk}:notice")])


def _object(e: CreditEvent, *, user, note, evidence, now) -> None:
    message = Message(users=objection_recipients(e), subject=_("信用信息异议"),
                      body=_("%(company)s 对信用信息“%(rule)s”提出异议，请处理。") % {
                          "company": e.company.name, "rule": e.rule.name},
                      url=event_url(e), channels=("inapp",), dedup_key=f"credit:{e.pk}:object:{e.version + 1}",
                      category="credit")
    _apply(e, "object", user=user, note=note, messages=[message])
    CreditObjection.objects.create(event=e, submitted_by=user, reason=note, evidence=evidence[:2000])


def _pending_objection(e: CreditEvent) -> CreditObjection | None:
    return e.objections.filter(status=CreditObjection.Status.PENDING).order_by("-id").first()


def _decide(e: CreditEvent, *, user, note, now, upheld: bool) -> Message:
    """Record the decision on the pending objection; returns the company's message."""
    objection = _pending_objection(e)
    if objection is not None:
        n = CreditObjection.objects.filter(pk=objection.pk, status=CreditObjection.Status.PENDING).update(
            status=CreditObjection.Status.UPHELD if upheld else CreditObjection.Status.REJECTED,
            decision_reason=note, decided_by=user, decided_at=now)
        if n != 1:
            raise ConflictError(_("该异议已被他人处理，请刷新页面后重试"))
    body = (_("贵企业对“%(rule)s”的异议成立，该信用信息已撤销。") if upheld else
            _("贵企业对“%(rule)s”的异议不成立：%(note)s")) % {"rule": e.rule.name, "note": note[:100]}
    return _to_company(e, subject=_("信用信息异议处理结果"), body=body, key=f"credit:{e.pk}:decide:{e.version + 1}")


def _uphold(e: CreditEvent, *, user, note, evidence, now) -> None:
    message = _decide(e, user=user, note=note, now=now, upheld=True)
    _apply(e, "uphold", user=user, note=note, withdrawn_reason=(_("异议成立：") + note)[:300], messages=[message])


def _reject(e: CreditEvent, *, user, note, evidence, now) -> None:
    message = _decide(e, user=user, note=note, now=now, upheld=False)
    if e.notice_end is not None and now <= e.notice_end:
        # The rest of the notice runs on; the sweep confirms the event when it ends.
        _apply(e, "reject", user=user, note=note, target=S.NOTICE, messages=[message])
    else:
        _apply(e, "reject", user=user, note=note, target=S.CONFIRMED, messages=[message], **_confirmation(e, now))


def _withdraw(e: CreditEvent, *, user, note, evidence, now) -> None:
    if e.status == S.OBJECTED:
        objection = _pending_objection(e)
        if objection is not None:
            CreditObjection.objects.filter(pk=objection.pk).update(
                status=CreditObjection.Status.UPHELD, decision_reason=note, decided_by=user, decided_at=now)
    _apply(e, "withdraw", user=user, note=note, withdrawn_reason=note[:300])


def _repair(e: CreditEvent, *, user, note, evidence, now) -> None:
    message = _to_company(e, subject=_("信用修复"), key=f"credit:{e.pk}:repair", sms=False,
                          body=_("贵企业的不良信用信息“%(rule)s”经核实整改已修复，不再计分。") % {"rule": e.rule.name})
    _apply(e, "repair", user=user, note=note, repaired_at=now, repair_reason=note[:300], messages=[message])


def _confirmation(e: CreditEvent, now: datetime) -> dict:
    """The fields a confirmation sets: the item counts from the day it occurred for its rule's
    validity (rules.md §9)."""
    return {"confirmed_at": now, "valid_from": e.occurred_on, "valid_until": valid_until_for(e.rule, e.occurred_on)}


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
            MACHINE.apply(e, "confirm", actor=None, note=_("公示期满无异议，予以确认"), audit_changes={"action": "confirm"},
                          audit_detail="公示期满无异议，信用信息确认", audit_username="system",
                          **_confirmation(e, now))
        except ConflictError:
            return False
    return True


# ---- basic items from the registry ----------------------------------------------------------


def credit_basic_refresh(company, *, actor=None, today: date | None = None) -> CreditEvent | None:
    """JC01 依法备案 from the registry's filing status (idempotent): a filed company without a JC01
    in force gets one, confirmed at once (a favourable fact of the register — there is nobody to
    object); a company no longer filed has its JC01 ended today. JC02 and JC03 are recorded by hand.
    Returns the JC01 event in force, if any."""
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
            existing = CreditEvent.objects.filter(source_key=key).first()
            if existing is not None:
                return existing
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
            log_creation(event, "auto", actor=actor, note=event.description)
            audit_record(action=AuditAction.CREATE, actor=_user(actor), obj=event, username="system",
                         detail="依法备案基础信用（自动）")
            current, changed = event, True
        elif not filed and current is not None:
            MACHINE.apply(current, "lapse", actor=actor, valid_until=today,
                          note=_("企业备案状态已变更为：%(s)s") % {"s": company.get_filing_status_display()},
                          audit_detail="企业不再处于备案状态，依法备案基础信用终止", audit_username="system")
            current, changed = None, True
    if changed:
        credit_refresh(company_id=company.pk, today=today)
    return current


# ---- rules and settings ---------------------------------------------------------------------

RULE_FIELDS = ("code", "name", "klass", "subject", "points", "validity_days", "evidence_required", "recorder",
               "auto_source", "basis", "active")
SETTINGS_FIELDS = ("basic_cap", "good_cap", "aaa_min", "aa_min", "a_min", "b_min", "notice_workdays",
                   "default_validity_days", "manager_base_score", "manager_register_days", "manager_training_hours",
                   "public_event_days")


def _require_city(user, what) -> None:
    if not can_edit_rules(user):
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
