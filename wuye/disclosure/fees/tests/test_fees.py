"""Fee notices (明码标价, rules.md §4): the service, the pages and the public panel."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction, AuditLog
from wuye.core.money import money
from wuye.disclosure.fees.services import fee_notice_publish
from wuye.disclosure.models import FeeItem, FeeNotice
from wuye.notifications.models import Notification
from wuye.registry import services as rs
from wuye.supervision.models import StarRating

ITEMS = [{"name": "物业服务费", "rate": Decimal("2.50"), "unit": "元/m²·月"},
         {"name": "地下车位管理费", "rate": Decimal("80.00"), "unit": "元/个·月", "note": "已售车位"}]


def publish(world, user="manager_a", estate=None, **kw):
    data = {"service_content": "公共区域清洁、秩序维护、绿化养护、共用设施设备运行维护",
            "service_standard": "三星级", "billing_start": date(2023, 1, 1), "items": ITEMS,
            "legal_basis": "物业服务合同（备案号 WY-0001）"}
    data.update(kw)
    return fee_notice_publish(actor=world.users[user], estate=estate or world.estate_a, **data)


# ---- the service ----------------------------------------------------------------------------


def test_publish_writes_every_field_with_12358_and_the_company_name(world):
    n = publish(world, price_regime="government_guided", base_price=Decimal("2.40"), band_percent=Decimal("10"))
    n.refresh_from_db()
    assert n.company_id == world.company_a.pk and n.is_current and n.hotline == "12358"
    assert n.payer.startswith("业主") and n.billing_method == "按建筑面积按月计收"
    assert (n.base_price, n.band_percent, n.price_regime) == (Decimal("2.40"), Decimal("10.00"), "government_guided")
    assert [(i.name, i.rate, i.unit) for i in n.items.all()] == [
        ("物业服务费", Decimal("2.50"), "元/m²·月"), ("地下车位管理费", Decimal("80.00"), "元/个·月")]
    audit = AuditLog.objects.filter(object_type="disclosure.feenotice", object_id=str(n.pk), action=AuditAction.CREATE).get()
    assert audit.actor == world.users["manager_a"] and "物业服务费 2.50 元/m²·月" in audit.changes["items"][1]
    # the committee of the estate is told
    assert Notification.objects.filter(user=world.users["committee"], url=f"/disclosure/fees/{n.pk}/").exists()


def test_the_hotline_cannot_be_removed(world):
    with pytest.raises(TypeError):
        publish(world, hotline="")
    n = publish(world)
    assert n.hotline == "12358"


def test_a_new_notice_supersedes_the_old_and_keeps_history(world):
    first = publish(world)
    second = publish(world, items=[{"name": "物业服务费", "rate": "2.80"}])
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert FeeNotice.objects.filter(estate=world.estate_a).count() == 2
    assert FeeNotice.objects.filter(estate=world.estate_a, is_current=True).get() == second
    assert FeeItem.objects.filter(notice=first).count() == 2  # history kept with its items
    assert AuditLog.objects.filter(object_type="disclosure.feenotice", object_id=str(first.pk),
                                   action=AuditAction.UPDATE, changes__is_current=[True, False]).exists()


@pytest.mark.parametrize("user", ["manager_b", "staff_a", "district", "committee", "resident"])
def test_only_the_estates_company_manager_publishes(world, user):
    with pytest.raises(ServiceError):
        publish(world, user=user)
    assert not FeeNotice.objects.exists()


@pytest.mark.parametrize(("kw", "field"), [
    ({"items": []}, "items"),
    ({"items": [{"name": "物业服务费", "rate": None}]}, "items"),
    ({"items": [{"name": "", "rate": "2"}]}, "items"),
    ({"items": [{"name": "物业服务费", "rate": "2"}, {"name": "物业服务费", "rate": "3"}]}, "items"),
    ({"service_content": " "}, "service_content"),
    ({"legal_basis": ""}, "legal_basis"),
    ({"service_standard": ""}, "service_standard"),
    ({"price_regime": "government_guided"}, "base_price"),
    ({"price_regime": "government_guided", "base_price": "2.00", "band_percent": "10"}, "items"),  # 2.50 > 2.20
])
def test_bad_input_is_refused_with_a_clear_message(world, kw, field):
    with pytest.raises(ServiceError) as exc:
        publish(world, **kw)
    assert field in exc.value.message_dict
    assert not FeeNotice.objects.exists()


def test_market_price_clears_base_and_band(world):
    n = publish(world, price_regime="market", base_price="2.00", band_percent="5")
    assert n.base_price is None and n.band_percent is None


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(base=st.integers(min_value=50, max_value=800), band=st.integers(min_value=0, max_value=30),
       rate=st.integers(min_value=0, max_value=1200))
@example(base=65, band=10, rate=58)  # low bound 0.585 → 0.59 half up (0.58 is below the band)
@example(base=65, band=10, rate=59)
def test_government_guided_rates_must_lie_within_the_band(world, base, band, rate):
    base_d, band_d, rate_d = Decimal(base) / 100, Decimal(band), Decimal(rate) / 100
    low = money(base_d * (100 - band_d) / 100)  # the band's bounds round half up (四舍五入), as the service does
    high = money(base_d * (100 + band_d) / 100)
    kw = {"price_regime": "government_guided", "base_price": base_d, "band_percent": band_d,
          "items": [{"name": "物业服务费", "rate": rate_d}]}
    if low <= rate_d <= high:
        assert publish(world, **kw).is_current
    else:
        with pytest.raises(ServiceError):
            publish(world, **kw)


# ---- the officials' list --------------------------------------------------------------------


def test_fee_list_flags_estates_without_a_notice_in_scope(world, login):
    publish(world, user="manager_b", estate=world.estate_b)
    r = login(world.users["city"]).get(reverse("disclosure:fee_list"))
    html = r.content.decode()
    assert r.status_code == 200 and "幸福里小区" in html and "翠湖花园" in html
    assert [d["missing"] for d in r.context["by_district"]] == [1, 0]  # 东城区, 西城区
    r = login(world.users["city"]).get(reverse("disclosure:fee_list"), {"missing": "1"})
    assert [e.name for e in r.context["rows"]] == ["幸福里小区"]
    r = login(world.users["city"]).get(reverse("disclosure:fee_list"), {"missing": "0"})
    assert [e.name for e in r.context["rows"]] == ["翠湖花园"]
    r = login(world.users["district"]).get(reverse("disclosure:fee_list"))
    assert [e.name for e in r.context["rows"]] == ["幸福里小区"] and "翠湖花园" not in r.content.decode()
    assert "未公示收费标准" in r.content.decode()


def test_fee_list_district_filter_and_company_view(world, login):
    r = login(world.users["city"]).get(reverse("disclosure:fee_list"), {"district": world.d2.pk})
    assert [e.name for e in r.context["rows"]] == ["翠湖花园"]
    r = login(world.users["manager_a"]).get(reverse("disclosure:fee_list"))
    assert [e.name for e in r.context["rows"]] == ["幸福里小区"] and r.context["can_publish"]


@pytest.mark.parametrize("user", ["committee", "resident", "sysadmin", "outsider"])
def test_fee_list_refuses_other_roles(world, login, user):
    r = login(world.users[user]).get(reverse("disclosure:fee_list"))
    assert r.status_code == 403
    assert AuditLog.objects.filter(action=AuditAction.DENIED, actor=world.users[user]).exists()


def test_fee_list_wrong_method_and_anonymous(world, client):
    assert client.get(reverse("disclosure:fee_list")).status_code == 302
    client.force_login(world.users["city"])
    assert client.post(reverse("disclosure:fee_list")).status_code == 405


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200
    return len(ctx.captured_queries)


def test_fee_list_queries_do_not_grow_with_estates(world, login, django_assert_num_queries):
    client = login(world.users["city"])
    url = reverse("disclosure:fee_list")
    publish(world)
    n = _count(client, url)
    root = world.users["city"]
    for i in range(12):
        e = rs.estate_create(actor=root, name=f"测试小区{i}", address="某路", community=world.c2 if i % 2 else world.c1)
        if i % 3 == 0:
            rs.estate_set_contract(actor=root, estate=e, company=world.company_a, start_date=date(2024, 1, 1),
                                   end_date=date(2026, 12, 31), fee_rate=Decimal("2.00"), contracted_grade="2")
            e.refresh_from_db()
            publish(world, estate=e)
    with django_assert_num_queries(n):
        client.get(url)


# ---- publish form ---------------------------------------------------------------------------


def test_fee_new_picker_and_prefill(world, login):

    StarRating.objects.create(estate=world.estate_a, company=world.company_a, district=world.d1, level=4, valid_from=date(2025, 1, 1),
                              valid_until=date(2027, 12, 31))
    client = login(world.users["manager_a"])
    r = client.get(reverse("disclosure:fee_new"))
    assert r.status_code == 200 and "幸福里小区" in r.content.decode() and "翠湖花园" not in r.content.decode()
    r = client.get(reverse("disclosure:fee_new"), {"estate": world.estate_a.pk})
    assert r.status_code == 200
    standard = r.context["form"].initial["service_standard"]
    assert "三星级" in standard and "四星级" in standard
    assert r.context["formset"].initial[0]["rate"] == Decimal("2.50")
    assert "12358" in r.content.decode()


def _post_data(estate, **over):
    data = {"estate": estate.pk, "payer": "业主", "service_standard": "三星级", "billing_method": "按建筑面积按月计收",
            "billing_start": "2023-01-01", "price_regime": "market", "service_content": "保洁、秩序维护",
            "legal_basis": "物业服务合同", "items-TOTAL_FORMS": "2", "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "30", "items-0-name": "物业服务费",
            "items-0-rate": "2.50", "items-0-unit": "元/m²·月", "items-1-name": "", "items-1-rate": ""}
    data.update(over)
    return data


def test_fee_new_post_publishes_and_redirects(world, login):
    client = login(world.users["manager_a"])
    r = client.post(reverse("disclosure:fee_new"), _post_data(world.estate_a))
    n = FeeNotice.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("disclosure:fee_detail", args=[n.pk])
    assert n.created_by == world.users["manager_a"] and n.items.count() == 1 and n.hotline == "12358"
    assert AuditLog.objects.filter(object_type="disclosure.feenotice", action=AuditAction.CREATE).count() == 1


def test_fee_new_bad_input_keeps_what_was_typed(world, login):
    client = login(world.users["manager_a"])
    r = client.post(reverse("disclosure:fee_new"), _post_data(world.estate_a, **{"items-0-name": "", "items-0-rate": "",
                                                                                  "service_content": "保洁很好"}))
    assert r.status_code == 200 and not FeeNotice.objects.exists()
    html = r.content.decode()
    assert "请至少填写一项收费项目" in html and "保洁很好" in html


@pytest.mark.parametrize(("user", "status"), [("manager_b", 404), ("staff_a", 403), ("district", 403),
                                              ("resident", 403)])
def test_fee_new_wrong_user(world, login, user, status):
    r = login(world.users[user]).post(reverse("disclosure:fee_new"), _post_data(world.estate_a))
    assert r.status_code == status and not FeeNotice.objects.exists()


def test_fee_new_wrong_method(world, login):
    assert login(world.users["manager_a"]).put(reverse("disclosure:fee_new")).status_code == 405


# ---- detail and public ----------------------------------------------------------------------


@pytest.mark.parametrize(("user", "status"), [("district", 200), ("committee", 200), ("resident", 200),
                                              ("manager_a", 200), ("district2", 404), ("manager_b", 404),
                                              ("sysadmin", 404)])
def test_fee_detail_scope(world, login, user, status):
    n = publish(world)
    r = login(world.users[user]).get(reverse("disclosure:fee_detail", args=[n.pk]))
    assert r.status_code == status
    if status == 200:
        assert "12358" in r.content.decode() and "安居物业服务有限公司" in r.content.decode()


def test_fee_detail_shows_superseded_and_history(world, login):
    old = publish(world)
    publish(world)
    r = login(world.users["district"]).get(reverse("disclosure:fee_detail", args=[old.pk]))
    assert r.status_code == 200 and 'data-testid="superseded"' in r.content.decode()
    assert len(r.context["history"]) == 2


def test_fee_public_for_anyone_printable(world, django_assert_num_queries):
    n = publish(world, price_regime="government_guided", base_price="2.40", band_percent="10")
    client = Client()
    with django_assert_num_queries(3):
        r = client.get(reverse("disclosure:fee_public", args=[world.estate_a.pk]))
    html = r.content.decode()
    assert r.status_code == 200 and n.service_content in html and "12358" in html and "基准价 2.40" in html
    assert "data-print" in html and "安居物业服务有限公司" in html
    assert client.post(reverse("disclosure:fee_public", args=[world.estate_a.pk])).status_code == 405
    assert client.get(reverse("disclosure:fee_public", args=[99999])).status_code == 404


def test_fee_public_flags_a_missing_notice(world):
    r = Client().get(reverse("disclosure:fee_public", args=[world.estate_b.pk]))
    assert r.status_code == 200 and "该小区尚未公示收费标准" in r.content.decode() and "12358" in r.content.decode()


def test_fee_notice_panel_templatetag(world, django_assert_num_queries):
    t = Template("{% load fee_panels %}{% fee_notice_panel estate %}")
    html = t.render(Context({"estate": world.estate_a}))
    assert "该小区尚未公示收费标准" in html
    publish(world)
    with django_assert_num_queries(2):
        html = t.render(Context({"estate": world.estate_a}))
    assert "物业服务费" in html and "12358" in html and "三星级" in html
