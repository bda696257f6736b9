"""Every URL pattern of the site refuses anonymous users, unless it is on the reviewed public
allow-list below (DESIGN.md: "A test walks every URL pattern and fails on any view that is
neither on the reviewed public allow-list nor protected").

The patterns are read from the resolver at collection time, recursively through every
``include()`` — the API router with its format-suffix variants included — so a view added later
is covered without touching this file. Each pattern gets a concrete URL with plausible values
for its parameters (real ids of the test world), checked to resolve back to the same pattern,
and is requested anonymously with GET, POST, PUT, PATCH and DELETE.

Refusing means: a redirect to the login page, or 401, 403, 404 or 405. Anything else — a page,
a 400 for bad input, a redirect elsewhere — means the view did work for an anonymous user.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from wuye.conftest import build_world

# Reviewed public endpoints: URL name → why anonymous use is intended. Keep it short; every
# entry must still exist (test_allow_list_has_no_stale_entries).
PUBLIC = {
    "accounts:login": "登录页本身",
    "api-token": "以用户名和密码换取 API 令牌（受登录锁定和审计约束）",
    # /api/schema/ and /api/docs/ are public only in demo mode or by WUYE_API_DOCS_PUBLIC (issue 13 §15):
    # in production the walk below finds them refusing anonymous users like every other route.
    "set_language": "切换界面语言（中文 / English），只写入语言 Cookie",
    # complaints: public — the resident files and follows a complaint without an account (issue 3 §1, §12)
    "cases:public_new": "公开诉求表单（小区公告栏二维码），手机号须短信验证，按手机号和 IP 限流",
    "cases:public_done": "提交成功页：只显示本会话刚提交的诉求的查询码",
    "cases:public_estates": "按名称、地址、拼音首字母查找小区（小区名称和地址是公开信息），最多 10 条，按 IP 限流",
    "cases:public_sms_code": "发送诉求表单的短信验证码，按手机号和 IP 限流",
    "cases:public_track": "凭查询码和手机号查询办理进展，按 IP 限流",
    "cases:public_track_detail": "本会话已凭查询码和手机号证明的诉求（或本人账号提交的），否则转到查询表单",
    "cases:public_callback": "诉求人回访评价，须已证明是本人诉求，否则转到查询表单",
    "cases:public_withdraw": "诉求人撤回诉求，须已证明是本人诉求，否则转到查询表单",
    "cases:public_track_sms": "向诉求登记的手机发送操作验证码（撤回、评价须短信验证），须已证明是本人诉求，按手机号和 IP 限流",
    # Open311 GeoReport v2 (issue 3 §4): the catalogue, and the status of complaints without personal
    # data, the residents' own words or confidential clue reports; filing needs a partner's api_key.
    "open311:discovery": "Open311 服务发现",
    "open311:services": "Open311 服务类别（即诉求类别）",
    "open311:service_definition": "Open311 服务定义（小区等属性）",
    "open311:requests": "Open311 诉求办理状态列表（无个人信息、无保密线索）；POST 提交须合作方 api_key",
    "open311:request": "Open311 单件诉求办理状态（同上）",
    "open311:token": "Open311 令牌查询（令牌即公开编号，不是查询码）",
    # enterprise credit (issue 4 §9, §12): what the public may see of a company's credit — grade,
    # score and its parts, red/black listing, confirmed items of the public period; never drafts,
    # objections, evidence or anybody's personal data.
    "credit:public_company": "企业公开信用页：等级、分数、红黑名单、公开期内已确认的信用信息和星级小区",
    "credit:public_red": "红名单（AAA 企业、标杆企业和标杆小区），可按企业名称查询",
    "credit:public_black": "黑名单（C 级或一票否决的企业），可按企业名称查询",
    "api-company-credit": "企业信用公开接口（内容同公开信用页），按 IP 限流",
    # developers (issue 17 §1): confirmed violations only — never drafts, notices, objections, evidence or contacts
    "developers:public_list": "有经确认违规记录的建设单位名单（名称、信用代码、违规类型和日期），可按名称查询",
    "developers:public_detail": "一个建设单位经确认的违规记录（无证据文件、无联系人）",
    # star ratings (issue 4 §6, §12): the public sees active ratings, each estate's level and the results
    # in public notice, and anyone may object in writing (name and phone required, rate-limited by IP)
    "supervision:star_public_list": "有效星级小区名单（小区、企业、星级、有效期，均为公开信息）",
    "supervision:star_public_estate": "一个小区的现行星级和评定记录（不含个人信息）",
    "supervision:star_notice_list": "正在公示的星级评定结果",
    "supervision:star_notice_detail": "一项公示及书面异议表单（须填姓名和电话，按 IP 限流；异议内容和电话不公开）",
    # double-random draws (issue 4 §2, 双随机、一公开): only draws an official has published — plan, seed,
    # candidate counts, drawn estates and inspectors' names (never phones) and the data to re-run it
    "supervision:draw_public_list": "已公开的双随机抽取结果列表",
    "supervision:draw_public": "一次已公开的双随机抽取：计划、种子、候选数、抽中小区和检查人员姓名（无联系方式）及复核方法",
    "supervision:draw_public_data": "已公开抽取的输入和结果（JSON：候选编号、权重、回避关系、种子），供任何人复算",
    # shared utilities (issue 5 item 2): published allocations only; units by number and charge, no names
    "disclosure:utility_public": "已公示的水电公摊（总表与分户合计读数、损耗、损耗率、分摊方式、单价、合计），分户只列房号和金额，不含业主姓名",
    # common income (issue 5 item 1): only reports the committee (or street) confirmed — items, costs, net,
    # use, the per-m² figure; an owner's own shares and the objection form need the owner's login
    "disclosure:income_public": "已公示的公共收益报告（收入、成本、净收益、用途、每平方米收益），不含分户名单；异议须业主登录",
    # the public portal (issue 5 items 8, 9): public facts about estates and companies, aggregate complaint
    # figures (no complaint's content, no personal data), published articles only
    "portal:home": "首页：已登录用户看工作台，未登录访客转到公开信息首页（public:home）",
    "public:home": "公开信息首页：搜索小区和企业、红黑名单、政策与资讯、全市概况",
    "public:search": "按名称、地址、拼音首字母搜索小区和企业（公开信息），分页",
    "public:estate": "小区公开页：物业企业和合同期限、星级、信用等级、各项公示、近 12 个月投诉统计（仅汇总数）",
    "public:company": "企业公开页：信用等级、红黑名单、在管小区、近一年已确认的信用信息",
    "public:articles": "已发布的政策与资讯列表和搜索",
    "public:article": "一篇已发布的政策与资讯（草稿和已撤下的为 404）",
    "public:bulletins": "已印发并标为公开的通报列表",
    "public:bulletin": "一份已印发并公开的通报（草稿、撤回和未公开的为 404）",
    # fee notices (issue 5 item 3, 明码标价): the estate's current notice hangs on the estate office's wall
    # anyway — company, items, rates, 12358; no personal data
    "disclosure:fee_public": "小区现行收费公示（明码标价，含价格举报电话 12358），可打印；未公示的显示提示",
    # rule-making (issue 19 items 7–8): drafts once out for consultation, their visible comments (authors
    # masked, never phones) and the comment form (phone proven by SMS code, rate-limited by IP); the library
    "rulemaking:public_drafts": "公开征求意见的草案列表（起草中的草案不列出）",
    "rulemaking:public_draft": "草案全文、起草说明、按条款归类的公开意见（姓名脱敏、不含电话）、意见表单（须短信验证或登录，按 IP 限流）和已公布的意见采纳情况",
    "rulemaking:public_library": "规范性文件库：文件、现行版本、施行日期",
    "rulemaking:public_document": "一件规范性文件的各版本、施行和废止日期、实施它的检查标准",
}

# Public endpoints sampled otherwise than "GET answers 200": name → (URL kwargs, method, status).
PUBLIC_SAMPLES = {
    "cases:public_sms_code": (None, "post", 400),  # no phone given
    "cases:public_track_detail": ({"tracking_code": "TS000000AAAAAA"}, "get", 302),
    "cases:public_callback": ({"tracking_code": "TS000000AAAAAA"}, "post", 302),
    "cases:public_withdraw": ({"tracking_code": "TS000000AAAAAA"}, "get", 302),
    "cases:public_track_sms": ({"tracking_code": "TS000000AAAAAA"}, "post", 302),
    "open311:discovery": ({"format": "xml"}, "get", 200),
    "open311:services": ({"format": "json"}, "get", 200),
    "open311:service_definition": ({"format": "xml", "service_code": "elevator"}, "get", 200),
    "open311:requests": ({"format": "json"}, "get", 200),
    "open311:request": ({"format": "json", "service_request_id": "TS000000AAAAAA"}, "get", 404),  # spec's "not found"
    "open311:token": ({"format": "xml", "token": "TS000000AAAAAA"}, "get", 404),
    "developers:public_detail": ({"pk": 999999}, "get", 404),  # only developers with confirmed violations
    # "world:<attr>" is replaced by the id of that object of the test world.
    "credit:public_company": ({"pk": "world:company_a"}, "get", 200),
    "api-company-credit": ({"pk": "world:company_a"}, "get", 200),
    "supervision:star_public_estate": ({"estate_pk": "world:estate_a"}, "get", 200),
    "supervision:star_notice_detail": ({"pk": 1}, "get", 404),  # no result in notice in the test world
    "supervision:draw_public": ({"pk": 1}, "get", 404),  # no published draw in the test world
    "supervision:draw_public_data": ({"pk": 1}, "get", 404),
    "disclosure:utility_public": ({"pk": 1}, "get", 404),  # no published utility allocation in the test world
    "disclosure:income_public": ({"pk": 1}, "get", 404),  # no published report in the test world
    "portal:home": (None, "get", 302),  # to public:home
    "public:estate": ({"pk": "world:estate_a"}, "get", 200),
    "public:company": ({"pk": "world:company_a"}, "get", 200),
    "public:article": ({"pk": 1}, "get", 404),  # no published article in the test world
    "public:bulletin": ({"pk": 1}, "get", 404),  # no public bulletin in the test world
    "disclosure:fee_public": ({"estate_pk": "world:estate_a"}, "get", 200),
    "rulemaking:public_draft": ({"pk": 1}, "get", 404),  # no draft in the test world
    "rulemaking:public_document": ({"pk": 1}, "get", 404),  # no document in the test world
}

METHODS = ["get", "post", "put", "patch", "delete"]
REFUSALS = {401, 403, 404, 405}

# Values for path parameters, by parameter name; others get the first candidate that matches
# the parameter's own pattern. Integer ids are 1: the first row of every table in the world.
BY_NAME = {"format": ["json", ".json"], "kind": ["owner"], "field": ["phone"], "path": ["css/wuye.css"],
           "uidb64": ["MQ"], "token": ["set-password"]}
CANDIDATES = ["1", "json", "x", "a1", str(uuid.UUID(int=1))]


@dataclass(frozen=True)
class Endpoint:
    name: str  # namespaced URL name, or "" for an unnamed pattern
    route: str  # the joined patterns, as Django's ResolverMatch.route shows them
    url: str  # a concrete URL for the pattern


def _walk(patterns, prefix=(), namespaces=()):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespaces + ((p.namespace,) if p.namespace else ())
            yield from _walk(p.url_patterns, prefix + (p,), ns)
        elif isinstance(p, URLPattern):
            name = ":".join(namespaces + (p.name,)) if p.name else ""
            yield name, prefix + (p,)


def _group_end(regex: str, start: int) -> int:
    """Index just after the group that opens at ``regex[start] == "("``."""
    depth, i = 0, start
    while i < len(regex):
        c = regex[i]
        if c == "\\":
            i += 2
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError(f"unbalanced group in {regex!r}")


def _fill(regex: str) -> str:
    """A string matched by one URL pattern's regex, with its parameters filled in."""
    regex = regex.removeprefix("^")
    for tail in ("\\Z", "$"):
        regex = regex.removesuffix(tail)
    out, i = [], 0
    while i < len(regex):
        c = regex[i]
        if c == "(":
            end = _group_end(regex, i)
            group = regex[i:end]
            m = re.match(r"\(\?P<(\w+)>(.*)\)$", group, re.S)
            name, body = (m.group(1), m.group(2)) if m else ("", group[1:-1].removeprefix("?:"))
            choices = BY_NAME.get(name, []) + CANDIDATES
            value = next((v for v in choices if re.fullmatch(body, v)), None)
            if value is None:
                raise ValueError(f"no sample value for group {group!r}")
            out.append(value)
            i = end
        elif c == "\\":
            out.append(regex[i + 1])
            i += 2
        elif c == "?" and out and out[-1] == "/":
            i += 1  # "/?" — keep the slash
        elif c in ".*+[]{}|^$?":
            raise ValueError(f"cannot build a sample URL for {regex!r}")
        else:
            out.append(c)
            i += 1
    return "".join(out)


