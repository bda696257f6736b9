"""English through the 中文 / English switch: pages, form errors and messages read in English,
data stays as registered, and switching back restores Chinese. The catalogue itself is complete
and its compiled ``.mo`` matches the ``.po``."""

from __future__ import annotations

import ast
import gettext
import html
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from wuye.core.models import AuditAction, AuditLog
from wuye.registry.models import PropertyCompany

from .conftest import CREDIT_CODES

CATALOGUE = Path(settings.BASE_DIR) / "wuye" / "locale" / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def switch(client, language: str) -> None:
    response = client.post(reverse("set_language"), {"language": language, "next": "/"})
    assert response.status_code == 302


def page_text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def h1(response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    assert match, "the page has no <h1>"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


# ---- pages -------------------------------------------------------------------------------------


def test_workbench_and_estate_list_in_english_then_back_in_chinese(world, login):
    client = login(world.users["district"])
    switch(client, "en")

    home = client.get("/")
    text = page_text(home)
    assert home.wsgi_request.LANGUAGE_CODE == "en"
    assert '<html lang="en">' in text
    assert h1(home) == "Workbench"
    for english in ("Property Service Supervision Platform", "Residential estates", "Property companies",
                    "Owners' committees", "Needs attention", "Role: ", "District / park authority"):
        assert english in text
    for chinese in ("工作台", "住宅小区", "物业登记", "物业服务监管平台", "待关注事项", "区县/园区主管部门"):
        assert chinese not in text
    assert world.d1.name in text  # the user's unit is data: it keeps its registered name

    listing = client.get(reverse("registry:estate_list"))
    text = page_text(listing)
    assert h1(listing) == "Residential estates"
    for english in ("Add an estate", "Estate type: all", "Commercial housing", "Export to Excel", "1 found"):
        assert english in text
    for chinese in ("住宅小区", "新增小区", "全部小区类型", "商品住宅", "导出"):
        assert chinese not in text
    assert world.estate_a.name in text

    switch(client, "zh-hans")
    home = client.get("/")
    text = page_text(home)
    assert home.wsgi_request.LANGUAGE_CODE == "zh-hans"
    assert h1(home) == "工作台"
    assert "住宅小区" in text and "待关注事项" in text
    assert "Workbench" not in text and "Residential estates" not in text
    listing = client.get(reverse("registry:estate_list"))
    assert h1(listing) == "住宅小区"
    assert "全部小区类型" in page_text(listing)


def test_estate_detail_counts_read_in_the_plural(world, login):
    client = login(world.users["district"])
    switch(client, "en")
    text = page_text(client.get(reverse("registry:estate_detail", args=[world.estate_a.pk])))
    # The record's own name is singular, its counts and sections plural.
    assert "Residential estate" in text
    assert "Buildings" in text and "Parking spaces" in text
    assert "3-star" in text and "yuan/m²·month" in text  # issue 14 §13: "3-star", not "Three-star" or "三-star"
    for chinese in ("楼栋", "车位", "三星级", "元/m²·月"):
        assert chinese not in text


def test_form_errors_and_messages_follow_the_language(world, login):
    client = login(world.users["city"])
    switch(client, "en")
    url = reverse("registry:company_create")
    wrong = CREDIT_CODES[0][:-1] + ("E" if CREDIT_CODES[0][-1] != "E" else "F")
    typed = {"name": "示范物业管理有限公司", "credit_code": wrong, "legal_representative": "周敏",
             "address": "东城区东华门大街 9 号", "service_phone": "01065550009", "filing_status": "filed"}

    response = client.post(url, typed)
    text = page_text(response)
    assert "The check character of the unified social credit code is wrong" in text
    assert "Please correct the fields marked in red" in text
    assert "校验位不正确" not in text
    assert 'value="示范物业管理有限公司"' in text  # what was typed is kept
    assert not PropertyCompany.objects.filter(name=typed["name"]).exists()

    response = client.post(url, {**typed, "credit_code": CREDIT_CODES[0]}, follow=True)
    text = page_text(response)
    assert PropertyCompany.objects.filter(name=typed["name"], credit_code=CREDIT_CODES[0]).exists()
    assert "Property company “示范物业管理有限公司” added." in text


def test_error_pages_in_english(world, login):
    client = login(world.users["district"])
    switch(client, "en")
    response = client.get(reverse("registry:estate_detail", args=[world.estate_b.pk]))  # another district's
    assert response.status_code == 404
    text = html.unescape(response.content.decode())
    assert "Page or record not found" in text and "未找到该页面或记录" not in text


def test_refusal_reason_in_english_while_the_audit_row_keeps_the_platform_language(world, login):
    client = login(world.users["manager_a"])
    switch(client, "en")
    before = AuditLog.objects.filter(action=AuditAction.DENIED).count()
    response = client.get(reverse("registry:estate_edit", args=[world.estate_a.pk]))  # visible, not writable
    assert response.status_code == 403
    text = html.unescape(response.content.decode())
    assert "You are not allowed to do this" in text and "You may not change this record" in text
    assert "无修改权限" not in text
    rows = list(AuditLog.objects.filter(action=AuditAction.DENIED).order_by("seq")[before:])
    assert [row.detail for row in rows] == ["无修改权限"]


# ---- the catalogue -----------------------------------------------------------------------------


def _po_entries(path: Path) -> list[dict]:
    entries, current, key = [], {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#~"):
            continue
        if not line.strip():
            if current:
                entries.append(current)
            current, key = {}, None
        elif line.startswith("#,"):
            current["flags"] = line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key] += ast.literal_eval(line)
        else:
            key, _, literal = line.partition(" ")
            current[key] = ast.literal_eval(literal)
    return [e for e in entries if e.get("msgid")]


def test_catalogue_is_complete_and_compiled():
    entries = _po_entries(CATALOGUE / "django.po")
    with open(CATALOGUE / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    assert len(entries) > 500
    for entry in entries:
        msgid = entry["msgid"]
        assert "fuzzy" not in entry.get("flags", ""), msgid
        if "msgid_plural" in entry:
            forms = {(msgid, 0): entry["msgstr[0]"], (msgid, 1): entry["msgstr[1]"]}
        else:
            key = f"{entry['msgctxt']}\x04{msgid}" if "msgctxt" in entry else msgid
            forms = {key: entry["msgstr"]}
        for key, msgstr in forms.items():
            assert msgstr, f"untranslated: {msgid}"
            assert sorted(PLACEHOLDER.findall(msgstr)) == sorted(PLACEHOLDER.findall(msgid)), msgid
            assert compiled.get(key) == msgstr, f"django.mo is out of date for: {msgid}"
