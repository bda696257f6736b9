"""Demo owners' committee elections (issue 5 item 7).

``build_demo_elections(scale=..., seed=..., now=..., city_id=..., say=...)`` adds to the demo city:

- for most current owners' committees, the election that produced them: the candidates (the
  members, elected, plus a few who were not, and now and then one the community Party organisation
  rejected), the yes area and heads from the assembly's minutes, the timeline (opened, nominated,
  vetted, vote started, declared, filed) — filed on time, filed late, or still unfiled and overdue,
  as the committee's ``filed_on`` says;
- a few elections in progress: nominating with candidates waiting for vetting (one in the
  ``community`` login's community), voting (one in the ``street`` login's street), and a declared
  one awaiting filing within its 30 days.

Rows are written in bulk (``BulkWriter``); nothing goes through the services. The same seed and
``now`` give the same rows. At ``megacity`` (≈ 3,000 committees) about 100k rows.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from wuye.accounts.models import Role, User
from wuye.core.money import round_half_up
from wuye.governance.elections.services import filing_deadline
from wuye.governance.elections.workflow import ELECTION
from wuye.governance.models import Candidate, Election, ElectionEvent
from wuye.registry.models import CommitteeMember, Estate, OwnersCommittee, Ownership

from .bulk import BulkWriter, timestamp

SH = ZoneInfo("Asia/Shanghai")
S = Election.Status
# How many estates get candidates who were not elected, and elections in progress, per scale.
EXTRA = {"small": 50, "city": 200, "megacity": 300}
IN_PROGRESS = {"small": 3, "city": 12, "megacity": 40}

STATEMENTS = [
    "退休教师，在小区居住十余年，熟悉小区情况，愿意为业主做实事。",
    "中共党员，社区志愿者，曾参与小区加装电梯协调工作。",
    "从事财务工作二十年，愿意监督公共收益和维修资金的使用。",
    "律师，可为业主大会提供法律意见，推动管理规约修订。",
    "工程师，关注小区设施设备维护和消防安全。",
    "热心公益，组织过小区垃圾分类宣传和邻里活动。",
    "退役军人，愿意协调物业服务和业主之间的矛盾。",
    "个体经营者，时间相对灵活，能够按时参加业委会会议。",
]
REJECT_NOTES = ["长期拖欠物业服务费，不符合候选人条件", "本人签字确认不参选", "房屋已出售，不再是本小区业主",
                "受过刑事处罚，不符合候选人条件"]


def _at(d: date, hour: int, rng: random.Random) -> datetime:
    return datetime.combine(d, time(hour, rng.randint(0, 59)), tzinfo=SH)


class ElectionBuilder:
    def __init__(self, *, scale: str, seed: int, now: datetime | None, city_id: int, say: Callable[[str], None]):
        self.scale = scale
        self.rng = random.Random(f"{seed}:governance-elections")
        self.now = (now or timezone.now()).astimezone(SH).replace(microsecond=0)
        self.today = self.now.date()
        self.city_id = city_id
        self.say = say
        w = self.w = BulkWriter()
        self.t_election = w.table(Election, ["id", "estate_id", "title", "seats", "term_years", "status", "elected_on",
                                             "filing_due", "filed_on", "committee_id", "created_by_id", "created_at",
                                             "updated_at"])
        self.t_candidate = w.table(Candidate, ["id", "election_id", "owner_id", "name", "is_party_member", "statement",
                                               "vetting", "vetting_note", "vetted_by_id", "vetted_at", "yes_area",
                                               "yes_heads", "elected", "created_at", "updated_at"])
        self.t_event = w.table(ElectionEvent, ["id", "election_id", "actor_id", "action", "from_status", "to_status",
                                               "note", "created_at"])

    # ---------------------------------------------------------------- reading the city

    def load(self) -> None:
        self.estates = {e["id"]: e for e in Estate.objects.filter(district__city_id=self.city_id).values(
            "id", "name", "street_id", "community_id", "district_id").order_by("id")}
        self.committees = list(OwnersCommittee.objects.filter(estate_id__in=list(self.estates), is_current=True)
                               .exclude(election__isnull=False)
                               .values("id", "estate_id", "term_start", "term_end", "filed_on").order_by("id"))
        self.members: dict[int, list[dict]] = defaultdict(list)
        for m in (CommitteeMember.objects.filter(committee_id__in=[c["id"] for c in self.committees])
                  .values("committee_id", "owner_id", "name", "is_party_member", "position").order_by("id")):
            if m["owner_id"]:
                self.members[m["committee_id"]].append(m)
        self.street_user: dict[int, int] = {}
        self.community_user: dict[int, int] = {}
        self.district_user: dict[int, int] = {}
        for u in User.objects.filter(role__in=[Role.STREET, Role.COMMUNITY, Role.DISTRICT], is_active=True).values(
                "id", "role", "street_id", "community_id", "district_id", "username").order_by("id"):
            demo = u["username"] in ("street", "community", "district")
            if u["role"] == Role.STREET and (demo or u["street_id"] not in self.street_user):
                self.street_user[u["street_id"]] = u["id"]
            if u["role"] == Role.COMMUNITY and (demo or u["community_id"] not in self.community_user):
                self.community_user[u["community_id"]] = u["id"]
            if u["role"] == Role.DISTRICT and (demo or u["district_id"] not in self.district_user):
                self.district_user[u["district_id"]] = u["id"]
        self.demo = {u: v for u, v in User.objects.filter(username__in=["street", "community"]).values_list(
            "username", "street_id")}
        self.demo_community = User.objects.filter(username="community").values_list("community_id", flat=True).first()

    def owners_of(self, estate_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
        """A few natural-person owners of each estate (id, name), read in one pass."""
        out: dict[int, list[tuple[int, str]]] = defaultdict(list)
        if not estate_ids:
            return out
        rows = (Ownership.objects.filter(estate_id__in=estate_ids, owner__kind="person")
                .values_list("estate_id", "owner_id", "owner__name").order_by("estate_id", "id"))
        for estate_id, owner_id, name in rows.iterator(chunk_size=20_000):
            lst = out[estate_id]
            if len(lst) < 40 and all(o != owner_id for o, _n in lst):
                lst.append((owner_id, name))
        return out

    # ---------------------------------------------------------------- writing

    def _event(self, eid: int, actor, action: str, note: str, at: datetime) -> None:
        t = ELECTION.transitions.get(action)  # the machine's row: its states, as the services record them
        frm, to = (min(t.sources), t.target) if t is not None and t.target else ("", "")
        self.t_event.append((self.w.next_id(ElectionEvent), eid, actor, action, frm, to, note[:500], timestamp(at)))

    def _candidate(self, eid, owner_id, name, party, *, vetting, note, vetter, vetted_at, yes, elected, at) -> None:
        rng = self.rng
        self.t_candidate.append((
            self.w.next_id(Candidate), eid, owner_id, name[:50], party, rng.choice(STATEMENTS) if rng.random() < 0.7 else "",
            vetting, note, vetter if vetted_at else None, timestamp(vetted_at) if vetted_at else None,
            str(yes[0]) if yes else None, yes[1] if yes else None, elected, timestamp(at), timestamp(at)))

    def historical(self, extra_owners: dict[int, list[tuple[int, str]]]) -> int:
        """The election behind each current committee (most of them)."""
        rng = self.rng
        n = 0
        for c in self.committees:
            members = self.members.get(c["id"], [])
            seats = len(members)
            if seats < 5 or seats % 2 == 0 or seats > 11 or rng.random() < 0.15:
                continue
            estate = self.estates[c["estate_id"]]
            start: date = c["term_start"]
            years = max(1, min(5, round((c["term_end"] - start).days / 365.25)))
            opened = start - timedelta(days=rng.randint(45, 80))
            organiser = (self.community_user.get(estate["community_id"]) if rng.random() < 0.5 else None) or \
                self.street_user.get(estate["street_id"])
            vetter = self.community_user.get(estate["community_id"])
            filer = self.street_user.get(estate["street_id"]) if rng.random() < 0.6 else \
                self.district_user.get(estate["district_id"])
            filing_due = filing_deadline(start)  # the configured filing_days, by the period rules
            filed = c["filed_on"]
            status = S.FILED if filed else S.ELECTED
            eid = self.w.next_id(Election)
            title = f"{estate['name']}第{rng.choice('一二三四')}届业主委员会选举"
            opened_at = _at(opened, 9, rng)
            last_at = _at(filed, 15, rng) if filed else _at(start, 17, rng)
            self.t_election.append((eid, estate["id"], title, seats, years, status, start.isoformat(),
                                    filing_due.isoformat(), filed.isoformat() if filed else None, c["id"], organiser,
                                    timestamp(opened_at), timestamp(last_at)))
            self._event(eid, organiser, "open", f"应选 {seats} 人，任期 {years} 年", opened_at)
            heads = rng.randint(max(60, seats * 12), max(80, seats * 60))
            area = round_half_up(Decimal(heads * rng.randint(78, 118)), 2)
            people = [(m["owner_id"], m["name"], m["is_party_member"], True) for m in members]
            taken = {m["owner_id"] for m in members}
            extra = [o for o in extra_owners.get(estate["id"], []) if o[0] not in taken][: rng.randint(0, 3)]
            people += [(o[0], o[1], rng.random() < 0.3, False) for o in extra]
            rejected = None
            if extra and rng.random() < 0.25:
                rejected = people.pop()
            nominated_at = opened_at + timedelta(days=rng.randint(3, 10))
            vetted_at = nominated_at + timedelta(days=rng.randint(3, 7))
            for owner_id, name, party, elected in people:
                if elected:
                    yes = round_half_up(area * Decimal(rng.randint(55, 88)) / 100, 2), heads * rng.randint(55, 88) // 100
                else:
                    yes = round_half_up(area * Decimal(rng.randint(18, 49)) / 100, 2), heads * rng.randint(18, 49) // 100
                self._candidate(eid, owner_id, name, party, vetting="approved", note="", vetter=vetter,
                                vetted_at=vetted_at, yes=yes, elected=elected, at=nominated_at)
                self._event(eid, organiser, "nominate", f"{name}（{'中共党员' if party else '非党员'}）", nominated_at)
                self._event(eid, vetter, "vet", f"{name}：审查通过", vetted_at)
            if rejected:
                note = rng.choice(REJECT_NOTES)
                self._candidate(eid, rejected[0], rejected[1], rejected[2], vetting="rejected", note=note, vetter=vetter,
                                vetted_at=vetted_at, yes=None, elected=False, at=nominated_at)
                self._event(eid, organiser, "nominate", f"{rejected[1]}（非党员）", nominated_at)
                self._event(eid, vetter, "vet", f"{rejected[1]}：审查未通过，{note}", vetted_at)
            vote_at = vetted_at + timedelta(days=rng.randint(2, 6))
            self._event(eid, organiser, "start_vote", "线下召开业主大会表决，结果按会议记录录入", vote_at)
            party_n = sum(1 for m in members if m["is_party_member"])
            director = next((m["name"] for m in members if m["position"] == "director"), members[0]["name"])
            self._event(eid, organiser, "declare", f"当选 {seats} 人（党员 {party_n} 人），主任 {director}；"
                                                   f"参与表决面积 {area} m²、{heads} 人", _at(start, 17, rng))
            if party_n * 2 < seats:
                self._event(eid, None, "party_warning",
                            f"当选委员中中共党员 {party_n} 人，占 {Decimal(party_n * 100) / seats:.1f}%，低于 50% 的要求，"
                            "请街道社区加强指导。", _at(start, 17, rng))
            if filed:
                late = "（逾期备案）" if filed > filing_due else ""
                self._event(eid, filer, "file", f"备案日期 {filed.isoformat()}{late}", last_at)
            n += 1
            self.w.flush_if_full()
        return n

    def in_progress(self, owners: dict[int, list[tuple[int, str]]], picks: list[int]) -> int:
        """Elections under way: nominating (vetting pending for some), voting, declared awaiting filing."""
        rng = self.rng
        kinds = [S.NOMINATING, S.VOTING]
        n = 0
        for i, estate_id in enumerate(picks):
            estate = self.estates[estate_id]
            people = owners.get(estate_id, [])
            if len(people) < 9:
                continue
            status = kinds[i % 2]
            seats = rng.choice((5, 7, 7, 9))
            organiser = self.street_user.get(estate["street_id"]) or self.community_user.get(estate["community_id"])
            vetter = self.community_user.get(estate["community_id"])
            opened = self.today - timedelta(days=rng.randint(5, 20) if status == S.NOMINATING else rng.randint(25, 40))
            opened_at = _at(opened, 10, rng)
            eid = self.w.next_id(Election)
            title = f"{estate['name']}业主委员会换届选举"
            self.t_election.append((eid, estate_id, title, seats, 5, status, None, None, None, None, organiser,
                                    timestamp(opened_at), timestamp(opened_at)))
            self._event(eid, organiser, "open", f"应选 {seats} 人，任期 5 年", opened_at)
            chosen = rng.sample(people, seats + rng.randint(1, 3))
            nominated_at = opened_at + timedelta(days=2)
            vetted_at = nominated_at + timedelta(days=2)
            for k, (owner_id, name) in enumerate(chosen):
                party = rng.random() < 0.55
                pending = status == S.NOMINATING and k >= seats - 2
                self._candidate(eid, owner_id, name, party, vetting="pending" if pending else "approved", note="",
                                vetter=vetter, vetted_at=None if pending else vetted_at, yes=None, elected=False,
                                at=nominated_at)
                self._event(eid, organiser, "nominate", f"{name}（{'中共党员' if party else '非党员'}）", nominated_at)
                if not pending:
                    self._event(eid, vetter, "vet", f"{name}：审查通过", vetted_at)
            if status == S.VOTING:
                self._event(eid, organiser, "start_vote", "线下召开业主大会表决，结果按会议记录录入",
                            vetted_at + timedelta(days=3))
            n += 1
        return n

    def build(self) -> dict[str, int]:
        self.load()
        rng = self.rng
        committee_estates = [c["estate_id"] for c in self.committees]
        extra_ids = sorted(rng.sample(committee_estates, min(len(committee_estates), EXTRA[self.scale])))
        # Elections under way: estates without a committee first (the demo community's and street's
        # estates among them), then committees whose term ends soon.
        with_committee = set(committee_estates)
        busy = set(Election.objects.filter(estate_id__in=list(self.estates), status__in=[S.NOMINATING, S.VOTING])
                   .values_list("estate_id", flat=True))  # one election under way per estate
        without = [e for e in self.estates if e not in with_committee and e not in busy]
        featured = [e for e in without if self.estates[e]["community_id"] == self.demo_community][:1] + \
            [e for e in without if self.estates[e]["street_id"] == self.demo.get("street")
             and self.estates[e]["community_id"] != self.demo_community][:1]
        rest = [e for e in without if e not in featured]
        picks = featured + sorted(rng.sample(rest, min(len(rest), max(0, IN_PROGRESS[self.scale] - len(featured)))))
        owners = self.owners_of(sorted(set(extra_ids) | set(picks)))
        historical = self.historical(owners)
        running = self.in_progress(owners, picks)
        self.w.finish()
        counts = {m._meta.model_name: n for m, n in self.w.counts.items()}
        self.say(f"    业委会选举 {historical + running:,} 次（进行中 {running} 次），候选人 {counts.get('candidate', 0):,} 人")
        return counts


def build_demo_elections(*, scale: str, seed: int, now: datetime | None, city_id: int,
                         say: Callable[[str], None] | None = None) -> dict[str, int]:
    """Add committee elections to the demo city (call inside the demo's transaction). Returns the
    number of rows written per model (``election``, ``candidate``, ``electionevent``)."""
    return ElectionBuilder(scale=scale, seed=seed, now=now, city_id=city_id, say=say or (lambda text: None)).build()

