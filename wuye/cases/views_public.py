"""The resident's side of complaints (issue §1, §2, §12, §17): the public form behind the QR code,
the estate search, SMS codes, the photos; the owner's "我的诉求"; the desk's hotline entry.
Tracking by code and phone, the callback and withdrawal are in ``views_track.py``.

Who may see a complaint here:
- the session proved it with tracking code and phone (``SESSION_PROVEN``, a list of ids), or
- the logged-in account filed it (``reporter_user``);
officials read complaints through ``selectors.complaints_visible_to`` as everywhere else.
Everything else is the same "查询码或手机号不正确" (no leak of existence) or an audited 404.

Rate limits (settings, defaults here): ``WUYE_COMPLAINT_RATE_IP_HOUR`` submissions per IP and
hour, ``…_PHONE_HOUR`` / ``…_PHONE_DAY`` complaints per verified phone, ``…_SMS_IP_HOUR`` /
``…_SMS_PHONE_HOUR`` SMS codes (beside the code service's own 60 s / 10 a day),
``…_TRACK_IP_HOUR`` tracking attempts per IP, ``…_SEARCH_IP_HOUR`` estate searches per IP.
Passing one answers HTTP 429 with a Chinese message, the form and what was typed kept.
"""

from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.core.access import refuse
from wuye.core.errors import ServiceError
from wuye.core.listing import page_window, paginate
from wuye.core.masking import mask_phone
from wuye.core.ratelimit import RateLimited, enforce_rate
from wuye.core.request_context import client_ip
from wuye.core.staging import (
    clean_token,
    new_token,
    staged_add,
    staged_consume,
    staged_files,
    staged_list,
    staged_remove,
    thumbnail_data_uri,
)
from wuye.notifications.sms_codes import normalise_phone, sms_code_send, sms_code_verify
from wuye.registry.selectors import estates_visible_to

from . import selectors as sel
from . import services
from .forms_public import (
    CONFIDENTIAL_NOTE,
    HotlineComplaintForm,
    PublicComplaintForm,
    ResidentComplaintForm,
    estate_label,
    estate_matches,
)
from .models import Complaint, IdempotencyKey, Photo, Source, Status
from .selectors import complaints_visible_to

SMS_PURPOSE = "complaint"
FORM_SCOPE = "public-form"
SESSION_PROVEN = "cases_proven"  # ids of complaints this session proved by tracking code and phone
SESSION_VERIFIED = "cases_sms_verified"  # {"phone": ..., "until": epoch}: the phone proven by SMS code
SESSION_LAST = "cases_last_filed"  # tracking code of the complaint just filed on the public form
SESSION_HOTLINE_LAST = "cases_hotline_last"
STAGE_PURPOSE = "complaint-public"  # core.staging: the public form's photos kept across a refusal (issue 14 §10)
PROVEN_KEEP = 30
VERIFIED_FOR_SECONDS = 10 * 60

STATUS_STYLE = {
    Status.SUBMITTED: "secondary", Status.ACCEPTED: "info", Status.DISPATCHED: "primary", Status.SIGNED: "primary",
    Status.IN_PROGRESS: "primary", Status.RETURN_REVIEW: "warning", Status.REPLY_REVIEW: "warning",
    Status.REPLIED: "success", Status.EVALUATED: "warning", Status.CLOSED: "success", Status.REFUSED: "dark",
    Status.DUPLICATE: "dark", Status.WITHDRAWN: "light",
}

# name in settings (WUYE_COMPLAINT_RATE_<name>), default limit, period in seconds
LIMITS = {
    "submit_ip": ("IP_HOUR", 20, 3600),
    "submit_phone_hour": ("PHONE_HOUR", 5, 3600),
    "submit_phone_day": ("PHONE_DAY", 20, 86400),
    "sms_ip": ("SMS_IP_HOUR", 20, 3600),
    "sms_phone": ("SMS_PHONE_HOUR", 5, 3600),
    "track_ip": ("TRACK_IP_HOUR", 30, 3600),
    "search_ip": ("SEARCH_IP_HOUR", 600, 3600),
}


# ---- helpers --------------------------------------------------------------------------------


