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
