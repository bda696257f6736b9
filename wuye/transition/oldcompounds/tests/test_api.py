"""The renovation API contract (issue 17 §12): create, list, detail, accept; scope; Chinese 400s;
and the campaign task bound to ``enclosures_completed`` counting from acceptances alone."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from rest_framework.test import APIClient

from wuye.campaign import services as camp_svc
from wuye.core.models import AuditLog
from wuye.transition.oldcompounds.models import CompoundProfile, ProjectEvent, RenovationProject

pytestmark = pytest.mark.django_db


def api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def _create(user, estate, kind="enclosure", finish=None, **extra):
    finish = finish or date.today() + timedelta(days=60)
    return api(user).post("/api/v1/renovations/", {"estate": estate.pk, "kind": kind,
                                                    "planned_finish": finish.isoformat(), **extra}, format="json")


def test_district_creates_and_accepts_an_enclosure_project(oc):
    r = _create(oc.users["district"], oc.old_a)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["id"] and body["kind"] == "enclosure" and body["status"] == "planned" and body["estate"] == oc.old_a.pk
    pid = body["id"]
    assert AuditLog.objects.filter(object_type="oldcompounds.renovationproject", object_id=str(pid),
                                   action="create").exists()
    assert CompoundProfile.objects.get(estate=oc.old_a).plan_status == "renovating"
    r = api(oc.users["district"]).post(f"/api/v1/renovations/{pid}/accept/", {"accepted_on": oc.today.isoformat()},
                                       format="json")
    assert r.status_code == 200, r.content
    assert r.json()["id"] == pid and r.json()["status"] == "accepted" and r.json()["accepted_on"] == oc.today.isoformat()
    p = RenovationProject.objects.get(pk=pid)
    assert p.status == "accepted" and p.accepted_by == oc.users["district"]
    assert ProjectEvent.objects.filter(project=p, action="accept", from_status="planned", to_status="accepted").count() == 1
    assert AuditLog.objects.filter(object_type="oldcompounds.renovationproject", object_id=str(pid),
                                   action="update").exists()
    profile = CompoundProfile.objects.get(estate=oc.old_a)
    assert profile.plan_status == "done" and profile.lacks_enclosure is False


def test_street_creates_but_only_the_district_accepts(oc):
    r = _create(oc.users["street"], oc.old_a, kind="meters", meter_type="water")
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    r = api(oc.users["street"]).post(f"/api/v1/renovations/{pid}/accept/", {"accepted_on": oc.today.isoformat()},
                                     format="json")
    assert r.status_code == 403
    assert RenovationProject.objects.get(pk=pid).status == "planned"
    # another district does not see it at all
    assert api(oc.users["district2"]).post(f"/api/v1/renovations/{pid}/accept/",
                                           {"accepted_on": oc.today.isoformat()}, format="json").status_code == 404


@pytest.mark.parametrize("who", ["city", "community", "department", "manager_a", "resident", "committee", "outsider"])
def test_only_district_and_street_create(oc, who):
    r = _create(oc.users[who], oc.old_a)
    assert r.status_code == 403
    assert not RenovationProject.objects.exists()


def test_an_estate_out_of_area_is_refused(oc):
    r = _create(oc.users["district"], oc.old_b)  # 西城区's compound
    assert r.status_code == 400 and "estate" in r.json()
    assert "不在您的辖区内" in str(r.json()["estate"])
    r = _create(oc.users["street"], oc.old_b)
    assert r.status_code == 400
    assert not RenovationProject.objects.exists()


def test_bad_input_is_a_chinese_400(oc):
    for body in ({"estate": oc.old_a.pk, "kind": "roof", "planned_finish": "2027-01-01"},
                 {"estate": oc.old_a.pk, "kind": "enclosure", "planned_finish": "tomorrow"},
                 {"estate": oc.old_a.pk, "kind": "enclosure"}):
        r = api(oc.users["district"]).post("/api/v1/renovations/", body, format="json")
        assert r.status_code == 400, body
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(r.json())), r.json()
    assert not RenovationProject.objects.exists()


def test_acceptance_in_the_future_or_before_the_start_is_refused(oc):
    started = oc.today - timedelta(days=10)
    pid = _create(oc.users["district"], oc.old_a, started_on=started.isoformat()).json()["id"]
    c = api(oc.users["district"])
    for day, words in ((oc.today + timedelta(days=1), "不能晚于今天"), (started - timedelta(days=1), "不能早于项目开工")):
        r = c.post(f"/api/v1/renovations/{pid}/accept/", {"accepted_on": day.isoformat()}, format="json")
        assert r.status_code == 400
        assert words in str(r.json()), r.json()
    p = RenovationProject.objects.get(pk=pid)
    assert p.status == "in_progress" and p.accepted_on is None
    assert not ProjectEvent.objects.filter(project=p, action="accept").exists()
    r = c.post(f"/api/v1/renovations/{pid}/accept/", {"accepted_on": "2026-13-01"}, format="json")
    assert r.status_code == 400 and "YYYY-MM-DD" in str(r.json())
    # accepting twice: the second is refused, nothing changes
    assert c.post(f"/api/v1/renovations/{pid}/accept/", {"accepted_on": started.isoformat()},
                  format="json").status_code == 200
    r = c.post(f"/api/v1/renovations/{pid}/accept/", {"accepted_on": oc.today.isoformat()}, format="json")
    assert r.status_code == 400 and "已验收" in str(r.json())
    assert RenovationProject.objects.get(pk=pid).accepted_on == started


def test_list_and_detail_are_scoped(oc):
    a = _create(oc.users["district"], oc.old_a).json()["id"]
    b = _create(oc.users["district2"], oc.old_b).json()["id"]
    ids = lambda who: {p["id"] for p in api(oc.users[who]).get("/api/v1/renovations/").json()["results"]}  # noqa: E731
    assert ids("city") == {a, b}
    assert ids("district") == {a}
    assert ids("district2") == {b}
    assert ids("street") == {a}
    assert ids("community") == {a}
    assert ids("manager_a") == set() and ids("resident") == set()
    assert api(oc.users["district"]).get(f"/api/v1/renovations/{b}/").status_code == 404
    assert api(oc.users["district"]).get(f"/api/v1/renovations/{a}/").json()["id"] == a
    assert api(oc.users["city"]).get("/api/v1/renovations/?kind=enclosure").json()["count"] == 2
    assert api(oc.users["city"]).get("/api/v1/renovations/?kind=roof").status_code == 400


def _accept_api(oc, user, estate, day, kind="enclosure"):
    pid = _create(oc.users[user], estate, kind=kind).json()["id"]
    r = api(oc.users[user]).post(f"/api/v1/renovations/{pid}/accept/", {"accepted_on": day.isoformat()}, format="json")
    assert r.status_code == 200, r.content
    return pid


def test_task_progress_counts_accepted_enclosures_of_the_plans_year(oc):
    city = oc.users["city"]
    plan = camp_svc.plan_create(actor=city, year=oc.year, title=f"{oc.year}年工作方案")
    body = {"number": "1", "title": "完成老旧楼院加装封闭设施", "content": "全市完成900个",
            "lead": {"kind": "district", "id": oc.d1.pk}, "co_units": [{"kind": "district", "id": oc.d2.pk}],
            "due_date": f"{oc.year}-12-31", "rhythm": "month", "indicator": "enclosures_completed",
            "target": {"quantity": 900, "by_district": [{"district": oc.d1.pk, "quota": 500},
                                                        {"district": oc.d2.pk, "quota": 400}]}}
    r = api(city).post(f"/api/v1/plans/{plan.pk}/tasks/", body, format="json")
    assert r.status_code == 201, r.content
    tid = r.json()["id"]

    def progress():
        return api(city).get(f"/api/v1/tasks/{tid}/").json()["progress"]

    assert progress() == {"done": 0, "quantity": 900, "by_district": [
        {"district": oc.d1.pk, "done": 0, "quota": 500}, {"district": oc.d2.pk, "done": 0, "quota": 400}]}
    _accept_api(oc, "district", oc.old_a, oc.today)
    _accept_api(oc, "district2", oc.old_b, oc.today)
    _accept_api(oc, "district", oc.estate_a, oc.today)  # any estate of the district's area
    assert progress() == {"done": 3, "quantity": 900, "by_district": [
        {"district": oc.d1.pk, "done": 2, "quota": 500}, {"district": oc.d2.pk, "done": 1, "quota": 400}]}


def test_nothing_else_moves_the_count(oc):
    """A project of another kind, an unaccepted one, a cancelled one, one accepted in another year:
    none of them counts; nor does a progress report typed by a unit."""
    from wuye.transition.oldcompounds import services as svc

    city = oc.users["city"]
    plan = camp_svc.plan_create(actor=city, year=oc.year, title=f"{oc.year}年工作方案")
    body = {"number": "1", "title": "完成老旧楼院加装封闭设施", "content": "全市完成900个",
            "lead": {"kind": "district", "id": oc.d1.pk}, "co_units": [],
            "due_date": f"{oc.year}-12-31", "rhythm": "month", "indicator": "enclosures_completed",
            "target": {"quantity": 900, "by_district": [{"district": oc.d1.pk, "quota": 500},
                                                        {"district": oc.d2.pk, "quota": 400}]}}
    tid = api(city).post(f"/api/v1/plans/{plan.pk}/tasks/", body, format="json").json()["id"]
    d = oc.users["district"]
    _accept_api(oc, "district", oc.old_a, oc.today, kind="meters")
    _accept_api(oc, "district", oc.old_a, oc.today, kind="comprehensive")
    _accept_api(oc, "district", oc.old_a, oc.today, kind="other")
    _create(d, oc.old_a)  # enclosure, not accepted
    started = svc.project_create(actor=d, estate=oc.old_a, kind="enclosure", planned_finish=oc.today,
                                 started_on=oc.today)
    svc.project_finish(actor=d, project=started, finished_on=oc.today)  # finished, waiting for acceptance
    gone = svc.project_create(actor=d, estate=oc.old_a, kind="enclosure", planned_finish=oc.today)
    svc.project_cancel(actor=d, project=gone, note="居民未达成一致")
    last_year = date(oc.year - 1, 6, 1)
    old = svc.project_create(actor=d, estate=oc.old_a, kind="enclosure", planned_finish=last_year,
                             started_on=date(oc.year - 1, 3, 1))
    svc.project_accept(actor=d, project=old, accepted_on=last_year)
    # a typed report of the lead unit does not move an indicator-bound task either
    r = api(d).post(f"/api/v1/tasks/{tid}/reports/", {"period": f"{oc.year}-{oc.today.month:02d}",
                                                       "text": "已完成 300 个", "quantity_done": 300}, format="json")
    assert r.status_code == 201, r.content
    assert api(city).post(f"/api/v1/task-reports/{r.json()['id']}/accept/", {}, format="json").status_code == 200
    got = api(city).get(f"/api/v1/tasks/{tid}/").json()["progress"]
    assert got["done"] == 0 and [x["done"] for x in got["by_district"]] == [0, 0]
    # the project accepted last year counts for last year's plan
    prev = camp_svc.plan_create(actor=city, year=oc.year - 1, title=f"{oc.year - 1}年工作方案")
    body.update(due_date=f"{oc.year - 1}-12-31")
    r = api(city).post(f"/api/v1/plans/{prev.pk}/tasks/", body, format="json")
    assert r.status_code == 201, r.content
    got = api(city).get(f"/api/v1/tasks/{r.json()['id']}/").json()["progress"]
    assert got["done"] == 1 and got["by_district"][0] == {"district": oc.d1.pk, "done": 1, "quota": 500}
