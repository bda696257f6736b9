"""Pages of the double-random inspections (issue 4 §2–3, §12–13): the inspector pool, plans and
their draw, the public page of a published draw, the inspection list (with Excel export), the
inspector's tasks and the mobile inspection form."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.accounts.models import Role, User
from wuye.core.access import get_visible_or_404, refuse
from wuye.core.audit import audit_record
from wuye.core.errors import ServiceError
from wuye.core.excel import Column, xlsx_response
from wuye.core.listing import capped_count, page_window, paginate
from wuye.core.models import AuditAction

from . import draw as draw_algo
from . import selectors_inspections as sel
from . import services_inspections as svc
from .forms_inspections import (
    ConflictForm,
    DrawForm,
    InspectionFilterForm,
    InspectorForm,
    PlanForm,
    ReasonForm,
)
from .models import (
    Draw,
    Inspection,
    InspectionPhoto,
    InspectionPlan,
    InspectionScore,
    Inspector,
    InspectorConflict,
    RectificationOrder,
    StandardItem,
    StandardSection,
)

OFFICIALS = {Role.CITY, Role.DISTRICT}
READERS = {Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY, Role.COMPANY_MANAGER, Role.COMPANY_STAFF}
PAGE_SIZE = 30


def _require(request, roles, reason, model=Inspection) -> None:
    if getattr(request.user, "role", None) not in roles:
        refuse(user=request.user, model=model, pk="", reason=reason, status=403)


def _crumbs(*extra):
    return [(_("监督检查"), None), *extra]


def _query_string(data, *drop: str) -> str:
    q = data.copy()
    for key in ("page", "export", *drop):
        q.pop(key, None)
    for key in [k for k, v in q.lists() if not any(v)]:
        q.pop(key)
    return q.urlencode()


def _htmx_results(request) -> bool:
    return bool(getattr(request, "htmx", False)) and not request.htmx.boosted and request.htmx.target == "wy-results"


# ---- the inspector pool ----------------------------------------------------------------------------------


@require_GET
@login_required
def inspector_list(request):
    _require(request, OFFICIALS, _("检查人员库由市、区县主管部门维护"), Inspector)
    qs = (sel.inspectors_visible_to(request.user).select_related("user", "district")
          .annotate(conflict_count=Count("conflicts")).order_by("district_id", "id"))
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(user__full_name__icontains=q) | Q(user__username__icontains=q) | Q(organisation__icontains=q))
    page = paginate(request, qs, per_page=PAGE_SIZE)
    return render(request, "supervision/inspector_list.html", {
        "page": page, "rows": list(page.object_list), "window": page_window(page), "query": _query_string(request.GET),
        "q": q, "breadcrumbs": _crumbs((_("检查人员库"), None)),
    })


def _pool_users(user):
    """Accounts an official may put into a pool: active officials' accounts (not administrators,
    residents or company staff), within the district for a district authority."""
    qs = User.objects.filter(is_active=True, role__in=[Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY,
                                                         Role.DEPARTMENT, Role.NONE])
    if user.role == Role.DISTRICT:
        d = user.district_id
        qs = qs.filter(Q(district_id=d) | Q(street__district_id=d) | Q(community__street__district_id=d)
                       | Q(department__district_id=d) | Q(role=Role.NONE))
    return qs


@require_http_methods(["GET", "POST"])
@login_required
def inspector_create(request):
    _require(request, OFFICIALS, _("检查人员库由市、区县主管部门维护"), Inspector)
    form = InspectorForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        account = _pool_users(request.user).filter(username=cd["username"].strip()).first()
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
        "breadcrumbs": _crumbs((_("检查人员库"), reverse("supervision:inspector_list")), (_("新增检查人员"), None)),
    })


@require_GET
@login_required
def inspector_detail(request, pk):
    _require(request, OFFICIALS, _("检查人员库由市、区县主管部门维护"), Inspector)
    ins = sel.inspector_get_for_user(user=request.user, pk=pk)
    conflicts = list(InspectorConflict.objects.filter(inspector=ins).select_related("company", "estate").order_by("id"))
    recent = list(Inspection.objects.filter(inspectors=ins).select_related("estate", "plan").order_by("-id")[:10])
    return render(request, "supervision/inspector_detail.html", {
        "ins": ins, "conflicts": conflicts, "recent": recent, "form": ConflictForm(user=request.user),
        "breadcrumbs": _crumbs((_("检查人员库"), reverse("supervision:inspector_list")), (str(ins), None)),
    })


@require_POST
@login_required
def inspector_set_active(request, pk):
    _require(request, OFFICIALS, _("检查人员库由市、区县主管部门维护"), Inspector)
    ins = sel.inspector_get_for_user(user=request.user, pk=pk)
    try:
        svc.inspector_set_active(actor=request.user, inspector=ins, active=request.POST.get("active") == "1")
    except ServiceError as e:
        messages.error(request, e.message)
    return redirect("supervision:inspector_detail", pk=ins.pk)


@require_POST
@login_required
def inspector_conflict_add(request, pk):
    _require(request, OFFICIALS, _("检查人员库由市、区县主管部门维护"), Inspector)
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
    _require(request, OFFICIALS, _("检查人员库由市、区县主管部门维护"), Inspector)
    ins = sel.inspector_get_for_user(user=request.user, pk=pk)
    conflict = get_visible_or_404(InspectorConflict.objects.filter(inspector=ins), user=request.user, pk=conflict_pk)
    svc.conflict_remove(actor=request.user, conflict=conflict)
    messages.success(request, _g("回避关系已删除。"))
    return redirect("supervision:inspector_detail", pk=ins.pk)


# ---- plans and draws ------------------------------------------------------------------------------------------


@require_GET
@login_required
def plan_list(request):
    _require(request, {Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY}, _("检查计划由市、区县主管部门制定"), InspectionPlan)
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
    qs = qs.select_related("district", "street").annotate(
        total=Count("inspections", filter=~Q(inspections__status=Inspection.Status.CANCELLED)),
        submitted=Count("inspections", filter=Q(inspections__status__in=[
            Inspection.Status.SUBMITTED, Inspection.Status.RECTIFYING, Inspection.Status.CONCLUDED])),
    ).order_by("-start_date", "-id")
    page = paginate(request, qs, per_page=PAGE_SIZE)
    rows = list(page.object_list)
    for p in rows:
        p.percent = int(p.submitted * 100 / p.total) if p.total else 0
    return render(request, "supervision/plan_list.html", {
        "page": page, "rows": rows, "window": page_window(page), "query": _query_string(request.GET),
        "status": status, "kind": kind, "q": q, "statuses": InspectionPlan.Status.choices, "kinds": InspectionPlan.Kind.choices,
        "can_create": request.user.role in OFFICIALS, "breadcrumbs": _crumbs((_("检查计划"), None)),
    })


@require_http_methods(["GET", "POST"])
@login_required
def plan_create(request):
    _require(request, OFFICIALS, _("检查计划由市、区县主管部门制定"), InspectionPlan)
    initial = {"district": request.user.district_id} if request.user.role == Role.DISTRICT else {}
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
        "breadcrumbs": _crumbs((_("检查计划"), reverse("supervision:plan_list")), (_("新建检查计划"), None)),
    })


def _draw_view(d: Draw | None) -> dict:
    """What the plan page and the public page show of a draw: names, never phones."""
    if d is None:
        return {}
    from wuye.registry.models import Estate

    result = d.result or {}
    estates = Estate.objects.in_bulk([int(e) for e in result.get("estates", [])])
    ids = {int(i) for i in result.get("inspectors", [])} | {int(i) for i in result.get("supplementary", [])}
    names = {i.pk: (i.user.full_name or i.user.username, i.organisation)
             for i in Inspector.objects.filter(pk__in=ids).select_related("user")}
    drawn = []
    for n, eid in enumerate(result.get("estates", []), start=1):
        e = estates.get(int(eid))
        drawn.append({"n": n, "id": eid, "name": e.name if e else f"#{eid}",
                      "inspectors": [names.get(int(i), (f"#{i}", ""))[0] for i in result.get("assignments", {}).get(str(eid), [])]})
    weighted = sum(1 for _e, w in d.estate_candidates if int(w) > 1)
    return {
        "draw": d, "drawn": drawn, "inspector_names": [names.get(int(i), (f"#{i}", ""))
                                                       for i in result.get("inspectors", [])],
        "supplementary": [names.get(int(i), (f"#{i}", ""))[0] for i in result.get("supplementary", [])],
        "estate_candidates": len(d.estate_candidates), "weighted_candidates": weighted,
        "inspector_candidates": len(d.inspector_candidates), "conflict_count": sum(len(v) for v in d.conflicts.values()),
        "params": result.get("params", {}), "verified": draw_algo.draw_verify(d),
    }


@require_GET
@login_required
def plan_detail(request, pk):
    plan = sel.plan_get_for_user(user=request.user, pk=pk)
    d = Draw.objects.filter(plan=plan).select_related("drawn_by").first()
    inspections = list(
        sel.inspections_visible_to(request.user).filter(plan=plan).select_related("estate", "company")
        .prefetch_related(Prefetch("inspectors", queryset=Inspector.objects.select_related("user")))
        .order_by("estate__name", "id"))
    counts = Inspection.objects.filter(plan=plan).exclude(status=Inspection.Status.CANCELLED).aggregate(
        total=Count("pk"), done=Count("pk", filter=~Q(status=Inspection.Status.ASSIGNED)))
    percent = int(counts["done"] * 100 / counts["total"]) if counts["total"] else 0
    manage = sel.can_manage_plan(request.user, plan)
    return render(request, "supervision/plan_detail.html", {
        "plan": plan, "inspections": inspections, "counts": counts, "percent": percent, "manage": manage,
        "draw_form": DrawForm(), "cancel_form": ReasonForm(), "targets": list(plan.target_estates.order_by("name")),
        **_draw_view(d), "breadcrumbs": _crumbs((_("检查计划"), reverse("supervision:plan_list")), (plan.name, None)),
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
    d = get_visible_or_404(Draw.objects.filter(plan__in=sel.plans_visible_to(request.user)), user=request.user, pk=pk)
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
    return render(request, "supervision/draw_public.html", {"plan": d.plan, **_draw_view(d)})


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


# ---- inspections ---------------------------------------------------------------------------------------------------


def _filtered_inspections(request, user):
    form = InspectionFilterForm(request.GET or None)
    if user.role != Role.CITY:
        form.fields.pop("district")
    qs = sel.inspections_visible_to(user)
    if form.is_valid():
        cd = form.cleaned_data
        if cd.get("q"):
            qs = qs.filter(Q(estate__name__icontains=cd["q"]) | Q(company__name__icontains=cd["q"]))
        if cd.get("plan"):
            qs = qs.filter(plan_id=cd["plan"])
        if cd.get("district"):
            qs = qs.filter(district=cd["district"])
        if cd.get("status"):
            qs = qs.filter(status=cd["status"])
        if cd.get("company"):
            qs = qs.filter(company_id=cd["company"])
        if cd.get("date_from"):
            qs = qs.filter(Q(inspected_on__gte=cd["date_from"]) | Q(inspected_on__isnull=True, scheduled_on__gte=cd["date_from"]))
        if cd.get("date_to"):
            qs = qs.filter(Q(inspected_on__lte=cd["date_to"]) | Q(inspected_on__isnull=True, scheduled_on__lte=cd["date_to"]))
    return form, qs


INSPECTION_EXPORT = [(_("小区"), 20), (_("区县"), 10), (_("街道"), 14), (_("物业服务企业"), 24), (_("检查计划"), 22),
                     (_("计划检查日期"), 12), (_("检查日期"), 12), (_("状态"), 10), (_("得分"), 8), (_("满分"), 8),
                     (_("问题数"), 8), (_("提交时间"), 17)]


@require_GET
@login_required
def inspection_list(request):
    user = request.user
    assigned = sel.inspections_assigned_to(user).exists() if user.role not in READERS else False
    if user.role not in READERS and not assigned:
        refuse(user=user, model=Inspection, pk="", reason=_("该角色不使用监督检查页面"), status=403)
    form, qs = _filtered_inspections(request, user)
    qs = qs.select_related("estate", "company", "district", "street", "plan").order_by(
        "-inspected_on", "-scheduled_on", "-id")
    if request.GET.get("export") == "xlsx":
        return _export(request, qs, name="inspections", title=_g("监督检查"), headers=INSPECTION_EXPORT, rows=(
            (i.estate.name, i.district.name, i.street.name, i.company.name if i.company else "", i.plan.name if i.plan else "",
             i.scheduled_on, i.inspected_on, i.get_status_display(), i.total_score, i.max_score, i.defect_count,
             i.submitted_at) for i in qs.iterator(chunk_size=2000)))
    page = paginate(request, qs, per_page=PAGE_SIZE)
    ctx = {
        "page": page, "rows": list(page.object_list), "window": page_window(page), "query": _query_string(request.GET),
        "filter_form": form, "list_url": reverse("supervision:inspection_list"),
        "filtered": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
        "breadcrumbs": _crumbs((_("检查记录"), None)),
    }
    if _htmx_results(request):
        return render(request, "supervision/_inspection_results.html", ctx)
    return render(request, "supervision/inspection_list.html", ctx)


def _export(request, qs, *, name: str, title: str, headers, rows):
    cap = getattr(settings, "WUYE_EXPORT_MAX_ROWS", 50_000)
    n = capped_count(qs, cap)
    if n > cap:
        messages.error(request, _g("符合条件的记录超过 %(cap)s 条，无法一次导出，请先缩小筛选范围。") % {"cap": f"{cap:,}"})
        return redirect(request.path)
    with translation.override(settings.LANGUAGE_CODE):
        audit_record(action=AuditAction.EXPORT, actor=request.user, object_type=qs.model._meta.label_lower,
                     object_repr=str(title), detail=f"导出{title} {n} 条（Excel）；筛选：{_query_string(request.GET) or '无'}")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(filename=f"{name}-{stamp}.xlsx", sheet_title=str(title),
                         columns=[Column(str(h), w) for h, w in headers], rows=rows)


@require_GET
@login_required
def inspector_tasks(request):
    """The inspector's own inspections (任务), newest first; usable on a phone."""
    qs = (sel.inspections_assigned_to(request.user).select_related("estate", "company", "plan", "district")
          .order_by("-scheduled_on", "-id"))
    rows = list(qs[:100])
    waiting = [r for r in rows if r.status == Inspection.Status.ASSIGNED]
    done = [r for r in rows if r.status != Inspection.Status.ASSIGNED]
    return render(request, "supervision/inspector_tasks.html", {
        "waiting": waiting, "done": done, "is_inspector": Inspector.objects.filter(user=request.user).exists(),
        "breadcrumbs": _crumbs((_("我的检查任务"), None)),
    })


