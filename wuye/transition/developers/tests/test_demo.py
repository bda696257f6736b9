"""The demo step: developers linked to commercial estates, violations in the shared workflow's
states with consistent timelines, deterministic from the seed."""

from datetime import datetime
from zoneinfo import ZoneInfo

from wuye.demo.transition_developers import MODELS, build_demo_developers
from wuye.registry.models import Estate
from wuye.registry.services import normalize_credit_code
from wuye.transition.developers.models import (
    DevelopedEstate,
    Developer,
    DeveloperViolation,
    DeveloperViolationLog,
)
from wuye.transition.developers.workflow import MACHINE

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _snapshot():
    return (list(Developer.objects.order_by("pk").values_list("name", "credit_code", "legal_representative")),
            list(DevelopedEstate.objects.order_by("pk").values_list("developer__credit_code", "estate_id", "phase")),
            list(DeveloperViolation.objects.order_by("pk").values_list("developer__credit_code", "kind", "status",
                                                                       "occurred_on")))


def test_demo_developers_are_consistent_and_deterministic(world):
    assert set(MODELS) >= {"developers.Developer", "developers.DeveloperViolation"}
    counts = build_demo_developers(scale="small", seed=7, now=NOW, city_id=world.city.pk)
    assert counts["developers.Developer"] == 20 == Developer.objects.count()
    for d in Developer.objects.all():
        assert normalize_credit_code(d.credit_code) == d.credit_code
    commercial = Estate.objects.filter(kind=Estate.Kind.COMMERCIAL).count()
    assert DevelopedEstate.objects.values("estate").distinct().count() == commercial
    for v in DeveloperViolation.objects.all():
        logs = list(v.logs.order_by("created_at", "pk"))
        assert logs[0].action in ("record", "auto") and logs[-1].to_status == v.status
        for log in logs[1:]:
            t = MACHINE[log.action]
            assert log.from_status in t.sources and log.to_status in t.leads_to(), (log.action, log.from_status)
            assert log.created_at <= NOW
        if v.status in ("notice", "objected"):
            assert v.notice_end > NOW
    first = _snapshot()
    DeveloperViolationLog.objects.all().delete()
    DeveloperViolation.objects.all().delete()
    DevelopedEstate.objects.all().delete()
    Developer.objects.all().delete()
    build_demo_developers(scale="small", seed=7, now=NOW, city_id=world.city.pk)
    assert _snapshot() == first
