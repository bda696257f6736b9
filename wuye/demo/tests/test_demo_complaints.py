"""The demo city's year of complaints (issue 3 §15): every state, consistent with the workflow,
rollups equal to a recount, and work in every demo login's queue."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F, Q, Sum

from wuye.accounts.models import User
from wuye.cases import deadlines, rollups, selectors, units
from wuye.cases.models import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    Category,
    Complaint,
    Event,
    Request,
    Status,
    Task,
    UnitMonthStat,
)
from wuye.cases.search import filter_keywords, tokens_for
from wuye.cases.sweep import sweep
from wuye.core import calendar
from wuye.core.models import AuditAction, AuditLog
from wuye.demo.complaints import build_demo_complaints
from wuye.demo.generator import build_demo_city
from wuye.registry.models import Estate

NOW = datetime(2026, 11, 20, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
SEED = 7


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The small demo city with its complaints, built once for this module and rolled back after."""
    with django_db_blocker.unblock():
        calendar.clear_cache()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_demo_city(scale="small", seed=SEED, now=NOW)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            calendar.clear_cache()


@pytest.fixture
def d(demo, db):
    return demo


def user(name: str) -> User:
    return User.objects.get(username=name)


def digest() -> str:
    h = hashlib.sha256()
    for model in (Complaint, Task, Event, Request):
        fields = [f.attname for f in model._meta.concrete_fields]
        for row in model.objects.order_by("pk").values_list(*fields).iterator(chunk_size=5000):
            h.update(repr(row).encode())
    return h.hexdigest()


def test_a_year_of_complaints_in_every_state(d):
    total = Complaint.objects.count()
    assert 1_900 <= total <= 2_300
    counts = Counter(Complaint.objects.values_list("status", flat=True))
    assert set(counts) == set(Status.values), set(Status.values) - set(counts)
    # Mostly finished; a few percent still open; refusals, duplicates, withdrawals at plausible rates.
    assert counts[Status.CLOSED] / total > 0.85
    assert 0.01 < sum(counts[s] for s in OPEN_STATUSES) / total < 0.10
    for status, low, high in ((Status.REFUSED, 0.01, 0.04), (Status.DUPLICATE, 0.003, 0.04),
                              (Status.WITHDRAWN, 0.005, 0.03)):
        assert low < counts[status] / total < high, status
    first, last = Complaint.objects.order_by("created_at").values_list("created_at", flat=True)[:1][0], \
        Complaint.objects.order_by("-created_at").values_list("created_at", flat=True)[:1][0]
    assert NOW - timedelta(days=366) < first < NOW - timedelta(days=340)
    assert NOW - timedelta(days=1) < last <= NOW
    # Realistic delays: most replies within the limit, about 8 % overdue; callbacks mostly satisfied.
    replied = Complaint.objects.filter(status=Status.CLOSED, replied_at__isnull=False)
    overdue = replied.filter(resolve_overdue=True).count() / replied.count()
    assert 0.03 < overdue < 0.15
    called = Complaint.objects.exclude(satisfaction="")
    satisfied = called.filter(satisfaction="satisfied").count() / called.count()
    assert 0.75 < satisfied < 0.92
    assert Complaint.objects.filter(reopen_count__gt=0).exists()
    assert Complaint.objects.filter(return_count__gt=0).exists()
    assert Complaint.objects.filter(return_final=True).exists()
    assert Complaint.objects.filter(unreasonable=True).exists()
    assert Complaint.objects.filter(extension_count__gt=0).exists()
    assert Complaint.objects.filter(confidential=True, unit_kind="department").exists()
    assert Task.objects.filter(role=Task.Role.JOINT).exists() and Task.objects.filter(role=Task.Role.CO).exists()
    # Open complaints include overdue and supervised ones.
    open_ = Complaint.objects.filter(status__in=OPEN_STATUSES)
    assert open_.filter(Q(sign_overdue=True) | Q(contact_overdue=True) | Q(resolve_overdue=True)).exists()
    assert open_.filter(supervision_level__gte=2).exists()


def test_texts_are_chinese_templates_with_their_search_tokens(d):
    sample = list(Complaint.objects.order_by("pk")[::97])
    assert len({c.description for c in sample}) > len(sample) * 0.8
    for c in sample:
        assert c.search_tokens == tokens_for(c.title, c.description)
        assert c.tracking_code.startswith("TS") and len(c.tracking_code) == 14
    hits = filter_keywords(Complaint.objects.all(), "垃圾桶")
    assert hits.exists()
    assert all("垃圾桶" in c.title + c.description for c in hits)
    assert not Complaint.objects.filter(status=Status.CLOSED, public_reply="").filter(callback_at__isnull=False).exists()


