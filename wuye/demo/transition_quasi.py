"""The demo city's 准物业 bought by the streets (issue 17 §8–9, item 13).

For the streets of the first districts whose old compounds are under (or due for) 准物业: a
purchase contract for the year ending next month — bought by the street, or by one of its
communities — with a property company of the registry or a community service organisation, the
three baseline duties with their items, and a year of monthly checks of each duty in each covered
compound: about one check in fourteen failed, each with a photo and a rectification request, most
rectified (a few late, a few sent back once), the latest still open or awaiting the re-check.

The demo street's first contract covers the demo community's compounds and is served by the demo
company, so that the ``street``, ``community`` and ``company`` logins all see it.

Rows are written directly (a past check cannot go through the services' clock), with the values
the services would write — the signing too: the compounds' management mode and, for a company
provider, their service contract (which routes their complaints to it), as ``contract_sign`` writes
them through the registry, without an audit row per generated record. Contracts: small 4, city 12,
megacity 30. The same seed and database give the same rows.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from wuye.accounts.models import Role, User
from wuye.core.calendar import PeriodUnit, add_months, month_start, period_last_day
from wuye.core.money import money
from wuye.core.uploads import clean_image
from wuye.registry.models import Estate, PropertyCompany, ServiceContract
from wuye.territory.models import District, Street
from wuye.transition.quasi.models import (
    DEFAULT_ITEMS,
    CheckPhoto,
    ContractDuty,
    ContractEstate,
    ContractEvent,
    Duty,
    MonthlyCheck,
    QuasiContract,
    Rectification,
    RectificationEvent,
    ServiceOrganisation,
)

MODELS = ("quasi.ServiceOrganisation", "quasi.QuasiContract", "quasi.ContractEstate", "quasi.ContractDuty",
          "quasi.MonthlyCheck", "quasi.CheckPhoto", "quasi.Rectification", "quasi.RectificationEvent",
          "quasi.ContractEvent")

CONTRACTS = {"small": 4, "city": 12, "megacity": 30}
MAX_ESTATES = 8
FAIL_RATE = 1 / 14
TZ = timezone.get_default_timezone()

ORG_NAMES = ["社区服务中心", "邻里互助服务社", "便民服务合作社", "社区综合服务站"]
PROBLEMS = {
    Duty.SECURITY: ["夜间未按约定巡逻，巡查记录缺失", "消防通道被杂物和电动车堵塞", "单元门禁损坏后未及时报修",
                    "门岗无人值守超过两小时"],
    Duty.CLEANING: ["楼道堆放杂物，地面有明显垃圾", "垃圾桶满溢，清运不及时", "院内卫生死角有积存垃圾",
                    "小广告未清理"],
    Duty.FACILITIES: ["楼道灯多处不亮，报修后未修复", "雨水管道堵塞，院内积水", "单元门闭门器损坏",
                      "路灯损坏超过一周未维修"],
}
REPLIES = ["已整改，现场照片已留存", "已安排专人处理，问题已消除", "已完成维修并加强日常巡查", "已增加频次并落实台账"]
ITEM_EXTRAS = {Duty.SECURITY: "重大节日加密巡逻", Duty.CLEANING: "冬季积雪清扫", Duty.FACILITIES: "汛期前排水设施检查"}


def _png(rng: random.Random):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (rng.randrange(256), rng.randrange(256), rng.randrange(256))).save(buf, format="PNG")
    return clean_image(SimpleUploadedFile("check.png", buf.getvalue(), content_type="image/png"))


def _org_code(rng: random.Random, region: str) -> str:
    from stdnum.cn import uscc

    from .identifiers import organisation_code

    stem = "52" + region + organisation_code(rng, new_style=True)  # 民政 · 民办非企业单位
    return stem + uscc.calc_check_digit(stem)


def _at(d: date, hour: int) -> datetime:
    return datetime.combine(d, time(hour, 0), tzinfo=TZ)


def _streets(city_id: int, limit: int) -> list[Street]:
    """Streets with old compounds, the demo street first, then by district and code."""
    demo = User.objects.filter(username="street", role=Role.STREET).values_list("street_id", flat=True).first()
    streets = list(Street.objects.filter(district__city_id=city_id, estates__kind=Estate.Kind.OLD_COMPOUND)
                   .distinct().order_by("district__code", "code"))
    streets.sort(key=lambda s: (s.pk != demo,))
    return streets


def _estates(street: Street, rng: random.Random, demo_community_id: int | None) -> list[Estate]:
    """The street's old compounds under 准物业 or without any management (not those with a company)."""
    qs = list(Estate.objects.filter(street=street, kind=Estate.Kind.OLD_COMPOUND, management_mode__in=[
        Estate.ManagementMode.QUASI, Estate.ManagementMode.NONE]).order_by("community_id", "name", "id"))
    if not qs:
        return []
    if demo_community_id and any(e.community_id == demo_community_id for e in qs):
        own = [e for e in qs if e.community_id == demo_community_id]
        rest = [e for e in qs if e.community_id != demo_community_id]
        return (own + rest)[:MAX_ESTATES]
    rng.shuffle(qs)
    return sorted(qs[: rng.randint(2, MAX_ESTATES)], key=lambda e: (e.community_id, e.name))


