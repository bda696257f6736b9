"""The workflow actions on a complaint (issue §7–8): ``complaint_act`` checks the transition table
(``workflow.py``, a ``core.workflow.Machine``) inside its transaction, then runs the action's
handler. Every change is a conditional UPDATE on the complaint's ``version``
(``core.workflow.conditional_update``): of two officers acting at once exactly one succeeds, the
other gets a clear message ("该诉求已被他人处理，请刷新页面后重试", "已被他人签收"). Every action
appends an ``Event``, writes an audit row, refreshes the units' monthly rollups and queues its
notifications (``recipients``) in the same transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from wuye.cases import deadlines
from wuye.cases.models import (
    Complaint,
    Request,
    Satisfaction,
    Status,
    SupervisionLevel,
    Task,
    UnitKind,
)
from wuye.cases.selectors import action_context, complaints_visible_to
from wuye.cases.units import Unit, get_unit, route
from wuye.cases.workflow import MACHINE, STATE_REASONS, TRANSITIONS, actor_kinds, permits, why_not
from wuye.core.audit import audit_record
from wuye.core.calendar import PeriodUnit, add_period, local_text
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditAction
from wuye.core.workflow import conditional_update
from wuye.territory.models import Department

from . import common, contact, dispatching, recipients
from .dispatching import task_conflict

S = Status


def complaint_act(*, user, complaint: Complaint, action: str, note: str = "", reporter: bool = False,
                  photos=(), **params) -> Complaint:
    """Perform one workflow action (issue §7–8). ``reporter`` is True when the resident proved
    the complaint is theirs by tracking code and phone (no account)."""
    if action not in TRANSITIONS:
        raise ServiceError(_("未知的操作：%(action)s") % {"action": action})
    t = TRANSITIONS[action]
    note = (note or "").strip()
    with transaction.atomic():
        c = Complaint.objects.select_related("category", "estate").get(pk=complaint.pk)
        if c.version != complaint.version and complaint.version is not None:
            # The page the actor acted on is stale: somebody changed the complaint meanwhile.
            c_seen = complaint
        else:
            c_seen = c
        ctx = action_context(user, c, reporter=reporter)
        ctx.now = common.now()
        kinds = actor_kinds(user, c, ctx)
        if not permits(action, c, kinds, ctx):
            raise ServiceError(refusal(action, c, c_seen, kinds, ctx))
        if t.needs_note and not note:
            raise ServiceError(_("请填写%(what)s") % {"what": NOTE_LABELS.get(action, _("说明"))})
        handler = HANDLERS[action]
        handler(c, user=user, note=note, ctx=ctx, kinds=kinds, photos=photos, now=common.now(), **params)
        audit_record(action=AuditAction.UPDATE, actor=user if getattr(user, "is_authenticated", False) else None,
                     obj=c, changes={"action": action, "status": c.status}, detail=f"{t.label}：{note[:200]}")
    complaint.__dict__.update({k: v for k, v in c.__dict__.items() if not k.startswith("_")})
    return c


NOTE_LABELS = {
    "refuse": _("不予受理的理由"),
    "reply": _("答复内容"),
    "reject_reply": _("退回答复的理由"),
    "reopen": _("重办的理由"),
    "request_return": _("退单理由"),
    "request_extension": _("延期理由"),
}


def refusal(action: str, c: Complaint, seen: Complaint, kinds: set[str], ctx=None) -> str:
    """A clear Chinese message why the action cannot be taken now (issue §17): a race first, then
    the workflow's own reason (``workflow.why_not``, the words the blocked button shows)."""
    if action == "sign" and c.status != S.DISPATCHED and c.signed_at and "lead" in kinds:
        return _("已被他人签收")
    if seen.version != c.version or seen.status != c.status:
        return _("该诉求已被他人处理（当前状态：%(status)s），请刷新页面") % {"status": c.get_status_display()}
    if not kinds or not (TRANSITIONS[action].actors & kinds):
        return _("您无权对该诉求执行“%(action)s”") % {"action": TRANSITIONS[action].label}
    reason = why_not(action, c, kinds, ctx) if ctx is not None else ""
    if reason and c.status in TRANSITIONS[action].sources:
        return reason  # a condition beside the table: its own words ("等待协办单位…答复后可答复")
    text = _("当前状态（%(status)s）下不能执行“%(action)s”") % {
        "status": c.get_status_display(), "action": TRANSITIONS[action].label}
    if (action, c.status) in STATE_REASONS:
        text = f"{text}：{reason}"
    return text



