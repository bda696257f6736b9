"""The owner's own complaints and form, and the desk's hotline entry (issue 3 item 2): happy paths,
wrong users, bad input that loses nothing, rate limits, what the database holds afterwards."""

from __future__ import annotations

from wuye.accounts.models import Role
from wuye.cases import services
from wuye.cases.models import Category, Complaint, Photo, Source
from wuye.conftest import make_user
from wuye.core.models import AuditAction, AuditLog
from wuye.registry import services as rs

from .intake_support import PHONE, clean_fixture, image_file  # noqa: F401

# ---- the owner's own complaints (issue §2) --------------------------------------------------


def test_my_complaints_lists_only_mine_with_status_badges(cworld, login, django_assert_num_queries):
    resident = cworld.users["resident"]
    mine = services.complaint_file(estate=cworld.estate_a, category=Category.objects.get(code="repairs"),
                                   description="水管漏水", reporter_user=resident, reporter_name="王秀英",
                                   reporter_phone=PHONE, source=Source.RESIDENT)
    services.complaint_file(estate=cworld.estate_a, category=Category.objects.get(code="noise"),
                            description="别人的诉求", reporter_name="李四", reporter_phone="13900000000")
    client = login(resident)
    response = client.get("/complaints/mine/")
    html = response.content.decode()
    assert response.status_code == 200 and mine.tracking_code in html and "水管漏水" in html
    assert "别人的诉求" not in html and 'data-testid="status"' in html and "待受理" in html
    assert f"/complaints/track/{mine.tracking_code}/" in html and 'data-testid="nav-my-complaints"' in html

    n = _queries_of(client)
    for i in range(5):
        services.complaint_file(estate=cworld.estate_a, category=Category.objects.get(code="repairs"),
                                description=f"第{i}件", reporter_user=resident, reporter_name="王秀英",
                                reporter_phone=PHONE, source=Source.RESIDENT)
    with django_assert_num_queries(n):
        html = client.get("/complaints/mine/").content.decode()
    assert html.count('data-testid="mine-row"') == 6


def _queries_of(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get("/complaints/mine/")
    return len(ctx.captured_queries)


def test_my_complaints_paginates(cworld, login):
    resident = cworld.users["resident"]
    for i in range(23):
        services.complaint_file(estate=cworld.estate_a, category=Category.objects.get(code="repairs"),
                                description=f"第{i:02d}件", reporter_user=resident, reporter_name="王秀英",
                                reporter_phone=PHONE, source=Source.RESIDENT)
    client = login(resident)
    first = client.get("/complaints/mine/").content.decode()
    assert first.count('data-testid="mine-row"') == 20 and "共 23 条" in first
    second = client.get("/complaints/mine/?page=2").content.decode()
    assert second.count('data-testid="mine-row"') == 3


def test_my_complaints_empty_state(cworld, login):
    html = login(cworld.users["resident"]).get("/complaints/mine/").content.decode()
    assert "您还没有提交过诉求" in html and "/complaints/mine/new/" in html


def test_my_complaints_is_for_owners_only(cworld, login, client):
    anonymous = client.get("/complaints/mine/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    for persona in ("manager_a", "district", "sysadmin"):
        assert login(cworld.users[persona]).get("/complaints/mine/").status_code == 403
    assert AuditLog.objects.filter(action=AuditAction.DENIED).count() >= 3
    assert login(cworld.users["resident"]).post("/complaints/mine/").status_code == 405


def test_an_owner_files_with_the_estate_and_contact_from_the_account(cworld, login):
    resident = cworld.users["resident"]
    client = login(resident)
    page = client.get("/complaints/mine/new/").content.decode()
    assert 'data-testid="estate-fixed"' in page and "幸福里小区" in page and "138****5678" in page
    assert 'name="code"' not in page
    cat = Category.objects.get(code="elevator")
    response = client.post("/complaints/mine/new/", {
        "estate": cworld.estate_a.pk, "category": cat.pk, "description": "电梯困人", "photos": image_file(),
    })
    c = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/complaints/track/{c.tracking_code}/"
    assert (c.reporter_user, c.created_by, c.source) == (resident, resident, Source.RESIDENT)
    assert (c.reporter_name, c.reporter_phone, c.anonymous) == ("王秀英", PHONE, False)
    assert Photo.objects.filter(complaint=c).count() == 1
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_type="cases.complaint", actor=resident).exists()
    detail = client.get(response["Location"]).content.decode()
    assert "诉求已提交，查询码" in detail and c.tracking_code in detail


def test_an_owner_of_several_homes_chooses_the_estate_and_cannot_pick_another(cworld, login):
    root = cworld.users["city"]
    resident = cworld.users["resident"]
    client = login(resident)
    cat = Category.objects.get(code="repairs")
    refused = client.post("/complaints/mine/new/", {"estate": cworld.estate_b.pk, "category": cat.pk,
                                                    "description": "不是我家的小区"})
    assert refused.status_code == 200 and "请选择您名下房屋所在的小区" in refused.content.decode()
    assert "不是我家的小区" in refused.content.decode() and not Complaint.objects.exists()
    rs.ownership_create(actor=root, unit=cworld.unit_b, owner=cworld.owner_a)
    page = client.get("/complaints/mine/new/").content.decode()
    assert "<select" in page and "翠湖花园" in page and "幸福里小区" in page
    assert client.post("/complaints/mine/new/", {"estate": cworld.estate_b.pk, "category": cat.pk,
                                                 "description": "翠湖花园的水管"}).status_code == 302
    assert Complaint.objects.get().estate == cworld.estate_b


def test_an_owner_without_a_phone_gives_one(cworld, login):
    resident = cworld.users["resident"]
    resident.phone = ""
    resident.save(update_fields=["phone"])
    client = login(resident)
    cat = Category.objects.get(code="repairs")
    bad = client.post("/complaints/mine/new/", {"estate": cworld.estate_a.pk, "category": cat.pk,
                                                "description": "水管", "phone": "123"})
    assert "手机号码格式不正确" in bad.content.decode()
    ok = client.post("/complaints/mine/new/", {"estate": cworld.estate_a.pk, "category": cat.pk,
                                               "description": "水管", "phone": "139 0000 0000"})
    assert ok.status_code == 302 and Complaint.objects.get().reporter_phone == "13900000000"


def test_an_account_without_homes_is_sent_to_the_public_form(cworld, login):
    lonely = make_user("p_lonely", Role.RESIDENT)
    html = login(lonely).get("/complaints/mine/new/").content.decode()
    assert "您的账号尚未关联房屋" in html and "/complaints/new/" in html


def test_owner_form_wrong_users(cworld, login, client):
    assert client.get("/complaints/mine/new/").status_code == 302
    assert login(cworld.users["manager_a"]).get("/complaints/mine/new/").status_code == 403
    assert login(cworld.users["resident"]).put("/complaints/mine/new/").status_code == 405


def test_owner_submissions_are_rate_limited(cworld, login, settings):
    settings.WUYE_COMPLAINT_RATE_PHONE_HOUR = 1
    client = login(cworld.users["resident"])
    cat = Category.objects.get(code="repairs")
    data = {"estate": cworld.estate_a.pk, "category": cat.pk, "description": "水管"}
    assert client.post("/complaints/mine/new/", data).status_code == 302
    response = client.post("/complaints/mine/new/", {**data, "description": "又漏了"})
    assert response.status_code == 429 and "提交诉求过于频繁" in response.content.decode()
    assert "又漏了" in response.content.decode() and Complaint.objects.count() == 1


# ---- hotline entry by the desk (issue §2) ---------------------------------------------------


def hotline_data(world, **overrides) -> dict:
    data = {
        "source": "12345", "source_ticket": "GD20260315001", "estate": str(world.estate_a.pk),
        "estate_q": world.estate_a.name, "category": str(Category.objects.get(code="parking_fees").pk),
        "description": "物业擅自上调停车费", "reporter_name": "赵先生", "reporter_phone": "010-65550001",
    }
    data.update(overrides)
    return data


def test_the_desk_enters_a_hotline_call(cworld, login):
    city = cworld.users["city"]
    client = login(city)
    page = client.get("/complaints/hotline/new/").content.decode()
    assert "12358 价格举报热线转办" in page and "来源工单号" in page and 'data-testid="nav-hotline"' in page
    response = client.post("/complaints/hotline/new/", hotline_data(cworld, source="12358"))
    assert response.status_code == 302 and response["Location"] == "/complaints/hotline/done/"
    c = Complaint.objects.get()
    assert (c.source, c.source_ticket, c.created_by, c.reporter_user) == (Source.HOTLINE_12358, "GD20260315001", city, None)
    assert (c.reporter_name, c.reporter_phone) == ("赵先生", "010-65550001")
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_type="cases.complaint", actor=city).exists()
    done = client.get("/complaints/hotline/done/").content.decode()
    assert c.tracking_code in done and "GD20260315001" in done and f"/complaints/{c.pk}/" in done


