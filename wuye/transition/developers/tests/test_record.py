"""record_violation (the one entry point for other code) and the workflow through the machine."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wuye.core.errors import ServiceError
from wuye.core.models import AuditLog
from wuye.core.workflow import MACHINES
from wuye.credit.workflow import TRANSITIONS
from wuye.transition.developers import services
from wuye.transition.developers.models import DeveloperViolation, DeveloperViolationLog
from wuye.transition.developers.workflow import MACHINE

S = DeveloperViolation.Status
K = DeveloperViolation.Kind


def test_the_machine_reuses_the_credit_table():
    assert MACHINES["developer_violation"] is MACHINE
    assert MACHINE.transitions is TRANSITIONS
    assert MACHINE.problems() == []


def test_kind_values_are_the_contract():
    assert set(K.values) == {"illegal_sale", "early_delivery", "unaccepted_delivery", "documents_withheld",
                             "garages_withheld", "warranty_refused"}


def test_automatic_violation_starts_in_notice_and_is_idempotent(dev_a, world):
    v = services.record_violation(developer=dev_a, kind=K.EARLY_DELIVERY, estate=world.estate_a,
                                  note="交付早于竣工验收备案", automatic=True, source="handover:1:early")
    assert v.status == S.NOTICE and v.notice_end > v.notice_start
    assert v.source == DeveloperViolation.Source.AUTO and v.district_id == world.d1.pk
    again = services.record_violation(developer=dev_a, kind=K.EARLY_DELIVERY, estate=world.estate_a,
                                      note="交付早于竣工验收备案", automatic=True, source="handover:1:early")
    assert again.pk == v.pk
    assert DeveloperViolation.objects.count() == 1
    assert DeveloperViolationLog.objects.filter(violation=v, action="auto").count() == 1
    assert AuditLog.objects.filter(object_type__icontains="developerviolation", object_id=str(v.pk)).count() == 1


def test_manual_violation_starts_as_draft(dev_a, world):
    v = services.record_violation(developer=dev_a, kind=K.ILLEGAL_SALE, note="未取得预售许可证销售",
                                  actor=world.users["district"])
    assert v.status == S.DRAFT and v.recorded_by == world.users["district"] and v.notice_end is None


@pytest.mark.parametrize("kind,note,message", [
    ("bribery", "x", "未知的违规类型"),
    (K.ILLEGAL_SALE, "  ", "请填写事实描述"),
])
def test_bad_input_is_refused_in_chinese(dev_a, kind, note, message):
    with pytest.raises(ServiceError) as exc:
        services.record_violation(developer=dev_a, kind=kind, note=note, automatic=True)
    assert message in str(exc.value)
    assert DeveloperViolation.objects.count() == 0


def test_full_workflow_draft_to_confirmed(dev_a, world):
    district, city = world.users["district"], world.users["city"]
    v = services.violation_record(user=district, developer=dev_a, kind=K.UNACCEPTED_DELIVERY,
                                  estate=world.estate_a, note="未经竣工验收即交付业主", evidence="交房通知书")
    with pytest.raises(ServiceError, match="录入人不能审核"):
        services.violation_act(user=district, violation=v, action="review")
    services.violation_act(user=city, violation=v, action="review")
    services.violation_act(user=district, violation=v, action="publish")
    assert v.status == S.NOTICE
    services.violation_act(user=district, violation=v, action="object", note="建设单位书面异议：已补办验收")
    assert v.status == S.OBJECTED
    services.violation_act(user=city, violation=v, action="reject", note="备案日期晚于交付日期")
    assert v.status == S.NOTICE
    # The sweep confirms only after the notice is over.
    assert services.violation_sweep(now=timezone.now())["confirmed"] == 0
    assert services.violation_sweep(now=v.notice_end + timedelta(seconds=1))["confirmed"] == 1
    v.refresh_from_db()
    assert v.status == S.CONFIRMED and v.confirmed_at is not None
    actions = list(v.logs.values_list("action", flat=True))
    assert actions == ["record", "review", "publish", "object", "reject", "confirm"]
    # A second sweep does nothing.
    assert services.violation_sweep(now=v.notice_end + timedelta(days=1))["confirmed"] == 0


def test_upheld_objection_withdraws(dev_a, world):
    city = world.users["city"]
    v = services.record_violation(developer=dev_a, kind=K.WARRANTY_REFUSED, note="拒不维修渗漏", automatic=True,
                                  source="x:1")
    with pytest.raises(ServiceError, match="异议理由"):
        services.violation_act(user=city, violation=v, action="object")
    services.violation_act(user=city, violation=v, action="object", note="已维修，附维修记录")
    services.violation_act(user=city, violation=v, action="uphold", note="核实已维修")
    assert v.status == S.WITHDRAWN and "异议成立" in v.withdrawn_reason


def test_other_district_cannot_act(dev_a, world):
    v = services.record_violation(developer=dev_a, kind=K.ILLEGAL_SALE, estate=world.estate_a, note="x",
                                  automatic=True, source="x:2")
    with pytest.raises(ServiceError, match="无权"):
        services.violation_act(user=world.users["district2"], violation=v, action="object", note="n")
    v.refresh_from_db()
    assert v.status == S.NOTICE
