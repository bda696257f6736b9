"""The working-day calendar page: the city bureau and the system administrator list, add, edit and
delete overrides (audited); everybody else gets 404 (audited). The banner for years without data."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wuye.core import calendar as cal
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction, AuditLog, CalendarDay
from wuye.core.services_calendar import calendar_day_delete, calendar_day_set

LIST = reverse("calendar:day_list")
CREATE = reverse("calendar:day_create")
OTHERS = ["district", "street", "community", "department", "manager_a", "committee", "resident", "secadmin",
          "auditor", "outsider"]


@pytest.fixture(autouse=True)
def fresh_calendar(db):
    cal.clear_cache()
    yield
    cal.clear_cache()


def new_audit(before: int):
    return list(AuditLog.objects.filter(seq__gt=before).order_by("seq"))


def last_seq() -> int:
    row = AuditLog.objects.order_by("-seq").first()
    return row.seq if row else 0


def cell(body: str, day: str) -> str:
    """The <td> of one day in the month grids."""
    match = re.search(rf'<td class="([^"]*)" data-date="{day}" data-kind="([^"]*)"', body)
    assert match, day
    return match.group(2) + " | " + match.group(1)


def typhoon(world, day=date(2025, 10, 9)) -> CalendarDay:
    return calendar_day_set(actor=world.users["city"], day=day, is_workday=False, name="台风停工", note="市政府通知")


def at_year(monkeypatch, year: int) -> None:
    """Make "today" a day of ``year`` for the calendar (this year and next are the banner's years)."""
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(year, 6, 1))


# ---- the list -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["city", "sysadmin"])
def test_the_bureau_and_the_sysadmin_see_the_year_in_colour(client, login, world, who):
    typhoon(world)
    login(world.users[who])
    response = client.get(LIST, {"year": 2025})
    assert response.status_code == 200
    body = response.content.decode()
    assert "工作日历" in body and "2025 年" in body
    assert body.count('class="wy-cal-month"') == 12
    assert cell(body, "2025-10-01").startswith("holiday | wy-cal-holiday")
    assert cell(body, "2025-09-28").startswith("makeup | wy-cal-makeup")
    assert cell(body, "2025-09-27").startswith("weekend | wy-cal-weekend")
    assert cell(body, "2025-09-30").startswith("workday | wy-cal-workday")
    assert cell(body, "2025-10-09") == "holiday | wy-cal-holiday wy-cal-override"  # the city's override
    assert "国庆节调休" in body and "台风停工" in body and "市政府通知" in body
    assert response.context["page"].paginator.count == 1
    assert reverse("calendar:day_edit", args=[CalendarDay.objects.get().pk]) in body
    assert 'data-testid="nav-calendar"' in body


def test_the_year_summary_counts_days(client, login, world):
    login(world.users["city"])
    summary = client.get(LIST, {"year": 2025}).context["summary"]
    # 2025: 365 days, 28 holiday days, 5 make-up working days (chinese_calendar 1.11.0).
    holidays = [d for d in cal.PACKAGE_HOLIDAYS if d.year == 2025]
    assert summary["holidays"] == len(holidays) == 28
    assert summary["makeups"] == 5
    first = date(2025, 1, 1)
    assert summary["workdays"] == sum(cal.is_workday(first + timedelta(days=i)) for i in range(365))


def test_an_empty_year_says_so_and_offers_to_add(client, login, world):
    login(world.users["city"])
    body = client.get(LIST, {"year": 2025}).content.decode()
    assert 'data-testid="empty"' in body and "2025 年没有本市调整" in body
    assert f'href="{CREATE}"' in body


@pytest.mark.parametrize("raw", ["abc", "1900", "", "2100"])
def test_a_nonsense_year_shows_this_year(client, login, world, raw):
    login(world.users["city"])
    assert client.get(LIST, {"year": raw}).context["year"] == timezone.localdate().year


def test_the_list_is_paginated_and_its_queries_do_not_grow(client, login, world, django_assert_num_queries):
    login(world.users["city"])
    typhoon(world, date(2025, 1, 6))
    client.get(LIST, {"year": 2025})
    with CaptureQueriesContext(connection) as small:
        assert client.get(LIST, {"year": 2025}).status_code == 200
    few = len(small)  # read now: the next request empties the connection's query log
    for i in range(1, 25):
        typhoon(world, date(2025, 1, 6) + timedelta(days=7 * i))
    client.get(LIST, {"year": 2025})  # the edits emptied the cache: reload it once
    with django_assert_num_queries(few):
        response = client.get(LIST, {"year": 2025})
    assert len(response.context["page"].object_list) == 20
    page2 = client.get(LIST, {"year": 2025, "page": 2})
    assert len(page2.context["page"].object_list) == 5
    partial = client.get(LIST, {"year": 2025, "page": 2}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="wy-results")
    text = partial.content.decode()
    assert text.lstrip().startswith('<div id="wy-results"') and "<html" not in text
    assert text.count('data-testid="day-row"') == 5


