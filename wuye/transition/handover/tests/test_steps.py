"""The seven steps (物业承接查验办法 建房〔2010〕165号) on the workflow core: the checklist, defects,
each step's conditions, who may act, the filing."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from wuye.core.errors import ServiceError
from wuye.core.models import AuditLog
from wuye.transition.developers.models import DeveloperViolation
from wuye.transition.handover import services as svc
from wuye.transition.handover.models import HandoverCase, HandoverDefect, HandoverDocument, HandoverEvent
from wuye.transition.handover.rules import filing_due

pytestmark = pytest.mark.django_db
S = HandoverCase.Status
D = HandoverDocument.Status


def docs(case):
    return list(HandoverDocument.objects.filter(case=case).order_by("position"))


def test_the_checklist_has_the_documents_of_the_procedure(case):
    assert [d.kind for d in docs(case)] == ["site_plan", "building", "facilities", "equipment", "permits", "warranty"]
    assert [d.name for d in docs(case)][0] == "竣工总平面图"
    assert all(d.status == D.PENDING for d in docs(case))


def test_a_missing_document_needs_a_promised_date(world, case):
    d = docs(case)[0]
    with pytest.raises(ServiceError, match="承诺补交"):
        svc.document_update(actor=world.users["manager_a"], case=case, document=d, status=D.MISSING)
    svc.document_update(actor=world.users["manager_a"], case=case, document=d, status=D.MISSING,
                        promised_on=date(2026, 12, 31), note="设计院尚未出图")
    d.refresh_from_db()
    assert (d.status, d.promised_on, d.received_on) == (D.MISSING, date(2026, 12, 31), None)
    with pytest.raises(ServiceError, match="不能晚于今天"):
        svc.document_update(actor=world.users["manager_a"], case=case, document=d, status=D.RECEIVED,
                            received_on=timezone.localdate() + timedelta(days=1))


def test_other_documents_are_added_as_needed(world, case):
    doc = svc.document_add(actor=world.users["manager_a"], case=case, name="电梯使用登记证")
    assert (doc.kind, docs(case)[-1]) == ("other", doc)
    with pytest.raises(ServiceError):
        svc.document_add(actor=world.users["manager_a"], case=case, name="  ")


def run_to(world, case, target, actor=None):
    """Walk the case through the steps to ``target`` with a missing document and a defect."""
    u = actor or world.users["manager_a"]
    order = [S.PLAN, S.DOCUMENTS, S.INSPECTION, S.RECTIFICATION, S.CONFIRMATION, S.AGREEMENT, S.HANDOVER,
             S.HANDED_OVER, S.FILED]
    today = timezone.localdate()
    while case.status != target:
        st = case.status
        if st == S.PLAN:
            svc.case_advance(actor=u, case=case, action="plan_done")
        elif st == S.DOCUMENTS:
            for i, d in enumerate(docs(case)):
                if i == 0:
                    svc.document_update(actor=u, case=case, document=d, status=D.MISSING, promised_on=today + timedelta(days=20))
                else:
                    svc.document_update(actor=u, case=case, document=d, status=D.RECEIVED, received_on=today)
            svc.case_advance(actor=u, case=case, action="documents_done")
        elif st == S.INSPECTION:
            svc.defect_add(actor=u, case=case, part="equipment", location="3号楼地下室泵房", description="二次供水水箱无检测报告",
                           responsible="建设单位", promised_on=today + timedelta(days=10))
            svc.case_advance(actor=u, case=case, action="inspection_done", on_date=today)
        elif st == S.RECTIFICATION:
            for d in HandoverDefect.objects.filter(case=case, status="open"):
                svc.defect_fix(actor=u, case=case, defect=d, note="已补检测报告")
            svc.case_advance(actor=u, case=case, action="defects_resolved")
        elif st == S.CONFIRMATION:
            svc.case_advance(actor=u, case=case, action="confirm")
        elif st == S.AGREEMENT:
            svc.case_advance(actor=u, case=case, action="sign", number="CJ-2026-01")
        elif st == S.HANDOVER:
            svc.case_advance(actor=u, case=case, action="hand_over", on_date=today)
        elif st == S.HANDED_OVER:
            svc.case_advance(actor=world.users["manager_a"], case=case, action="file", number="BA-001")
        assert order.index(case.status) > order.index(st)
    return case


def test_the_seven_steps_in_order_then_the_filing(world, case):
    run_to(world, case, S.FILED)
    case.refresh_from_db()
    today = timezone.localdate()
    assert case.status == S.FILED
    assert (case.handed_over_on, case.filing_due, case.filed_on) == (today, filing_due(today), today)
    assert (case.agreement_number, case.filing_number) == ("CJ-2026-01", "BA-001")
    actions = list(HandoverEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions == ["open", "plan_done", "documents_done", "inspection_done", "defects_resolved", "confirm", "sign",
                       "hand_over", "file"]
    assert AuditLog.objects.filter(object_type="handover.handovercase", object_id=str(case.pk), action="update").count() >= 8
    # the missing document stays on the checklist with its promised date
    assert docs(case)[0].status == D.MISSING


def test_the_documents_step_needs_every_line_recorded(world, case):
    run_to(world, case, S.DOCUMENTS)
    with pytest.raises(ServiceError, match="6 项资料未登记"):
        svc.case_advance(actor=world.users["manager_a"], case=case, action="documents_done")
    assert HandoverCase.objects.get(pk=case.pk).status == S.DOCUMENTS


def test_open_defects_block_the_confirmation(world, case):
    run_to(world, case, S.INSPECTION)
    u = world.users["manager_a"]
    svc.defect_add(actor=u, case=case, part="facility", location="北门", description="门禁不能使用", responsible="施工单位",
                   promised_on=date(2026, 12, 1))
    svc.case_advance(actor=u, case=case, action="inspection_done")
    with pytest.raises(ServiceError, match="1 个查验问题未解决"):
        svc.case_advance(actor=u, case=case, action="defects_resolved")
    d = HandoverDefect.objects.get(case=case)
    svc.defect_fix(actor=u, case=case, defect=d, note="已更换门禁控制器")
    d.refresh_from_db()
    assert (d.status, d.fix_note) == ("fixed", "已更换门禁控制器")
    svc.case_advance(actor=u, case=case, action="defects_resolved")
    assert case.status == S.CONFIRMATION


def test_a_defect_needs_location_responsible_party_and_promised_date(world, case):
    run_to(world, case, S.INSPECTION)
    u = world.users["manager_a"]
    for kw, msg in [({"location": ""}, "位置"), ({"responsible": ""}, "责任单位"), ({"promised_on": None}, "承诺解决日期")]:
        args = dict(part="structure", location="1号楼屋面", description="防水层起鼓", responsible="建设单位",
                    promised_on=date(2026, 12, 1))
        args.update(kw)
        with pytest.raises(ServiceError, match=msg):
            svc.defect_add(actor=u, case=case, **args)
    assert not HandoverDefect.objects.exists()


def test_the_district_official_may_take_the_steps_but_only_the_company_files(world, case):
    run_to(world, case, S.HANDED_OVER, actor=world.users["district"])
    with pytest.raises(ServiceError, match="无权"):
        svc.case_advance(actor=world.users["district"], case=case, action="file")
    with pytest.raises(ServiceError, match="无权"):
        svc.case_advance(actor=world.users["manager_b"], case=case, action="file")


@pytest.mark.parametrize("persona", ["manager_b", "district2", "street", "community", "resident"])
def test_others_may_not_act(world, case, persona):
    with pytest.raises(ServiceError, match="无权"):
        svc.case_advance(actor=world.users[persona], case=case, action="plan_done")
    with pytest.raises(PermissionDenied):
        svc.document_add(actor=world.users[persona], case=case, name="x")
    assert HandoverCase.objects.get(pk=case.pk).status == S.PLAN


def test_a_handover_in_the_future_is_refused(world, case):
    run_to(world, case, S.HANDOVER)
    with pytest.raises(ServiceError, match="物业交接日期不能晚于今天"):
        svc.case_advance(actor=world.users["manager_a"], case=case, action="hand_over",
                         on_date=timezone.localdate() + timedelta(days=1))
    case.refresh_from_db()
    assert (case.status, case.handed_over_on, case.filing_due) == (S.HANDOVER, None, None)


def test_a_late_filing_is_noted(world, case):
    run_to(world, case, S.HANDOVER)
    u = world.users["manager_a"]
    svc.case_advance(actor=u, case=case, action="hand_over", on_date=date(2025, 1, 2))
    assert case.filing_due == filing_due(date(2025, 1, 2))
    svc.case_advance(actor=u, case=case, action="file")
    ev = HandoverEvent.objects.get(case=case, action="file")
    assert "逾期备案" in ev.note


def test_refusals_to_hand_over_are_recorded_on_the_developers_record_once(world, case, developer):
    u = world.users["manager_a"]
    svc.withholding_record(actor=u, case=case, kind="garages_withheld", note="建设单位拒不移交地下车库 120 个")
    svc.withholding_record(actor=u, case=case, kind="garages_withheld", note="再次登记")
    svc.withholding_record(actor=u, case=case, kind="documents_withheld", note="拒不移交竣工图")
    assert sorted(DeveloperViolation.objects.filter(developer=developer).values_list("kind", flat=True)) == \
        ["documents_withheld", "garages_withheld"]
    with pytest.raises(ServiceError):
        svc.withholding_record(actor=u, case=case, kind="illegal_sale", note="x")
