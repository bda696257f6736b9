"""Routing by category and estate (issue §6) and who sees which complaint (scenario 12)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wuye.cases.models import FINAL_STATUSES, Event, Status
from wuye.cases.selectors import (
    complaint_get_for_user,
    complaints_visible_to,
    reporter_name_for,
    reporter_phone_for,
)
from wuye.cases.units import route
from wuye.cases.workflow import ACTION_NAMES
from wuye.core.errors import ServiceError
from wuye.core.models import AuditLog
from wuye.registry.models import Estate

from .conftest import act, category, file


def test_routes_by_category(cworld):
    ea = cworld.estate_a
    assert route(estate=ea, category=category("cleaning_greening")).key == ("company", cworld.company_a.pk)
    assert route(estate=ea, category=category("noise")).key == ("community", cworld.c1.pk)
    assert route(estate=ea, category=category("fire_safety")).key == ("department", cworld.users["fire"].department_id)
    assert route(estate=ea, category=category("illegal_construction")).key == ("department", cworld.users["urban"].department_id)
    # The developer is not on the platform: the district's housing department supervises it.
    assert route(estate=ea, category=category("parking_sale_only")).key == ("department", cworld.users["housing"].department_id)
    # Clue reports go to the police.
    assert route(estate=ea, category=category("gang_clues")).key == ("department", cworld.users["police"].department_id)


def test_estate_without_company_routes_to_its_community(cworld):
    Estate.objects.filter(pk=cworld.estate_a.pk).update(company=None)
    ea = Estate.objects.get(pk=cworld.estate_a.pk)
    assert route(estate=ea, category=category("repairs")).key == ("community", cworld.c1.pk)


def test_missing_department_falls_back_to_the_street(cworld):
    eb = cworld.estate_b  # district 2 has no fire department
    assert route(estate=eb, category=category("fire_safety")).key == ("street", cworld.s2.pk)


def test_company_sees_only_complaints_dispatched_to_it(cworld):
    u = cworld.users
    mine = file(cworld)
    theirs = file(cworld, estate=cworld.estate_b)
    assert not complaints_visible_to(u["manager_a"]).exists()  # not dispatched yet
    act(u["city"], mine, "dispatch")
    act(u["city"], theirs, "dispatch")
    assert list(complaints_visible_to(u["manager_a"])) == [mine]
    assert list(complaints_visible_to(u["manager_b"])) == [theirs]
    from django.http import Http404

    with pytest.raises(Http404):
        complaint_get_for_user(user=u["manager_a"], pk=theirs.pk)
    assert AuditLog.objects.filter(action="denied", actor=u["manager_a"], object_id=str(theirs.pk)).exists()


def test_clue_reports_reach_only_police_and_the_city(cworld):
    u = cworld.users
    c = file(cworld, "gang_clues", description="有人以装修为名强行收取保护费")
    act(u["city"], c, "dispatch")
    assert c.unit_kind == "department" and c.unit_id == u["police"].department_id
    for who in ("city", "police"):
        assert complaints_visible_to(u[who]).filter(pk=c.pk).exists(), who
    for who in ("district", "street", "community", "manager_a", "staff_a", "fire", "department", "auditor"):
        assert not complaints_visible_to(u[who]).filter(pk=c.pk).exists(), who
    # and the district desk cannot act on it
    with pytest.raises(ServiceError):
        act(u["district"], c, "supervise", level=1)


def test_territorial_scope(cworld):
    u = cworld.users
    a = file(cworld)
    b = file(cworld, estate=cworld.estate_b)
    assert set(complaints_visible_to(u["district"])) == {a}
    assert set(complaints_visible_to(u["district2"])) == {b}
    assert set(complaints_visible_to(u["street"])) == {a}
    assert set(complaints_visible_to(u["community"])) == {a}
    assert set(complaints_visible_to(u["city"])) == {a, b}
    for who in ("sysadmin", "secadmin", "auditor", "outsider", "committee", "resident"):
        assert not complaints_visible_to(u[who]).exists(), who


def test_resident_sees_their_own_filings(cworld):
    u = cworld.users
    own = file(cworld, reporter_user=u["resident"])
    file(cworld)
    assert list(complaints_visible_to(u["resident"])) == [own]


def test_personal_data_is_masked_and_anonymous_hidden_from_the_company(cworld):
    u = cworld.users
    c = file(cworld, anonymous=True)
    assert reporter_name_for(u["manager_a"], c) == "匿名"
    assert reporter_phone_for(u["manager_a"], c) == "138****5678"
    assert reporter_name_for(u["district"], c) == "王**"
    plain = file(cworld)
    assert reporter_name_for(u["manager_a"], plain) == "王**"


# ---- property: any sequence of attempted actions keeps the invariants --------------------------

ACTORS = ["city", "district", "manager_a", "staff_a", "street", "fire", "reporter", "outsider"]
PARAMS = {
    "callback": [dict(resolved=True, satisfaction="satisfied"), dict(resolved=False, satisfaction="dissatisfied")],
    "decide_return": [dict(approve=True), dict(approve=False)],
    "decide_extension": [dict(approve=True), dict(approve=False)],
    "request_return": [dict(legal_basis="合同")],
    "request_extension": [dict(amount=2, unit="working_days")],
    "call_departments": [dict(departments=["FIRE"])],
    "close": [dict(), dict(unreasonable=True)],
    "supervise": [dict(level=2)],
    "duplicate": [dict(of="ORIGINAL")],
}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(ACTORS), st.sampled_from(ACTION_NAMES), st.integers(0, 1)),
                      min_size=1, max_size=25))
def test_random_action_sequences_keep_the_invariants(cworld, steps):
    u = cworld.users
    original = file(cworld)
    c = file(cworld, "fire_safety")
    for who, action, variant in steps:
        user = None if who == "reporter" else u[who]
        options = PARAMS.get(action, [dict()])
        params = dict(options[variant % len(options)])
        if params.get("departments") == ["FIRE"]:
            params["departments"] = [u["fire"].department_id]
        if params.get("of") == "ORIGINAL":
            params["of"] = original.tracking_code
        events_before = Event.objects.filter(complaint=c).count()
        status_before = c.status
        try:
            act(user, c, action, note="说明", reporter=(who == "reporter"), **params)
        except ServiceError:
            c.refresh_from_db()
            # A refused action changes nothing.
            assert c.status == status_before
            assert Event.objects.filter(complaint=c).count() == events_before
            continue
        assert Event.objects.filter(complaint=c).count() == events_before + 1
        assert c.status in Status.values
        if c.status in FINAL_STATUSES:
            assert c.closed_at is not None
            assert not c.tasks.filter(state__in=["pending", "signed"]).exists()
        if c.status == Status.DISPATCHED:
            assert c.tasks.filter(role="lead", state="pending", unit_kind=c.unit_kind, unit_id=c.unit_id).exists()