def build_demo_quasi(*, scale: str = "small", seed: int = 2026, now: datetime | None = None, city_id: int,
                     say: Callable[[str], None] | None = None) -> dict[str, int]:
    now = now or timezone.now()
    say = say or (lambda text: None)
    today = timezone.localdate(now)
    rng = random.Random(f"quasi-{seed}")
    street_user = User.objects.filter(username="street", role=Role.STREET).first()
    community_user = User.objects.filter(username="community", role=Role.COMMUNITY).first()
    demo_company = User.objects.filter(username="company").values_list("company_id", flat=True).first()
    demo_community_id = community_user.community_id if community_user else None
    companies = list(PropertyCompany.objects.filter(filing_status=PropertyCompany.FilingStatus.FILED)
                     .order_by("id").values_list("id", flat=True)[:40])
    districts = {d.pk: d for d in District.objects.filter(city_id=city_id)}
    start = add_months(month_start(today), -11)
    end = add_months(start, 12) - timedelta(days=1)
    orgs: dict[int, list[ServiceOrganisation]] = {}
    made = 0
    counts = {"quasi.ServiceOrganisation": 0, "quasi.QuasiContract": 0, "quasi.ContractEstate": 0,
              "quasi.ContractDuty": 0, "quasi.MonthlyCheck": 0, "quasi.CheckPhoto": 0, "quasi.Rectification": 0,
              "quasi.RectificationEvent": 0, "quasi.ContractEvent": 0}
    for street in _streets(city_id, CONTRACTS[scale]):
        if made >= CONTRACTS[scale]:
            break
        estates = _estates(street, rng, demo_community_id if made == 0 else None)
        if not estates:
            continue
        first = made == 0 and street_user is not None and street.pk == street_user.street_id
        district = districts[street.district_id]
        use_company = first or rng.random() < 0.6
        company_id = organisation = None
        if use_company:
            company_id = demo_company if first and demo_company else rng.choice(companies)
        else:
            pool = orgs.setdefault(district.pk, [])
            if len(pool) < 2:
                org = ServiceOrganisation.objects.create(
                    name=f"{street.name}{ORG_NAMES[len(pool) % len(ORG_NAMES)]}",
                    credit_code=_org_code(rng, district.code), district=district,
                    contact_name=rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(["敏", "丽", "强", "军", "芳", "伟"]),
                    contact_phone=f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}")
                pool.append(org)
                counts["quasi.ServiceOrganisation"] += 1
            organisation = rng.choice(pool)
        by_community = not first and rng.random() < 0.3 and len({e.community_id for e in estates}) == 1
        households = rng.randint(60, 160) * len(estates)
        amount = money(households * rng.choice([18, 20, 24, 30]) * 12)
        signed_on = start - timedelta(days=rng.randint(5, 20))
        made += 1
        contract = QuasiContract.objects.create(
            number=f"ZWY{start.year}{made:04d}", title=f"{start.year}—{end.year}年度{street.name}老旧楼院准物业服务",
            status=QuasiContract.Status.SIGNED, district=district, street=street,
            community_id=estates[0].community_id if by_community else None, company_id=company_id,
            organisation=organisation, start_date=start, end_date=end, amount=amount,
            funding=rng.choice([QuasiContract.Funding.DISTRICT, QuasiContract.Funding.DISTRICT,
                                QuasiContract.Funding.STREET, QuasiContract.Funding.SUBSIDY]),
            funding_note=f"按 {households} 户、每户每月 {amount / households / 12:.0f} 元测算",
            rectify_days=5, signed_on=signed_on, created_by=street_user if first else None)
        ContractEvent.objects.create(contract=contract, action="sign", from_status="draft", to_status="signed",
                                     actor=street_user if first else None, created_at=_at(signed_on, 10))
        ContractEstate.objects.bulk_create([ContractEstate(contract=contract, estate=e, community_id=e.community_id)
                                            for e in estates])
        ContractDuty.objects.bulk_create([
            ContractDuty(contract=contract, duty=d, items=DEFAULT_ITEMS[d] + ("\n" + ITEM_EXTRAS[d] if rng.random() < .5 else ""))
            for d in Duty])
        counts["quasi.QuasiContract"] += 1
        counts["quasi.ContractEstate"] += len(estates)
        counts["quasi.ContractDuty"] += 3
        # Signed: what ``contract_sign`` does through the registry's services (``estate_set_contract``
        # with fee 0.00, then ``estate_update(management_mode=QUASI)``), written directly like the
        # rest of the demo (no audit row per generated record).
        ids = [e.pk for e in estates]
        if company_id:
            ServiceContract.objects.filter(estate_id__in=ids, is_current=True).update(is_current=False)
            ServiceContract.objects.bulk_create([ServiceContract(
                estate=e, company_id=company_id, start_date=start, end_date=end, contracted_grade="1",
                fee_rate=Decimal("0.00"), filing_number=contract.number, is_current=True) for e in estates])
            counts["registry.ServiceContract"] = counts.get("registry.ServiceContract", 0) + len(estates)
            Estate.objects.filter(pk__in=ids).update(company_id=company_id, management_mode=Estate.ManagementMode.QUASI)
        else:
            ServiceContract.objects.filter(estate_id__in=ids, is_current=True).update(is_current=False)
            Estate.objects.filter(pk__in=ids).update(company_id=None, management_mode=Estate.ManagementMode.QUASI)
        _checks(contract, estates, rng=rng, today=today, start=start, counts=counts,
                checker=community_user)
    say(f"  准物业：{counts['quasi.QuasiContract']} 份合同，{counts['quasi.MonthlyCheck']:,} 项月度检查，"
        f"{counts['quasi.Rectification']} 项整改")
    return counts


