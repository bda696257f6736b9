"""Every write of the supervision of owners' committees and owners' oversight (issue 19 §3–6):
keyword-only arguments, one transaction, an audit row, outbox messages; decisions and questions
move only through ``workflow.DECISION`` and ``workflow.QUESTION``."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.selectors import committee_users, owner_users, unit_users
from wuye.core.audit import audit_record
from wuye.core.calendar import PeriodUnit, add_period, period_last_day
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditAction
from wuye.core.workflow import SYSTEM
from wuye.governance.models import Matter, Motion
from wuye.notifications.services import Message, notify_many
from wuye.registry import services as registry
from wuye.registry.models import CommitteeMember, Owner, OwnersCommittee

from . import selectors as sel
from .models import (
    CommitteeDecision,
    CommitteeMatter,
    CommitteeMeeting,
    CommitteeSettings,
    ConflictDeclaration,
    GuidanceOpinion,
    MemberChange,
    OwnerQuestion,
)
from .workflow import DECISION, QUESTION

D = CommitteeDecision.Status
OPINION_TARGET = {GuidanceOpinion.Opinion.AGREE: D.AGREED, GuidanceOpinion.Opinion.ADVISE: D.ADVISED,
                  GuidanceOpinion.Opinion.OBJECT: D.OBJECTED}


def assembly_matter_refusal(matter: str) -> str | None:
    """民法典 第二百七十八条: the matters of its first paragraph are decided by the owners together
    (the assembly), never by the committee. The list is the votes' one (``governance.models.Matter``)."""
    if matter in Matter.values:
        return _("“%(m)s”属于《民法典》第二百七十八条规定由业主共同决定的事项，业主委员会无权作出决定，"
                 "须提请业主大会表决（请在“业主大会表决”中发起表决并关联）。") % {"m": Matter(matter).label}
    if matter not in CommitteeMatter.values:
        return _("请选择决定的事项类别")
    return None


def _officials(estate) -> list:
    return list(unit_users("community", estate.community_id)) + list(unit_users("street", estate.street_id))


def _url(d: CommitteeDecision) -> str:
    return reverse("governance:cgov_decision_detail", args=[d.pk])


# ---- meetings and decisions -------------------------------------------------------------------


def _own_committee(actor) -> OwnersCommittee:
    committee = sel.committee_of(actor)
    if committee is None or not sel.can_record(actor):
        raise ServiceError(_("只有现任业主委员会成员可以登记会议和决定"))
    return committee


@transaction.atomic
def meeting_record(*, actor, held_on: date, title: str, attendees: str, minutes: str, attachment=None) -> CommitteeMeeting:
    committee = _own_committee(actor)
    if held_on > timezone.localdate():
        raise ServiceError(_("会议日期不能晚于今天"))
    m = CommitteeMeeting(committee=committee, estate_id=committee.estate_id, held_on=held_on, title=title.strip(),
                         attendees=attendees.strip(), minutes=minutes.strip(), recorded_by=actor)
    if attachment:
        m.attachment = attachment
    m.save()
    audit_record(action=AuditAction.CREATE, actor=actor, obj=m, changes={"held_on": held_on, "title": m.title})
    return m


