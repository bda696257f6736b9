"""Owners' vote pages (issue 5 item 5): happy paths, wrong method, wrong user (403/404), the
database afterwards, events and audit rows, and query counts that do not grow with the data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wuye.core.models import AuditLog
from wuye.governance.models import Ballot, Motion, MotionEvent, RollEntry
from wuye.governance.votes import services as svc

from .test_vote_support import add_owners, call

pytestmark = pytest.mark.django_db


def open_motion(world, **kw) -> Motion:
    now = timezone.now()
    return call(world, notice=now - timedelta(days=16), opens=now - timedelta(hours=1), closes=now + timedelta(days=10),
                **kw)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


# ---- list ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["committee", "street", "community", "district", "city", "resident"])
def test_list_scoped(world, login, who):
    m = open_motion(world)
    r = login(world.users[who]).get(reverse("governance:motion_list"))
    assert r.status_code == 200 and m.title in r.content.decode()


@pytest.mark.parametrize("who", ["manager_a", "staff_a", "outsider", "sysadmin", "auditor", "department"])
def test_list_refused(world, login, who):
    assert login(world.users[who]).get(reverse("governance:motion_list")).status_code == 403


def test_list_other_district_sees_nothing_and_method(world, login):
    m = open_motion(world)
    c = login(world.users["district2"])
    assert m.title not in c.get(reverse("governance:motion_list")).content.decode()
    assert c.get(reverse("governance:motion_detail", args=[m.pk])).status_code == 404
    assert c.post(reverse("governance:motion_list")).status_code == 405


def test_list_queries_do_not_grow(world, login):
    open_motion(world)
    c = login(world.users["street"])
    url = reverse("governance:motion_list")
    one = _count(c, url)
    for i in range(4):
        open_motion(world, title=f"表决 {i}")
    assert _count(c, url) == one
    r = c.get(url + "?status=voting&q=表决")
    assert r.content.decode().count('data-testid="motion-row"') == 5
    assert 'data-testid="motion-row"' not in c.get(url + "?status=closed").content.decode()


# ---- calling a vote -----------------------------------------------------------------------------

def _form(world, **over):
    now = timezone.localtime()
    data = {"estate": world.estate_a.pk, "title": "关于使用维修资金更换电梯的表决", "matter": "use_maintenance_fund",
            "notice_date": now.date().isoformat(),
            "voting_opens_at": (now + timedelta(days=16)).strftime("%Y-%m-%dT09:00"),
            "voting_closes_at": (now + timedelta(days=30)).strftime("%Y-%m-%dT18:00"), "description": "三号楼电梯"}
    data.update(over)
    return data


def test_new_happy_path(world, login):
    c = login(world.users["committee"])
    assert c.get(reverse("governance:motion_new")).status_code == 200
    r = c.post(reverse("governance:motion_new"), _form(world))
    m = Motion.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("governance:motion_detail", args=[m.pk])
    assert (m.matter, m.rule, m.total_heads, m.description) == ("use_maintenance_fund", "ordinary", 1, "三号楼电梯")
    assert MotionEvent.objects.filter(motion=m, action="call").exists()
    assert AuditLog.objects.filter(action="create", object_type="governance.motion").exists()


def test_new_notice_period_error_keeps_input(world, login):
    c = login(world.users["committee"])
    now = timezone.localtime()
    r = c.post(reverse("governance:motion_new"), _form(world, voting_opens_at=(now + timedelta(days=3)).strftime("%Y-%m-%dT09:00")))
    body = r.content.decode()
    assert r.status_code == 400 and "至少 15 天" in body and "关于使用维修资金更换电梯的表决" in body
    assert not Motion.objects.exists()


def test_new_refused_and_other_estate_not_offered(world, login):
    for who in ("resident", "manager_a", "district", "community"):
        assert login(world.users[who]).get(reverse("governance:motion_new")).status_code == 403
    r = login(world.users["committee"]).post(reverse("governance:motion_new"), _form(world, estate=world.estate_b.pk))
    assert r.status_code == 400 and not Motion.objects.exists()
    assert login(world.users["committee"]).put(reverse("governance:motion_new")).status_code == 405


# ---- the motion -----------------------------------------------------------------------------------

def test_detail_who_voted_how_only_for_committee_street_and_above(world, login):
    m = open_motion(world)
    svc.ballot_cast(actor=world.users["resident"], motion=m, choice="yes")
    url = reverse("governance:motion_detail", args=[m.pk])
    for who in ("committee", "street", "district", "city"):
        body = login(world.users[who]).get(url).content.decode()
        assert 'data-testid="ballot-table"' in body and "王**" in body, who
        assert "王秀英" not in body
    for who in ("community", "resident"):
        body = login(world.users[who]).get(url).content.decode()
        assert 'data-testid="ballot-table"' not in body and "网上投票：" not in body, who
        assert 'data-testid="explanation"' in body and "第二百七十八条" in body
    body = login(world.users["resident"]).get(url).content.decode()
    assert "您的选票：同意" in body and reverse("governance:motion_vote", args=[m.pk]) in body
    assert login(world.users["manager_a"]).get(url).status_code == 404
    assert login(world.users["district2"]).get(url).status_code == 404


def test_detail_and_live_queries_do_not_grow(world, login):
    people = add_owners(world, 6, accounts=True)
    m = open_motion(world)
    c = login(world.users["committee"])
    url = reverse("governance:motion_detail", args=[m.pk])
    live = reverse("governance:motion_live", args=[m.pk])
    svc.ballot_cast(actor=people[0][2], motion=m, choice="yes")
    one, one_live = _count(c, url), _count(c, live)
    for _u, _o, user in people[1:]:
        svc.ballot_cast(actor=user, motion=m, choice="no")
    assert _count(c, url) == one and _count(c, live) == one_live
    body = c.get(live).content.decode()
    assert "6 / 7" in body and 'data-testid="motion-figures"' in body


# ---- online vote ------------------------------------------------------------------------------------

def test_vote_online_and_change(world, login):
    m = open_motion(world)
    c = login(world.users["resident"])
    url = reverse("governance:motion_vote", args=[m.pk])
    body = c.get(url).content.decode()
    assert 'data-testid="vote-form"' in body and "王**" in body
    r = c.post(url, {"choice": "yes"})
    assert r.status_code == 302
    b = Ballot.objects.get()
    assert (b.choice, b.channel, b.cast_by) == ("yes", "online", world.users["resident"])
    c.post(url, {"choice": "abstain"})
    b.refresh_from_db()
    assert (b.choice, b.changes) == ("abstain", 1)
    assert AuditLog.objects.filter(object_type="governance.ballot").count() == 2
    assert c.post(url, {"choice": "bogus"}).status_code == 400
    assert c.delete(url).status_code == 405


def test_vote_refused(world, login):
    m = open_motion(world)
    url = reverse("governance:motion_vote", args=[m.pk])
    for who in ("committee", "street", "manager_a"):
        assert login(world.users[who]).post(url, {"choice": "yes"}).status_code == 403
    [(_u, _o, late)] = add_owners(world, 1, accounts=True)  # not on the frozen roll
    c = login(late)
    assert 'data-testid="not-on-roll"' in c.get(url).content.decode()
    assert c.post(url, {"choice": "yes"}).status_code == 403
    assert not Ballot.objects.exists()


def test_vote_after_close_shows_message(world, login):
    now = timezone.now()
    m = call(world, notice=now - timedelta(days=40), opens=now - timedelta(days=20), closes=now - timedelta(days=1))
    c = login(world.users["resident"])
    url = reverse("governance:motion_vote", args=[m.pk])
    assert 'data-testid="not-open"' in c.get(url).content.decode()
    r = c.post(url, {"choice": "yes"})
    assert r.status_code == 400 and "投票已截止" in r.content.decode()


# ---- paper ballots and the roll ------------------------------------------------------------------------

def test_paper_ballots(world, login):
    people = add_owners(world, 2)
    m = open_motion(world)
    c = login(world.users["street"])
    url = reverse("governance:motion_paper", args=[m.pk])
    body = c.get(url + "?q=业主-1").content.decode()  # by room number
    e1 = RollEntry.objects.get(motion=m, owners=people[0][1])
    assert f'data-testid="paper-form-{e1.pk}"' in body and "业**" in body
    r = c.post(url, {"entry": e1.pk, "ballot_no": "No.0001", "choice": "yes", "q": "业主-1"})
    assert r.status_code == 302
    b = Ballot.objects.get()
    assert (b.entry, b.channel, b.ballot_no, b.cast_by) == (e1, "paper", "No.0001", world.users["street"])
    e2 = RollEntry.objects.get(motion=m, owners=people[1][1])
    r = c.post(url, {"entry": e2.pk, "ballot_no": "No.0001", "choice": "no"}, follow=True)
    assert "No.0001 已录入" in r.content.decode() and Ballot.objects.count() == 1
    foreign = call(world, title="别的表决").roll.first()
    c.post(url, {"entry": foreign.pk, "ballot_no": "No.0002", "choice": "no"})
    assert Ballot.objects.count() == 1
    assert 'data-testid="paper-table"' in c.get(url).content.decode()


def test_paper_refused(world, login):
    m = open_motion(world)
    url = reverse("governance:motion_paper", args=[m.pk])
    for who in ("resident", "community", "district", "city"):
        assert login(world.users[who]).get(url).status_code == 403
    assert login(world.users["manager_a"]).get(url).status_code in (403, 404)


def test_roll_page(world, login):
    add_owners(world, 3)
    m = open_motion(world)
    svc.ballot_cast(actor=world.users["resident"], motion=m, choice="no")
    c = login(world.users["committee"])
    url = reverse("governance:motion_roll", args=[m.pk])
    one = _count(c, url)
    body = c.get(url).content.decode()
    assert body.count('data-testid="roll-row"') == 4 and "王**" in body and "王秀英" not in body and "反对" in body
    assert c.get(url + "?voted=no").content.decode().count('data-testid="roll-row"') == 3
    add_owners(world, 3, prefix="新业主")  # registry grows; the frozen roll does not
    assert _count(c, url) == one
    assert c.get(url).content.decode().count('data-testid="roll-row"') == 4
    for who in ("resident", "community"):
        assert login(world.users[who]).get(url).status_code == 403


def test_cancel_view(world, login):
    m = open_motion(world)
    url = reverse("governance:motion_cancel", args=[m.pk])
    assert login(world.users["committee"]).get(url).status_code == 405
    assert login(world.users["resident"]).post(url, {"reason": "x"}).status_code == 403
    c = login(world.users["committee"])
    c.post(url, {"reason": ""})
    m.refresh_from_db()
    assert m.cancelled_at is None
    r = c.post(url, {"reason": "业主提出异议，重新公告"})
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.cancel_reason == "业主提出异议，重新公告" and MotionEvent.objects.filter(motion=m, action="cancel").exists()
    assert 'data-testid="cancelled"' in c.get(reverse("governance:motion_detail", args=[m.pk])).content.decode()


def test_public_panel_tag(world, django_assert_num_queries):
    now = timezone.now()
    m = call(world, notice=now - timedelta(days=40), opens=now - timedelta(days=20), closes=now - timedelta(days=1))
    svc.ballot_cast(actor=world.users["resident"], motion=m, choice="yes", now=now - timedelta(days=2))
    svc.motion_close(motion=m)
    open_motion(world, title="正在投票的事项")
    tpl = Template("{% load vote_panels %}{% motion_public_panel estate %}")
    with django_assert_num_queries(1):
        html = tpl.render(Context({"estate": world.estate_a}))
    assert "通过" in html and "正在投票的事项" in html and "参与 1/1 人" in html
    assert "王" not in html
