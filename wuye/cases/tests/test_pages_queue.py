"""The unit's queue (/complaints/queue/) and bulk signing (issue §13)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wuye.cases.models import Event, Status, Task
from wuye.core.models import AuditAction, AuditLog

from .conftest import act, file

QUEUE = "/complaints/queue/"
SIGN = "/complaints/queue/sign/"


def _dispatched(world, n=1, code="cleaning_greening", **kw):
    out = []
    for _i in range(n):
        c = file(world, code, **kw)
        act(world.users["city"], c, "dispatch")
        out.append(c)
    return out


def _codes(response) -> list[str]:
    return [t.complaint.tracking_code for t in response.context["rows"]]


def test_queue_shows_the_units_open_tasks_by_urgency_then_deadline(cworld, login, client):
    u = cworld.users
    plain = _dispatched(cworld, description="楼道灯坏了一周")[0]
    lift = _dispatched(cworld, code="elevator", description="电梯停运")[0]  # emergency: urgency 2
    listed = _dispatched(cworld, description="垃圾堆放")[0]
    act(u["city"], listed, "supervise", level=3, note="挂牌")  # urgency 3
    signed = _dispatched(cworld, description="绿化带枯死")[0]
    act(u["staff_a"], signed, "sign")
    other = file(cworld, estate=cworld.estate_b, description="翠湖花园的问题")
    act(u["city"], other, "dispatch")
    withdrawn = file(cworld, description="已经自行解决，撤回")
    act(u["city"], withdrawn, "dispatch")
    withdrawn.reporter_user = u["resident"]
    withdrawn.save(update_fields=["reporter_user"])
    act(u["resident"], withdrawn, "withdraw")
    login(u["staff_a"])
    r = client.get(QUEUE)
    assert r.status_code == 200
    codes = _codes(r)
    assert codes[:2] == [listed.tracking_code, lift.tracking_code]
    assert set(codes) == {plain.tracking_code, lift.tracking_code, listed.tracking_code, signed.tracking_code}
    assert other.tracking_code not in r.content.decode() and withdrawn.tracking_code not in r.content.decode()
    html = r.content.decode()
    assert "挂牌督办" in html and "紧急" in html and "主办" in html and "批量签收" in html
    # Ties on urgency go by the resolve deadline, earliest first.
    rest = [t for t in r.context["rows"] if t.urgency == 0]
    assert [t.due for t in rest] == sorted(t.due for t in rest)


def test_queue_counts_come_from_one_aggregate(cworld, login, client):
    u = cworld.users
    a, b, c = _dispatched(cworld, 3)
    act(u["staff_a"], a, "sign")
    act(u["city"], b, "supervise", level=1)
    Task.objects.filter(complaint=c).update(due=timezone.now() - timedelta(hours=1))
    login(u["manager_a"])
    r = client.get(QUEUE)
    assert r.context["counts"] == {"pending": 2, "signed": 1, "overdue": 1, "supervised": 1}
    html = r.content.decode()
    assert 'data-testid="count-pending">2<' in html and 'data-testid="count-overdue">1<' in html
    # The overdue row is red with the time it has been overdue.
    row = next(t for t in r.context["rows"] if t.complaint_id == c.pk)
    assert row.deadline.state == "overdue" and row.deadline.text.startswith("已超期")


def test_deadline_within_the_warning_window_is_orange(cworld, login, client):
    (c,) = _dispatched(cworld)
    Task.objects.filter(complaint=c).update(due=timezone.now() + timedelta(minutes=50))
    login(cworld.users["staff_a"])
    r = client.get(QUEUE)
    row = r.context["rows"][0]
    assert row.deadline.state == "warn" and "剩余" in row.deadline.text
    assert 'data-state="warn"' in r.content.decode()


@pytest.mark.parametrize("params, expected", [
    ({"status": "pending"}, {"b", "c"}),
    ({"status": "signed"}, {"a"}),
    ({"level": "any"}, {"b"}),
    ({"level": "2"}, set()),
    ({"overdue": "1"}, {"c"}),
    ({"role": "lead"}, {"a", "b", "c"}),
    ({"role": "co"}, set()),
    ({"q": "垃圾"}, {"a"}),
    ({"q": "电梯 困人"}, {"b"}),
    ({"q": "电梯 垃圾"}, set()),
])
def test_queue_filters(cworld, login, client, params, expected):
    u = cworld.users
    (a,) = _dispatched(cworld, description="垃圾桶没人清理")
    (b,) = _dispatched(cworld, code="elevator", description="电梯困人半小时")
    (c,) = _dispatched(cworld, description="停车位被占")
    act(u["staff_a"], a, "sign")
    act(u["city"], b, "supervise", level=1)
    Task.objects.filter(complaint=c).update(due=timezone.now() - timedelta(hours=1))
    names = {a.tracking_code: "a", b.tracking_code: "b", c.tracking_code: "c"}
    login(u["staff_a"])
    r = client.get(QUEUE, params)
    assert r.status_code == 200
    assert {names[code] for code in _codes(r)} == expected


def test_queue_filters_by_category_and_dispatch_date(cworld, login, client):
    from wuye.cases.models import Category

    (a,) = _dispatched(cworld)
    (b,) = _dispatched(cworld, code="elevator")
    Task.objects.filter(complaint=a).update(dispatched_at=timezone.now() - timedelta(days=10))
    login(cworld.users["staff_a"])
    lift = Category.objects.get(code="elevator")
    assert _codes(client.get(QUEUE, {"category": lift.pk})) == [b.tracking_code]
    today = timezone.localdate().isoformat()
    assert _codes(client.get(QUEUE, {"date_from": today})) == [b.tracking_code]
    old = (timezone.localdate() - timedelta(days=5)).isoformat()
    assert _codes(client.get(QUEUE, {"date_to": old})) == [a.tracking_code]


def test_queue_keeps_a_constant_number_of_queries(cworld, login, client, django_assert_num_queries):
    _dispatched(cworld, 3)
    login(cworld.users["staff_a"])
    client.get(QUEUE)  # warm-up: one-off caches
    with CaptureQueriesContext(connection) as small:
        r = client.get(QUEUE, {"q": "垃圾", "status": "pending"})
    assert len(r.context["rows"]) == 3
    _dispatched(cworld, 9)
    with django_assert_num_queries(len(small.captured_queries)):
        r = client.get(QUEUE, {"q": "垃圾", "status": "pending"})
    assert len(r.context["rows"]) == 12


def test_queue_paginates(cworld, login, client):
    from wuye.cases import views_queue

    _dispatched(cworld, 4)
    login(cworld.users["staff_a"])
    views_queue.QUEUE_PAGE_SIZE, old = 3, views_queue.QUEUE_PAGE_SIZE
    try:
        r = client.get(QUEUE, {"page": 2})
    finally:
        views_queue.QUEUE_PAGE_SIZE = old
    assert len(r.context["rows"]) == 1 and r.context["page"].paginator.count == 4


def test_queue_htmx_partial_returns_only_the_results(cworld, login, client):
    _dispatched(cworld)
    login(cworld.users["staff_a"])
    r = client.get(QUEUE, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="wy-results")
    html = r.content.decode()
    assert r.status_code == 200 and html.lstrip().startswith('<div id="wy-results">') and "<html" not in html


def test_queue_empty_state(cworld, login, client):
    login(cworld.users["community"])
    r = client.get(QUEUE)
    assert "暂无待办诉求" in r.content.decode()
    r = client.get(QUEUE, {"q": "电梯"})
    assert "没有符合条件的待办诉求" in r.content.decode()


def test_queue_wrong_method(cworld, login, client):
    login(cworld.users["staff_a"])
    assert client.post(QUEUE).status_code == 405


@pytest.mark.parametrize("persona", ["resident", "sysadmin", "outsider", "committee"])
def test_queue_refuses_roles_without_a_unit(cworld, login, client, persona):
    login(cworld.users[persona])
    before = AuditLog.objects.filter(action=AuditAction.DENIED).count()
    assert client.get(QUEUE).status_code == 403
    assert AuditLog.objects.filter(action=AuditAction.DENIED).count() == before + 1


def test_queue_city_goes_to_the_list_and_anonymous_to_login(cworld, login, client):
    assert client.get(QUEUE).status_code == 302 and "/accounts/login/" in client.get(QUEUE)["Location"]
    login(cworld.users["city"])
    r = client.get(QUEUE)
    assert r.status_code == 302 and r["Location"] == "/complaints/"


def test_another_company_does_not_see_the_task(cworld, login, client):
    _dispatched(cworld)
    login(cworld.users["manager_b"])
    r = client.get(QUEUE)
    assert r.context["rows"] == [] and r.context["counts"]["pending"] == 0


def test_a_department_called_in_sees_its_joint_task(cworld, login, client):
    u = cworld.users
    (c,) = _dispatched(cworld)
    act(u["staff_a"], c, "sign")
    act(u["street"], c, "call_departments", departments=[u["urban"].department_id], note="占道")
    login(u["urban"])
    r = client.get(QUEUE)
    assert _codes(r) == [c.tracking_code]
    assert r.context["rows"][0].role == Task.Role.JOINT and "联合执法" in r.content.decode()


# ---- bulk sign ---------------------------------------------------------------------------------


def test_bulk_sign_signs_the_ticked_complaints(cworld, login, client):
    a, b, c = _dispatched(cworld, 3)
    login(cworld.users["staff_a"])
    r = client.post(SIGN, {"ids": [a.pk, b.pk], "next": "/complaints/queue/?status=pending"})
    assert r.status_code == 302 and r["Location"] == "/complaints/queue/?status=pending"
    for x in (a, b):
        x.refresh_from_db()
        assert x.status == Status.SIGNED
        assert Task.objects.get(complaint=x).state == Task.State.SIGNED
        assert Event.objects.filter(complaint=x, action="sign", actor=cworld.users["staff_a"]).count() == 1
    c.refresh_from_db()
    assert c.status == Status.DISPATCHED
    msgs = [str(m) for m in get_messages(r.wsgi_request)]
    assert msgs == ["已签收 2 件诉求。"]
    assert AuditLog.objects.filter(action=AuditAction.UPDATE, object_type="cases.complaint", actor_username="p_staff_a",
                                   object_id__in=[str(a.pk), str(b.pk)]).count() == 2


def test_bulk_sign_says_why_others_failed(cworld, login, client):
    u = cworld.users
    a, b = _dispatched(cworld, 2)
    act(u["manager_a"], a, "sign")  # a colleague signed it first
    other = file(cworld, estate=cworld.estate_b)
    act(u["city"], other, "dispatch")
    login(u["staff_a"])
    r = client.post(SIGN, {"ids": [a.pk, b.pk, other.pk]}, follow=True)
    msgs = [str(m) for m in r.context["messages"]]
    assert "已签收 1 件诉求。" in msgs
    assert f"未签收：{a.tracking_code}：已被他人签收" in msgs
    assert "1 件诉求不在本单位的待办范围内，未签收。" in msgs
    other.refresh_from_db()
    assert other.status == Status.DISPATCHED
    assert Event.objects.filter(complaint=a, action="sign").count() == 1


def test_bulk_sign_without_ticks_asks_for_them(cworld, login, client):
    login(cworld.users["staff_a"])
    r = client.post(SIGN, {"ids": []}, follow=True)
    assert [str(m) for m in r.context["messages"]] == ["请先勾选要签收的诉求。"]


def test_bulk_sign_ignores_a_foreign_next(cworld, login, client):
    (a,) = _dispatched(cworld)
    login(cworld.users["staff_a"])
    r = client.post(SIGN, {"ids": [a.pk], "next": "https://evil.example/"})
    assert r["Location"] == "/complaints/queue/"


def test_bulk_sign_wrong_method_and_wrong_users(cworld, login, client):
    (a,) = _dispatched(cworld)
    login(cworld.users["staff_a"])
    assert client.get(SIGN).status_code == 405
    login(cworld.users["manager_b"])
    client.post(SIGN, {"ids": [a.pk]})
    a.refresh_from_db()
    assert a.status == Status.DISPATCHED
    login(cworld.users["resident"])
    assert client.post(SIGN, {"ids": [a.pk]}).status_code == 403
    a.refresh_from_db()
    assert a.status == Status.DISPATCHED
