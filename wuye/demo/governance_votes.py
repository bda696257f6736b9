"""Demo owners' votes (issue 5 item 5) for the demo city.

``build_demo_votes(scale=..., seed=..., now=..., city_id=..., say=...)`` adds:

- the featured estate 幸福里小区 (the ``committee`` and ``resident`` logins): scenario 9's vote to
  replace the property company, called by the committee, noticed 15 days before voting opened,
  closed with about 71 % of the area and of the heads taking part (online and paper ballots) and
  about 58 % yes → passed, with its explanation; a vote on using the maintenance fund for a new
  lift that is open now (about 40 % have voted; the ``resident`` login has not, so the demo can
  vote); and a major matter (charging piles on common ground run as a business) still in its
  notice period;
- for other estates with an owners' committee, now and then a closed vote from the last two years
  (varied matters and turnouts: some pass, some miss the quorum, some miss the majority), until a
  row budget is spent (``ROW_BUDGET``: the roll and the ballots are one row per head).

The rolls are frozen by the real ``roll_freeze`` (the counting rules of 民法典 第278条 and 法释〔2009〕7号
第八条、第九条), the results by the real ``tally.decide``; ballots, events and results are written
in bulk. The same seed and ``now`` give the same rows.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count
from django.utils import timezone

from wuye.accounts.models import Role, User
from wuye.credit.models import ExitCase, ExitStep
from wuye.governance.models import Ballot, Matter, Motion, MotionEvent, RollEntry
from wuye.governance.votes.roll import roll_freeze
from wuye.governance.votes.tally import Counts, decide, rule_for
from wuye.registry.models import Estate, OwnersCommittee, Unit

SH = ZoneInfo("Asia/Shanghai")
FEATURED = "幸福里小区"
ROW_BUDGET = {"small": 60_000, "city": 35_000, "megacity": 200_000}
OTHER_RATE = 0.35  # estates with a committee that held a vote in the last two years
ZERO = Decimal("0")

TITLES = {
    Matter.RULES_OF_PROCEDURE: ["关于修订《业主大会议事规则》的表决"],
    Matter.MANAGEMENT_STATUTE: ["关于修订《管理规约》（增加电动车停放条款）的表决", "关于制定《管理规约》养犬管理条款的表决"],
    Matter.HIRE_OR_FIRE_MANAGER: ["关于续聘现物业服务企业的表决", "关于公开招标选聘新物业服务企业的表决"],
    Matter.USE_MAINTENANCE_FUND: ["关于使用专项维修资金维修屋面防水的表决", "关于使用专项维修资金更换二次供水设备的表决",
                                  "关于使用专项维修资金改造消防管网的表决"],
    Matter.RAISE_MAINTENANCE_FUND: ["关于续筹专项维修资金的表决"],
    Matter.REBUILD: ["关于加装电梯的表决"],
    Matter.CHANGE_COMMON_USE: ["关于利用小区广场设置快递柜并收取场地费的表决", "关于将闲置架空层改建为老年活动室的表决"],
    Matter.OTHER_MAJOR_MATTER: ["关于调整物业服务收费标准的表决"],
}
MATTER_WEIGHTS = [(Matter.USE_MAINTENANCE_FUND, 5), (Matter.HIRE_OR_FIRE_MANAGER, 3), (Matter.MANAGEMENT_STATUTE, 2),
                  (Matter.CHANGE_COMMON_USE, 2), (Matter.RULES_OF_PROCEDURE, 1), (Matter.RAISE_MAINTENANCE_FUND, 1),
                  (Matter.REBUILD, 1), (Matter.OTHER_MAJOR_MATTER, 1)]


def _at(day, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SH)


class _Votes:
    def __init__(self, *, rng: random.Random, now: datetime):
        self.rng = rng
        self.now = now
        self.ballots: list[Ballot] = []
        self.events: list[MotionEvent] = []
        self.finals: list[tuple[Motion, dict, datetime]] = []
        self.motions = 0
        self.motion_ids: list[int] = []
        self.entries = 0

    def motion(self, *, estate: dict, title: str, matter: str, notice, opens: datetime, closes: datetime,
               caller: int | None, description: str = "") -> tuple[Motion, list[tuple[int, Decimal]]]:
        m = Motion.objects.create(
            estate_id=estate["id"], title=title, description=description, matter=matter, rule=rule_for(matter),
            notice_date=notice, voting_opens_at=opens, voting_closes_at=closes, called_at=_at(notice, 9),
            called_by_id=caller)
        roll_freeze(m)
        entries = list(RollEntry.objects.filter(motion=m).order_by("id").values_list("id", "area"))
        self.motions += 1
        self.motion_ids.append(m.pk)
        self.entries += len(entries)
        self.events.append(MotionEvent(
            motion=m, actor_id=caller, action="call", created_at=_at(notice, 9),
            note=f"{m.get_matter_display()}；表决权人 {m.total_heads} 人，专有部分总面积 {m.total_area} m²"))
        return m, entries

    def cast(self, m: Motion, entries, *, turnout: float, yes: float, abstain: float, clerk: int | None,
             until: datetime, skip: set[int] = frozenset()) -> Counts:
        """Ballots for about ``turnout`` of the heads, cast between the opening and ``until``."""
        rng = self.rng
        span = max(60, int((until - m.voting_opens_at).total_seconds()))
        p_area = y_area = n_area = a_area = ZERO
        p = y = n = a = 0
        paper_no = 0
        for entry_id, area in entries:
            if entry_id in skip or rng.random() >= turnout:
                continue
            r = rng.random()
            choice = "yes" if r < yes else ("abstain" if r < yes + abstain else "no")
            paper = rng.random() < 0.3
            if paper:
                paper_no += 1
            at = m.voting_opens_at + timedelta(seconds=rng.randint(0, span - 1))
            changed = rng.random() < 0.03 and not paper
            self.ballots.append(Ballot(
                motion=m, entry_id=entry_id, choice=choice, channel="paper" if paper else "online",
                ballot_no=f"{m.pk:05d}-{paper_no:04d}" if paper else "", cast_by_id=clerk if paper else None,
                cast_at=at, changed_at=at + timedelta(hours=rng.randint(1, 48)) if changed and at < until - timedelta(days=2)
                else None, changes=1 if changed and at < until - timedelta(days=2) else 0))
            p += 1
            p_area += area
            if choice == "yes":
                y, y_area = y + 1, y_area + area
            elif choice == "no":
                n, n_area = n + 1, n_area + area
            else:
                a, a_area = a + 1, a_area + area
        return Counts(participating_area=p_area, participating_heads=p, yes_area=y_area, yes_heads=y, no_area=n_area,
                      no_heads=n, abstain_area=a_area, abstain_heads=a)

    def close(self, m: Motion, counts: Counts) -> dict:
        result = decide(rule=m.rule, total_area=m.total_area, total_heads=m.total_heads, counts=counts)
        result["final"] = True
        at = m.voting_closes_at + timedelta(minutes=self.rng.randint(1, 5))
        self.finals.append((m, result, at))
        self.events.append(MotionEvent(motion=m, action="close", created_at=at, from_status="voting", to_status="closed",
                                       note="计票结果：" + ("通过" if result["passed"] else "未通过")))
        return result

    def flush(self) -> None:
        Ballot.objects.bulk_create(self.ballots, batch_size=5000)
        MotionEvent.objects.bulk_create(self.events, batch_size=5000)
        for m, result, at in self.finals:
            Motion.objects.filter(pk=m.pk).update(final_result=result, closed_at=at, status=Motion.Status.CLOSED)


def _exit_case_after(estate: dict, closed: datetime, actor_id: int | None) -> None:
    """The owners decided to dismiss their company: the district opens its exit case (清退) a few
    days after the count, with the owners' decision as its first step — a passed dismissal vote is
    followed by its exit case (issue 14 §14)."""
    if not estate.get("company_id") or not actor_id:
        return
    if ExitCase.objects.filter(estate_id=estate["id"], company_id=estate["company_id"],
                               status=ExitCase.Status.OPEN).exists():
        case = ExitCase.objects.filter(estate_id=estate["id"], company_id=estate["company_id"],
                                       status=ExitCase.Status.OPEN).first()
        ExitCase.objects.filter(pk=case.pk).update(reason="业主大会表决解聘物业服务企业", opened_at=closed + timedelta(days=3))
    else:
        case = ExitCase.objects.create(company_id=estate["company_id"], estate_id=estate["id"],
                                       district_id=estate["district_id"], reason="业主大会表决解聘物业服务企业",
                                       opened_at=closed + timedelta(days=3))
    ExitStep.objects.create(case=case, kind=ExitStep.Kind.OWNERS_DECIDED, done_on=timezone.localtime(closed).date(),
                            note="业主大会表决通过解聘现物业服务企业，委托业主委员会公开选聘新企业", done_by_id=actor_id)


def build_demo_votes(*, scale: str = "small", seed: int = 2026, now: datetime | None = None,
                     city_id: int | None = None, say: Callable[[str], None] | None = None) -> dict[str, int]:
    """Write the demo owners' votes (call inside a transaction). Returns rows written per table."""
    say = say or (lambda text: None)
    started = time.monotonic()
    rng = random.Random(f"votes:{seed}")
    now = (now or timezone.now()).astimezone(SH).replace(second=0, microsecond=0)
    today = now.date()
    estates_qs = Estate.objects.all()
    if city_id:
        estates_qs = estates_qs.filter(district__city_id=city_id)
    estates = list(estates_qs.order_by("id").values("id", "name", "street_id", "company_id", "district_id"))
    if not estates:
        return {}
    ids = [e["id"] for e in estates]
    with_committee = set(OwnersCommittee.objects.filter(estate_id__in=ids, is_current=True).values_list("estate_id", flat=True))
    sizes = dict(Unit.objects.filter(estate_id__in=ids).values_list("estate_id").annotate(n=Count("id")))
    committee_users = dict(User.objects.filter(role=Role.COMMITTEE, estate_id__in=ids).order_by("id")
                           .values_list("estate_id", "id"))
    street_users = dict(User.objects.filter(role=Role.STREET, street_id__isnull=False).order_by("id")
                        .values_list("street_id", "id"))
    resident = User.objects.filter(username="resident", role=Role.RESIDENT).values_list("owner_id", flat=True).first()
    v = _Votes(rng=rng, now=now)
    budget = ROW_BUDGET.get(scale, ROW_BUDGET["small"])

    featured = next((e for e in estates if e["name"] == FEATURED), None)
    if featured is not None and sizes.get(featured["id"]):
        caller = committee_users.get(featured["id"]) or street_users.get(featured["street_id"])
        clerk = caller
        # scenario 9: notice on day N, voting opens 15 days later, closed a month ago.
        notice = today - timedelta(days=75)
        opens, closes = _at(notice + timedelta(days=15), 9), _at(notice + timedelta(days=30), 18)
        m, entries = v.motion(estate=featured, title="关于解聘现物业服务企业并公开选聘新物业服务企业的表决",
                              matter=Matter.HIRE_OR_FIRE_MANAGER, notice=notice, opens=opens, closes=closes, caller=caller,
                              description="因物业服务质量长期不达标（诉求按时办结率低于 70%），业主委员会提请业主大会表决："
                                          "解聘现物业服务企业，并委托业主委员会公开招标选聘新物业服务企业。")
        dismissal = v.close(m, v.cast(m, entries, turnout=0.71, yes=0.57, abstain=0.05, clerk=clerk, until=closes))
        if dismissal["passed"]:
            _exit_case_after(featured, closes, street_users.get(featured["street_id"]) or caller)
        # open now: the resident login has not voted yet.
        notice = today - timedelta(days=18)
        opens, closes = _at(notice + timedelta(days=15), 9), _at(today + timedelta(days=12), 18)
        m, entries = v.motion(estate=featured, title="关于使用专项维修资金更换 3 号楼电梯的表决",
                              matter=Matter.USE_MAINTENANCE_FUND, notice=notice, opens=opens, closes=closes, caller=caller,
                              description="3 号楼两部电梯已运行 19 年，年检多次整改。拟使用专项维修资金约 86 万元更换，"
                                          "按各户专有部分面积分摊。施工方案及预算明细已在公告栏张贴。")
        skip = set(RollEntry.owners.through.objects.filter(rollentry__motion=m, owner_id=resident)
                   .values_list("rollentry_id", flat=True)) if resident else set()
        v.cast(m, entries, turnout=0.40, yes=0.7, abstain=0.06, clerk=clerk, until=now, skip=skip)
        # in its notice period: a major matter.
        notice = today - timedelta(days=5)
        v.motion(estate=featured, title="关于利用小区共有道路设置新能源汽车充电桩并对外经营的表决",
                 matter=Matter.CHANGE_COMMON_USE, notice=notice, opens=_at(notice + timedelta(days=15), 9),
                 closes=_at(notice + timedelta(days=29), 18), caller=caller,
                 description="拟在小区东侧共有道路旁设置 24 个充电车位，由第三方运营，场地收益计入公共收益。"
                             "本事项属改变共有部分用途并从事经营活动，须经参与表决面积和人数四分之三以上同意。")
        budget -= sizes[featured["id"]] * 8

    for e in estates:
        if budget <= 0:
            break
        if featured is not None and e["id"] == featured["id"]:
            continue
        if e["id"] not in with_committee or not sizes.get(e["id"]) or rng.random() >= OTHER_RATE:
            continue
        matter = rng.choices([m for m, _w in MATTER_WEIGHTS], [w for _m, w in MATTER_WEIGHTS])[0]
        notice = today - timedelta(days=rng.randint(60, 720))
        opens = _at(notice + timedelta(days=rng.randint(15, 20)), 9)
        closes = opens + timedelta(days=rng.randint(14, 30), hours=9)
        caller = committee_users.get(e["id"]) or street_users.get(e["street_id"])
        m, entries = v.motion(estate=e, title=rng.choice(TITLES[matter]), matter=matter, notice=notice, opens=opens,
                              closes=closes, caller=caller)
        turnout = rng.choice([0.55, 0.68, 0.72, 0.8, 0.86])
        yes = rng.uniform(0.45, 0.9)
        v.close(m, v.cast(m, entries, turnout=turnout, yes=yes, abstain=rng.uniform(0.02, 0.08), clerk=caller,
                          until=closes))
        budget -= int(sizes[e["id"]] * (2.1 + turnout))
    v.flush()
    counts = {"motion": v.motions, "rollentry": v.entries, "ballot": len(v.ballots), "motionevent": len(v.events),
              "rollentry_owners": RollEntry.owners.through.objects.filter(rollentry__motion_id__in=v.motion_ids).count()}
    say(f"  业主大会表决：{v.motions} 项，表决权人 {v.entries} 人次，选票 {len(v.ballots)} 张"
        f"（{time.monotonic() - started:.1f} 秒）")
    return counts
