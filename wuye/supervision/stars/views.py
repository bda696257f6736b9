"""Star-rating pages (issue 4 §6, §12–13).

Public (no login): the active ratings with filters, an estate's current level and history, the
results in public notice and the written-objection form (name and phone required, rate-limited).
Signed in: the applications list and detail with the timeline and the action forms, the ratings
with their history and the Excel export, downgrade reviews, and the city bureau's settings.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from wuye.core.access import refuse
from wuye.core.audit import audit_record
from wuye.core.excel import Column, xlsx_response
from wuye.core.listing import apply_sort, page_window, paginate
from wuye.core.masking import mask_phone
from wuye.core.models import AuditAction
from wuye.core.ratelimit import RateLimited, enforce_rate
from wuye.core.request_context import client_ip
from wuye.registry.selectors import estates_visible_to
from wuye.supervision.models import SupervisionSettings

from . import reviews
from . import selectors as sel
from . import services as svc
from .forms import (
    EvaluateForm,
    NoteForm,
    ObjectionDecideForm,
    ObjectionForm,
    RatingFilterForm,
    ReviewDecideForm,
    ReviewOpenForm,
    StarApplyForm,
    StarSettingsForm,
)
from .models import DowngradeReview, StarApplication, StarObjection, StarRating
from .workflow import TRANSITIONS

STATUS_STYLE = {"submitted": "secondary", "gate_failed": "dark", "evaluating": "primary", "notice": "warning",
                "effective": "success", "rejected": "danger", "withdrawn": "light",
                "active": "success", "expired": "secondary", "downgraded": "warning", "revoked": "danger",
                "open": "warning", "kept": "success"}
# The public objection form: submissions per IP and hour (settings: WUYE_STAR_OBJECTION_RATE_IP_HOUR).
OBJECTION_RATE_DEFAULT = 10


def _require(request, allowed: bool, model=StarApplication, reason="无权访问星级评定") -> None:
    if not allowed:
        refuse(user=request.user, model=model, pk="", reason=reason, status=403)


def _crumbs(*items):
    return [(_("星级评定"), reverse("supervision:star_application_list")), *items]


def _public_crumbs(*items):
    return [(_("星级小区"), reverse("supervision:star_public_list")), *items]


def _filtered_ratings(request, qs):
    form = RatingFilterForm(request.GET or None)
    if form.is_valid():
        d = form.cleaned_data
        if d.get("district"):
            qs = qs.filter(district=d["district"])
        if d.get("level"):
            qs = qs.filter(level=d["level"])
        if d.get("q"):
            qs = qs.filter(Q(estate__name__icontains=d["q"]) | Q(company__name__icontains=d["q"]))
    return qs, form


def _query(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# ---- public pages -------------------------------------------------------------------------------


@require_safe
def star_public_list(request):
    """``/supervision/stars/``: active star ratings, by district and level (public)."""
    qs = sel.ratings_public().select_related("estate", "company", "district")
    qs, form = _filtered_ratings(request, qs)
    qs, sort = apply_sort(request, qs, {"level": ("level", "estate__name", "id"), "estate": ("estate__name", "id"),
                                        "until": ("valid_until", "id")}, "-level")
    page = paginate(request, qs)
    counts = sel.rating_counts_public()
    return render(request, "supervision/star_public_list.html", {
        "page": page, "window": page_window(page), "query": _query(request), "form": form, "sort": sort,
        "counts": [(n, counts.get(n, 0)) for n in range(5, 0, -1)], "notices": sel.notices_public().count(),
        "breadcrumbs": [(_("星级小区"), None)],
    })


@require_safe
def star_public_estate(request, estate_pk: int):
    """``/supervision/stars/estates/<id>/``: an estate's current level and its rating history."""
    estate = sel.estate_public_get(estate_pk)
    if estate is None:
        raise Http404
    history = sel.estate_rating_history(estate.pk)
    current = next((r for r in history if r.status == StarRating.Status.ACTIVE), None)
    notice = sel.notices_public().filter(estate=estate).first()
    return render(request, "supervision/star_public_estate.html", {
        "estate": estate, "current": current, "history": history, "notice": notice, "style": STATUS_STYLE,
        "breadcrumbs": _public_crumbs((estate.name, None)),
    })


@require_safe
def star_notice_list(request):
    """``/supervision/stars/notices/``: results in public notice (public)."""
    qs = sel.notices_public().select_related("estate", "company", "district").order_by("notice_end", "id")
    page = paginate(request, qs)
    return render(request, "supervision/star_notice_list.html", {
        "page": page, "window": page_window(page), "query": _query(request),
        "breadcrumbs": _public_crumbs((_("评定公示"), None)),
    })


