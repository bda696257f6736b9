"""The credit pages: officials', companies' and the public's (issue 4 §12). Each view: happy path,
wrong method, wrong user, database state, events and audit rows, and fixed query counts for lists."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wuye.accounts.models import Role
from wuye.conftest import make_user
from wuye.core.models import AuditLog
from wuye.credit.auto import credit_event_auto
from wuye.credit.models import (
    Benchmark,
    CompanyCredit,
    CreditEvent,
    CreditRule,
    CreditSettings,
    ExitCase,
    TrainingRecord,
)
from wuye.credit.scoring import credit_recompute
from wuye.credit.services import credit_event_record, credit_refresh
from wuye.registry import services as rs

from .conftest import confirmed
from .test_scoring import _code

S = CreditEvent.Status


def _draft(world, user="district"):
    return credit_event_record(user=world.users[user], company=world.company_a, rule=CreditRule.objects.get(code="GS02"),
                               occurred_on=date.today(), description="未公示收费标准", evidence="检查记录")


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, url
    return len(ctx.captured_queries)


# ---- public pages ---------------------------------------------------------------------------


def test_public_company_page_for_anyone_with_a_fixed_number_of_queries(world, django_assert_num_queries):
    a = world.company_a
    confirmed(a, "JC01")
    confirmed(a, "GS01")
    _draft(world)  # never shown
    credit_recompute(a.pk)
    url = f"/credit/companies/{a.pk}/"
    client = Client()
    with django_assert_num_queries(5):
        r = client.get(url)
    html = r.content.decode()
    assert r.status_code == 200
    assert "55.00" in html and "未按规定公示公共收益" in html and "依法备案" in html and "未按规定公示收费标准" not in html
    for code in ("JC02", "BZ02", "XC01", "SF01"):
        confirmed(a, code)
    confirmed(a, "XC03", occurred_on=date.today() - timedelta(days=500))
    benchmark = Benchmark.objects.create(kind="estate", estate=world.estate_a, reason="示范", designated_on=date.today(),
                                         designated_by=world.users["city"])
    credit_recompute(a.pk)
    with django_assert_num_queries(5):
        r = client.get(url)
    assert str(benchmark.estate.name) in r.content.decode()
    assert client.post(url).status_code == 405
    assert client.get("/credit/companies/999999/").status_code == 404


def test_public_company_page_for_a_company_never_computed_writes_nothing(world):
    """Issue 12 item 9: a public GET never writes; a company not rated yet reads 暂未评级."""
    confirmed(world.company_b, "JC01")
    before = CompanyCredit.objects.count()
    r = Client().get(f"/credit/companies/{world.company_b.pk}/")
    html = r.content.decode()
    assert r.status_code == 200 and 'data-testid="unrated"' in html and "暂未评级" in html
    assert "依法备案" in html  # its confirmed items are public all the same
    assert CompanyCredit.objects.count() == before and not CompanyCredit.objects.filter(company=world.company_b).exists()
    credit_recompute(world.company_b.pk)
    assert "暂未评级" not in Client().get(f"/credit/companies/{world.company_b.pk}/").content.decode()


def test_public_red_and_black_lists_search_and_fixed_queries(world):
    a, b = world.company_a, world.company_b
    for code in ("JC01", "JC02", "JC03", "BZ01", "BZ03", "XJ05"):
        confirmed(a, code)
    confirmed(b, "FJ01")
    credit_recompute(a.pk)
    credit_recompute(b.pk)
    client = Client()
    red = client.get("/credit/red/").content.decode()
    black = client.get("/credit/black/").content.decode()
    assert a.name in red and b.name not in red
    assert b.name in black and a.name not in black and "一票否决" in black
    assert b.name not in client.get("/credit/black/?q=安居").content.decode()
    n_red, n_black = _count(client, "/credit/red/"), _count(client, "/credit/black/")
    for i in range(4):
        c = rs.company_create(actor=world.users["city"], name=f"黑名单物业{i}", credit_code=_code(i),
                              legal_representative="甲", address="乙", service_phone="01065550009")
        confirmed(c, "FJ02")
        credit_recompute(c.pk)
    assert _count(client, "/credit/black/") == n_black and _count(client, "/credit/red/") == n_red
    assert client.post("/credit/red/").status_code == 405


# ---- events: list, detail, actions, record --------------------------------------------------


def test_event_list_scoped_filtered_and_fixed_queries(world, login):
    e_a = _draft(world)
    confirmed(world.company_b, "GS01")
    client = login(world.users["district"])
    r = client.get("/credit/events/")
    assert r.status_code == 200 and [e.pk for e in r.context["rows"]] == [e_a.pk]
    assert [e.pk for e in client.get("/credit/events/?status=confirmed").context["rows"]] == []
    n = _count(client, "/credit/events/")
    for _ in range(5):
        _draft(world)
    confirmed(world.company_a, "XC01")
    assert _count(client, "/credit/events/") == n
    assert client.post("/credit/events/").status_code == 405
    assert len(login(world.users["city"]).get("/credit/events/").context["rows"]) == 8
    assert login(world.users["manager_b"]).get("/credit/events/").context["rows"][0].company_id == world.company_b.pk
    for who in ("resident", "street", "outsider"):
        assert login(world.users[who]).get("/credit/events/").status_code == 403
    assert Client().get("/credit/events/").status_code == 302


def test_event_list_export_is_audited(world, login):
    _draft(world)
    r = login(world.users["district"]).get("/credit/events/?export=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditLog.objects.filter(action="export", object_type="credit.creditevent").count() == 1


def test_event_detail_and_actions(world, login):
    e = _draft(world)
    reviewer = make_user("p_district_b", Role.DISTRICT, district=world.d1)
    client = login(world.users["district"])
    r = client.get(f"/credit/events/{e.pk}/")
    assert r.status_code == 200 and [a["name"] for a in r.context["actions"]] == ["withdraw"]
    assert login(world.users["manager_b"]).get(f"/credit/events/{e.pk}/").status_code == 404
    assert login(world.users["district2"]).get(f"/credit/events/{e.pk}/").status_code == 404
    client = login(reviewer)
    assert client.get(f"/credit/events/{e.pk}/act/").status_code == 405
    r = client.post(f"/credit/events/{e.pk}/act/", {"action": "review", "version": e.version})
    assert r.status_code == 302
    e.refresh_from_db()
    assert e.status == S.REVIEWED and e.reviewed_by_id == reviewer.pk
    # A stale form (old version) is refused with a message; nothing changes.
    r = client.post(f"/credit/events/{e.pk}/act/", {"action": "publish", "version": e.version - 1}, follow=True)
    assert "已被他人处理" in r.content.decode()
    client.post(f"/credit/events/{e.pk}/act/", {"action": "publish", "version": e.version})
    e.refresh_from_db()
    assert e.status == S.NOTICE
    # The company objects from the page.
    staff = login(world.users["staff_a"])
    page = staff.get(f"/credit/events/{e.pk}/")
    assert [a["name"] for a in page.context["actions"]] == ["object"]
    staff.post(f"/credit/events/{e.pk}/act/", {"action": "object", "version": e.version, "note": "已公示", "evidence": "照片"})
    e.refresh_from_db()
    assert e.status == S.OBJECTED
    assert login(world.users["manager_b"]).post(f"/credit/events/{e.pk}/act/", {"action": "uphold", "version": e.version,
                                                                                "note": "x"}).status_code == 404
    assert list(e.logs.values_list("action", flat=True)) == ["record", "review", "publish", "object"]
    assert AuditLog.objects.filter(object_type="credit.creditevent", object_id=str(e.pk), action="update").count() == 3


def test_record_form(world, login):
    client = login(world.users["district"])
    r = client.get("/credit/events/new/")
    assert r.status_code == 200 and [c.pk for c in r.context["rows"]] == [world.company_a.pk]
    r = client.get(f"/credit/events/new/?company={world.company_a.pk}")
    rule_codes = {x.code for x in r.context["form"].fields["rule"].queryset}
    assert "GS02" in rule_codes and "FJ01" not in rule_codes and "JC01" not in rule_codes
    assert client.get(f"/credit/events/new/?company={world.company_b.pk}").status_code == 404
    data = {"company": world.company_a.pk, "rule": CreditRule.objects.get(code="SF01").pk,
            "occurred_on": date.today().isoformat(), "estate": world.estate_a.pk, "description": "法院判决承担主要责任",
            "evidence": ""}
    r = client.post(f"/credit/events/new/?company={world.company_a.pk}", data)
    assert r.status_code == 200 and not CreditEvent.objects.exists()  # evidence missing: the form comes back
    data["evidence"] = "（2026）京0101民初123号判决书"
    r = client.post(f"/credit/events/new/?company={world.company_a.pk}", data)
    e = CreditEvent.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/credit/events/{e.pk}/"
    assert (e.status, e.estate_id, e.recorded_by_id) == (S.DRAFT, world.estate_a.pk, world.users["district"].pk)
    assert login(world.users["manager_a"]).get("/credit/events/new/").status_code == 403
    assert client.delete("/credit/events/new/").status_code == 405


def test_company_home(world, login):
    e = credit_event_auto(company=world.company_a, rule_code="XC03", source_key="k1", occurred_on=date.today(),
                          description="逾期")
    r = login(world.users["manager_a"]).get("/credit/")
    assert r.status_code == 200 and r.context["in_notice"] == [e]
    assert login(world.users["city"]).get("/credit/").status_code == 302
    assert login(world.users["resident"]).get("/credit/").status_code == 403


# ---- officials' pages -----------------------------------------------------------------------


def test_ranking_and_export(world, login):
    confirmed(world.company_a, "JC01")
    credit_recompute(world.company_a.pk)
    credit_recompute(world.company_b.pk)
    city = login(world.users["city"])
    r = city.get("/credit/ranking/")
    assert r.status_code == 200 and [c.company_id for c in r.context["rows"]] == [world.company_a.pk, world.company_b.pk]
    n = _count(city, "/credit/ranking/")
    confirmed(world.company_b, "JC01")
    credit_recompute(world.company_b.pk)
    assert _count(city, "/credit/ranking/") == n
    assert city.get("/credit/ranking/?export=xlsx").status_code == 200
    assert [c.company_id for c in login(world.users["district"]).get("/credit/ranking/").context["rows"]] == [world.company_a.pk]
    assert login(world.users["district"]).get("/credit/ranking/?grade=C").context["rows"] == []
    assert login(world.users["manager_a"]).get("/credit/ranking/").status_code == 403
    assert city.post("/credit/ranking/").status_code == 405


def test_rules_and_settings_are_edited_by_the_city(world, login):
    city = login(world.users["city"])
    r = city.get("/credit/rules/")
    assert r.status_code == 200 and sum(len(rules) for _, rules in r.context["groups"]) >= 20
    rule = CreditRule.objects.get(code="GS02")
    data = {"code": "GS02", "name": rule.name, "klass": "bad", "subject": "company", "points": "6", "validity_days": "730",
            "recorder": "city_or_district", "evidence_required": "x", "auto_source": "", "basis": "", "active": "on"}
    assert city.post(f"/credit/rules/{rule.pk}/edit/", data).status_code == 302
    rule.refresh_from_db()
    assert (rule.points, rule.validity_days) == (Decimal("6"), 730)
    assert AuditLog.objects.filter(object_type="credit.creditrule", object_id=str(rule.pk)).exists()
    r = city.post("/credit/rules/new/", {**data, "code": "GS02", "name": "重复"})
    assert r.status_code == 200 and "已存在" in r.content.decode()
    assert city.post("/credit/rules/new/", {**data, "code": "ZZ01", "name": "新规则"}).status_code == 302
    assert city.get("/credit/rules/999999/edit/").status_code == 404
    fields = {f: getattr(CreditSettings.current(), f) for f in (
        "basic_cap", "good_cap", "aaa_min", "aa_min", "a_min", "b_min", "notice_workdays", "default_validity_days",
        "manager_base_score", "manager_register_days", "manager_training_hours", "public_event_days")}
    assert city.post("/credit/settings/", {**fields, "aaa_min": "90"}).status_code == 302
    assert CreditSettings.current().aaa_min == Decimal("90")
    r = city.post("/credit/settings/", {**fields, "aa_min": "95"})
    assert r.status_code == 200 and "AAA &gt; AA" in r.content.decode()
    assert city.delete("/credit/settings/").status_code == 405
    district = login(world.users["district"])
    assert district.get("/credit/rules/").status_code == 200
    assert district.post(f"/credit/rules/{rule.pk}/edit/", data).status_code == 403
    assert district.get("/credit/settings/").status_code == 403


def test_managers_and_training(world, login):
    manager = login(world.users["manager_a"])
    r = manager.get("/credit/managers/")
    assert r.status_code == 200 and [m.pk for m in r.context["rows"]] == [world.staff_a.pk]
    url = f"/credit/managers/{world.staff_a.pk}/"
    r = manager.post(url, {"course": "物业服务标准", "attended_on": date.today().isoformat(), "hours": "6"})
    assert r.status_code == 302 and TrainingRecord.objects.get().hours == Decimal("6")
    assert manager.get(url).context["credit"].training_hours == Decimal("6")
    assert login(world.users["manager_b"]).get(url).status_code == 404
    staff = login(world.users["staff_a"])
    assert staff.get(url).status_code == 200
    assert staff.post(url, {"course": "x", "attended_on": date.today().isoformat(), "hours": "1"}).status_code == 403
    assert login(world.users["resident"]).get("/credit/managers/").status_code == 403
    assert manager.delete(url).status_code == 405


def test_benchmark_pages(world, login):
    city = login(world.users["city"])
    assert city.get("/credit/benchmarks/").status_code == 200
    r = city.post("/credit/benchmarks/", {"kind": "estate", "estate": world.estate_b.pk, "reason": "绿化示范"})
    assert r.status_code == 302
    b = Benchmark.objects.get()
    r = city.post(f"/credit/benchmarks/{b.pk}/revoke/", {"reason": ""}, follow=True)
    assert "撤销理由" in r.content.decode()
    city.post(f"/credit/benchmarks/{b.pk}/revoke/", {"reason": "不再符合条件"})
    b.refresh_from_db()
    assert not b.active
    assert login(world.users["district"]).post(f"/credit/benchmarks/{b.pk}/revoke/", {"reason": "x"}).status_code == 302
    assert login(world.users["manager_a"]).get("/credit/benchmarks/").status_code == 403
    assert city.get(f"/credit/benchmarks/{b.pk}/revoke/").status_code == 405


def test_exit_pages(world, login):
    confirmed(world.company_a, "FJ01")
    credit_refresh(company_id=world.company_a.pk)
    case = ExitCase.objects.get()
    for who in ("district", "manager_a", "committee", "city"):
        assert login(world.users[who]).get(f"/credit/exits/{case.pk}/").status_code == 200
    assert login(world.users["district2"]).get(f"/credit/exits/{case.pk}/").status_code == 404
    assert login(world.users["resident"]).get("/credit/exits/").status_code == 403
    assert login(world.users["committee"]).post(f"/credit/exits/{case.pk}/act/", {"what": "step"}).status_code == 403
    district = login(world.users["district"])
    assert [c.pk for c in district.get("/credit/exits/").context["rows"]] == [case.pk]
    district.post(f"/credit/exits/{case.pk}/act/", {"what": "step", "kind": "committee_told",
                                                     "done_on": date.today().isoformat(), "note": "已告知"})
    assert case.steps.get().kind == "committee_told"
    r = district.post(f"/credit/exits/{case.pk}/act/", {"what": "close", "status": "closed", "note": ""}, follow=True)
    assert "终止理由" in r.content.decode()
    district.post(f"/credit/exits/{case.pk}/act/", {"what": "close", "status": "closed", "note": "企业已整改退出黑名单"})
    case.refresh_from_db()
    assert case.status == "closed"
    assert district.get(f"/credit/exits/{case.pk}/act/").status_code == 405


def test_registry_company_page_shows_the_credit_panel(world, login):
    confirmed(world.company_a, "JC01")
    district = login(world.users["district"])
    html = district.get(f"/registry/companies/{world.company_a.pk}/").content.decode()
    assert "暂未评级" in html and not CompanyCredit.objects.exists()  # the page reads, never computes
    credit_refresh(company_id=world.company_a.pk)
    r = login(world.users["district"]).get(f"/registry/companies/{world.company_a.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="credit-panel"' in html and "60.00" in html and "依法备案" in html
