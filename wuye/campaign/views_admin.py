"""Pages of the campaign office's registers (issue 16 items 1–3): the yearly plans with their
责任分工表 in and out of Excel, the leading group's member units (and the registration of
city-level departments), and the staffing of districts, streets and communities with the city's
coverage view."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.cases.units import parse_unit
from wuye.core.access import refuse
from wuye.core.audit import audit_record
from wuye.core.calendar import file_stamp
from wuye.core.errors import ServiceError, error_text
from wuye.core.excel import xlsx_response
from wuye.core.listing import page_window
from wuye.core.models import AuditAction

from . import excel
from . import selectors as sel
from . import services as svc
from .forms import DepartmentForm, ImportForm, MemberForm, PlanForm, StaffingForm
from .models import MemberUnit, Plan, StaffingPost
from .views import PAGE_SIZE, crumbs


def _office_only(user, model, pk=""):
    if not sel.is_office(user):
        refuse(user=user, model=model, pk=pk, status=403, reason=_("只有市住房保障房产局（专项行动办公室）可以使用此页面"))


@require_http_methods(["GET", "POST"])
@login_required
def plan_list(request):
    user = request.user
    if not sel.can_use_campaign(user):
        refuse(user=user, model=Plan, pk="", status=403, reason=_("该角色不使用专项行动页面"))
    form = PlanForm(request.POST or None)
    if request.method == "POST":
        _office_only(user, Plan)
        if form.is_valid():
            try:
                plan = svc.plan_create(actor=user, **form.cleaned_data)
            except ServiceError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, _g("工作方案已创建"))
                return redirect(reverse("campaign:board") + f"?plan={plan.pk}")
    return render(request, "campaign/plan_list.html", {
        "plans": sel.plans_for_filter(user), "form": form, "is_office": sel.is_office(user),
        "import_form": ImportForm(), "breadcrumbs": crumbs((_("工作方案"), None)),
    }, status=400 if request.method == "POST" else 200)


@require_GET
@login_required
def plan_export(request, pk):
    user = request.user
    plan = sel.plan_get_for_user(user=user, pk=pk)
    rows = sel.task_rows(sel.tasks_visible_to(user).filter(plan=plan).order_by("id"))
    with translation.override(settings.LANGUAGE_CODE):
        audit_record(action=AuditAction.EXPORT, actor=user, obj=plan, detail=f"导出责任分工表 {len(rows)} 项")
    return xlsx_response(filename=f"plan-{plan.year}-{file_stamp()}.xlsx", sheet_title=_g("责任分工表"),
                         columns=excel.columns(), rows=excel.export_rows(rows))


@require_POST
@login_required
def plan_import(request, pk):
    user = request.user
    plan = sel.plan_get_for_user(user=user, pk=pk)
    _office_only(user, Plan, pk)
    form = ImportForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        rows = excel.parse(form.cleaned_data["file"], sel.picker_units())
        tasks, errors = svc.plan_import(actor=user, plan=plan, rows=rows)
        if not errors:
            messages.success(request, _g("已导入 %(n)s 项任务") % {"n": len(tasks)})
            return redirect(reverse("campaign:board") + f"?plan={plan.pk}")
    else:
        errors = [_g("请选择要导入的 .xlsx 文件")]
    return render(request, "campaign/plan_list.html", {
        "plans": sel.plans_for_filter(user), "form": PlanForm(), "is_office": True, "import_form": form,
        "import_errors": errors, "import_plan": plan, "breadcrumbs": crumbs((_("工作方案"), None)),
    }, status=400)


# ---- the leading group --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def members(request):
    user = request.user
    if not sel.can_use_campaign(user):
        refuse(user=user, model=MemberUnit, pk="", status=403, reason=_("该角色不使用专项行动页面"))
    units = sel.picker_units()
    form = MemberForm(request.POST if request.POST.get("form") == "member" else None, units=units)
    dept_form = DepartmentForm(request.POST if request.POST.get("form") == "department" else None)
    if request.method == "POST":
        _office_only(user, MemberUnit)
        try:
            if request.POST.get("form") == "department" and dept_form.is_valid():
                dept = svc.department_register(actor=user, **dept_form.cleaned_data)
                messages.success(request, _g("已登记市级部门：%(n)s") % {"n": dept.name})
                return redirect("campaign:members")
            if request.POST.get("form") == "member" and form.is_valid():
                d = form.cleaned_data
                unit = parse_unit(d.pop("unit"))
                if unit is None:
                    raise ServiceError(_g("请选择有效的单位"))
                svc.member_unit_save(actor=user, unit=unit, **d)
                messages.success(request, _g("已加入领导小组：%(n)s") % {"n": unit.name})
                return redirect("campaign:members")
        except ServiceError as exc:
            (dept_form if request.POST.get("form") == "department" else form).add_error(None, error_text(exc))
    return render(request, "campaign/members.html", {
        "members": sel.members().filter(active=True), "form": form, "dept_form": dept_form,
        "is_office": sel.is_office(user), "city_departments": [u for u in units if u["kind"] == "department" and not u.get("group")],
        "breadcrumbs": crumbs((_("领导小组成员单位"), None)),
    }, status=400 if request.method == "POST" else 200)


@require_POST
@login_required
def member_remove(request, pk):
    user = request.user
    _office_only(user, MemberUnit, pk)
    member = sel.member_get_for_user(user=user, pk=pk)
    svc.member_unit_remove(actor=user, member=member)
    messages.success(request, _g("已移出领导小组"))
    return redirect("campaign:members")


# ---- staffing -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def staffing(request):
    user = request.user
    if not sel.can_use_campaign(user):
        refuse(user=user, model=StaffingPost, pk="", status=403, reason=_("该角色不使用专项行动页面"))
    own = sel.staffing_unit_of(user)
    if own is None and not sel.is_office(user):
        refuse(user=user, model=StaffingPost, pk="", status=403, reason=_("只有区县、街道和社区登记本单位物业管理工作人员"))
    form = StaffingForm(request.POST or None)
    if request.method == "POST":
        if own is None:
            refuse(user=user, model=StaffingPost, pk="", status=403, reason=_("只有区县、街道和社区登记本单位物业管理工作人员"))
        if form.is_valid():
            try:
                svc.staffing_post_add(actor=user, unit=own, **form.cleaned_data)
            except ServiceError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, _g("已登记"))
                return redirect("campaign:staffing")
    qs = sel.staffing_visible_to(user)
    q = request.GET.get("q", "").strip()
    if q:
        qs = sel.staffing_search(qs, q)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "campaign/staffing.html", {
        "page": page, "rows": page.object_list, "window": page_window(page), "query": f"q={q}" if q else "", "q": q,
        "form": form, "own": own, "can_coverage": sel.can_see_coverage(user),
        "breadcrumbs": crumbs((_("物业管理工作人员"), None)),
    }, status=400 if request.method == "POST" else 200)


@require_POST
@login_required
def staffing_remove(request, pk):
    user = request.user
    post = sel.staffing_post_get_for_user(user=user, pk=pk)
    try:
        svc.staffing_post_remove(actor=user, post=post)
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _g("已移除"))
    return redirect("campaign:staffing")


@require_GET
@login_required
def coverage(request):
    user = request.user
    if not sel.can_see_coverage(user):
        refuse(user=user, model=StaffingPost, pk="", status=403, reason=_("只有市局和区县查看配备情况"))
    rows = sel.staffing_coverage(user)
    return render(request, "campaign/coverage.html", {
        "rows": rows, "empty_streets": sum(1 for r in rows if not r["staff"]),
        "breadcrumbs": crumbs((_("物业管理工作人员"), reverse("campaign:staffing")), (_("配备情况"), None)),
    })