def _checks(contract: QuasiContract, estates: list[Estate], *, rng: random.Random, today: date, start: date,
            counts: dict, checker: User | None) -> None:
    months = []
    m = start
    while m <= month_start(today):
        last_check_day = min(today, m.replace(day=28))
        if m == month_start(today) and today.day < 20:
            break
        months.append((m, last_check_day))
        m = add_months(m, 1)
    checks: list[MonthlyCheck] = []
    for e in estates:
        weak = rng.random() < 0.25  # a compound where the provider struggles
        for m, last_day in months:
            day = m.replace(day=rng.randint(18, max(18, last_day.day)))
            for d in Duty:
                failed = rng.random() < (FAIL_RATE * (2.5 if weak else 1))
                checks.append(MonthlyCheck(
                    contract=contract, estate=e, month=m, duty=d, passed=not failed,
                    note=rng.choice(PROBLEMS[d]) if failed else "", checked_on=day,
                    checked_by=checker if checker and e.community_id == checker.community_id else None))
    MonthlyCheck.objects.bulk_create(checks, batch_size=1000)
    counts["quasi.MonthlyCheck"] += len(checks)
    failed = [c for c in MonthlyCheck.objects.filter(contract=contract, passed=False).order_by("month", "estate_id", "duty")]
    photos, rects = [], []
    for c in failed:
        p = _png(rng)
        photo = CheckPhoto(monthly_check=c, content_type=p.content_type, size=p.size)
        photo.file.save(p.name, p.file, save=False)
        photos.append(photo)
        deadline = period_last_day(c.checked_on, contract.rectify_days, PeriodUnit.WORKING_DAYS)
        r = Rectification(monthly_check=c, contract=contract, estate_id=c.estate_id, duty=c.duty, problem=c.note,
                          deadline=deadline)
        age = (today - c.checked_on).days
        if age > 20 or (age > 8 and rng.random() < 0.7):
            late = rng.random() < 0.12
            r.submitted_on = min(today, deadline + timedelta(days=rng.randint(1, 6)) if late
                                 else c.checked_on + timedelta(days=rng.randint(1, 5)))
            r.closed_on = min(today, r.submitted_on + timedelta(days=rng.randint(1, 4)))
            r.status = Rectification.Status.CLOSED
            r.reply = rng.choice(REPLIES)
            r.reopened = rng.random() < 0.1
        elif age > 3 and rng.random() < 0.5:
            r.submitted_on = c.checked_on + timedelta(days=rng.randint(1, 3))
            r.status = Rectification.Status.SUBMITTED
            r.reply = rng.choice(REPLIES)
        rects.append(r)
    CheckPhoto.objects.bulk_create(photos)
    Rectification.objects.bulk_create(rects)
    counts["quasi.CheckPhoto"] += len(photos)
    counts["quasi.Rectification"] += len(rects)
    events = []
    for r in rects:
        if r.submitted_on:
            if getattr(r, "reopened", False):
                first = r.submitted_on - timedelta(days=1)
                events.append(RectificationEvent(rectification=r, action="submit", from_status="open",
                                                 to_status="submitted", note="已处理", created_at=_at(first, 10)))
                events.append(RectificationEvent(rectification=r, action="reopen", from_status="submitted",
                                                 to_status="open", note="复查仍未整改到位", created_at=_at(first, 16)))
            events.append(RectificationEvent(rectification=r, action="submit", from_status="open", to_status="submitted",
                                             note=r.reply, created_at=_at(r.submitted_on, 11)))
        if r.closed_on:
            events.append(RectificationEvent(rectification=r, action="close", from_status="submitted", to_status="closed",
                                             note="复查合格", created_at=_at(r.closed_on, 15)))
    RectificationEvent.objects.bulk_create(events)
    counts["quasi.RectificationEvent"] += len(events)
    counts["quasi.ContractEvent"] += 1