@transaction.atomic
def decision_record(*, actor, title: str, body: str, matter: str, decided_on: date,
                    meeting: CommitteeMeeting | None = None, number: str = "") -> CommitteeDecision:
    """Record a committee decision; refused for the matters of 民法典 第二百七十八条 (those go to the
    owners' assembly as a vote). The review period (``CommitteeSettings.review_days`` in its unit,
    working days by default) runs from the day it is recorded."""
    committee = _own_committee(actor)
    refusal = assembly_matter_refusal(matter)
    if refusal:
        raise ServiceError({"matter": [refusal]})
    today = timezone.localdate()
    if decided_on > today:
        raise ServiceError({"decided_on": [_("决定日期不能晚于今天")]})
    if meeting is not None and meeting.committee_id != committee.pk:
        raise ServiceError(_("只能关联本届业委会的会议"))
    s = CommitteeSettings.current()
    d = CommitteeDecision.objects.create(
        committee=committee, estate_id=committee.estate_id, meeting=meeting, number=number.strip(), title=title.strip(),
        body=body.strip(), matter=matter, decided_on=decided_on, review_due=period_last_day(today, s.review_days, s.review_unit),
        recorded_by=actor)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=d, changes={"title": d.title, "matter": matter})
    estate = committee.estate
    notify_many([Message(subject=_("业委会决定待审查"),
                         body=_("%(estate)s 业主委员会登记了决定“%(t)s”，请于 %(due)s 前出具指导意见。") % {
                             "estate": estate.name, "t": d.title, "due": d.review_due.isoformat()},
                         users=_officials(estate), url=_url(d), category="committee",
                         dedup_key=f"committee:decision:{d.pk}:recorded")])
    return d


def decision_review(*, actor, decision: CommitteeDecision, opinion: str, reasons: str = "") -> GuidanceOpinion:
    """The community's or street's guidance opinion: agree, advise changes or object (with reasons)."""
    if opinion not in OPINION_TARGET:
        raise ServiceError(_("请选择指导意见"))
    reasons = (reasons or "").strip()
    if opinion != GuidanceOpinion.Opinion.AGREE and not reasons:
        raise ServiceError(_("建议修改或反对须说明理由"))
    now = timezone.now()
    unit = actor.unit_label or actor.get_role_display()
    with transaction.atomic():
        DECISION.apply(decision, "review", actor=actor, kinds=sel.decision_actor_kinds(actor, decision), note=reasons,
                       target=OPINION_TARGET[opinion], reviewed_at=now)
        op = GuidanceOpinion.objects.create(decision=decision, opinion=opinion, reasons=reasons, unit_name=str(unit)[:100],
                                            given_by=actor, given_at=now)
        notify_many([Message(subject=_("业委会决定的指导意见"),
                             body=_("“%(t)s”：%(o)s %(r)s") % {"t": decision.title, "o": op.get_opinion_display(), "r": reasons},
                             users=list(committee_users(decision.estate_id)), url=_url(decision), category="committee")])
    return op


def decision_order_correction(*, actor, decision: CommitteeDecision, reason: str, due: date | None = None) -> CommitteeDecision:
    """The street orders a decision that breaches the law or the management statute corrected
    (责令改正), with a deadline (``CommitteeSettings.correction_days`` by default)."""
    today = timezone.localdate()
    due = due or period_last_day(today, CommitteeSettings.current().correction_days, PeriodUnit.CALENDAR_DAYS)
    if due <= today:
        raise ServiceError(_("改正期限须晚于今天"))
    with transaction.atomic():
        DECISION.apply(decision, "order_correction", actor=actor, kinds=sel.decision_actor_kinds(actor, decision),
                       note=reason, correction_reason=(reason or "").strip(), correction_due=due, correction_answer="")
        notify_many([Message(subject=_("责令改正通知"),
                             body=_("“%(t)s”被责令改正，请于 %(due)s 前答复：%(r)s") % {"t": decision.title, "due": due.isoformat(),
                                                                               "r": reason},
                             users=list(committee_users(decision.estate_id)) + list(unit_users("community", decision.estate.community_id)),
                             url=_url(decision), category="committee", channels=("inapp", "sms"))])
    return decision


def decision_answer_correction(*, actor, decision: CommitteeDecision, answer: str) -> CommitteeDecision:
    with transaction.atomic():
        DECISION.apply(decision, "answer_correction", actor=actor, kinds=sel.decision_actor_kinds(actor, decision),
                       note=answer, correction_answer=(answer or "").strip())
        notify_many([Message(subject=_("业委会答复改正情况"), body=f"{decision.title}：{answer[:120]}",
                             users=_officials(decision.estate), url=_url(decision), category="committee")])
    return decision


