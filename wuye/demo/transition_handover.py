"""The demo city's handover inspections (承接查验, issue 17 §2–4, item 13).

``build_demo_handover(scale=..., seed=..., now=..., city_id=..., say=...)`` writes, for newer
commercial estates (or phases) linked to their developer (``developers.DevelopedEstate``, written by
the developers step before this one), served by a company:

- ``COUNTS[scale]`` cases (small 24, city 72, megacity 240), spread over every step of the seven
  (物业承接查验办法 建房〔2010〕165号) plus 已交接待备案 and 已备案 — the demo company and the first
  district always have cases in several steps;
- the document checklist: before the documents step everything pending; after it each line
  received, or missing with a promised date (a few past it: recorded on the developer's record, as
  the daily sweep does);
- defects with location, responsible party and promised date once the site inspection started,
  all resolved after the rectification step;
- filing: the deadline by the period rules (``rules.filing_due``); some filed on time, some late,
  some overdue and unfiled (flagged, with the company's credit item BA01 as the sweep records it);
- early deliveries (about one case in six): delivery before the completion filing, or with none;
  the violation on the developer's record (``developers.services.record_violation``, automatic)
  and, where the district has an official and its construction and housing departments on the
  platform, the referral notice to those departments with its receipts.

Rows are written directly with the values the services would write (past dates cannot go through
the services' clock). The same seed, database and ``now`` give the same rows.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from wuye.accounts.models import Role, User
from wuye.campaign.notices.models import Notice, Receipt
from wuye.cases.models import UnitKind
from wuye.credit.auto import credit_event_auto
from wuye.registry.models import Estate
from wuye.territory.models import Department
from wuye.transition.developers.models import DevelopedEstate
from wuye.transition.developers.services import record_violation
from wuye.transition.handover.models import HandoverCase, HandoverDefect, HandoverDocument, HandoverEvent
from wuye.transition.handover.rules import early_delivery_kind, filing_due
from wuye.transition.handover.selectors import REFERRAL_KINDS
from wuye.transition.handover.sweep import FILING_RULE

MODELS = ("handover.HandoverCase", "handover.HandoverDocument", "handover.HandoverDefect", "handover.HandoverEvent")

COUNTS = {"small": 24, "city": 72, "megacity": 240}
S = HandoverCase.Status
D = HandoverDocument.Status
ORDER = [S.PLAN, S.DOCUMENTS, S.INSPECTION, S.RECTIFICATION, S.CONFIRMATION, S.AGREEMENT, S.HANDOVER, S.HANDED_OVER,
         S.FILED]
ACTIONS = ["plan_done", "documents_done", "inspection_done", "defects_resolved", "confirm", "sign", "hand_over", "file"]
# Weights of the steps: most cases are finished (filed), every step has some.
WEIGHTS = [2, 2, 2, 2, 1, 1, 1, 3, 6]
TZ = timezone.get_default_timezone()

DEFECTS = [
    ("structure", "{b}号楼屋面", "屋面防水层局部起鼓、渗水"),
    ("structure", "{b}号楼地下室", "地下室外墙渗漏，墙面返碱"),
    ("structure", "{b}号楼楼梯间", "楼梯扶手松动，栏杆间距超标"),
    ("equipment", "{b}号楼电梯机房", "电梯未取得使用登记证"),
    ("equipment", "地下泵房", "二次供水水箱无水质检测报告"),
    ("equipment", "{b}号楼配电室", "配电柜接地电阻未检测"),
    ("equipment", "消防控制室", "消防联动控制系统部分探测器报故障"),
    ("facility", "小区北门", "门禁系统不能识别业主卡"),
    ("facility", "中心绿地", "绿化补植未完成，部分苗木枯死"),
    ("facility", "地下车库", "车库照明不足，部分灯具不亮"),
    ("facility", "东侧道路", "雨水井盖缺失，路面沉降"),
    ("facility", "物业服务用房", "物业服务用房面积不足规划要求"),
]
RESPONSIBLE = ["建设单位", "施工总承包单位", "电梯供应商", "消防工程施工单位", "园林绿化施工单位"]
FIXES = ["已返修并复查合格", "已补办证照", "已更换设备并调试正常", "已补植完成", "已补测并出具报告"]
MISSING_NOTES = ["设计院尚未出图", "有线电视开通文件待办理", "设备厂家资料未到", "燃气准许使用文件在办理中"]


def _at(d: date, hour: int = 10) -> datetime:
    return datetime.combine(d, time(hour), tzinfo=TZ)


def _pick(rng: random.Random) -> str:
    return rng.choices(ORDER, weights=WEIGHTS)[0]


def _links(city_id: int) -> list[DevelopedEstate]:
    """Developed estates served by a company, newest estates first (handover inspection is for new ones)."""
    return list(DevelopedEstate.objects.filter(
        estate__district__city_id=city_id, estate__company__isnull=False, estate__kind=Estate.Kind.COMMERCIAL)
        .select_related("estate", "developer").order_by("-estate__year_built", "estate_id", "phase", "id"))


@dataclass
class Ctx:
    rng: random.Random
    now: datetime
    today: date
    officials: dict
    depts: dict
    counts: dict = field(default_factory=lambda: dict.fromkeys((
        "handover.HandoverCase", "handover.HandoverDocument", "handover.HandoverDefect", "handover.HandoverEvent",
        "handover.referral notices", "handover.referral receipts", "handover.developer violations", "handover.filing credit events"), 0))


def _dates(c: Ctx, status: str) -> dict:
    """The case's dates for its step: opened, completion filing, delivery, handover, filing."""
    rng, today = c.rng, c.today
    at = ORDER.index(status)
    opened = today - timedelta(days=rng.randint(20, 60) + (at * 12 if at >= 7 else at * 6))
    completion = opened - timedelta(days=rng.randint(10, 60))
    delivered = None
    if rng.random() < 0.17:  # early delivery: before the completion filing, or with none
        delivered = completion - timedelta(days=rng.randint(5, 40))
        if rng.random() < 0.4:
            completion = None
    elif at >= 6 or rng.random() < 0.3:
        delivered = min(opened + timedelta(days=rng.randint(15, 40)), today)
    handed = None
    if at >= 7:
        gap = rng.choice([5, 12, 20, 28, 45, 70, 110]) if status == S.HANDED_OVER else rng.randint(30, 160)
        handed = today - timedelta(days=gap)
    due = filing_due(handed)
    filed = None
    if status == S.FILED:
        late = rng.random() < 0.2
        filed = min(today, (due + timedelta(days=rng.randint(1, 15))) if late else handed + timedelta(days=rng.randint(3, 28)))
        filed = max(filed, handed)
    return {"at": at, "opened": opened, "completion": completion, "delivered": delivered, "handed": handed, "due": due,
            "filed": filed, "day": [opened + timedelta(days=6 * i) for i in range(8)]}


