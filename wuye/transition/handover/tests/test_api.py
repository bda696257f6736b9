"""The handover API contract (issue 17 §4): create under an estate, read one, list in scope."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from wuye.campaign.notices.models import Notice, Receipt
from wuye.core.models import AuditLog
from wuye.transition.developers.models import DeveloperViolation
from wuye.transition.handover.models import HandoverCase, HandoverDocument

pytestmark = pytest.mark.django_db


def api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def body(dev, firm, **over):
    b = {"developer": dev.pk, "company": firm.pk, "completion_filed_on": "2026-03-01",
         "delivered_on": "2026-03-15", "handed_over_on": "2026-09-05"}
    b.update(over)
    return b


def url(estate):
    return f"/api/v1/estates/{estate.pk}/handovers/"


def test_the_company_serving_the_estate_registers_a_handover(world, developer):
    r = api(world.users["manager_a"]).post(url(world.estate_a), body(developer, world.company_a), format="json")
    assert r.status_code == 201, r.content
    d = r.json()
    assert set(d) >= {"id", "early_delivery", "filing_due", "status", "steps"}
    assert d["early_delivery"] is False
    assert d["filing_due"] == "2026-10-08"  # 30th day 10-05 in the National Day holiday → next working day
    assert d["status"] == "plan"
    assert [s["code"] for s in d["steps"]] == ["plan", "documents", "inspection", "rectification", "confirmation",
                                               "agreement", "handover"]
    assert d["steps"][0]["state"] == "current" and d["steps"][1]["state"] == "pending"
    case = HandoverCase.objects.get(pk=d["id"])
    assert (case.estate, case.company, case.developer, case.district) == (world.estate_a, world.company_a, developer, world.d1)
    assert case.handed_over_on == date(2026, 9, 5) and case.filing_due == date(2026, 10, 8)
    assert HandoverDocument.objects.filter(case=case).count() == 6  # the checklist, 其他 added as needed
    assert AuditLog.objects.filter(object_type="handover.handovercase", object_id=str(case.pk), action="create").exists()
    assert not DeveloperViolation.objects.exists()
    # GET the same shape
    g = api(world.users["manager_a"]).get(f"/api/v1/handovers/{case.pk}/")
    assert g.status_code == 200
    assert {k: g.json()[k] for k in ("id", "early_delivery", "filing_due", "status", "steps")} == \
        {k: d[k] for k in ("id", "early_delivery", "filing_due", "status", "steps")}


def test_delivery_before_the_completion_filing_is_flagged_recorded_and_referred(world, developer, depts):
    r = api(world.users["district"]).post(url(world.estate_a), body(
        developer, world.company_a, completion_filed_on="2026-03-20", delivered_on="2026-03-15"), format="json")
    assert r.status_code == 201, r.content
    assert r.json()["early_delivery"] is True
    case = HandoverCase.objects.get(pk=r.json()["id"])
    assert case.early_kind == "early_delivery"
    v = DeveloperViolation.objects.get()
    assert (v.developer, v.kind, v.estate, v.source) == (developer, "early_delivery", world.estate_a, "auto")
    assert v.source_key == f"handover:{case.pk}:early_delivery"
    # referred by the district official as a notice with one receipt per department
    assert case.referral_notice is not None and case.referred_at is not None
    notice = Notice.objects.get()
    assert (notice.source_kind, notice.source_id) == ("handover", case.pk)
    assert set(Receipt.objects.filter(notice=notice).values_list("unit_kind", "unit_id")) == \
        {("department", d.pk) for d in depts}


def test_delivery_with_no_completion_filing_is_unaccepted_delivery(world, developer, depts):
    r = api(world.users["manager_a"]).post(url(world.estate_a), body(developer, world.company_a, completion_filed_on=None),
                                           format="json")
    assert r.status_code == 201, r.content
    assert r.json()["early_delivery"] is True
    case = HandoverCase.objects.get(pk=r.json()["id"])
    assert case.early_kind == "unaccepted_delivery"
    assert DeveloperViolation.objects.get().kind == "unaccepted_delivery"
    # a company cannot send notices: the district is told and refers it itself
    assert case.referred_at is None and not Notice.objects.exists()
    from wuye.notifications.models import Notification

    assert Notification.objects.filter(user=world.users["district"], category="handover").exists()


@pytest.mark.parametrize("field", ["handed_over_on", "delivered_on", "completion_filed_on"])
def test_a_date_in_the_future_is_a_chinese_400_and_nothing_is_written(world, developer, field):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    r = api(world.users["manager_a"]).post(url(world.estate_a), body(developer, world.company_a, **{field: tomorrow}),
                                           format="json")
    assert r.status_code == 400
    assert "不能晚于今天" in r.json()["detail"]
    assert not HandoverCase.objects.exists()


@pytest.mark.parametrize("over,needle", [
    ({"developer": 999999}, "建设单位不存在"), ({"company": 999999}, "物业服务企业不存在"),
    ({"developer": "abc"}, "developer"), ({"delivered_on": "2026-02-30"}, "delivered_on"),
])
def test_bad_input_is_a_400(world, developer, over, needle):
    r = api(world.users["manager_a"]).post(url(world.estate_a), body(developer, world.company_a, **over), format="json")
    assert r.status_code == 400
    assert needle in r.content.decode()
    assert not HandoverCase.objects.exists()


def test_a_company_registers_only_for_itself(world, developer):
    r = api(world.users["manager_a"]).post(url(world.estate_a), body(developer, world.company_b), format="json")
    assert r.status_code == 400
    assert "本企业" in r.json()["detail"]


@pytest.mark.parametrize("persona,code", [
    ("manager_b", 404), ("district2", 404), ("outsider", 404), ("department", 403),
    ("resident", 403), ("committee", 403), ("street", 403), ("community", 403),
])
def test_others_are_refused_by_scope(world, developer, persona, code):
    r = api(world.users[persona]).post(url(world.estate_a), body(developer, world.company_a), format="json")
    assert r.status_code == code
    assert not HandoverCase.objects.exists()


@pytest.mark.parametrize("persona", ["city", "district", "staff_a"])
def test_officials_of_the_area_and_the_company_staff_may_register(world, developer, persona):
    r = api(world.users[persona]).post(url(world.estate_a), body(developer, world.company_a), format="json")
    assert r.status_code == 201, r.content


def test_the_same_estate_and_phase_is_registered_once(world, developer):
    c = api(world.users["manager_a"])
    assert c.post(url(world.estate_a), body(developer, world.company_a), format="json").status_code == 201
    r = c.post(url(world.estate_a), body(developer, world.company_a), format="json")
    assert r.status_code == 400 and "已有" in r.json()["detail"]
    assert c.post(url(world.estate_a), body(developer, world.company_a, phase="二期"), format="json").status_code == 201


def test_anonymous_is_401(world, developer):
    r = APIClient().post(url(world.estate_a), body(developer, world.company_a), format="json")
    assert r.status_code == 401


def _two_cases(world, developer):
    a = api(world.users["manager_a"]).post(url(world.estate_a), body(developer, world.company_a), format="json").json()
    b = api(world.users["manager_b"]).post(url(world.estate_b), body(developer, world.company_b), format="json").json()
    return a["id"], b["id"]


@pytest.mark.parametrize("persona,sees", [
    ("manager_a", {"a"}), ("manager_b", {"b"}), ("district", {"a"}), ("district2", {"b"}), ("city", {"a", "b"}),
    ("street", {"a"}), ("resident", set()), ("outsider", set()),
])
def test_the_list_and_detail_are_scoped(world, developer, persona, sees):
    a, b = _two_cases(world, developer)
    ids = {"a": a, "b": b}
    r = api(world.users[persona]).get("/api/v1/handovers/")
    assert r.status_code == 200
    assert {x["id"] for x in r.json()["results"]} == {ids[k] for k in sees}
    for k, pk in ids.items():
        assert api(world.users[persona]).get(f"/api/v1/handovers/{pk}/").status_code == (200 if k in sees else 404)


def test_the_list_filters_and_its_query_count_does_not_grow(world, developer, django_assert_max_num_queries):
    c = api(world.users["city"])
    c.post(url(world.estate_a), body(developer, world.company_a, handed_over_on="2025-01-02"), format="json")
    c.post(url(world.estate_b), body(developer, world.company_b, completion_filed_on=None,
                                     handed_over_on=timezone.localdate().isoformat()), format="json")
    r = c.get("/api/v1/handovers/?overdue=1")
    assert [x["estate"] for x in r.json()["results"]] == [world.estate_a.pk]
    assert r.json()["results"][0]["filing_overdue"] is True
    r = c.get("/api/v1/handovers/?early=1")
    assert [x["estate"] for x in r.json()["results"]] == [world.estate_b.pk]
    with django_assert_max_num_queries(8):
        r = c.get("/api/v1/handovers/")
    assert r.json()["count"] == 2