def _limit(kind: str, ident: str, message) -> None:
    name, default, period = LIMITS[kind]
    limit = int(getattr(settings, f"WUYE_COMPLAINT_RATE_{name}", default))
    enforce_rate(f"complaint:{kind}:{ident}", limit=limit, period_seconds=period, message=message)


def _ip(request) -> str:
    return client_ip(request) or "unknown"


def _limited(response, exc: RateLimited):
    response["Retry-After"] = str(max(exc.retry_after, 1))
    return response


def _proven_ids(request) -> list[int]:
    return [int(x) for x in request.session.get(SESSION_PROVEN, []) if str(x).isdigit()]


def _prove(request, c: Complaint) -> None:
    ids = [x for x in _proven_ids(request) if x != c.pk] + [c.pk]
    request.session[SESSION_PROVEN] = ids[-PROVEN_KEEP:]


def _verified_phone(request) -> str:
    data = request.session.get(SESSION_VERIFIED) or {}
    if data.get("phone") and float(data.get("until", 0)) > time.time():
        return data["phone"]
    return ""


def _set_verified(request, phone: str) -> None:
    request.session[SESSION_VERIFIED] = {"phone": phone, "until": time.time() + VERIFIED_FOR_SECONDS}


def _is_resident(user) -> bool:
    return sel.files_own_complaints(user)


def _reporter_complaint(request, tracking_code: str) -> Complaint | None:
    """The complaint if this session proved it, or the logged-in account filed it; else None."""
    code = (tracking_code or "").strip().upper()
    c = sel.complaint_by_code(code) if code else None
    if c is None:
        return None
    user = request.user
    if c.pk in _proven_ids(request):
        return c
    if user.is_authenticated and c.reporter_user_id == user.pk:
        return c
    return None


def _kept(request, fields) -> dict:
    """What was typed, to show again in an unbound form (no error messages)."""
    data = {f: request.POST.get(f, "") for f in fields}
    if "anonymous" in fields:
        data["anonymous"] = bool(request.POST.get("anonymous"))
    return data


def _photos_posted(request) -> bool:
    return any(f for f in request.FILES.getlist("photos"))


def _actor(request):
    return request.user if request.user.is_authenticated else None


# ---- the public form (issue §1) -------------------------------------------------------------


class Staged:
    """The public form's staged photos (``core.staging``): the token the form posts back, the
    rows kept so far with their thumbnails, the messages of the files refused."""

    def __init__(self, token: str = "", rows=(), errors=()):
        self.token = clean_token(token) or new_token()
        self.rows = list(rows)
        self.errors = list(errors)

    @property
    def thumbs(self):
        return [(r, thumbnail_data_uri(r)) for r in self.rows]


def _staged_kept(request) -> Staged:
    """Only what is staged already (nothing new is written): the send-code and rate-limited paths."""
    token = clean_token(request.POST.get("staged"))
    return Staged(token, staged_list(token, purpose=STAGE_PURPOSE) if token else [])


def _stage(request) -> Staged:
    """Remove the photos whose 移除 box is ticked, keep the newly chosen ones (each checked and
    cleaned by ``core.uploads``); a bad file is refused alone, with its message."""
    token = clean_token(request.POST.get("staged")) or new_token()
    staged_remove(token=token, purpose=STAGE_PURPOSE, ids=request.POST.getlist("staged_remove"))
    rows, errors = staged_add(token=token, purpose=STAGE_PURPOSE, files=request.FILES.getlist("photos"))
    return Staged(token, rows, errors)


def _render_new(request, form, *, status: int = 200, sms: dict | None = None, limited: RateLimited | None = None,
                photos_lost: bool = False, staged: Staged | None = None):
    staged = staged or Staged()
    ctx = {
        "form": form, "sms": sms or {}, "limited": limited, "photos_lost": photos_lost, "staged": staged,
        "estate": form.selected_estate(), "candidates": getattr(form, "estate_candidates", []),
        "confidential_note": CONFIDENTIAL_NOTE, "phone_verified": form.phone_verified,
        "resident": _is_resident(request.user),
    }
    response = render(request, "cases/public/new.html", ctx, status=status)
    return _limited(response, limited) if limited else response


PUBLIC_FIELDS = ["estate", "estate_q", "category", "title", "description", "location", "name", "phone", "code",
                 "anonymous", "idem"]


