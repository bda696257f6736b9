"""Staffing (配齐配强工作人员, issue 16 item 2): each district, street and community records its
named officials; the city sees which streets have nobody."""

from __future__ import annotations

import pytest
from django.test import Client

from wuye.campaign import services as svc
from wuye.campaign.models import StaffingPost
from wuye.campaign.selectors import staffing_coverage, staffing_visible_to
from wuye.cases.units import get_unit
from wuye.core.errors import ServiceError
from wuye.core.models import AuditLog
from wuye.territory.models import Street

pytestmark = pytest.mark.django_db


def as_(user) -> Client:
    """A client of its own for each persona (the ``login`` fixture shares one)."""
    c = Client()
    c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return c


def test_units_record_their_own_staff(camp):
    s1 = get_unit("street", camp.s1.pk)
    post = svc.staffing_post_add(actor=camp.users["street"], unit=s1, name="李明", position="副主任", duty="分管物业管理")
    assert post.district_id == camp.d1.pk and post.street_id == camp.s1.pk
    assert AuditLog.objects.filter(object_type="campaign.staffingpost", object_id=str(post.pk)).exists()
    with pytest.raises(ServiceError, match="本单位"):
        svc.staffing_post_add(actor=camp.users["street"], unit=get_unit("street", camp.s2.pk), name="x", position="y", duty="z")
    with pytest.raises(ServiceError, match="区县、街道和社区"):
        svc.staffing_post_add(actor=camp.users["city"], unit=get_unit("department", camp.city_dept.pk), name="x",
                              position="y", duty="z")
    svc.staffing_post_add(actor=camp.users["community"], unit=get_unit("community", camp.c1.pk), name="王芳",
                          position="主任", duty="物业纠纷调解")
    assert staffing_visible_to(camp.users["district"]).count() == 2
    assert staffing_visible_to(camp.users["street"]).count() == 2
    assert staffing_visible_to(camp.users["community"]).count() == 1
    assert staffing_visible_to(camp.users["district2"]).count() == 0
    assert staffing_visible_to(camp.users["manager_a"]).count() == 0


def test_coverage_lists_streets_with_nobody_first(camp):
    extra = Street.objects.create(district=camp.d1, name="景山街道", code="110101002000")
    svc.staffing_post_add(actor=camp.users["street"], unit=get_unit("street", camp.s1.pk), name="李明", position="副主任",
                          duty="分管物业管理")
    rows = staffing_coverage(camp.users["city"])
    assert [r["street"].pk for r in rows if not r["staff"]] == [extra.pk, camp.s2.pk]
    assert rows[-1]["street"].pk == camp.s1.pk and rows[-1]["staff"] == 1
    assert [r["street"].pk for r in staffing_coverage(camp.users["district"])] == [extra.pk, camp.s1.pk]
    page = as_(camp.users["city"]).get("/campaign/staffing/coverage/")
    assert page.status_code == 200 and "景山街道" in page.content.decode()
    assert as_(camp.users["street"]).get("/campaign/staffing/coverage/").status_code == 403


def test_staffing_page_add_and_remove(camp):
    client = as_(camp.users["street"])
    r = client.post("/campaign/staffing/", {"name": "李明", "position": "副主任", "duty": "分管物业管理", "phone": ""})
    assert r.status_code == 302
    post = StaffingPost.objects.get()
    assert "李明" in client.get("/campaign/staffing/").content.decode()
    r = client.post("/campaign/staffing/", {"name": "", "position": "副主任", "duty": ""})
    assert r.status_code == 400 and "副主任" in r.content.decode()  # what was typed is kept
    assert as_(camp.users["street"]).post(f"/campaign/staffing/{post.pk}/remove/").status_code == 302
    assert not StaffingPost.objects.get(pk=post.pk).active
