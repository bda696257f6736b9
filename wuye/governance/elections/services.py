"""Writes for owners' committee elections (issue 5 item 7; rules.md §1).

The street office or the community of the estate opens an election (5–11 seats, an odd number;
term ≤ 5 years); owners of the estate are nominated (Party membership recorded); the community
Party organisation vets each candidate; the vote is started (linked to a ``committee_election``
motion when voting dates are given); the result is declared from the assembly's minutes (each
approved candidate's yes area and heads): the assembly counts only when owners holding two-thirds
or more of the exclusive area and two-thirds or more of the heads took part (民法典 第二百七十八条
第二款), elected are those with more than half of the participating area AND heads (ordinary
matter), their number must be 5–11 and odd; they become the estate's new current committee. The
committee is filed with the street office or district within ``filing_days`` (default 30) days,
counted by the period rules (``filing_deadline``).

Every transition goes through the machine of ``elections/workflow.py`` (conditional UPDATE on the
old status, an ``ElectionEvent``, an audit row); notifications go through the outbox in the same
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.selectors import committee_users, district_officials, unit_users
from wuye.core.audit import audit_record
from wuye.core.calendar import add_months, add_years, period_last_day
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction
from wuye.core.money import round_half_up
from wuye.core.workflow import conditional_update
from wuye.governance.models import (
    Candidate,
    CommitteeReminder,
    Election,
    ElectionEvent,
    GovernanceSettings,
    Matter,
)
from wuye.governance.votes.services import motion_call
from wuye.governance.votes.tally import HALF, exceeds, quorum
from wuye.notifications.services import notify
from wuye.registry import services as registry
from wuye.registry.models import CommitteeMember, Estate, Owner, OwnersCommittee, Ownership

from .selectors import actor_kinds, can_organise
from .workflow import ELECTION

S = Election.Status
V = Candidate.Vetting

OPEN_STATUSES = (S.NOMINATING, S.VOTING)


# ---------------------------------------------------------------- rules and helpers


def _now() -> datetime:
    return timezone.now()


def _url(election: Election) -> str:
    return reverse("governance:election_detail", args=[election.pk])


def filing_deadline(elected_on: date, days: int | None = None) -> date:
    """The last day to file a committee elected on ``elected_on``: within ``filing_days`` days
    (rules.md §1; default 30), counted as a period — the election day is not counted, and a last
    day on a rest day moves to the next working day (民法典 第二百零一条、第二百零三条; rules.md §7)."""
    if days is None:
        days = GovernanceSettings.current().filing_days
    return period_last_day(elected_on, days)


def check_seats(seats: int, gs: GovernanceSettings | None = None) -> None:
    """rules.md §1: a committee has 5–11 members, an odd number."""
    gs = gs or GovernanceSettings.current()
    if seats is None or seats < gs.committee_min or seats > gs.committee_max or seats % 2 == 0:
        raise ServiceError({"seats": _("业主委员会应由 %(lo)d 至 %(hi)d 人单数组成（民法典第二百七十七条及业主大会和"
                                       "业主委员会指导规则），%(n)s 人不符合要求。") % {
            "lo": gs.committee_min, "hi": gs.committee_max, "n": seats}})


def _event(election: Election, action: str, *, actor, note: str = "", now: datetime | None = None) -> ElectionEvent:
    """A timeline row that changes no state (opening, nominations, vetting, warnings)."""
    return ElectionEvent.objects.create(election=election, action=action, note=note or "", created_at=now or _now(),
                                        actor=actor if getattr(actor, "is_authenticated", False) else None)


def _street_and_district(estate) -> list:
    return list(unit_users("street", estate.street_id)) + list(district_officials(estate.district_id))


def _apply(election: Election, action: str, *, actor, note: str = "", now: datetime, **fields) -> str:
    """Take ``action`` through the machine with the actor's kinds for the election's estate."""
    return ELECTION.apply(election, action, actor=actor, kinds=actor_kinds(actor, election.estate), note=note,
                          event={"created_at": now}, **fields)


# ---------------------------------------------------------------- open and nominate


@transaction.atomic
def election_open(*, actor, estate: Estate, title: str, seats: int, term_years: int = 5,
                  now: datetime | None = None) -> Election:
    """The street office or the community opens an election for ``estate``."""
    now = now or _now()
    if not can_organise(actor, estate):
        raise ServiceError(_("只有小区所在街道办事处或社区居委会可以组织业主委员会选举"))
    gs = GovernanceSettings.current()
    check_seats(seats, gs)
    if term_years is None or not 1 <= term_years <= min(gs.max_term_years, 5):
        raise ServiceError({"term_years": _("业主委员会任期为 1 至 %(n)d 年。") % {"n": min(gs.max_term_years, 5)}})
    title = (title or "").strip()
    if not title:
        raise ServiceError({"title": _("请填写选举名称")})
    if Election.objects.filter(estate=estate, status__in=OPEN_STATUSES).exists():
        raise ServiceError(_("该小区已有一次进行中的业主委员会选举，请先完成或取消"))
    election = Election(estate=estate, title=title[:200], seats=seats, term_years=term_years, created_by=actor)
    election.full_clean()
    election.save(force_insert=True)
    _event(election, "open", actor=actor, note=_("应选 %(n)d 人，任期 %(y)d 年") % {"n": seats, "y": term_years}, now=now)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=election,
                 detail=_("发起业主委员会选举：应选 %(n)d 人") % {"n": seats})
    notify(users=list(committee_users(estate.pk)) + list(unit_users("community", estate.community_id)),
           subject=_("业主委员会选举已发起"),
           body=_("%(estate)s 的业主委员会选举（%(title)s）已发起，应选 %(n)d 人，现接受候选人提名。") % {
               "estate": estate.name, "title": election.title, "n": seats},
           url=_url(election), channels=("inapp",), dedup_key=f"election:{election.pk}:open", category="governance")
    return election


@transaction.atomic
def candidate_nominate(*, actor, election: Election, owner: Owner, is_party_member: bool = False,
                       statement: str = "", now: datetime | None = None) -> Candidate:
    """Nominate an owner of the estate (the speech asks Party members to stand)."""
    now = now or _now()
    election = Election.objects.select_related("estate").get(pk=election.pk)
    ELECTION.check("nominate", election, actor_kinds(actor, election.estate))
    if not Ownership.objects.filter(owner=owner, estate_id=election.estate_id).exists():
        raise ServiceError({"owner": _("候选人须为本小区业主")})
    if owner.kind != Owner.Kind.PERSON:
        raise ServiceError({"owner": _("候选人须为自然人业主")})
    if Candidate.objects.filter(election=election, owner=owner).exists():
        raise ServiceError({"owner": _("该业主已是本次选举的候选人。")})
    candidate = Candidate(election=election, owner=owner, name=owner.name[:50], is_party_member=bool(is_party_member),
                          statement=(statement or "").strip()[:2000])
    candidate.save(force_insert=True)
    party = _("中共党员") if candidate.is_party_member else _("非党员")
    _event(election, "nominate", actor=actor, note=f"{candidate.name}（{party}）", now=now)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=candidate, detail=_("提名候选人（%(p)s）") % {"p": party})
    return candidate


@transaction.atomic
def candidate_vet(*, actor, candidate: Candidate, approved: bool, note: str = "",
                  now: datetime | None = None) -> Candidate:
    """The community Party organisation's vetting: approved, or rejected with a note."""
    now = now or _now()
    election = Election.objects.select_related("estate").get(pk=candidate.election_id)
    kinds = actor_kinds(actor, election.estate)
    if not ELECTION["vet"].actors & kinds:
        raise ServiceError(_("候选人资格由小区所在社区党组织审查"))
    ELECTION.check("vet", election, kinds)
    note = (note or "").strip()
    if not approved and not note:
        raise ServiceError({"note": _("审查未通过须填写审查意见")})
    target = V.APPROVED if approved else V.REJECTED
    conditional_update(Candidate, candidate, expect={"vetting": V.PENDING}, version_field=None,
                       conflict=_("该候选人已审查过，请刷新页面"),
                       vetting=target, vetting_note=note[:500], vetted_by=actor, vetted_at=now)
    label = candidate.get_vetting_display()
    _event(election, "vet", actor=actor, note=f"{candidate.name}：{label}{('，' + note) if note else ''}", now=now)
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=candidate, detail=f"{label} {note}".strip()[:500],
                 changes={"vetting": [V.PENDING, target]})
    return candidate


