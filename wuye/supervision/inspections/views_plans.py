"""Pages of the double-random draw (issue 4 §2–3, §12–13): the inspector pool and its declared
conflicts, inspection plans and their draw, and the public page of a published draw (一公开)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.core.access import get_visible_or_404, refuse
from wuye.core.errors import ServiceError
from wuye.core.listing import page_window, paginate, query_string
from wuye.supervision.pages import PAGE_SIZE, crumbs

from . import selectors as sel
from . import services as svc
from .forms import ConflictForm, DrawForm, InspectorForm, PlanForm, ReasonForm
from .models import Draw, InspectionPlan, Inspector

POOL_REASON = _("检查人员库由市、区县主管部门维护")


def _require(request, allowed: bool, reason, model=Inspector) -> None:
    if not allowed:
        refuse(user=request.user, model=model, pk="", reason=reason, status=403)


# ---- the inspector pool ----------------------------------------------------------------------------------


@require_GET
@login_required
def inspector_list(request):
    _require(request, sel.can_manage_pool(request.user), POOL_REASON)
    qs = (sel.inspectors_visible_to(request.user).select_related("user", "district")
          .annotate(conflict_count=Count("conflicts")).order_by("district_id", "id"))
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(user__full_name__icontains=q) | Q(user__username__icontains=q) | Q(organisation__icontains=q))
    page = paginate(request, qs, per_page=PAGE_SIZE)
    return render(request, "supervision/inspector_list.html", {
        "page": page, "rows": list(page.object_list), "window": page_window(page), "query": query_string(request.GET),
        "q": q, "breadcrumbs": crumbs((_("检查人员库"), None)),
    })


@require_http_methods(["GET", "POST"])
@login_required
def inspector_create(request):
    _require(request, sel.can_manage_pool(request.user), POOL_REASON)
    form = InspectorForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        account = sel.pool_account(request.user, cd["username"])
        if account is None:
            form.add_error("username", _g("找不到该账号，或该账号不能作为本库的检查人员"))
        else:
            try:
                ins = svc.inspector_create(actor=request.user, user=account, district=cd["district"],
                                           organisation=cd["organisation"], expertise=cd["expertise"])
            except ServiceError as e:
                form.add_error(None, e.message)
            else:
                messages.success(request, _g("已加入检查人员库。"))
                return redirect("supervision:inspector_detail", pk=ins.pk)
    return render(request, "supervision/inspector_form.html", {
        "form": form, "title": _g("新增检查人员"), "back": reverse("supervision:inspector_list"),
        "breadcrumbs": crumbs((_("检查人员库"), reverse("supervision:inspector_list")), (_("新增检查人员"), None)),
    })


@require_GET
@login_required
def inspector_detail(request, pk):
    _require(request, sel.can_manage_pool(request.user), POOL_REASON)
    ins = sel.inspector_get_for_user(user=request.user, pk=pk)
    conflicts = sel.inspector_conflicts(ins)
    recent = sel.recent_inspections_of(ins)
    return render(request, "supervision/inspector_detail.html", {
        "ins": ins, "conflicts": conflicts, "recent": recent, "form": ConflictForm(user=request.user),
        "breadcrumbs": crumbs((_("检查人员库"), reverse("supervision:inspector_list")), (str(ins), None)),
    })


@require_POST
@login_required
def inspector_set_active(request, pk):
    _require(request, sel.can_manage_pool(request.user), POOL_REASON)
    ins = sel.inspector_get_for_user(user=request.user, pk=pk)
    try:
        svc.inspector_set_active(actor=request.user, inspector=ins, active=request.POST.get("active") == "1")
    except ServiceError as e:
        messages.error(request, e.message)
    return redirect("supervision:inspector_detail", pk=ins.pk)


@require_POST
@login_required
def inspector_conflict_add(request, pk):
    _require(request, sel.can_manage_pool(request.user), POOL_REASON)
    ins = sel.inspector_get_for_user(user=request.user, pk=pk)
    form = ConflictForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            svc.conflict_add(actor=request.user, inspector=ins, **form.cleaned_data)
        except ServiceError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, _g("回避关系已登记。"))
    else:
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("supervision:inspector_detail", pk=ins.pk)


@require_POST
@login_required
def inspector_conflict_delete(request, pk, conflict_pk):
    _require(request, sel.can_manage_pool(request.user), POOL_REASON)
    ins = sel.inspector_get_for_user(user=request.user, pk=pk)
    conflict = sel.conflict_get_for_user(user=request.user, inspector=ins, pk=conflict_pk)
    svc.conflict_remove(actor=request.user, conflict=conflict)
    messages.success(request, _g("回避关系已删除。"))
    return redirect("supervision:inspector_detail", pk=ins.pk)


# ---- plans and draws ------------------------------------------------------------------------------------------


@require_GET
@login_required
def plan_list(request):
    _require(request, sel.can_read_plans(request.user), _("检查计划由市、区县主管部门制定"), InspectionPlan)
    qs = sel.plans_visible_to(request.user)
    status = request.GET.get("status") or ""
    if status in InspectionPlan.Status.values:
        qs = qs.filter(status=status)
    kind = request.GET.get("kind") or ""
    if kind in InspectionPlan.Kind.values:
        qs = qs.filter(kind=kind)
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(name__icontains=q)
    qs = sel.plans_with_progress(qs).order_by("-start_date", "-id")
    page = paginate(request, qs, per_page=PAGE_SIZE)
    rows = list(page.object_list)
    for p in rows:
        p.percent = int(p.submitted * 100 / p.total) if p.total else 0
    return render(request, "supervision/plan_list.html", {
        "page": page, "rows": rows, "window": page_window(page), "query": query_string(request.GET),
        "status": status, "kind": kind, "q": q, "statuses": InspectionPlan.Status.choices, "kinds": InspectionPlan.Kind.choices,
        "can_create": sel.can_create_plans(request.user), "breadcrumbs": crumbs((_("检查计划"), None)),
    })


@require_http_methods(["GET", "POST"])
@login_required
def plan_create(request):
    _require(request, sel.can_create_plans(request.user), _("检查计划由市、区县主管部门制定"), InspectionPlan)
    initial = {} if sel.can_pick_district(request.user) else {"district": request.user.district_id}
    form = PlanForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            plan = svc.plan_create(actor=request.user, name=cd["name"], kind=cd["kind"], standard=cd["standard"],
                                   start_date=cd["start_date"], end_date=cd["end_date"], district=cd["district"],
                                   street=cd["street"], estate_count=cd["estate_count"],
                                   inspector_count=cd["inspector_count"], target_estates=list(cd["target_estates"]),
                                   description=cd["description"])
        except ServiceError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _g("检查计划已创建，请进行随机抽取。"))
            return redirect("supervision:plan_detail", pk=plan.pk)
    return render(request, "supervision/plan_form.html", {
        "form": form, "title": _g("新建检查计划"), "back": reverse("supervision:plan_list"),
        "breadcrumbs": crumbs((_("检查计划"), reverse("supervision:plan_list")), (_("新建检查计划"), None)),
    })


@require_GET
@login_required
def plan_detail(request, pk):
    plan = sel.plan_get_for_user(user=request.user, pk=pk)
    d = sel.draw_of(plan)
    inspections = sel.plan_inspections(request.user, plan)
    counts = sel.plan_progress(plan)
    percent = int(counts["done"] * 100 / counts["total"]) if counts["total"] else 0
    manage = sel.can_manage_plan(request.user, plan)
    return render(request, "supervision/plan_detail.html", {
        "plan": plan, "inspections": inspections, "counts": counts, "percent": percent, "manage": manage,
        "draw_form": DrawForm(), "cancel_form": ReasonForm(), "targets": list(plan.target_estates.order_by("name")),
        **sel.draw_summary(d), "breadcrumbs": crumbs((_("检查计划"), reverse("supervision:plan_list")), (plan.name, None)),
    })


def _managed_plan(request, pk) -> InspectionPlan:
    plan = sel.plan_get_for_user(user=request.user, pk=pk)
    if not sel.can_manage_plan(request.user, plan):
        refuse(user=request.user, model=InspectionPlan, pk=pk, reason=_("只有制定计划的主管部门可以办理"), status=403)
    return plan


@require_POST
@login_required
def plan_draw(request, pk):
    plan = _managed_plan(request, pk)
    form = DrawForm(request.POST)
    seed = form.cleaned_data["seed"] if form.is_valid() else ""
    try:
        d = svc.draw_create(actor=request.user, plan=plan, seed=seed)
    except ServiceError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _g("抽取完成：%(n)d 个小区。核对无误后请公开抽取结果。") % {"n": len(d.result.get("estates", []))})
    return redirect("supervision:plan_detail", pk=plan.pk)


@require_POST
@login_required
def plan_cancel(request, pk):
    plan = _managed_plan(request, pk)
    try:
        svc.plan_cancel(actor=request.user, plan=plan, reason=request.POST.get("note", ""))
    except ServiceError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _g("检查计划已取消。"))
    return redirect("supervision:plan_detail", pk=plan.pk)


@require_POST
@login_required
def draw_publish(request, pk):
    d = sel.draw_get_for_manager(user=request.user, pk=pk)
    if not sel.can_manage_plan(request.user, d.plan):
        refuse(user=request.user, model=Draw, pk=pk, reason=_("只有制定计划的主管部门可以公开抽取结果"), status=403)
    try:
        svc.draw_publish(actor=request.user, draw=d)
    except ServiceError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _g("抽取结果已公开。"))
    return redirect("supervision:plan_detail", pk=d.plan_id)


# ---- the public side of a draw (一公开): no login ---------------------------------------------------------------


@require_GET
def draw_public_list(request):
    qs = sel.published_draws().select_related("plan", "plan__district").order_by("-published_at", "-id")
    page = paginate(request, qs, per_page=PAGE_SIZE)
    return render(request, "supervision/draw_public_list.html", {
        "page": page, "rows": list(page.object_list), "window": page_window(page), "query": "",
    })


@require_GET
def draw_public(request, pk):
    d = get_visible_or_404(sel.published_draws().select_related("plan", "plan__district", "plan__street", "plan__standard"),
                           user=request.user, pk=pk)
    return render(request, "supervision/draw_public.html", {"plan": d.plan, **sel.draw_summary(d)})


@require_GET
def draw_public_data(request, pk):
    """The stored inputs and result as JSON, to re-run the draw elsewhere."""
    d = get_visible_or_404(sel.published_draws().select_related("plan"), user=request.user, pk=pk)
    params = (d.result or {}).get("params", {})
    data = {
        "plan": d.plan.name, "algorithm": d.algorithm, "seed": d.seed, "drawn_at": d.drawn_at.isoformat(),
        "estate_count": params.get("estate_count"), "inspector_count": params.get("inspector_count"),
        "per_estate": params.get("per_estate"), "targeted": params.get("targeted", False),
        "estate_candidates": d.estate_candidates, "inspector_candidates": d.inspector_candidates,
        "conflicts": d.conflicts, "result": {k: v for k, v in (d.result or {}).items() if k != "params"},
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'inline; filename="draw-{d.pk}.json"'
    return response
