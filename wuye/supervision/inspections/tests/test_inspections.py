"""Recording an inspection (issue 4 §3): item scores and totals (not-applicable items count full
marks), defects become orders, the result is published and feeds credit; only the inspection's
own inspectors may record it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditLog
from wuye.credit.models import CreditEvent
from wuye.supervision.inspections import services as si
from wuye.supervision.models import (
    Inspection,
    InspectionPhoto,
    InspectionPlan,
    InspectionScore,
    RectificationOrder,
    StandardItem,
)
from wuye.supervision.tests.inspection_support import (  # noqa: F401
    drawn_inspection,
    inspector_user_of,
    items,
    iworld,
    png,
    record,
)


def test_item_score_rules():
    item = StandardItem(max_points=Decimal("3"))
    assert si.item_score(item, si.Entry(deduction=Decimal("1.5"))) == Decimal("1.5")
    assert si.item_score(item, si.Entry(deduction=Decimal("3"))) == Decimal("0")
    assert si.item_score(item, si.Entry(deduction=Decimal("2"), not_applicable=True)) == Decimal("3")


def test_clean_inspection_scores_100_and_concludes(iworld):  # noqa: F811
    insp = record(drawn_inspection(iworld))
    assert insp.status == Inspection.Status.CONCLUDED and insp.concluded_at
    assert insp.total_score == Decimal("100") and insp.max_score == Decimal("100") and insp.defect_count == 0
    assert insp.published and insp.submitted_by == inspector_user_of(insp)
    assert InspectionScore.objects.filter(inspection=insp).count() == StandardItem.objects.filter(standard=insp.standard).count()
    # 100 ≥ 95: a good credit item (XC02) in public notice.
    ev = CreditEvent.objects.get(source_key=f"inspection:{insp.pk}")
    assert ev.rule.code == "XC02" and ev.company_id == iworld.w.company_a.pk and ev.status == CreditEvent.Status.NOTICE
    plan = InspectionPlan.objects.get(pk=insp.plan_id)
    assert plan.status == InspectionPlan.Status.DONE


def test_total_is_the_sum_of_item_scores_with_na_counting_full(iworld):  # noqa: F811
    insp = record(drawn_inspection(iworld), deductions={"JB02": "1.5", "SB01": 3, "ZX03": 2, "MY05": "0.5"},
                  na=("ZX03", "LH04"), defects={"SB01": "急修到场超过 30 分钟，3 次"})
    # ZX03 is not applicable: its deduction is ignored and it scores full.
    assert insp.total_score == Decimal("95.00")
    assert insp.defect_count == 1 and insp.status == Inspection.Status.RECTIFYING
    na = InspectionScore.objects.get(inspection=insp, item__code="ZX03")
    assert na.not_applicable and na.deduction == 0 and na.score == na.item.max_points
    order = RectificationOrder.objects.get(inspection=insp)
    assert order.item.code == "SB01" and order.defect == "急修到场超过 30 分钟，3 次"
    assert order.company_id == iworld.w.company_a.pk and order.status == RectificationOrder.Status.OPEN
    # 95 is "95 or more": good.
    assert CreditEvent.objects.get(source_key=f"inspection:{insp.pk}").rule.code == "XC02"


def test_low_score_records_a_bad_credit_item(iworld):  # noqa: F811
    big = {"JB02": 3, "SB01": 3, "SB02": 3, "ZX01": 3, "ZX02": 3, "BJ01": 3, "BJ03": 3, "MY01": 4, "XF01": "2.5",
           "XF02": "2.5", "XF03": "0.5"}
    insp = record(drawn_inspection(iworld), deductions=big)
    assert insp.total_score == Decimal("69.50")
    assert CreditEvent.objects.get(source_key=f"inspection:{insp.pk}").rule.code == "XC01"


def test_middle_scores_record_no_credit_item(iworld):  # noqa: F811
    insp = record(drawn_inspection(iworld), deductions={"JB02": 3, "SB01": 3})
    assert insp.total_score == Decimal("94")
    assert not CreditEvent.objects.filter(source_key=f"inspection:{insp.pk}").exists()


@pytest.mark.parametrize("value, message", [("-1", "0 至"), ("3.5", "0 至 3"), ("abc", "须为数字"), ("NaN", "须为数字")])
def test_bad_deductions_are_refused_in_chinese(iworld, value, message):  # noqa: F811
    insp = drawn_inspection(iworld)
    jb02 = items(insp)["JB02"]
    with pytest.raises(ServiceError, match=message):
        si.inspection_record(actor=inspector_user_of(insp), inspection=insp,
                             entries={jb02.pk: {"deduction": value}}, submit=True)
    insp.refresh_from_db()
    assert insp.status == Inspection.Status.ASSIGNED and not InspectionScore.objects.filter(inspection=insp).exists()


def test_defect_needs_a_note_and_cannot_be_not_applicable(iworld):  # noqa: F811
    insp = drawn_inspection(iworld)
    it = items(insp)["BJ03"]
    user = inspector_user_of(insp)
    with pytest.raises(ServiceError, match="问题描述"):
        si.inspection_record(actor=user, inspection=insp, entries={it.pk: {"deduction": 1, "defect": True}}, submit=True)
    with pytest.raises(ServiceError, match="不适用"):
        si.inspection_record(actor=user, inspection=insp,
                             entries={it.pk: {"not_applicable": True, "defect": True, "note": "x"}}, submit=True)


def test_only_the_inspections_own_inspectors_record(iworld):  # noqa: F811
    insp = drawn_inspection(iworld)
    assigned = set(insp.inspectors.values_list("user_id", flat=True))
    other = next(u for u in iworld.inspector_users if u.pk not in assigned)
    for user in (other, iworld.w.users["district"], iworld.w.users["city"], iworld.w.users["manager_a"]):
        with pytest.raises(ServiceError, match="只有本次检查的检查人员"):
            record(insp, user)
    # An inspector taken out of the pool no longer records.
    ins = insp.inspectors.order_by("id").first()
    si.inspector_set_active(actor=iworld.w.users["district"], inspector=ins, active=False)
    with pytest.raises(ServiceError):
        record(insp, ins.user)


def test_draft_then_submit_and_no_change_after(iworld):  # noqa: F811
    insp = drawn_inspection(iworld)
    draft = record(insp, deductions={"FW02": "0.5"}, submit=False)
    assert draft.status == Inspection.Status.ASSIGNED and draft.total_score == Decimal("99.5") and not draft.published
    assert InspectionScore.objects.get(inspection=insp, item__code="FW02").deduction == Decimal("0.5")
    # Company managers do not see the inspection before it is submitted.
    from wuye.supervision.inspections.selectors import inspections_visible_to

    assert not inspections_visible_to(iworld.w.users["manager_a"]).filter(pk=insp.pk).exists()
    done = record(insp, deductions={"FW02": "1"})
    assert done.total_score == Decimal("99") and done.status == Inspection.Status.CONCLUDED
    assert inspections_visible_to(iworld.w.users["manager_a"]).filter(pk=insp.pk).exists()
    with pytest.raises(ServiceError, match="已提交"):
        record(insp)
    assert AuditLog.objects.filter(object_type="supervision.inspection", object_id=str(insp.pk), action="update").count() == 2


def test_two_inspectors_at_once_one_wins(iworld):  # noqa: F811
    insp = drawn_inspection(iworld)
    a, b = [i.user for i in insp.inspectors.order_by("id")]
    stale = Inspection.objects.get(pk=insp.pk)
    record(insp, a, deductions={"JB01": 1})
    with pytest.raises(ConflictError, match="刷新"):
        si.inspection_record(actor=b, inspection=stale, entries={}, submit=True)


def test_photos_per_item_up_to_five_and_checked(iworld):  # noqa: F811
    insp = drawn_inspection(iworld)
    record(insp, submit=False, photos={"BJ03": [png("a.png"), png("b.png")]})
    assert InspectionPhoto.objects.filter(inspection=insp, item__code="BJ03").count() == 2
    with pytest.raises(ServiceError, match="最多上传 5 张"):
        record(insp, submit=False, photos={"BJ03": [png(f"{n}.png") for n in range(4)]})
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ServiceError, match="不是有效的图片"):
        record(insp, submit=False, photos={"BJ01": [SimpleUploadedFile("x.png", b"not an image")]})
    assert InspectionPhoto.objects.filter(inspection=insp).count() == 2


def test_cancel_an_assigned_inspection(iworld):  # noqa: F811
    insp = drawn_inspection(iworld)
    with pytest.raises(ServiceError, match="取消原因"):
        si.inspection_cancel(actor=iworld.w.users["district"], inspection=insp, reason="")
    with pytest.raises(ServiceError):
        si.inspection_cancel(actor=iworld.w.users["district2"], inspection=insp, reason="x")
    si.inspection_cancel(actor=iworld.w.users["district"], inspection=insp, reason="小区拆迁")
    insp.refresh_from_db()
    assert insp.status == Inspection.Status.CANCELLED
    assert InspectionPlan.objects.get(pk=insp.plan_id).status == InspectionPlan.Status.DONE


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_total_property(iworld, data):  # noqa: F811
    """Whatever the deductions and not-applicable marks, the total is 100 − Σ deductions of the
    applicable items, never below 0, and equals the sum of the stored item scores."""
    insp = Inspection.objects.filter(status=Inspection.Status.ASSIGNED).first() or drawn_inspection(iworld, seed="h")
    by_code = items(insp)
    entries, expected = {}, Decimal("100")
    for code, it in by_code.items():
        steps = int(it.max_points * 2)
        ded = Decimal(data.draw(st.integers(0, steps), label=code)) / 2
        na = data.draw(st.booleans(), label=f"na-{code}")
        entries[it.pk] = {"deduction": ded, "not_applicable": na}
        if not na:
            expected -= ded
    res = si.inspection_record(actor=inspector_user_of(insp), inspection=Inspection.objects.get(pk=insp.pk),
                               entries=entries, submit=False)
    assert res.total_score == expected >= 0
    assert sum(InspectionScore.objects.filter(inspection=insp).values_list("score", flat=True)) == expected
