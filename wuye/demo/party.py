"""Demo Party building, joint meetings and committee supervision (issue 19 items 1–6, item 10).

``build_demo_party(scale=..., seed=..., now=..., city_id=..., say=...)`` adds to the demo city:

- a Party organisation for every community with estates, and estate branches (支部建在小区上)
  covering a realistic share of estates (most estates with a committee, some without), each with a
  few Party-member owners recorded with their consent;
- a year of three-party joint meetings in the estates with a committee (most quarters; some
  quarters missed, so the flag has estates to show), their decisions as follow-up items in every
  state (open, in progress, done, cancelled; some overdue) with their timelines;
- committee meetings and decisions with guidance opinions (agree / advise / object), decisions
  still waiting for review, and one correction order (责令改正) answered by the committee;
- owners' questions and objections: answered ones, open ones, and one escalated to the street.

The demo logins' estate (the ``committee`` and ``resident`` users) and community always get them.
Rows are written in bulk (``BulkWriter``); the same seed and ``now`` give the same rows.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from wuye.accounts.models import Role, User
from wuye.core.calendar import PeriodUnit, add_period, period_last_day
from wuye.governance.committees.models import (
    CommitteeDecision,
    CommitteeMeeting,
    CommitteeSettings,
    ConflictDeclaration,
    DecisionEvent,
    GuidanceOpinion,
    OwnerQuestion,
    QuestionEvent,
)
from wuye.governance.party.models import FollowUp, FollowUpEvent, JointMeeting, PartyMember, PartyOrganisation
from wuye.registry.models import CommitteeMember, Estate, OwnersCommittee, Ownership
from wuye.territory.models import Community

from . import names as N
from .bulk import BulkWriter, timestamp

SH = ZoneInfo("Asia/Shanghai")
GIVEN = ["建国", "秀兰", "志强", "红梅", "卫东", "丽华", "海燕", "国庆", "淑珍", "文斌"]
MEETING_ESTATES = {"small": 40, "city": 160, "megacity": 400}
DECISION_COMMITTEES = {"small": 25, "city": 80, "megacity": 200}
F = FollowUp.Status
D = CommitteeDecision.Status
Q = OwnerQuestion.Status

AGENDAS = [
    ("小区外墙渗水维修", "物业服务企业在一个月内完成3号楼外墙渗水维修，维修方案报业委会备案"),
    ("电动自行车集中充电", "物业服务企业在东门增设电动自行车集中充电桩，社区协调供电部门"),
    ("停车收费方案公示", "业委会牵头将停车收费调整方案在小区公告栏和线上公示15日"),
    ("楼道杂物清理", "社区组织党员志愿者配合物业服务企业开展楼道杂物清理"),
    ("公共收益使用公示", "物业服务企业按季度公示公共收益收支，业委会审核确认"),
    ("加装电梯意见征集", "业委会组织2号楼业主就加装电梯征集意见，社区提供政策指导"),
    ("垃圾分类督导", "物业服务企业在早晚高峰安排垃圾分类督导员，社区党员志愿者轮值"),
    ("消防通道违停整治", "物业服务企业每日巡查消防通道，街道协调综合执法处理违停"),
    ("绿化补植", "物业服务企业在雨季前完成中心花园绿化补植"),
    ("监控设备更新", "物业服务企业提出监控设备更新方案，提请业委会审议"),
]
OWNER_UNITS = ["company", "company", "company", "committee", "community", "street"]
DECISIONS = [
    ("contract", "督促物业服务企业整改保洁问题", "根据业主反映，书面督促物业服务企业在十五日内整改楼道保洁不到位问题。"),
    ("routine", "执行业主大会关于充电桩建设的决定", "按业主大会决定，与供电部门对接充电桩安装事宜。"),
    ("convene", "召开年度业主大会会议", "定于下季度召开年度业主大会会议，报告业委会年度工作。"),
    ("statute_enforcement", "督促违规搭建业主限期拆除", "依据管理规约第十条，书面督促违规搭建的业主限期拆除。"),
    ("dispute", "协调物业费催缴纠纷", "组织物业服务企业与欠费业主面谈，了解欠费原因。"),
    ("other", "聘请会计师事务所审计公共收益", "经业主大会授权，聘请会计师事务所对上一年度公共收益进行审计。"),
    ("contract", "要求物业服务企业公示服务标准", "要求物业服务企业在公告栏公示合同约定的服务标准和收费标准。"),
]
QUESTIONS = [
    ("question", "审计费用由哪项资金支出？请公示金额。", "审计费用从公共收益中列支，金额8,000元，已在公告栏公示。"),
    ("objection", "该决定未在业主群征求意见，程序不当。", "已于本周补充公示并征求意见，公示期满后再执行。"),
    ("question", "整改期限到期后如何验收？", "由业委会会同社区现场验收，验收结果在公告栏公示。"),
    ("question", "会议纪要能否在线上公开？", "会议纪要已同步在平台公开，业主可随时查阅。"),
]
REVIEW_REASONS = {"advise": "建议补充业主意见征集情况后再执行。", "object": "该事项涉及公共收益使用，未经业主大会授权，建议暂缓。"}


def _at(d: date, hour: int, rng: random.Random) -> datetime:
    return datetime.combine(d, time(hour, rng.randint(0, 59)), tzinfo=SH)


class PartyBuilder:
    def __init__(self, *, scale: str, seed: int, now: datetime | None, city_id: int, say: Callable[[str], None]):
        self.scale = scale if scale in MEETING_ESTATES else "small"
        self.rng = random.Random(f"{seed}:party")
        self.now = (now or timezone.now()).astimezone(SH).replace(microsecond=0)
        self.today = self.now.date()
        self.city_id = city_id
        self.say = say
        w = self.w = BulkWriter()
        self.t_org = w.table(PartyOrganisation, ["id", "level", "name", "community_id", "parent_id", "secretary_id",
                                                 "secretary_name", "secretary_phone", "founded_on", "active",
                                                 "created_at", "updated_at"])
        self.t_org_estate = w.table(PartyOrganisation.estates.through, ["id", "partyorganisation_id", "estate_id"])
        self.t_member = w.table(PartyMember, ["id", "organisation_id", "owner_id", "consent_on", "joined_on",
                                              "recorded_by_id", "created_at", "updated_at"])
        self.t_meeting = w.table(JointMeeting, ["id", "estate_id", "community_id", "street_id", "district_id", "company_id",
                                                "committee_id", "organisation_id", "held_at", "place", "agenda",
                                                "attendees", "street_invited", "departments_invited", "minutes",
                                                "recorded_by_id", "created_at", "updated_at"])
        self.t_followup = w.table(FollowUp, ["id", "meeting_id", "number", "decision", "owner_unit", "deadline", "status",
                                             "result", "done_at", "reminded_at", "overdue_notified_at", "version",
                                             "created_at", "updated_at"])
        self.t_fevent = w.table(FollowUpEvent, ["id", "followup_id", "action", "from_status", "to_status", "actor_id",
                                                "note", "created_at"])
        self.t_cmeeting = w.table(CommitteeMeeting, ["id", "committee_id", "estate_id", "held_on", "title", "attendees",
                                                     "minutes", "attachment", "recorded_by_id", "created_at", "updated_at"])
        self.t_decision = w.table(CommitteeDecision, ["id", "committee_id", "estate_id", "meeting_id", "number", "title",
                                                      "body", "matter", "decided_on", "status", "review_due", "reviewed_at",
                                                      "correction_reason", "correction_due", "correction_answer",
                                                      "recorded_by_id", "version", "created_at", "updated_at"])
        self.t_devent = w.table(DecisionEvent, ["id", "decision_id", "action", "from_status", "to_status", "actor_id",
                                                "note", "created_at"])
        self.t_opinion = w.table(GuidanceOpinion, ["id", "decision_id", "opinion", "reasons", "unit_name", "given_by_id",
                                                   "given_at"])
        self.t_question = w.table(OwnerQuestion, ["id", "decision_id", "estate_id", "owner_id", "asked_by_id", "kind",
                                                  "text", "status", "due_at", "answer", "answered_at", "escalated_at",
                                                  "version", "created_at", "updated_at"])
        self.t_qevent = w.table(QuestionEvent, ["id", "question_id", "action", "from_status", "to_status", "actor_id",
                                                "note", "created_at"])
        self.t_conflict = w.table(ConflictDeclaration, ["id", "committee_id", "member_id", "company_id", "kind", "detail",
                                                        "declared_on", "recorded_by_id"])

    # ---------------------------------------------------------------- reading the city

    def load(self) -> None:
        self.estates = {e["id"]: e for e in Estate.objects.filter(district__city_id=self.city_id).values(
            "id", "name", "street_id", "community_id", "district_id", "company_id").order_by("id")}
        self.committees = {c["estate_id"]: c for c in OwnersCommittee.objects.filter(
            estate_id__in=list(self.estates), is_current=True).values("id", "estate_id").order_by("id")}
        self.communities = list(Community.objects.filter(id__in={e["community_id"] for e in self.estates.values()})
                                .values("id", "name").order_by("id"))
        self.users: dict[tuple[str, int], int] = {}
        demo: dict[str, dict] = {}
        for u in (User.objects.filter(is_active=True, role__in=[Role.STREET, Role.COMMUNITY, Role.COMMITTEE,
                                                                Role.COMPANY_MANAGER, Role.RESIDENT])
                  .values("id", "username", "role", "street_id", "community_id", "estate_id", "company_id", "owner_id")
                  .order_by("id")):
            if u["username"] in ("street", "community", "committee", "company", "resident", "manager"):
                demo[u["username"]] = u
            key = {Role.STREET: ("street", u["street_id"]), Role.COMMUNITY: ("community", u["community_id"]),
                   Role.COMMITTEE: ("committee", u["estate_id"]), Role.COMPANY_MANAGER: ("company", u["company_id"])}.get(u["role"])
            if key and key[1] and (key not in self.users or u["username"] in ("street", "community", "committee")):
                self.users[key] = u["id"]
        self.demo = demo
        resident = demo.get("resident")
        self.resident_estates = set()
        if resident and resident["owner_id"]:
            self.resident_estates = set(Ownership.objects.filter(owner_id=resident["owner_id"]).values_list("estate_id", flat=True))
        committee_user = demo.get("committee")
        self.featured = sorted({committee_user["estate_id"]} if committee_user and committee_user["estate_id"] else set()
                               | (self.resident_estates & set(self.committees)))
        self.settings = CommitteeSettings.current()

    def owners_of(self, estate_ids) -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        rows = (Ownership.objects.filter(estate_id__in=list(estate_ids), owner__kind="person")
                .values_list("estate_id", "owner_id").order_by("estate_id", "id"))
        for estate_id, owner_id in rows.iterator(chunk_size=20_000):
            lst = out[estate_id]
            if len(lst) < 12 and owner_id not in lst:
                lst.append(owner_id)
        return out

    # ---------------------------------------------------------------- Party organisations

    def person(self) -> str:
        return self.rng.choice(N.SURNAMES)[0] + self.rng.choice(GIVEN)

    def organisations(self, owners: dict[int, list[int]]) -> None:
        rng = self.rng
        stamp = timestamp(self.now)
        self.community_org: dict[int, int] = {}
        for c in self.communities:
            oid = self.w.next_id(PartyOrganisation)
            self.community_org[c["id"]] = oid
            founded = self.today - timedelta(days=rng.randint(900, 5000))
            self.t_org.append((oid, "community", f"{c['name']}党委", c["id"], None, self.users.get(("community", c["id"])),
                               self.person(),
                               f"139{rng.randint(10000000, 99999999)}", founded.isoformat(), True, stamp, stamp))
        self.branch_estates: set[int] = set()
        for eid, e in self.estates.items():
            share = 0.62 if eid in self.committees else 0.18
            if eid not in self.featured and rng.random() >= share:
                continue
            oid = self.w.next_id(PartyOrganisation)
            self.branch_estates.add(eid)
            founded = self.today - timedelta(days=rng.randint(60, 1500))
            self.t_org.append((oid, "estate", f"{e['name']}党支部", e["community_id"], self.community_org[e["community_id"]],
                               None, self.person(),
                               f"138{rng.randint(10000000, 99999999)}", founded.isoformat(), True, stamp, stamp))
            self.t_org_estate.append((self.w.next_id(PartyOrganisation.estates.through), oid, eid))
            for owner_id in owners.get(eid, [])[: rng.randint(2, 6)]:
                consent = founded + timedelta(days=rng.randint(0, 50))
                self.t_member.append((self.w.next_id(PartyMember), oid, owner_id, consent.isoformat(),
                                      consent.isoformat(), self.users.get(("community", e["community_id"])), stamp, stamp))

    # ---------------------------------------------------------------- joint meetings

    def _fevent(self, fid, action, frm, to, actor, note, at) -> None:
        self.t_fevent.append((self.w.next_id(FollowUpEvent), fid, action, frm, to, actor, note, timestamp(at)))

    def meetings(self) -> int:
        rng = self.rng
        with_committee = sorted(self.committees)
        others = [e for e in with_committee if e not in self.featured]
        picks = self.featured + sorted(rng.sample(others, min(len(others), MEETING_ESTATES[self.scale])))
        n = 0
        for eid in picks:
            e = self.estates[eid]
            recorder = self.users.get(("community", e["community_id"])) or self.users.get(("street", e["street_id"]))
            for quarter in range(4):  # the four quarters before today, newest first
                if eid not in self.featured and rng.random() < 0.18:
                    continue  # a quarter without a meeting: flagged
                day = self.today - timedelta(days=quarter * 91 + rng.randint(5, 80))
                held = _at(day, rng.choice([9, 10, 14, 15, 19]), rng)
                mid = self.w.next_id(JointMeeting)
                items = rng.sample(AGENDAS, rng.randint(1, 3))
                invited = rng.random() < 0.3
                self.t_meeting.append((
                    mid, eid, e["community_id"], e["street_id"], e["district_id"], e["company_id"],
                    self.committees[eid]["id"], self.community_org.get(e["community_id"]), timestamp(held),
                    rng.choice(["社区党群服务中心", "小区议事厅", "物业服务中心会议室"]), "；".join(a for a, _d in items),
                    "社区党组织书记、业委会主任及委员、物业项目经理" + ("、街道城建科" if invited else ""), invited,
                    "综合执法队" if invited and rng.random() < 0.5 else "",
                    "三方就" + "、".join(a for a, _d in items) + "进行协商，形成决定如下：" +
                    "；".join(d for _a, d in items) + "。", recorder, timestamp(held), timestamp(held)))
                for num, (_a, text) in enumerate(items, start=1):
                    self.followup(mid, num, text, held, e, recorder)
                n += 1
        return n

    def followup(self, mid, num, text, held: datetime, e, recorder) -> None:
        rng = self.rng
        fid = self.w.next_id(FollowUp)
        unit = rng.choice(OWNER_UNITS if e["company_id"] else ["committee", "community", "street"])
        deadline = held.date() + timedelta(days=rng.choice([15, 30, 45, 60]))
        owner_user = self.users.get({"company": ("company", e["company_id"]), "committee": ("committee", e["id"]),
                                     "community": ("community", e["community_id"]),
                                     "street": ("street", e["street_id"])}[unit])
        age = (self.today - held.date()).days
        r = rng.random()
        if age > 120:
            status = F.CANCELLED if r < 0.06 else (F.IN_PROGRESS if r < 0.12 else F.DONE)
        elif age > 45:
            status = F.DONE if r < 0.6 else (F.IN_PROGRESS if r < 0.85 else (F.OPEN if r < 0.95 else F.CANCELLED))
        else:
            status = F.OPEN if r < 0.5 else (F.IN_PROGRESS if r < 0.85 else F.DONE)
        done_at = result = None
        started = held + timedelta(days=rng.randint(1, 5))
        if status in (F.IN_PROGRESS, F.DONE) and started < self.now:
            self._fevent(fid, "start", F.OPEN, F.IN_PROGRESS, owner_user, "", started)
        elif status in (F.IN_PROGRESS, F.DONE):
            status = F.OPEN
        if status == F.DONE:
            done_at = min(started + timedelta(days=rng.randint(3, 40)), self.now - timedelta(hours=1))
            result = "已按会议决定办结，现场照片已存档。"
            self._fevent(fid, "complete", F.IN_PROGRESS, F.DONE, owner_user, result, done_at)
        if status == F.CANCELLED:
            at = min(held + timedelta(days=rng.randint(5, 30)), self.now - timedelta(hours=1))
            self._fevent(fid, "cancel", F.OPEN, F.CANCELLED, recorder, "情况变化，经三方协商不再办理", at)
        overdue = status in (F.OPEN, F.IN_PROGRESS) and deadline < self.today
        stamp = timestamp(held)
        self.t_followup.append((fid, mid, num, text, unit, deadline.isoformat(), status, result or "",
                                timestamp(done_at) if done_at else None, stamp if deadline <= self.today + timedelta(days=3) else None,
                                timestamp(self.now) if overdue else None, 0, stamp, stamp))

    # ---------------------------------------------------------------- committee decisions and questions

    def _devent(self, did, action, frm, to, actor, note, at) -> None:
        self.t_devent.append((self.w.next_id(DecisionEvent), did, action, frm, to, actor, note, timestamp(at)))

    def decisions(self, owners: dict[int, list[int]]) -> int:
        rng = self.rng
        others = [e for e in sorted(self.committees) if e not in self.featured]
        picks = self.featured + sorted(rng.sample(others, min(len(others), DECISION_COMMITTEES[self.scale])))
        s = self.settings
        n = 0
        correction_done = escalated_done = False
        resident = self.demo.get("resident")
        for idx, eid in enumerate(picks):
            e, c = self.estates[eid], self.committees[eid]
            member_user = self.users.get(("committee", eid))
            community_user = self.users.get(("community", e["community_id"]))
            street_user = self.users.get(("street", e["street_id"]))
            mday = self.today - timedelta(days=rng.randint(20, 300))
            cmid = self.w.next_id(CommitteeMeeting)
            self.t_cmeeting.append((cmid, c["id"], eid, mday.isoformat(), f"{e['name']}业主委员会第{rng.randint(3, 30)}次会议",
                                    "全体委员", "会议审议了近期工作事项，形成决定若干项。", "", member_user,
                                    timestamp(_at(mday, 19, rng)), timestamp(_at(mday, 19, rng))))
            for k in range(rng.randint(1, 3) if eid not in self.featured else 3):
                matter, title, body = DECISIONS[(idx + k) % len(DECISIONS)]
                pending = eid in self.featured and k == 2  # the demo logins see one waiting for review
                decided = mday if k == 0 else self.today - timedelta(days=1 if pending else rng.randint(1, 200))
                recorded_at = _at(decided, 20, rng)
                review_due = period_last_day(decided, s.review_days, s.review_unit)
                did = self.w.next_id(CommitteeDecision)
                status, reviewed_at = D.RECORDED, None
                corr = ("", None, "")
                if not pending and (review_due < self.today or rng.random() < 0.5):
                    opinion = rng.choice(["agree", "agree", "agree", "advise", "object"])
                    status = {"agree": D.AGREED, "advise": D.ADVISED, "object": D.OBJECTED}[opinion]
                    reviewed_at = min(recorded_at + timedelta(days=rng.randint(1, 8)), self.now - timedelta(hours=2))
                    reviewer = rng.choice([u for u in (community_user, street_user) if u] or [None])
                    unit = "社区居委会" if reviewer == community_user else "街道办事处"
                    self.t_opinion.append((self.w.next_id(GuidanceOpinion), did, opinion, REVIEW_REASONS.get(opinion, ""),
                                           unit, reviewer, timestamp(reviewed_at)))
                    self._devent(did, "review", D.RECORDED, status, reviewer, REVIEW_REASONS.get(opinion, ""), reviewed_at)
                    if opinion == "object" and not correction_done and reviewed_at + timedelta(days=3) < self.now:
                        correction_done = True
                        ordered = reviewed_at + timedelta(days=1)
                        due = period_last_day(ordered.date(), s.correction_days, PeriodUnit.CALENDAR_DAYS)
                        reason = "该决定动用公共收益聘请审计，未经业主大会授权，违反管理规约第八条，责令改正。"
                        self._devent(did, "order_correction", status, D.CORRECTION, street_user, reason, ordered)
                        answer = "已暂停执行，将提请业主大会表决后再实施。"
                        self._devent(did, "answer_correction", D.CORRECTION, D.ANSWERED, member_user, answer,
                                     min(ordered + timedelta(days=2), self.now - timedelta(hours=1)))
                        status, corr = D.ANSWERED, (reason, due.isoformat(), answer)
                self.t_decision.append((did, c["id"], eid, cmid if k == 0 else None, f"业委决〔{decided.year}〕{k + 1 + idx % 9}号",
                                        title, body, matter, decided.isoformat(), status, review_due.isoformat(),
                                        timestamp(reviewed_at) if reviewed_at else None, corr[0], corr[1], corr[2],
                                        member_user, len([x for x in (reviewed_at, corr[1]) if x]),
                                        timestamp(recorded_at), timestamp(recorded_at)))
                n += 1
                self.questions(did, e, owners.get(eid, []), recorded_at, member_user, resident, force_escalate=not escalated_done)
                escalated_done = escalated_done or bool(self._escalated)
        return n

    _escalated = False

    def questions(self, did, e, estate_owners, recorded_at, member_user, resident, *, force_escalate: bool) -> None:
        rng = self.rng
        if not estate_owners or rng.random() > 0.55:
            return
        s = self.settings
        for _i in range(rng.randint(1, 2)):
            kind, text, answer = rng.choice(QUESTIONS)
            asked = min(recorded_at + timedelta(days=rng.randint(1, 10)), self.now - timedelta(days=1))
            due = add_period(asked, s.answer_days, s.answer_unit)
            own = resident and resident["owner_id"] in estate_owners or (resident and e["id"] in self.resident_estates)
            owner_id, asker = (resident["owner_id"], resident["id"]) if own and rng.random() < 0.5 else (rng.choice(estate_owners), None)
            qid = self.w.next_id(OwnerQuestion)
            status, answered_at, escalated_at, ans = Q.OPEN, None, None, ""
            if due < self.now and force_escalate and not self._escalated:
                status, escalated_at, self._escalated = Q.ESCALATED, due + timedelta(minutes=15), True
                self.t_qevent.append((self.w.next_id(QuestionEvent), qid, "escalate", Q.OPEN, Q.ESCALATED, None, "", timestamp(escalated_at)))
            elif due < self.now or rng.random() < 0.5:
                answered_at = min(asked + timedelta(days=rng.randint(1, 6)), self.now - timedelta(hours=1))
                status, ans = Q.ANSWERED, answer
                self.t_qevent.append((self.w.next_id(QuestionEvent), qid, "answer", Q.OPEN, Q.ANSWERED, member_user, answer,
                                      timestamp(answered_at)))
            self.t_question.append((qid, did, e["id"], owner_id, asker, kind, text, status, timestamp(due), ans,
                                    timestamp(answered_at) if answered_at else None,
                                    timestamp(escalated_at) if escalated_at else None, 1 if status != Q.OPEN else 0,
                                    timestamp(asked), timestamp(asked)))

    def conflicts(self) -> int:
        rng = self.rng
        members = list(CommitteeMember.objects.filter(committee_id__in=[c["id"] for c in self.committees.values()])
                       .values("id", "committee_id", "committee__estate_id").order_by("id")[:2000])
        picks = sorted(rng.sample(members, min(len(members), 3)), key=lambda m: m["id"])
        for m in picks:
            e = self.estates[m["committee__estate_id"]]
            kind, detail = rng.choice([("employed", "兼任服务本小区的物业服务企业客服主管"),
                                       ("contract", "本人经营的保洁公司与物业服务企业有分包合同")])
            self.t_conflict.append((self.w.next_id(ConflictDeclaration), m["committee_id"], m["id"], e["company_id"], kind,
                                    detail, (self.today - timedelta(days=rng.randint(10, 200))).isoformat(),
                                    self.users.get(("committee", e["id"]))))
        return len(picks)

    def build(self) -> dict[str, int]:
        self.load()
        owners = self.owners_of(sorted(self.committees))
        self.organisations(owners)
        meetings = self.meetings()
        decisions = self.decisions(owners)
        self.conflicts()
        self.w.finish()
        counts = {m._meta.model_name: n for m, n in self.w.counts.items()}
        self.say(f"    党支部 {len(self.branch_estates):,} 个，三方联席会议 {meetings:,} 次，业委会决定 {decisions:,} 项")
        return counts


def build_demo_party(*, scale: str, seed: int, now: datetime | None, city_id: int,
                     say: Callable[[str], None] | None = None) -> dict[str, int]:
    """Add Party building, joint meetings and committee supervision to the demo city (inside the
    demo's transaction). Returns the number of rows written per model."""
    return PartyBuilder(scale=scale, seed=seed, now=now, city_id=city_id, say=say or (lambda text: None)).build()
