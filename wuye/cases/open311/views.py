"""Open311 GeoReport v2 at ``/open311/v2/`` (issue §4, rules.md §7), in XML and JSON.

- ``discovery.{fmt}``, ``services.{fmt}``, ``services/<service_code>.{fmt}``: the catalogue. A
  service is one complaint category (``service_code`` = the category's code). Every service has
  metadata: the attribute ``estate_id`` names the estate (小区); a client may instead put the
  estate's exact name or address in ``address_string``. Latitude and longitude are not used.
- ``POST requests.{fmt}``: files a complaint for a partner system, which must send its
  ``api_key`` (issued by the platform's system administrator; only its hash is stored). The
  complaint's source is ``open311``. ``media_url`` is ignored: the platform downloads nothing.
  ``email``, ``device_id`` and ``account_id`` are ignored too.
- ``GET requests.{fmt}``, ``GET requests/<id>.{fmt}``: the status of complaints, readable by
  anyone as the spec intends, so they say only what may be public: never the resident's name,
  phone or own words (``description`` is left out: residents write names and room numbers in
  it), never a confidential clue report (涉黑涉恶), no photos, no coordinates. ``status`` is
  ``open`` or ``closed`` (every final state is closed); ``status_notes`` is the Chinese status
  and the published reply; ``expected_datetime`` is the current deadline (resolve, else accept).
- ``GET tokens/<token>.{fmt}``: complaints are filed at once, so ``POST requests`` answers with
  the ``service_request_id`` and the token of a request is that id; this resource exists for
  clients that ask anyway.

``service_request_id`` is the complaint's public number (``public_id``), never its tracking code
(查询码): the tracking code is the resident's private key to the complaint, so no public listing
shows it and no public resource answers to it (issue 13 item 2; ASVS 4.0 V4.2.1, V8.3.4). Only the
partner that filed a request reads its tracking code, in the ``service_notice`` of its ``POST``
answer, to pass on to the resident.

Errors follow the spec: ``[{"code": 400, "description": "..."}]`` or
``<errors><error><code>400</code><description>…</description></error></errors>``; a missing or
unknown ``api_key`` is 403, an unknown service or request 404.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from wuye.cases import services
from wuye.cases.models import FINAL_STATUSES, OPEN_STATUSES, Category, Complaint, Source
from wuye.cases.selectors import (
    active_categories,
    categories_changed_at,
    estate_by_pk,
    estates_named,
    open311_requests,
)
from wuye.cases.serializers import clean_contact_phone
from wuye.core.audit import audit_record
from wuye.core.calendar import describe_period
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction
from wuye.registry.models import Estate

from . import render
from .keys import partner_key_for, partner_key_touch

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
MAX_REQUESTS = 1000
MAX_IDS = 200
WINDOW = timedelta(days=90)
GET_ONLY = ("GET", "HEAD")


# ---- shared pieces ----------------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _method_not_allowed(fmt: str, allowed: tuple[str, ...]):
    response = render.error(fmt, 405, _("不支持的请求方法"))
    response["Allow"] = ", ".join(allowed)
    return response


def _categories():
    return active_categories()


def _limits(cat: Category) -> str:
    return _("受理时限 %(accept)s，办结时限 %(resolve)s") % {
        "accept": describe_period(cat.accept_amount, cat.accept_unit),
        "resolve": describe_period(cat.resolve_amount, cat.resolve_unit),
    }


def _service(cat: Category) -> dict:
    description = cat.description or cat.name
    description = f"{description}（{_limits(cat)}）"
    if cat.confidential:
        description += _("。保密类别：办理进度不对外公开")
    keywords = [cat.name, cat.get_responsible_display()]
    if cat.emergency:
        keywords.append(_("紧急"))
    return {
        "service_code": cat.code,
        "service_name": cat.name,
        "description": description,
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(keywords),
        "group": cat.get_responsible_display(),
    }


def public_id(c: Complaint) -> str:
    """The complaint's public number in Open311 (its database id), never the tracking code."""
    return str(c.pk)


def _status_notes(c: Complaint) -> str:
    notes = c.get_status_display()
    if c.duplicate_of_id and c.duplicate_of is not None:
        notes += _("（与诉求 %(code)s 合并办理）") % {"code": public_id(c.duplicate_of)}
    if c.public_reply:
        notes += _("。答复：%(reply)s") % {"reply": c.public_reply}
    return notes


MILESTONES = ("created_at", "accepted_at", "dispatched_at", "signed_at", "contacted_at", "replied_at",
              "published_at", "callback_at", "closed_at")


