"""Every write of Party building and joint meetings (issue 19 §1–2): one transaction, an audit
row, outbox messages; follow-up items move only through ``workflow.FOLLOWUP``."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.selectors import committee_users, company_users, unit_users
from wuye.core.audit import audit_record
from wuye.core.calendar import DAY, local_text
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction
from wuye.notifications.services import Message, notify_many
from wuye.registry.models import Estate, Owner, Ownership

from . import selectors as sel
from .models import FollowUp, JointMeeting, MeetingFlag, PartyMember, PartyOrganisation, PartySettings
from .workflow import FOLLOWUP, OPEN_STATUSES

MAX_DECISIONS = 20


def _refuse_unless(ok: bool, text: str) -> None:
    if not ok:
        raise ServiceError(text)


# ---- Party organisations ----------------------------------------------------------------------


@transaction.atomic
def organisation_create(*, actor, level: str, name: str, community, secretary_name: str, secretary_phone: str = "",
                        parent: PartyOrganisation | None = None, estates=(), founded_on: date | None = None,
                        secretary=None) -> PartyOrganisation:
    """Register a community Party organisation or an estate branch (支部建在小区上). A branch is
    linked to its community's Party organisation and covers estates of that community only."""
    _refuse_unless(sel.manageable_communities(actor).filter(pk=community.pk).exists(),
                   _("您无权在该社区登记党组织"))
    estates = list(estates)
    L = PartyOrganisation.Level  # noqa: E741
    if level == L.ESTATE:
        if parent is None or parent.level != L.COMMUNITY or parent.community_id != community.pk:
            raise ServiceError(_("小区党支部须隶属于本社区的社区党组织"))
        if not estates:
            raise ServiceError(_("请选择党支部覆盖的小区"))
    elif parent is not None:
        raise ServiceError(_("社区党组织没有上级社区党组织"))
    if any(e.community_id != community.pk for e in estates):
        raise ServiceError(_("覆盖的小区须属于本社区"))
    org = PartyOrganisation.objects.create(level=level, name=name.strip(), community=community, parent=parent,
                                           secretary_name=secretary_name.strip(), secretary_phone=secretary_phone.strip(),
                                           founded_on=founded_on, secretary=secretary)
    if estates:
        org.estates.set(estates)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=org,
                 changes={"level": level, "name": org.name, "estates": [e.pk for e in estates]})
    return org


@transaction.atomic
def party_member_add(*, actor, organisation: PartyOrganisation, owner: Owner, consent_on: date | None,
                     joined_on: date | None = None) -> PartyMember:
    """Record an owner as a Party member of a branch, only with their consent (个人信息保护法 第二十九条:
    separate consent for sensitive personal data); the owner must own a home the branch covers."""
    _refuse_unless(sel.can_change_organisation(actor, organisation), _("您无权登记该党组织的党员"))
    if consent_on is None:
        raise ServiceError(_("须取得本人书面同意后方可登记党员业主信息，请填写本人同意日期"))
    covered = Ownership.objects.filter(owner=owner, estate__in=organisation.estates.all())
    if organisation.level == PartyOrganisation.Level.COMMUNITY:
        covered = Ownership.objects.filter(owner=owner, estate__community_id=organisation.community_id)
    if not covered.exists():
        raise ServiceError(_("该业主在本党组织覆盖的小区内没有登记房屋"))
    try:
        with transaction.atomic():
            m = PartyMember.objects.create(organisation=organisation, owner=owner, consent_on=consent_on,
                                           joined_on=joined_on, recorded_by=actor)
    except IntegrityError:
        raise ServiceError(_("该业主已登记为本党组织党员")) from None
    audit_record(action=AuditAction.CREATE, actor=actor, obj=m, changes={"organisation": organisation.pk, "owner": owner.pk})
    return m


@transaction.atomic
def party_member_remove(*, actor, member: PartyMember) -> None:
    """Remove a Party member (e.g. when the owner withdraws consent)."""
    _refuse_unless(sel.can_change_organisation(actor, member.organisation), _("您无权变更该党组织的党员"))
    audit_record(action=AuditAction.DELETE, actor=actor, obj=member, changes={"owner": member.owner_id})
    member.delete()


# ---- joint meetings ---------------------------------------------------------------------------