def test_routing_is_what_the_routing_table_says(d):
    pairs = Complaint.objects.values_list("estate_id", "category_id", "routed_unit_kind", "routed_unit_id").distinct()
    estates = {e.pk: e for e in Estate.objects.select_related("district", "street", "community", "company")}
    cats = {c.pk: c for c in Category.objects.all()}
    checked = 0
    for estate, cat, kind, pk in pairs:
        unit = units.route(estate=estates[estate], category=cats[cat])
        assert (unit.kind, unit.id) == (kind, pk)
        checked += 1
    assert checked > 100


def test_tasks_agree_with_the_complaints_milestones(d):
    lead = {t.complaint_id: t for t in Task.objects.filter(role=Task.Role.LEAD).order_by("id")}
    closed = Complaint.objects.filter(status=Status.CLOSED, callback_at__isnull=False)
    assert closed.count() > 1_000
    for c in closed:
        t = lead[c.pk]  # the last lead task
        assert (t.unit_kind, t.unit_id) == (c.unit_kind, c.unit_id)
        assert t.state == Task.State.CLOSED
        assert t.signed_in_time is (not c.sign_overdue)
        assert t.contacted_in_time is (not c.contact_overdue)
        assert t.done_in_time is (not c.resolve_overdue)
        assert t.resolved is c.callback_resolved and t.satisfaction == c.satisfaction
        assert c.accepted_at <= c.dispatched_at <= c.signed_at <= c.contacted_at <= c.replied_at <= c.published_at \
            <= c.callback_at <= c.closed_at
        if c.callback_resolved and c.satisfaction != "dissatisfied":
            assert c.callback_at == c.closed_at
    # Each open task belongs to a complaint still being handled; each handled complaint has one.
    expected = {Status.DISPATCHED: Task.State.PENDING, Status.SIGNED: Task.State.SIGNED,
                Status.IN_PROGRESS: Task.State.SIGNED, Status.REPLY_REVIEW: Task.State.REPLIED,
                Status.REPLIED: Task.State.REPLIED, Status.EVALUATED: Task.State.REPLIED}
    for c in Complaint.objects.filter(status__in=list(expected)):
        assert lead[c.pk].state == expected[c.status], c.status
    for c in Complaint.objects.filter(status=Status.RETURN_REVIEW):
        assert lead[c.pk].returned and Request.objects.filter(complaint=c, kind="return", state="pending").count() == 1
    assert not Task.objects.filter(state__in=[Task.State.PENDING, Task.State.SIGNED],
                                   complaint__status__in=FINAL_STATUSES).exists()
    # Returns approved: the returned task stays with its unit; reopened: the old task is marked.
    assert Task.objects.filter(state=Task.State.RETURNED, returned=True).count() == \
        Request.objects.filter(kind="return", state="approved").count()
    assert Task.objects.filter(reopened=True).count() == Complaint.objects.aggregate(n=Sum("reopen_count"))["n"]
    assert not Task.objects.filter(complaint__unreasonable=True, excluded=False).exists()
    # Signing in time is measured against each task's own deadline.
    assert not Task.objects.filter(signed_in_time=True, signed_at__gt=F("sign_due")).exists()
    assert not Task.objects.filter(signed_in_time=False, signed_at__lte=F("sign_due")).exists()
    assert not Task.objects.filter(done_in_time=True, replied_at__gt=F("due")).exists()


def test_open_complaints_are_as_the_sweep_leaves_them(d):
    open_ = Complaint.objects.filter(status__in=OPEN_STATUSES)
    now = NOW
    for c in open_:
        for stage in deadlines.running_stages(c):
            due_f, flag, _states = deadlines.STAGES[stage]
            assert getattr(c, flag) == (getattr(c, due_f) < now), (c.tracking_code, stage)
        if deadlines.running_stages(c):
            assert c.next_check_at is None or c.next_check_at > now
        else:
            assert c.next_check_at is None
    assert open_.filter(next_check_at__isnull=False).exists()
    # A sweep at the reference instant finds nothing to do; a day later it has work.
    assert sweep(now=NOW)["checked"] == 0
    assert sweep(now=NOW + timedelta(days=1))["checked"] > 0