def test_hotline_needs_a_ticket_and_a_phone_and_keeps_the_input(cworld, login):
    client = login(cworld.users["district"])
    response = client.post("/complaints/hotline/new/", hotline_data(cworld, source_ticket=" ", reporter_phone="abc"))
    html = response.content.decode()
    assert response.status_code == 200 and "热线转办件须填写来源工单号" in html and "手机号码格式不正确" in html
    assert "物业擅自上调停车费" in html and 'value="赵先生"' in html and not Complaint.objects.exists()


def test_a_district_desk_enters_only_estates_in_its_district(cworld, login):
    client = login(cworld.users["district"])
    response = client.post("/complaints/hotline/new/", hotline_data(
        cworld, estate=str(cworld.estate_b.pk), estate_q=cworld.estate_b.name))
    assert response.status_code == 200 and "未找到“翠湖花园”" in response.content.decode()
    response = client.post("/complaints/hotline/new/", hotline_data(cworld, estate=str(cworld.estate_b.pk), estate_q=""))
    assert "所选小区不存在或不在可选范围内" in response.content.decode()
    assert not Complaint.objects.exists()
    assert client.post("/complaints/hotline/new/", hotline_data(cworld, reporter_phone="13700001111")).status_code == 302
    assert Complaint.objects.get().reporter_phone == "13700001111"


def test_hotline_is_for_the_desk_only(cworld, login, client):
    assert client.get("/complaints/hotline/new/").status_code == 302
    for persona in ("street", "manager_a", "resident"):
        assert login(cworld.users[persona]).get("/complaints/hotline/new/").status_code == 403
        assert login(cworld.users[persona]).get("/complaints/hotline/done/").status_code == 403
    assert login(cworld.users["city"]).delete("/complaints/hotline/new/").status_code == 405


def test_hotline_done_without_an_entry(cworld, login):
    html = login(cworld.users["city"]).get("/complaints/hotline/done/").content.decode()
    assert "没有刚录入的诉求" in html


def test_nav_links_by_role(cworld, login):
    assert 'data-testid="nav-hotline"' not in login(cworld.users["manager_a"]).get("/complaints/hotline/new/").content.decode()
    html = login(cworld.users["district"]).get("/complaints/hotline/new/").content.decode()
    assert 'data-testid="nav-hotline"' in html and 'data-testid="nav-my-complaints"' not in html

