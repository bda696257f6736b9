"""The handover pages: the district's and the company's lists (filters, search, scope, query
count), opening a case (bad input keeps what was typed), the detail and its actions per role."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from wuye.transition.handover import services as svc
from wuye.transition.handover.models import DefectPhoto, HandoverCase, HandoverDefect

pytestmark = pytest.mark.django_db
LIST = "/handovers/"


def open_case(world, developer, estate, company, manager, **kw):
    args = dict(completion_filed_on=date(2025, 3, 1), delivered_on=date(2025, 4, 1), handed_over_on=None)
    args.update(kw)
    return svc.case_open(actor=world.users[manager], estate=estate, developer=developer, company=company, **args)


@pytest.fixture
def two(world, developer):
    a = open_case(world, developer, world.estate_a, world.company_a, "manager_a", handed_over_on=date(2025, 1, 2))
    b = open_case(world, developer, world.estate_b, world.company_b, "manager_b", completion_filed_on=None)
    return a, b


def ids(resp):
    return {int(x) for x in __import__("re").findall(r'data-testid="row" data-id="(\d+)"', resp.content.decode())}


@pytest.mark.parametrize("persona,sees", [
    ("manager_a", "a"), ("staff_a", "a"), ("manager_b", "b"), ("district", "a"), ("district2", "b"), ("city", "ab"),
    ("street", "a"), ("community", "a"),
])
def test_each_role_sees_its_own_cases(world, two, login, persona, sees):
    r = login(world.users[persona]).get(LIST)
    assert r.status_code == 200
    want = {c.pk for k, c in zip("ab", two, strict=True) if k in sees}
    assert ids(r) == want


@pytest.mark.parametrize("persona", ["resident", "committee", "outsider", "sysadmin", "department"])
def test_other_roles_are_refused_the_list(world, login, persona):
    assert login(world.users[persona]).get(LIST).status_code == 403


def test_the_district_filters_by_overdue_filing_early_delivery_step_and_search(world, two, login):
    a, b = two
    c = login(world.users["city"])
    assert ids(c.get(LIST + "?overdue=1")) == {a.pk}
    assert ids(c.get(LIST + "?early=1")) == {b.pk}
    assert ids(c.get(LIST + "?early=0")) == {a.pk}
    assert ids(c.get(LIST + "?step=plan")) == {a.pk, b.pk}
    assert ids(c.get(LIST + "?step=filed")) == set()
    assert ids(c.get(LIST + "?q=翠湖")) == {b.pk}
    r = c.get(LIST + "?q=没有这个小区")
    assert 'data-testid="empty"' in r.content.decode()
    page = c.get(LIST).content.decode()
    assert 'data-testid="overdue"' in page and 'data-testid="early"' in page


def test_the_list_query_count_does_not_grow(world, developer, login, django_assert_max_num_queries):
    c = login(world.users["city"])
    open_case(world, developer, world.estate_a, world.company_a, "manager_a")
    with django_assert_max_num_queries(20) as few:
        c.get(LIST)
    for i in range(5):
        open_case(world, developer, world.estate_a, world.company_a, "manager_a", phase=f"{i + 2}期")
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = c.get(LIST)
    assert len(ids(r)) == 6


def test_opening_a_case_on_the_page(world, developer, login):
    c = login(world.users["manager_a"])
    assert c.get(reverse("handover:open")).status_code == 200
    r = c.post(reverse("handover:open"), {"estate": world.estate_a.pk, "phase": "二期", "developer": developer.pk,
                                          "company": world.company_a.pk, "completion_filed_on": "2025-05-01",
                                          "delivered_on": "2025-04-01", "plan_note": "查验方案"})
    case = HandoverCase.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("handover:detail", args=[case.pk])
    assert case.early_kind == "early_delivery" and case.phase == "二期"


def test_a_delivery_in_the_future_keeps_what_was_typed(world, developer, login):
    c = login(world.users["manager_a"])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    r = c.post(reverse("handover:open"), {"estate": world.estate_a.pk, "phase": "三期", "developer": developer.pk,
                                          "company": world.company_a.pk, "delivered_on": tomorrow})
    assert r.status_code == 200
    page = r.content.decode()
    assert "交付业主日期不能晚于今天" in page and 'value="三期"' in page
    assert not HandoverCase.objects.exists()


def test_a_company_may_not_open_a_case_for_another_companys_estate(world, developer, login):
    r = login(world.users["manager_a"]).post(reverse("handover:open"), {
        "estate": world.estate_b.pk, "developer": developer.pk, "company": world.company_a.pk})
    assert r.status_code == 200  # not a choice: the form refuses it
    assert not HandoverCase.objects.exists()


def test_the_detail_per_role(world, two, login):
    a, _b = two
    url = reverse("handover:detail", args=[a.pk])
    page = login(world.users["manager_a"]).get(url).content.decode()
    assert 'data-testid="checklist"' in page and "竣工总平面图" in page and 'data-testid="step-plan_done"' in page
    page = login(world.users["street"]).get(url).content.decode()
    assert 'data-testid="checklist"' in page and 'data-testid="step-plan_done"' not in page
    for persona in ("manager_b", "district2", "resident", "outsider"):
        assert login(world.users[persona]).get(url).status_code == 404


def test_step_actions_per_role(world, two, login):
    a, _b = two
    url = reverse("handover:advance", args=[a.pk, "plan_done"])
    assert login(world.users["street"]).post(url, {"note": "x"}).status_code == 403
    assert login(world.users["manager_b"]).post(url, {"note": "x"}).status_code == 404
    assert login(world.users["manager_a"]).get(url).status_code == 405
    assert HandoverCase.objects.get(pk=a.pk).status == "plan"
    r = login(world.users["manager_a"]).post(url, {"note": "查验方案：共用部位、设施设备"})
    assert r.status_code == 302
    assert HandoverCase.objects.get(pk=a.pk).status == "documents"
    # a step that is not the current one: a message, nothing changes
    login(world.users["manager_a"]).post(reverse("handover:advance", args=[a.pk, "confirm"]))
    assert HandoverCase.objects.get(pk=a.pk).status == "documents"


def _jpeg() -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 60)).save(buf, "JPEG")
    buf.seek(0)
    buf.name = "defect.jpg"
    return buf


def test_a_defect_with_a_photo_and_who_sees_the_photo(world, two, login):
    a, _b = two
    HandoverCase.objects.filter(pk=a.pk).update(status="inspection")
    c = login(world.users["manager_a"])
    r = c.post(reverse("handover:defect_add", args=[a.pk]), {
        "part": "equipment", "location": "2号楼电梯机房", "description": "电梯无年检合格证", "responsible": "建设单位",
        "promised_on": "2026-12-31", "photos": [_jpeg()]})
    assert r.status_code == 302
    d = HandoverDefect.objects.get()
    photo = DefectPhoto.objects.get(defect=d)
    assert photo.file.name.endswith(".jpg") and "defect" not in photo.file.name  # cleaned, generated name
    assert c.get(reverse("handover:photo", args=[photo.pk])).status_code == 200
    assert login(world.users["manager_b"]).get(reverse("handover:photo", args=[photo.pk])).status_code == 404


def test_the_district_refers_an_early_delivery(world, two, depts, login):
    _a, b = two
    HandoverCase.objects.filter(pk=b.pk).update(district=world.d1, street=world.s1)  # move into district 1 for the test
    r = login(world.users["district"]).post(reverse("handover:refer", args=[b.pk]))
    assert r.status_code == 302
    b.refresh_from_db()
    assert b.referral_notice is not None
    assert login(world.users["manager_b"]).post(reverse("handover:refer", args=[b.pk])).status_code == 403