def _sections_with_scores(inspection: Inspection, *, values: dict | None = None):
    """The standard's sections, each with its items and the score/photos recorded for them."""
    sections = list(StandardSection.objects.filter(standard_id=inspection.standard_id).order_by("order", "id"))
    items = list(StandardItem.objects.filter(standard_id=inspection.standard_id).order_by("section__order", "order", "id"))
    scores = {s.item_id: s for s in InspectionScore.objects.filter(inspection=inspection)}
    photos: dict = {}
    for p in InspectionPhoto.objects.filter(inspection=inspection).order_by("id"):
        photos.setdefault(p.item_id, []).append(p)
    by_section: dict = {}
    for it in items:
        s = scores.get(it.pk)
        it.recorded = s
        it.photo_list = photos.get(it.pk, [])
        v = (values or {}).get(it.pk)
        if v is None:
            v = {"deduction": s.deduction if s else Decimal("0"), "na": s.not_applicable if s else False,
                 "defect": s.is_defect if s else False, "note": s.note if s else ""}
        it.value = v
        by_section.setdefault(it.section_id, []).append(it)
    for sec in sections:
        sec.item_list = by_section.get(sec.pk, [])
        sec.subtotal = sum((i.max_points for i in sec.item_list), Decimal("0"))
        sec.score = sum(((i.recorded.score if i.recorded else Decimal("0")) for i in sec.item_list), Decimal("0"))
    return sections, items


