"""Writes for owners' committee elections (issue 5 item 7; rules.md §1).

The street office or the community of the estate opens an election (5–11 seats, an odd number;
term ≤ 5 years); owners of the estate are nominated (Party membership recorded); the community
Party organisation vets each candidate; the vote is started (linked to a ``committee_election``
motion when the owners' votes module offers ``motion_call``); the result is declared from the
assembly's minutes (each approved candidate's yes area and heads): elected are those with more
than half of the participating area AND heads (rules.md §1, ordinary matter), their number must be
5–11 and odd; they become the estate's new current committee. The committee is filed with the
street office or district within ``filing_days`` (default 30) days.

Every transition is a conditional UPDATE on the old status (``ELECTION_TRANSITIONS``), appends an
``ElectionEvent`` and an audit row; notifications go through the outbox in the same transaction.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from wuye.accounts.models import Role, User
from wuye.core.audit import audit_record
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditAction
from wuye.notifications.services import notify
from wuye.registry import services as registry
from wuye.registry.models import CommitteeMember, Estate, Owner, OwnersCommittee, Ownership

from .models import Candidate, CommitteeReminder, Election, ElectionEvent, GovernanceSettings, Matter

S = Election.Status
V = Candidate.Vetting


# ---------------------------------------------------------------- the table


@dataclass(frozen=True)
class Transition:
    label: str
    sources: frozenset[str]
    target: str
    actors: frozenset[str]
    needs_note: bool = False


def T(label, sources, target, actors, needs_note=False) -> Transition:
    return Transition(label, frozenset(sources), target, frozenset(actors), needs_note)


# Actors: ``organiser`` = the estate's street office or community; ``filer`` = the estate's street
# office or district authority.
ELECTION_TRANSITIONS: dict[str, Transition] = {
    "start_vote": T(_l("开始选举表决"), {S.NOMINATING}, S.VOTING, {"organiser"}),
    "declare": T(_l("公布选举结果"), {S.VOTING}, S.ELECTED, {"organiser"}),
    "file": T(_l("登记备案"), {S.ELECTED}, S.FILED, {"filer"}),
    "cancel": T(_l("取消选举"), {S.NOMINATING, S.VOTING}, S.CANCELLED, {"organiser"}, needs_note=True),
}
# Candidate actions while nominating: who may nominate, who vets.
CANDIDATE_ACTIONS: dict[str, frozenset[str]] = {
    "nominate": frozenset({"organiser", "committee"}),
    "vet": frozenset({"vetter"}),
}
EVENT_LABELS = {"open": _l("发起选举"), "nominate": _l("提名候选人"), "vet": _l("资格审查"),
                "party_warning": _l("党员比例提示"),
                **{a: t.label for a, t in ELECTION_TRANSITIONS.items()}}
OPEN_STATUSES = (S.NOMINATING, S.VOTING)


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_organise(user, estate) -> bool:
    """The street office or the community of the estate."""
    if not _active(user):
        return False
    if user.role == Role.STREET:
        return user.street_id is not None and user.street_id == estate.street_id
    if user.role == Role.COMMUNITY:
        return user.community_id is not None and user.community_id == estate.community_id
    return False


def actor_kinds(user, estate) -> set[str]:
    kinds: set[str] = set()
    if not _active(user):
        return kinds
    if can_organise(user, estate):
        kinds.add("organiser")
    if user.role == Role.COMMUNITY and user.community_id == estate.community_id:
        kinds.add("vetter")
    if user.role == Role.COMMITTEE and user.estate_id == estate.pk:
        kinds.add("committee")
    if (user.role == Role.STREET and user.street_id == estate.street_id) or (
            user.role == Role.DISTRICT and user.district_id == estate.district_id):
        kinds.add("filer")
    return kinds


def election_actions(user, election: Election) -> list[str]:
    """What ``user`` may do on ``election`` now (transitions and candidate actions)."""
    kinds = actor_kinds(user, election.estate)
    out = [a for a, t in ELECTION_TRANSITIONS.items() if election.status in t.sources and kinds & t.actors]
    if election.status == S.NOMINATING:
        out += [a for a, who in CANDIDATE_ACTIONS.items() if kinds & who]
    return out


# ---------------------------------------------------------------- helpers


def _now() -> datetime:
    return timezone.now()


def _url(election: Election) -> str:
    return reverse("governance:election_detail", args=[election.pk])


def add_months(d: date, months: int) -> date:
    """``d`` plus (or minus) ``months`` calendar months, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    m = d.month - 1 + months
    year, month = d.year + m // 12, m % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def add_years(d: date, years: int) -> date:
    return add_months(d, 12 * years)