def _case(c: Ctx, link, status: str, actor, d: dict) -> HandoverCase:
    estate, at, day, filed = link.estate, d["at"], d["day"], d["filed"]
    kind = early_delivery_kind(delivered_on=d["delivered"], completion_filed_on=d["completion"])
    case = HandoverCase.objects.create(
        estate=estate, phase=link.phase, developer=link.developer, company_id=estate.company_id,
        district_id=estate.district_id, street_id=estate.street_id, status=status,
        completion_filed_on=d["completion"], delivered_on=d["delivered"], handed_over_on=d["handed"],
        early_delivery=bool(kind), early_kind=kind,
        plan_note=(f"查验范围：{estate.name}{link.phase}共用部位、共用设施设备；建设单位与物业服务企业各派 3 人，"
                   "采取核对资料、现场检查、仪器检测相结合的方式。") if at >= 1 else "",
        inspected_on=day[2] if at >= 3 else None, confirmed_on=day[4] if at >= 5 else None,
        agreement_signed_on=day[5] if at >= 6 else None,
        agreement_number=f"CJ{day[5]:%Y}-{estate.pk:05d}" if at >= 6 else "",
        filing_due=d["due"], filed_on=filed, filing_number=f"BA{filed:%Y%m}-{estate.pk:05d}" if filed else "",
        created_by=actor)
    HandoverCase.objects.filter(pk=case.pk).update(created_at=_at(d["opened"]), updated_at=_at(d["opened"]))
    c.counts["handover.HandoverCase"] += 1
    return case