def _desk_clock(c: Complaint, now) -> dict:
    """The clock of a complaint waiting in "accepted" for the desk to dispatch it: the category's
    accept limit again, from now (the desk accepts and dispatches; rules.md §7)."""
    return dict(dispatch_due=deadlines.due_after(now, c.category, "accept"), dispatch_overdue=False)


def _accept(c, *, user, note, now, **_kw):
    fields = dict(status=S.ACCEPTED, accepted_at=now, accept_overdue=bool(c.accept_due and now > c.accept_due),
                  **_desk_clock(c, now))
    conditional_update(Complaint, c, conflict=MACHINE.conflict_text(),
                       next_check_at=common.next_check_after(c, now, **fields), **fields)
    common.add_event(c, "accept", actor=user, from_status=S.SUBMITTED, to_status=S.ACCEPTED, note=note, public=True, at=now)
    recipients.notify_reporter(c, _("诉求已受理"), _("您的诉求（查询码 %(code)s）已受理，我们将尽快派单办理。") % {"code": c.tracking_code},
                     key="accepted")


def _refuse(c, *, user, note, now, **_kw):
    conditional_update(Complaint, c, conflict=MACHINE.conflict_text(), status=S.REFUSED, closed_at=now, next_check_at=None,
          accepted_at=c.accepted_at, accept_overdue=bool(c.accept_due and now > c.accept_due))
    common.add_event(c, "refuse", actor=user, from_status=S.SUBMITTED, to_status=S.REFUSED, note=note, public=True, at=now)
    recipients.notify_reporter(c, _("诉求不予受理"), _("您的诉求（查询码 %(code)s）不予受理：%(why)s") % {"code": c.tracking_code, "why": note},
                     key="refused")


def _duplicate(c, *, user, note, now, of=None, **_kw):
    ref = str(of or "").strip()
    qs = complaints_visible_to(user).exclude(pk=c.pk)
    original = qs.filter(tracking_code=ref.upper()).first() if ref else None
    if original is None and ref.isdigit():
        original = qs.filter(pk=int(ref)).first()
    if original is None:
        raise ServiceError(_("请填写重复的原诉求（查询码或编号）"))
    if original.duplicate_of_id:
        original = original.duplicate_of
    from_status = c.status
    conditional_update(Complaint, c, conflict=MACHINE.conflict_text(), status=S.DUPLICATE, duplicate_of=original, closed_at=now, next_check_at=None)
    common.add_event(c, "duplicate", actor=user, from_status=from_status, to_status=S.DUPLICATE, public=True, at=now,
           note=note or _("与诉求 %(code)s 重复，合并办理") % {"code": original.tracking_code},
           data={"duplicate_of": original.pk, "tracking_code": original.tracking_code})
    recipients.notify_reporter(c, _("诉求已合并办理"),
                     _("您的诉求（查询码 %(code)s）与诉求 %(orig)s 内容相同，已合并办理，请以后者的进展为准。") % {
                         "code": c.tracking_code, "orig": original.tracking_code}, key="duplicate")


def _dispatch_action(c, *, user, note, now, unit=None, co_units=(), **_kw):
    if unit:
        target = dispatching.unit_from_param(unit, c)
    else:
        target = get_unit(c.routed_unit_kind, c.routed_unit_id) if c.routed_unit_kind else None
        if target is None:
            target = route(estate=c.estate, category=c.category)
    if c.status == S.SUBMITTED:
        recipients.notify_reporter(c, _("诉求已受理"), _("您的诉求（查询码 %(code)s）已受理并派单办理。") % {"code": c.tracking_code},
                         key="accepted")
    dispatching.dispatch(c, user, now, target, co_units=co_units or (), note=note)


