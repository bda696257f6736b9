"""The common-income ledger's services (issue 5 item 1; rules.md §2, §5): drafting, every
transition and who is refused, conflicts, publication with exact shares, objections that become
complaints, and the missing-disclosure sweep."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wuye.cases.models import Complaint
from wuye.core.calendar import period_last_day
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditLog
from wuye.credit.models import CreditEvent
from wuye.disclosure.income import selectors as sel
from wuye.disclosure.income import services as inc
from wuye.disclosure.income import tasks as tasks_income
from wuye.disclosure.income import workflow as wf
from wuye.disclosure.models import (
    DisclosureSettings,
    IncomeEvent,
    IncomeItem,
    IncomeObjection,
    IncomeReminder,
    IncomeReport,
    IncomeShare,
)
from wuye.notifications.models import Notification
from wuye.registry import services as rs
from wuye.registry.models import OwnersCommittee

from .test_support import LAST_YEAR, add_units, draft, published, submitted

SH = ZoneInfo("Asia/Shanghai")


def audit_actions(obj) -> list[str]:
    return list(AuditLog.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
                .order_by("seq").values_list("detail", flat=True))


# ---- drafting ---------------------------------------------------------------------------------------


def test_company_drafts_scenario_7_and_the_totals_follow_the_lines(world):
    report = draft(world)
    assert report.status == "draft" and report.company_id == world.company_a.pk
    assert (report.gross, report.costs, report.net) == (Decimal("139200.00"), Decimal("12000.00"), Decimal("127200.00"))
    assert report.version == 3
    actions = list(IncomeEvent.objects.filter(report=report).values_list("action", flat=True))
    assert actions == ["create", "edit", "edit", "edit"]
    assert len(audit_actions(report)) == 4
    item = IncomeItem.objects.get(report=report, source="lift_ad")
    inc.income_item_remove(actor=world.users["staff_a"], report=report, item_id=item.pk)
    report.refresh_from_db()
    assert report.gross == Decimal("52800.00") and report.net == Decimal("40800.00")


@pytest.mark.parametrize("who", ["manager_b", "committee", "street", "district", "resident", "outsider"])
def test_only_the_estates_company_drafts(world, who):
    with pytest.raises(ServiceError):
        inc.income_report_create(actor=world.users[who], estate=world.estate_a, period_start=LAST_YEAR[0],
                                 period_end=LAST_YEAR[1])
    assert not IncomeReport.objects.exists()


def test_one_report_per_estate_and_period_and_a_sane_period(world):
    draft(world, lift=None, parking=None, costs=None)
    with pytest.raises(ServiceError, match="同一期间"):
        draft(world, lift=None, parking=None, costs=None)
    with pytest.raises(ServiceError, match="不能早于"):
        inc.income_report_create(actor=world.users["manager_a"], estate=world.estate_a,
                                 period_start=date(2025, 6, 1), period_end=date(2025, 5, 1))


@pytest.mark.parametrize("amount,msg", [("-1", "负数"), ("1.234", "两位小数"), ("abc", "正确填写"), ("", "正确填写")])
def test_bad_amounts_are_refused_with_a_clear_message(world, amount, msg):
    report = draft(world, lift=None, parking=None, costs=None)
    with pytest.raises(ServiceError, match=msg):
        inc.income_item_add(actor=world.users["manager_a"], report=report, source="venue", amount=amount)
    assert not report.items.exists()


def test_parking_line_is_filled_from_the_registry(world):
    root = world.users["city"]
    for i, rent in enumerate(["200.00", "240.00"]):
        rs.parking_create(actor=root, estate=world.estate_a, number=f"R-{i}", kind="common_road", ownership="common",
                          disposal="rented", monthly_rent=Decimal(rent))
    # Not counted: idle, or not on common roads, or not common.
    rs.parking_create(actor=root, estate=world.estate_a, number="R-9", kind="common_road", ownership="common",
                      disposal="idle", monthly_rent=Decimal("999.00"))
    rs.parking_create(actor=root, estate=world.estate_a, number="S-1", kind="surface", ownership="common",
                      disposal="rented", monthly_rent=Decimal("500.00"))
    report = draft(world, lift=None, parking=None, costs=None)
    item = inc.income_parking_fill(actor=world.users["manager_a"], report=report)
    assert item.from_parking and item.source == "common_parking" and item.amount == Decimal("5280.00")  # 440 × 12
    assert "2 个共有道路车位" in item.description
    report.refresh_from_db()
    inc.income_parking_fill(actor=world.users["manager_a"], report=report)  # refreshes, never doubles
    assert IncomeItem.objects.filter(report=report).count() == 1


def test_parking_fill_without_spaces_says_so(world):
    report = draft(world, lift=None, parking=None, costs=None)
    with pytest.raises(ServiceError, match="没有已出租"):
        inc.income_parking_fill(actor=world.users["manager_a"], report=report)


def test_months_in_period():
    assert sel.months_in_period(date(2025, 1, 1), date(2025, 12, 31)) == 12
    assert sel.months_in_period(date(2025, 1, 1), date(2025, 3, 31)) == 3
    assert sel.months_in_period(date(2025, 11, 1), date(2026, 2, 28)) == 4


def test_use_by_owners_decision_needs_the_decision(world):
    report = draft(world)
    with pytest.raises(ServiceError, match="决定文号"):
        inc.income_report_set_use(actor=world.users["manager_a"], report=report, use="owners_decision")
    report = inc.income_report_set_use(actor=world.users["manager_a"], report=report, use="owners_decision",
                                       decision_ref="2025 年第 2 次业主大会决定", use_note="用于更换单元门禁")
    assert report.use == "owners_decision" and report.decision_ref == "2025 年第 2 次业主大会决定"


def test_edits_are_refused_once_submitted_and_to_others(world):
    report = submitted(world)
    with pytest.raises(ServiceError, match="不能修改"):
        inc.income_item_add(actor=world.users["manager_a"], report=report, source="venue", amount="10")
    report2 = draft(world, period=(date(2024, 1, 1), date(2024, 12, 31)))
    with pytest.raises(ServiceError, match="只有编制"):
        inc.income_cost_add(actor=world.users["manager_b"], report=report2, description="x", amount="1")


def test_a_stale_edit_conflicts(world):
    report = draft(world)
    stale = IncomeReport.objects.get(pk=report.pk)
    inc.income_item_add(actor=world.users["manager_a"], report=report, source="venue", amount="100")
    with pytest.raises(ConflictError):
        inc.income_item_add(actor=world.users["staff_a"], report=stale, source="other", amount="1")
    assert IncomeItem.objects.filter(report=report).count() == 3  # the stale one rolled back


# ---- transitions --------------------------------------------------------------------------------------


def test_submit_checks_content_and_tells_the_committee(world):
    empty = draft(world, lift=None, parking=None, costs=None)
    with pytest.raises(ServiceError, match="至少填写一项收入"):
        inc.income_report_submit(actor=world.users["manager_a"], report=empty)
    report = draft(world, period=(date(2024, 1, 1), date(2024, 12, 31)), lift="100.00", parking=None, costs="200.00")
    with pytest.raises(ServiceError, match="超过收入合计"):
        inc.income_report_submit(actor=world.users["manager_a"], report=report)
    ok = draft(world, period=(date(2023, 1, 1), date(2023, 12, 31)))
    ok = inc.income_report_submit(actor=world.users["staff_a"], report=ok)
    assert ok.status == "submitted" and ok.submitted_at is not None
    assert Notification.objects.filter(user=world.users["committee"], subject="公共收益报告待确认").count() == 1
    ev = IncomeEvent.objects.filter(report=ok).last()
    assert (ev.action, ev.from_status, ev.to_status, ev.actor) == ("submit", "draft", "submitted", world.users["staff_a"])


@pytest.mark.parametrize("who", ["manager_a", "manager_b", "street", "district", "community", "resident", "city"])
def test_only_the_committee_confirms_where_there_is_one(world, who):
    report = submitted(world)
    with pytest.raises(ServiceError, match="无权"):
        inc.income_report_confirm(actor=world.users[who], report=report)
    report.refresh_from_db()
    assert report.status == "submitted" and not IncomeShare.objects.exists()


def test_confirm_publishes_with_exact_shares(world):
    add_units(world, 6, area="77.77")
    report = published(world)
    today = timezone.localdate()
    assert report.status == "published" and report.confirmed_by == world.users["committee"]
    assert report.public_from == today and report.public_until == period_last_day(today, 15)
    shares = list(IncomeShare.objects.filter(report=report))
    assert len(shares) == 7
    assert sum(s.amount for s in shares) == Decimal("127200.00")
    assert report.total_area == Decimal("89.50") + 6 * Decimal("77.77")
    for s in shares:  # each within a fen of net × area / total
        assert abs(s.amount - report.net * s.area / report.total_area) < Decimal("0.01")
    assert Notification.objects.filter(user=world.users["manager_a"], subject="公共收益报告已公示").exists()
    assert audit_actions(report)[-1].startswith("confirm:")


def test_street_confirms_only_where_the_estate_has_no_committee(world):
    report = submitted(world)
    with pytest.raises(ServiceError, match="无权"):
        inc.income_report_confirm(actor=world.users["street"], report=report)
    OwnersCommittee.objects.filter(estate=world.estate_a).update(is_current=False)
    assert sel.actor_kinds(world.users["committee"], report) == {"confirmer"}  # committee user still bound
    report = inc.income_report_confirm(actor=world.users["street"], report=report)
    assert report.status == "published" and report.confirmed_by == world.users["street"]


def test_return_needs_a_reason_and_goes_back_to_the_company(world):
    report = submitted(world)
    with pytest.raises(ServiceError, match="理由"):
        inc.income_report_return(actor=world.users["committee"], report=report, reason=" ")
    report = inc.income_report_return(actor=world.users["committee"], report=report, reason="停车收入与台账不符")
    assert report.status == "returned"
    assert Notification.objects.filter(user=world.users["manager_a"], subject="公共收益报告被退回").exists()
    inc.income_item_add(actor=world.users["manager_a"], report=report, source="venue", amount="600.00")
    report.refresh_from_db()
    report = inc.income_report_submit(actor=world.users["manager_a"], report=report)
    assert report.status == "submitted" and report.net == Decimal("127800.00")
    assert list(IncomeEvent.objects.filter(report=report).values_list("action", flat=True))[-3:] == [
        "return", "edit", "submit"]


def test_wrong_state_transitions_are_refused(world):
    report = published(world)
    for fn, kw in ((inc.income_report_submit, {"actor": world.users["manager_a"]}),
                   (inc.income_report_confirm, {"actor": world.users["committee"]}),
                   (inc.income_report_return, {"actor": world.users["committee"], "reason": "x"})):
        with pytest.raises(ServiceError, match="不能执行"):
            fn(report=report, **kw)


def test_two_confirmers_at_once_one_wins(world):
    report = submitted(world)
    stale = IncomeReport.objects.select_related("estate").get(pk=report.pk)
    inc.income_report_return(actor=world.users["committee"], report=report, reason="请补充成本明细")
    with pytest.raises(ConflictError):
        inc.income_report_confirm(actor=world.users["committee"], report=stale)
    assert not IncomeShare.objects.exists()


def test_transition_table_is_explicit():
    assert set(wf.TRANSITIONS) == {"submit", "confirm", "return", "withdraw"}
    assert wf.TRANSITIONS["confirm"].sources == {"submitted"} and wf.TRANSITIONS["confirm"].target == "published"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.lists(st.sampled_from(["submit", "confirm", "return", "withdraw", "edit"]), max_size=6))
def test_any_sequence_follows_the_table(world, order):
    IncomeReport.objects.all().delete()
    report = draft(world, lift="10.00", parking=None, costs=None)
    who = {"submit": "manager_a", "confirm": "committee", "return": "committee", "withdraw": "manager_a"}
    for action in order:
        before = report.status
        try:
            if action == "edit":
                inc.income_item_add(actor=world.users["manager_a"], report=report, source="other", amount="1.00")
            elif action == "submit":
                inc.income_report_submit(actor=world.users[who[action]], report=report)
            elif action == "confirm":
                inc.income_report_confirm(actor=world.users[who[action]], report=report)
            elif action == "return":
                inc.income_report_return(actor=world.users[who[action]], report=report, reason="理由")
            else:
                inc.income_report_withdraw(actor=world.users[who[action]], report=report, reason="理由")
            ok = True
        except ServiceError:
            ok = False
        report.refresh_from_db()
        if action == "edit":
            assert ok == (before in wf.EDITABLE)
        else:
            assert ok == (before in wf.TRANSITIONS[action].sources)
            assert report.status == (wf.TRANSITIONS[action].target if ok else before)


# ---- objections ------------------------------------------------------------------------------------------


def test_an_owners_objection_becomes_a_linked_complaint(world):
    report = published(world)
    obj = inc.income_objection_file(user=world.users["resident"], report=report, text="电梯广告实际有两块屏，收入偏低")
    c = obj.complaint
    assert isinstance(c, Complaint) and c.category.code == "common_income" and c.estate_id == world.estate_a.pk
    assert c.reporter_user == world.users["resident"] and "电梯广告实际有两块屏" in c.description
    assert "公共收益公示" in c.description and obj.owner == world.owner_a
    assert IncomeEvent.objects.filter(report=report, action="objection", note__contains=c.tracking_code).exists()
    assert audit_actions(obj) == ["业主对公共收益公示提出异议"]
    assert Notification.objects.filter(user=world.users["manager_a"], subject="业主对公共收益公示提出异议").exists()


def test_objections_only_from_owners_and_only_in_the_public_period(world):
    report = submitted(world)
    with pytest.raises(ServiceError, match="不在公示期"):
        inc.income_objection_file(user=world.users["resident"], report=report, text="数字不对，请核实")
    report = inc.income_report_confirm(actor=world.users["committee"], report=report)
    for who in ("committee", "manager_a", "street", "outsider"):
        with pytest.raises(ServiceError, match="只有本小区的业主"):
            inc.income_objection_file(user=world.users[who], report=report, text="数字不对，请核实")
    IncomeReport.objects.filter(pk=report.pk).update(public_until=timezone.localdate() - timedelta(days=1))
    report.refresh_from_db()
    with pytest.raises(ServiceError, match="不在公示期"):
        inc.income_objection_file(user=world.users["resident"], report=report, text="数字不对，请核实")
    assert not IncomeObjection.objects.exists() and not Complaint.objects.exists()


# ---- the missing-disclosure sweep -----------------------------------------------------------------------


def at(y, m, d, h=9):
    return datetime(y, m, d, h, tzinfo=SH)


def test_sweep_waits_for_the_deadline_then_acts_once(world):
    # Estate A publishes its 2025 report; estate B (company B) never does.
    published(world)
    assert inc.income_overdue_sweep(now=at(2026, 3, 31, 23))["reminded"] == 0  # deadline day: still in time
    result = inc.income_overdue_sweep(now=at(2026, 4, 1))
    assert result == {"year": 2025, "checked": 1, "reminded": 1, "events": 1}
    reminder = IncomeReminder.objects.get()
    assert (reminder.estate, reminder.year, reminder.company) == (world.estate_b, 2025, world.company_b)
    event = CreditEvent.objects.get(source_key=f"income-missing:{world.estate_b.pk}:2025")
    assert event.rule.code == "GS01" and event.company == world.company_b and event.estate == world.estate_b
    assert event.occurred_on == date(2026, 4, 1)
    assert Notification.objects.filter(user=world.users["manager_b"], subject="公共收益逾期未公示").count() == 1
    # Twice, or later in the year: nothing more.
    assert inc.income_overdue_sweep(now=at(2026, 4, 1, 10))["reminded"] == 0
    assert inc.income_overdue_sweep(now=at(2026, 8, 1))["reminded"] == 0
    assert CreditEvent.objects.filter(rule__code="GS01").count() == 1
    assert Notification.objects.filter(subject="公共收益逾期未公示").count() == 1


def test_sweep_follows_the_deadline_setting_and_skips_estates_without_a_company(world):
    ds = DisclosureSettings.current()
    ds.income_deadline_month = 6
    ds.save()
    assert inc.income_overdue_sweep(now=at(2026, 5, 15))["reminded"] == 0
    root = world.users["city"]
    rs.estate_create(actor=root, name="无物业的老旧小区", address="东城区某胡同 1 号", community=world.c1)
    result = inc.income_overdue_sweep(now=at(2026, 7, 1))
    assert result["reminded"] == 2 and IncomeReminder.objects.count() == 2


def test_sweep_claims_rows_so_a_second_worker_does_nothing(world):
    IncomeReminder.objects.create(estate=world.estate_b, year=2025, company=world.company_b, created_at=timezone.now())
    result = inc.income_overdue_sweep(now=at(2026, 4, 2))
    assert result["reminded"] == 1  # estate A only
    assert not CreditEvent.objects.filter(estate=world.estate_b).exists()


def test_the_periodic_task_calls_the_sweep(world, monkeypatch):

    seen = {}
    monkeypatch.setattr(tasks_income, "income_overdue_sweep", lambda **kw: seen.setdefault("called", True))
    tasks_income.income_overdue_daily.call_local()
    assert seen == {"called": True}
