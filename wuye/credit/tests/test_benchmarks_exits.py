"""Benchmarks and exit cases (issue 4 §11)."""

from __future__ import annotations

from datetime import date

import pytest

from wuye.core.errors import ServiceError
from wuye.core.models import AuditLog
from wuye.credit.benchmarks import benchmark_designate, benchmark_revoke
from wuye.credit.exits import exit_case_close, exit_step_record
from wuye.credit.models import Benchmark, CompanyCredit, CreditEvent, ExitCase
from wuye.credit.scoring import credit_recompute
from wuye.credit.services import credit_event_confirm, credit_refresh
from wuye.notifications.models import Notification

from .conftest import confirmed


def test_designate_estate_benchmark_gives_the_company_bg01_in_notice(world):
    b = benchmark_designate(user=world.users["district"], kind="estate", estate=world.estate_a, reason="示范小区")
    e = CreditEvent.objects.get(source_key=f"benchmark:{b.pk}")
    assert (e.rule.code, e.company_id, e.status) == ("BG01", world.company_a.pk, "notice")
    with pytest.raises(ServiceError, match="已是有效标杆"):
        benchmark_designate(user=world.users["city"], kind="estate", estate=world.estate_a, reason="again")
    with pytest.raises(ServiceError):
        benchmark_designate(user=world.users["district"], kind="estate", estate=world.estate_b, reason="别区")
    with pytest.raises(ServiceError, match="评选理由"):
        benchmark_designate(user=world.users["city"], kind="estate", estate=world.estate_b, reason=" ")
    for who in ("street", "manager_a", "resident"):
        with pytest.raises(ServiceError):
            benchmark_designate(user=world.users[who], kind="company", company=world.company_a, reason="x")
    benchmark_revoke(user=world.users["district"], benchmark=b, reason="发生安全事故")
    b.refresh_from_db()
    e.refresh_from_db()
    assert (b.active, b.revoke_reason, e.status) == (False, "发生安全事故", "withdrawn")
    with pytest.raises(ServiceError):
        benchmark_revoke(user=world.users["district"], benchmark=b, reason="again")
    assert AuditLog.objects.filter(object_type="credit.benchmark", object_id=str(b.pk)).count() == 2


def test_revoking_a_company_benchmark_ends_its_confirmed_bg01_and_red_listing(world):
    a = world.company_a
    confirmed(a, "JC01")
    b = benchmark_designate(user=world.users["city"], kind="company", company=a, reason="行业标杆")
    assert CompanyCredit.objects.get(company=a).red
    e = CreditEvent.objects.get(source_key=f"benchmark:{b.pk}")
    credit_event_confirm(event=e, now=e.notice_end.replace(year=e.notice_end.year + 1))
    credit_recompute(a.pk)
    assert CompanyCredit.objects.get(company=a).good == 5
    benchmark_revoke(user=world.users["city"], benchmark=b, reason="撤销")
    c = CompanyCredit.objects.get(company=a)
    assert not c.red and c.good == 0


def test_black_listing_opens_exit_cases_and_notifies_district_and_committee(world):
    confirmed(world.company_a, "FJ01")
    credit_refresh(company_id=world.company_a.pk)
    case = ExitCase.objects.get(company=world.company_a)
    assert (case.estate_id, case.district_id, case.status) == (world.estate_a.pk, world.d1.pk, "open")
    notified = set(Notification.objects.filter(subject="物业企业清退").values_list("user__username", flat=True))
    assert notified == {"p_district", "p_committee"}


def test_exit_steps_then_close(world):
    confirmed(world.company_a, "FJ02")
    credit_refresh(company_id=world.company_a.pk)
    case = ExitCase.objects.get(company=world.company_a)
    d = world.users["district"]
    for who in ("district2", "manager_a", "committee"):
        with pytest.raises(ServiceError):
            exit_step_record(user=world.users[who], case=case, kind="committee_told", done_on=date.today())
    exit_step_record(user=d, case=case, kind="committee_told", done_on=date.today(), note="已书面告知")
    with pytest.raises(ServiceError, match="已登记"):
        exit_step_record(user=d, case=case, kind="committee_told", done_on=date.today())
    with pytest.raises(ServiceError, match="先登记业主共同决定"):
        exit_step_record(user=d, case=case, kind="handover", done_on=date.today())
    with pytest.raises(ServiceError, match="文号"):
        exit_step_record(user=d, case=case, kind="owners_decided", done_on=date.today())
    with pytest.raises(ServiceError, match="尚未登记交接"):
        exit_case_close(user=d, case=case, status="done", note="")
    exit_step_record(user=d, case=case, kind="owners_decided", done_on=date.today(), note="幸福里业主大会决定〔2026〕1号")
    exit_step_record(user=d, case=case, kind="handover", done_on=date.today(), note="已与新企业完成交接")
    exit_case_close(user=d, case=case, status="done", note="")
    assert case.status == "done" and case.closed_at is not None
    with pytest.raises(ServiceError):
        exit_case_close(user=d, case=case, status="closed", note="again")
    assert Benchmark.objects.count() == 0
