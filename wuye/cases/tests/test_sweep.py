"""The per-minute supervision sweep (issue §10, scenario 4): warnings before deadlines, overdue
marks, automatic escalation by the city's rules with notifications to the unit, the street and
the district, idempotence, frozen flags, and the resolve clock during a return review."""

from datetime import timedelta

import pytest

from wuye.cases.models import Category, Complaint, Event, Status, SupervisionLevel, Task
from wuye.cases.sweep import sweep
from wuye.notifications.models import Notification, OutboxMessage

from .conftest import act, file
from .metrics_support import clock_fixture, local  # noqa: F401

T0 = local(2026, 3, 2, 9, 0)  # a Monday morning


def water_cut(w, clock):
    """Scenario 4: 限水限电 at 幸福里小区 (sign within 2 h, contact 4 h, resolve 24 h), dispatched at T0."""
    clock.at(T0)
    c = file(w, "utility_cutoff", description="物业以催缴物业费为由停了我家的水，已经一天了。", at=T0)
    act(w.users["city"], c, "dispatch")
    c.refresh_from_db()
    assert (c.unit_kind, c.unit_id) == ("company", w.company_a.pk)
    assert c.sign_due == T0 + timedelta(hours=2) and c.emergency
    return c


def inbox(user, subject=None):
    qs = Notification.objects.filter(user=user)
    return qs.filter(subject=subject) if subject else qs


def snapshot():
    return (Event.objects.count(), Notification.objects.count(), OutboxMessage.objects.count())


@pytest.fixture
def phones(cworld):
    """Officers with phones, so that supervision also leaves SMS rows in the outbox."""
    for name, phone in (("manager_a", "13700001111"), ("street", "13700002222"), ("district", "13700003333")):
        user = cworld.users[name]
        user.phone = phone
        user.save(update_fields=["phone"])
    return cworld


def test_unsigned_water_cut_is_marked_overdue_and_raised_to_supervision(phones, clock):
    w = phones
    c = water_cut(w, clock)
    before = snapshot()
    now = T0 + timedelta(hours=4, minutes=1)  # 2 h 1 min past the 2 h sign limit; contact (4 h) just passed
    stats = sweep(now=now)
    c.refresh_from_db()
    assert c.sign_overdue and c.contact_overdue and not c.resolve_overdue
    assert c.supervision_level == SupervisionLevel.SUPERVISE  # 督办: overdue ≥ 2 h (rule level 2)
    assert stats == {"checked": 1, "warned": 0, "overdue": 2, "escalated": 1}
    events = list(Event.objects.filter(complaint=c, created_at=now).values_list("action", "note"))
    assert sorted(events) == sorted([("overdue", "签收超期"), ("overdue", "首次联系超期"), ("supervise", "自动升级为督办")])
    assert Event.objects.get(complaint=c, action="supervise", created_at=now).data == {"level": 2, "manual": False}
    # the unit, the street and the district hear of it — in the app and by SMS through the outbox
    for who in ("manager_a", "staff_a", "street", "district"):
        assert inbox(w.users[who], "督办").count() == 1, who
    for phone in ("13700001111", "13700002222", "13700003333"):
        assert OutboxMessage.objects.filter(recipient=phone, channel="sms", body__contains="督办").count() == 1
    assert not inbox(w.users["district2"]).exists() and not inbox(w.users["manager_b"]).exists()
    # the company's open task moves up its queue
    assert Task.objects.get(complaint=c).urgency == 2 + SupervisionLevel.SUPERVISE
    assert c.next_check_at > now
    assert snapshot()[0] == before[0] + 3


def test_escalation_goes_step_by_step_as_time_passes(cworld, clock):
    c = water_cut(cworld, clock)
    sweep(now=T0 + timedelta(hours=2, minutes=1))
    c.refresh_from_db()
    assert c.sign_overdue and c.supervision_level == SupervisionLevel.REMIND  # 催办 as soon as it is overdue
    assert not c.contact_overdue
    sweep(now=T0 + timedelta(hours=4, minutes=5))
    c.refresh_from_db()
    assert c.supervision_level == SupervisionLevel.SUPERVISE and c.contact_overdue
    sweep(now=T0 + timedelta(hours=50, minutes=1))  # 48 h past the sign limit: 挂牌督办, the city bureau hears
    c.refresh_from_db()
    assert c.supervision_level == SupervisionLevel.LISTED and c.resolve_overdue
    assert inbox(cworld.users["city"], "挂牌督办").count() == 1
    levels = list(Event.objects.filter(complaint=c, action="supervise").values_list("data__level", flat=True))
    assert levels == [1, 2, 3]


