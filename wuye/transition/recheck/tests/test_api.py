"""/api/v1/rechecks/ and /api/v1/clues/: scoped like the rest of the API, Chinese 400s, the receipt
as the only answer a reporter gets, the clue list refused to everyone but the police and the city."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from wuye.transition.recheck.models import ClueReport, RecheckCampaign


def api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def _create(rw, who="district", **kw):
    body = {"name": "东城区回头看", "year": rw.year, "district": rw.w.d1.pk, "categories": [rw.category.pk],
            "order_count": 1, "complaint_count": 1}
    body.update(kw)
    return api(rw.w.users[who]).post("/api/v1/rechecks/", body, format="json")


def test_create_draw_and_read(rworld):
    r = _create(rworld)
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["status"] == "draft" and r.json()["progress"]["total"] == 0
    d = api(rworld.w.users["district"]).post(f"/api/v1/rechecks/{pk}/draw/", {"seed": "api-seed"}, format="json")
    assert d.status_code == 200
    body = d.json()
    assert body["seed"] == "api-seed" and body["verified"] is True and body["status"] == "checking"
    assert len(body["sample"]["orders"]) == 1 and len(body["sample"]["complaints"]) == 1
    assert body["progress"] == {"total": 2, "done": 0, "fixed": 0, "relapsed": 0, "pending": 2}
    listed = api(rworld.w.users["street"]).get("/api/v1/rechecks/").json()
    assert [c["id"] for c in listed["results"]] == [pk]
    assert api(rworld.w.users["district2"]).get(f"/api/v1/rechecks/{pk}/").status_code == 404
    assert api(rworld.w.users["manager_a"]).get("/api/v1/rechecks/").json()["count"] == 0


def test_an_empty_year_is_a_chinese_400_and_nothing_is_saved(rworld):
    r = _create(rworld, year=2019)
    assert r.status_code == 400 and "无可复查的对象" in r.json()["detail"]
    assert not RecheckCampaign.objects.exists()


@pytest.mark.parametrize("who, status", [("street", 403), ("manager_a", 403), ("resident", 403)])
def test_who_may_not_create(rworld, who, status):
    assert _create(rworld, who=who).status_code == status


def test_another_districts_official_cannot_draw(rworld):
    pk = _create(rworld).json()["id"]
    assert api(rworld.w.users["district2"]).post(f"/api/v1/rechecks/{pk}/draw/", {}, format="json").status_code == 404
    # A city-wide 回头看 is visible to the districts but drawn by the city bureau alone.
    city_pk = _create(rworld, who="city", district=None).json()["id"]
    assert api(rworld.w.users["district"]).post(f"/api/v1/rechecks/{city_pk}/draw/", {}, format="json").status_code == 403
    assert RecheckCampaign.objects.get(pk=city_pk).status == "draft"


def test_clues_filed_and_listed(rworld):
    body = {"target": "company", "company": rworld.w.company_a.pk, "district": rworld.w.d1.pk, "content": "暴力收费"}
    r = api(rworld.w.users["resident"]).post("/api/v1/clues/", body, format="json")
    assert r.status_code == 201 and set(r.json()) == {"id", "number", "created_at"}
    bad = api(rworld.w.users["resident"]).post("/api/v1/clues/", {**body, "company": None}, format="json")
    assert bad.status_code == 400 and "请选择被举报的物业服务企业" in bad.json()["detail"]
    assert ClueReport.objects.count() == 1
    for who in ("resident", "district", "manager_a", "street"):
        assert api(rworld.w.users[who]).get("/api/v1/clues/").status_code == 403
    for who in ("police", "city"):
        rows = api(rworld.w.users[who]).get("/api/v1/clues/").json()["results"]
        assert [c["number"] for c in rows] == [r.json()["number"]]
    assert api(rworld.w.users["police2"]).get("/api/v1/clues/").json()["count"] == 0
    assert api(rworld.w.users["manager_a"]).post("/api/v1/clues/", body, format="json").status_code == 403
