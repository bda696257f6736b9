"""Pages of old compounds (issue 17 §5–7): the register (filter by district, street, lacking
facility, plan status; search), a compound with its profile, projects and management mode, the
projects list, a project with its milestones, photos and acceptance, and the enclosure target chart.

Views are thin: the selectors decide who sees what, the services write and refuse."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.core.access import refuse
from wuye.core.errors import ServiceError, error_text
from wuye.core.listing import page_window, paginate, query_string
from wuye.registry.models import Estate
from wuye.registry.selectors import companies_selectable_by, districts_with_estates, streets_with_estates

from . import selectors as sel
from . import services as svc
from .forms import (
    AcceptForm,
    DateForm,
    ManagementForm,
    MilestoneForm,
    NoteForm,
    ProfileForm,
    ProjectFilter,
    ProjectForm,
    RegisterFilter,
)
from .models import FACILITIES, CompoundProfile, RenovationProject
from .workflow import PROJECT

P = RenovationProject.Status


def crumbs(*extra):
    return [(_("老旧楼院"), reverse("oldcompounds:list")), *extra]


def _require(user):
    if not sel.can_use(user):
        refuse(user=user, model=CompoundProfile, pk="", reason=_("该角色不使用老旧楼院页面"), status=403)


def _htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == "wy-results"


@require_GET
@login_required
def compound_list(request):
    user = request.user
    _require(user)
    visible = sel.compounds_visible_to(user)
    districts = districts_with_estates(visible)
    district_id = request.GET.get("district") if (request.GET.get("district") or "").isdigit() else None
    district_id = sel.own_district_id(user) or district_id
    streets = streets_with_estates(visible, district_id) if district_id else []
    form = RegisterFilter(request.GET or None, districts=districts, streets=streets)
    f = form.cleaned_data if form.is_valid() else {}
    qs = sel.search_compounds(visible, district=f.get("district"), street=f.get("street"), lacking=f.get("lacking", ""),
                              plan_status=f.get("plan_status", ""), q=f.get("q", ""))
    page = paginate(request, qs.select_related("district", "street", "compound").order_by("district__code", "name", "id"))
    ctx = {"form": form, "page": page, "rows": page.object_list, "window": page_window(page),
           "query": query_string(request.GET), "counts": sel.register_counts(qs), "facilities": FACILITIES,
           "filtered": any(v for k, v in request.GET.items() if k != "page"),
           "can_create": sel.can_create_project(user), "breadcrumbs": crumbs((_("老旧楼院名录"), None))}
    if _htmx(request):
        return render(request, "oldcompounds/_register_rows.html", ctx)
    return render(request, "oldcompounds/list.html", ctx)


@require_GET
@login_required
def compound_detail(request, pk):
    user = request.user
    _require(user)
    estate = sel.compound_get_for_user(user=user, pk=pk)
    profile = sel.profile_of(estate)
    can_act = sel.can_set_management(user, estate)
    return render(request, "oldcompounds/detail.html", {
        "estate": estate, "profile": profile, "projects": list(sel.compound_projects(estate)),
        "can_act": can_act,
        "management_form": ManagementForm(initial={"mode": estate.management_mode},
                                          companies=companies_selectable_by(user).only("id", "name")[:500])
        if can_act else None,
        "breadcrumbs": crumbs((estate.name, None)),
    })


@require_http_methods(["GET", "POST"])
@login_required
def profile_edit(request, pk):
    user = request.user
    _require(user)
    estate = sel.compound_get_for_user(user=user, pk=pk)
    if not sel.can_set_management(user, estate):
        refuse(user=user, model=CompoundProfile, pk=pk, status=403, reason=_("只有所在区县或街道可以维护老旧楼院档案"))
    profile = sel.profile_of(estate)
    initial = {"households": 0, "plan_status": CompoundProfile.PlanStatus.UNPLANNED}
    if profile:
        initial = {"households": profile.households, "lacks_other": profile.lacks_other,
                   "lacking": [n for n, _l in FACILITIES if getattr(profile, n)], "plan_status": profile.plan_status,
                   "plan_year": profile.plan_year, "plan_note": profile.plan_note}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            svc.profile_save(actor=user, estate=estate, households=d["households"], lacking=set(d["lacking"]),
                             lacks_other=d["lacks_other"], plan_status=d["plan_status"], plan_year=d["plan_year"],
                             plan_note=d["plan_note"])
        except ServiceError as e:
            form.add_error(None, error_text(e))
        else:
            messages.success(request, _g("档案已保存"))
            return redirect("oldcompounds:detail", pk=estate.pk)
    return render(request, "oldcompounds/form.html", {
        "form": form, "estate": estate, "title": _("老旧楼院档案"), "multipart": False,
        "breadcrumbs": crumbs((estate.name, reverse("oldcompounds:detail", args=[estate.pk])), (_("档案"), None))})


@require_http_methods(["GET", "POST"])
@login_required
def project_new(request, pk):
    user = request.user
    _require(user)
    estate = sel.compound_get_for_user(user=user, pk=pk)
    if not sel.can_set_management(user, estate):
        refuse(user=user, model=RenovationProject, pk="", status=403, reason=_("只有所在区县或街道可以登记改造项目"))
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            project = svc.project_create(actor=user, estate=estate, **d)
        except ServiceError as e:
            form.add_error(None, error_text(e))
        else:
            messages.success(request, _g("改造项目已登记"))
            return redirect("oldcompounds:project", pk=project.pk)
    return render(request, "oldcompounds/form.html", {
        "form": form, "estate": estate, "title": _("登记改造项目"), "multipart": False,
        "breadcrumbs": crumbs((estate.name, reverse("oldcompounds:detail", args=[estate.pk])), (_("登记改造项目"), None))})


@require_POST
@login_required
def management_set(request, pk):
    user = request.user
    _require(user)
    estate = sel.compound_get_for_user(user=user, pk=pk)
    if not sel.can_set_management(user, estate):
        refuse(user=user, model=Estate, pk=pk, status=403, reason=_("只有所在区县或街道可以确定管理模式"))
    companies = companies_selectable_by(user)
    form = ManagementForm(request.POST)
    if not form.is_valid():
        messages.error(request, _g("请检查填写的内容：%(e)s") % {"e": "；".join(
            str(m) for errs in form.errors.values() for m in errs)})
        return redirect("oldcompounds:detail", pk=estate.pk)
    d = form.cleaned_data
    company = companies.filter(pk=d["company"]).first() if d.get("company") else None
    try:
        svc.compound_set_management(actor=user, estate=estate, mode=d["mode"], company=company,
                                    start_date=d.get("start_date"), end_date=d.get("end_date"),
                                    contracted_grade=d.get("contracted_grade") or "1", fee_rate=d.get("fee_rate"),
                                    filing_number=d.get("filing_number") or "")
    except ServiceError as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, _g("管理模式已更新为：%(m)s") % {"m": Estate.ManagementMode(d["mode"]).label})
    return redirect("oldcompounds:detail", pk=estate.pk)


@require_GET
@login_required
def project_list(request):
    user = request.user
    _require(user)
    visible = sel.projects_visible_to(user)
    districts = districts_with_estates(sel.compounds_visible_to(user))
    form = ProjectFilter(request.GET or None, districts=districts)
    f = form.cleaned_data if form.is_valid() else {}
    qs = visible
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("district"):
        qs = qs.filter(district_id=f["district"])
    if f.get("q"):
        q = f["q"].strip()
        qs = qs.filter(Q(estate__name__icontains=q) | Q(title__icontains=q) | Q(contractor__icontains=q))
    page = paginate(request, qs.select_related("estate", "district").order_by("-created_at", "-id"))
    ctx = {"form": form, "page": page, "rows": page.object_list, "window": page_window(page),
           "query": query_string(request.GET), "filtered": any(v for k, v in request.GET.items() if k != "page"),
           "breadcrumbs": crumbs((_("改造项目"), None))}
    if _htmx(request):
        return render(request, "oldcompounds/_project_rows.html", ctx)
    return render(request, "oldcompounds/projects.html", ctx)


EVENT_LABELS = {"create": _("登记项目"), **{a: t.label for a, t in PROJECT.transitions.items()}}


@require_GET
@login_required
def project_detail(request, pk):
    user = request.user
    _require(user)
    project = sel.project_get_for_user(user=user, pk=pk)
    kinds = sel.actor_kinds(user, project.estate)
    actions = PROJECT.allowed(project, kinds)
    events = list(sel.project_timeline(project))
    for ev in events:
        ev.label = EVENT_LABELS.get(ev.action, ev.action)
    milestones = list(project.milestones.prefetch_related("photos"))
    evidence = list(project.photos.filter(milestone__isnull=True))
    today = timezone.localdate()
    return render(request, "oldcompounds/project.html", {
        "project": project, "actions": actions, "events": events, "milestones": milestones, "evidence": evidence,
        "accept_form": AcceptForm(initial={"accepted_on": today}) if "accept" in actions else None,
        "milestone_form": MilestoneForm(initial={"done_on": today}) if "milestone" in actions else None,
        "start_form": DateForm(initial={"day": today}, prefix="start") if "start" in actions else None,
        "finish_form": DateForm(initial={"day": today}, prefix="finish") if "finish" in actions else None,
        "note_form": NoteForm() if {"reject", "cancel"} & set(actions) else None,
        "breadcrumbs": crumbs((project.estate.name, reverse("oldcompounds:detail", args=[project.estate_id])),
                              (str(project), None)),
    })


@require_POST
@login_required
def project_act(request, pk, action):
    user = request.user
    _require(user)
    project = sel.project_get_for_user(user=user, pk=pk)
    if action not in PROJECT.transitions:
        refuse(user=user, model=RenovationProject, pk=pk, reason=_("未知操作"))
    if not (sel.actor_kinds(user, project.estate) & PROJECT[action].actors):
        refuse(user=user, model=RenovationProject, pk=pk, status=403, reason=_("无权对该改造项目执行此操作"))
    try:
        if action == "accept":
            form = AcceptForm(request.POST)
            if not form.is_valid():
                raise ServiceError(_g("请填写验收日期和验收意见"))
            svc.project_accept(actor=user, project=project, accepted_on=form.cleaned_data["accepted_on"],
                               note=form.cleaned_data["note"], photos=request.FILES.getlist("photos"))
            messages.success(request, _g("已验收通过"))
        elif action == "milestone":
            form = MilestoneForm(request.POST)
            if not form.is_valid():
                raise ServiceError(_g("请填写进度节点和完成日期"))
            svc.milestone_add(actor=user, project=project, photos=request.FILES.getlist("photos"), **form.cleaned_data)
            messages.success(request, _g("进度已填报"))
        elif action in ("start", "finish"):
            form = DateForm(request.POST, prefix=action)
            if not form.is_valid():
                raise ServiceError(_g("请填写日期"))
            if action == "start":
                svc.project_start(actor=user, project=project, started_on=form.cleaned_data["day"])
            else:
                svc.project_finish(actor=user, project=project, finished_on=form.cleaned_data["day"])
            messages.success(request, _g("已记录"))
        else:
            note = (request.POST.get("note") or "").strip()
            (svc.project_reject if action == "reject" else svc.project_cancel)(actor=user, project=project, note=note)
            messages.success(request, _g("已记录"))
    except ServiceError as e:
        messages.error(request, error_text(e))
    return redirect("oldcompounds:project", pk=project.pk)


@require_GET
@login_required
def target(request):
    user = request.user
    _require(user)
    years = sel.chart_years()
    year = int(request.GET["year"]) if (request.GET.get("year") or "").isdigit() else years[0]
    if year not in years:
        year = years[0]
    data = sel.target_chart(year)
    rows = data["rows"]
    chart = {"months": [f"{m}月" for m in range(1, 13)], "cumulative": data["cumulative"], "pace": data["pace"],
             "goal": data["quantity"] or 0, "names": [r.name for r in rows], "done": [r.done for r in rows],
             "quota": [r.quota for r in rows]}
    return render(request, "oldcompounds/target.html", {
        **data, "years": years, "chart": chart,
        "percent": round(data["done"] * 100 / data["quantity"], 1) if data["quantity"] else None,
        "breadcrumbs": crumbs((_("加装封闭设施目标"), None)),
    })