def decision_act(*, actor, decision: CommitteeDecision, action: str, note: str = "") -> CommitteeDecision:
    """The remaining actions: ``accept_correction`` (street), ``withdraw`` (committee)."""
    if action not in ("accept_correction", "withdraw"):
        raise ServiceError(_("不支持的操作"))
    with transaction.atomic():
        DECISION.apply(decision, action, actor=actor, kinds=sel.decision_actor_kinds(actor, decision), note=note)
        users = list(committee_users(decision.estate_id)) if action == "accept_correction" else _officials(decision.estate)
        notify_many([Message(subject=_("业委会决定：%(a)s") % {"a": DECISION.label(action)}, body=decision.title,
                             users=users, url=_url(decision), category="committee")])
    return decision


# ---- committee conduct ------------------------------------------------------------------------


@transaction.atomic
def member_change_record(*, actor, committee: OwnersCommittee, kind: str, legal_basis: str, effective_on: date,
                         member: CommitteeMember | None = None, motion: Motion | None = None,
                         substitute_name: str = "", substitute_owner: Owner | None = None,
                         substitute_party: bool = False) -> MemberChange:
    """A member leaves (resignation; removal by the assembly — 民法典 第二百七十八条 (三), which needs
    the assembly's vote) or a substitute takes a seat (递补), with its legal basis. The roster is the
    registry's: the leaving member is removed there, the substitute added there."""
    if not sel.can_change_committee(actor, committee):
        raise ServiceError(_("您无权登记该业主委员会的委员变动"))
    K = MemberChange.Kind  # noqa: E741
    if not (legal_basis or "").strip():
        raise ServiceError({"legal_basis": [_("请填写变动依据")]})
    change = MemberChange(committee=committee, kind=kind, legal_basis=legal_basis.strip(), effective_on=effective_on,
                          recorded_by=actor)
    if kind in (K.RESIGNATION, K.REMOVAL):
        if member is None or member.committee_id != committee.pk:
            raise ServiceError({"member": [_("请选择本届业委会的委员")]})
        if kind == K.REMOVAL:
            ok = (motion is not None and motion.estate_id == committee.estate_id
                  and motion.matter == Matter.COMMITTEE_ELECTION and motion.status == Motion.Status.CLOSED
                  and bool((motion.final_result or {}).get("passed")))
            if not ok:
                raise ServiceError({"motion": [_("罢免委员须经业主大会表决通过（民法典第二百七十八条第一款第三项），"
                                                 "请关联本小区已通过的“更换业主委员会成员”表决")]})
            change.motion = motion
        change.member_name = member.name
        registry.committee_member_remove(actor=actor, member=member)
    elif kind == K.SUBSTITUTION:
        if not (substitute_name or "").strip():
            raise ServiceError({"substitute_name": [_("请填写递补委员姓名")]})
        seat = registry.committee_member_add(actor=actor, committee=committee, name=substitute_name,
                                             position=CommitteeMember.Position.MEMBER, is_party_member=substitute_party,
                                             owner=substitute_owner)
        change.substitute, change.substitute_name = seat, seat.name
    else:
        raise ServiceError(_("请选择变动类型"))
    change.save()
    audit_record(action=AuditAction.CREATE, actor=actor, obj=change,
                 changes={"kind": kind, "member": change.member_name, "substitute": change.substitute_name})
    return change


