"""The notification page, opening a notification, marking all read, and the bell."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from wuye.core.models import AuditAction, AuditLog
from wuye.notifications.context_processors import unread
from wuye.notifications.models import Notification
from wuye.notifications.services import notify

LIST = reverse("notifications:list")
READ_ALL = reverse("notifications:read_all")


def _open(pk: int) -> str:
    return reverse("notifications:open", args=[pk])


def _many(user, n: int, **extra) -> None:
    base = timezone.now()
    Notification.objects.bulk_create([
        Notification(user=user, subject=f"消息 {i}", body="内容", created_at=base - timedelta(minutes=i), **extra)
        for i in range(n)
    ])


@pytest.fixture
def inbox(world):
    manager, other = world.users["manager_a"], world.users["manager_b"]
    notify(users=[manager], subject="新投诉待签收：幸福里小区漏水", body="请在 1 个工作日内签收", url="/registry/estate/",
           channels=("inapp",), category="complaint")
    notify(users=[manager], subject="检查结果已发布", body="", channels=("inapp",), category="inspection")
    notify(users=[other], subject="百润物业的消息", body="只给 B", channels=("inapp",))
    mine = list(Notification.objects.filter(user=manager).order_by("id"))
    theirs = Notification.objects.get(user=other)
    return manager, other, mine, theirs


def test_list_shows_own_notifications_unread_first_in_bold(inbox, login):
    manager, _other, mine, _theirs = inbox
    mine[1].read_at = timezone.now()
    mine[1].save()
    response = login(manager).get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert "新投诉待签收：幸福里小区漏水" in body and "检查结果已发布" in body
    assert "百润物业的消息" not in body
    assert body.count('class="fw-bold"') == 1  # only the unread one is bold
    assert "投诉" in body and "检查" in body  # category labels
    assert [n.pk for n in response.context["page"].object_list] == [mine[1].pk, mine[0].pk]  # newest first
    assert response.context["unread"] == 1
    assert 'data-testid="bell-count">1<' in body


def test_unread_filter_and_empty_states(inbox, login, world):
    manager, _other, mine, _theirs = inbox
    client = login(manager)
    response = client.get(LIST, {"unread": "1"})
    assert [n.pk for n in response.context["page"].object_list] == [mine[1].pk, mine[0].pk]
    Notification.objects.filter(user=manager).update(read_at=timezone.now())
    body = client.get(LIST, {"unread": "1"}).content.decode()
    assert "没有未读消息，您已全部看完。" in body
    assert 'data-testid="bell-count"' not in body
    empty = login(world.users["street"]).get(LIST).content.decode()
    assert "暂无消息" in empty
    assert 'data-testid="read-all" disabled' in empty


def test_list_is_paginated(world, login):
    user = world.users["street"]
    _many(user, 45)
    response = login(user).get(LIST, {"page": 3})
    assert [n.subject for n in response.context["page"].object_list] == [f"消息 {i}" for i in range(40, 45)]
    assert "共 45 条" in response.content.decode()


def test_list_queries_do_not_grow(world, login, django_assert_num_queries, django_assert_max_num_queries):
    user = world.users["street"]
    client = login(user)
    _many(user, 3)
    client.get(LIST)  # the first request of a session writes its last-seen time
    # session, user, page count, page rows, unread count (the bell reuses it), the unit in the header
    with django_assert_max_num_queries(6) as small:
        client.get(LIST)
    unread_counts = [q["sql"] for q in small.captured_queries if "read_at\" IS NULL" in q["sql"]]
    assert len(unread_counts) == 1
    _many(user, 60, category="complaint")
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(LIST, {"page": 2})


def test_list_wrong_method_and_anonymous(client, world, login):
    response = client.get(LIST)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert login(world.users["street"]).post(LIST).status_code == 405


def test_open_marks_read_audits_and_follows_the_link(inbox, login):
    manager, _other, mine, _theirs = inbox
    client = login(manager)
    before = AuditLog.objects.count()
    response = client.post(_open(mine[0].pk))
    assert response.status_code == 302 and response["Location"] == "/registry/estate/"
    mine[0].refresh_from_db()
    assert mine[0].read_at is not None
    row = AuditLog.objects.order_by("-seq").first()
    assert AuditLog.objects.count() == before + 1
    assert (row.action, row.actor, row.object_type, row.object_id) == (
        AuditAction.UPDATE, manager, "notifications.notification", str(mine[0].pk))
    # Opening it again changes nothing and writes no second audit row.
    read_at = mine[0].read_at
    assert client.post(_open(mine[0].pk)).status_code == 302
    mine[0].refresh_from_db()
    assert mine[0].read_at == read_at
    assert AuditLog.objects.count() == before + 1


def test_open_without_link_or_with_foreign_link_returns_to_the_list(inbox, login):
    manager, _other, mine, _theirs = inbox
    response = login(manager).post(_open(mine[1].pk))
    assert response["Location"] == LIST
    evil = Notification.objects.create(user=manager, subject="x", url="https://evil.example/phish")
    response = login(manager).post(_open(evil.pk))
    assert response["Location"] == LIST
    evil.refresh_from_db()
    assert evil.read_at is not None


def test_open_someone_elses_notification_is_404_and_audited(inbox, login):
    manager, _other, _mine, theirs = inbox
    response = login(manager).post(_open(theirs.pk))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    row = AuditLog.objects.order_by("-seq").first()
    assert (row.action, row.actor, row.object_type, row.object_id) == (
        AuditAction.DENIED, manager, "notifications.notification", str(theirs.pk))
    assert login(manager).post(_open(999999)).status_code == 404


def test_open_wrong_method_and_anonymous(inbox, client, login):
    manager, _other, mine, _theirs = inbox
    response = client.post(_open(mine[0].pk))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert login(manager).get(_open(mine[0].pk)).status_code == 405
    mine[0].refresh_from_db()
    assert mine[0].read_at is None


def test_read_all_marks_only_own_and_audits(inbox, login):
    manager, other, _mine, theirs = inbox
    client = login(manager)
    before = AuditLog.objects.count()
    response = client.post(READ_ALL, follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    assert "已将 2 条消息标为已读。" in response.content.decode()
    assert not Notification.objects.filter(user=manager, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert AuditLog.objects.count() == before + 1
    row = AuditLog.objects.order_by("-seq").first()
    assert (row.action, row.actor, row.detail) == (AuditAction.UPDATE, manager, "全部标为已读（2 条）")
    # Nothing left: a message, no audit row.
    response = client.post(READ_ALL, follow=True)
    assert "没有未读消息。" in response.content.decode()
    assert AuditLog.objects.count() == before + 1


def test_read_all_wrong_method_and_anonymous(inbox, client, login):
    manager, *_rest = inbox
    response = client.post(READ_ALL)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert login(manager).get(READ_ALL).status_code == 405
    assert Notification.objects.filter(user=manager, read_at__isnull=True).count() == 2


def test_bell_count_is_one_lazy_query(world, django_assert_num_queries):
    user = world.users["street"]
    _many(user, 3)
    Notification.objects.create(user=user, subject="已读", read_at=timezone.now())
    _many(world.users["district"], 2)
    request = RequestFactory().get("/")
    request.user = user
    with django_assert_num_queries(0):
        context = unread(request)  # nothing counted until a template asks
    with django_assert_num_queries(1):
        assert context["unread_notifications"]() == 3
        assert context["unread_notifications"]() == 3


def test_bell_for_anonymous_costs_nothing(db, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert unread(request) == {"unread_notifications": 0}


def test_bell_on_other_pages_shows_99_plus(world, login):
    user = world.users["street"]
    _many(user, 120)
    body = login(user).get(reverse("portal:home")).content.decode()
    assert 'data-testid="bell-count">99+<' in body
    assert reverse("notifications:list") in body