def endpoints() -> list[Endpoint]:
    found = []
    for name, chain in _walk(get_resolver().url_patterns):
        url = "/" + "".join(_fill(p.pattern.regex.pattern) for p in chain)
        route = "".join(str(p.pattern).removeprefix("^") for p in chain)  # as ResolverMatch.route joins them
        found.append(Endpoint(name, route, url))
    return found


ENDPOINTS = endpoints()


@pytest.fixture
def world(db):
    return build_world()


def _login_path() -> str:
    return reverse(settings.LOGIN_URL)


def _refuses(response) -> bool:
    if response.status_code in REFUSALS:
        return True
    if response.status_code in (301, 302, 303, 307, 308):
        return urlsplit(response["Location"]).path == _login_path()
    return False


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.name or '-'} {e.url}")
def test_every_endpoint_refuses_anonymous_users_unless_public(world, endpoint: Endpoint):
    match = resolve(urlsplit(endpoint.url).path)
    assert match.route == endpoint.route, f"sample URL {endpoint.url} resolves to {match.route}, not {endpoint.route}"

    client = Client()
    answers = {}
    for method in METHODS:
        response = getattr(client, method)(endpoint.url)
        answers[method] = (response.status_code, response.get("Location", ""))
        assert response.status_code < 500, (method, endpoint.url)
        if endpoint.name not in PUBLIC:
            assert _refuses(response), (
                f"{method.upper()} {endpoint.url} ({endpoint.name or 'unnamed'}) answered an anonymous user with "
                f"{response.status_code} {response.get('Location', '')}: protect the view (login_required, "
                f"IsAuthenticated, a selector that returns 404) or, after review, add it to PUBLIC."
            )


