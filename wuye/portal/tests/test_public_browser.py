"""The public portal in Debian's Chromium: an official writes and publishes a notice; an anonymous
visitor finds it, searches an estate, opens the estate and company pages — on a phone (390 px,
no sideways scrolling) and on a desktop (1280 px). Screenshots: test-artifacts/screenshots/public-*."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import browser, live, page_for, shot  # noqa: F401  (shared Playwright fixtures)
from wuye.conftest import PASSWORD, build_world
from wuye.core.testing import auto_confirm
from wuye.credit.scoring import credit_recompute
from wuye.portal.articles import services as arts
from wuye.supervision.models import StarRating

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def w(live):  # noqa: F811
    world = build_world()
    for company in (world.company_a, world.company_b):
        credit_recompute(company.pk)
    today = timezone.localdate()
    StarRating.objects.create(estate=world.estate_a, company=world.company_a, district=world.d1, level=4,
                              valid_from=today - timedelta(days=60), valid_until=today + timedelta(days=670))
    city = world.users["city"]
    for title, category in (("中华人民共和国民法典（物业服务合同节选）", "law"), ("物业服务收费明码标价规定", "law"),
                            ("关于开展住宅小区物业服务质量提升三年行动的通知", "notice"),
                            ("业主如何查询本小区公共收益", "guide"), ("东城区召开物业管理联席会议", "news")):
        a = arts.article_create(actor=city, title=title, category=category, source="市住房保障房产局",
                                body=f"<h2>{title}</h2><p>为进一步提升住宅小区物业服务质量，现将有关事项公告如下。</p>"
                                     "<ul><li>各区要压实属地责任；</li><li>各物业服务企业要按规定公示收费标准。</li></ul>"
                                     '<table><thead><tr><th>事项</th><th>时限</th></tr></thead>'
                                     "<tbody><tr><td>收费公示</td><td>长期</td></tr></tbody></table>")
        arts.article_publish(actor=city, article=a)
    return world


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_official_publishes_and_the_public_reads_on_phone_and_desktop(w, live, page_for, shot):  # noqa: F811
    # The city bureau writes a notice (with a script the sanitiser drops) and publishes it.
    page = page_for(width=1280, height=900)
    auto_confirm(page)
    page.goto(f"{live.url}/accounts/login/")
    page.fill("input[name=username]", w.users["city"].username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form[data-testid=login-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live.url}/articles/new/")
    page.fill("#id_title", "关于公布物业服务价格投诉电话的通知")
    page.select_option("#id_category", "notice")
    page.fill("#id_source", "市住房保障房产局")
    page.fill("#id_body", "<p>对物业服务收费有异议的，可拨打价格投诉电话 <strong>12358</strong>。</p>"
                          "<script>alert('x')</script>")
    with page.expect_navigation():
        page.click("[data-testid=save]")
    page.wait_for_load_state("networkidle")
    assert "12358" in page.locator("[data-testid=preview]").inner_text()
    with page.expect_navigation():
        page.click("[data-testid=publish]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=article-status]").inner_text().strip() == "已发布"
    shot(page, "public-article-edit-1280")
    page.goto(f"{live.url}/articles/")
    shot(page, "public-article-manage-1280")

    for width, height in ((390, 844), (1280, 900)):
        anon = page_for(width=width, height=height)
        anon.goto(f"{live.url}/")  # the root sends visitors to the public home
        assert anon.url.endswith("/public/")
        assert anon.locator("[data-testid=home-articles]").inner_text().count("关于公布物业服务价格投诉电话的通知") == 1
        assert no_sideways_scroll(anon), f"home scrolls sideways at {width}px"
        shot(anon, f"public-home-{width}")

        anon.fill("[data-testid=public-search]", "xflxq")  # pinyin initials of 幸福里小区
        with anon.expect_navigation():
            anon.keyboard.press("Enter")
        anon.wait_for_load_state("networkidle")
        with anon.expect_navigation():
            anon.click("text=幸福里小区")
        anon.wait_for_load_state("networkidle")
        assert anon.locator("[data-testid=estate-name]").inner_text() == "幸福里小区"
        assert "★★★★" in anon.locator("[data-testid=estate-star]").inner_text()
        assert anon.locator("[data-testid=complain]").get_attribute("href") == f"/complaints/new/?estate={w.estate_a.pk}"
        assert no_sideways_scroll(anon), f"estate page scrolls sideways at {width}px"
        shot(anon, f"public-estate-{width}")

        with anon.expect_navigation():
            anon.click("[data-testid=estate-company] a >> nth=0")
        anon.wait_for_load_state("networkidle")
        assert anon.locator("[data-testid=company-name]").inner_text() == "安居物业服务有限公司"
        assert no_sideways_scroll(anon), f"company page scrolls sideways at {width}px"
        shot(anon, f"public-company-{width}")

        anon.goto(f"{live.url}/public/news/?category=law")
        assert anon.locator("[data-testid=articles] li").count() == 2
        anon.goto(f"{live.url}/public/news/")
        anon.fill("[data-testid=article-q]", "价格投诉")
        anon.keyboard.press("Enter")
        anon.wait_for_url(re.compile(r"[?&]q="))  # the results page itself, not the list it replaces
        anon.locator("[data-testid=articles] li").first.wait_for()
        assert anon.locator("[data-testid=articles] li").count() == 1
        anon.goto(f"{live.url}/public/news/")
        assert no_sideways_scroll(anon), f"news list scrolls sideways at {width}px"
        shot(anon, f"public-news-{width}")
        with anon.expect_navigation():
            anon.click("text=关于公布物业服务价格投诉电话的通知")
        anon.wait_for_load_state("networkidle")
        body = anon.locator("[data-testid=article]").inner_text()
        assert "12358" in body and "alert" not in body
        assert no_sideways_scroll(anon), f"article scrolls sideways at {width}px"
        shot(anon, f"public-article-{width}")
