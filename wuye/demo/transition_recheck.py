"""The demo city's 回头看 and clue reports (issue 17 §10–11, item 13), by the real services.

- a finished 回头看 of last year's clean-up in the first district (the previous year when it has
  closed records to sample, else the current one): drawn from a seed derived from the demo seed,
  every re-check recorded — about one in five relapsed, each with a note and a photo, which files a
  new rectification order or complaint and a credit event — then finished, and its report drafted as
  a bulletin by the city bureau;
- a second district's 回头看 still under way (about half recorded);
- a few confidential clue reports in every state, the police's outcome on the concluded ones.

The same seed and database give the same campaigns, samples and results.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wuye.accounts.models import Role, User
from wuye.cases.models import Category, Complaint
from wuye.cases.models import Status as CS
from wuye.core.errors import ServiceError
from wuye.registry.models import PropertyCompany
from wuye.territory.models import Department, District
from wuye.transition.recheck import clues
from wuye.transition.recheck import draw as draw_algo
from wuye.transition.recheck import selectors as recheck_selectors
from wuye.transition.recheck import services as svc
from wuye.transition.recheck.models import Recheck, RecheckCampaign, RecheckPhoto

MODELS = ("recheck.RecheckCampaign", "recheck.CampaignEvent", "recheck.Recheck", "recheck.RecheckPhoto",
          "recheck.ClueReport", "recheck.ClueEvent")

SAMPLE = {"small": (6, 6), "city": (12, 12), "megacity": (20, 20)}
RELAPSE_NOTES = [
    "复查发现原整改部位再次出现同样问题，现场照片附后。",
    "消防通道又被杂物占用，物业未落实日常巡查。",
    "垃圾桶周边再次散落垃圾，清运频次未保持。",
    "楼道灯再次损坏，报修后超过一周未修复。",
]
FIXED_NOTES = ["现场核实整改保持良好。", "已回访业主，问题未再出现。", "设施运行正常，台账完整。"]
CLUES = [
    ("person", "有人以暴力、威胁手段强行收取物业费，多名业主被围堵。", "confirmed"),
    ("company", "小区车位被人员把持，强迫业主高价租用，拒绝者车辆被堵。", "unfounded"),
    ("person", "有人自称“管事的”，垄断小区装修材料运输，强收搬运费。", "investigating"),
    ("company", "物业公司纵容社会人员在小区内开设赌场。", "received"),
]


def _png(rng: random.Random) -> SimpleUploadedFile:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (rng.randrange(256), rng.randrange(256), rng.randrange(256))).save(buf, format="PNG")
    return SimpleUploadedFile("relapse.png", buf.getvalue(), content_type="image/png")


def _year(now: datetime, district_id: int, category_ids: list[int]) -> int:
    last = timezone.localdate(now).year - 1
    if draw_algo.order_candidates(year=last, district_id=district_id) or draw_algo.complaint_candidates(
            year=last, district_id=district_id, category_ids=category_ids):
        return last
    return last + 1


def _categories(district_id: int) -> list[Category]:
    """The three public categories with the most closed complaints in the district."""
    from django.db.models import Count

    ids = list(Complaint.objects.filter(district_id=district_id, status=CS.CLOSED, confidential=False)
               .values("category_id").annotate(n=Count("id")).order_by("-n", "category_id")
               .values_list("category_id", flat=True)[:3])
    return list(Category.objects.filter(pk__in=ids).order_by("sort_order", "id"))


def _campaign(*, district: District, official, city, rng, scale: str, now: datetime, seed: int, share: float,
              finish: bool) -> RecheckCampaign | None:
    cats = _categories(district.pk)
    year = _year(now, district.pk, [c.pk for c in cats])
    orders, complaints = SAMPLE.get(scale, SAMPLE["small"])
    try:
        c = svc.campaign_create(actor=official, name=f"{district.name}{year}年度整治成果“回头看”", year=year,
                                district=district, categories=cats, order_count=orders,
                                complaint_count=complaints if cats else 0, now=now)
    except ServiceError:
        return None  # nothing to sample in this district
    svc.campaign_draw(actor=official, campaign=c, seed=f"demo-{seed}-{district.code}-{year}", now=now - timedelta(days=20))
    rows = list(Recheck.objects.filter(campaign=c).select_related("assignee").order_by("position"))
    relapsed = 0
    for n, r in enumerate(rows):
        if rng.random() > share:
            continue
        actor = r.assignee or official
        at = now - timedelta(days=18 - (n % 15), hours=rng.randrange(8))
        if rng.random() < 0.2 or (finish and relapsed == 0 and n == len(rows) - 1):
            relapsed += 1
            svc.recheck_record(actor=actor, recheck=r, result="relapsed", note=rng.choice(RELAPSE_NOTES),
                               photos=[_png(rng)], now=at)
        else:
            svc.recheck_record(actor=actor, recheck=r, result="fixed", note=rng.choice(FIXED_NOTES), now=at)
    if finish:
        c.refresh_from_db()
        svc.campaign_finish(actor=official, campaign=c, now=now - timedelta(days=2))
        if city is not None:
            svc.campaign_report(actor=city, campaign=c, now=now)
    return c


def _clues(*, city_id: int, rng, now: datetime) -> int:
    districts = list(District.objects.filter(city_id=city_id).order_by("code"))
    companies = list(PropertyCompany.objects.order_by("id")[:20])
    reporters = list(User.objects.filter(is_active=True, role__in=[Role.RESIDENT, Role.STREET, Role.COMMUNITY])
                     .order_by("role", "id")[:10])
    officers = list(User.objects.filter(is_active=True, role=Role.DEPARTMENT, department__kind=Department.Kind.POLICE)
                    .select_related("department").order_by("id"))
    if not (districts and companies and reporters):
        return 0
    made = 0
    for n, (target, content, end) in enumerate(CLUES):
        district = districts[n % len(districts)]
        company = companies[rng.randrange(len(companies))] if target == "company" else None
        clue = clues.clue_file(actor=reporters[n % len(reporters)], target=target, company=company,
                               person_name="" if company else "刘某某", district=district, content=content,
                               location="", now=now - timedelta(days=30 - n * 5))
        made += 1
        # The police who may act on this clue: its district's or the city's (the first by id).
        police = next((p for p in officers if recheck_selectors.clue_actor_kinds(p, clue)), None)
        if police is None or end == "received":
            continue
        clues.clue_accept(actor=police, clue=clue)
        if end == "unfounded":
            clues.clue_conclude(actor=police, clue=clue, confirmed=False, outcome="经调查走访，未发现涉黑涉恶违法犯罪事实。")
        elif end == "confirmed":
            clues.clue_conclude(actor=police, clue=clue, confirmed=True,
                                outcome="经查证属实，刘某某纠集人员暴力收费，已依法立案侦查。")
    return made


def build_demo_recheck(*, scale: str = "small", seed: int = 2026, now: datetime | None = None, city_id: int,
                       say: Callable[[str], None] | None = None) -> dict[str, int]:
    now = now or timezone.now()
    rng = random.Random(f"recheck-{seed}")
    city = User.objects.filter(username="city").first() or User.objects.filter(role=Role.CITY).order_by("id").first()
    made: list[RecheckCampaign] = []
    for n, district in enumerate(District.objects.filter(city_id=city_id).order_by("code")[:2]):
        official = (User.objects.filter(is_active=True, role=Role.DISTRICT, district=district).order_by("id").first())
        if official is None:
            continue
        c = _campaign(district=district, official=official, city=city, rng=rng, scale=scale, now=now, seed=seed,
                      share=1.0 if n == 0 else 0.5, finish=n == 0)
        if c is not None:
            made.append(c)
    clue_count = _clues(city_id=city_id, rng=rng, now=now)
    rechecks = Recheck.objects.filter(campaign__in=made)
    return {"recheck.RecheckCampaign": len(made), "recheck.Recheck": rechecks.count(),
            "recheck.RecheckPhoto": RecheckPhoto.objects.filter(recheck__in=rechecks).count(),
            "recheck.ClueReport": clue_count}