def _send_code(request, raw_phone: str, *, send=None) -> tuple[int, dict]:
    """Send an SMS code for the public form (or, with ``send(phone, ip)``, for another purpose,
    under the same limits per client address and phone); (HTTP status, what the hint shows)."""
    try:
        phone = normalise_phone(raw_phone)
    except ServiceError:
        return 400, {"error": _g("手机号码格式不正确，请填写 11 位手机号，如 13812345678")}
    ip = _ip(request)
    try:
        _limit("sms_ip", ip, _("当前网络获取验证码过于频繁，请稍后再试"))
        _limit("sms_phone", phone, _("该手机号获取验证码过于频繁，请稍后再试"))
        if send is not None:
            code = send(phone, client_ip(request))
        else:
            code = sms_code_send(phone=phone, purpose=SMS_PURPOSE, ip=client_ip(request))
    except RateLimited as exc:
        return 429, {"error": exc.messages[0], "retry_after": exc.retry_after, "limited": exc}
    except ServiceError as exc:
        return 400, {"error": exc.messages[0]}
    return 200, {"sent": True, "phone_masked": mask_phone(phone), "demo_code": code or ""}


def _filed_for_key(key: str) -> IdempotencyKey | None:
    if not key:
        return None
    return sel.idempotency_key(FORM_SCOPE, key)


@require_http_methods(["GET", "POST"])
def public_new(request):
    """``/complaints/new/``: no login; ``?estate=<id>`` (the QR code's link) preselects the estate."""
    verified = _verified_phone(request)
    if request.method == "GET":
        initial = {}
        raw = request.GET.get("estate", "")
        if raw.isdigit():
            estate = sel.estate_by_pk(raw)
            if estate:
                initial.update(estate=estate.pk, estate_q=estate.name)
        return _render_new(request, PublicComplaintForm(initial=initial, verified_phone=verified))

    if request.POST.get("send_code"):
        # Without JavaScript the "获取验证码" button submits the whole form: send, keep everything.
        form = PublicComplaintForm(initial=_kept(request, PUBLIC_FIELDS), verified_phone=verified)
        status, sms = _send_code(request, request.POST.get("phone", ""))
        return _render_new(request, form, status=status, sms=sms, limited=sms.get("limited"),
                           photos_lost=_photos_posted(request), staged=_staged_kept(request))

    try:
        _limit("submit_ip", _ip(request), _("当前网络提交诉求过于频繁，请稍后再试"))
    except RateLimited as exc:
        form = PublicComplaintForm(initial=_kept(request, PUBLIC_FIELDS), verified_phone=verified)
        return _render_new(request, form, status=429, limited=exc, photos_lost=_photos_posted(request),
                           staged=_staged_kept(request))

    # The photos are staged first (issue 14 §10): a form refused for any other field keeps them.
    staged = _stage(request)
    form = PublicComplaintForm(request.POST, verified_phone=verified)
    valid = form.is_valid()
    for message in staged.errors:
        form.add_error("photos", f"{message}。{_g('请重新选择照片。')}")
    lost = bool(staged.errors)
    if not valid or staged.errors:
        return _render_new(request, form, photos_lost=lost, staged=staged)
    cd = form.cleaned_data
    payload = {k: cd.get(k) for k in ("title", "description", "location", "name", "phone", "anonymous")}
    payload.update(estate=cd["estate_obj"].pk, category=cd["category"].pk)
    fingerprint = services.request_fingerprint(payload)
    key = cd.get("idem") or ""
    done = _filed_for_key(key)
    if done is not None:
        if done.request_hash == fingerprint:
            # The same form sent twice (a double tap, a retry): one complaint, shown again.
            staged_consume(token=staged.token, purpose=STAGE_PURPOSE)
            _prove(request, done.complaint)
            request.session[SESSION_LAST] = done.complaint.tracking_code
            return redirect("cases:public_done")
        key = uuid.uuid4().hex  # the old page changed and sent again: a new complaint

    phone = cd["phone"]
    if phone != verified:
        try:
            sms_code_verify(phone=phone, purpose=SMS_PURPOSE, code=cd["code"])
        except ServiceError as exc:
            form.add_error("code", exc.messages[0])
            return _render_new(request, form, photos_lost=lost, staged=staged)
        _set_verified(request, phone)
        form.verified_phone = verified = phone
    try:
        message = _("该手机号提交诉求过于频繁，请稍后再试；紧急情况请拨打 12345")
        _limit("submit_phone_hour", phone, message)
        _limit("submit_phone_day", phone, message)
    except RateLimited as exc:
        return _render_new(request, form, status=429, limited=exc, photos_lost=lost, staged=staged)
    user = request.user if _is_resident(request.user) else None
    try:
        c, _created = services.complaint_file_idempotent(
            scope=FORM_SCOPE, key=key, fingerprint=fingerprint,
            estate=cd["estate_obj"], category=cd["category"], description=cd["description"], title=cd["title"],
            location=cd["location"], reporter_name=cd["name"], reporter_phone=phone, anonymous=cd["anonymous"],
            source=Source.WEB, reporter_user=user, created_by=None, photos=staged_files(staged.rows),
        )
    except ServiceError as exc:
        form.add_error(None, exc.messages[0])
        return _render_new(request, form, photos_lost=lost, staged=staged)
    staged_consume(token=staged.token, purpose=STAGE_PURPOSE)
    request.session.pop(SESSION_VERIFIED, None)  # the next complaint needs a new code
    _prove(request, c)
    request.session[SESSION_LAST] = c.tracking_code
    return redirect("cases:public_done")


