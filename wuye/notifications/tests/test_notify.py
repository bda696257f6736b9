"""notify(): rows written in the caller's transaction, channels, recipients, dedup keys."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet

from wuye.conftest import make_user
from wuye.notifications import services, sms
from wuye.notifications.delivery import deliver_outbox_now
from wuye.notifications.models import Notification, NotificationKey, OutboxMessage
from wuye.notifications.services import notify
from wuye.notifications.tasks import deliver_outbox_now as from_tasks


@pytest.fixture
def people(world):
    manager = world.users["manager_a"]
    manager.phone, manager.email = "13811112222", "manager@anju.example.cn"
    manager.save()
    street = world.users["street"]  # no phone, no e-mail
    return manager, street


def test_notify_writes_inapp_sms_and_email_rows(people, django_capture_on_commit_callbacks):
    manager, street = people
    with django_capture_on_commit_callbacks() as callbacks:
        written = notify(users=[manager, street], subject="新投诉待签收", body="幸福里小区 3 号楼漏水",
                         url="/cases/1/", category="complaint")
    assert written == 4  # two in-app rows, one SMS and one e-mail (the street officer has neither)
    rows = {(n.user_id, n.subject, n.body, n.url, n.category, n.read_at) for n in Notification.objects.all()}
    assert rows == {(u.pk, "新投诉待签收", "幸福里小区 3 号楼漏水", "/cases/1/", "complaint", None) for u in (manager, street)}
    out = {(m.channel, m.recipient, m.status, m.attempts) for m in OutboxMessage.objects.all()}
    assert out == {("sms", "13811112222", "pending", 0), ("email", "manager@anju.example.cn", "pending", 0)}
    assert len(callbacks) == 1  # delivery is enqueued once, after commit


def test_nothing_is_written_when_the_callers_transaction_rolls_back(people, django_capture_on_commit_callbacks):
    manager, _street = people
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                notify(users=[manager], subject="将被撤销", body="x", dedup_key="case-1-overdue")
                assert Notification.objects.count() == 1  # visible inside the transaction
                raise RuntimeError("the change the notification was about failed")
    assert Notification.objects.count() == 0
    assert OutboxMessage.objects.count() == 0
    assert NotificationKey.objects.count() == 0
    assert callbacks == []  # no delivery enqueued for a rolled-back change
    # The key went with the rollback: the retried change notifies.
    assert notify(users=[manager], subject="重试", body="x", dedup_key="case-1-overdue") == 3


def test_one_delivery_is_enqueued_per_transaction(people, django_capture_on_commit_callbacks):
    manager, _street = people
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            for i in range(3):
                notify(users=[manager], subject=f"第 {i} 件", body="b", channels=("sms",))
            notify(users=[manager], subject="仅站内", body="b", channels=("inapp",))
    assert OutboxMessage.objects.count() == 3
    assert len(callbacks) == 1


def test_channels_limit_what_is_written(people):
    manager, _street = people
    assert notify(users=[manager], subject="s", body="b", channels=("inapp",)) == 1
    assert OutboxMessage.objects.count() == 0
    assert notify(users=[manager], subject="s", body="b", channels=("sms",)) == 1
    assert Notification.objects.count() == 1
    assert list(OutboxMessage.objects.values_list("channel", "recipient")) == [("sms", "13811112222")]
    with pytest.raises(ValueError):
        notify(users=[manager], subject="s", body="b", channels=("wechat",))


def test_raw_phones_and_emails_each_written_once(db):
    written = notify(phones=["13912345678", "139 1234 5678", ""], emails=["a@example.cn", "a@example.cn"],
                     subject="投诉已受理", body="您的投诉已受理", category="complaint")
    assert written == 2
    assert sorted(OutboxMessage.objects.values_list("channel", "recipient", "category")) == [
        ("email", "a@example.cn", "complaint"), ("sms", "13912345678", "complaint"),
    ]
    assert Notification.objects.count() == 0


def test_same_user_twice_gets_one_notification(people):
    manager, _street = people
    assert notify(users=[manager, manager], subject="s", body="b", channels=("inapp", "sms")) == 2


def test_dedup_key_writes_once(people):
    manager, street = people
    assert notify(users=[manager], subject="投诉即将超期", body="b", dedup_key="case-7-due-soon") == 3
    assert notify(users=[manager, street], subject="投诉即将超期", body="b", dedup_key="case-7-due-soon") == 0
    assert Notification.objects.count() == 1
    assert OutboxMessage.objects.count() == 2
    assert set(OutboxMessage.objects.values_list("dedup_key", flat=True)) == {"case-7-due-soon"}
    assert notify(users=[street], subject="另一件", body="b", dedup_key="case-8-due-soon") == 1


def test_dedup_race_lost_on_insert_writes_nothing_and_keeps_the_transaction(people, monkeypatch):
    """The other worker's key is not yet visible to the check, so the insert is what fails: the
    savepoint takes it back and the caller's transaction goes on."""
    manager, _street = people
    NotificationKey.objects.create(key="sweep-2026-01-01")
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)
    with transaction.atomic():
        assert notify(users=[manager], subject="s", body="b", dedup_key="sweep-2026-01-01") == 0
        assert Notification.objects.count() == 0  # the transaction is still usable
    assert NotificationKey.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two connections with row locks (PostgreSQL)")