def _events(case: HandoverCase, actor, d: dict, c: Ctx) -> list[HandoverEvent]:
    events = [HandoverEvent(case=case, action="open", to_status=S.PLAN, actor=actor, note="登记承接查验",
                            created_at=_at(d["opened"], 9))]
    for i in range(d["at"]):
        action = ACTIONS[i]
        when = d["filed"] if action == "file" else (d["handed"] if action == "hand_over" else d["day"][min(i + 1, 7)])
        events.append(HandoverEvent(case=case, action=action, from_status=ORDER[i], to_status=ORDER[i + 1], actor=actor,
                                    created_at=_at(min(when, c.today), 11)))
    return events


def _checklist(c: Ctx, case: HandoverCase, link, d: dict) -> None:
    rng, at, day = c.rng, d["at"], d["day"]
    docs = []
    kinds = [k for k in HandoverDocument.Kind.choices if k[0] != HandoverDocument.Kind.OTHER]
    for pos, (k, label) in enumerate(kinds):
        doc = HandoverDocument(case=case, kind=k, name=str(label), position=pos)
        if at >= 2 or (at == 1 and rng.random() < 0.5):
            if rng.random() < 0.15:
                doc.status, doc.promised_on = D.MISSING, day[1] + timedelta(days=rng.randint(10, 90))
                doc.note = rng.choice(MISSING_NOTES)
            else:
                doc.status, doc.received_on = D.RECEIVED, day[1]
        docs.append(doc)
    HandoverDocument.objects.bulk_create(docs)
    c.counts["handover.HandoverDocument"] += len(docs)
    for doc in docs:  # a missing document past its promised date: on the developer's record, as the sweep does
        if doc.status == D.MISSING and doc.promised_on < c.today:
            record_violation(developer=link.developer, kind="documents_withheld", estate=case.estate,
                             note=f"建设单位未按承诺于 {doc.promised_on} 前移交{case.estate.name}{link.phase}的“{doc.name}”（物业承接查验办法）",
                             automatic=True, source=f"handover-doc:{doc.pk}:{doc.promised_on}",
                             occurred_on=doc.promised_on + timedelta(days=1), now=c.now)
            HandoverDocument.objects.filter(pk=doc.pk).update(violation_at=_at(doc.promised_on + timedelta(days=1), 8))
            c.counts["handover.developer violations"] += 1


def _defects(c: Ctx, case: HandoverCase, actor, d: dict) -> None:
    rng, at, day = c.rng, d["at"], d["day"]
    if at < 2:
        return
    rows = []
    for j in range(rng.randint(1, 4) if at >= 3 else rng.randint(0, 2)):
        part, where, what = rng.choice(DEFECTS)
        fixed = at >= 4 or (at == 3 and rng.random() < 0.5)
        rows.append(HandoverDefect(
            case=case, part=part, location=where.format(b=rng.randint(1, 12)), description=what,
            responsible=rng.choice(RESPONSIBLE), promised_on=day[2] + timedelta(days=rng.randint(7, 30)),
            status="fixed" if fixed else "open", fixed_on=min(day[3] + timedelta(days=j), c.today) if fixed else None,
            fix_note=rng.choice(FIXES) if fixed else "", created_by=actor))
    HandoverDefect.objects.bulk_create(rows)
    c.counts["handover.HandoverDefect"] += len(rows)


