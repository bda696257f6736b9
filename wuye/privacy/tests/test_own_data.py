"""A resident's copy of their own data (个人信息保护法第四十五条; issue 18 §12): the page writes
nothing, the download (a POST) gives their complaints, ballots and shares — theirs only — as JSON or
an Excel workbook, and writes one audit row; every other role is refused."""

from __future__ import annotations

import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from wuye.cases.tests.conftest import file
from wuye.conftest import make_user
from wuye.core.models import AuditAction, AuditLog
from wuye.governance.votes import services as votes
from wuye.governance.votes.tests.test_vote_support import DURING, call

pytestmark = pytest.mark.django_db

MINE = "/privacy/mine/"
DOWNLOAD = "/privacy/mine/download/"


@pytest.fixture
def two(cworld):
    """The persona resident (王秀英, estate A) with a complaint and a ballot; a second resident (赵强,
    estate B) with a complaint of their own."""
    u = cworld.users
    other = make_user("p_resident_b", "resident", owner=cworld.owner_b)
    mine = file(cworld, reporter_user=u["resident"], source="resident", description="楼道灯坏了，晚上很黑。")
    theirs = file(cworld, estate=cworld.estate_b, reporter_user=other, source="resident", reporter_name="赵强",
                  reporter_phone="13987654321", description="电梯经常停运。")
    motion = call(cworld)
    votes.ballot_cast(actor=u["resident"], motion=motion, choice="yes", now=DURING)
    return {"resident": u["resident"], "other": other, "mine": mine, "theirs": theirs, "motion": motion}


def test_the_page_shows_counts_and_writes_nothing(two, login):
    client = login(two["resident"])
    rows = AuditLog.objects.count()
    r = client.get(MINE)
    assert r.status_code == 200
    page = r.content.decode()
    assert "我的个人信息" in page and 'data-testid="download-form"' in page
    assert 'data-testid="count-complaints">1 ' in page and 'data-testid="count-ballots">1 ' in page
    assert AuditLog.objects.count() == rows


def test_json_download_holds_only_own_data_and_is_audited(two, login):
    client = login(two["resident"])
    r = client.post(DOWNLOAD, {"format": "json"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/json")
    assert "attachment" in r["Content-Disposition"]
    data = json.loads(r.content.decode("utf-8"))
    assert [c["查询码"] for c in data["complaints"]] == [two["mine"].tracking_code]
    assert data["complaints"][0]["联系电话"] == "13812345678"  # their own, unmasked
    assert [b["表决事项"] for b in data["ballots"]] == [two["motion"].title]
    assert data["ballots"][0]["表决意见"] == "同意"
    assert data["utility_shares"] == [] and data["income_shares"] == []
    assert two["theirs"].tracking_code not in r.content.decode()
    row = AuditLog.objects.get(action=AuditAction.EXPORT, actor=two["resident"])
    assert row.object_type == "accounts.user" and row.object_id == str(two["resident"].pk)
    assert row.changes == {"format": "json", "complaints": 1, "ballots": 1, "utility_shares": 0, "income_shares": 0}


def test_excel_download_holds_only_own_data_and_is_audited(two, login):
    other = login(two["other"])
    r = other.post(DOWNLOAD, {"format": "xlsx"})
    assert r.status_code == 200 and "spreadsheetml" in r["Content-Type"]
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert two["theirs"].tracking_code in text and two["mine"].tracking_code not in text
    assert "同意" not in text  # the other resident cast no ballot
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, actor=two["other"]).count() == 1
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT, actor=two["resident"]).exists()


def test_each_download_is_one_audit_row(two, login):
    client = login(two["resident"])
    client.post(DOWNLOAD, {"format": "json"})
    client.post(DOWNLOAD, {"format": "xlsx"})
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, actor=two["resident"]).count() == 2


def test_wrong_method_and_bad_format(two, login):
    client = login(two["resident"])
    assert client.get(DOWNLOAD).status_code == 405
    r = client.post(DOWNLOAD, {"format": "pdf"})
    assert r.status_code == 302 and r["Location"] == MINE
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize("who", ["city", "district", "committee", "manager_a", "sysadmin", "auditor", "outsider"])
def test_other_roles_are_refused(two, cworld, login, who):
    client = login(cworld.users[who])
    assert client.get(MINE).status_code == 403
    assert client.post(DOWNLOAD, {"format": "json"}).status_code == 403
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()
    assert AuditLog.objects.filter(action=AuditAction.DENIED, actor=cworld.users[who]).exists()


def test_anonymous_is_sent_to_login(client):
    assert client.get(MINE).status_code == 302
    assert client.post(DOWNLOAD, {"format": "json"}).status_code == 302


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_reads_a_fixed_number_of_queries(two, cworld, login):
    client = login(two["resident"])
    client.get(MINE)
    before = _queries(client, MINE)
    for i in range(3):
        file(cworld, reporter_user=two["resident"], source="resident", description=f"第 {i} 件")
    assert _queries(client, MINE) == before


def test_the_page_reads_in_english(two, login):
    client = login(two["resident"])
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    page = client.get(MINE).content.decode()
    assert "My personal data" in page and "Download Excel" in page and "我的个人信息" not in page