@transaction.atomic
def conflict_declare(*, actor, member: CommitteeMember, kind: str, detail: str, declared_on: date | None = None,
                     company=None) -> ConflictDeclaration:
    """A member's conflict of interest with the serving company (employed by it, a contract with
    it…): declared, and shown to the street."""
    committee = member.committee
    if not sel.can_change_committee(actor, committee):
        raise ServiceError(_("您无权登记该委员的利益冲突"))
    if kind not in ConflictDeclaration.Kind.values:
        raise ServiceError({"kind": [_("请选择利益关系")]})
    if not (detail or "").strip():
        raise ServiceError({"detail": [_("请说明利益关系")]})
    c = ConflictDeclaration.objects.create(committee=committee, member=member, kind=kind, detail=detail.strip(),
                                           declared_on=declared_on or timezone.localdate(),
                                           company=company or committee.estate.company, recorded_by=actor)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=c, changes={"member": member.pk, "kind": kind})
    notify_many([Message(subject=_("业委会委员利益冲突申报"),
                         body=_("%(estate)s 业委会委员 %(name)s：%(k)s") % {"estate": committee.estate.name, "name": member.name,
                                                                       "k": c.get_kind_display()},
                         users=list(unit_users("street", committee.estate.street_id)),
                         url=reverse("governance:cgov_committee_detail", args=[committee.pk]), category="committee")])
    return c


# ---- owners' questions ------------------------------------------------------------------------


@transaction.atomic
def question_ask(*, actor, decision: CommitteeDecision, kind: str, text: str) -> OwnerQuestion:
    """A verified owner of the estate raises a question or an objection on a decision; the
    committee must answer within ``CommitteeSettings.answer_days`` (working days by default)."""
    if not sel.can_ask(actor, decision):
        raise ServiceError(_("只有本小区经核验的业主可以提出质询或异议"))
    if kind not in OwnerQuestion.Kind.values:
        raise ServiceError({"kind": [_("请选择质询或异议")]})
    if not (text or "").strip():
        raise ServiceError({"text": [_("请填写内容")]})
    s = CommitteeSettings.current()
    now = timezone.now()
    q = OwnerQuestion.objects.create(decision=decision, estate_id=decision.estate_id, owner_id=actor.owner_id,
                                     asked_by=actor, kind=kind, text=text.strip(),
                                     due_at=add_period(now, s.answer_days, s.answer_unit))
    audit_record(action=AuditAction.CREATE, actor=actor, obj=q, changes={"decision": decision.pk, "kind": kind})
    notify_many([Message(subject=_("业主对业委会决定提出%(k)s") % {"k": q.get_kind_display()},
                         body=_("“%(t)s”：%(x)s") % {"t": decision.title, "x": q.text[:120]},
                         users=list(committee_users(decision.estate_id)) + list(unit_users("community", decision.estate.community_id)),
                         url=_url(decision), category="committee")])
    return q


def question_answer(*, actor, question: OwnerQuestion, answer: str) -> OwnerQuestion:
    with transaction.atomic():
        QUESTION.apply(question, "answer", actor=actor, kinds=sel.question_actor_kinds(actor, question), note=answer,
                       answer=(answer or "").strip(), answered_at=timezone.now())
        users = list(owner_users(owner_ids=[question.owner_id]))
        if question.escalated_at:
            users += list(unit_users("street", question.estate.street_id))
        notify_many([Message(subject=_("业委会已答复您的%(k)s") % {"k": question.get_kind_display()}, body=answer[:200],
                             users=users, url=_url(question.decision), category="committee")])
    return question


def questions_escalate(*, now: datetime | None = None) -> int:
    """Send every question past its answer deadline to the street (and tell the community). The
    conditional UPDATE of the core machine claims each one: running twice escalates once."""
    now = now or timezone.now()
    n = 0
    for q in OwnerQuestion.objects.filter(status=OwnerQuestion.Status.OPEN, due_at__lt=now).select_related("estate", "decision"):
        try:
            with transaction.atomic():
                QUESTION.apply(q, "escalate", actor=None, kinds={SYSTEM}, audit_username="system", escalated_at=now,
                               messages=[Message(subject=_("业主质询逾期未答复"),
                                                 body=_("%(estate)s 业委会未在期限内答复业主对“%(t)s”的%(k)s。") % {
                                                     "estate": q.estate.name, "t": q.decision.title, "k": q.get_kind_display()},
                                                 users=_officials(q.estate), url=_url(q.decision), category="committee",
                                                 dedup_key=f"committee:question:{q.pk}:escalated")])
        except ConflictError:
            continue
        n += 1
    return n