def _sign(c, *, user, note, now, ctx, kinds, **_kw):
    if "lead" not in kinds:
        task = ctx.joint_task
        # A co-handling or called-in unit never phones the resident: its response (the response
        # rate's numerator) is signing in time.
        in_time = now <= task.sign_due
        conditional_update(Task, task, conflict=_("已被他人签收"), state=Task.State.SIGNED, signed_at=now,
                   signed_in_time=in_time, contacted_at=now, contacted_in_time=in_time)
        common.add_event(c, "sign", actor=user, from_status=c.status, note=note, task=task, at=now,
               data={"unit": task.unit_name})
        dispatching.refresh_rollup(task)
        return
    overdue = bool(c.sign_due and now > c.sign_due)
    probe_fields = dict(status=S.SIGNED, signed_at=now, sign_overdue=overdue)
    conditional_update(Complaint, c, conflict=_("已被他人签收"), next_check_at=common.next_check_after(c, now, **probe_fields), **probe_fields)
    task = dispatching.lead_task(c)
    if task:
        conditional_update(Task, task, conflict=_("已被他人签收"), state=Task.State.SIGNED, signed_at=now, signed_in_time=not overdue)
    common.add_event(c, "sign", actor=user, from_status=S.DISPATCHED, to_status=S.SIGNED, note=note, task=task, public=True, at=now)
    dispatching.refresh_rollup(task)


def _contact(c, *, user, note, now, method: str = "", made_at=None, person: str = "", result: str = "", **_kw):
    record = contact.contact_record(c, now, method=method, made_at=made_at, person=person, result=result)
    overdue = bool(c.contact_due and now > c.contact_due)
    fields = dict(status=S.IN_PROGRESS, contacted_at=now, contact_overdue=overdue)
    conditional_update(Complaint, c, conflict=MACHINE.conflict_text(), next_check_at=common.next_check_after(c, now, **fields), **fields)
    task = dispatching.lead_task(c)
    if task:
        conditional_update(Task, task, conflict=task_conflict(), contacted_at=now, contacted_in_time=not overdue, **record)
    data = {}
    if record:
        data = {"method": record["contact_method"], "made_at": record["contact_made_at"].isoformat(),
                "person": record["contact_person"], "result": record["contact_result"]}
    common.add_event(c, "contact", actor=user, from_status=S.SIGNED, to_status=S.IN_PROGRESS, note=note, task=task, at=now,
           public=True, data=data)
    dispatching.refresh_rollup(task)


def _reply(c, *, user, note, now, ctx, kinds, photos=(), **_kw):
    if "lead" not in kinds:
        task = ctx.joint_task
        conditional_update(Task, task, conflict=task_conflict(), state=Task.State.REPLIED, replied_at=now, reply=note, done_in_time=now <= task.due)
        ev = common.add_event(c, "reply", actor=user, from_status=c.status, note=note, task=task, at=now,
                    data={"unit": task.unit_name})
        dispatching.save_evidence(c, ev, photos)
        recipients.notify_unit(c.unit_kind, c.unit_id, c, _("联合执法单位已答复"),
                     _("%(unit)s 已答复诉求 %(code)s。") % {"unit": task.unit_name, "code": c.tracking_code},
                     key=f"joint-reply:{task.pk}")
        dispatching.refresh_rollup(task)
        return
    overdue = bool(c.resolve_due and now > c.resolve_due)
    fields = dict(status=S.REPLY_REVIEW, replied_at=now, reply=note, resolve_overdue=overdue)
    conditional_update(Complaint, c, conflict=MACHINE.conflict_text(), next_check_at=None, **fields)
    task = dispatching.lead_task(c)
    if task:
        conditional_update(Task, task, conflict=task_conflict(), state=Task.State.REPLIED, replied_at=now, reply=note, done_in_time=not overdue)
    ev = common.add_event(c, "reply", actor=user, from_status=S.IN_PROGRESS, to_status=S.REPLY_REVIEW, note=note,
                task=task, at=now)
    dispatching.save_evidence(c, ev, photos)
    recipients.notify_dispatchers(c, _("答复待审核"), _("诉求 %(code)s 已答复，请审核。") % {"code": c.tracking_code}, key=f"reply:{c.version}")
    dispatching.refresh_rollup(task)


def _approve_reply(c, *, user, note, now, public_reply: str = "", **_kw):
    text = (public_reply or "").strip() or c.reply
    conditional_update(Complaint, c, conflict=MACHINE.conflict_text(), status=S.REPLIED, published_at=now, public_reply=text)
    common.add_event(c, "approve_reply", actor=user, from_status=S.REPLY_REVIEW, to_status=S.REPLIED, note=text, public=True,
           at=now)
    recipients.notify_reporter(c, _("诉求已答复"),
                     _("您的诉求（查询码 %(code)s）已答复：%(reply)s 请点击链接评价办理结果。") % {
                         "code": c.tracking_code, "reply": text[:60]}, key=f"replied:{c.reopen_count}")