def _referral(c: Ctx, case: HandoverCase, link, official, targets: list, sent: datetime, label: str, d: dict) -> HandoverEvent:
    estate = case.estate
    notice = Notice.objects.create(
        title=f"关于{estate.name}{link.phase}{label}的联合查处通知",
        body=(f"建设单位{link.developer.name}开发的{estate.name}{link.phase}交付业主日期为 {d['delivered']}，竣工验收备案日期为 "
              f"{d['completion'] or '（未备案）'}。依据《建设工程质量管理条例》第十六条，请依职责联合查处，并反馈查处情况。"),
        sender_kind=UnitKind.DISTRICT, sender_id=estate.district_id, sender_name=f"{estate.district.name}住房主管部门",
        created_by=official, ack_due=sent + timedelta(days=2), feedback_kind=Notice.FeedbackKind.TEXT,
        feedback_label="查处情况", feedback_due=sent + timedelta(days=21), supervision=False,
        source_kind="handover", source_id=case.pk, recipient_count=len(targets))
    Notice.objects.filter(pk=notice.pk).update(created_at=sent)
    receipts = []
    for dept in targets:
        r = Receipt(notice=notice, unit_kind=UnitKind.DEPARTMENT, unit_id=dept.pk, unit_name=dept.name[:200],
                    district_id=dept.district_id, created_at=sent, updated_at=sent)
        if sent + timedelta(days=1) <= c.now:
            r.status, r.read_at = Receipt.Status.ACKNOWLEDGED, sent + timedelta(hours=5)
            r.acknowledged_at = sent + timedelta(hours=6)
            if sent + timedelta(days=10) <= c.now and c.rng.random() < 0.7:
                r.fed_back_at = sent + timedelta(days=c.rng.randint(3, 10))
                r.feedback_text = c.rng.choice(["已立案调查，责令建设单位限期整改", "已约谈建设单位，督促补办竣工验收备案",
                                                "已依法处以罚款并记入信用档案"])
        receipts.append(r)
    Receipt.objects.bulk_create(receipts)
    HandoverCase.objects.filter(pk=case.pk).update(referral_notice=notice, referred_at=sent)
    c.counts["handover.referral notices"] += 1
    c.counts["handover.referral receipts"] += len(receipts)
    return HandoverEvent(case=case, action="refer", from_status=S.PLAN, to_status=S.PLAN, actor=official,
                         note="移交" + "、".join(x.name for x in targets) + "联合查处", created_at=sent)


def _early(c: Ctx, case: HandoverCase, link, actor, d: dict) -> list[HandoverEvent]:
    """建设工程质量管理条例 第十六条: the violation on the developer's record and the referral."""
    if not case.early_kind:
        return []
    estate = case.estate
    label = case.get_early_kind_display()
    fact = (f"{estate.name}{link.phase}于 {d['delivered']} 交付业主，"
            + (f"早于竣工验收备案日期 {d['completion']}" if d["completion"] else "未办理竣工验收备案") + "（建设工程质量管理条例第十六条）")
    record_violation(developer=link.developer, kind=case.early_kind, estate=estate, note=fact, automatic=True,
                     source=f"handover:{case.pk}:{case.early_kind}", occurred_on=d["opened"], now=c.now)
    c.counts["handover.developer violations"] += 1
    out = [HandoverEvent(case=case, action="early_delivery", from_status=S.PLAN, to_status=S.PLAN, actor=actor,
                         note=f"{label}：{fact}", created_at=_at(d["opened"], 9))]
    official = c.officials.get(estate.district_id)
    targets = c.depts.get(estate.district_id) or c.depts.get(None) or []
    if official is not None and targets:
        out.append(_referral(c, case, link, official, targets, _at(d["opened"] + timedelta(days=1), 10), label, d))
    return out


