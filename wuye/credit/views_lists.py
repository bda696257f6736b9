"""Benchmarks (designate / revoke) and exit cases of black-listed companies (issue 4 §11)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.core.access import get_visible_or_404, refuse
from wuye.core.errors import ServiceError, error_text
from wuye.core.listing import page_window, paginate

from . import benchmarks, exits
from . import selectors as sel
from .forms import BenchmarkForm, ExitCloseForm, ExitStepForm, ReasonForm
from .models import Benchmark, ExitCase, ExitStep
from .views_events import require


@require_http_methods(["GET", "POST"])
@login_required
def benchmark_list(request):
    user = request.user
    require(request, sel.is_official(user), _("只有市局和区县主管部门管理标杆"), model=Benchmark)
    form = BenchmarkForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            benchmarks.benchmark_designate(user=user, kind=d["kind"], estate=d["estate"], company=d["company"],
                                         reason=d["reason"])
        except ServiceError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _g("已命名标杆"))
            return redirect("credit:benchmark_list")
    qs = sel.benchmarks_visible_to(user).select_related("estate", "company", "designated_by")
    status = request.GET.get("status", "active")
    if status == "active":
        qs = qs.filter(active=True)
    elif status == "revoked":
        qs = qs.filter(active=False)
    page = paginate(request, qs.order_by("-designated_on", "-id"))
    return render(request, "credit/benchmark_list.html", {
        "page": page, "rows": list(page.object_list), "window": page_window(page), "form": form, "status": status,
        "query": f"status={status}", "revoke_form": ReasonForm()})


@require_POST
@login_required
def benchmark_revoke(request, pk: int):
    user = request.user
    require(request, sel.is_official(user), _("只有市局和区县主管部门管理标杆"), model=Benchmark)
    b = get_visible_or_404(sel.benchmarks_visible_to(user).select_related("estate", "company"), user=user, pk=pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ServiceError(_g("请填写撤销理由"))
        benchmarks.benchmark_revoke(user=user, benchmark=b, reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _g("已撤销标杆"))
    return redirect("credit:benchmark_list")


@require_GET
@login_required
def exit_list(request):
    user = request.user
    require(request, sel.can_view_exits(user), _("该角色不使用清退案件"), model=ExitCase)
    qs = sel.exits_visible_to(user).select_related("company", "estate", "district")
    status = request.GET.get("status", "")
    if status in ExitCase.Status.values:
        qs = qs.filter(status=status)
    page = paginate(request, qs.order_by("-opened_at", "-id"))
    return render(request, "credit/exit_list.html", {
        "page": page, "rows": list(page.object_list), "window": page_window(page), "status": status,
        "statuses": ExitCase.Status.choices, "query": f"status={status}" if status else ""})


@require_GET
@login_required
def exit_detail(request, pk: int):
    user = request.user
    case = get_visible_or_404(sel.exits_visible_to(user).select_related("company", "estate", "district"), user=user, pk=pk)
    steps = {s.kind: s for s in case.steps.select_related("done_by")}
    can_act = sel.can_handle_exit(user, case) and case.status == ExitCase.Status.OPEN
    return render(request, "credit/exit_detail.html", {
        "case": case, "steps": [(code, label, steps.get(code)) for code, label in ExitStep.Kind.choices],
        "can_act": can_act, "step_form": ExitStepForm(initial={"done_on": timezone.localdate()}),
        "close_form": ExitCloseForm()})


@require_POST
@login_required
def exit_act(request, pk: int):
    user = request.user
    case = get_visible_or_404(sel.exits_visible_to(user), user=user, pk=pk)
    if not sel.can_handle_exit(user, case):
        refuse(user=user, model=ExitCase, pk=pk, reason=_("只有市局或小区所在区县主管部门可以办理清退"), status=403)
    what = request.POST.get("what")
    try:
        if what == "step":
            form = ExitStepForm(request.POST)
            if not form.is_valid():
                raise ServiceError(_g("请填写步骤和完成日期"))
            exits.exit_step_record(user=user, case=case, **form.cleaned_data)
            messages.success(request, _g("已登记步骤"))
        elif what == "close":
            form = ExitCloseForm(request.POST)
            if not form.is_valid():
                raise ServiceError(_g("请选择结束方式"))
            exits.exit_case_close(user=user, case=case, **form.cleaned_data)
            messages.success(request, _g("清退案件已结束"))
        else:
            raise ServiceError(_g("未知的操作"))
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    return redirect("credit:exit_detail", pk=pk)
