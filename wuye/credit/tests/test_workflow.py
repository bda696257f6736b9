"""The credit-event workflow (issue 4 §8): who records, review by another official, notice,
objection, decision, confirmation by the sweep, withdrawal, repair — with logs and audit rows."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wuye.accounts.models import Role
from wuye.conftest import make_user
from wuye.core.calendar import PeriodUnit, add_period
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditLog
from wuye.credit.auto import credit_event_auto, credit_event_repair_by_source
from wuye.credit.models import CompanyCredit, CreditEvent, CreditObjection, CreditRule
from wuye.credit.services import credit_event_act, credit_event_record
from wuye.credit.sweep import credit_sweep
from wuye.credit.workflow import TRANSITIONS, allowed_actions
from wuye.notifications.models import Notification

from .conftest import confirmed

S = CreditEvent.Status


def rule(code):
    return CreditRule.objects.get(code=code)


def record(world, *, user="district", company=None, code="GS02", **kw):
    return credit_event_record(user=world.users[user] if isinstance(user, str) else user,
                               company=company or world.company_a, rule=rule(code), occurred_on=date.today(),
                               description="未在小区公告栏公示收费标准", evidence="现场检查记录 2026-001 号", **kw)


@pytest.fixture
def district_b(world):
    """A second officer of district 1 (reviews what the first one recorded)."""
    return make_user("p_district_b", Role.DISTRICT, district=world.d1)


def test_record_by_hand_writes_a_draft_a_log_and_an_audit_row(world):
    e = record(world, estate=world.estate_a)
    assert (e.status, e.klass, e.points, e.district_id, e.recorded_by_id) == (S.DRAFT, "bad", Decimal("5"), world.d1.pk,
                                                                              world.users["district"].pk)
    assert list(e.logs.values_list("action", "to_status")) == [("record", S.DRAFT)]
    assert AuditLog.objects.filter(object_type="credit.creditevent", object_id=str(e.pk), action="create").count() == 1


@pytest.mark.parametrize("who,company,code,message", [
    ("district", "company_b", "GS02", "服务小区所在区县"),  # company B serves no estate in district 1
    ("district2", "company_a", "GS02", "服务小区所在区县"),
    ("street", "company_a", "GS02", "服务小区所在区县"),
    ("manager_a", "company_a", "GS02", "服务小区所在区县"),
    ("district", "company_a", "FJ01", "认定单位"),  # veto FJ01 is for the city bureau only
    ("district", "company_a", "BZ01", "认定单位"),
])
def test_who_may_record(world, who, company, code, message):
    with pytest.raises(ServiceError) as exc:
        record(world, user=who, company=getattr(world, company), code=code)
    assert message in str(exc.value)


def test_city_records_for_any_company_and_evidence_is_required(world):
    assert record(world, user="city", company=world.company_b).status == S.DRAFT
    with pytest.raises(ServiceError, match="证据"):
        credit_event_record(user=world.users["city"], company=world.company_b, rule=rule("SF01"),
                            occurred_on=date.today(), description="判决", evidence="")
    with pytest.raises(ServiceError, match="不是该企业服务的小区"):
        record(world, user="city", company=world.company_b, estate=world.estate_a)
    with pytest.raises(ServiceError, match="项目经理"):
        record(world, user="city", code="MG03")


def test_full_path_review_notice_no_objection_sweep_confirms(world, district_b):
    e = record(world)
    with pytest.raises(ServiceError, match="录入人不能审核"):
        credit_event_act(user=world.users["district"], event=e, action="review")
    assert allowed_actions(world.users["district"], e) == ["withdraw"]
    credit_event_act(user=district_b, event=e, action="review")
    assert e.status == S.REVIEWED and e.reviewed_by_id == district_b.pk
    before = timezone.now()
    credit_event_act(user=world.users["district"], event=e, action="publish")
    assert e.status == S.NOTICE
    assert e.notice_end == add_period(e.notice_start, 5, PeriodUnit.WORKING_DAYS)
    assert e.notice_start >= before
    assert Notification.objects.filter(user=world.users["manager_a"], subject="信用信息公示").exists()
    # The sweep before the end of the notice does nothing; after it, confirms once.
    assert credit_sweep(now=e.notice_end - timedelta(minutes=1))["confirmed"] == 0
    assert credit_sweep(now=e.notice_end + timedelta(minutes=1))["confirmed"] == 1
    assert credit_sweep(now=e.notice_end + timedelta(minutes=2))["confirmed"] == 0
    e.refresh_from_db()
    assert e.status == S.CONFIRMED and e.valid_from == e.occurred_on
    assert e.valid_until == e.occurred_on + timedelta(days=365)
    assert [x.action for x in e.logs.all()] == ["record", "review", "publish", "confirm"]
    assert CompanyCredit.objects.get(company=world.company_a).bad == Decimal("5")
    assert AuditLog.objects.filter(object_type="credit.creditevent", object_id=str(e.pk)).count() == 4


def _in_notice(world, code="XC03"):
    return credit_event_auto(company=world.company_a, rule_code=code, source_key=f"t:{code}", occurred_on=date.today(),
                             description="整改逾期", estate=world.estate_a)


def test_auto_events_start_in_notice_once_per_key(world):
    e = _in_notice(world)
    assert e.status == S.NOTICE and e.district_id == world.d1.pk and e.notice_end > e.notice_start
    assert _in_notice(world).pk == e.pk
    assert CreditEvent.objects.filter(source_key="t:XC03").count() == 1
    assert credit_event_auto(company=world.company_a, rule_code="NOPE", source_key="x", occurred_on=date.today(),
                             description="") is None


def test_objection_upheld_withdraws(world):
    e = _in_notice(world)
    with pytest.raises(ServiceError, match="异议理由"):
        credit_event_act(user=world.users["staff_a"], event=e, action="object", note="")
    with pytest.raises(ServiceError):
        credit_event_act(user=world.users["manager_b"], event=e, action="object", note="不是我们")
    credit_event_act(user=world.users["staff_a"], event=e, action="object", note="整改已按期完成", evidence="验收单")
    assert e.status == S.OBJECTED
    o = CreditObjection.objects.get(event=e)
    assert (o.status, o.evidence) == ("pending", "验收单")
    assert Notification.objects.filter(user=world.users["district"], subject="信用信息异议").exists()
    with pytest.raises(ServiceError):
        credit_event_act(user=world.users["district2"], event=e, action="uphold", note="x")
    credit_event_act(user=world.users["district"], event=e, action="uphold", note="核实整改已按期完成")
    o.refresh_from_db()
    assert e.status == S.WITHDRAWN and o.status == "upheld" and o.decided_by_id == world.users["district"].pk
    assert credit_sweep(now=e.notice_end + timedelta(days=1))["confirmed"] == 0


def test_objection_rejected_resumes_the_notice_or_confirms_after_it(world):
    e = _in_notice(world)
    credit_event_act(user=world.users["staff_a"], event=e, action="object", note="理由")
    credit_event_act(user=world.users["city"], event=e, action="reject", note="整改确已逾期", now=e.notice_end - timedelta(hours=1))
    assert e.status == S.NOTICE
    credit_event_act(user=world.users["staff_a"], event=e, action="object", note="再次异议", now=e.notice_end - timedelta(minutes=30))
    credit_event_act(user=world.users["city"], event=e, action="reject", note="维持", now=e.notice_end + timedelta(days=1))
    assert e.status == S.CONFIRMED
    assert list(CreditObjection.objects.filter(event=e).values_list("status", flat=True)) == ["rejected", "rejected"]
    assert CompanyCredit.objects.get(company=world.company_a).bad == Decimal("3")


def test_no_objection_after_the_notice(world):
    e = _in_notice(world)
    with pytest.raises(ServiceError, match="公示期已结束"):
        credit_event_act(user=world.users["staff_a"], event=e, action="object", note="晚了", now=e.notice_end + timedelta(seconds=1))


def test_withdraw_before_confirmation_needs_a_reason(world):
    e = record(world)
    with pytest.raises(ServiceError, match="撤销理由"):
        credit_event_act(user=world.users["district"], event=e, action="withdraw")
    credit_event_act(user=world.users["district"], event=e, action="withdraw", note="录入错误")
    assert (e.status, e.withdrawn_reason) == (S.WITHDRAWN, "录入错误")
    with pytest.raises(ServiceError, match="已撤销"):
        credit_event_act(user=world.users["district"], event=e, action="withdraw", note="again")


def test_a_stale_page_loses_to_the_first_actor(world, district_b):
    e = record(world)
    stale = CreditEvent.objects.get(pk=e.pk)
    credit_event_act(user=district_b, event=e, action="review")
    with pytest.raises(ConflictError):
        credit_event_act(user=world.users["city"], event=stale, action="withdraw", note="重复")


def test_repair_bad_by_district_veto_by_city_only(world):
    bad = confirmed(world.company_a, "WG01")
    veto = confirmed(world.company_a, "FJ02")
    assert "repair" not in allowed_actions(world.users["district"], veto)
    with pytest.raises(ServiceError, match="市局"):
        credit_event_act(user=world.users["district"], event=veto, action="repair", note="已退出")
    credit_event_act(user=world.users["district"], event=bad, action="repair", note="已恢复供水，经核实")
    assert bad.repaired_at is not None and bad.status == S.CONFIRMED
    credit_event_act(user=world.users["city"], event=veto, action="repair", note="已完成交接退出")
    c = CompanyCredit.objects.get(company=world.company_a)
    assert not c.veto and c.bad == 0
    good = confirmed(world.company_a, "BZ02")
    with pytest.raises(ServiceError, match="不良"):
        credit_event_act(user=world.users["city"], event=good, action="repair", note="x")


def test_repair_by_source_for_inspections(world):
    e = credit_event_auto(company=world.company_a, rule_code="XC03", source_key="rectification:9:overdue",
                          occurred_on=date.today(), description="整改逾期")
    # Not yet confirmed: the verified rectification withdraws it.
    assert credit_event_repair_by_source(source_key="rectification:9:overdue", reason="复查销号").status == S.WITHDRAWN
    e2 = confirmed(world.company_a, "XC03")
    out = credit_event_repair_by_source(source_key=e2.source_key, reason="复查销号", actor=world.users["district"])
    assert out.repaired_at is not None and out.status == S.CONFIRMED
    assert credit_event_repair_by_source(source_key=e2.source_key, reason="again") is None
    assert credit_event_repair_by_source(source_key="missing", reason="x") is None
    assert e.logs.filter(action="withdraw").exists()


# ---- the state machine as a whole -----------------------------------------------------------

ACTIONS = ["review", "publish", "object", "uphold", "reject", "withdraw", "repair"]
ACTORS = ["district", "district_b", "city", "staff_a", "manager_b", "district2"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(ACTIONS), st.sampled_from(ACTORS)), max_size=8))
def test_any_sequence_of_actions_follows_the_table(world, district_b, steps):
    users = {**world.users, "district_b": district_b}
    e = record(world)
    history = [e.status]
    for action, who in steps:
        before = e.status
        allowed = action in allowed_actions(users[who], e)
        try:
            credit_event_act(user=users[who], event=e, action=action, note="说明")
        except ServiceError:
            assert not allowed
            assert CreditEvent.objects.get(pk=e.pk).status == before
            continue
        assert allowed
        t = TRANSITIONS[action]
        assert before in t.sources
        if t.target is not None:
            assert e.status == t.target
        history.append(e.status)
    # Every status change left a log row, and withdrawn/confirmed(repaired) are final for the table.
    assert e.logs.count() >= len(history)
    if e.status == S.WITHDRAWN:
        assert all(not allowed_actions(users[w], e) for w in ACTORS)