def check_seats(seats: int, gs: GovernanceSettings | None = None) -> None:
    """rules.md §1: a committee has 5–11 members, an odd number."""
    gs = gs or GovernanceSettings.current()
    if seats is None or seats < gs.committee_min or seats > gs.committee_max or seats % 2 == 0:
        raise ServiceError({"seats": _("业主委员会应由 %(lo)d 至 %(hi)d 人单数组成（民法典第二百七十七条及业主大会和"
                                       "业主委员会指导规则），%(n)s 人不符合要求。") % {
            "lo": gs.committee_min, "hi": gs.committee_max, "n": seats}})


def _event(election: Election, action: str, *, actor, note: str = "", now: datetime | None = None) -> ElectionEvent:
    return ElectionEvent.objects.create(election=election, action=action, note=(note or "")[:500], at=now or _now(),
                                        actor=actor if _active(actor) else None)


def _users(**filters) -> list[User]:
    return list(User.objects.filter(is_active=True, **filters))


def _move(election: Election, action: str, *, actor, note: str = "", now: datetime | None = None, **fields) -> str:
    """Check the table, then the conditional UPDATE on the old status; the event and audit rows."""
    t = ELECTION_TRANSITIONS[action]
    current = Election.objects.select_related("estate").get(pk=election.pk)
    if not actor_kinds(actor, current.estate) & t.actors:
        raise ServiceError(_("您无权对该选举%(action)s") % {"action": t.label})
    if current.status not in t.sources:
        raise ServiceError(_("选举当前为“%(status)s”，不能%(action)s") % {
            "status": current.get_status_display(), "action": t.label})
    if t.needs_note and not (note or "").strip():
        raise ServiceError({"note": _("请填写理由")})
    now = now or _now()
    n = Election.objects.filter(pk=election.pk, status=current.status).update(status=t.target, updated_at=now, **fields)
    if n != 1:
        raise ConflictError(_("该选举已被他人处理，请刷新页面后重试"))
    election.refresh_from_db()
    _event(election, action, actor=actor, note=note, now=now)
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=election, detail=f"{t.label} {note}".strip()[:500],
                 changes={"status": [current.status, t.target]})
    return current.status


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
    notify(users=_users(role=Role.COMMITTEE, estate_id=estate.pk) + _users(role=Role.COMMUNITY,
                                                                          community_id=estate.community_id),
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
    if not actor_kinds(actor, election.estate) & CANDIDATE_ACTIONS["nominate"]:
        raise ServiceError(_("您无权为该选举提名候选人"))
    if election.status != S.NOMINATING:
        raise ServiceError(_("选举当前为“%(s)s”，不能再提名候选人") % {"s": election.get_status_display()})
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
    if not actor_kinds(actor, election.estate) & CANDIDATE_ACTIONS["vet"]:
        raise ServiceError(_("候选人资格由小区所在社区党组织审查"))
    if election.status != S.NOMINATING:
        raise ServiceError(_("选举当前为“%(s)s”，不能再审查候选人") % {"s": election.get_status_display()})
    note = (note or "").strip()
    if not approved and not note:
        raise ServiceError({"note": _("审查未通过须填写审查意见")})
    target = V.APPROVED if approved else V.REJECTED
    n = Candidate.objects.filter(pk=candidate.pk, vetting=V.PENDING).update(
        vetting=target, vetting_note=note[:500], vetted_by=actor, vetted_at=now, updated_at=now)
    if n != 1:
        raise ConflictError(_("该候选人已审查过，请刷新页面"))
    candidate.refresh_from_db()
    label = candidate.get_vetting_display()
    _event(election, "vet", actor=actor, note=f"{candidate.name}：{label}{('，' + note) if note else ''}", now=now)
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=candidate, detail=f"{label} {note}".strip()[:500],
                 changes={"vetting": [V.PENDING, target]})
    return candidate


# ---------------------------------------------------------------- the vote


def _motion_call():
    """The owners' votes module's ``motion_call`` if it exists (built by another engineer)."""
    try:
        from . import services_votes
    except ImportError:
        return None
    return getattr(services_votes, "motion_call", None)


