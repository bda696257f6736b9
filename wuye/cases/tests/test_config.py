"""The city bureau's complaint settings: categories, weights and warnings, escalation rules."""

import pytest
from django.urls import reverse

from wuye.cases import urls_config
from wuye.cases.models import CaseSettings, Category, EscalationRule
from wuye.cases.services import escalation_rule_save
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction, AuditLog

LIST = reverse("cases:config_category_list")
NEW = reverse("cases:config_category_create")
SETTINGS = reverse("cases:config_settings")


def edit_url(c):
    return reverse("cases:config_category_edit", args=[c.pk])


def rule_url(level):
    return reverse("cases:config_escalation_edit", args=[level])


def category_data(c: Category, **changes) -> dict:
    data = {
        "name": c.name, "code": c.code, "description": c.description, "sort_order": c.sort_order,
        "responsible": c.responsible, "department_kind": c.department_kind, "supervisor": c.supervisor,
        "visibility": c.visibility,
    }
    for stage in ("accept", "sign", "contact", "resolve"):
        data[f"{stage}_amount"], data[f"{stage}_unit"] = c.limit(stage)
    if c.active:
        data["active"] = "on"
    if c.emergency:
        data["emergency"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def audits(**kw):
    return AuditLog.objects.filter(**kw)


# ---- categories ---------------------------------------------------------------------------


def test_category_list_shows_the_catalogue_with_limits(world, login, django_assert_num_queries):
    client = login(world.users["city"])
    client.get(LIST)
    with django_assert_num_queries(5):  # session, user, count, page, (calendar banner cache is warm)
        r = client.get(LIST)
    assert r.status_code == 200
    html = r.content.decode()
    assert html.count('data-testid="category-row"') == Category.objects.count() == 16
    assert "涉黑涉恶线索" in html and "保密" in html and "4 小时" in html and "5 个工作日" in html
    assert "工作日”只计工作日" in html  # the help on time-limit units


@pytest.mark.parametrize("who", ["district", "street", "manager_a", "resident", "sysadmin", "outsider"])
def test_only_the_city_bureau_opens_the_settings(world, login, who):
    client = login(world.users[who])
    c = Category.objects.get(code="noise")
    for url in (LIST, NEW, edit_url(c), SETTINGS, rule_url(2)):
        assert client.get(url).status_code == 404, url
    assert client.post(edit_url(c), category_data(c, name="改名")).status_code == 404
    c.refresh_from_db()
    assert c.name == "噪音扰民"
    assert audits(action=AuditAction.DENIED, actor=world.users[who]).count() == 6


def test_wrong_methods(world, login):
    client = login(world.users["city"])
    assert client.post(LIST).status_code == 405
    assert client.put(SETTINGS).status_code == 405
    assert client.delete(edit_url(Category.objects.first())).status_code == 405


def test_edit_a_category_saves_through_the_service_and_audits(world, login):
    c = Category.objects.get(code="cleaning_greening")
    client = login(world.users["city"])
    r = client.get(edit_url(c))
    assert r.status_code == 200 and "保洁绿化" in r.content.decode()
    r = client.post(edit_url(c), category_data(c, sign_amount=6, sign_unit="hours", resolve_amount=5,
                                               resolve_unit="calendar_days", supervisor="district"))
    assert r.status_code == 302 and r["Location"] == LIST
    c.refresh_from_db()
    assert (c.sign_amount, c.resolve_amount, c.resolve_unit, c.supervisor) == (6, 5, "calendar_days", "district")
    row = audits(action=AuditAction.UPDATE, object_type="cases.category", object_id=str(c.pk)).get()
    assert set(row.changes["fields"]) == {"sign_amount", "resolve_amount", "resolve_unit", "supervisor"}
    assert row.actor == world.users["city"]


def test_the_code_cannot_change_after_creation(world, login):
    c = Category.objects.get(code="noise")
    login(world.users["city"]).post(edit_url(c), category_data(c, code="hacked", name="噪音"))
    c.refresh_from_db()
    assert (c.code, c.name) == ("noise", "噪音")


def test_deactivate_instead_of_delete(world, login):
    c = Category.objects.get(code="other")
    data = category_data(c)
    data.pop("active")
    login(world.users["city"]).post(edit_url(c), data)
    c.refresh_from_db()
    assert c.active is False and Category.objects.filter(code="other").exists()
    assert not any("delete" in (p.name or "") for p in urls_config.urlpatterns)  # no way to delete a category


@pytest.mark.parametrize("changes, field, message", [
    ({"responsible": "department", "department_kind": ""}, "department_kind", "须选择部门类别"),
    ({"sign_amount": 0}, "sign_amount", "至少为 1"),
    ({"resolve_amount": 200, "resolve_unit": "working_days"}, "resolve_amount", "不能超过 60"),
    ({"name": "服务态度"}, "name", "已存在"),
    ({"name": ""}, "name", "必填"),
])
def test_bad_input_keeps_what_was_typed(world, login, changes, field, message):
    c = Category.objects.get(code="noise")
    data = category_data(c, description="夜间施工噪音", **changes)
    r = login(world.users["city"]).post(edit_url(c), data)
    assert r.status_code == 200
    errors = " ".join(r.context["form"].errors.get(field, []))
    assert message in errors, r.context["form"].errors
    assert "夜间施工噪音" in r.content.decode()  # nothing typed is lost
    c.refresh_from_db()
    assert c.description == "" and not audits(action=AuditAction.UPDATE, object_type="cases.category").exists()


def test_a_new_category(world, login):
    data = category_data(Category.objects.get(code="repairs"), name="二次供水", code="secondary_water",
                          description="水箱清洗、水质问题", emergency="on", resolve_amount=24, resolve_unit="hours")
    r = login(world.users["city"]).post(NEW, data)
    assert r.status_code == 302
    c = Category.objects.get(code="secondary_water")
    assert (c.name, c.emergency, c.resolve_amount, c.resolve_unit, c.active) == ("二次供水", True, 24, "hours", True)
    assert audits(action=AuditAction.CREATE, object_type="cases.category", object_id=str(c.pk)).exists()
    r = login(world.users["city"]).post(NEW, {**data, "name": "另一个"})  # the same code again
    assert r.status_code == 200 and "已存在" in " ".join(r.context["form"].errors["code"])
    assert not Category.objects.filter(name="另一个").exists()


def test_the_new_limits_apply_to_later_dispatches(cworld, login):
    from .conftest import act, file

    c = Category.objects.get(code="cleaning_greening")
    login(cworld.users["city"]).post(edit_url(c), category_data(c, sign_amount=1, sign_unit="hours"))
    complaint = file(cworld)
    act(cworld.users["city"], complaint, "dispatch")
    assert (complaint.sign_due - complaint.dispatched_at).total_seconds() == 3600


# ---- weights, warnings, ranking size -----------------------------------------------------------


def test_settings_page_and_save(world, login):
    client = login(world.users["city"])
    r = client.get(SETTINGS)
    assert r.status_code == 200
    html = r.content.decode()
    assert "响应率权重" in html and "督办升级规则" in html and html.count('data-testid="rule-row"') == 4
    r = client.post(SETTINGS, {"weight_response": 40, "weight_resolution": 30, "weight_satisfaction": 30,
                               "warn_before_hours": 4, "ranking_size": 10})
    assert r.status_code == 302
    cs = CaseSettings.current()
    assert (cs.weight_response, cs.weight_resolution, cs.weight_satisfaction, cs.warn_before_hours,
            cs.ranking_size) == (40, 30, 30, 4, 10)
    row = audits(action=AuditAction.UPDATE, object_type="cases.casesettings").get()
    assert row.changes["weights"] == [40, 30, 30] and row.changes["ranking_size"] == 10


@pytest.mark.parametrize("data, message", [
    ({"weight_response": 30, "weight_resolution": 30, "weight_satisfaction": 30}, "之和应为 100"),
    ({"ranking_size": 0}, "1"),
    ({"ranking_size": 51}, "50"),
    ({"weight_response": -5, "weight_resolution": 70, "weight_satisfaction": 35}, "0"),
])
def test_settings_refused_keep_the_input(world, login, data, message):
    full = {"weight_response": 30, "weight_resolution": 35, "weight_satisfaction": 35, "warn_before_hours": 2,
            "ranking_size": 5, **data}
    r = login(world.users["city"]).post(SETTINGS, full)
    assert r.status_code == 200 and message in str(r.context["form"].errors)
    cs = CaseSettings.current()
    assert (cs.weight_response, cs.ranking_size) == (30, 5)
    assert not audits(action=AuditAction.UPDATE, object_type="cases.casesettings").exists()


# ---- escalation rules ----------------------------------------------------------------------


def test_edit_an_escalation_rule(world, login):
    client = login(world.users["city"])
    r = client.get(rule_url(2))
    assert r.status_code == 200 and "督办" in r.content.decode()
    r = client.post(rule_url(2), {"overdue_hours": 4, "active": "on"})
    assert r.status_code == 302
    rule = EscalationRule.objects.get(level=2)
    assert (rule.overdue_hours, rule.active) == (4, True)
    row = audits(action=AuditAction.UPDATE, object_type="cases.escalationrule").get()
    assert row.changes == {"overdue_hours": [2, 4]}


def test_a_rule_may_not_skip_the_level_below(world, login):
    r = login(world.users["city"]).post(rule_url(2), {"overdue_hours": 100, "active": "on"})  # 挂牌督办 is 48 h
    assert r.status_code == 200
    assert "挂牌督办" in str(r.context["form"].errors["overdue_hours"])
    assert EscalationRule.objects.get(level=2).overdue_hours == 2
    # switching it off lifts the ordering rule for that level
    r = login(world.users["city"]).post(rule_url(2), {"overdue_hours": 100})
    assert r.status_code == 302 and EscalationRule.objects.get(level=2).active is False


def test_a_missing_level_can_be_set_and_unknown_levels_are_404(world, login):
    EscalationRule.objects.filter(level=4).delete()
    client = login(world.users["city"])
    assert "尚无自动升级规则" in client.get(rule_url(4)).content.decode()
    assert client.post(rule_url(4), {"overdue_hours": 200, "active": "on"}).status_code == 302
    assert EscalationRule.objects.get(level=4).overdue_hours == 200
    assert audits(action=AuditAction.CREATE, object_type="cases.escalationrule").exists()
    assert client.get(rule_url(0)).status_code == 404 and client.get(rule_url(9)).status_code == 404


def test_escalation_rule_service_refuses_others_and_bad_values(world):
    rule = EscalationRule.objects.get(level=3)
    with pytest.raises(ServiceError, match="只有市住房保障房产局"):
        escalation_rule_save(user=world.users["district"], rule=rule)
    rule.overdue_hours = 1  # below 督办's 2 h
    with pytest.raises(ServiceError) as exc:
        escalation_rule_save(user=world.users["city"], rule=rule)
    assert "督办" in str(exc.value.message_dict["overdue_hours"])
    rule.overdue_hours = 24 * 91
    with pytest.raises(ServiceError, match="90 天"):
        escalation_rule_save(user=world.users["city"], rule=rule)
    assert EscalationRule.objects.get(level=3).overdue_hours == 48
