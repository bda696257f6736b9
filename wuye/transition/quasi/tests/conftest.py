"""准物业 personas on top of the shared world: two old compounds in the first district's community,
one in the second district's, and a community service organisation."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wuye.core.calendar import add_months, month_start
from wuye.registry import services as rs
from wuye.registry.models import Estate
from wuye.transition.quasi import services as svc
from wuye.transition.quasi.models import DEFAULT_ITEMS, Duty

ORG_CODE = "91110102MA03JKLM2D"
TODAY = timezone.localdate()
START = add_months(month_start(TODAY), -11)  # a year's term around today: every month up to now is checkable
END = add_months(START, 12) - timedelta(days=1)


def png(name: str = "site.png") -> SimpleUploadedFile:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def duties() -> dict:
    return {d.value: DEFAULT_ITEMS[d] for d in Duty}


@dataclass
class Quasi:
    world: object
    old1: Estate
    old2: Estate
    old_far: Estate
    org: object


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


@pytest.fixture
def quasi(world, media) -> Quasi:
    root = world.users["city"]
    old = dict(kind=Estate.Kind.OLD_COMPOUND, management_mode=Estate.ManagementMode.NONE, year_built=1988)
    old1 = rs.estate_create(actor=root, name="棉纺厂宿舍", address="东城区多福巷 20 号", community=world.c1, **old)
    old2 = rs.estate_create(actor=root, name="粮食局家属院", address="东城区多福巷 26 号", community=world.c1, **old)
    far = rs.estate_create(actor=root, name="西城老楼院", address="西城区府右街 40 号", community=world.c2, **old)
    org = svc.organisation_create(actor=world.users["street"], name="多福巷社区服务中心", credit_code=ORG_CODE,
                                  contact_name="周敏", contact_phone="13600001111")
    return Quasi(world, old1, old2, far, org)


def make_contract(q: Quasi, *, actor=None, provider="company", sign=True, estates=None, amount="120000.00",
                  start=None, end=None):
    w = q.world
    start = start or START
    end = end or END
    kwargs = {"company": w.company_a} if provider == "company" else {"organisation": q.org}
    return svc.contract_create(
        actor=actor or w.users["street"], title="2026年度老旧楼院准物业服务",
        estates=estates if estates is not None else [q.old1, q.old2], start_date=start, end_date=end,
        amount=Decimal(amount), funding="district", duties=duties(), sign=sign, **kwargs)