# ---------------------------------------------------------------- the vote


@transaction.atomic
def election_start_vote(*, actor, election: Election, notice_date: date | None = None,
                        voting_opens_at: datetime | None = None, voting_closes_at: datetime | None = None,
                        now: datetime | None = None) -> Election:
    """Close nominations and put the approved candidates to the owners. With the voting dates, a
    ``committee_election`` motion is called and linked; otherwise the result is later entered from
    the assembly's minutes (with its participation totals, see ``election_declare``)."""
    now = now or _now()
    election.refresh_from_db()
    ELECTION.check("start_vote", election, actor_kinds(actor, election.estate))
    approved = Candidate.objects.filter(election=election, vetting=V.APPROVED).count()
    if approved < election.seats:
        raise ServiceError(_("经审查通过的候选人（%(a)d 人）少于应选人数（%(n)d 人），不能开始选举") % {
            "a": approved, "n": election.seats})
    if Candidate.objects.filter(election=election, vetting=V.PENDING).exists():
        raise ServiceError(_("还有候选人未经社区党组织审查"))
    dates = (notice_date, voting_opens_at, voting_closes_at)
    if any(dates) and not all(dates):
        raise ServiceError(_("请同时填写公告日期、投票开始和截止时间，或都不填（线下表决后录入结果）"))
    motion = None
    if all(dates):
        motion = motion_call(actor=actor, estate=election.estate, title=_("%(t)s（选举业主委员会）") % {"t": election.title},
                             matter=Matter.COMMITTEE_ELECTION, notice_date=notice_date, voting_opens_at=voting_opens_at,
                             voting_closes_at=voting_closes_at, now=now)
    note = _("已关联业主大会表决") if motion is not None else _("线下召开业主大会表决，结果按会议记录录入")
    _apply(election, "start_vote", actor=actor, note=note, now=now, **({"motion": motion} if motion else {}))
    return election