def _rate_limit(request) -> None:
    limit = int(getattr(settings, "WUYE_STAR_OBJECTION_RATE_IP_HOUR", OBJECTION_RATE_DEFAULT))
    enforce_rate(f"star-objection:ip:{client_ip(request) or 'unknown'}", limit=limit, period_seconds=3600,
                 message=_("当前网络提交异议过于频繁，请稍后再试"))


@require_http_methods(["GET", "POST"])
def star_notice_detail(request, pk: int):
    """``/supervision/stars/notices/<id>/``: one result in notice and the written-objection form."""
    app = get_object_or_404(sel.notices_public().select_related("estate", "company", "district"), pk=pk)
    form = ObjectionForm(request.POST or None, request.FILES or None)
    status, limited = 200, None
    if request.method == "POST":
        try:
            _rate_limit(request)
        except RateLimited as exc:
            limited = exc
            form.is_valid()
            form.add_error(None, exc.messages)
            status = 429
        else:
            if form.is_valid():
                d = form.cleaned_data
                try:
                    svc.star_objection_file(application=app, name=d["name"], phone=d["phone"], text=d["text"],
                                            photos=d["photos"], user=request.user)
                except ValidationError as exc:
                    form.add_error(None, exc.messages)
                else:
                    messages.success(request, _("您的异议已提交，主管部门将核实处理。"))
                    return redirect("supervision:star_notice_detail", pk)
            status = 400
    response = render(request, "supervision/star_notice_detail.html", {
        "app": app, "form": form, "limited": limited,
        "breadcrumbs": _public_crumbs((_("评定公示"), reverse("supervision:star_notice_list")), (app.estate.name, None)),
    }, status=status)
    if limited is not None:
        response["Retry-After"] = str(max(limited.retry_after, 1))
    return response


# ---- applications --------------------------------------------------------------------------------


@require_safe
@login_required
def star_application_list(request):
    """``/supervision/stars/applications/``: the company's own, the district's, or all (city)."""
    user = request.user
    _require(request, sel.can_use_star_pages(user))
    qs = sel.applications_visible_to(user).select_related("estate", "company", "district")
    status = request.GET.get("status") or ""
    if status in StarApplication.Status.values:
        qs = qs.filter(status=status)
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(estate__name__icontains=q) | Q(company__name__icontains=q))
    qs, sort = apply_sort(request, qs, {"created": ("created_at", "id"), "estate": ("estate__name", "id")}, "-created")
    page = paginate(request, qs)
    return render(request, "supervision/star_application_list.html", {
        "page": page, "window": page_window(page), "query": _query(request), "sort": sort, "status": status, "q": q,
        "statuses": StarApplication.Status.choices, "style": STATUS_STYLE,
        "can_apply": sel.can_apply_for_stars(user), "officials": sel.is_star_official(user),
        "open_reviews": sel.reviews_visible_to(user).filter(status=DowngradeReview.Status.OPEN).count(),
        "breadcrumbs": [(_("星级评定"), None)],
    })


@require_http_methods(["GET", "POST"])
@login_required
def star_apply(request):
    user = request.user
    _require(request, sel.can_apply_for_stars(user), reason="只有物业企业负责人可以申报星级")
    estates = estates_visible_to(user).filter(company_id=user.company_id).order_by("name")
    form = StarApplyForm(request.POST or None, estates=estates)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            app = svc.star_apply(actor=user, estate=d["estate"], target_level=d["target_level"], statement=d["statement"])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            if app.status == StarApplication.Status.GATE_FAILED:
                messages.warning(request, _("申报已提交，但不符合申报条件，原因见下方条件审查。"))
            else:
                messages.success(request, _("申报已提交，条件审查通过，等待主管部门评定。"))
            return redirect("supervision:star_application_detail", app.pk)
    return render(request, "supervision/star_apply.html", {"form": form, "breadcrumbs": _crumbs((_("申报星级"), None))})


def _detail_context(request, app, **forms):
    user = request.user
    actions = sel.application_actions(user, app)
    official = sel.is_star_official_for(user, app.district_id)
    objections = list(app.objections.select_related("decided_by")) if official else []
    for o in objections:
        o.phone_shown = mask_phone(o.phone)
        o.photo_indexes = range(len(o.photos or []))
    ctx = {
        "app": app, "actions": actions, "official": official, "style": STATUS_STYLE,
        "events": app.events.select_related("actor"), "objections": objections,
        "pending_objections": sum(1 for o in objections if o.status == StarObjection.Status.PENDING),
        "labels": {k: t.label for k, t in TRANSITIONS.items()} | {"submit": _("提交申报"), "objection": _("收到异议"),
                                                                   "objection_rejected": _("异议不成立")},
        "check_labels": svc.CHECK_LABELS, "advice": svc.evaluation_advice(app) if official else "",
        "evaluate_form": forms.get("evaluate_form") or (EvaluateForm(application=app) if "evaluate" in actions else None),
        "note_form": forms.get("note_form") or NoteForm(), "decide_form": ObjectionDecideForm(),
        "notice_over": bool(app.notice_end and timezone.now() >= app.notice_end),
        "breadcrumbs": _crumbs((f"{app.estate.name} · {app.get_target_level_display()}", None)),
    }
    return ctx