def _request(c: Complaint) -> dict:
    """One complaint as a GeoReport service request, without any personal data."""
    updated = max(m for m in (getattr(c, f) for f in MILESTONES) if m is not None)
    return {
        "service_request_id": public_id(c),
        "status": "closed" if c.status in FINAL_STATUSES else "open",
        "status_notes": _status_notes(c),
        "service_name": c.category.name,
        "service_code": c.category.code,
        "agency_responsible": c.unit_name,
        "service_notice": "",
        "requested_datetime": _iso(c.created_at),
        "updated_datetime": _iso(updated),
        "expected_datetime": _iso(c.resolve_due or c.accept_due),
        "address": c.estate.address,
        "address_id": c.estate_id,
    }


def _public_requests():
    """Complaints Open311 may show: everything but confidential clue reports."""
    return open311_requests()


def _ids(raw: list[str]) -> list[int]:
    """Public numbers from a request (anything else, a tracking code included, matches nothing)."""
    return [int(part) for part in raw if part.isdigit() and len(part) <= 18]


def _find(request_id: str) -> Complaint | None:
    ids = _ids([(request_id or "").strip()])
    return _public_requests().filter(pk=ids[0]).first() if ids else None


# ---- discovery and services -------------------------------------------------------------------


def discovery(request, format):
    if request.method not in GET_ONLY:
        return _method_not_allowed(format, GET_ONLY)
    changed = categories_changed_at()
    changeset = _iso(changed) or _iso(timezone.now())
    base = reverse("open311:discovery", kwargs={"format": format}).rsplit("/", 1)[0] + "/"
    return render.respond(format, "discovery", {
        "changeset": changeset,
        "contact": _("市住房保障房产局 接诉即办平台（市民服务热线 12345）"),
        "key_service": _("POST requests 需要接入密钥（api_key），请向平台系统管理员申请"),
        "endpoints": [{
            "specification": SPEC_URL,
            "url": request.build_absolute_uri(base),
            "changeset": changeset,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    })


def service_list(request, format):
    if request.method not in GET_ONLY:
        return _method_not_allowed(format, GET_ONLY)
    return render.respond(format, "services", [_service(cat) for cat in _categories()])


def _attributes() -> list[dict]:
    """The service definition's attributes (the same for every service)."""
    return [
        {
            "variable": True, "code": "estate_id", "datatype": "number", "required": False,
            "datatype_description": _("本平台的小区编号。未填写时须在 address_string 中填写小区名称或地址（完全一致）"),
            "order": 1, "description": _("小区编号"),
        },
        {
            "variable": True, "code": "location", "datatype": "string", "required": False,
            "datatype_description": _("不超过 100 字"), "order": 2,
            "description": _("具体位置（如 3 号楼 2 单元门口）"),
        },
        {
            "variable": True, "code": "anonymous", "datatype": "singlevaluelist", "required": False,
            "datatype_description": _("默认为 0（不隐藏）"), "order": 3,
            "description": _("是否对物业服务企业隐藏诉求人姓名"),
            "values": [{"key": "0", "name": _("否")}, {"key": "1", "name": _("是")}],
        },
    ]


def service_definition(request, format, service_code):
    if request.method not in GET_ONLY:
        return _method_not_allowed(format, GET_ONLY)
    cat = _categories().filter(code=service_code).first()
    if cat is None:
        return render.error(format, 404, _("服务类别 %(code)s 不存在") % {"code": service_code})
    return render.respond(format, "service_definition", {"service_code": cat.code, "attributes": _attributes()})


# ---- requests ---------------------------------------------------------------------------------


@csrf_exempt
def service_requests(request, format):
    if request.method == "POST":
        return _post_request(request, format)
    if request.method not in GET_ONLY:
        return _method_not_allowed(format, ("GET", "HEAD", "POST"))
    try:
        qs = _filtered(request.GET)
    except ServiceError as exc:
        return render.error(format, 400, exc.messages[0])
    return render.respond(format, "service_requests", [_request(c) for c in qs])


def _when(raw: str, name: str, *, end: bool = False) -> datetime:
    raw = raw.strip()
    moment = parse_datetime(raw.replace(" ", "+")) if "T" in raw else None
    if moment is None:
        day = parse_date(raw)
        if day is None:
            raise ServiceError(_("%(name)s 格式不正确，应为 ISO 8601 时间，如 2026-01-01T00:00:00+08:00") % {"name": name})
        moment = datetime.combine(day, time.max if end else time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _split(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def _filtered(params):
    """GET requests: service_request_id (a comma list; overrides the rest), service_code,
    start_date, end_date (at most 90 days apart; the last 90 days by default), status."""
    qs = _public_requests()
    ids = _split(params.get("service_request_id"))
    if ids:
        return qs.filter(pk__in=_ids(ids[:MAX_IDS])).order_by("-created_at", "-id")
    codes = _split(params.get("service_code"))
    if codes:
        qs = qs.filter(category__code__in=codes)
    start = _when(params["start_date"], "start_date") if params.get("start_date") else None
    end = _when(params["end_date"], "end_date", end=True) if params.get("end_date") else None
    if start and end and start > end:
        raise ServiceError(_("start_date 不能晚于 end_date"))
    if start and end and end - start > WINDOW:
        raise ServiceError(_("start_date 与 end_date 相隔不能超过 90 天"))
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - WINDOW
    if end is None:
        end = start + WINDOW
    qs = qs.filter(created_at__gte=start, created_at__lte=end)
    statuses = _split(params.get("status"))
    if statuses:
        unknown = set(statuses) - {"open", "closed"}
        if unknown:
            raise ServiceError(_("status 只能是 open 或 closed"))
        if statuses.count("open") and not statuses.count("closed"):
            qs = qs.filter(status__in=OPEN_STATUSES)
        elif statuses.count("closed") and not statuses.count("open"):
            qs = qs.filter(status__in=FINAL_STATUSES)
    return qs.order_by("-created_at", "-id")[:MAX_REQUESTS]


def _reporter_name(first: str, last: str) -> str:
    first, last = (first or "").strip(), (last or "").strip()
    if any("\u4e00" <= ch <= "\u9fff" for ch in first + last):
        return f"{last}{first}"  # Chinese names: family name first, no space
    return " ".join(p for p in (first, last) if p)


def _estate(params) -> Estate:
    raw_id = (params.get("attribute[estate_id]") or "").strip()
    if raw_id:
        if not raw_id.isdigit():
            raise ServiceError(_("attribute[estate_id] 应为小区编号（整数）"))
        estate = estate_by_pk(int(raw_id))
        if estate is None:
            raise ServiceError(_("小区编号 %(id)s 不存在") % {"id": raw_id})
        return estate
    address = (params.get("address_string") or "").strip()
    if address:
        matches = estates_named(address)
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise ServiceError(_("有多个小区与 address_string “%(a)s”一致，请改用 attribute[estate_id]") % {"a": address})
        raise ServiceError(_("没有与 address_string “%(a)s”完全一致的小区名称或地址") % {"a": address})
    if params.get("lat") or params.get("long"):
        raise ServiceError(_("暂不支持按经纬度定位，请提供 attribute[estate_id] 或 address_string"))
    raise ServiceError(_("请提供 attribute[estate_id]（小区编号）或 address_string（小区名称或地址）"))


def _post_request(request, fmt: str):
    params = request.POST
    key = partner_key_for(params.get("api_key") or request.GET.get("api_key"))
    if key is None:
        return render.error(fmt, 403, _("api_key 无效或已停用，请向平台系统管理员申请接入密钥"))
    code = (params.get("service_code") or "").strip()
    if not code:
        return render.error(fmt, 400, _("缺少 service_code"))
    cat = _categories().filter(code=code).first()
    if cat is None:
        return render.error(fmt, 400, _("service_code %(code)s 不存在") % {"code": code})
    try:
        estate = _estate(params)
        phone = clean_contact_phone(params.get("phone", ""))
        anonymous = (params.get("attribute[anonymous]") or "0").strip()
        if anonymous not in ("0", "1"):
            raise ServiceError(_("attribute[anonymous] 只能是 0 或 1"))
        with transaction.atomic():
            c = services.complaint_file(
                estate=estate, category=cat, description=params.get("description", ""),
                location=params.get("attribute[location]", ""),
                reporter_name=_reporter_name(params.get("first_name", ""), params.get("last_name", "")),
                reporter_phone=phone, anonymous=anonymous == "1", source=Source.OPEN311,
            )
            audit_record(action=AuditAction.CREATE, actor=None, obj=c,
                         detail=_("经 Open311 合作方“%(name)s”（密钥前缀 %(prefix)s）提交") % {
                             "name": key.name, "prefix": key.key_prefix})
    except ServiceError as exc:
        return render.error(fmt, 400, "；".join(str(m) for m in exc.messages))
    partner_key_touch(key)
    notice = _("已收到诉求，查询码 %(code)s；%(limits)s。诉求人可凭查询码和手机号查询办理进度。") % {
        "code": c.tracking_code, "limits": _limits(cat)}
    return render.respond(fmt, "service_requests", [
        {"service_request_id": public_id(c), "service_notice": notice, "account_id": None},
    ], status=201)


def service_request(request, format, service_request_id):
    if request.method not in GET_ONLY:
        return _method_not_allowed(format, GET_ONLY)
    c = _find(service_request_id)
    if c is None:
        return render.error(format, 404, _("诉求 %(id)s 不存在或不公开") % {"id": service_request_id})
    return render.respond(format, "service_requests", [_request(c)])


def token(request, format, token):
    if request.method not in GET_ONLY:
        return _method_not_allowed(format, GET_ONLY)
    c = _find(token)
    if c is None:
        return render.error(format, 404, _("令牌 %(token)s 不存在") % {"token": token})
    return render.respond(format, "service_requests", [{"service_request_id": public_id(c), "token": public_id(c)}])
