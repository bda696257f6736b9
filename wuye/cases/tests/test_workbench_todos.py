"""Each role's workbench opens with what needs its attention now, and every count equals the list
it links to (issue 14 §2): the test follows each link and reads the list's own total."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from wuye.cases.models import Complaint, Status

from .conftest import act, file

ROLES = ["city", "district", "street", "community", "department", "manager_a", "staff_a", "committee", "resident",
         "fire"]


@pytest.fixture
def busy(cworld):
    """Complaints in several states of the work: new, accepted, dispatched, signed, replied,
    one nearly due and one overdue."""
    u = cworld.users
    for _i in range(2):
        file(cworld, description="垃圾桶没人清理")
    accepted = file(cworld, description="楼道灯坏了")
    act(u["city"], accepted, "accept")
    for _i in range(3):
        act(u["city"], file(cworld, description="电梯异响"), "dispatch")
    signed = file(cworld, description="绿化带枯死")
    act(u["city"], signed, "dispatch")
    act(u["staff_a"], signed, "sign")
    soon = file(cworld, description="水管漏水")
    act(u["city"], soon, "dispatch")
    Complaint.objects.filter(pk=soon.pk).update(resolve_due=timezone.now() + timedelta(hours=2))
    soon.tasks.update(due=timezone.now() + timedelta(hours=2))
    late = file(cworld, description="噪音扰民")
    act(u["city"], late, "dispatch")
    Complaint.objects.filter(pk=late.pk).update(resolve_due=timezone.now() - timedelta(hours=2), resolve_overdue=True)
    late.tasks.update(due=timezone.now() - timedelta(hours=2))
    fire = file(cworld, "fire_safety", description="消防通道被占")
    act(u["city"], fire, "dispatch")
    mine = file(cworld, description="我家门口的路灯不亮", reporter_user=u["resident"])
    assert mine.status == Status.SUBMITTED
    return cworld


def _list_total(response) -> int:
    page = response.context["page"]
    return page.paginator.count


@pytest.mark.parametrize("who", ROLES)
def test_every_todo_count_equals_the_list_it_links_to(busy, login, client, who):
    login(busy.users[who])
    home = client.get("/")
    assert home.status_code == 200
    todos = home.context["todos"]
    assert todos, f"{who} has an empty to-do list"
    html = home.content.decode()
    for t in todos:
        assert f'data-testid="todo-{t.key}"' in html and t.url in html.replace("&amp;", "&")
        if t.count is None:
            continue
        r = client.get(t.url)
        assert r.status_code == 200, (who, t.key, t.url)
        assert _list_total(r) == t.count, (who, t.key, t.url, t.count, _list_total(r))


def test_the_desk_sees_each_stage_of_the_work(busy, login, client):
    login(busy.users["city"])
    counts = {t.key: t.count for t in client.get("/").context["todos"]}
    assert counts["submitted"] == 3  # two plus the resident's own
    assert counts["accepted"] == 1
    assert counts["soon"] == 1 and counts["overdue"] == 1


def test_the_company_sees_its_queue_by_step(busy, login, client):
    login(busy.users["staff_a"])
    counts = {t.key: t.count for t in client.get("/").context["todos"]}
    assert counts["pending"] == 5  # three, the nearly due and the overdue one
    assert counts["to_contact"] == 1  # signed, not yet contacted
    assert counts["task_soon"] == 1 and counts["task_overdue"] == 1


def test_numbers_use_thousands_separators(busy, login, client, monkeypatch):
    from wuye.portal import todos

    monkeypatch.setattr(todos, "DESK", [(*row[:4], lambda user, params: 12345, *row[5:]) for row in todos.DESK])
    login(busy.users["city"])
    html = client.get("/").content.decode()
    assert "12,345" in html


def test_a_resident_has_big_tiles_for_filing_and_following(busy, login, client):
    login(busy.users["resident"])
    todos = client.get("/").context["todos"]
    assert todos[0].key == "file" and todos[0].count is None
    assert {"mine", "votes"} <= {t.key for t in todos}
    assert next(t for t in todos if t.key == "mine").count == 1


# ---- issue 14 §2 (rest): notices, star objections, committees, department, resident shares ----------


@pytest.fixture
def busier(busy):
    """``busy`` plus a notice to company A and the fire department, a star notice with an objection in
    district 1, and committee A's term ending in 30 days."""
    from wuye.campaign.notices.services import create_notice
    from wuye.cases.models import UnitKind
    from wuye.cases.units import Unit
    from wuye.registry import services as rs
    from wuye.supervision.stars.models import StarApplication, StarObjection

    w = busy
    u = w.users
    fire = u["fire"].department
    create_notice(by=u["city"], title="关于开展消防通道专项整治的通知", body="请于本周内完成排查。",
                  recipients=[Unit(UnitKind.COMPANY, w.company_a.pk, w.company_a.name),
                              Unit(UnitKind.DEPARTMENT, fire.pk, fire.name)],
                  ack_due=timezone.now() + timedelta(days=3))
    app = StarApplication.objects.create(company=w.company_a, estate=w.estate_a, district=w.estate_a.district,
                                         target_level=3, status=StarApplication.Status.NOTICE,
                                         notice_start=timezone.now() - timedelta(days=2),
                                         notice_end=timezone.now() + timedelta(days=5), submitted_by=u["manager_a"])
    StarObjection.objects.create(application=app, name="李四", phone="13900000000", text="绿化长期无人养护")
    rs.committee_update(actor=u["city"], committee=w.committee_a,
                        term_end=timezone.localdate() + timedelta(days=30))
    return w