@dataclass
class Declared:
    election: Election
    committee: OwnersCommittee
    elected: list[Candidate]
    warnings: list[str] = field(default_factory=list)


def _check_participation(participating_area: Decimal, participating_heads, total_area, total_heads) -> None:
    """民法典 第二百七十八条 第二款: the assembly counts only when owners holding two-thirds or more of
    the exclusive area AND two-thirds or more of the heads took part — online or offline alike, so
    the totals are required (the tally's own thresholds decide)."""
    if participating_area <= 0 or participating_heads is None or participating_heads <= 0:
        raise ServiceError(_("请填写参与表决的专有部分面积和人数"))
    if total_area is None or not total_heads or Decimal(total_area) <= 0:
        raise ServiceError({"total_area": _("请填写专有部分总面积和业主总人数：须核对参与表决的业主是否达到专有部分面积"
                                            "三分之二以上且人数三分之二以上（民法典第二百七十八条第二款）")})
    if participating_area > Decimal(total_area) or participating_heads > total_heads:
        raise ServiceError(_("参与表决的面积或人数不能超过总面积或总人数"))
    area_ok, heads_ok = quorum(participating_area=participating_area, total_area=Decimal(total_area),
                               participating_heads=participating_heads, total_heads=total_heads)
    if not (area_ok and heads_ok):
        raise ServiceError(_("参与表决的业主未达到专有部分面积三分之二以上且人数三分之二以上（民法典第二百七十八条第二款），"
                             "选举无效"))


def _passing(election: Election, candidates: list[Candidate], results, participating_area: Decimal,
             participating_heads: int) -> list[Candidate]:
    """Those with more than half of the participating area AND heads, at most ``seats`` of them by
    yes area then heads (a tie at the last seat is refused)."""
    passing: list[Candidate] = []
    for c in candidates:
        if c.pk not in results:
            raise ServiceError(_("请填写候选人 %(n)s 的得票") % {"n": c.name})
        area, heads = results[c.pk]
        area, heads = Decimal(area), int(heads)
        if area < 0 or heads < 0 or area > participating_area or heads > participating_heads:
            raise ServiceError(_("候选人 %(n)s 的得票不能为负数，也不能超过参与表决的面积或人数") % {"n": c.name})
        c.yes_area, c.yes_heads = area, heads
        if exceeds(area, participating_area, HALF) and exceeds(heads, participating_heads, HALF):
            passing.append(c)
    passing.sort(key=lambda c: (-c.yes_area, -c.yes_heads, c.pk))
    if len(passing) > election.seats:
        last, next_ = passing[election.seats - 1], passing[election.seats]
        if (last.yes_area, last.yes_heads) == (next_.yes_area, next_.yes_heads):
            raise ServiceError(_("第 %(n)d 名与第 %(m)d 名得票相同，须另行选举") % {"n": election.seats, "m": election.seats + 1})
        passing = passing[: election.seats]
    return passing