@transaction.atomic
def election_start_vote(*, actor, election: Election, notice_date: date | None = None,
                        voting_opens_at: datetime | None = None, voting_closes_at: datetime | None = None,
                        now: datetime | None = None) -> Election:
    """Close nominations and put the approved candidates to the owners. With the voting dates and
    the owners' votes module, a ``committee_election`` motion is called and linked; otherwise the
    result is later entered from the assembly's minutes."""
    now = now or _now()
    approved = Candidate.objects.filter(election=election, vetting=V.APPROVED).count()
    if approved < election.seats:
        raise ServiceError(_("经审查通过的候选人（%(a)d 人）少于应选人数（%(n)d 人），不能开始选举") % {
            "a": approved, "n": election.seats})
    if Candidate.objects.filter(election=election, vetting=V.PENDING).exists():
        raise ServiceError(_("还有候选人未经社区党组织审查"))
    motion = None
    call = _motion_call()
    dates = (notice_date, voting_opens_at, voting_closes_at)
    if any(dates) and not all(dates):
        raise ServiceError(_("请同时填写公告日期、投票开始和截止时间，或都不填（线下表决后录入结果）"))
    if call is not None and all(dates):
        motion = call(actor=actor, estate=election.estate, title=_("%(t)s（选举业主委员会）") % {"t": election.title},
                      matter=Matter.COMMITTEE_ELECTION, notice_date=notice_date, voting_opens_at=voting_opens_at,
                      voting_closes_at=voting_closes_at, now=now)
    note = _("已关联业主大会表决") if motion is not None else _("线下召开业主大会表决，结果按会议记录录入")
    _move(election, "start_vote", actor=actor, note=note, now=now, **({"motion": motion} if motion else {}))
    return election


@dataclass
class Declared:
    election: Election
    committee: OwnersCommittee
    elected: list[Candidate]
    warnings: list[str] = field(default_factory=list)


def _more_than_half(part, whole) -> bool:
    return whole > 0 and Fraction(part) > Fraction(whole) / 2


@transaction.atomic
def election_declare(*, actor, election: Election, elected_on: date, results: dict[int, tuple[Decimal, int]],
                     participating_area: Decimal, participating_heads: int, total_area: Decimal | None = None,
                     total_heads: int | None = None, director: Candidate | None = None,
                     now: datetime | None = None) -> Declared:
    """Declare the result from the assembly's minutes.

    ``results``: candidate id → (yes area, yes heads) for every approved candidate. Elected are
    those with more than half of the participating area AND of the participating heads, at most
    ``seats`` of them by yes area then heads; their number must be 5–11 and odd. When the total
    area and heads are given (or the linked motion's roll has them), the quorum (≥ 2/3 of both)
    is checked too. Fewer Party members than ``party_share_percent`` is a warning, not a refusal.
    """
    now = now or _now()
    gs = GovernanceSettings.current()
    election = Election.objects.select_related("estate", "motion").get(pk=election.pk)
    if not actor_kinds(actor, election.estate) & ELECTION_TRANSITIONS["declare"].actors:
        raise ServiceError(_("您无权公布该选举结果"))
    if election.status != S.VOTING:
        raise ServiceError(_("选举当前为“%(s)s”，不能公布结果") % {"s": election.get_status_display()})
    if elected_on is None or elected_on > timezone.localdate(now):
        raise ServiceError({"elected_on": _("当选日期不能晚于今天")})
    if election.motion_id and election.motion.closed_at is None:
        raise ServiceError(_("关联的业主大会表决尚未结束计票，不能公布选举结果"))
    if election.motion_id and total_area is None:
        total_area, total_heads = election.motion.total_area, election.motion.total_heads
    participating_area = Decimal(participating_area)
    if participating_area <= 0 or participating_heads is None or participating_heads <= 0:
        raise ServiceError(_("请填写参与表决的专有部分面积和人数"))
    if total_area is not None and total_heads:
        if participating_area > total_area or participating_heads > total_heads:
            raise ServiceError(_("参与表决的面积或人数不能超过总面积或总人数"))
        if Fraction(participating_area) < Fraction(total_area) * Fraction(2, 3) or \
                Fraction(participating_heads) < Fraction(total_heads) * Fraction(2, 3):
            raise ServiceError(_("参与表决的业主未达到专有部分面积三分之二以上且人数三分之二以上（民法典第二百七十八条），"
                                 "选举无效"))
    candidates = list(Candidate.objects.filter(election=election, vetting=V.APPROVED).select_related("owner"))
    passing: list[Candidate] = []
    for c in candidates:
        if c.pk not in results:
            raise ServiceError(_("请填写候选人 %(n)s 的得票") % {"n": c.name})
        area, heads = results[c.pk]
        area, heads = Decimal(area), int(heads)
        if area < 0 or heads < 0 or area > participating_area or heads > participating_heads:
            raise ServiceError(_("候选人 %(n)s 的得票不能为负数，也不能超过参与表决的面积或人数") % {"n": c.name})
        c.yes_area, c.yes_heads = area, heads
        if _more_than_half(area, participating_area) and _more_than_half(heads, participating_heads):
            passing.append(c)
    passing.sort(key=lambda c: (-c.yes_area, -c.yes_heads, c.pk))
    if len(passing) > election.seats:
        last, next_ = passing[election.seats - 1], passing[election.seats]
        if (last.yes_area, last.yes_heads) == (next_.yes_area, next_.yes_heads):
            raise ServiceError(_("第 %(n)d 名与第 %(m)d 名得票相同，须另行选举") % {"n": election.seats, "m": election.seats + 1})
        passing = passing[: election.seats]
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
            "p": party, "pct": f"{Decimal(party * 100) / n:.1f}", "min": gs.party_share_percent})
    for c in candidates:
        c.elected = c in passing
    Candidate.objects.bulk_update(candidates, ["yes_area", "yes_heads", "elected"])
    committee = registry.committee_create(actor=actor, estate=election.estate, term_start=elected_on,
                                          term_end=add_years(elected_on, election.term_years))
    for c in passing:
        position = CommitteeMember.Position.DIRECTOR if c.pk == director.pk else CommitteeMember.Position.MEMBER
        registry.committee_member_add(actor=actor, committee=committee, name=c.name, position=position,
                                      is_party_member=c.is_party_member, phone=c.owner.phone, owner=c.owner)
    filing_due = elected_on + timedelta(days=gs.filing_days)
    note = _("当选 %(n)d 人（党员 %(p)d 人），主任 %(d)s；参与表决面积 %(a)s m²、%(h)d 人") % {
        "n": n, "p": party, "d": director.name, "a": participating_area, "h": participating_heads}
    _move(election, "declare", actor=actor, note=note, now=now, elected_on=elected_on, filing_due=filing_due,
          committee=committee)
    for w in warnings:
        _event(election, "party_warning", actor=None, note=w, now=now)
    estate = election.estate
    notify(users=_users(role=Role.STREET, street_id=estate.street_id) + _users(role=Role.DISTRICT,
                                                                               district_id=estate.district_id),
           subject=_("业主委员会选举结果待备案"),
           body=_("%(e)s 选举产生新一届业主委员会（%(n)d 人），应于 %(d)s 前备案。") % {
               "e": estate.name, "n": n, "d": filing_due.isoformat()},
           url=_url(election), channels=("inapp",), dedup_key=f"election:{election.pk}:declared", category="governance")
    return Declared(election=election, committee=committee, elected=passing, warnings=warnings)