def _owner_users(meeting: JointMeeting, owner_unit: str):
    O = FollowUp.Owner  # noqa: E741
    if owner_unit == O.COMPANY:
        return company_users(meeting.company_id)
    if owner_unit == O.COMMITTEE:
        return committee_users(meeting.estate_id)
    if owner_unit == O.COMMUNITY:
        return unit_users("community", meeting.community_id)
    return unit_users("street", meeting.street_id)


@transaction.atomic
def meeting_record(*, actor, estate: Estate, held_at: datetime, agenda: str, attendees: str, minutes: str,
                   decisions: list[dict], place: str = "", street_invited: bool = False,
                   departments_invited: str = "") -> JointMeeting:
    """Record a three-party joint meeting (社区党组织、业主委员会、物业服务企业) and turn each
    decision into a follow-up item with its owner unit and deadline. ``decisions``: dicts with
    ``decision``, ``owner_unit`` (``FollowUp.Owner``) and ``deadline`` (a date)."""
    _refuse_unless(sel.can_record_for(actor, estate), _("您无权为该小区记录三方联席会议"))
    if held_at > timezone.now() + timedelta(minutes=5):
        raise ServiceError(_("会议召开时间不能晚于现在"))
    for text, label in ((agenda, _("议题")), (attendees, _("参会人员")), (minutes, _("会议纪要"))):
        if not (text or "").strip():
            raise ServiceError(_("请填写%(f)s") % {"f": label})
    decisions = [d for d in decisions if (d.get("decision") or "").strip()]
    if len(decisions) > MAX_DECISIONS:
        raise ServiceError(_("一次会议最多记录 %(n)s 项决定") % {"n": MAX_DECISIONS})
    committee = estate.committees.filter(is_current=True).first()
    org = (PartyOrganisation.objects.filter(active=True, community_id=estate.community_id,
                                            level=PartyOrganisation.Level.COMMUNITY).order_by("id").first())
    held_day = timezone.localtime(held_at).date()
    for d in decisions:
        if d.get("owner_unit") not in FollowUp.Owner.values:
            raise ServiceError(_("请为每项决定选择责任单位"))
        if d["owner_unit"] == FollowUp.Owner.COMPANY and not estate.company_id:
            raise ServiceError(_("该小区没有物业服务企业，不能由企业负责"))
        if d["owner_unit"] == FollowUp.Owner.COMMITTEE and committee is None:
            raise ServiceError(_("该小区没有现任业主委员会，不能由业委会负责"))
        if not d.get("deadline") or d["deadline"] < held_day:
            raise ServiceError(_("决定的办结期限不能早于会议日期"))
    meeting = JointMeeting.objects.create(
        estate=estate, community_id=estate.community_id, street_id=estate.street_id, district_id=estate.district_id,
        company_id=estate.company_id, committee=committee, organisation=org, held_at=held_at, place=place.strip(),
        agenda=agenda.strip(), attendees=attendees.strip(), minutes=minutes.strip(), street_invited=street_invited,
        departments_invited=departments_invited.strip(), recorded_by=actor)
    items = FollowUp.objects.bulk_create([
        FollowUp(meeting=meeting, number=i, decision=d["decision"].strip(), owner_unit=d["owner_unit"],
                 deadline=d["deadline"]) for i, d in enumerate(decisions, start=1)])
    audit_record(action=AuditAction.CREATE, actor=actor, obj=meeting,
                 changes={"estate": estate.pk, "held_at": held_at, "decisions": len(items)})
    url = reverse("governance:party_meeting_detail", args=[meeting.pk])
    notify_many([Message(subject=_("三方联席会议交办事项"),
                         body=_("%(estate)s %(day)s 三方联席会议决定：%(text)s，请于 %(due)s 前办结。") % {
                             "estate": estate.name, "day": local_text(held_at, DAY), "text": f.decision[:80],
                             "due": f.deadline.isoformat()},
                         users=list(_owner_users(meeting, f.owner_unit)), url=url, category="party",
                         dedup_key=f"party:followup:{f.pk}:assigned") for f in items])
    return meeting