def _filing(c: Ctx, case: HandoverCase, status: str, d: dict) -> list[HandoverEvent]:
    """An overdue filing is flagged with the company's credit item, as the daily sweep records them."""
    due, handed, estate = d["due"], d["handed"], case.estate
    if status != S.HANDED_OVER or due is None:
        return []
    if due >= c.today:
        if due <= c.today + timedelta(days=7):
            HandoverCase.objects.filter(pk=case.pk).update(filing_reminded_at=_at(max(due - timedelta(days=7), handed), 8))
        return []
    text = f"{estate.company.name} 未在 {due} 前办理{estate.name}{case.phase}的承接查验备案（物业交接日期 {handed}）"
    HandoverCase.objects.filter(pk=case.pk).update(filing_overdue_at=_at(due + timedelta(days=1), 8))
    if credit_event_auto(company=estate.company, rule_code=FILING_RULE, source_key=f"handover-filing:{case.pk}",
                         occurred_on=due + timedelta(days=1), description=text, estate=estate, district=estate.district_id,
                         source_url=f"/handovers/{case.pk}/", evidence=f"承接查验记录：交接日期 {handed}，备案期限 {due}") is not None:
        c.counts["handover.filing credit events"] += 1
    return [HandoverEvent(case=case, action="filing_overdue", from_status=status, to_status=status, note=text,
                          created_at=_at(due + timedelta(days=1), 8))]


def _chosen(rng: random.Random, links: list, n: int, demo_company, first_district) -> list:
    favoured = [x for x in links if x.estate.company_id == demo_company or x.estate.district_id == first_district]
    chosen = favoured[: n // 2]
    taken = {x.pk for x in chosen}
    rest = [x for x in links if x.pk not in taken]
    chosen += rng.sample(rest, min(n - len(chosen), len(rest)))
    return sorted(chosen, key=lambda x: x.pk)


def build_demo_handover(*, scale: str = "small", seed: int = 2026, now: datetime | None = None, city_id: int,
                        say: Callable[[str], None] | None = None) -> dict[str, int]:
    now = now or timezone.now()
    rng = random.Random(f"handover-{seed}")
    links = _links(city_id)
    if not links:
        return {}
    demo_company = User.objects.filter(username="company").values_list("company_id", flat=True).first()
    first_district = User.objects.filter(username="district").values_list("district_id", flat=True).first()
    chosen = _chosen(rng, links, min(COUNTS.get(scale, COUNTS["small"]), len(links)), demo_company, first_district)
    depts: dict = {}
    for dept in Department.objects.filter(kind__in=REFERRAL_KINDS).order_by("kind", "id"):
        depts.setdefault(dept.district_id, []).append(dept)
    c = Ctx(rng=rng, now=now, today=timezone.localdate(now), depts=depts, officials={
        u.district_id: u for u in User.objects.filter(is_active=True, role=Role.DISTRICT).order_by("-id")})
    company_users = {u.company_id: u for u in User.objects.filter(
        is_active=True, role__in=(Role.COMPANY_MANAGER, Role.COMPANY_STAFF)).order_by("-id")}
    # the first cases cover every step twice over (the demo logins' among them), the rest drawn by weight
    steps = [ORDER[i % len(ORDER)] if i < 2 * len(ORDER) else _pick(rng) for i in range(len(chosen))]
    for link, status in zip(chosen, steps, strict=True):
        actor = company_users.get(link.estate.company_id)
        d = _dates(c, status)
        case = _case(c, link, status, actor, d)
        events = _events(case, actor, d, c)
        _checklist(c, case, link, d)
        _defects(c, case, actor, d)
        events += _early(c, case, link, actor, d)
        events += _filing(c, case, status, d)
        HandoverEvent.objects.bulk_create(events)
        c.counts["handover.HandoverEvent"] += len(events)
    return c.counts