@require_GET
@login_required
def inspection_detail(request, pk):
    insp = sel.inspection_get_for_user(user=request.user, pk=pk)
    is_inspector = svc.is_inspector_of(request.user, insp)
    show_scores = insp.status != Inspection.Status.ASSIGNED or is_inspector or request.user.role in OFFICIALS
    sections, _items = _sections_with_scores(insp) if show_scores else ([], [])
    orders = list(RectificationOrder.objects.filter(inspection=insp).select_related("item").order_by("id"))
    inspectors = list(insp.inspectors.select_related("user").order_by("id"))
    return render(request, "supervision/inspection_detail.html", {
        "insp": insp, "sections": sections, "orders": orders, "inspectors": inspectors, "show_scores": show_scores,
        "can_record": is_inspector and insp.status == Inspection.Status.ASSIGNED,
        "can_cancel": insp.status == Inspection.Status.ASSIGNED and request.user.role in OFFICIALS
        and (request.user.role == Role.CITY or request.user.district_id == insp.district_id),
        "cancel_form": ReasonForm(), "now": timezone.now(),
        "breadcrumbs": _crumbs((_("检查记录"), reverse("supervision:inspection_list")), (insp.estate.name, None)),
    })


def _entries_from_post(post, items) -> tuple[dict, dict]:
    entries, values = {}, {}
    for it in items:
        raw = (post.get(f"deduction_{it.pk}") or "").strip()
        na = post.get(f"na_{it.pk}") == "1"
        defect = post.get(f"defect_{it.pk}") == "1"
        note = post.get(f"note_{it.pk}", "")
        entries[it.pk] = {"deduction": raw, "not_applicable": na, "defect": defect, "note": note}
        values[it.pk] = {"deduction": raw, "na": na, "defect": defect, "note": note}
    return entries, values