def _counts(client, login, user) -> dict:
    login(user)
    return {t.key: t for t in client.get("/").context["todos"]}


@pytest.mark.parametrize("who", ["city", "district", "street", "community", "fire", "manager_a", "committee",
                                 "resident"])
def test_every_new_todo_count_equals_its_list(busier, login, client, who):
    todos = _counts(client, login, busier.users[who])
    for t in todos.values():
        if t.count is None:
            continue
        r = client.get(t.url)
        assert r.status_code == 200, (who, t.key, t.url)
        assert _list_total(r) == t.count, (who, t.key, t.url, t.count, _list_total(r))


def test_officials_see_star_notices_with_objections(busier, login, client):
    assert _counts(client, login, busier.users["city"])["star_objections"].count == 1
    assert _counts(client, login, busier.users["district"])["star_objections"].count == 1
    # district 2 has none; a company does not get the tile
    assert _counts(client, login, busier.users["district2"])["star_objections"].count == 0
    assert "star_objections" not in _counts(client, login, busier.users["manager_a"])


def test_company_sees_unacknowledged_notices(busier, login, client):
    todos = _counts(client, login, busier.users["manager_a"])
    assert todos["notices_unread"].count == 1 and todos["notices_unacked"].count == 0
    assert "orders_open" in todos  # 待整改 orders, with their nearest deadline when there are any
    assert _counts(client, login, busier.users["manager_b"])["notices_unread"].count == 0


def test_the_department_home_is_its_own(busier, login, client):
    login(busier.users["fire"])
    response = client.get("/")
    todos = {t.key: t for t in response.context["todos"]}
    assert response.context["wb"].kind == "department"
    assert todos["pending"].count == 1  # the fire-safety complaint dispatched to it
    assert todos["notices_unread"].count == 1
    assert {"tasks_behind", "tasks_overdue"} <= set(todos)
    assert "submitted" not in todos and "open" not in todos  # not the desk's, not the district's
    wb = response.context["wb"]
    assert wb.complaints_total == 1 and wb.notices_waiting == 1


def test_street_and_community_see_committee_terms_and_filing(busier, login, client):
    for who in ("street", "community"):
        todos = _counts(client, login, busier.users[who])
        assert todos["committee_terms"].count == 1, who  # committee A's term ends in 30 days
        assert todos["committee_filing"].count == 1, who  # started 2024-01-01, never filed
        assert "income_no_committee" in todos


def test_the_committee_sees_its_filing_due(busier, login, client):
    todos = _counts(client, login, busier.users["committee"])
    assert todos["committee_filing"].count == 1
    assert {"mine", "income_to_confirm", "votes"} <= set(todos)


def test_the_resident_sees_utility_and_income_share_tiles(busier, login, client):
    todos = _counts(client, login, busier.users["resident"])
    assert {"utility_shares", "income_shares"} <= set(todos)
    assert todos["utility_shares"].url == "/disclosure/utilities/mine/"


def test_a_role_without_the_todo_cannot_open_its_list(busier, login, client):
    login(busier.users["manager_a"])
    assert client.get("/todo/star-objections/").status_code == 403
    login(busier.users["resident"])
    assert client.get("/todo/committee-terms/").status_code == 403
    assert client.get("/todo/no-such-list/").status_code == 404
