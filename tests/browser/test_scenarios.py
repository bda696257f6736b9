"""Browser scenarios (issue 2 item 17) in Debian's Chromium, with screenshots of the main pages."""

import re

from wuye.accounts.models import User
from wuye.core.models import AuditAction, AuditLog
from wuye.registry.models import Estate


def test_district_finds_an_estate_edits_it_and_sees_the_audit_row(login_as, site, shot):
    district = User.objects.get(username="district")
    estate = Estate.objects.filter(district_id=district.district_id).order_by("id").first()
    page = login_as("district")
    assert page.url.rstrip("/") == site.url.rstrip("/") or page.url.endswith("/")
    assert district.district.name in page.locator("[data-testid=unit]").inner_text()
    shot(page, "01-workbench-district")

    with page.expect_navigation():
        page.click("nav#wy-nav >> text=住宅小区")
    page.wait_for_load_state("networkidle")
    search = page.locator("#wy-list input[name=q]")
    search.fill(estate.name)
    with page.expect_navigation():
        search.press("Enter")
    page.wait_for_load_state("networkidle")
    page.wait_for_url(re.compile(r"q="))
    rows = page.locator("#wy-list table tbody tr")
    assert rows.count() >= 1
    shot(page, "02-estate-search")
    page.locator("#wy-list table tbody").get_by_role("link", name=estate.name, exact=True).first.click()
    page.wait_for_url(re.compile(rf"/registry/estates/{estate.pk}/$"))
    shot(page, "03-estate-detail")

    page.click("[data-testid=edit]")
    page.wait_for_url(re.compile(r"/edit/$"))
    new_address = estate.address + "（东门）"
    page.fill("#id_address", new_address)
    page.locator("form[data-testid=record-form] button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/registry/estates/{estate.pk}/$"))
    history = page.locator("[data-testid=history]")
    history.wait_for()
    assert "district" in history.inner_text()
    assert new_address in history.inner_text()
    shot(page, "04-estate-after-edit")

    estate.refresh_from_db()
    assert estate.address == new_address
    row = AuditLog.objects.filter(action=AuditAction.UPDATE, object_type="registry.estate", object_id=str(estate.pk)).first()
    assert row.actor_username == "district"
    assert row.changes["address"][1] == new_address


def test_company_opening_another_companys_estate_gets_404(login_as, site, shot):
    company = User.objects.get(username="company")
    other = Estate.objects.exclude(company_id=company.company_id).order_by("id").first()
    own = Estate.objects.filter(company_id=company.company_id).order_by("id").first()
    page = login_as("company")
    shot(page, "05-workbench-company")

    response = page.goto(f"{site.url}/registry/estates/{other.pk}/")
    assert response.status == 404
    assert other.name not in page.content()
    shot(page, "06-company-other-estate-404")
    assert AuditLog.objects.filter(
        action=AuditAction.DENIED, actor_username="company", object_type="registry.estate", object_id=str(other.pk)
    ).exists()

    response = page.goto(f"{site.url}/registry/estates/{own.pk}/")
    assert response.status == 200
    assert own.name in page.content()


def test_main_pages_render_for_each_role(login_as, site, shot):
    pages = {
        "city": ["/", "/registry/estates/", "/registry/companies/", "/registry/units/", "/registry/owners/",
                 "/registry/parking/", "/registry/staff/", "/registry/committees/", "/territory/",
                 "/registry/imports/", "/search/?q=幸福"],
        "community": ["/"],
        "committee": ["/"],
        "resident": ["/"],
        "auditor": ["/", "/audit/"],
        "admin": ["/accounts/users/"],
        "security": ["/accounts/users/"],
    }
    for username, paths in pages.items():
        page = login_as(username)
        for path in paths:
            response = page.goto(site.url + path)
            assert response.status == 200, (username, path, response.status)
            assert "物业服务监管平台" in page.title()
            name = path.strip("/").replace("/", "-").replace("?q=", "-search-") or "home"
            shot(page, f"10-{username}-{name}")
        page.context.close()


def test_phone_layout(login_as, shot):
    page = login_as("resident", width=390, height=844)
    shot(page, "20-phone-resident-home")
    assert page.locator("[data-testid=role]").inner_text()