@require_safe
@login_required
def star_application_detail(request, pk: int):
    app = sel.application_get_for_user(user=request.user, pk=pk)
    return render(request, "supervision/star_application_detail.html", _detail_context(request, app))


ACTIONS = {"evaluate", "publish", "reject", "make_effective", "withdraw"}


@require_POST
@login_required
def star_application_act(request, pk: int, action: str):
    """One workflow action from the application page."""
    user = request.user
    app = sel.application_get_for_user(user=user, pk=pk)
    if action not in ACTIONS:
        raise Http404
    if action not in sel.application_actions(user, app):
        if not sel.can_act_on_application(user, app):
            refuse(user=user, model=StarApplication, pk=pk, reason="无权办理该星级申报", status=403)
        messages.error(request, _("该星级申报当前为“%(s)s”，不能执行“%(a)s”") % {
            "s": app.get_status_display(), "a": TRANSITIONS[action].label})
        return redirect("supervision:star_application_detail", pk)
    note_form = NoteForm(request.POST)
    note = note_form.cleaned_data["note"] if note_form.is_valid() else ""
    try:
        if action == "evaluate":
            form = EvaluateForm(request.POST, application=app)
            if not form.is_valid():
                return render(request, "supervision/star_application_detail.html",
                              _detail_context(request, app, evaluate_form=form), status=400)
            d = form.cleaned_data
            svc.star_evaluate(actor=user, application=app, inspection=d["inspection"], survey=d["survey"], note=d["note"])
        elif action == "publish":
            svc.star_publish(actor=user, application=app, note=note)
        elif action == "reject":
            svc.star_reject(actor=user, application=app, note=note)
        elif action == "make_effective":
            svc.star_make_effective(actor=user, application=app)
        else:
            svc.star_withdraw(actor=user, application=app, note=note)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已办理：%(a)s") % {"a": TRANSITIONS[action].label})
    return redirect("supervision:star_application_detail", pk)


@require_POST
@login_required
def star_objection_decide(request, pk: int):
    user = request.user
    objection = sel.objection_get_for_user(user=user, pk=pk)
    if not sel.is_star_official_for(user, objection.application.district_id):
        refuse(user=user, model=StarObjection, pk=pk, reason="无权处理该异议", status=403)
    form = ObjectionDecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择处理结果并填写理由"))
    else:
        d = form.cleaned_data
        try:
            svc.star_objection_decide(actor=user, objection=objection, upheld=d["upheld"], reason=d["reason"],
                                      outcome=d["outcome"] or "reevaluate")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("异议已处理"))
    return redirect("supervision:star_application_detail", objection.application_id)


@require_safe
@login_required
def star_objection_photo(request, pk: int, index: int):
    """A photo attached to an objection (officials of the district only)."""
    objection = sel.objection_get_for_user(user=request.user, pk=pk)
    name = svc.objection_photo_path(objection, index)
    if name is None or not default_storage.exists(name):
        raise Http404
    return FileResponse(default_storage.open(name, "rb"), content_type=svc.objection_photo_type(name))


# ---- ratings and reviews -----------------------------------------------------------------------------


def _ratings_scope(request):
    user = request.user
    _require(request, sel.can_see_ratings_admin(user), StarRating, "无权查看星级评定结果")
    qs = sel.ratings_visible_to(user).select_related("estate", "company", "district")
    status = request.GET.get("status") or ""
    if status in StarRating.Status.values:
        qs = qs.filter(status=status)
    qs, form = _filtered_ratings(request, qs)
    return qs, form, status


@require_safe
@login_required
def star_rating_list(request):
    """``/supervision/stars/ratings/``: every rating in the user's share, history included."""
    qs, form, status = _ratings_scope(request)
    qs, sort = apply_sort(request, qs, {"from": ("valid_from", "id"), "level": ("level", "id"),
                                        "estate": ("estate__name", "id")}, "-from")
    page = paginate(request, qs)
    return render(request, "supervision/star_rating_list.html", {
        "page": page, "window": page_window(page), "query": _query(request), "form": form, "sort": sort,
        "status": status, "statuses": StarRating.Status.choices, "style": STATUS_STYLE,
        "officials": sel.is_star_official(request.user),
        "breadcrumbs": _crumbs((_("评定结果"), None)),
    })