@require_POST
def public_sms_code(request):
    """``POST /complaints/sms-code/`` (htmx): send the code; the hint fragment says what happened."""
    status, sms = _send_code(request, request.POST.get("phone", ""))
    response = render(request, "cases/public/_sms_hint.html", {"sms": sms}, status=status)
    return _limited(response, sms["limited"]) if sms.get("limited") else response


@require_GET
def public_estates(request):
    """``/complaints/estates/?q=``: at most 10 estates by name, address or pinyin initials — names
    and addresses of estates are public. JSON, or the suggestion list for htmx. ``scope=mine``
    limits a logged-in official to their own area (the hotline form)."""
    q = request.GET.get("q") or request.GET.get("estate_q") or ""
    try:
        _limit("search_ip", _ip(request), _("查询过于频繁，请稍后再试"))
    except RateLimited as exc:
        return _limited(JsonResponse({"detail": exc.messages[0]}, status=429), exc)
    qs = sel.public_estates()
    if request.GET.get("scope") == "mine" and request.user.is_authenticated:
        qs = estates_visible_to(request.user)
    found = estate_matches(qs, q)
    if request.htmx:
        return render(request, "cases/public/_estate_results.html", {"estates": found, "q": q.strip()})
    return JsonResponse({"results": [
        {"id": e.pk, "name": e.name, "address": e.address, "district": e.district.name} for e in found
    ]}, json_dumps_params={"ensure_ascii": False})


@require_GET
def public_done(request):
    """The tracking code in big letters after a successful submission."""
    code = request.session.get(SESSION_LAST, "")
    c = _reporter_complaint(request, code) if code else None
    return render(request, "cases/public/done.html", {"complaint": c})


# ---- photos (tracking itself is in views_track.py) ------------------------------------------


def published_evidence(c: Complaint) -> list[Photo]:
    """Evidence photos of the lead unit's reply that the reviewer published (none before that)."""
    if not c.public_reply or c.status not in (Status.REPLIED, Status.EVALUATED, Status.CLOSED) or not c.published_at:
        return []
    reply = (c.events.filter(action="reply", to_status=Status.REPLY_REVIEW, created_at__lte=c.published_at)
             .order_by("-created_at", "-id").first())
    if reply is None:
        return []
    return sel.reply_evidence(c, reply)


@require_GET
def public_photo(request, pk: int):
    """A complaint photo, through a check: officials who can see the complaint get every photo;
    the reporter (account or proven session) gets their own report photos and the evidence of
    the published reply. Anything else is an audited 404."""
    photo = sel.photo_with_complaint(pk)
    user = request.user
    allowed = False
    if photo is not None:
        c = photo.complaint
        official = sel.is_official(user) and complaints_visible_to(user).filter(pk=c.pk).exists()
        reporter = c.pk in _proven_ids(request) or (user.is_authenticated and c.reporter_user_id == user.pk)
        if official:
            allowed = True
        elif reporter:
            allowed = photo.kind == Photo.Kind.REPORT or photo in published_evidence(c)
    if not allowed:
        refuse(user=user, model=Photo, pk=pk, reason=_("无权查看该诉求照片或照片不存在"))
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response


