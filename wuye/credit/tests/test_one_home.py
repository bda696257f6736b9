"""Issue 12 in credit: the workflow on the core machine, one list of public events, one score sum,
a recompute that only counts, reads that never write, and an automatic event that commits whole."""

from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client

from wuye.core.models import AuditLog
from wuye.core.workflow import MACHINES
from wuye.credit import selectors as sel
from wuye.credit.auto import credit_event_auto
from wuye.credit.lists import company_grade
from wuye.credit.models import CompanyCredit, CreditEvent, CreditRule, CreditSettings
from wuye.credit.scoring import company_sums, credit_recompute, score_from_events, score_from_sums
from wuye.credit.workflow import MACHINE
from wuye.notifications.models import Notification
from wuye.portal import selectors_public as portal

from .conftest import confirmed


def test_the_credit_event_table_is_a_core_machine():
    assert MACHINES["credit_event"] is MACHINE and MACHINE.problems() == []
    assert MACHINE.event_model._meta.get_field("actor").null  # the timeline is a WorkflowEvent


# ---- item 10: an automatic event commits whole ------------------------------------------------


def _auto(world, key="auto:atomic:1"):
    return credit_event_auto(company=world.company_a, rule_code="XC03", source_key=key, occurred_on=date.today(),
                             description="整改逾期", estate=world.estate_a)


def _trail(key):
    event = CreditEvent.objects.filter(source_key=key).first()
    if event is None:
        return None
    return (event.logs.count(),
            AuditLog.objects.filter(object_type="credit.creditevent", object_id=str(event.pk)).count(),
            Notification.objects.filter(subject="信用信息公示", url=f"/credit/events/{event.pk}/").count())


@pytest.mark.parametrize("step", ["wuye.credit.auto.audit_record", "wuye.credit.auto.notify"])
def test_a_crash_after_the_event_leaves_nothing_and_the_rerun_records_everything(world, step):
    with mock.patch(step, side_effect=RuntimeError("crash")), pytest.raises(RuntimeError):
        _auto(world)
    assert not CreditEvent.objects.filter(source_key="auto:atomic:1").exists()
    event = _auto(world)
    assert event is not None and event.status == CreditEvent.Status.NOTICE
    logs, audits, notices = _trail("auto:atomic:1")
    assert (logs, audits) == (1, 1) and notices >= 1  # the company's users heard of it
    assert _auto(world).pk == event.pk and _trail("auto:atomic:1") == (logs, audits, notices)


# ---- item 8: one list of public events, one score sum -----------------------------------------


def test_the_credit_page_the_portal_and_the_api_show_the_same_events(world):
    """An item counts as long as its rule says (JC01: until rectified), however long ago it
    occurred; the portal page no longer drops it after 365 days."""
    a = world.company_a
    cache.clear()
    old_basic = confirmed(a, "JC01", occurred_on=date.today() - timedelta(days=800))  # counts: no validity
    recent = confirmed(a, "GS01")
    expired = confirmed(a, "SF01", occurred_on=date.today() - timedelta(days=800))  # expired and old: not public
    credit_recompute(a.pk)
    want = {old_basic.pk, recent.pk}
    assert {e.pk for e in sel.public_events(a.pk)} == want
    assert {e.pk for e in portal.company_events(a.pk)} == want
    anon = Client()
    assert {e.pk for e in anon.get(f"/credit/companies/{a.pk}/").context["events"]} == want
    api = anon.get(f"/api/v1/companies/{a.pk}/credit/").json()["events"]
    assert sorted(e["rule"] for e in api) == ["GS01", "JC01"] and all(e["counting"] for e in api)
    html = anon.get(f"/public/companies/{a.pk}/").content.decode().split('data-testid="company-events"')[1]
    assert "依法备案" in html and "未按规定公示公共收益" in html and expired.rule.name not in html
    cache.clear()


def test_one_score_sum_for_one_company_many_companies_and_rows(world):
    a, b = world.company_a, world.company_b
    for code in ("JC01", "JC02", "BZ02", "GS01"):
        confirmed(a, code)
    confirmed(b, "FJ01")
    cs = CreditSettings.current()
    sums = company_sums(date.today())
    for company in (a, b):
        rows = CreditEvent.objects.filter(company=company, status="confirmed").values_list("klass", "points")
        by_rows, by_sums = score_from_events(rows, cs), score_from_sums(sums[company.pk], cs)
        assert (by_rows.total, by_rows.veto, by_rows.events) == (by_sums.total, by_sums.veto, by_sums.events)
        assert credit_recompute(company.pk).score == by_sums.total


# ---- item 9: reads never write ------------------------------------------------------------------


def test_pages_of_a_company_never_rated_write_no_row(world, login):
    confirmed(world.company_a, "JC01")
    assert not CompanyCredit.objects.exists()
    cache.clear()
    pk = world.company_a.pk
    pages = [(None, f"/credit/companies/{pk}/"), (None, f"/public/companies/{pk}/"),
             (None, f"/api/v1/companies/{pk}/credit/"), ("manager_a", "/credit/"),
             ("district", f"/registry/companies/{pk}/")]
    for who, url in pages:
        client = login(world.users[who]) if who else Client()
        response = client.get(url)
        assert response.status_code == 200, url
        if url.startswith("/api/"):
            assert response.json()["rated"] is False
        else:
            assert "暂未评级" in response.content.decode(), url
    assert not CompanyCredit.objects.exists()
    cache.clear()


def test_the_grade_asked_by_star_ratings_is_computed_without_writing(world):
    confirmed(world.company_a, "JC01")
    points = CreditRule.objects.get(code="JC01").points
    assert company_grade(world.company_a.pk) == CreditSettings.current().grade_for(points)
    assert not CompanyCredit.objects.exists()