def followup_act(*, actor, followup: FollowUp, action: str, note: str = "") -> FollowUp:
    """Take ``action`` (start, complete, reopen, cancel) on a follow-up item."""
    kinds = sel.followup_actor_kinds(actor, followup)
    fields: dict = {}
    if action == "complete":
        fields = {"result": note.strip(), "done_at": timezone.now()}
    elif action == "reopen":
        fields = {"done_at": None}
    m = followup.meeting
    with transaction.atomic():
        FOLLOWUP.apply(followup, action, actor=actor, kinds=kinds, note=note, **fields)
        if action in ("complete", "reopen", "cancel"):
            users = list(unit_users("community", m.community_id))
            if action == "reopen":
                users = list(_owner_users(m, followup.owner_unit))
            notify_many([Message(subject=_("联席会议跟办事项：%(a)s") % {"a": FOLLOWUP.label(action)},
                                 body=f"{m.estate.name}：{followup.decision[:80]}",
                                 users=users, url=reverse("governance:party_meeting_detail", args=[m.pk]),
                                 category="party")])
    return followup


# ---- periodic work: reminders and the quarterly flag ----------------------------------------


def followups_remind(*, today: date | None = None) -> int:
    """Remind the owner units of items due within the set days, and tell them and the community
    once an item is overdue. Each item is claimed by a conditional UPDATE of its reminder stamp,
    so running twice (or on two workers) sends each message once."""
    today = today or timezone.localdate()
    days = PartySettings.current().followup_reminder_days
    now = timezone.now()
    sent = 0
    base = FollowUp.objects.filter(status__in=OPEN_STATUSES).select_related("meeting__estate")
    for f in base.filter(reminded_at__isnull=True, deadline__lte=today + timedelta(days=days), deadline__gte=today):
        if FollowUp.objects.filter(pk=f.pk, reminded_at__isnull=True).update(reminded_at=now) != 1:
            continue
        m = f.meeting
        notify_many([Message(subject=_("联席会议跟办事项即将到期"),
                             body=_("%(estate)s：%(text)s，期限 %(due)s。") % {"estate": m.estate.name, "text": f.decision[:80],
                                                                           "due": f.deadline.isoformat()},
                             users=list(_owner_users(m, f.owner_unit)), category="party",
                             url=reverse("governance:party_meeting_detail", args=[m.pk]),
                             dedup_key=f"party:followup:{f.pk}:due")])
        sent += 1
    for f in base.filter(overdue_notified_at__isnull=True, deadline__lt=today):
        if FollowUp.objects.filter(pk=f.pk, overdue_notified_at__isnull=True).update(overdue_notified_at=now) != 1:
            continue
        m = f.meeting
        users = list(_owner_users(m, f.owner_unit)) + list(unit_users("community", m.community_id))
        notify_many([Message(subject=_("联席会议跟办事项已逾期"),
                             body=_("%(estate)s：%(text)s，期限 %(due)s 已过。") % {"estate": m.estate.name, "text": f.decision[:80],
                                                                             "due": f.deadline.isoformat()},
                             users=users, category="party", url=reverse("governance:party_meeting_detail", args=[m.pk]),
                             dedup_key=f"party:followup:{f.pk}:overdue")])
        sent += 1
    return sent


def meeting_flags_sweep(*, today: date | None = None) -> int:
    """Flag to its community and street every estate that held no joint meeting in the last
    complete period (a quarter by default, ``PartySettings.meeting_period_months``). One
    ``MeetingFlag`` row per estate and period makes the sweep idempotent."""
    today = today or timezone.localdate()
    start, end = sel.last_complete_period(today)
    now = timezone.now()
    flagged = 0
    for estate in sel.estates_without_meeting(start, end).select_related("community", "street"):
        try:
            with transaction.atomic():
                MeetingFlag.objects.create(estate=estate, period_start=start, period_end=end, notified_at=now)
                users = list(unit_users("community", estate.community_id)) + list(unit_users("street", estate.street_id))
                notify_many([Message(subject=_("小区未按期召开三方联席会议"),
                                     body=_("%(estate)s 在 %(start)s 至 %(end)s 期间未召开三方联席会议。") % {
                                         "estate": estate.name, "start": start.isoformat(), "end": end.isoformat()},
                                     users=users, category="party", url=reverse("governance:party_flags"),
                                     dedup_key=f"party:flag:{estate.pk}:{start.isoformat()}")])
        except IntegrityError:
            continue
        flagged += 1
    return flagged