# ---- the owner's complaints (issue §2) ------------------------------------------------------


def _require_resident(request) -> None:
    if not _is_resident(request.user):
        raise PermissionDenied(_("“我的诉求”供业主账号使用"))


@login_required
@require_GET
def public_mine(request):
    _require_resident(request)
    qs = (complaints_visible_to(request.user).filter(reporter_user=request.user)
          .select_related("estate", "category").order_by("-created_at", "-id"))
    page = paginate(request, qs)
    rows = [(c, STATUS_STYLE.get(c.status, "secondary")) for c in page.object_list]
    return render(request, "cases/public/mine.html", {"page": page, "rows": rows, "window": page_window(page),
                                                       "query": ""})


@login_required
@require_http_methods(["GET", "POST"])
def public_mine_new(request):
    """Filed from the account: the estate from the owner's homes, name and phone from the account."""
    _require_resident(request)
    user = request.user
    estates = estates_visible_to(user).order_by("name", "id")
    form = ResidentComplaintForm(request.POST or None, request.FILES or None, estates=estates,
                                 account_phone=user.phone)
    limited = None
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            message = _("提交诉求过于频繁，请稍后再试；紧急情况请拨打 12345")
            _limit("submit_phone_hour", f"user:{user.pk}", message)
            _limit("submit_phone_day", f"user:{user.pk}", message)
            c = services.complaint_file(
                estate=cd["estate"], category=cd["category"], description=cd["description"], title=cd["title"],
                location=cd["location"], reporter_name=user.full_name or user.username,
                reporter_phone=user.phone or cd.get("phone", ""), anonymous=cd["anonymous"],
                source=Source.RESIDENT, reporter_user=user, created_by=user, photos=cd["photos"],
            )
        except RateLimited as exc:
            limited = exc
        except ServiceError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _g("诉求已提交，查询码 %(code)s。处理进展会通过站内消息和短信通知您。") % {
                "code": c.tracking_code})
            return redirect("cases:public_track_detail", tracking_code=c.tracking_code)
    response = render(request, "cases/public/mine_new.html", {
        "form": form, "has_estates": estates.exists(), "limited": limited,
        "photos_lost": request.method == "POST" and _photos_posted(request),
        "account_phone": mask_phone(user.phone), "confidential_note": CONFIDENTIAL_NOTE,
    }, status=429 if limited else 200)
    return _limited(response, limited) if limited else response


# ---- hotline entry by the desk (issue §2) ---------------------------------------------------


def _require_desk(request) -> None:
    if not sel.is_desk(request.user):
        raise PermissionDenied(_("热线录入仅限市局和区县主管部门的受理人员"))


@login_required
@require_http_methods(["GET", "POST"])
def public_hotline_new(request):
    _require_desk(request)
    estates = estates_visible_to(request.user)
    form = HotlineComplaintForm(request.POST or None, request.FILES or None, estates=estates,
                                initial={"source": Source.HOTLINE_12345})
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            c = services.complaint_file(
                estate=cd["estate_obj"], category=cd["category"], description=cd["description"], title=cd["title"],
                location=cd["location"], reporter_name=cd["reporter_name"], reporter_phone=cd["reporter_phone"],
                anonymous=cd["anonymous"], source=cd["source"], source_ticket=cd["source_ticket"],
                reporter_user=None, created_by=request.user, photos=cd["photos"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.messages[0])
        else:
            request.session[SESSION_HOTLINE_LAST] = c.pk
            return redirect("cases:public_hotline_done")
    return render(request, "cases/public/hotline_new.html", {
        "form": form, "estate": form.selected_estate(), "candidates": form.estate_candidates,
        "photos_lost": request.method == "POST" and _photos_posted(request), "confidential_note": CONFIDENTIAL_NOTE,
    })


@login_required
@require_GET
def public_hotline_done(request):
    _require_desk(request)
    pk = request.session.get(SESSION_HOTLINE_LAST)
    c = sel.complaint_entered_by(request.user, pk) if pk else None
    return render(request, "cases/public/hotline_done.html", {"c": c, "estate_label": estate_label(c.estate) if c else ""})