def _reject_reply(c, *, user, note, now, **_kw):
    fields = dict(status=S.IN_PROGRESS, replied_at=None, resolve_overdue=bool(c.resolve_due and now > c.resolve_due))
    conditional_update(Complaint, c, conflict=MACHINE.conflict_text(), next_check_at=common.next_check_after(c, now, **fields), **fields)
    task = dispatching.lead_task(c)
    if task:
        conditional_update(Task, task, conflict=task_conflict(), state=Task.State.SIGNED, replied_at=None, done_in_time=None)
    common.add_event(c, "reject_reply", actor=user, from_status=S.REPLY_REVIEW, to_status=S.IN_PROGRESS, note=note, task=task,
           at=now)
    recipients.notify_unit(c.unit_kind, c.unit_id, c, _("答复被退回"), _("诉求 %(code)s 的答复被退回：%(why)s") % {
        "code": c.tracking_code, "why": note}, key=f"reject-reply:{c.version}")
    dispatching.refresh_rollup(task)


def _callback(c, *, user, note, now, kinds, resolved=None, satisfaction: str = "", **_kw):
    resolved = common.as_bool(resolved)
    if resolved is None:
        raise ServiceError(_("请选择诉求是否已解决"))
    if satisfaction not in Satisfaction.values:
        raise ServiceError(_("请选择满意度：满意、基本满意或不满意"))
    good = resolved and satisfaction != Satisfaction.DISSATISFIED
    to = S.CLOSED if good else S.EVALUATED
    conditional_update(Complaint, c, conflict=MACHINE.conflict_text(), status=to, callback_resolved=resolved, satisfaction=satisfaction, callback_comment=note[:500],
          callback_at=now, closed_at=now if good else None)
    task = dispatching.lead_task(c)
    if task:
        conditional_update(Task, task, conflict=task_conflict(), resolved=resolved, satisfaction=satisfaction)
    if good:
        dispatching.close_tasks(c)
    label = _("诉求人") if "reporter" in kinds and "dispatcher" not in kinds else ""
    common.add_event(c, "callback", actor=user, label=label, from_status=S.REPLIED, to_status=to, note=note, public=True, at=now,
           data={"resolved": resolved, "satisfaction": satisfaction}, task=task)
    if good:
        recipients.notify_reporter(c, _("诉求已办结"), _("感谢您的评价，诉求 %(code)s 已办结。") % {"code": c.tracking_code},
                         key=f"closed:{c.reopen_count}")
    else:
        recipients.notify_dispatchers(c, _("回访未满意"), _("诉求 %(code)s 回访未解决或不满意，请复核是否重办。") % {"code": c.tracking_code},
                            key=f"evaluated:{c.reopen_count}")
    dispatching.refresh_rollup(task)


def _close(c, *, user, note, now, unreasonable=None, **_kw):
    unreasonable = bool(common.as_bool(unreasonable))
    if c.status == S.REPLIED and not note:
        raise ServiceError(_("未经回访直接办结，请说明原因（如多次联系诉求人未果）"))
    if unreasonable and not note:
        raise ServiceError(_("认定为不合理诉求须说明理由"))
    from_status = c.status
    conditional_update(Complaint, c, conflict=MACHINE.conflict_text(), status=S.CLOSED, closed_at=now, unreasonable=unreasonable or c.unreasonable)
    dispatching.close_tasks(c)
    if unreasonable:
        # rules.md §7: complaints ruled unreasonable are excluded from the unit metrics, audited.
        touched = list(Task.objects.filter(complaint=c))
        Task.objects.filter(complaint=c).update(excluded=True)
        audit_record(action=AuditAction.UPDATE, actor=user, obj=c, changes={"unreasonable": True},
                     detail=_("认定为不合理诉求，不计入考核：%(why)s") % {"why": note[:200]})
        for task in touched:
            dispatching.refresh_rollup(task)
    common.add_event(c, "close", actor=user, from_status=from_status, to_status=S.CLOSED, note=note, public=True, at=now,
           data={"unreasonable": unreasonable})
    recipients.notify_reporter(c, _("诉求已办结"), _("您的诉求（查询码 %(code)s）已办结。") % {"code": c.tracking_code},
                     key=f"closed:{c.reopen_count}")


