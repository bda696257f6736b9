"""The owners' votes API (issue 5 item 6): the exact contract (keys, decimal strings, "p/q"),
permissions (committee of the estate, its street office; reads also for the officials above),
paper ballots and the result before and after the close."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from wuye.accounts.testing import api_token_for
from wuye.core.models import AuditLog
from wuye.governance.models import Ballot, Motion, RollEntry
from wuye.governance.votes import services as svc
from wuye.governance.votes.tally import API_KEYS

from .test_vote_support import add_owners, call

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    def _api(who: str) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(world.users[who])}")
        return client

    return _api


def _body(**over):
    now = timezone.localtime()
    body = {"title": "关于解聘现物业服务企业的表决", "matter": "hire_or_fire_manager",
            "notice_date": (now - timedelta(days=16)).date().isoformat(),
            "voting_opens_at": (now - timedelta(hours=1)).isoformat(),
            "voting_closes_at": (now + timedelta(days=10)).isoformat()}
    body.update(over)
    return body


def _create(api, world, who="committee", **over):
    return api(who).post(f"/api/v1/estates/{world.estate_a.pk}/motions/", _body(**over), format="json")


def test_create_contract(world, api):
    add_owners(world, 2)
    r = _create(api, world)
    assert r.status_code == 201, r.content
    data = r.json()
    m = Motion.objects.get()
    assert data["id"] == m.pk and data["rule"] == "ordinary" and data["total_heads"] == 3
    assert data["total_area"] == "289.50" and data["matter"] == "hire_or_fire_manager"
    assert AuditLog.objects.filter(action="create", object_type="governance.motion").exists()
    r = _create(api, world, who="street", matter="change_common_use")
    assert r.status_code == 201 and r.json()["rule"] == "major"


def test_create_errors_and_permissions(world, api):
    r = _create(api, world, voting_opens_at=timezone.localtime().isoformat(),
                notice_date=timezone.localdate().isoformat())
    assert r.status_code == 400 and "至少 15 天" in r.json()["detail"]
    assert _create(api, world, matter="demolish").status_code == 400
    assert _create(api, world, who="resident").status_code == 403
    assert _create(api, world, who="district").status_code == 403
    assert _create(api, world, who="manager_b").status_code == 404
    assert _create(api, world, who="district2").status_code == 404
    assert api("committee").post(f"/api/v1/estates/{world.estate_b.pk}/motions/", _body(), format="json").status_code == 404
    assert APIClient().post(f"/api/v1/estates/{world.estate_a.pk}/motions/", _body(), format="json").status_code == 401
    assert api("committee").get(f"/api/v1/estates/{world.estate_a.pk}/motions/").status_code == 405
    assert not Motion.objects.exists()


def test_voter_roll_contract(world, api):
    add_owners(world, 2)
    m = Motion.objects.get(pk=_create(api, world).json()["id"])
    r = api("street").get(f"/api/v1/motions/{m.pk}/voter-roll/")
    assert r.status_code == 200
    data = r.json()
    assert set(data) == {"entries", "total_area", "total_heads"}
    assert data["total_area"] == "289.50" and data["total_heads"] == 3 and len(data["entries"]) == 3
    first = data["entries"][0]
    assert set(first) == {"id", "name", "kind", "area", "units"}
    assert first["name"] == "王**" and first["area"] == "89.50"
    assert first["units"] == [{"id": world.unit_a.pk, "label": "3号楼 3-1-101", "area": "89.50", "source": "registered"}]
    assert "王秀英" not in r.content.decode()
    for who, code in (("resident", 403), ("community", 403), ("manager_a", 404), ("district2", 404), ("district", 200)):
        assert api(who).get(f"/api/v1/motions/{m.pk}/voter-roll/").status_code == code, who


def test_paper_ballots_and_result(world, api):
    people = add_owners(world, 2, accounts=True)
    m = Motion.objects.get(pk=_create(api, world).json()["id"])
    entries = list(RollEntry.objects.filter(motion=m).order_by("id"))
    url = f"/api/v1/motions/{m.pk}/ballots/"
    r = api("committee").post(url, {"voter": entries[0].pk, "choice": "yes", "channel": "paper", "ballot_no": "A-001"},
                              format="json")
    assert r.status_code == 201, r.content
    assert r.json() == {"id": Ballot.objects.get().pk, "voter": entries[0].pk, "choice": "yes", "channel": "paper",
                        "ballot_no": "A-001", "changes": 0}
    dup = api("street").post(url, {"voter": entries[1].pk, "choice": "no", "channel": "paper", "ballot_no": "A-001"},
                             format="json")
    assert dup.status_code == 400 and "A-001 已录入" in dup.json()["detail"]
    changed = api("street").post(url, {"voter": entries[0].pk, "choice": "abstain", "channel": "paper",
                                       "ballot_no": "A-002"}, format="json")
    assert changed.status_code == 200 and changed.json()["changes"] == 1
    assert api("committee").post(url, {"voter": entries[1].pk, "choice": "yes", "channel": "online",
                                       "ballot_no": "x"}, format="json").status_code == 400
    assert api("committee").post(url, {"voter": 999999, "choice": "yes", "channel": "paper", "ballot_no": "x"},
                                 format="json").status_code == 400
    assert api("resident").post(url, {"voter": entries[0].pk, "choice": "yes", "channel": "paper", "ballot_no": "x"},
                                format="json").status_code == 403
    assert api("district").post(url, {"voter": entries[0].pk, "choice": "yes", "channel": "paper", "ballot_no": "x"},
                                format="json").status_code == 403
    svc.ballot_cast(actor=people[0][2], motion=m, choice="yes")
    res = api("committee").get(f"/api/v1/motions/{m.pk}/result/")
    assert res.status_code == 200
    data = res.json()
    assert list(data) == list(API_KEYS)
    assert data == {
        "final": False, "rule": "ordinary", "total_area": "289.50", "total_heads": 3,
        "participating_area": "189.50", "participating_heads": 2, "yes_area": "100.00", "yes_heads": 1,
        "participation_area_ratio": "379/579", "participation_head_ratio": "2/3",
        "approval_area_ratio": "200/379", "approval_head_ratio": "1/2", "quorum_met": False, "passed": False,
        "explanation": data["explanation"]}
    # Before the close the count gives no verdict, in whole numbers (issue 14 §8).
    assert "投票进行中" in data["explanation"] and "未通过" not in data["explanation"]
    assert "同意 1 人，占参与人数 1/2" in data["explanation"]
    assert api("resident").get(f"/api/v1/motions/{m.pk}/result/").status_code == 403
    assert api("manager_b").get(f"/api/v1/motions/{m.pk}/result/").status_code == 404


def test_result_final_after_close(world, api):
    now = timezone.now()
    m = call(world, notice=now - timedelta(days=40), opens=now - timedelta(days=20), closes=now - timedelta(days=1))
    svc.ballot_cast(actor=world.users["resident"], motion=m, choice="yes", now=now - timedelta(days=2))
    svc.motion_close(motion=m)
    data = api("street").get(f"/api/v1/motions/{m.pk}/result/").json()
    assert data["final"] is True and data["passed"] is True and data["participation_head_ratio"] == "1/1"
    r = api("committee").post(f"/api/v1/motions/{m.pk}/ballots/", {
        "voter": m.roll.first().pk, "choice": "no", "channel": "paper", "ballot_no": "Z"}, format="json")
    assert r.status_code == 400 and "已截止" in r.json()["detail"]


def test_schema_lists_the_vote_endpoints(db, tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    for path in ("/api/v1/estates/{id}/motions/", "/api/v1/motions/{id}/voter-roll/", "/api/v1/motions/{id}/ballots/",
                 "/api/v1/motions/{id}/result/"):
        assert path in text, path
