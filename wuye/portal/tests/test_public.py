"""The public portal (issue 5 item 8): every page opens without login, shows public facts only,
reads a bounded number of rows, and the home, estate and company pages are served from the cache."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from wuye.cases import services as cs
from wuye.cases.models import Category, Complaint
from wuye.credit.models import CompanyCredit, CreditEvent, CreditRule
from wuye.credit.scoring import credit_recompute
from wuye.portal import selectors_public as sel
from wuye.portal.articles import services as arts
from wuye.registry import services as rs
from wuye.supervision.models import StarRating


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def anon():
    return Client()


def url(name, *args):
    return reverse(name, args=args)


def body(response) -> str:
    return response.content.decode()


def file_complaints(world, n, *, estate=None, status=None, **fields):
    """``n`` complaints filed through the service, then put into the given final state."""
    category = Category.objects.get(code="cleaning_greening")
    made = [cs.complaint_file(estate=estate or world.estate_a, category=category, description=f"楼道灯不亮 {i}",
                              reporter_name="王秀英", reporter_phone="13812345678") for i in range(n)]
    if status or fields:
        values = dict(fields)
        if status:
            values["status"] = status
            if status == "closed":
                values.setdefault("closed_at", timezone.now())
        Complaint.objects.filter(pk__in=[c.pk for c in made]).update(**values)
    return made


def publish(world, title="关于开展住宅小区物业服务质量提升行动的通知", category="notice", who="city", body_html=None):
    a = arts.article_create(actor=world.users[who], title=title, category=category,
                            body=body_html or f"<p>{title}。各区、各街道：现就有关事项通知如下。</p>",
                            source="市住房保障房产局")
    return arts.article_publish(actor=world.users[who], article=a)


# ---- anonymous access ------------------------------------------------------------------------------


def test_every_public_page_opens_without_login(world, anon):
    a = publish(world)
    for path in (url("public:home"), url("public:search") + "?q=幸福", url("public:estate", world.estate_a.pk),
                 url("public:company", world.company_a.pk), url("public:articles"), url("public:article", a.pk)):
        response = anon.get(path)
        assert response.status_code == 200, path
        assert "登录" in body(response)


def test_public_pages_only_answer_get_and_head(world, anon):
    for path in (url("public:home"), url("public:search"), url("public:estate", world.estate_a.pk),
                 url("public:company", world.company_a.pk), url("public:articles")):
        assert anon.post(path).status_code == 405
        assert anon.head(path).status_code == 200


def test_root_sends_anonymous_visitors_to_the_public_home(world, anon, login):
    response = anon.get("/")
    assert response.status_code == 302 and response["Location"] == url("public:home")
    assert login(world.users["city"]).get("/").status_code == 200  # the workbench stays


def test_unknown_estate_and_company_are_404(world, anon):
    assert anon.get(url("public:estate", 999999)).status_code == 404
    assert anon.get(url("public:company", 999999)).status_code == 404


def test_unpublished_articles_are_404(world, anon):
    draft = arts.article_create(actor=world.users["city"], title="草稿通知", category="notice", body="<p>未发布</p>")
    assert anon.get(url("public:article", draft.pk)).status_code == 404
    published = publish(world, title="已撤下的通知")
    assert anon.get(url("public:article", published.pk)).status_code == 200
    arts.article_withdraw(actor=world.users["city"], article=published, reason="内容有误")
    assert anon.get(url("public:article", published.pk)).status_code == 404
    listing = body(anon.get(url("public:articles")))
    assert "草稿通知" not in listing and "已撤下的通知" not in listing


# ---- the home -----------------------------------------------------------------------------------------


def test_home_shows_search_lists_news_and_figures(world, anon):
    credit_recompute(world.company_a.pk)
    credit_recompute(world.company_b.pk)
    publish(world, title="物业服务收费明码标价规定", category="law")
    publish(world, title="如何申请成立业主大会", category="guide")
    response = anon.get(url("public:home"))
    html = body(response)
    assert 'action="/public/search/"' in html
    assert "物业服务收费明码标价规定" in html and "如何申请成立业主大会" in html
    assert url("credit:public_red") in html and url("credit:public_black") in html
    figures = sel.city_figures()
    assert figures["estates"] == 2 and figures["companies"] == 2
    assert 'data-testid="figures"' in html


def test_home_lists_black_listed_companies(world, anon):
    credit_recompute(world.company_b.pk)
    CompanyCredit.objects.filter(company=world.company_b).update(black=True, grade="C")
    html = body(anon.get(url("public:home")))
    black = html.split('data-testid="black-list"')[1].split('data-testid="home-articles"')[0]
    assert "百润物业管理有限公司" in black and url("public:company", world.company_b.pk) in black


# ---- search ---------------------------------------------------------------------------------------------


def test_search_finds_estates_by_name_address_and_initials(world, anon):
    for q in ("幸福", "多福巷", "xflxq"):
        response = anon.get(url("public:search"), {"q": q})
        assert [e.pk for e in response.context["rows"]] == [world.estate_a.pk], q
    response = anon.get(url("public:search"), {"q": "物业", "kind": "company"})
    assert {c.pk for c in response.context["rows"]} == {world.company_a.pk, world.company_b.pk}
    response = anon.get(url("public:search"), {"q": "ajwy", "kind": "company"})  # 安居物业 initials
    assert [c.pk for c in response.context["rows"]] == [world.company_a.pk]


def test_search_without_query_shows_a_hint(world, anon):
    response = anon.get(url("public:search"))
    assert response.status_code == 200 and response.context["rows"] == []
    assert "请输入关键词" in body(response)


def test_search_is_paginated_and_queries_do_not_grow(world, anon, django_assert_num_queries):
    root = world.users["city"]
    for i in range(25):
        rs.estate_create(actor=root, name=f"幸福家园{i:02d}期", address=f"东城区幸福路{i}号", community=world.c1)
    response = anon.get(url("public:search"), {"q": "幸福"})
    assert response.context["page"].paginator.count == 26 and len(response.context["rows"]) == 20
    response = anon.get(url("public:search"), {"q": "幸福", "page": 2})
    assert len(response.context["rows"]) == 6
    with django_assert_num_queries(3):  # the other tab's count, this tab's count, this page
        anon.get(url("public:search"), {"q": "幸福"})


# ---- the estate page ----------------------------------------------------------------------------------


def test_estate_page_shows_company_contract_star_grade_and_complaint_button(world, anon):
    credit_recompute(world.company_a.pk)
    today = timezone.localdate()
    StarRating.objects.create(estate=world.estate_a, company=world.company_a, district=world.d1, level=4,
                              valid_from=today - timedelta(days=30), valid_until=today + timedelta(days=700))
    html = body(anon.get(url("public:estate", world.estate_a.pk)))
    assert "幸福里小区" in html and "东城区多福巷 8 号" in html
    assert "东城区" in html and "东华门街道" in html and "多福巷社区" in html
    assert "安居物业服务有限公司" in html and url("public:company", world.company_a.pk) in html
    assert "2023-01-01 — 2027-12-31" in html
    assert "★★★★" in html and "四星级" in html
    assert 'data-testid="grade"' in html
    assert f'href="/complaints/new/?estate={world.estate_a.pk}"' in html and "我要投诉" in html
    assert url("credit:public_company", world.company_a.pk) in html
    # The committee: the governance app's panel once it exists, the registry's term and counts until then.
    committee = html.split('data-testid="panel-committee"')[1].split('data-testid="panel-motion"')[0]
    assert "业主委员会" in committee and "2024-01-01" in committee and "2028-12-31" in committee
    # No personal data: owners, staff, committee members' names and phones.
    for private in ("王秀英", "13812345678", "刘洋", "孙丽", "13700000001"):
        assert private not in html


def test_complaint_figures_count_rate_and_satisfaction(world, anon):
    file_complaints(world, 3, status="closed", resolve_overdue=False, satisfaction="satisfied")
    file_complaints(world, 1, status="closed", resolve_overdue=False, satisfaction="basically_satisfied")
    file_complaints(world, 1, status="closed", resolve_overdue=True, satisfaction="dissatisfied")
    file_complaints(world, 1, status="closed", resolve_overdue=True)  # closed, never rated
    file_complaints(world, 2)  # still open
    # Not counted: withdrawn, duplicates, confidential, ruled unreasonable, older than 12 months, other estates.
    file_complaints(world, 1, status="withdrawn")
    file_complaints(world, 1, status="duplicate")
    file_complaints(world, 1, confidential=True)
    file_complaints(world, 1, status="closed", unreasonable=True, satisfaction="dissatisfied")
    file_complaints(world, 1, created_at=timezone.now() - timedelta(days=400))
    file_complaints(world, 2, estate=world.estate_b, status="closed", satisfaction="dissatisfied")
    f = sel.complaint_figures(world.estate_a.pk)
    assert (f.total, f.closed, f.on_time, f.rated, f.satisfied) == (8, 6, 4, 5, 4)
    assert f.on_time_rate == "66.7" and f.satisfaction_rate == "80"
    html = body(anon.get(url("public:estate", world.estate_a.pk)))
    assert '<div class="wy-figure" data-testid="fig-total">8</div>' in html
    assert "66.7%" in html and "80%" in html and "4/6 件" in html and "4/5 件" in html


def test_complaint_figures_without_complaints_show_dashes(world, anon):
    html = body(anon.get(url("public:estate", world.estate_b.pk)))
    assert 'data-testid="fig-on-time">—<' in html and 'data-testid="fig-satisfaction">—<' in html


def test_estate_page_reads_a_fixed_number_of_rows(world, anon, django_assert_max_num_queries, django_assert_num_queries):
    with CaptureQueriesContext(connection) as first:
        anon.get(url("public:estate", world.estate_a.pk))
    cache.clear()
    file_complaints(world, 30, status="closed", satisfaction="satisfied")
    with django_assert_num_queries(len(first.captured_queries)):
        anon.get(url("public:estate", world.estate_a.pk))
    # The complaints are read by one aggregate over the estate's index, not row by row.
    agg = [q["sql"] for q in first.captured_queries if "cases_complaint" in q["sql"]]
    assert len(agg) == 1 and "COUNT(" in agg[0].upper() and "estate_id" in agg[0]
    assert len(first.captured_queries) <= 16  # six of them are the disclosure and governance panels


# ---- the company page ------------------------------------------------------------------------------------


def test_company_page_shows_grade_estates_and_confirmed_events(world, anon):
    credit_recompute(world.company_a.pk)
    rule = CreditRule.objects.filter(points__gt=0).exclude(code__startswith="B").first() or CreditRule.objects.first()
    today = timezone.localdate()
    CreditEvent.objects.create(company=world.company_a, rule=rule, klass=rule.klass, points=rule.points,
                               occurred_on=today - timedelta(days=10), status=CreditEvent.Status.CONFIRMED,
                               description="公开的已确认事项", valid_until=today + timedelta(days=355))
    CreditEvent.objects.create(company=world.company_a, rule=rule, klass=rule.klass, points=rule.points,
                               occurred_on=today - timedelta(days=5), status=CreditEvent.Status.DRAFT,
                               description="草稿不公开")
    response = anon.get(url("public:company", world.company_a.pk))
    html = body(response)
    assert "安居物业服务有限公司" in html and "91110105MA01ABCD00" in html
    assert url("public:estate", world.estate_a.pk) in html and "翠湖花园" not in html
    assert url("credit:public_company", world.company_a.pk) in html
    events = html.split('data-testid="company-events"')[1]
    assert events.count("<tr>") == 2  # header and the one confirmed item
    assert rule.name in events


def test_company_estates_are_paginated_and_queries_do_not_grow(world, anon, django_assert_num_queries):
    with CaptureQueriesContext(connection) as first:
        anon.get(url("public:company", world.company_a.pk))
    cache.clear()
    root = world.users["city"]
    for i in range(25):
        e = rs.estate_create(actor=root, name=f"安居园{i:02d}", address=f"安居路{i}号", community=world.c1)
        rs.estate_set_contract(actor=root, estate=e, company=world.company_a, start_date=timezone.localdate(),
                               end_date=timezone.localdate() + timedelta(days=365), contracted_grade="2",
                               fee_rate=Decimal("1.50"))
    with django_assert_num_queries(len(first.captured_queries)):
        response = anon.get(url("public:company", world.company_a.pk))
    assert response.context["body"].count('href="/public/estates/') == 20
    page2 = body(anon.get(url("public:company", world.company_a.pk), {"page": 2}))
    assert page2.count('href="/public/estates/') == 6


# ---- the cache --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["public:home", "public:estate", "public:company"])
def test_second_anonymous_get_is_served_from_the_cache(world, anon, name, django_assert_num_queries):
    args = {"public:estate": (world.estate_a.pk,), "public:company": (world.company_a.pk,)}.get(name, ())
    first = anon.get(url(name, *args))
    with django_assert_num_queries(0):
        second = Client().get(url(name, *args))
    assert second.status_code == 200
    assert second.context["body"] == first.context["body"]


def test_cache_key_holds_the_language(world, anon):
    pk = world.estate_a.pk
    anon.get(url("public:estate", pk))
    en_client = Client()
    en_client.cookies["django_language"] = "en"
    assert en_client.get(url("public:estate", pk)).status_code == 200
    zh_key, en_key = _key_in("zh-hans", "estate", pk), _key_in("en", "estate", pk)
    assert zh_key != en_key
    assert cache.get(zh_key) is not None and cache.get(en_key) is not None  # one body per language


def _key_in(lang, *parts):
    with translation.override(lang):
        return sel.public_cache_key(*parts)


def test_publishing_an_article_refreshes_the_cached_home(world, anon, django_capture_on_commit_callbacks):
    assert "新版管理规约示范文本" not in body(anon.get(url("public:home")))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        publish(world, title="新版管理规约示范文本", category="guide")
    assert sel.public_cache_bump in callbacks  # after the commit, never before
    assert "新版管理规约示范文本" in body(anon.get(url("public:home")))


def test_cached_page_keeps_a_fresh_csrf_token_for_each_visitor(world):
    a, b = Client(), Client()
    a.get(url("public:estate", world.estate_a.pk))
    response = b.get(url("public:estate", world.estate_a.pk))
    # The language switch still works for the second visitor (the header is not cached).
    switch = b.post(reverse("set_language"), {"language": "en", "next": "/public/"})
    assert response.status_code == 200 and switch.status_code == 302


def test_ttl_setting_zero_disables_the_cache(world, anon, settings):
    settings.WUYE_PUBLIC_CACHE_SECONDS = 0
    anon.get(url("public:estate", world.estate_a.pk))
    with CaptureQueriesContext(connection) as second:
        anon.get(url("public:estate", world.estate_a.pk))
    assert len(second.captured_queries) > 0


# ---- policies and news --------------------------------------------------------------------------------


def test_articles_list_has_category_tabs_and_pagination(world, anon, django_assert_num_queries):
    for i in range(22):
        publish(world, title=f"工作动态第{i}期", category="news")
    publish(world, title="中华人民共和国民法典（物权编节选）", category="law")
    response = anon.get(url("public:articles"))
    assert response.context["page"].paginator.count == 23 and len(response.context["rows"]) == 20
    response = anon.get(url("public:articles"), {"category": "law"})
    assert [a.title for a in response.context["rows"]] == ["中华人民共和国民法典（物权编节选）"]
    assert anon.get(url("public:articles"), {"category": "bogus"}).context["page"].paginator.count == 23
    with django_assert_num_queries(2):  # count and page
        anon.get(url("public:articles"), {"page": 2})


def test_article_search_uses_jieba_words(world, anon):
    publish(world, title="关于规范住宅小区公共收益管理的通知", category="notice",
            body_html="<p>电梯广告、停车收益等公共收益归全体业主所有。</p>")
    publish(world, title="物业服务企业信用评价办法", category="law", body_html="<p>信用等级分为 AAA、AA、A、B、C。</p>")
    def titles(q, **kw):
        return [a.title for a in anon.get(url("public:articles"), {"q": q, **kw}).context["rows"]]

    assert titles("公共收益") == ["关于规范住宅小区公共收益管理的通知"]
    assert titles("电梯广告") == ["关于规范住宅小区公共收益管理的通知"]  # words of the body
    assert titles("信用评价") == ["物业服务企业信用评价办法"]
    assert titles("信用评价", category="notice") == []
    assert titles("停车 信用") == []  # every word must match
    assert len(titles("")) == 2


def test_article_page_shows_sanitised_body_and_metadata(world, anon):
    a = arts.article_create(actor=world.users["city"], title="关于公布物业服务价格投诉电话的通知", category="notice",
                            body='<p>价格投诉请拨打 <strong>12358</strong>。</p><script>alert(1)</script>'
                                 '<a href="javascript:alert(1)">点我</a>',
                            source="市住房保障房产局", document_number="示住房发〔2026〕3号")
    arts.article_publish(actor=world.users["city"], article=a)
    html = body(anon.get(url("public:article", a.pk)))
    assert "<strong>12358</strong>" in html and "示住房发〔2026〕3号" in html and "市住房保障房产局" in html
    assert "alert(1)" not in html and "javascript:" not in html


def test_htmx_pagination_swaps_only_the_results_block(world, anon):
    root = world.users["city"]
    for i in range(21):
        rs.estate_create(actor=root, name=f"幸福苑{i:02d}", address=f"幸福路{i}号", community=world.c1)
    response = anon.get(url("public:search"), {"q": "幸福", "page": 2}, HTTP_HX_REQUEST="true")
    html = body(response)
    # The pager's links target #wy-results; the block selects its own copy out of the full page.
    assert response.status_code == 200 and 'id="wy-results" hx-select="#wy-results"' in html
    assert 'hx-target="#wy-results"' in html
