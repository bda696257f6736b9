"""Demo directive notices (issue 16 items 9–10, item 13): a live notice with part of its receipts.

``build_demo_notices(scale=..., seed=..., now=..., city_id=..., say=...)`` writes, from the city
bureau's demo login:

- a live supervision notice (冬季消防安全检查) to the companies serving estates in the first
  district, due in two days, asking for a figure back (排查隐患处数): about half acknowledged (most
  of them fed back), some read only, the rest pending — the demo company login among the pending,
  so that it can sign on the phone;
- last month's notice (疫情防控值守) to the first district's streets and communities, closed:
  nearly all acknowledged, a few overdue.

Rows are written directly (no messages are sent for demo rows); the same seed and ``now`` give the
same rows.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from wuye.accounts.models import Role, User
from wuye.campaign.notices.models import Notice, Receipt
from wuye.campaign.units import units_in_territory
from wuye.cases.models import UnitKind
from wuye.territory.models import District

LIMIT = {"small": 60, "city": 400, "megacity": 3000}


def _receipts(notice: Notice, units, district_id, *, rng: random.Random, now: datetime, shares, keep_pending=()) -> list:
    ack_share, read_share = shares
    rows = []
    for u in units:
        r = Receipt(notice=notice, unit_kind=u.kind, unit_id=u.id, unit_name=u.name[:200],
                    district_id=None if u.kind == UnitKind.COMPANY else district_id,
                    created_at=notice.created_at, updated_at=notice.created_at)
        x = rng.random()
        if u.key not in keep_pending and x < ack_share + read_share:
            r.read_at = notice.created_at + timedelta(minutes=rng.randint(5, 600))
            r.status = Receipt.Status.READ
            if x < ack_share:
                r.status = Receipt.Status.ACKNOWLEDGED
                r.acknowledged_at = r.read_at + timedelta(minutes=rng.randint(1, 120))
                if notice.feedback_kind and rng.random() < 0.7:
                    r.fed_back_at = r.acknowledged_at + timedelta(hours=rng.randint(2, 30))
                    r.feedback_text = rng.choice(["已组织全面排查，问题已登记整改", "已完成排查，未发现重大隐患",
                                                  "已安排专人值守，排查情况已报社区"])
                    if notice.feedback_kind == Notice.FeedbackKind.FIGURE:
                        r.feedback_figure = Decimal(rng.randint(0, 12))
            if min(t for t in (r.read_at, r.acknowledged_at, r.fed_back_at) if t) > now:
                r.status, r.read_at, r.acknowledged_at, r.fed_back_at = Receipt.Status.PENDING, None, None, None
                r.feedback_text, r.feedback_figure = "", None
            else:
                for f in ("acknowledged_at", "fed_back_at"):
                    if getattr(r, f) and getattr(r, f) > now:
                        setattr(r, f, None)
                if r.acknowledged_at is None and r.status == Receipt.Status.ACKNOWLEDGED:
                    r.status, r.fed_back_at, r.feedback_text, r.feedback_figure = Receipt.Status.READ, None, "", None
        rows.append(r)
    return rows


def build_demo_notices(*, scale: str = "small", seed: int = 2026, now: datetime | None = None, city_id: int,
                       say: Callable[[str], None] | None = None) -> dict[str, int]:
    rng = random.Random(f"{seed}:notices")
    now = now or timezone.now()
    sender = User.objects.filter(username="city").first() or User.objects.filter(role=Role.CITY).order_by("pk").first()
    district = District.objects.filter(city_id=city_id).order_by("id").first()
    if sender is None or district is None:
        return {}
    limit = LIMIT.get(scale, LIMIT["small"])
    demo_company = User.objects.filter(username="company").values_list("company_id", flat=True).first()
    companies = units_in_territory(UnitKind.COMPANY, district_id=district.pk)[:limit]
    if demo_company and all(u.id != demo_company for u in companies):
        companies += [u for u in units_in_territory(UnitKind.COMPANY) if u.id == demo_company]
    live = Notice.objects.create(
        title="关于开展冬季住宅小区消防安全检查的通知",
        body=("各物业服务企业：\n为切实做好冬季住宅小区消防安全工作，请各企业对所服务小区的消防通道、消防设施、"
              "电动自行车充电和楼道堆物开展一次全面排查，发现问题立即整改，并反馈排查隐患处数。"),
        sender_kind=UnitKind.CITY, sender_id=city_id, sender_name="市住房保障房产局", created_by=sender,
        ack_due=now + timedelta(days=2), feedback_kind=Notice.FeedbackKind.FIGURE, feedback_label="排查隐患处数",
        feedback_due=now + timedelta(days=5), supervision=True, recipient_count=len(companies))
    Notice.objects.filter(pk=live.pk).update(created_at=now - timedelta(hours=20))
    live.created_at = now - timedelta(hours=20)
    keep = {(UnitKind.COMPANY, demo_company)} if demo_company else set()
    rows = _receipts(live, companies, district.pk, rng=rng, now=now, shares=(0.5, 0.2), keep_pending=keep)

    local = (units_in_territory(UnitKind.STREET, district_id=district.pk)
             + units_in_territory(UnitKind.COMMUNITY, district_id=district.pk))[:limit]
    past = Notice.objects.create(
        title="关于做好住宅小区疫情防控值守工作的通知",
        body="各街道办事处、社区居委会：\n请指导辖区物业服务企业落实小区出入口值守，做好人员登记和公共区域消杀。",
        sender_kind=UnitKind.CITY, sender_id=city_id, sender_name="市住房保障房产局", created_by=sender,
        ack_due=now - timedelta(days=26), supervision=True, recipient_count=len(local))
    Notice.objects.filter(pk=past.pk).update(created_at=now - timedelta(days=30))
    past.created_at = now - timedelta(days=30)
    rows += _receipts(past, local, district.pk, rng=rng, now=now, shares=(0.9, 0.05))
    Receipt.objects.bulk_create(rows, batch_size=1000)
    return {"notice": 2, "notice_receipt": len(rows)}