@pytest.mark.parametrize("who", OTHERS)
@pytest.mark.parametrize("name", ["day_list", "day_create", "day_edit", "day_delete"])
def test_everyone_else_gets_404_and_an_audit_row(client, login, world, who, name):
    day = typhoon(world)
    login(world.users[who])
    url = reverse(f"calendar:{name}", args=[day.pk] if name in ("day_edit", "day_delete") else [])
    before = last_seq()
    assert client.get(url).status_code == 404
    tries = 1
    if name != "day_list":  # the list is GET only (405 before anything else)
        assert client.post(url, {"date": "2025-10-10", "is_workday": "0", "name": "x"}).status_code == 404
        tries = 2
    rows = new_audit(before)
    assert [(r.action, r.actor_username, r.object_type) for r in rows] == [
        (AuditAction.DENIED, world.users[who].username, "core.calendarday")] * tries
    assert list(CalendarDay.objects.values_list("date", "name")) == [(date(2025, 10, 9), "台风停工")]


def test_the_nav_link_is_for_the_bureau_and_the_sysadmin_only(client, login, world):
    home = reverse("portal:home")
    for who, shown in (("city", True), ("sysadmin", True), ("district", False), ("resident", False)):
        login(world.users[who])
        assert ('data-testid="nav-calendar"' in client.get(home).content.decode()) is shown, who


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(LIST)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("url, method", [(LIST, "post"), (LIST, "put"), (CREATE, "put"), (CREATE, "delete")])
def test_wrong_method(client, login, world, url, method):
    login(world.users["city"])
    assert getattr(client, method)(url).status_code == 405


# ---- the banner -----------------------------------------------------------------------------


def test_the_banner_lists_years_without_data_for_the_bureau_only(client, login, world, monkeypatch):
    at_year(monkeypatch, 2039)
    cal.warm_up()
    home = reverse("portal:home")
    login(world.users["city"])
    body = client.get(home).content.decode()
    assert 'data-testid="calendar-banner"' in body and "2039、2040 年尚无放假安排数据" in body
    assert f"{LIST}?year=2039" in body
    login(world.users["sysadmin"])
    assert 'data-testid="calendar-banner"' in client.get(reverse("accounts:user_list")).content.decode()
    login(world.users["district"])
    assert 'data-testid="calendar-banner"' not in client.get(home).content.decode()


def test_the_calendar_page_shows_its_own_warning_and_an_override_silences_it(client, login, world, monkeypatch):
    at_year(monkeypatch, 2039)
    login(world.users["city"])
    body = client.get(LIST).content.decode()
    assert 'data-testid="calendar-warning"' in body and 'data-testid="calendar-banner"' not in body
    assert 'data-testid="year-fallback"' in body
    calendar_day_set(actor=world.users["city"], day=date(2039, 1, 1), is_workday=False, name="元旦")
    body = client.get(LIST).content.decode()
    assert "2040 年尚无放假安排数据" in body and "2039、2040" not in body
    calendar_day_set(actor=world.users["city"], day=date(2040, 1, 1), is_workday=False, name="元旦")
    body = client.get(LIST).content.decode()
    assert 'data-testid="calendar-warning"' not in body
    assert 'data-testid="calendar-banner"' not in client.get(reverse("portal:home")).content.decode()


def test_no_banner_when_the_package_covers_both_years(client, login, world, monkeypatch):
    at_year(monkeypatch, 2025)
    login(world.users["city"])
    body = client.get(reverse("portal:home")).content.decode()
    assert 'data-testid="calendar-banner"' not in body


# ---- add ------------------------------------------------------------------------------------