def test_the_walk_reaches_every_kind_of_pattern():
    names = {e.name for e in ENDPOINTS}
    routes = [e.route for e in ENDPOINTS]
    # Namespaced pages, router endpoints (list, detail, extra actions) and the API root.
    assert {"portal:home", "accounts:login", "registry:estate_list", "api-estate-list", "api-estate-detail",
            "api-owner-reveal", "api-district-list", "api-root", "api-token", "set_language"} <= names
    # Format-suffix variants of the router's patterns.
    assert any("estates\\.(?P<format>" in r for r in routes)
    assert any("estates/(?P<pk>[0-9]+)\\.(?P<format>" in r for r in routes)
    assert len({e.url for e in ENDPOINTS}) == len(ENDPOINTS), "two patterns produced the same sample URL"


def test_allow_list_has_no_stale_entries():
    names = {e.name for e in ENDPOINTS}
    assert set(PUBLIC) <= names, set(PUBLIC) - names


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_endpoints_answer_anonymous_users(world, name):
    kwargs, method, status = PUBLIC_SAMPLES.get(name, (None, "get", 200))
    if kwargs:  # ids of the world's objects: sequences need not start at 1 after other tests
        kwargs = {k: getattr(world, v[6:]).pk if isinstance(v, str) and v.startswith("world:") else v
                  for k, v in kwargs.items()}
    url = reverse(name, kwargs=kwargs)
    client = Client()
    if name == "set_language":
        response = client.post(url, {"language": "en", "next": "/"})
        assert response.status_code == 302
    elif name == "api-token":
        assert client.post(url, {}, content_type="application/json").status_code == 400
    else:
        assert getattr(client, method)(url).status_code == status