@transaction.atomic
def election_file(*, actor, election: Election, filed_on: date, now: datetime | None = None) -> Election:
    """The street office or the district records the filing date (late filing stays visible)."""
    now = now or _now()
    if filed_on is None or filed_on > timezone.localdate(now):
        raise ServiceError({"filed_on": _("备案日期不能晚于今天")})
    if election.elected_on and filed_on < election.elected_on:
        raise ServiceError({"filed_on": _("备案日期不能早于当选日期")})
    late = bool(election.filing_due and filed_on > election.filing_due)
    note = _("备案日期 %(d)s") % {"d": filed_on.isoformat()} + (_("（逾期备案）") if late else "")
    _move(election, "file", actor=actor, note=note, now=now, filed_on=filed_on)
    if election.committee_id:
        n = OwnersCommittee.objects.filter(pk=election.committee_id, filed_on__isnull=True).update(
            filed_on=filed_on, updated_at=now)
        if n == 1:
            audit_record(action=AuditAction.UPDATE, actor=actor, obj=election.committee, detail=note,
                         changes={"filed_on": [None, filed_on.isoformat()]})
    return election


@transaction.atomic
def election_cancel(*, actor, election: Election, note: str, now: datetime | None = None) -> Election:
    _move(election, "cancel", actor=actor, note=(note or "").strip(), now=now)
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
            notify(users=_users(role=Role.STREET, street_id=e.estate.street_id)
                   + _users(role=Role.DISTRICT, district_id=e.estate.district_id),
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
            notify(users=_users(role=Role.COMMITTEE, estate_id=estate.pk)
                   + _users(role=Role.COMMUNITY, community_id=estate.community_id)
                   + _users(role=Role.STREET, street_id=estate.street_id),
                   subject=_("业主委员会任期即将届满"),
                   body=_("%(e)s 业主委员会任期至 %(d)s 届满，请及时筹备换届选举。") % {
                       "e": estate.name, "d": c.term_end.isoformat()},
                   url=reverse("governance:committees_due"), channels=("inapp",),
                   dedup_key=f"committee:{c.pk}:term_ending", category="governance")
            sent["term_ending"] += 1
    return sent
