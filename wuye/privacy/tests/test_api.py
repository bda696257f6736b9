"""The residents' privacy API: their own data (POST, audited) and their correction requests."""

from __future__ import annotations

import pytest

from wuye.cases.tests.conftest import file
from wuye.conftest import make_user
from wuye.core.models import AuditAction, AuditLog
from wuye.privacy.models import CorrectionRequest

pytestmark = pytest.mark.django_db

MY_DATA = "/api/v1/privacy/my-data/"
CORRECTIONS = "/api/v1/privacy/corrections/"


def test_my_data_is_the_residents_own_and_audited(cworld, login):
    resident = cworld.users["resident"]
    other = make_user("p_resident_b", "resident", owner=cworld.owner_b)
    mine = file(cworld, reporter_user=resident, source="resident")
    theirs = file(cworld, estate=cworld.estate_b, reporter_user=other, source="resident")
    client = login(resident)
    assert client.get(MY_DATA).status_code == 405
    r = client.post(MY_DATA)
    assert r.status_code == 200
    assert [c["查询码"] for c in r.json()["complaints"]] == [mine.tracking_code]
    assert theirs.tracking_code not in r.content.decode()
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, actor=resident).count() == 1


@pytest.mark.parametrize("who", ["city", "committee", "manager_a", "sysadmin"])
def test_my_data_refuses_other_roles(cworld, login, who):
    assert login(cworld.users[who]).post(MY_DATA).status_code == 403
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


def test_corrections_submit_and_list(world, login):
    resident = world.users["resident"]
    client = login(resident)
    r = client.post(CORRECTIONS, {"field": "name", "current_value": "王秀瑛", "wanted_value": "王秀英"},
                    content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "submitted"
    req = CorrectionRequest.objects.get()
    assert req.requester == resident
    bad = client.post(CORRECTIONS, {"field": "name", "current_value": "", "wanted_value": "王秀英"},
                      content_type="application/json")
    assert bad.status_code == 400 and "请填写此项" in bad.content.decode()
    assert CorrectionRequest.objects.count() == 1
    assert [x["id"] for x in client.get(CORRECTIONS).json()["results"]] == [req.pk]
    other = make_user("p_resident_b", "resident", owner=world.owner_b)
    assert login(other).get(CORRECTIONS).json()["results"] == []
    assert login(world.users["city"]).get(CORRECTIONS).json()["results"][0]["id"] == req.pk
    assert login(world.users["city"]).post(CORRECTIONS, {"field": "name", "current_value": "a", "wanted_value": "b"},
                                           content_type="application/json").status_code == 400
    assert login(world.users["sysadmin"]).get(CORRECTIONS).status_code == 403