def test_add_form_is_prefilled_from_the_clicked_day(client, login, world):
    login(world.users["city"])
    response = client.get(CREATE, {"date": "2025-10-09"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial == {"date": date(2025, 10, 9), "is_workday": "0"}  # a working day: suggest a day off
    assert client.get(CREATE, {"date": "2025-10-01"}).context["form"].initial["is_workday"] == "1"
    assert client.get(CREATE, {"date": "not-a-date"}).context["form"].initial == {}


@pytest.mark.parametrize("who", ["city", "sysadmin"])
def test_add_saves_audits_and_changes_deadlines(client, login, world, who):
    login(world.users[who])
    before = last_seq()
    response = client.post(CREATE, {"date": "2025-10-09", "is_workday": "0", "name": " 台风停工 ", "note": "市政府通知"})
    assert response.status_code == 302 and response["Location"] == f"{LIST}?year=2025"
    day = CalendarDay.objects.get()
    assert (day.date, day.is_workday, day.name, day.note) == (date(2025, 10, 9), False, "台风停工", "市政府通知")
    rows = new_audit(before)
    assert [(r.action, r.actor_username, r.object_type, r.object_id) for r in rows] == [
        (AuditAction.CREATE, world.users[who].username, "core.calendarday", str(day.pk))]
    assert rows[0].changes["name"] == [None, "台风停工"] and rows[0].changes["is_workday"] == [None, False]
    start = datetime(2025, 9, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert cal.add_period(start, 1, cal.PeriodUnit.WORKING_DAYS).date() == date(2025, 10, 10)
    page = client.get(response["Location"])
    assert "已新增" in page.content.decode()


def test_add_refuses_bad_input_and_keeps_what_was_typed(client, login, world):
    login(world.users["city"])
    before = last_seq()
    response = client.post(CREATE, {"date": "2025-10-09", "is_workday": "0", "name": "", "note": "市政府通知"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "请填写名称" in body and "市政府通知" in body and 'value="2025-10-09"' in body
    assert re.search(r'<input type="text" name="name"[^>]*class="form-control is-invalid"', body)
    response = client.post(CREATE, {"date": "2025-13-45", "is_workday": "", "name": "x"})
    assert "日期格式不正确" in response.content.decode() and "请选择当天放假还是上班" in response.content.decode()
    response = client.post(CREATE, {"date": "1999-12-31", "is_workday": "0", "name": "x"})
    assert "日期须在 2000 年至 2099 年之间" in response.content.decode()
    assert not CalendarDay.objects.exists()
    assert new_audit(before) == []


def test_add_refuses_a_date_that_already_has_an_override(client, login, world):
    typhoon(world)
    login(world.users["city"])
    before = last_seq()
    response = client.post(CREATE, {"date": "2025-10-09", "is_workday": "1", "name": "调休"})
    assert response.status_code == 200
    assert "已有调整“台风停工”" in response.content.decode()
    assert CalendarDay.objects.get().name == "台风停工"
    assert new_audit(before) == []


# ---- edit -----------------------------------------------------------------------------------


def test_edit_changes_what_was_asked_keeps_the_date_and_audits(client, login, world):
    day = typhoon(world)
    login(world.users["sysadmin"])
    url = reverse("calendar:day_edit", args=[day.pk])
    form = client.get(url).context["form"]
    assert form.fields["date"].disabled and form.initial["is_workday"] == "0"
    before = last_seq()
    response = client.post(url, {"date": "2025-12-25", "is_workday": "1", "name": "本市复工", "note": "市政府通知"})
    assert response.status_code == 302 and response["Location"] == f"{LIST}?year=2025"
    day.refresh_from_db()
    assert (day.date, day.is_workday, day.name) == (date(2025, 10, 9), True, "本市复工")
    rows = new_audit(before)
    assert [(r.action, r.object_id) for r in rows] == [(AuditAction.UPDATE, str(day.pk))]
    assert rows[0].changes == {"is_workday": [False, True], "name": ["台风停工", "本市复工"]}
    assert cal.is_workday(date(2025, 10, 9)) is True


def test_saving_unchanged_writes_no_audit_row(client, login, world):
    day = typhoon(world)
    login(world.users["city"])
    before = last_seq()
    response = client.post(reverse("calendar:day_edit", args=[day.pk]),
                           {"is_workday": "0", "name": "台风停工", "note": "市政府通知"})
    assert response.status_code == 302
    assert new_audit(before) == []


def test_edit_or_delete_of_a_missing_day_is_404(client, login, world):
    login(world.users["city"])
    for name in ("day_edit", "day_delete"):
        assert client.get(reverse(f"calendar:{name}", args=[99999])).status_code == 404


# ---- delete ---------------------------------------------------------------------------------


def test_delete_asks_first_then_deletes_and_audits(client, login, world):
    day = typhoon(world)
    login(world.users["city"])
    url = reverse("calendar:day_delete", args=[day.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "确定要删除" in body and "2025-10-09 台风停工" in body and "计算为：上班" in body
    assert CalendarDay.objects.exists()
    before = last_seq()
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == f"{LIST}?year=2025"
    assert not CalendarDay.objects.exists()
    rows = new_audit(before)
    assert [(r.action, r.object_type, r.object_id) for r in rows] == [(AuditAction.DELETE, "core.calendarday", str(day.pk))]
    assert rows[0].changes["name"] == ["台风停工", None]
    assert cal.is_workday(date(2025, 10, 9)) is True
    assert "已删除" in client.get(response["Location"]).content.decode()
    assert client.post(url).status_code == 404  # already gone


# ---- services -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["district", "manager_a", "resident", "secadmin"])
def test_services_refuse_other_roles(world, who):
    with pytest.raises(ServiceError):
        calendar_day_set(actor=world.users[who], day=date(2025, 10, 9), is_workday=False, name="x")
    day = typhoon(world)
    with pytest.raises(ServiceError):
        calendar_day_delete(actor=world.users[who], day=day)
    assert CalendarDay.objects.filter(pk=day.pk).exists()


def test_set_updates_the_row_of_that_date(world):
    first = typhoon(world)
    second = calendar_day_set(actor=world.users["city"], day=date(2025, 10, 9), is_workday=True, name="复工")
    assert first.pk == second.pk and CalendarDay.objects.count() == 1