@require_safe
@login_required
def star_rating_export(request):
    qs, _form, _status = _ratings_scope(request)
    qs = qs.order_by("district__code", "estate__name", "-valid_from", "id")
    rows = ([r.estate.name, r.district.name, r.company.name, r.level, r.get_status_display(), r.valid_from, r.valid_until,
             r.ended_at, r.end_reason] for r in qs.iterator(chunk_size=2000))
    columns = [Column(_("小区"), 24), Column(_("区县"), 12), Column(_("物业服务企业"), 28), Column(_("星级"), 8),
               Column(_("状态"), 10), Column(_("生效日期"), 12), Column(_("有效期至"), 12), Column(_("终止时间"), 16),
               Column(_("终止原因"), 30)]
    audit_record(action=AuditAction.EXPORT, actor=request.user, object_type="supervision.starrating",
                 detail=_("导出星级评定结果"))
    return xlsx_response(filename="star-ratings.xlsx", sheet_title=_("星级评定结果"), columns=columns, rows=rows)


@require_POST
@login_required
def star_review_open(request, pk: int):
    """An official opens a downgrade review of an active rating by hand."""
    user = request.user
    rating = sel.rating_for_official(user, pk)
    if rating is None:
        refuse(user=user, model=StarRating, pk=pk, reason="超出数据权限范围或记录不存在")
    if not sel.is_star_official_for(user, rating.district_id):
        refuse(user=user, model=StarRating, pk=pk, reason="无权发起降级复核", status=403)
    form = ReviewOpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写发起复核的情况说明"))
        return redirect("supervision:star_rating_list")
    try:
        review = reviews.downgrade_review_open(rating=rating, trigger=DowngradeReview.Trigger.MANUAL, actor=user,
                                           detail=form.cleaned_data["detail"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("supervision:star_rating_list")
    messages.success(request, _("降级复核已发起"))
    return redirect("supervision:star_review_detail", review.pk)


@require_safe
@login_required
def star_review_list(request):
    user = request.user
    _require(request, sel.can_use_star_pages(user), DowngradeReview, "无权查看降级复核")
    qs = sel.reviews_visible_to(user).select_related("rating", "rating__estate", "rating__company").order_by("-created_at", "-id")
    status = request.GET.get("status") or ""
    if status in DowngradeReview.Status.values:
        qs = qs.filter(status=status)
    page = paginate(request, qs)
    return render(request, "supervision/star_review_list.html", {
        "page": page, "window": page_window(page), "query": _query(request), "status": status,
        "statuses": DowngradeReview.Status.choices, "style": STATUS_STYLE,
        "breadcrumbs": _crumbs((_("降级复核"), None)),
    })


@require_http_methods(["GET", "POST"])
@login_required
def star_review_detail(request, pk: int):
    user = request.user
    review = sel.review_get_for_user(user=user, pk=pk)
    can_decide = sel.can_decide_review(user, review)
    form = ReviewDecideForm(request.POST or None)
    if request.method == "POST":
        if not sel.is_star_official_for(user, review.rating.district_id):
            refuse(user=user, model=DowngradeReview, pk=pk, reason="无权作出复核结论", status=403)
        if form.is_valid():
            d = form.cleaned_data
            try:
                reviews.downgrade_review_decide(actor=user, review=review, decision=d["decision"], reason=d["reason"],
                                            new_level=d["new_level"])
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("复核结论已作出"))
                return redirect("supervision:star_review_detail", pk)
    history = sel.estate_rating_history(review.rating.estate_id, n=10)
    return render(request, "supervision/star_review_detail.html", {
        "review": review, "form": form, "can_decide": can_decide, "style": STATUS_STYLE, "history": history,
        "breadcrumbs": _crumbs((_("降级复核"), reverse("supervision:star_review_list")), (str(review.rating.estate), None)),
    }, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@login_required
def star_settings(request):
    """``/supervision/stars/settings/``: the city bureau's star and survey settings."""
    user = request.user
    if not sel.can_edit_star_settings(user):
        refuse(user=user, model=SupervisionSettings, pk="", reason="非市住房保障房产局访问星级评定设置")
    obj = SupervisionSettings.current()
    form = StarSettingsForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        try:
            svc.star_settings_save(actor=user, settings_obj=form.save(commit=False), changed=form.changed_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("星级评定设置已保存"))
            return redirect("supervision:star_settings")
    return render(request, "supervision/star_settings.html", {
        "form": form, "breadcrumbs": _crumbs((_("星级评定设置"), None)),
    }, status=400 if request.method == "POST" else 200)