@require_http_methods(["GET", "POST"])
@login_required
def inspection_record(request, pk):
    """The mobile inspection form: only the inspection's own inspectors, while it is not submitted."""
    insp = sel.inspection_get_for_user(user=request.user, pk=pk)
    if not svc.is_inspector_of(request.user, insp):
        refuse(user=request.user, model=Inspection, pk=pk, reason=_("只有本次检查的检查人员可以录入检查结果"), status=403)
    if insp.status != Inspection.Status.ASSIGNED:
        messages.info(request, _g("该检查已提交，结果如下。"))
        return redirect("supervision:inspection_detail", pk=insp.pk)
    error = None
    values = None
    if request.method == "POST":
        items = list(StandardItem.objects.filter(standard_id=insp.standard_id))
        entries, values = _entries_from_post(request.POST, items)
        photos = {it.pk: request.FILES.getlist(f"photos_{it.pk}") for it in items if request.FILES.getlist(f"photos_{it.pk}")}
        submit = request.POST.get("action") == "submit"
        try:
            version = int(request.POST.get("version", insp.version))
        except ValueError:
            version = insp.version
        insp.version = version
        try:
            inspected_on = _date(request.POST.get("inspected_on"))
            svc.inspection_record(actor=request.user, inspection=insp, entries=entries, photos=photos,
                                  summary=request.POST.get("summary", ""), inspected_on=inspected_on, submit=submit)
        except ServiceError as e:
            error = e.message
            insp.refresh_from_db()
            insp.summary = request.POST.get("summary", "")
        else:
            if submit:
                messages.success(request, _g("检查结果已提交并公开。"))
                return redirect("supervision:inspection_detail", pk=insp.pk)
            messages.success(request, _g("已保存草稿。"))
            return redirect("supervision:inspection_record", pk=insp.pk)
    sections, items = _sections_with_scores(insp, values=values)
    return render(request, "supervision/inspection_record.html", {
        "insp": insp, "sections": sections, "error": error, "max_total": sum((i.max_points for i in items), Decimal("0")),
        "today": timezone.localdate(), "breadcrumbs": _crumbs((_("我的检查任务"), reverse("supervision:inspector_tasks")),
                                                              (insp.estate.name, None)),
    }, status=400 if error else 200)


def _date(value):
    from datetime import date

    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ServiceError(_g("检查日期格式不正确")) from None


@require_POST
@login_required
def inspection_cancel(request, pk):
    insp = sel.inspection_get_for_user(user=request.user, pk=pk)
    if request.user.role not in OFFICIALS:
        refuse(user=request.user, model=Inspection, pk=pk, reason=_("只有主管部门可以取消检查"), status=403)
    try:
        svc.inspection_cancel(actor=request.user, inspection=insp, reason=request.POST.get("note", ""))
    except ServiceError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _g("检查已取消。"))
    return redirect("supervision:inspection_detail", pk=insp.pk)


@require_GET
@login_required
def inspection_photo(request, pk):
    photo = InspectionPhoto.objects.filter(pk=pk).first()
    if photo is None or not sel.inspections_visible_to(request.user).filter(pk=photo.inspection_id).exists():
        refuse(user=request.user, model=InspectionPhoto, pk=pk, reason=_("无权查看该检查照片或照片不存在"))
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type or "application/octet-stream")
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response

