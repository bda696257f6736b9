"""Demo rule-making (issue 19 items 7–8): the library of normative documents and the draft
《X市物业管理条例》 with a closed consultation and its published summary (意见采纳情况).

``build_demo_rulemaking(scale=..., seed=..., now=..., city_id=..., say=...)`` writes:

- the library: the regulation (the 2012 text, repealed when the new one takes effect, and the new
  text from the consultation), the star-rated service standard (two versions, the newer linked to
  the inspection standard in use), and guidance documents;
- the draft regulation: consulted for 30 days ending about three months before ``now``, with
  comments from the public (SMS-verified), residents' accounts and units (departments, districts,
  companies, owners' committees) on its articles, two abusive ones hidden with a reason, every
  visible one answered, and the summary published with the final text;
- a second draft (the common-income rules) whose consultation is open at ``now``, with a few
  comments not yet answered.

Rows are written directly (the past dates of a finished consultation cannot go through the
services' clock), with the values the services would write. Comments: small 40, city 120,
megacity 240. The same seed and ``now`` give the same rows.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from wuye.accounts.models import Role, User
from wuye.core.calendar import PeriodUnit
from wuye.registry.models import Estate, PropertyCompany
from wuye.rulemaking.models import Comment, DocumentVersion, Draft, DraftEvent, NormativeDocument
from wuye.supervision.models import Standard
from wuye.territory.models import City, Department, District

COUNTS = {"small": 40, "city": 120, "megacity": 240}
TZ = timezone.get_default_timezone()

ARTICLES = [
    ("第一条", "为了规范物业管理活动，维护业主、物业服务人和其他相关主体的合法权益，营造安全、舒适、文明、和谐的居住环境，根据《中华人民共和国民法典》《物业管理条例》等法律、行政法规，结合本市实际，制定本条例。"),
    ("第二条", "本市行政区域内的物业管理及其监督管理活动，适用本条例。"),
    ("第三条", "物业管理纳入社区治理体系，坚持党的领导，推动建立党组织领导下的居民委员会、业主委员会和物业服务人协商共治机制。"),
    ("第八条", "街道办事处、乡镇人民政府负责组织、指导本辖区业主大会成立和业主委员会选举，指导和监督业主大会、业主委员会依法履行职责。"),
    ("第十二条", "物业服务人应当每年第一季度公示上一年度公共部位经营收益收支情况，公示期不少于十五日。"),
    ("第十八条", "业主委员会委员中中共党员的比例原则上不低于百分之五十。"),
    ("第二十五条", "物业服务人应当建立二十四小时服务电话，对业主报修的急修事项三十分钟内到达现场。"),
    ("第三十一条", "物业服务收费实行明码标价，在物业管理区域显著位置公示服务内容、服务标准、收费项目和收费标准。"),
    ("第四十条", "市住房和城乡建设主管部门建立物业服务企业信用评价体系，评价结果向社会公开，并作为招投标和评优的依据。"),
    ("第五十二条", "物业服务人违反本条例第十二条规定，未按时公示公共收益的，由区住房和城乡建设主管部门责令限期改正；逾期未改正的，处一万元以上五万元以下罚款。"),
]
PUBLIC_COMMENTS = [
    ("第十二条", "建议公示期延长到三十日，并要求在小区公众号同步公示。"),
    ("第十二条", "建议明确公共收益按季度公示，不只是每年一次。"),
    ("第二十五条", "三十分钟到场对老旧小区的物业难以做到，建议区分急修类别。"),
    ("第二十五条", "希望写明电梯困人必须十五分钟内到场。"),
    ("第三十一条", "建议把停车费也纳入明码标价的范围。"),
    ("第十八条", "党员比例的要求建议改为“鼓励”，避免选不出足够的委员。"),
    ("第四十条", "信用评价结果建议向业主公开具体扣分原因。"),
    ("第五十二条", "罚款数额偏低，建议提高到十万元。"),
    ("总体意见", "条例整体很好，希望尽快出台。"),
    ("第八条", "建议明确街道在业委会换届时限内未组织选举的责任。"),
]
UNIT_COMMENTS = [
    ("department", "第三十一条", "建议与价格主管部门的明码标价规定保持一致，增加“价格举报电话 12358”的公示要求。"),
    ("department", "第二十五条", "建议增加消防通道日常巡查的要求，并明确物业服务人的报告义务。"),
    ("district", "第八条", "建议明确区住房主管部门对街道指导工作的监督职责。"),
    ("district", "第五十二条", "建议对情节严重的，增加记入信用档案的规定。"),
    ("company", "第二十五条", "急修到场时限建议按城区和郊区分别规定。"),
    ("company", "第十二条", "公共收益公示建议允许通过平台统一公示，不再重复张贴。"),
    ("committee", "第十八条", "本小区党员业主较少，建议比例要求留有弹性。"),
    ("committee", "第十二条", "建议业委会可以查阅公共收益的原始凭证。"),
]
ABUSE = ["广告：专业疏通下水道，电话 138xxxxxxxx", "（辱骂内容，已屏蔽）"]
REASONS = {
    Comment.Answer.ADOPTED: ["已采纳，相关条款已修改。", "已采纳，在条例中增加相应规定。"],
    Comment.Answer.PARTLY: ["部分采纳：原则要求写入条例，具体标准由实施细则规定。", "部分采纳：已调整表述，保留原有框架。"],
    Comment.Answer.NOT_ADOPTED: ["未采纳：与上位法规定不一致。", "未采纳：属于物业服务合同约定事项，不宜在条例中统一规定。",
                                "未采纳：相关内容已由其他法规规定。"],
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "桂英", "建华"]


def _at(d: date, rng: random.Random) -> datetime:
    return datetime.combine(d, time(rng.randint(8, 21), rng.randint(0, 59)), tzinfo=TZ)


def _body() -> str:
    return "\n".join(f"{a}　{t}" for a, t in ARTICLES)


def _library(now: datetime, draft: Draft) -> int:
    """The documents and their versions; returns the number of versions written."""
    today = timezone.localdate(now)
    effective = today + timedelta(days=60)
    regulation = NormativeDocument.objects.create(code="WYTL", title="X市物业管理条例", kind=NormativeDocument.Kind.REGULATION,
                                                  issuer="X市人民代表大会常务委员会",
                                                  summary="本市物业管理的地方性法规；新条例经公开征求意见后公布。")
    old = "\n".join(f"{a}　{t}" for a, t in ARTICLES[:4])
    DocumentVersion.objects.create(document=regulation, version=1, doc_number="X市人大常委会公告第12号", text=old,
                                   effective_on=date(2012, 3, 1), repealed_on=effective, note="原条例")
    DocumentVersion.objects.create(document=regulation, version=2, doc_number="X市人大常委会公告第58号",
                                   text=draft.final_text, effective_on=effective, draft=draft, note="经公开征求意见后修订")
    draft.document = regulation
    draft.save(update_fields=["document"])
    standard = NormativeDocument.objects.create(code="XJBZ", title="住宅小区物业服务星级评价标准", kind=NormativeDocument.Kind.STANDARD,
                                                issuer="市住房保障房产局", summary="物业服务星级评定和日常检查的依据。")
    in_use = Standard.objects.filter(status=Standard.Status.PUBLISHED).order_by("code", "-version").first()
    v2_start = (timezone.localdate(in_use.published_at) if in_use and in_use.published_at else today - timedelta(days=365))
    DocumentVersion.objects.create(document=standard, version=1, doc_number="示住房规〔2021〕3号", text="（2021 年版标准正文）",
                                   effective_on=date(2021, 7, 1), repealed_on=v2_start, note="首版")
    DocumentVersion.objects.create(document=standard, version=2, doc_number="示住房规〔2025〕1号",
                                   text="按综合管理、公共区域秩序、清洁卫生、绿化养护、设施设备五个部分，逐项规定服务内容、分值和扣分规则。",
                                   effective_on=v2_start, standard=in_use, note="与平台现行检查标准一致")
    versions = 4
    for code, title, text, start in [
        ("GYSY", "关于加强住宅小区公共收益管理的指导意见", "物业服务人应当单独列账核算公共收益，每季度向业主公示。", date(2024, 5, 1)),
        ("YWHZY", "业主大会和业主委员会指导规则实施细则", "街道办事处、乡镇人民政府负责业主大会成立和业主委员会选举的组织指导。", date(2023, 9, 1)),
        ("XYPJ", "物业服务企业信用评价管理办法", "信用等级分为 AAA、AA、A、B、C 五个等级，每年评定一次。", date(2025, 1, 1)),
    ]:
        doc = NormativeDocument.objects.create(code=code, title=title, kind=NormativeDocument.Kind.GUIDANCE, issuer="市住房保障房产局")
        DocumentVersion.objects.create(document=doc, version=1, doc_number=f"示住房规〔{start.year}〕{len(code)}号", text=text,
                                       effective_on=start)
        versions += 1
    return versions


def _units(city: City) -> dict[str, list[tuple[int, str]]]:
    return {
        "department": list(Department.objects.filter(district__city=city).order_by("pk").values_list("pk", "name")[:20]),
        "district": list(District.objects.filter(city=city).order_by("pk").values_list("pk", "name")),
        "company": list(PropertyCompany.objects.order_by("pk").values_list("pk", "name")[:40]),
        "committee": [(pk, f"{name}业主委员会") for pk, name in
                      Estate.objects.filter(committees__isnull=False).order_by("pk").values_list("pk", "name").distinct()[:40]],
    }


def build_demo_rulemaking(*, scale: str = "small", seed: int = 2026, now: datetime | None = None, city_id: int,
                          say: Callable[[str], None] | None = None) -> dict[str, int]:
    rng = random.Random(f"{seed}:rulemaking")
    now = now or timezone.now()
    today = timezone.localdate(now)
    city = City.objects.get(pk=city_id)
    city_user = User.objects.filter(username="city").first() or User.objects.filter(role=Role.CITY).order_by("pk").first()
    residents = list(User.objects.filter(role=Role.RESIDENT).order_by("pk")[:30])
    units = {k: v for k, v in _units(city).items() if v}

    opens = today - timedelta(days=150)
    closes = opens + timedelta(days=30)
    body = _body()
    draft = Draft.objects.create(
        title="X市物业管理条例（草案征求意见稿）", body=body, office="市住房保障房产局",
        explanation="为贯彻落实住宅小区物业服务质量提升三年行动，总结本市物业管理实践，起草了本草案。"
                    "草案共十章，重点规定党建引领、业主自治、物业服务和监督管理。",
        consultation_opens=opens, consultation_closes=closes, period_unit=PeriodUnit.CALENDAR_DAYS,
        status=Draft.Status.PUBLISHED, created_by=city_user)
    comments: list[Comment] = []
    n = COUNTS.get(scale, COUNTS["small"])
    for _i in range(n):
        day = opens + timedelta(days=rng.randint(0, 30))
        kind = rng.random()
        if kind < 0.25 and units:
            unit_kind = rng.choice(sorted(units))
            pk, name = rng.choice(units[unit_kind])
            texts = [c for c in UNIT_COMMENTS if c[0] == unit_kind] or UNIT_COMMENTS
            _k, article, text = rng.choice(texts)
            comments.append(Comment(draft=draft, article=article, text=text, source=Comment.Source.UNIT, author_name=name,
                                    unit_kind=unit_kind, unit_id=pk, created_at=_at(day, rng)))
            continue
        article, text = rng.choice(PUBLIC_COMMENTS)
        if kind < 0.55 and residents:
            u = rng.choice(residents)
            comments.append(Comment(draft=draft, article=article, text=text, source=Comment.Source.ACCOUNT, user=u,
                                    author_name=u.full_name or u.username, created_at=_at(day, rng)))
        else:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            phone = f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
            comments.append(Comment(draft=draft, article=article, text=text, source=Comment.Source.PUBLIC, author_name=name,
                                    phone=phone, created_at=_at(day, rng)))
    for text in ABUSE:
        comments.append(Comment(draft=draft, article="总体意见", text=text, source=Comment.Source.PUBLIC,
                                author_name=rng.choice(SURNAMES) + "某", phone=f"13{rng.randint(100000000, 999999999)}",
                                created_at=_at(opens + timedelta(days=rng.randint(0, 30)), rng), hidden=True,
                                hidden_reason="广告或辱骂内容，与草案无关", hidden_by=city_user,
                                hidden_at=_at(closes, rng)))
    answered_at = datetime.combine(closes + timedelta(days=20), time(10), tzinfo=TZ)
    choices = [Comment.Answer.ADOPTED] * 3 + [Comment.Answer.PARTLY] * 3 + [Comment.Answer.NOT_ADOPTED] * 4
    for c in comments:
        if not c.hidden:
            c.answer = rng.choice(choices)
            c.answer_reason = rng.choice(REASONS[c.answer])
            c.answered_by, c.answered_at = city_user, answered_at
    Comment.objects.bulk_create(comments)
    visible = [c for c in comments if not c.hidden]
    counts = {a: sum(1 for c in visible if c.answer == a) for a in Comment.Answer.values}
    draft.final_text = body.replace("公示期不少于十五日", "公示期不少于三十日").replace("三十分钟内到达现场", "按急修类别在规定时限内到达现场")
    draft.summary = (f"征求意见期间共收到有效意见 {len(visible)} 条，其中采纳 {counts['adopted']} 条、部分采纳 {counts['partly']} 条、"
                     f"未采纳 {counts['not_adopted']} 条。主要修改：公共收益公示期延长为三十日；急修到场时限按类别规定。")
    draft.published_at = datetime.combine(closes + timedelta(days=30), time(9, 30), tzinfo=TZ)
    draft.version = 3
    draft.save()
    DraftEvent.objects.bulk_create([
        DraftEvent(draft=draft, action="open", from_status="draft", to_status="consulting", actor=city_user,
                   note=f"征求意见期 {opens} 至 {closes}", created_at=datetime.combine(opens, time(9), tzinfo=TZ)),
        DraftEvent(draft=draft, action="close", from_status="consulting", to_status="closed", actor=None,
                   note="征求意见期届满", created_at=datetime.combine(closes + timedelta(days=1), time(0, 5), tzinfo=TZ)),
        DraftEvent(draft=draft, action="publish", from_status="closed", to_status="published", actor=city_user,
                   created_at=draft.published_at),
    ])
    versions = _library(now, draft)

    # A second draft, open now: the common-income rules.
    open_opens = today - timedelta(days=10)
    income_doc = NormativeDocument.objects.get(code="GYSY")
    second = Draft.objects.create(
        title="X市住宅小区公共收益管理办法（征求意见稿）", office="市住房保障房产局", document=income_doc,
        body="第一条　为规范住宅小区公共收益的管理，制定本办法。\n第二条　公共收益应当单独列账。\n第三条　物业服务人应当每季度公示公共收益收支情况。",
        explanation="将指导意见上升为规范性文件，细化公示和使用程序。",
        consultation_opens=open_opens, consultation_closes=open_opens + timedelta(days=30),
        period_unit=PeriodUnit.CALENDAR_DAYS, status=Draft.Status.CONSULTING, version=1, created_by=city_user)
    DraftEvent.objects.create(draft=second, action="open", from_status="draft", to_status="consulting", actor=city_user,
                              created_at=datetime.combine(open_opens, time(9), tzinfo=TZ))
    fresh = []
    for _i in range(min(8, n // 5)):
        day = open_opens + timedelta(days=rng.randint(0, 9))
        article = rng.choice(["第二条", "第三条", "总体意见"])
        fresh.append(Comment(draft=second, article=article, text=rng.choice(["建议每月公示。", "建议公示原始凭证。", "支持。"]),
                             source=Comment.Source.PUBLIC, author_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                             phone=f"139{rng.randint(10000000, 99999999)}", created_at=_at(day, rng)))
    Comment.objects.bulk_create(fresh)
    return {"draft": 2, "draftevent": 4, "comment": len(comments) + len(fresh), "normativedocument": 5,
            "documentversion": versions}
