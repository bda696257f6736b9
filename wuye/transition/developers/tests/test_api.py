"""The API contract: GET/POST /api/v1/developers/ and GET /api/v1/developers/{id}/."""

import pytest
from rest_framework.test import APIClient

from wuye.core.models import AuditLog
from wuye.transition.developers.models import Developer

URL = "/api/v1/developers/"
GOOD = "91110105MA01ABCD00"  # a valid code (not yet a developer's)


def api(user=None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


@pytest.mark.parametrize("role", ["city", "district"])
def test_officials_create_and_read(world, role):
    c = api(world.users[role])
    r = c.post(URL, {"name": "新城开发有限公司", "credit_code": GOOD.lower()}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["name"] == "新城开发有限公司" and body["credit_code"] == GOOD and isinstance(body["id"], int)
    dev = Developer.objects.get(pk=body["id"])
    assert AuditLog.objects.filter(object_type="developers.developer", object_id=str(dev.pk), action="create").exists()
    r = c.get(URL)
    assert r.status_code == 200
    page = r.json()
    assert set(page) >= {"count", "next", "previous", "results"}
    assert page["count"] == 1 and {"id", "name", "credit_code"} <= set(page["results"][0])
    r = c.get(f"{URL}{dev.pk}/")
    assert r.status_code == 200 and r.json()["id"] == dev.pk and r.json()["estates"] == []


@pytest.mark.parametrize("code,message", [
    ("91110105MA01ABCD01", "校验位不正确"),
    ("123", "应为 18 位"),
    ("", "请填写统一社会信用代码"),
])
def test_bad_code_is_a_chinese_400(world, code, message):
    r = api(world.users["city"]).post(URL, {"name": "某公司", "credit_code": code}, format="json")
    assert r.status_code == 400
    assert message in " ".join(r.json()["credit_code"])
    assert not Developer.objects.exists()


def test_missing_name_and_duplicate_code(world, dev_a):
    c = api(world.users["city"])
    r = c.post(URL, {"credit_code": GOOD}, format="json")
    assert r.status_code == 400 and "请填写建设单位名称" in r.json()["name"][0]
    r = c.post(URL, {"name": "重复", "credit_code": dev_a.credit_code}, format="json")
    assert r.status_code == 400 and "已登记" in r.json()["credit_code"][0]


@pytest.mark.parametrize("role", ["street", "community", "department", "manager_a", "staff_a", "committee", "resident",
                                  "sysadmin", "outsider"])
def test_other_roles_are_refused(world, dev_a, role):
    c = api(world.users[role])
    assert c.get(URL).status_code == 403
    assert c.post(URL, {"name": "某公司", "credit_code": GOOD}, format="json").status_code == 403
    assert c.get(f"{URL}{dev_a.pk}/").status_code == 403
    assert Developer.objects.count() == 2


def test_anonymous_is_401(world):
    assert api().get(URL).status_code == 401
    assert api().post(URL, {"name": "x", "credit_code": GOOD}, format="json").status_code == 401


def test_scoped_for_a_district(world, devs, django_assert_max_num_queries):
    dev_a, dev_b = devs
    c = api(world.users["district"])
    with django_assert_max_num_queries(6):
        r = c.get(URL)
    assert [row["id"] for row in r.json()["results"]] == [dev_a.pk]
    assert c.get(f"{URL}{dev_b.pk}/").status_code == 404
    detail = c.get(f"{URL}{dev_a.pk}/").json()
    assert detail["estates"][0]["estate"] == world.estate_a.pk and detail["estates"][0]["phase"] == "一期"
    assert detail["contact_phone"] == "138****1111"
    city = api(world.users["city"])
    assert city.get(URL, {"district": world.d2.pk}).json()["count"] == 1
    assert city.get(URL, {"q": "华润"}).json()["results"][0]["id"] == dev_a.pk
    assert city.get(URL, {"district": "x"}).status_code == 400
