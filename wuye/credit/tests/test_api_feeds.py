"""The public credit API (issue 4 §9), the monthly complaint-metrics feed, the registry's basic
items, and project managers' items (issue 4 §10)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from wuye.cases.models import UnitMonthStat
from wuye.core.errors import ServiceError
from wuye.credit.managers import manager_register_check, manager_training_check, training_record_add
from wuye.credit.metrics_feed import credit_metrics_feed, previous_month
from wuye.credit.models import CompanyCredit, CreditEvent, ManagerCredit, TrainingRecord
from wuye.credit.scoring import credit_recompute, manager_recompute
from wuye.credit.services import credit_basic_refresh, credit_event_confirm, credit_refresh
from wuye.registry import services as rs
from wuye.registry.models import PropertyCompany, Staff

from .conftest import confirmed

S = CreditEvent.Status


# ---- API ------------------------------------------------------------------------------------


def test_company_credit_api_is_public_with_decimal_strings(world, django_assert_max_num_queries):
    a = world.company_a
    for code in ("JC01", "JC02"):
        confirmed(a, code)
    confirmed(a, "BZ02")
    confirmed(a, "GS01")
    old = confirmed(a, "SF01", occurred_on=date.today() - timedelta(days=400))  # expired, older than a year
    draft_free = CreditEvent.objects.filter(company=a, status=S.CONFIRMED).count()
    credit_recompute(a.pk)
    client = Client()
    with django_assert_max_num_queries(6):
        r = client.get(f"/api/v1/companies/{a.pk}/credit/")
    assert r.status_code == 200
    body = r.json()
    assert {k: body[k] for k in ("score", "grade", "basic", "good", "bad", "lists")} == {
        "score": "68.00", "grade": "B", "basic": "70.00", "good": "3.00", "bad": "5.00", "lists": []}
    codes = [e["rule"] for e in body["events"]]
    assert sorted(codes) == ["BZ02", "GS01", "JC01", "JC02"] and old.rule.code not in codes
    gs = next(e for e in body["events"] if e["rule"] == "GS01")
    assert gs == {"rule": "GS01", "name": "未按规定公示公共收益", "class": "bad", "points": "-5.00",
                  "occurred_on": date.today().isoformat(), "valid_until": None, "status": "confirmed", "counting": True}
    assert draft_free == 5


def test_company_credit_api_lists_and_404(world):
    confirmed(world.company_b, "FJ01")
    credit_refresh(company_id=world.company_b.pk)  # as the sweep does once the item is confirmed
    client = Client()
    assert client.get(f"/api/v1/companies/{world.company_b.pk}/credit/").json()["lists"] == ["black"]
    assert client.get("/api/v1/companies/999999/credit/").status_code == 404
    assert client.post(f"/api/v1/companies/{world.company_b.pk}/credit/").status_code in (403, 405)


def test_company_credit_api_never_writes_and_reads_not_yet_rated(world):
    """Issue 12 item 9: a public GET reads the stored row; none yet is "not yet rated"."""
    a = world.company_a
    confirmed(a, "JC01")
    CompanyCredit.objects.all().delete()
    before = CompanyCredit.objects.count()
    body = Client().get(f"/api/v1/companies/{a.pk}/credit/").json()
    assert CompanyCredit.objects.count() == before == 0
    assert {k: body[k] for k in ("rated", "score", "grade", "basic", "good", "bad", "lists", "computed_at")} == {
        "rated": False, "score": None, "grade": None, "basic": None, "good": None, "bad": None, "lists": [],
        "computed_at": None}
    assert [e["rule"] for e in body["events"]] == ["JC01"]  # the confirmed items are public all the same
    credit_recompute(a.pk)
    body = Client().get(f"/api/v1/companies/{a.pk}/credit/").json()
    assert (body["rated"], body["score"], body["grade"]) == (True, "60.00", "B")


def test_company_credit_api_is_rate_limited(world, settings):
    settings.WUYE_CREDIT_API_RATE_IP_HOUR = 2
    cache.clear()
    client = Client(REMOTE_ADDR="10.9.8.7")
    url = f"/api/v1/companies/{world.company_a.pk}/credit/"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    cache.clear()


def test_api_is_in_the_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    op = schema["paths"]["/api/v1/companies/{id}/credit/"]["get"]
    assert op["operationId"] == "company_credit" and "200" in op["responses"]


# ---- the monthly metrics feed ---------------------------------------------------------------


def _stat(company, month, **counts):
    base = dict(assigned=0, signed_in_time=0, contacted_in_time=0, done=0, done_in_time=0, callbacks=0, resolved=0,
                satisfied=0, basically_satisfied=0, dissatisfied=0, returned=0, reopened=0, excluded=0)
    base.update(counts)
    return UnitMonthStat.objects.create(month=month, unit_kind="company", unit_id=company.pk, unit_name=company.name,
                                        **base)


def test_metrics_feed_records_ts01_and_ts02_once(world):
    today = date(2026, 5, 2)
    month = previous_month(today)
    assert month == date(2026, 4, 1) and previous_month(date(2026, 1, 3)) == date(2025, 12, 1)
    # A: every complaint answered in time, solved, satisfied → composite 100 with 6 assigned.
    _stat(world.company_a, month, assigned=6, contacted_in_time=6, callbacks=6, resolved=6, satisfied=6)
    # B: composite (30·0 + 35·0.5 + 35·0.5) = 35 → failing.
    _stat(world.company_b, month, assigned=4, contacted_in_time=0, callbacks=4, resolved=2, satisfied=2)
    out = credit_metrics_feed(today=today)
    assert (out["excellent"], out["failing"]) == (1, 1)
    ts01 = CreditEvent.objects.get(source_key=f"metrics:2026-04:company:{world.company_a.pk}")
    ts02 = CreditEvent.objects.get(source_key=f"metrics:2026-04:company:{world.company_b.pk}")
    assert (ts01.rule.code, ts01.status, ts01.occurred_on) == ("TS01", S.NOTICE, date(2026, 4, 30))
    assert ts02.rule.code == "TS02"
    credit_metrics_feed(today=today)
    assert CreditEvent.objects.filter(source_key__startswith="metrics:").count() == 2


def test_metrics_feed_needs_enough_cases_for_excellence(world):
    month = date(2026, 4, 1)
    _stat(world.company_a, month, assigned=4, contacted_in_time=4, callbacks=4, resolved=4, satisfied=4)
    _stat(world.company_b, month, assigned=3)  # no callback: no composite, nothing recorded
    assert credit_metrics_feed(month=month) == {"month": "2026-04", "excellent": 0, "failing": 0}


# ---- basic items from the registry ----------------------------------------------------------


def test_basic_refresh_records_jc01_for_a_filed_company_and_ends_it_when_unfiled(world):
    a = world.company_a
    e = credit_basic_refresh(a)
    assert (e.rule.code, e.status, e.valid_until) == ("JC01", S.CONFIRMED, None)
    assert credit_basic_refresh(a).pk == e.pk
    assert CompanyCredit.objects.get(company=a).basic == Decimal("60")
    PropertyCompany.objects.filter(pk=a.pk).update(filing_status="revoked")
    a.refresh_from_db()
    assert credit_basic_refresh(a) is None
    assert CompanyCredit.objects.get(company=a).basic == 0
    e.refresh_from_db()
    assert e.valid_until == timezone.localdate()
    assert CreditEvent.objects.filter(company=a, rule__code="JC01").count() == 1


# ---- project managers -----------------------------------------------------------------------


def _manager(world, name, *, post_started, registered_days_later):
    s = rs.staff_create(actor=world.users["city"], company=world.company_a, name=name, role="project_manager",
                        estate=world.estate_a)
    Staff.objects.filter(pk=s.pk).update(post_started=post_started,
                                         created_at=timezone.make_aware(
                                             timezone.datetime.combine(post_started + timedelta(days=registered_days_later),
                                                                       timezone.datetime.min.time())))
    s.refresh_from_db()
    return s


def test_mg01_when_registered_more_than_30_days_after_taking_the_post(world):
    late = _manager(world, "晚登记", post_started=date(2026, 1, 5), registered_days_later=31)
    _manager(world, "按时", post_started=date(2026, 1, 5), registered_days_later=30)
    assert manager_register_check() == 1
    assert manager_register_check() == 0
    e = CreditEvent.objects.get(source_key=f"mg01:staff:{late.pk}")
    assert (e.rule.code, e.manager_id, e.company_id, e.status) == ("MG01", late.pk, world.company_a.pk, S.NOTICE)
    credit_event_confirm(event=e, now=e.notice_end + timedelta(seconds=1))
    assert manager_recompute(late.pk).score == Decimal("95")


def test_mg02_for_too_few_training_hours_in_a_finished_year(world):
    short = _manager(world, "学时不足", post_started=date(2024, 6, 1), registered_days_later=1)
    enough = _manager(world, "学时足", post_started=date(2024, 6, 1), registered_days_later=1)
    new = _manager(world, "年中到岗", post_started=date(2025, 7, 1), registered_days_later=1)
    for m, hours in ((short, "20"), (enough, "24")):
        TrainingRecord.objects.create(manager=m, course="物业管理条例", attended_on=date(2025, 3, 1), hours=Decimal(hours),
                                      recorded_by=world.users["city"])
    assert manager_training_check(year=2025, today=date(2025, 12, 31)) == 0  # the year is not over
    assert manager_training_check(today=date(2026, 1, 2)) == 1
    assert manager_training_check(today=date(2026, 1, 3)) == 0
    assert CreditEvent.objects.filter(rule__code="MG02").get().manager_id == short.pk
    assert not CreditEvent.objects.filter(manager__in=[enough, new], rule__code="MG02").exists()


def test_training_records_by_the_company_manager_or_an_official(world):
    m = world.staff_a
    rec = training_record_add(user=world.users["manager_a"], manager=m, course="消防安全", attended_on=date.today(),
                              hours=Decimal("8"))
    assert rec.hours == Decimal("8")
    training_record_add(user=world.users["district"], manager=m, course="电梯安全", attended_on=date.today(),
                        hours=Decimal("4.5"))
    assert ManagerCredit.objects.get(manager=m).training_hours == Decimal("12.5")
    for who in ("manager_b", "staff_a", "district2", "street"):
        with pytest.raises(ServiceError):
            training_record_add(user=world.users[who], manager=m, course="x", attended_on=date.today(), hours=Decimal("1"))
    with pytest.raises(ServiceError, match="学时"):
        training_record_add(user=world.users["city"], manager=m, course="x", attended_on=date.today(), hours=Decimal("0"))