def test_rollups_equal_a_recount(d):
    stats = list(UnitMonthStat.objects.all())
    assert len(stats) == Task.objects.values("unit_kind", "unit_id", "month").distinct().count()
    for s in stats:
        counts = rollups.rollup_counts(s.unit_kind, s.unit_id, s.month)
        assert {k: getattr(s, k) for k in counts} == counts, (s.unit_name, s.month)
        assert s.unit_name
    assert UnitMonthStat.objects.filter(unit_kind="company", district__isnull=False).count() == \
        UnitMonthStat.objects.filter(unit_kind="company").count()


def test_demo_logins_find_work_in_their_queues(d):
    def states(qs):
        return set(qs.values_list("complaint__status", flat=True))

    company = user("company")
    assert {Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS, Status.RETURN_REVIEW} <= states(
        selectors.open_tasks_for_unit(company))
    assert {Status.REPLY_REVIEW, Status.REPLIED, Status.EVALUATED, Status.CLOSED} <= set(
        selectors.complaints_visible_to(company).values_list("status", flat=True))
    for name in ("community", "street", "dept_market"):
        assert selectors.open_tasks_for_unit(user(name)).exists(), name
    district = user("district")
    waiting = set(selectors.dispatcher_complaints(district).values_list("status", flat=True))
    assert {Status.SUBMITTED, Status.ACCEPTED, Status.REPLY_REVIEW, Status.RETURN_REVIEW, Status.EVALUATED} <= waiting
    # The actions the workflow table offers match: the company can sign, the district can approve.
    c = selectors.open_tasks_for_unit(company).filter(complaint__status=Status.DISPATCHED).first().complaint
    assert "sign" in selectors.actions_for(company, c)
    c = selectors.dispatcher_complaints(district).filter(status=Status.REPLY_REVIEW).first()
    assert "approve_reply" in selectors.actions_for(district, c)
    # The street calls departments in on a fire-safety complaint of its area.
    street = user("street")
    joint = Complaint.objects.filter(street_id=street.street_id, tasks__role=Task.Role.JOINT,
                                     status=Status.IN_PROGRESS).first()
    assert joint is not None and "supervise" in selectors.actions_for(street, joint)
    # The resident has their own, one waiting for their rating.
    resident = user("resident")
    mine = selectors.complaints_visible_to(resident)
    assert mine.count() >= 5 and mine.filter(status=Status.CLOSED).exists()
    waiting_rating = mine.get(status=Status.REPLIED)
    assert "callback" in selectors.actions_for(resident, waiting_rating)
    assert mine.filter(reporter_name=resident.full_name, reporter_phone=resident.phone).count() == mine.count()
    # Clue reports stay with the police and the city bureau.
    assert not selectors.complaints_visible_to(company).filter(confidential=True).exists()
    assert not selectors.complaints_visible_to(district).filter(confidential=True).exists()


def test_same_seed_and_moment_give_the_same_complaints(d):
    first = digest()
    with transaction.atomic():
        for model in (Event, Request, Task, UnitMonthStat, Complaint):
            model.objects.all().delete()
        out = StringIO()
        call_command("demo_complaints", scale="small", seed=SEED, now=NOW.isoformat(), stdout=out)
        assert "演示诉求已生成" in out.getvalue()
        assert digest() == first
        assert AuditLog.objects.filter(action=AuditAction.IMPORT, detail="演示诉求数据已生成").count() == 1
        transaction.set_rollback(True)
    with transaction.atomic():
        for model in (Event, Request, Task, UnitMonthStat, Complaint):
            model.objects.all().delete()
        build_demo_complaints(scale="small", seed=SEED + 1, now=NOW)
        assert digest() != first
        transaction.set_rollback(True)


def test_command_refuses_to_add_complaints_twice(d):
    with pytest.raises(CommandError, match="已有诉求"):
        call_command("demo_complaints", scale="small", stdout=StringIO())
    out = StringIO()
    call_command("demo_complaints", scale="small", if_empty=True, stdout=out)
    assert "跳过" in out.getvalue()


def test_if_empty_adds_the_complaints_to_a_demo_city_without_them(d):
    with transaction.atomic():
        for model in (Event, Request, Task, UnitMonthStat, Complaint):
            model.objects.all().delete()
        out = StringIO()
        call_command("demo", scale="small", seed=SEED, if_empty=True, stdout=out)
        assert "跳过生成演示城市" in out.getvalue() and "演示诉求已生成" in out.getvalue()
        assert Complaint.objects.count() > 1_900
        transaction.set_rollback(True)
    # With complaints present, --if-empty changes nothing.
    before = Complaint.objects.count()
    call_command("demo", scale="small", seed=SEED, if_empty=True, stdout=StringIO())
    assert Complaint.objects.count() == before
