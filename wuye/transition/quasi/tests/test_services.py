"""Contracts, signing (the registry's management mode and the complaint routing), monthly checks
with photos, rectifications and their machine."""

from __future__ import annotations

from decimal import Decimal

import pytest

from wuye.cases.models import Category
from wuye.cases.units import UnitKind, route
from wuye.core.calendar import PeriodUnit, add_months, month_start, period_last_day
from wuye.core.errors import ServiceError
from wuye.core.models import AuditLog
from wuye.notifications.models import Notification
from wuye.registry.models import Estate, ServiceContract
from wuye.transition.quasi import services as svc
from wuye.transition.quasi.models import ContractEstate, MonthlyCheck, QuasiContract, Rectification

from .conftest import START, TODAY, duties, make_contract, png

MONTH = month_start(TODAY)


def results(failed: str | None = None, photos=True):
    out = []
    for duty in ("security", "cleaning", "facilities"):
        bad = duty == failed
        out.append({"duty": duty, "passed": not bad, "note": "楼道堆放杂物堵塞通道" if bad else "",
                    "photos": [png()] if (bad and photos) else []})
    return out


def test_a_contract_with_no_compounds_is_refused_in_chinese_and_nothing_is_saved(quasi):
    audit_before = AuditLog.objects.count()
    with pytest.raises(ServiceError) as exc:
        make_contract(quasi, estates=[])
    assert "至少覆盖一个小区" in str(exc.value.message_dict["estates"])
    assert QuasiContract.objects.count() == 0 and ContractEstate.objects.count() == 0
    assert AuditLog.objects.count() == audit_before


def test_bad_input_is_refused(quasi):
    w = quasi.world
    with pytest.raises(ServiceError, match="辖区"):
        make_contract(quasi, estates=[quasi.old_far])  # another district's compound
    with pytest.raises(ServiceError, match="专业化物业服务"):
        make_contract(quasi, estates=[w.estate_a], provider="organisation")  # already has a company
    with pytest.raises(ServiceError, match="终止日"):
        make_contract(quasi, start=TODAY, end=TODAY.replace(year=TODAY.year - 1))
    with pytest.raises(ServiceError, match="合同金额"):
        make_contract(quasi, amount="0.001")
    with pytest.raises(ServiceError, match="只有街道办事处和社区"):
        make_contract(quasi, actor=w.users["district"])
    with pytest.raises(ServiceError, match="二者选一"):
        svc.contract_create(actor=w.users["street"], title="x", estates=[quasi.old1], start_date=START,
                            end_date=add_months(START, 11), amount=Decimal("1"), funding="district", duties=duties())
    assert QuasiContract.objects.count() == 0


def test_signing_makes_the_compounds_quasi_and_routes_their_complaints_to_the_provider_company(quasi):
    w = quasi.world
    contract = make_contract(quasi, sign=False)
    assert contract.status == "draft"
    quasi.old1.refresh_from_db()
    assert quasi.old1.management_mode == Estate.ManagementMode.NONE
    svc.contract_sign(actor=w.users["street"], contract=contract)
    contract.refresh_from_db()
    assert contract.status == "signed" and contract.signed_on == TODAY
    assert contract.events.get().action == "sign"
    for estate in (quasi.old1, quasi.old2):
        estate.refresh_from_db()
        assert estate.management_mode == Estate.ManagementMode.QUASI
        assert estate.company_id == w.company_a.pk
        sc = ServiceContract.objects.get(estate=estate, is_current=True)
        assert (sc.company_id, sc.fee_rate, sc.filing_number) == (w.company_a.pk, Decimal("0.00"), contract.number)
    category = Category(code="q-clean", name="保洁不到位", responsible=Category.Responsible.COMPANY)
    unit = route(estate=quasi.old1, category=category)
    assert (unit.kind, unit.id) == (UnitKind.COMPANY, w.company_a.pk)


def test_an_organisation_provider_leaves_complaints_with_the_community(quasi):
    w = quasi.world
    make_contract(quasi, provider="organisation")
    quasi.old1.refresh_from_db()
    assert quasi.old1.management_mode == Estate.ManagementMode.QUASI and quasi.old1.company_id is None
    category = Category(code="q-light", name="楼道照明", responsible=Category.Responsible.COMPANY)
    unit = route(estate=quasi.old1, category=category)
    assert (unit.kind, unit.id) == (UnitKind.COMMUNITY, w.c1.pk)


def test_an_estate_cannot_be_covered_twice_in_one_term(quasi):
    make_contract(quasi)
    with pytest.raises(ServiceError, match="已被合同"):
        make_contract(quasi, estates=[quasi.old2], provider="organisation")


def test_only_the_buyer_signs_and_terminates(quasi):
    w = quasi.world
    contract = make_contract(quasi, sign=False)
    for who in ("community", "district", "manager_a", "city"):
        with pytest.raises(ServiceError, match="无权"):
            svc.contract_sign(actor=w.users[who], contract=contract)
    svc.contract_sign(actor=w.users["street"], contract=contract)
    with pytest.raises(ServiceError, match="理由"):
        svc.contract_terminate(actor=w.users["street"], contract=contract, note="")
    svc.contract_terminate(actor=w.users["street"], contract=contract, note="服务方严重违约")
    quasi.old1.refresh_from_db()
    assert quasi.old1.management_mode == Estate.ManagementMode.NONE and quasi.old1.company_id is None