def test_two_workers_racing_on_one_key_notify_once(transactional_db):
    user = make_user("racer", "city")
    first_inserted = threading.Event()
    results = {}

    def worker(name, wait_for=None, signal=None):
        try:
            with transaction.atomic():
                if wait_for:
                    wait_for.wait(5)
                results[name] = notify(users=[user], subject="s", body="b", channels=("inapp",), dedup_key="race")
                if signal:
                    signal.set()
                    threading.Event().wait(0.5)  # hold the key uncommitted while the other tries
        finally:
            connection.close()

    a = threading.Thread(target=worker, args=("a",), kwargs={"signal": first_inserted})
    b = threading.Thread(target=worker, args=("b",), kwargs={"wait_for": first_inserted})
    a.start()
    b.start()
    a.join(10)
    b.join(10)
    assert sorted(results.values()) == [0, 1]
    assert Notification.objects.filter(user=user).count() == 1


def test_integrity_errors_other_than_the_key_are_not_swallowed(people, monkeypatch):
    manager, _street = people

    def broken(*args, **kwargs):
        raise IntegrityError("boom")

    monkeypatch.setattr(Notification.objects, "bulk_create", broken)
    with pytest.raises(IntegrityError):
        notify(users=[manager], subject="s", body="b")


def test_on_commit_delivery_sends_at_once_with_an_immediate_worker(people, immediate_huey,
                                                                   django_capture_on_commit_callbacks, mailoutbox):
    manager, _street = people
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[manager], subject="整改通知", body="请于 5 个工作日内整改", category="rectification")
    assert [(m.phone, m.body) for m in sms.outbox] == [("13811112222", "请于 5 个工作日内整改")]
    assert [(m.subject, m.to) for m in mailoutbox] == [("整改通知", ["manager@anju.example.cn"])]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_enqueue_failure_after_commit_is_logged_not_raised(people, monkeypatch, caplog,
                                                          django_capture_on_commit_callbacks):
    manager, _street = people

    def down():
        raise ConnectionError("huey storage unavailable")

    monkeypatch.setattr("wuye.notifications.tasks.deliver_outbox", down)
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[manager], subject="s", body="b", channels=("sms",))
    assert "could not enqueue outbox delivery" in caplog.text
    assert OutboxMessage.objects.get().status == "pending"  # the minute's periodic run sends it


def test_services_reexports_deliver_outbox_now():
    assert services.deliver_outbox_now is deliver_outbox_now is from_tasks