def _reopen(c, *, user, note, now, **_kw):
    old = dispatching.lead_task(c)
    if old:
        conditional_update(Task, old, conflict=task_conflict(), state=Task.State.CLOSED, reopened=True)
    unit = get_unit(c.unit_kind, c.unit_id) or route(estate=c.estate, category=c.category)
    dispatching.dispatch(c, user, now, unit, note=note, action="reopen", extra=dict(
        reopen_count=c.reopen_count + 1, callback_resolved=None, satisfaction="", callback_comment="", callback_at=None,
        published_at=None, public_reply=c.public_reply))
    dispatching.refresh_rollup(old)


def _withdraw(c, *, user, note, now, kinds, **_kw):
    from_status = c.status
    conditional_update(Complaint, c, conflict=MACHINE.conflict_text(), status=S.WITHDRAWN, closed_at=now, next_check_at=None)
    dispatching.close_tasks(c)
    common.add_event(c, "withdraw", actor=user, label=_("诉求人"), from_status=from_status, to_status=S.WITHDRAWN, note=note,
           public=True, at=now)
    for task in Task.objects.filter(complaint=c):
        recipients.notify_unit(task.unit_kind, task.unit_id, c, _("诉求已撤回"), _("诉求 %(code)s 已由诉求人撤回。") % {
            "code": c.tracking_code}, key=f"withdrawn:{task.pk}")
        dispatching.refresh_rollup(task)


def _supervise(c, *, user, note, now, level=None, **_kw):
    try:
        level = int(level) if level not in (None, "") else c.supervision_level + 1
    except (TypeError, ValueError):
        raise ServiceError(_("请选择督办等级")) from None
    if level not in SupervisionLevel.values or level == SupervisionLevel.NONE:
        raise ServiceError(_("请选择督办等级"))
    if level <= c.supervision_level:
        raise ServiceError(_("该诉求已处于%(level)s，只能升级") % {"level": c.get_supervision_level_display()})
    conditional_update(Complaint, c, conflict=MACHINE.conflict_text(), supervision_level=level)
    Task.objects.filter(complaint=c, state__in=[Task.State.PENDING, Task.State.SIGNED]).update(
        urgency=(2 if c.emergency else 0) + level)
    common.add_event(c, "supervise", actor=user, from_status=c.status, note=note, at=now, data={"level": level, "manual": True})
    recipients.supervision_notify(c, level, note=note)


def _request_return(c, *, user, note, now, legal_basis: str = "", **_kw):
    legal_basis = (legal_basis or "").strip()
    if not legal_basis:
        raise ServiceError(_("退单须注明依据（法律法规或职责分工）"))
    task = dispatching.lead_task(c)
    from_status = c.status
    conditional_update(Complaint, c, conflict=MACHINE.conflict_text(), status=S.RETURN_REVIEW)
    Request.objects.create(complaint=c, task=task, kind=Request.Kind.RETURN, reason=note, legal_basis=legal_basis,
                           status_before=from_status, requested_by=user, requested_at=now)
    if task:
        conditional_update(Task, task, conflict=task_conflict(), returned=True)
    common.add_event(c, "request_return", actor=user, from_status=from_status, to_status=S.RETURN_REVIEW, note=note, task=task,
           at=now, data={"legal_basis": legal_basis})
    recipients.notify_dispatchers(c, _("退单待审核"), _("%(unit)s 申请退回诉求 %(code)s：%(why)s") % {
        "unit": c.unit_name, "code": c.tracking_code, "why": note[:60]}, key=f"return:{c.version}")
    dispatching.refresh_rollup(task)


def _pending(c: Complaint, kind: str) -> Request:
    req = Request.objects.filter(complaint=c, kind=kind, state=Request.State.PENDING).first()
    if req is None:
        raise ServiceError(_("没有待审核的申请"))
    return req


def _decide(req: Request, user, now, approve: bool, note: str) -> None:
    n = Request.objects.filter(pk=req.pk, state=Request.State.PENDING).update(
        state=Request.State.APPROVED if approve else Request.State.REJECTED, decided_by=user, decided_at=now,
        decision_note=note)
    if n != 1:
        raise ConflictError(_("该申请已被他人审核"))