def test_running_twice_at_the_same_instant_acts_once(cworld, clock):
    c = water_cut(cworld, clock)
    now = T0 + timedelta(hours=4, minutes=1)
    first = sweep(now=now)
    after_first = snapshot()
    c.refresh_from_db()
    version = c.version
    second = sweep(now=now)
    assert first["checked"] == 1 and second == {"checked": 0, "warned": 0, "overdue": 0, "escalated": 0}
    assert snapshot() == after_first
    c.refresh_from_db()
    assert c.version == version


def test_a_stale_claim_loses(cworld, clock, monkeypatch):
    """Two workers read the same due row; the second one's conditional UPDATE touches nothing."""
    c = water_cut(cworld, clock)
    now = T0 + timedelta(hours=4, minutes=1)
    stale = list(Complaint.objects.filter(pk=c.pk).select_related("category"))
    sweep(now=now)
    rows = snapshot()
    from django.db.models import QuerySet

    original = QuerySet.select_related

    def replay(self, *fields):
        qs = original(self, *fields)
        if self.model is Complaint and fields == ("category",):
            qs._result_cache = stale  # what the slower worker had read before the first one acted
        return qs

    monkeypatch.setattr(QuerySet, "select_related", replay)
    Complaint.objects.filter(pk=c.pk).update(next_check_at=stale[0].next_check_at)  # still "due" for the list query
    stats = sweep(now=now)
    assert stats["checked"] == 0 and snapshot() == rows


def test_warning_before_the_deadline(cworld, clock):
    clock.at(T0)
    c = file(cworld, "cleaning_greening", at=T0)  # sign within 4 h; warnings 2 h before
    act(cworld.users["city"], c, "dispatch")
    c.refresh_from_db()
    assert c.next_check_at == T0 + timedelta(hours=2)
    assert sweep(now=T0 + timedelta(hours=1, minutes=59))["checked"] == 0  # not yet
    stats = sweep(now=T0 + timedelta(hours=2, minutes=30))
    assert stats == {"checked": 1, "warned": 1, "overdue": 0, "escalated": 0}
    note = inbox(cworld.users["manager_a"], "即将到期").get()
    assert "签收期限" in note.body and "03-02 13:00" in note.body
    assert not inbox(cworld.users["street"]).exists()  # a warning is for the unit only
    c.refresh_from_db()
    assert not c.sign_overdue and c.supervision_level == 0
    assert c.next_check_at == T0 + timedelta(hours=4)  # next: the deadline itself
    assert sweep(now=T0 + timedelta(hours=2, minutes=31))["warned"] == 0


def test_the_sign_flag_freezes_after_a_late_signature(cworld, clock):
    c = water_cut(cworld, clock)
    sweep(now=T0 + timedelta(hours=2, minutes=1))
    clock.at(T0 + timedelta(hours=3))
    act(cworld.users["staff_a"], c, "sign")  # an hour late
    c.refresh_from_db()
    assert c.sign_overdue and c.status == Status.SIGNED
    assert Task.objects.get(complaint=c).signed_in_time is False
    events = Event.objects.filter(complaint=c, action="overdue").count()
    sweep(now=T0 + timedelta(hours=3, minutes=30))
    sweep(now=T0 + timedelta(hours=10))  # contact (4 h) is overdue now; signing stays as it was
    c.refresh_from_db()
    assert c.sign_overdue and c.contact_overdue
    notes = list(Event.objects.filter(complaint=c, action="overdue").values_list("note", flat=True))
    assert notes.count("签收超期") == 1 and len(notes) == events + 1


def test_a_signature_in_time_is_never_marked_late(cworld, clock):
    c = water_cut(cworld, clock)
    clock.at(T0 + timedelta(hours=1))
    act(cworld.users["staff_a"], c, "sign")
    sweep(now=T0 + timedelta(hours=3))
    c.refresh_from_db()
    assert not c.sign_overdue and not c.contact_overdue
    assert Task.objects.get(complaint=c).signed_in_time is True


def test_the_resolve_clock_keeps_running_during_a_return_review(cworld, clock):
    c = water_cut(cworld, clock)
    clock.at(T0 + timedelta(hours=1))
    act(cworld.users["staff_a"], c, "sign")
    clock.at(T0 + timedelta(hours=2))
    act(cworld.users["staff_a"], c, "contact", note="已联系业主")
    clock.at(T0 + timedelta(hours=3))
    act(cworld.users["staff_a"], c, "request_return", note="供水由自来水公司负责", legal_basis="供用水合同")
    c.refresh_from_db()
    assert c.status == Status.RETURN_REVIEW
    stats = sweep(now=T0 + timedelta(hours=24, minutes=1))  # past the 24 h resolve limit, still under review
    c.refresh_from_db()
    assert c.resolve_overdue and stats["overdue"] == 1
    assert Event.objects.filter(complaint=c, action="overdue", note="办结超期").count() == 1
    assert c.supervision_level == SupervisionLevel.REMIND