def test_a_failed_check_asks_the_provider_to_rectify_by_a_working_day_deadline(quasi):
    w = quasi.world
    contract = make_contract(quasi)
    checks = svc.checks_record(actor=w.users["community"], contract=contract, estate=quasi.old1, month=MONTH,
                               results=results(failed="cleaning"), checked_on=TODAY)
    assert len(checks) == 3 and MonthlyCheck.objects.filter(passed=False).count() == 1
    rect = Rectification.objects.get()
    assert rect.duty == "cleaning" and rect.status == "open" and rect.estate == quasi.old1
    assert rect.deadline == period_last_day(TODAY, 5, PeriodUnit.WORKING_DAYS)
    failed = MonthlyCheck.objects.get(passed=False)
    assert failed.photos.count() == 1 and failed.photos.get().file.name.endswith(".png")
    assert Notification.objects.filter(user=w.users["manager_a"]).exists()
    assert AuditLog.objects.filter(object_type="quasi.monthlycheck").count() == 3


def test_a_failed_check_needs_a_photo_and_a_note_and_nothing_is_half_saved(quasi):
    w = quasi.world
    contract = make_contract(quasi)
    with pytest.raises(ServiceError, match="照片"):
        svc.checks_record(actor=w.users["community"], contract=contract, estate=quasi.old1, month=MONTH,
                          results=results(failed="security", photos=False))
    assert MonthlyCheck.objects.count() == 0


def test_a_duty_is_checked_once_a_month_and_not_in_the_future(quasi):
    w = quasi.world
    contract = make_contract(quasi)
    svc.checks_record(actor=w.users["community"], contract=contract, estate=quasi.old1, month=MONTH, results=results())
    with pytest.raises(ServiceError, match="已检查"):
        svc.checks_record(actor=w.users["community"], contract=contract, estate=quasi.old1, month=MONTH,
                          results=results())
    with pytest.raises(ServiceError, match="未来"):
        svc.checks_record(actor=w.users["community"], contract=contract, estate=quasi.old1,
                          month=add_months(MONTH, 1), results=results())
    assert MonthlyCheck.objects.count() == 3


def test_only_the_compounds_community_checks(quasi):
    w = quasi.world
    contract = make_contract(quasi)
    for who in ("street", "district", "manager_a", "city"):
        with pytest.raises(ServiceError, match="社区"):
            svc.checks_record(actor=w.users[who], contract=contract, estate=quasi.old1, month=MONTH, results=results())
    draft = make_contract(quasi, sign=False, estates=[quasi.old1], start=add_months(START, 24),
                          end=add_months(START, 30))
    with pytest.raises(ServiceError, match="不在履行中"):
        svc.checks_record(actor=w.users["community"], contract=draft, estate=quasi.old1, month=MONTH, results=results())


def test_rectification_the_provider_submits_and_the_community_closes(quasi):
    w = quasi.world
    contract = make_contract(quasi)
    svc.checks_record(actor=w.users["community"], contract=contract, estate=quasi.old1, month=MONTH,
                      results=results(failed="facilities"))
    rect = Rectification.objects.get()
    with pytest.raises(ServiceError, match="无权"):
        svc.rectification_submit(actor=w.users["manager_b"], rect=rect, reply="已修")
    with pytest.raises(ServiceError, match="无权"):
        svc.rectification_submit(actor=w.users["community"], rect=rect, reply="已修")  # the company has an account
    svc.rectification_submit(actor=w.users["staff_a"], rect=rect, reply="已更换楼道灯 6 盏")
    with pytest.raises(ServiceError, match="无权"):
        svc.rectification_close(actor=w.users["manager_a"], rect=rect)
    svc.rectification_reopen(actor=w.users["community"], rect=rect, note="3 号楼仍未修复")
    assert rect.status == "open"
    rect.refresh_from_db()
    svc.rectification_submit(actor=w.users["manager_a"], rect=rect, reply="3 号楼已修复")
    svc.rectification_close(actor=w.users["street"], rect=rect)
    rect.refresh_from_db()
    assert rect.status == "closed" and rect.closed_on == TODAY
    assert [e.action for e in rect.events.all()] == ["submit", "reopen", "submit", "close"]


def test_an_organisations_reply_is_entered_by_its_community(quasi):
    w = quasi.world
    contract = make_contract(quasi, provider="organisation")
    svc.checks_record(actor=w.users["community"], contract=contract, estate=quasi.old2, month=MONTH,
                      results=results(failed="security"))
    rect = Rectification.objects.get()
    svc.rectification_submit(actor=w.users["community"], rect=rect, reply="服务中心已增加夜间巡逻")
    assert rect.status == "submitted"


def test_the_payment_follows_the_recorded_checks(quasi):
    from wuye.transition.quasi.selectors import contract_payment

    w = quasi.world
    contract = make_contract(quasi, amount="120000.00")
    svc.checks_record(actor=w.users["community"], contract=contract, estate=quasi.old1, month=MONTH,
                      results=results(failed="security"))
    p = contract_payment(contract)
    # 2 of 3 passed = 66.67 %: between the floor (60 %) and full pay (90 %) → 120000 × 2/3
    assert (p.checked, p.passed, p.payable) == (3, 2, Decimal("80000.00"))