def _decide_return(c, *, user, note, now, approve=None, unit=None, co_units=(), **_kw):
    approve = common.as_bool(approve)
    if approve is None:
        raise ServiceError(_("请选择同意或驳回退单"))
    req = _pending(c, Request.Kind.RETURN)
    if not approve and not note:
        raise ServiceError(_("驳回退单须说明理由"))
    _decide(req, user, now, approve, note)
    task = req.task
    if approve:
        # rules.md §7: an approved return ends the unit's clock; the case is dispatched anew.
        if task:
            conditional_update(Task, task, conflict=task_conflict(), state=Task.State.RETURNED)
        # Back at the desk, the complaint waits on the dispatch clock (nothing waits untimed).
        fields = dict(status=S.ACCEPTED, return_count=c.return_count + 1, **_desk_clock(c, now))
        conditional_update(Complaint, c, conflict=MACHINE.conflict_text(),
                           next_check_at=common.next_check_after(c, now, **fields), **fields)
        common.add_event(c, "decide_return", actor=user, from_status=S.RETURN_REVIEW, to_status=S.ACCEPTED, note=note, task=task,
               at=now, data={"approve": True})
        recipients.notify_unit(task.unit_kind if task else c.unit_kind, task.unit_id if task else c.unit_id, c, _("退单已同意"),
                     _("诉求 %(code)s 的退单申请已同意。") % {"code": c.tracking_code}, key=f"return-ok:{req.pk}")
        if unit:
            dispatching.dispatch(c, user, now, dispatching.unit_from_param(unit, c), co_units=co_units or (), note=note)
    else:
        # Rejection is final: the unit must handle the complaint (rules.md §7).
        back = req.status_before or S.IN_PROGRESS
        # The stages that ran before the return run again: the sweep must look at them.
        conditional_update(Complaint, c, conflict=MACHINE.conflict_text(), status=back, return_final=True, next_check_at=common.next_check_after(c, now, status=back))
        if task:
            conditional_update(Task, task, conflict=task_conflict(), returned=False)
        common.add_event(c, "decide_return", actor=user, from_status=S.RETURN_REVIEW, to_status=c.status, note=note, task=task,
               at=now, data={"approve": False})
        recipients.notify_unit(c.unit_kind, c.unit_id, c, _("退单被驳回"),
                     _("诉求 %(code)s 的退单申请被驳回（终局），请继续办理：%(why)s") % {"code": c.tracking_code, "why": note},
                     key=f"return-no:{req.pk}")
    dispatching.refresh_rollup(task)


def _request_extension(c, *, user, note, now, amount=None, unit: str = "", **_kw):
    try:
        amount = int(amount)
    except (TypeError, ValueError):
        raise ServiceError(_("请填写延长的时限")) from None
    if amount <= 0 or amount > 90:
        raise ServiceError(_("延长时限应在 1 到 90 之间"))
    unit = unit or PeriodUnit.WORKING_DAYS
    if unit not in PeriodUnit.values:
        raise ServiceError(_("请选择时限单位"))
    if c.resolve_due and now > c.resolve_due:
        raise ServiceError(_("已超过办结期限，不能再申请延期"))
    Request.objects.create(complaint=c, task=dispatching.lead_task(c), kind=Request.Kind.EXTENSION, reason=note, amount=amount,
                           unit=unit, status_before=c.status, requested_by=user, requested_at=now)
    conditional_update(Complaint, c, conflict=MACHINE.conflict_text())
    common.add_event(c, "request_extension", actor=user, from_status=c.status, note=note, at=now,
           data={"amount": amount, "unit": unit})
    recipients.notify_dispatchers(c, _("延期待审核"), _("%(unit)s 申请延期办理诉求 %(code)s。") % {
        "unit": c.unit_name, "code": c.tracking_code}, key=f"extension:{c.version}")