def test_a_rejected_return_resumes_the_stages_that_ran_before_it(cworld, clock):
    """Returned before first contact, with a sweep during the review: after the rejection the
    contact stage runs again and the sweep must look at it when its deadline passes."""
    c = water_cut(cworld, clock)
    clock.at(T0 + timedelta(hours=1))
    act(cworld.users["staff_a"], c, "sign")
    clock.at(T0 + timedelta(hours=1, minutes=10))
    act(cworld.users["staff_a"], c, "request_return", note="非本单位职责", legal_basis="物业服务合同")
    sweep(now=T0 + timedelta(hours=2, minutes=30))  # during the review: the contact stage is not running
    clock.at(T0 + timedelta(hours=3))
    act(cworld.users["city"], c, "decide_return", approve=False, note="停水属物业职责，须办理")
    c.refresh_from_db()
    assert c.status == Status.SIGNED and c.return_final
    sweep(now=T0 + timedelta(hours=4, minutes=1))  # first contact (4 h) has now passed
    c.refresh_from_db()
    assert c.contact_overdue


def test_escalation_rules_are_the_city_bureaus(cworld, clock):
    from wuye.cases.models import EscalationRule
    from wuye.cases.services import escalation_rule_save

    city = cworld.users["city"]
    c = water_cut(cworld, clock)  # reads (and caches) the rules as they were
    for level, changes in ((1, {"active": False}), (2, {"overdue_hours": 1})):
        rule = EscalationRule.objects.get(level=level)
        for k, v in changes.items():
            setattr(rule, k, v)
        escalation_rule_save(user=city, rule=rule)
    sweep(now=T0 + timedelta(hours=2, minutes=30))
    c.refresh_from_db()
    assert c.supervision_level == SupervisionLevel.NONE  # 30 min overdue: 催办 is off, 督办 needs 1 h
    sweep(now=T0 + timedelta(hours=3, minutes=1))
    c.refresh_from_db()
    assert c.supervision_level == SupervisionLevel.SUPERVISE


def test_finished_complaints_are_left_alone(cworld, clock):
    c = water_cut(cworld, clock)
    clock.at(T0 + timedelta(minutes=30))
    act(None, c, "withdraw", reporter=True, note="已自行解决")
    assert sweep(now=T0 + timedelta(days=3))["checked"] == 0
    c.refresh_from_db()
    assert not c.sign_overdue and c.supervision_level == 0


def test_category_of_the_scenario_is_an_emergency_with_a_two_hour_signature(db):
    cat = Category.objects.get(code="utility_cutoff")
    assert cat.emergency and cat.limit("sign") == (2, "hours") and cat.supervisor == "district"


def test_a_deadline_that_passed_during_the_review_is_marked_at_the_next_sweep(cworld, clock):
    c = water_cut(cworld, clock)
    clock.at(T0 + timedelta(hours=1))
    act(cworld.users["staff_a"], c, "sign")
    clock.at(T0 + timedelta(hours=1, minutes=10))
    act(cworld.users["staff_a"], c, "request_return", note="非本单位职责", legal_basis="物业服务合同")
    sweep(now=T0 + timedelta(hours=2, minutes=30))
    reject_at = T0 + timedelta(hours=5)  # the contact limit (4 h) passed while the return was reviewed
    clock.at(reject_at)
    act(cworld.users["city"], c, "decide_return", approve=False, note="须办理")
    c.refresh_from_db()
    assert c.next_check_at == reject_at and not c.contact_overdue
    stats = sweep(now=reject_at + timedelta(minutes=1))
    c.refresh_from_db()
    assert c.contact_overdue and stats["overdue"] == 1
    assert c.supervision_level == SupervisionLevel.REMIND  # contact overdue for 1 h: 催办 (督办 needs 2 h)


def test_several_complaints_of_one_unit_in_one_pass_make_one_digest(phones, clock):
    """Day deadlines end together: the company gets one notice (and one SMS) naming the
    complaints and linking to the list, not one per complaint; each still gets its own events."""
    w = phones
    cases = [water_cut(w, clock) for _ in range(3)]
    stats = sweep(now=T0 + timedelta(hours=4, minutes=1))
    assert stats["escalated"] == 3
    note = inbox(w.users["manager_a"], "督办").get()
    assert note.body.startswith("3 件诉求已被督办") and all(c.tracking_code in note.body for c in cases)
    assert note.url == "/complaints/?level=2"
    assert OutboxMessage.objects.filter(recipient="13700001111", channel="sms", body__contains="督办").count() == 1
    assert inbox(w.users["street"], "督办").count() == 1 and inbox(w.users["district"], "督办").count() == 1
    assert Event.objects.filter(action="supervise", complaint__in=cases).count() == 3
    # the list it links to shows exactly those complaints to the company
    from django.test import Client

    client = Client()
    client.force_login(w.users["manager_a"])
    page = client.get(note.url)
    assert page.status_code == 200 and all(c.tracking_code in page.content.decode() for c in cases)