@transaction.atomic
def election_declare(*, actor, election: Election, elected_on: date, results: dict[int, tuple[Decimal, int]],
                     participating_area: Decimal, participating_heads: int, total_area: Decimal | None = None,
                     total_heads: int | None = None, director: Candidate | None = None,
                     now: datetime | None = None) -> Declared:
    """Declare the result from the assembly's minutes.

    ``results``: candidate id → (yes area, yes heads) for every approved candidate. The quorum of
    民法典 第二百七十八条 第二款 is checked first: the totals come from the linked motion's frozen
    roll, or must be given (an offline assembly). Elected are those with more than half of the
    participating area AND of the participating heads, at most ``seats`` of them by yes area then
    heads; their number must be 5–11 and odd. Fewer Party members than ``party_share_percent`` is
    a warning, not a refusal.
    """
    now = now or _now()
    gs = GovernanceSettings.current()
    election = Election.objects.select_related("estate", "motion").get(pk=election.pk)
    ELECTION.check("declare", election, actor_kinds(actor, election.estate))
    if elected_on is None or elected_on > timezone.localdate(now):
        raise ServiceError({"elected_on": _("当选日期不能晚于今天")})
    if election.motion_id and election.motion.closed_at is None:
        raise ServiceError(_("关联的业主大会表决尚未结束计票，不能公布选举结果"))
    if election.motion_id:
        total_area, total_heads = election.motion.total_area, election.motion.total_heads
    participating_area = Decimal(participating_area or 0)
    _check_participation(participating_area, participating_heads, total_area, total_heads)
    candidates = list(Candidate.objects.filter(election=election, vetting=V.APPROVED).select_related("owner"))
    passing = _passing(election, candidates, results, participating_area, participating_heads)
    n = len(passing)
    if n < gs.committee_min or n > gs.committee_max or n % 2 == 0:
        raise ServiceError(_("获得参与表决业主专有部分面积过半数且人数过半数同意的候选人为 %(n)d 人；业主委员会应由 "
                             "%(lo)d 至 %(hi)d 人单数组成，须另行选举或补选") % {
            "n": n, "lo": gs.committee_min, "hi": gs.committee_max})
    if director is not None and director.pk not in {c.pk for c in passing}:
        raise ServiceError({"director": _("主任须从当选委员中产生")})
    director = director or passing[0]
    warnings = []
    party = sum(1 for c in passing if c.is_party_member)
    if Fraction(party, n) * 100 < gs.party_share_percent:
        warnings.append(_("当选委员中中共党员 %(p)d 人，占 %(pct)s%%，低于 %(min)d%% 的要求，请街道社区加强指导。") % {
            "p": party, "pct": round_half_up(Fraction(party * 100, n), 1), "min": gs.party_share_percent})
    for c in candidates:
        c.elected = c in passing
    Candidate.objects.bulk_update(candidates, ["yes_area", "yes_heads", "elected"])
    committee = registry.committee_create(actor=actor, estate=election.estate, term_start=elected_on,
                                          term_end=add_years(elected_on, election.term_years))
    for c in passing:
        position = CommitteeMember.Position.DIRECTOR if c.pk == director.pk else CommitteeMember.Position.MEMBER
        registry.committee_member_add(actor=actor, committee=committee, name=c.name, position=position,
                                      is_party_member=c.is_party_member, phone=c.owner.phone, owner=c.owner)
    filing_due = filing_deadline(elected_on, gs.filing_days)
    note = _("当选 %(n)d 人（党员 %(p)d 人），主任 %(d)s；参与表决面积 %(a)s m²、%(h)d 人") % {
        "n": n, "p": party, "d": director.name, "a": participating_area, "h": participating_heads}
    _apply(election, "declare", actor=actor, note=note, now=now, elected_on=elected_on, filing_due=filing_due,
           committee=committee)
    for w in warnings:
        _event(election, "party_warning", actor=None, note=w, now=now)
    estate = election.estate
    notify(users=_street_and_district(estate), subject=_("业主委员会选举结果待备案"),
           body=_("%(e)s 选举产生新一届业主委员会（%(n)d 人），应于 %(d)s 前备案。") % {
               "e": estate.name, "n": n, "d": filing_due.isoformat()},
           url=_url(election), channels=("inapp",), dedup_key=f"election:{election.pk}:declared", category="governance")
    return Declared(election=election, committee=committee, elected=passing, warnings=warnings)