def _decide_extension(c, *, user, note, now, approve=None, **_kw):
    approve = common.as_bool(approve)
    if approve is None:
        raise ServiceError(_("请选择同意或驳回延期"))
    req = _pending(c, Request.Kind.EXTENSION)
    _decide(req, user, now, approve, note)
    data = {"approve": approve}
    if approve:
        new_due = add_period(c.resolve_due, req.amount, req.unit)
        fields = dict(resolve_due=new_due, extension_count=c.extension_count + 1,
                      resolve_overdue=False if new_due > now else c.resolve_overdue)
        conditional_update(Complaint, c, conflict=MACHINE.conflict_text(), next_check_at=common.next_check_after(c, now, **fields), **fields)
        task = req.task or dispatching.lead_task(c)
        if task:
            conditional_update(Task, task, conflict=task_conflict(), due=new_due)
        data["resolve_due"] = new_due.isoformat()
        recipients.notify_reporter(c, _("诉求办理期限延长"), _("您的诉求（查询码 %(code)s）经批准延期办理，新的办结期限为 %(due)s。") % {
            "code": c.tracking_code, "due": local_text(new_due)},
            key=f"extended:{req.pk}")
    else:
        conditional_update(Complaint, c, conflict=MACHINE.conflict_text())
    common.add_event(c, "decide_extension", actor=user, from_status=c.status, note=note, at=now, data=data, public=approve)
    recipients.notify_unit(c.unit_kind, c.unit_id, c, _("延期审核结果"),
                 _("诉求 %(code)s 的延期申请%(r)s。") % {"code": c.tracking_code, "r": _("已同意") if approve else _("被驳回")},
                 key=f"extension-decided:{req.pk}")


def _call_departments(c, *, user, note, now, departments=(), amount=None, unit: str = "", **_kw):
    """吹哨报到 (rules.md §7): each department called in gets its own task, clock and reply."""
    ids = []
    for d in departments or ():
        try:
            ids.append(int(d))
        except (TypeError, ValueError):
            raise ServiceError(_("请选择有效的职能部门")) from None
    if not ids:
        raise ServiceError(_("请至少选择一个职能部门"))
    depts = list(Department.objects.filter(pk__in=ids, district_id=c.district_id))
    if len(depts) != len(set(ids)):
        raise ServiceError(_("只能召集诉求所在区县的职能部门"))
    due = None
    if amount:
        try:
            due = add_period(now, int(amount), unit or PeriodUnit.WORKING_DAYS)
        except (TypeError, ValueError):
            raise ServiceError(_("请填写有效的办理时限")) from None
    open_units = set(
        Task.objects.filter(complaint=c, state__in=[Task.State.PENDING, Task.State.SIGNED]).values_list("unit_kind", "unit_id")
    )
    names = []
    for d in depts:
        if (UnitKind.DEPARTMENT, d.pk) in open_units:
            continue
        task = dispatching.start_task(c, Unit(UnitKind.DEPARTMENT, d.pk, d.name), Task.Role.JOINT, now, user=user, due=due)
        names.append(d.name)
        recipients.notify_unit(UnitKind.DEPARTMENT, d.pk, c, _("吹哨报到"),
                     _("%(caller)s 召集贵单位联合处置诉求 %(code)s，请在 %(due)s 前答复。") % {
                         "caller": user.unit_label, "code": c.tracking_code,
                         "due": local_text(task.due, "%m-%d %H:%M")}, key=f"joint:{task.pk}")
        dispatching.refresh_rollup(task)
    if not names:
        raise ServiceError(_("所选部门已在办理该诉求"))
    conditional_update(Complaint, c, conflict=MACHINE.conflict_text())
    common.add_event(c, "call_departments", actor=user, from_status=c.status, note=note, at=now, public=True,
           data={"departments": names})


HANDLERS = {
    "accept": _accept,
    "refuse": _refuse,
    "duplicate": _duplicate,
    "dispatch": _dispatch_action,
    "sign": _sign,
    "contact": _contact,
    "reply": _reply,
    "approve_reply": _approve_reply,
    "reject_reply": _reject_reply,
    "callback": _callback,
    "close": _close,
    "reopen": _reopen,
    "request_return": _request_return,
    "decide_return": _decide_return,
    "request_extension": _request_extension,
    "decide_extension": _decide_extension,
    "withdraw": _withdraw,
    "call_departments": _call_departments,
    "supervise": _supervise,
    "request_callback": contact.request_callback,
}
assert set(HANDLERS) == set(TRANSITIONS)



def bulk_sign(*, user, complaint_ids) -> tuple[int, list[str]]:
    """Sign several dispatched complaints at once (issue §13). Returns (signed, messages)."""
    signed, errors = 0, []
    for c in complaints_visible_to(user).filter(pk__in=list(complaint_ids)[:200]):
        try:
            complaint_act(user=user, complaint=c, action="sign")
            signed += 1
        except ServiceError as exc:
            errors.append(f"{c.tracking_code}：{exc.messages[0]}")
    return signed, errors

