"""Pages of the campaign office's board and its tasks (issue 16 items 4–5): the board (every task
with status, lead unit and progress; what each unit owes and when; target progress by district),
a task with its reports and their review, and the office's new task form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.cases.units import parse_unit
from wuye.core.access import refuse
from wuye.core.errors import ServiceError, error_text
from wuye.core.listing import page_window

from . import selectors as sel
from . import services as svc
from .forms import BoardFilter, ReasonForm, ReportForm, TaskForm
from .models import Plan, Report, Task
from .periods import month_period
from .workflow import REPORT, report_actions

PAGE_SIZE = 30
EVENT_LABELS = {"submit": _("报送"), "create": _("新增任务"), "complete": _("任务完成"), "escalate": _("催办/督办"),
                "clear": _("解除督办"), **{a: t.label for a, t in REPORT.transitions.items()}}


def crumbs(*extra):
    return [(_("专项行动"), reverse("campaign:board")), *extra]


def _require_campaign(user):
    if not sel.can_use_campaign(user):
        refuse(user=user, model=Task, pk="", reason=_("该角色不使用专项行动页面"), status=403)


@require_GET
@login_required
def board(request):
    user = request.user
    _require_campaign(user)
    form = BoardFilter(request.GET or None, plans=sel.plans_for_filter(user))
    f = form.cleaned_data if form.is_valid() else {}
    all_rows = sel.board_rows(user, plan_id=f.get("plan"), q=f.get("q", ""), unit=f.get("unit", ""))
    rows = sel.with_status(all_rows, f.get("status", ""))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    chart = sel.district_progress(all_rows)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "campaign/board.html", {
        "form": form, "page": page, "rows": page.object_list, "window": page_window(page), "query": query.urlencode(),
        "counts": sel.status_counts(all_rows), "owed": sel.owed_by_unit(all_rows)[:30],
        "chart": {"names": [c["name"] for c in chart], "done": [c["done"] for c in chart],
                  "quota": [c["quota"] for c in chart]},
        "behind": [c for c in chart if c["behind"]],
        "has_chart": bool(chart), "is_office": sel.is_office(user),
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
        "breadcrumbs": crumbs((_("任务看板"), None)),
    })


@require_GET
@login_required
def task_detail(request, pk):
    user = request.user
    task = sel.task_get_for_user(user=user, pk=pk)
    row = sel.task_row(task)
    reports = list(sel.task_reports(task))
    for r in reports:
        r.actions = report_actions(user, r)
        r.timeline = list(sel.report_timeline(r))
        for ev in r.timeline:
            ev.label = EVENT_LABELS.get(ev.action, ev.action)
    events = list(sel.task_timeline(task))
    for ev in events:
        ev.label = EVENT_LABELS.get(ev.action, ev.action)
    role = sel.responsible_role(user, task)
    today = month_period(*_this_month())
    return render(request, "campaign/task_detail.html", {
        "task": task, "row": row, "reports": reports, "events": events, "role": role,
        "deadline": sel.deadline_of(task), "report_form": ReportForm(initial={"period": today.label}),
        "reason_form": ReasonForm(), "consolidation": svc.consolidation_text(task, today.label) if role == "lead" else "",
        "breadcrumbs": crumbs((task.plan.title, reverse("campaign:board") + f"?plan={task.plan_id}"),
                              (f"{task.number} {task.title}", None)),
    })


def _this_month():
    today = timezone.localdate()
    return today.year, today.month


@require_POST
@login_required
def task_report(request, pk):
    user = request.user
    task = sel.task_get_for_user(user=user, pk=pk)
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            svc.report_submit(actor=user, task=task, period=d["period"], text=d["text"], quantity_done=d["quantity_done"],
                              final=d["final"], files=request.FILES.getlist("files"))
        except ServiceError as exc:
            messages.error(request, error_text(exc))
            return _detail_again(request, task, form)
        messages.success(request, _g("进展已报送"))
        return redirect("campaign:task_detail", pk=task.pk)
    return _detail_again(request, task, form)


def _detail_again(request, task, form):
    """The task page again with what was typed kept (nothing lost)."""
    row = sel.task_row(task)
    reports = list(sel.task_reports(task))
    for r in reports:
        r.actions = report_actions(request.user, r)
        r.timeline = []
    return render(request, "campaign/task_detail.html", {
        "task": task, "row": row, "reports": reports, "events": [], "role": sel.responsible_role(request.user, task),
        "deadline": sel.deadline_of(task), "report_form": form, "reason_form": ReasonForm(), "consolidation": "",
        "breadcrumbs": crumbs((f"{task.number} {task.title}", None)),
    }, status=400)


@require_POST
@login_required
def report_act(request, pk, action):
    user = request.user
    report = sel.report_get_for_user(user=user, pk=pk)
    try:
        if action == "accept":
            svc.report_accept(actor=user, report=report, note=request.POST.get("note", ""))
        elif action == "return":
            svc.report_return(actor=user, report=report, reason=request.POST.get("reason", ""))
        elif action == "consolidate":
            svc.report_consolidate(actor=user, report=report)
        else:
            refuse(user=user, model=Report, pk=pk, reason=_("没有这个操作"))
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _g("已%(action)s") % {"action": REPORT.label(action)})
    return redirect("campaign:task_detail", pk=report.task_id)


@require_http_methods(["GET", "POST"])
@login_required
def task_create(request, plan_pk):
    user = request.user
    plan = sel.plan_get_for_user(user=user, pk=plan_pk)
    if not sel.is_office(user):
        refuse(user=user, model=Plan, pk=plan_pk, status=403, reason=_("只有市住房保障房产局可以新增任务"))
    form = TaskForm(request.POST or None, units=sel.picker_units())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            task = svc.task_create(
                actor=user, plan=plan, number=d["number"], title=d["title"], content=d["content"],
                lead=parse_unit(d["lead"]), co_units=[u for u in (parse_unit(v) for v in d["co_units"]) if u],
                due_date=d["due_date"], rhythm=d["rhythm"], indicator=d["indicator"], quantity=d["quantity"])
        except ServiceError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _g("任务已新增"))
            return redirect("campaign:task_detail", pk=task.pk)
    return render(request, "campaign/task_form.html", {
        "form": form, "plan": plan, "breadcrumbs": crumbs((plan.title, reverse("campaign:plan_list")), (_("新增任务"), None)),
    }, status=400 if request.method == "POST" else 200)
