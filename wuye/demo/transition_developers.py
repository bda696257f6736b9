"""The demo city's developers (建设单位) and their record (issue 17 §1, item 13).

- ``COUNTS[scale]`` developers (small 20, city 60, megacity 160) with valid unified social credit
  codes (GB 32100-2015), legal representatives and contacts; about one in four registered by a
  district, the rest by the city bureau;
- every commercial estate of the city linked to the developer that built it; about one estate in
  four was built in two phases (一期 / 二期), now and then by two developers;
- violations of every kind on about a third of the developers, in every state of the shared credit
  workflow (draft, reviewed, in notice, objected — the objection entered by the official on the
  developer's behalf —, confirmed, withdrawn), each with its timeline; the confirmed ones are on
  the public list at /developers/public/.

Rows are written directly (past dates cannot go through the services' clock), with the values the
services would write (``services.record_violation`` / ``violation_act``). The same seed, database
and ``now`` give the same rows.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils import timezone

from wuye.accounts.models import Role, User
from wuye.core.calendar import PeriodUnit, add_period
from wuye.demo import identifiers as ids
from wuye.demo import names as N
from wuye.registry.models import Estate
from wuye.territory.models import District
from wuye.transition.developers.models import (
    DevelopedEstate,
    Developer,
    DeveloperViolation,
    DeveloperViolationLog,
)

MODELS = ("developers.Developer", "developers.DevelopedEstate", "developers.DeveloperViolation",
          "developers.DeveloperViolationLog")

COUNTS = {"small": 20, "city": 60, "megacity": 160}
S = DeveloperViolation.Status
K = DeveloperViolation.Kind
NOTICE_WORKDAYS = 5  # CreditSettings.notice_workdays' default (rules.md §9)

NOTES = {
    K.ILLEGAL_SALE: ["未取得商品房预售许可证即以认购、预订等方式收取购房款。", "销售时未公示全部准售房源，捂盘惜售。",
                     "商品房销售广告中承诺的配套设施与规划不符。"],
    K.EARLY_DELIVERY: ["交付日期早于竣工验收备案日期，向业主提前交房。", "部分楼栋在竣工验收备案前即组织集中交房。"],
    K.UNACCEPTED_DELIVERY: ["未经竣工验收即将房屋交付业主使用。", "消防验收未通过即交付业主入住。"],
    K.DOCUMENTS_WITHHELD: ["拒不向物业服务企业移交竣工总平面图和设备竣工图。", "共用设施设备清单及维护资料逾期未移交。"],
    K.GARAGES_WITHHELD: ["拒不移交物业服务用房。", "地下车库及配套用房未按规划移交，长期自行出租。"],
    K.WARRANTY_REFUSED: ["保修期内屋面渗漏，经多次通知拒不维修。", "外墙保温层脱落，拒不履行保修责任。"],
}
EVIDENCE = ["现场检查记录、业主交房通知书复印件", "竣工验收备案表、交付公告照片", "承接查验记录、书面催告函及回执",
            "业主投诉记录、维修通知及送达回证"]
OBJECTIONS = ["建设单位书面异议：已于事后补办竣工验收备案，请求撤销。", "建设单位书面异议：资料已于近期移交，附移交清单。"]
DECISIONS_REJECT = ["经核实，补办手续不改变交付时未经验收的事实，异议不成立。", "移交清单与查验记录不符，异议不成立。"]
DECISIONS_UPHOLD = ["经核实，资料已按期移交，异议成立，予以撤销。"]
LEGAL_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
# The states of the shared workflow, weighted: most violations are settled.
STATES = [(S.CONFIRMED, 40), (S.NOTICE, 14), (S.OBJECTED, 8), (S.DRAFT, 12), (S.REVIEWED, 8), (S.WITHDRAWN, 18)]


def _person(rng: random.Random) -> str:
    return rng.choice(LEGAL_SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _developers(rng: random.Random, n: int, districts: list[District], officials: dict, now: datetime) -> list[Developer]:
    used_names: set[str] = set()
    used_codes: set[str] = set(Developer.objects.values_list("credit_code", flat=True))
    rows = []
    for _i in range(n):
        district = rng.choice(districts)
        for _attempt in range(50):
            name = N.CITY_NAME + rng.choice(N.COMPANY_BRAND_CHARS) + rng.choice(N.COMPANY_BRAND_CHARS) + rng.choice(
                N.DEVELOPER_KINDS)
            if name not in used_names:
                break
        used_names.add(name)
        code = ids.credit_code(rng, region=district.code[:6], new_style=True)
        while code in used_codes:
            code = ids.credit_code(rng, region=district.code[:6], new_style=True)
        used_codes.add(code)
        by_district = rng.random() < 0.25 and officials.get(district.pk) is not None
        created = now - timedelta(days=rng.randint(200, 900))
        rows.append(Developer(
            name=name, credit_code=code, legal_representative=_person(rng),
            address=f"{N.CITY_NAME}{district.name}{rng.choice(['建设路', '人民路', '解放路', '新华街', '中山路'])}{rng.randint(1, 300)}号",
            contact_name=_person(rng), contact_phone=ids.mobile(rng),
            district=district if by_district else None,
            created_by=officials.get(district.pk) if by_district else officials.get("city"),
            created_at=created, updated_at=created))
    return Developer.objects.bulk_create(rows)


def _links(rng: random.Random, devs: list[Developer], estates: list[Estate]) -> list[DevelopedEstate]:
    rows = []
    for estate in estates:
        dev = rng.choice(devs)
        if rng.random() < 0.25:
            rows.append(DevelopedEstate(developer=dev, estate=estate, phase="一期"))
            second = dev if rng.random() < 0.8 else rng.choice(devs)
            rows.append(DevelopedEstate(developer=second, estate=estate, phase="二期"))
        else:
            rows.append(DevelopedEstate(developer=dev, estate=estate, phase=""))
    return DevelopedEstate.objects.bulk_create(rows, batch_size=2000)


def _pick_state(rng: random.Random) -> str:
    total = sum(w for _s, w in STATES)
    r = rng.uniform(0, total)
    for state, w in STATES:
        r -= w
        if r <= 0:
            return state
    return S.CONFIRMED


def _violations(rng: random.Random, devs: list[Developer], links: list[DevelopedEstate], officials: dict,
                now: datetime) -> tuple[int, int]:
    by_dev: dict[int, list[DevelopedEstate]] = {}
    for link in links:
        by_dev.setdefault(link.developer_id, []).append(link)
    city = officials.get("city")
    made: list[tuple[DeveloperViolation, list[tuple]]] = []
    chosen = [d for d in devs if by_dev.get(d.pk) and rng.random() < 0.4]
    # Every state at least once: the first developers walk through the states in order.
    forced = [s for s, _w in STATES]
    for n, dev in enumerate(chosen):
        for m in range(rng.randint(1, 3)):
            state = forced[n] if m == 0 and n < len(forced) else _pick_state(rng)
            link = rng.choice(by_dev[dev.pk])
            estate = link.estate
            official = officials.get(estate.district_id) or city
            kind = rng.choice(K.values)
            automatic = kind in (K.EARLY_DELIVERY, K.UNACCEPTED_DELIVERY) and rng.random() < 0.5 and state != S.DRAFT \
                and state != S.REVIEWED
            # Days back from now: the settled ones long ago, the running ones lately.
            age = rng.randint(60, 500) if state in (S.CONFIRMED, S.WITHDRAWN) else rng.randint(3, 4)
            created = now - timedelta(days=age, hours=rng.randint(0, 8))
            occurred = timezone.localdate(created) - timedelta(days=rng.randint(0, 30))
            note = rng.choice(NOTES[kind])
            v = DeveloperViolation(
                developer=dev, kind=kind, estate=estate, district_id=estate.district_id, note=note,
                evidence="" if automatic else rng.choice(EVIDENCE), occurred_on=occurred,
                source=DeveloperViolation.Source.AUTO if automatic else DeveloperViolation.Source.MANUAL,
                source_key=f"demo:{dev.pk}:{m}" if automatic else "", recorded_by=None if automatic else official,
                created_at=created, updated_at=created, status=state)
            logs: list[tuple] = []
            t = created
            if automatic:
                logs.append(("auto", "", S.NOTICE, None, note, t))
                v.notice_start, v.notice_end = t, add_period(t, NOTICE_WORKDAYS, PeriodUnit.WORKING_DAYS)
                status = S.NOTICE
            else:
                logs.append(("record", "", S.DRAFT, official, note, t))
                status = S.DRAFT
                if state != S.DRAFT:
                    t += timedelta(hours=rng.randint(2, 30))
                    reviewer = city if official != city else (officials.get(estate.district_id) or city)
                    logs.append(("review", S.DRAFT, S.REVIEWED, reviewer, "", t))
                    v.reviewed_by = reviewer
                    status = S.REVIEWED
                if state not in (S.DRAFT, S.REVIEWED) and not (state == S.WITHDRAWN and rng.random() < 0.3):
                    t += timedelta(hours=rng.randint(1, 20))
                    logs.append(("publish", S.REVIEWED, S.NOTICE, official, "", t))
                    v.notice_start, v.notice_end = t, add_period(t, NOTICE_WORKDAYS, PeriodUnit.WORKING_DAYS)
                    status = S.NOTICE
            if state in (S.OBJECTED, S.CONFIRMED, S.WITHDRAWN) and status == S.NOTICE and (
                    state != S.CONFIRMED or rng.random() < 0.3):
                t += timedelta(days=1)
                logs.append(("object", S.NOTICE, S.OBJECTED, official, rng.choice(OBJECTIONS), t))
                status = S.OBJECTED
                if state == S.CONFIRMED:
                    t += timedelta(days=1)
                    logs.append(("reject", S.OBJECTED, S.NOTICE, city, rng.choice(DECISIONS_REJECT), t))
                    status = S.NOTICE
                elif state == S.WITHDRAWN:
                    t += timedelta(days=1)
                    reason = rng.choice(DECISIONS_UPHOLD)
                    logs.append(("uphold", S.OBJECTED, S.WITHDRAWN, city, reason, t))
                    v.withdrawn_reason = "异议成立：" + reason
                    status = S.WITHDRAWN
            if state == S.CONFIRMED and status == S.NOTICE:
                t = v.notice_end + timedelta(minutes=10)
                logs.append(("confirm", S.NOTICE, S.CONFIRMED, None, "公示期满无异议，予以确认", t))
                v.confirmed_at = t
                status = S.CONFIRMED
            if state == S.WITHDRAWN and status != S.WITHDRAWN:
                t += timedelta(days=1)
                reason = "经复核，违规事实证据不足，予以撤销。"
                logs.append(("withdraw", status, S.WITHDRAWN, city, reason, t))
                v.withdrawn_reason = reason
                status = S.WITHDRAWN
            v.status = status
            v.version = len(logs) - 1
            v.updated_at = t
            made.append((v, logs))
    DeveloperViolation.objects.bulk_create([v for v, _logs in made])
    log_rows = [DeveloperViolationLog(violation=v, action=a, from_status=f, to_status=to, actor=actor, note=note,
                                      created_at=at)
                for v, logs in made for a, f, to, actor, note, at in logs]
    DeveloperViolationLog.objects.bulk_create(log_rows, batch_size=2000)
    return len(made), len(log_rows)


def build_demo_developers(*, scale: str = "small", seed: int = 2026, now: datetime | None = None, city_id: int,
                          say: Callable[[str], None] | None = None) -> dict[str, int]:
    now = now or timezone.now()
    rng = random.Random(f"developers-{seed}")
    districts = list(District.objects.filter(city_id=city_id).order_by("code", "pk"))
    if not districts:
        return {}
    officials: dict = {"city": User.objects.filter(is_active=True, role=Role.CITY).order_by("id").first()}
    for u in User.objects.filter(is_active=True, role=Role.DISTRICT, district__city_id=city_id).order_by("id"):
        officials.setdefault(u.district_id, u)
    devs = _developers(rng, COUNTS.get(scale, COUNTS["small"]), districts, officials, now)
    estates = list(Estate.objects.filter(district__city_id=city_id, kind=Estate.Kind.COMMERCIAL)
                   .only("pk", "district_id").order_by("pk"))
    links = _links(rng, devs, estates)
    n_violations, n_logs = _violations(rng, devs, links, officials, now)
    return {"developers.Developer": len(devs), "developers.DevelopedEstate": len(links),
            "developers.DeveloperViolation": n_violations, "developers.DeveloperViolationLog": n_logs}
