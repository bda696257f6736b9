"""Pages of 回头看 (issue 17 §10): the campaign list with its create form, the campaign page with the
draw (seed shown, the re-run check and the JSON to re-run it elsewhere), the re-check progress bar
and list, the report as a bulletin; a re-check's phone-friendly form; the official's own re-checks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.core.access import refuse
from wuye.core.errors import ServiceError, error_text
from wuye.core.listing import page_window, paginate, query_string

from . import draw as draw_algo
from . import selectors as sel
from . import services as svc
from .forms import CampaignFilter, CampaignForm, DrawForm, ReasonForm, RecheckFilter, RecheckForm
from .models import Recheck, RecheckCampaign
from .workflow import CAMPAIGN

PAGE_SIZE = 30


def crumbs(*extra):
    return [(_("回头看"), reverse("recheck:campaign_list")), *extra]


def _require_use(user):
    if not sel.can_use_recheck(user):
        refuse(user=user, model=RecheckCampaign, pk="", reason=_("该角色不使用回头看页面"), status=403)


def _campaign_form(user, data=None):
    return CampaignForm(data, districts=sel.district_choices(user), categories=sel.category_choices())


@require_GET
@login_required
def campaign_list(request):
    user = request.user
    _require_use(user)
    form = CampaignFilter(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    qs = sel.campaign_list(user, status=f.get("status", ""), q=f.get("q", ""), year=f.get("year"))
    page = paginate(request, qs, per_page=PAGE_SIZE)
    return render(request, "recheck/campaign_list.html", {
        "form": form, "page": page, "rows": list(page.object_list), "window": page_window(page),
        "query": query_string(request.GET, "page"), "can_create": sel.can_create_campaign(user),
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
        "pending": sel.my_pending_rechecks(user).count(), "breadcrumbs": crumbs((_("回头看"), None)),
    })


@require_http_methods(["GET", "POST"])
@login_required
def campaign_create(request):
    user = request.user
    if not sel.can_create_campaign(user):
        refuse(user=user, model=RecheckCampaign, pk="", reason=_("只有市住房保障房产局或区县主管部门可以组织回头看"), status=403)
    form = _campaign_form(user, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                c = svc.campaign_create(actor=user, name=d["name"], year=d["year"], district=d["district"],
                                        categories=list(d["categories"]), order_count=d["order_count"],
                                        complaint_count=d["complaint_count"])
            except ServiceError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, _g("回头看已创建，请随机抽取复查对象。"))
                return redirect("recheck:campaign_detail", pk=c.pk)
        status = 400
    return render(request, "recheck/campaign_form.html", {
        "form": form, "breadcrumbs": crumbs((_("组织回头看"), None))}, status=status)


@require_GET
@login_required
def campaign_detail(request, pk):
    user = request.user
    c = sel.campaign_get_for_user(user=user, pk=pk)
    form = RecheckFilter(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    raw = f.get("result", "")
    result = "" if raw == "pending" else (raw or None)
    rows_qs = sel.campaign_rechecks(user, c, result=result, q=f.get("q", ""))
    page = paginate(request, rows_qs, per_page=PAGE_SIZE)
    rows = list(page.object_list)
    for r in rows:
        r.can_record = sel.can_record(user, r)
    manage = sel.can_manage_campaign(user, c)
    events = list(sel.campaign_timeline(c))
    for e in events:
        e.label = CAMPAIGN.label(e.action) if e.action in CAMPAIGN.transitions else e.action
    kinds = sel.campaign_actor_kinds(user, c)
    return render(request, "recheck/campaign_detail.html", {
        "c": c, "rows": rows, "page": page, "window": page_window(page), "query": query_string(request.GET, "page"),
        "form": form, "counts": sel.progress(sel.campaign_rechecks(user, c)), "manage": manage,
        "actions": CAMPAIGN.allowed(c, kinds), "draw_form": DrawForm(), "reason_form": ReasonForm(),
        "verified": draw_algo.verify(c) if c.seed else None, "can_report": sel.can_report(user, c),
        "categories": list(c.categories.all()), "events": events,
        "breadcrumbs": crumbs((c.name, None)),
    })


def _managed(request, pk) -> RecheckCampaign:
    c = sel.campaign_get_for_user(user=request.user, pk=pk)
    if not sel.can_manage_campaign(request.user, c):
        refuse(user=request.user, model=RecheckCampaign, pk=pk, reason=_("只有组织回头看的主管部门可以办理"), status=403)
    return c


@require_POST
@login_required
def campaign_draw(request, pk):
    c = _managed(request, pk)
    form = DrawForm(request.POST)
    seed = form.cleaned_data["seed"] if form.is_valid() else ""
    try:
        svc.campaign_draw(actor=request.user, campaign=c, seed=seed)
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _g("抽取完成，复查任务已分派。随机种子已公开，可据此重新运行核对。"))
    return redirect("recheck:campaign_detail", pk=c.pk)


@require_POST
@login_required
def campaign_act(request, pk, action):
    c = _managed(request, pk)
    try:
        if action == "finish":
            svc.campaign_finish(actor=request.user, campaign=c)
            messages.success(request, _g("回头看已完成。"))
        elif action == "cancel":
            svc.campaign_cancel(actor=request.user, campaign=c, note=request.POST.get("note", ""))
            messages.success(request, _g("回头看已取消。"))
        else:
            messages.error(request, _g("未知的操作"))
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    return redirect("recheck:campaign_detail", pk=c.pk)


@require_POST
@login_required
def campaign_report(request, pk):
    c = sel.campaign_get_for_user(user=request.user, pk=pk)
    try:
        b = svc.campaign_report(actor=request.user, campaign=c)
    except ServiceError as exc:
        messages.error(request, error_text(exc))
        return redirect("recheck:campaign_detail", pk=c.pk)
    messages.success(request, _g("回头看通报已起草，请审核修改后印发。"))
    return redirect("bulletins:detail", pk=b.pk)


@require_GET
@login_required
def campaign_data(request, pk):
    """The stored inputs and sample as JSON, to re-run the draw elsewhere from the published seed."""
    c = sel.campaign_get_for_user(user=request.user, pk=pk)
    if not c.seed:
        refuse(user=request.user, model=RecheckCampaign, pk=pk, reason=_("尚未抽取"))
    data = {"campaign": c.name, "algorithm": c.algorithm, "seed": c.seed,
            "drawn_at": c.drawn_at.isoformat() if c.drawn_at else None, "params": (c.result or {}).get("params", {}),
            "order_candidates": c.order_candidates, "complaint_candidates": c.complaint_candidates,
            "result": {k: v for k, v in (c.result or {}).items() if k != "params"}}
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'inline; filename="recheck-{c.pk}.json"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def recheck_detail(request, pk):
    user = request.user
    r = sel.recheck_get_for_user(user=user, pk=pk)
    form = RecheckForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if not sel.can_record(user, r):
            refuse(user=user, model=Recheck, pk=pk, reason=_("您无权记录该事项的复查结果"), status=403)
        if form.is_valid():
            try:
                svc.recheck_record(actor=user, recheck=r, result=form.cleaned_data["result"],
                                   note=form.cleaned_data["note"], photos=request.FILES.getlist("photos"))
            except ServiceError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, _g("复查结果已记录。"))
                return redirect("recheck:recheck_detail", pk=r.pk)
        status = 400
    return render(request, "recheck/recheck_detail.html", {
        "r": r, "form": form, "can_record": sel.can_record(user, r), "photos": list(r.photos.all()),
        "breadcrumbs": crumbs((r.campaign.name, reverse("recheck:campaign_detail", args=[r.campaign_id])),
                              (_("复查 #%(n)d") % {"n": r.position}, None)),
    }, status=status)


@require_GET
@login_required
def recheck_photo(request, pk):
    p = sel.photo_get_for_user(user=request.user, pk=pk)
    response = FileResponse(p.file.open("rb"), content_type=p.content_type or "application/octet-stream")
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response


@require_GET
@login_required
def my_rechecks(request):
    user = request.user
    _require_use(user)
    page = paginate(request, sel.my_pending_rechecks(user), per_page=PAGE_SIZE)
    return render(request, "recheck/my_rechecks.html", {
        "page": page, "rows": list(page.object_list), "window": page_window(page), "query": "",
        "breadcrumbs": crumbs((_("待我复查"), None)),
    })