@transaction.atomic
def election_file(*, actor, election: Election, filed_on: date, now: datetime | None = None) -> Election:
    """The street office or the district records the filing date (late filing stays visible)."""
    now = now or _now()
    election.refresh_from_db()
    ELECTION.check("file", election, actor_kinds(actor, election.estate))
    if filed_on is None or filed_on > timezone.localdate(now):
        raise ServiceError({"filed_on": _("备案日期不能晚于今天")})
    if election.elected_on and filed_on < election.elected_on:
        raise ServiceError({"filed_on": _("备案日期不能早于当选日期")})
    late = bool(election.filing_due and filed_on > election.filing_due)
    note = _("备案日期 %(d)s") % {"d": filed_on.isoformat()} + (_("（逾期备案）") if late else "")
    _apply(election, "file", actor=actor, note=note, now=now, filed_on=filed_on)
    if election.committee_id:
        n = OwnersCommittee.objects.filter(pk=election.committee_id, filed_on__isnull=True).update(
            filed_on=filed_on, updated_at=now)
        if n == 1:
            audit_record(action=AuditAction.UPDATE, actor=actor, obj=election.committee, detail=note,
                         changes={"filed_on": [None, filed_on.isoformat()]})
    return election


@transaction.atomic
def election_cancel(*, actor, election: Election, note: str, now: datetime | None = None) -> Election:
    election.refresh_from_db()
    _apply(election, "cancel", actor=actor, note=(note or "").strip(), now=now or _now())
    return election


def filing_is_late(election: Election, today: date | None = None) -> bool:
    """Filed after the due date, or not filed and the due date has passed."""
    if not election.filing_due:
        return False
    if election.filed_on:
        return election.filed_on > election.filing_due
    return (today or timezone.localdate()) > election.filing_due


# ---------------------------------------------------------------- the daily sweep


def _claim(committee_id: int, kind: str, now: datetime) -> bool:
    try:
        with transaction.atomic():
            CommitteeReminder.objects.create(committee_id=committee_id, kind=kind, sent_at=now)
    except IntegrityError:
        return False
    return True


def committee_sweep(*, today: date | None = None, now: datetime | None = None) -> dict[str, int]:
    """Daily: committees whose filing is overdue → the street and district, once; current
    committees whose term ends within ``term_reminder_months`` → the committee, community and
    street, once. Safe to run twice or on two workers (a ``CommitteeReminder`` row is claimed first)."""
    now = now or _now()
    today = today or timezone.localdate(now)
    gs = GovernanceSettings.current()
    K = CommitteeReminder.Kind
    sent = {"filing_overdue": 0, "term_ending": 0}

    def reminded(kind):
        return Exists(CommitteeReminder.objects.filter(committee_id=OuterRef("committee_id"), kind=kind))

    overdue = (Election.objects.filter(status=S.ELECTED, filing_due__lt=today, committee__isnull=False,
                                       committee__filed_on__isnull=True)
               .exclude(reminded(K.FILING_OVERDUE)).select_related("estate"))
    for e in overdue.iterator(chunk_size=500):
        with transaction.atomic():
            if not _claim(e.committee_id, K.FILING_OVERDUE, now):
                continue
            notify(users=_street_and_district(e.estate),
                   subject=_("业主委员会逾期未备案"),
                   body=_("%(e)s 业主委员会于 %(on)s 选举产生，备案期限 %(d)s 已过，尚未备案。") % {
                       "e": e.estate.name, "on": e.elected_on.isoformat(), "d": e.filing_due.isoformat()},
                   url=_url(e), channels=("inapp",), dedup_key=f"committee:{e.committee_id}:filing_overdue",
                   category="governance")
            sent["filing_overdue"] += 1
    # The reminder is due on the day ``term_reminder_months`` months before the term ends (31 Dec →
    # 30 Sep); read a few days wider, then decide each committee exactly.
    horizon = add_months(today, gs.term_reminder_months) + timedelta(days=3)
    ending = (OwnersCommittee.objects.filter(is_current=True, term_end__lte=horizon, term_end__gte=today)
              .exclude(Exists(CommitteeReminder.objects.filter(committee_id=OuterRef("pk"), kind=K.TERM_ENDING)))
              .select_related("estate"))
    for c in ending.iterator(chunk_size=500):
        if add_months(c.term_end, -gs.term_reminder_months) > today:
            continue
        with transaction.atomic():
            if not _claim(c.pk, K.TERM_ENDING, now):
                continue
            estate = c.estate
            notify(users=list(committee_users(estate.pk)) + list(unit_users("community", estate.community_id))
                   + list(unit_users("street", estate.street_id)),
                   subject=_("业主委员会任期即将届满"),
                   body=_("%(e)s 业主委员会任期至 %(d)s 届满，请及时筹备换届选举。") % {
                       "e": estate.name, "d": c.term_end.isoformat()},
                   url=reverse("governance:committees_due"), channels=("inapp",),
                   dedup_key=f"committee:{c.pk}:term_ending", category="governance")
            sent["term_ending"] += 1
    return sent
