"""Common-income pages (issue 5 item 1).

Signed in: the scoped list with filters and counts, a new draft, the report page (items and costs
edited inline with htmx while a draft, the actions the user may take, the timeline, every unit's
share), and the officials' list of estates missing last year's report.
Public (no login): a published report with its chart, the per-m² figure and a share calculator;
a signed-in owner of the estate sees their own units' shares and may object (→ a complaint).
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from wuye.core.access import refuse
from wuye.core.listing import page_window, paginate
from wuye.core.money import round_half_up
from wuye.disclosure.models import DisclosureStatus, IncomeItem, IncomeReport

from . import selectors as sel
from . import services as svc
from .forms import CostForm, IncomeFilterForm, IncomeNewForm, ItemForm, NoteForm, ObjectionForm, UseForm
from .workflow import EVENT_LABELS, TRANSITIONS

STATUS_STYLE = {"draft": "secondary", "submitted": "primary", "returned": "warning", "published": "success",
                "withdrawn": "light"}
SOURCE_COLORS = {"lift_ad": "#1d4e89", "wall_ad": "#3f88c5", "common_parking": "#f49d37", "venue": "#6a994e",
                 "other": "#8d99ae"}


def _crumbs(*items):
    return [(_("公共收益公示"), reverse("disclosure:income_list")), *items]


def _query(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _refuse(request, reason: str = "无权访问公共收益公示"):
    refuse(user=request.user, model=IncomeReport, pk="", reason=reason, status=403)


def per_m2(report: IncomeReport) -> Decimal | None:
    if not report.total_area:
        return None
    return round_half_up(report.net / report.total_area, 4)


# ---- the list ---------------------------------------------------------------------------------------


@require_safe
@login_required
def income_list(request):
    """``/disclosure/income/``: the reports the user may see, with filters, counts and pages."""
    user = request.user
    if not sel.can_list_reports(user):
        _refuse(request)
    base = sel.reports_visible_to(user)
    form = IncomeFilterForm(request.GET or None, districts=sel.district_choices())
    qs = base
    if form.is_valid():
        d = form.cleaned_data
        if d.get("status"):
            qs = qs.filter(status=d["status"])
        if d.get("year"):
            qs = qs.filter(period_end__year=d["year"])
        if d.get("district"):
            qs = qs.filter(estate__district=d["district"])
        if d.get("q"):
            qs = qs.filter(sel.search_q(d["q"].strip()))
    qs = qs.select_related("estate", "estate__district", "company").order_by("-period_end", "-id")
    page = paginate(request, qs)
    counts = dict(base.order_by().values_list("status").annotate(n=Count("id")))
    return render(request, "disclosure/income/list.html", {
        "page": page, "window": page_window(page), "query": _query(request), "form": form,
        "counts": [(v, label, counts.get(v, 0)) for v, label in DisclosureStatus.choices],
        "style": STATUS_STYLE, "can_create": sel.can_create_report(user),
        "officials": sel.is_official(user), "breadcrumbs": [(_("公共收益公示"), None)],
    })


@require_http_methods(["GET", "POST"])
@login_required
def income_new(request):
    """``/disclosure/income/new/``: the company drafts a report for one of its estates."""
    user = request.user
    if not sel.can_create_report(user):
        _refuse(request, "只有物业服务企业可以编制公共收益报告")
    estates = sel.estates_for_new_report(user).order_by("name")
    form = IncomeNewForm(request.POST or None, estates=estates, initial={"estate": request.GET.get("estate")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                report = svc.income_report_create(actor=user, estate=d["estate"], period_start=d["period_start"],
                                                  period_end=d["period_end"])
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("已创建草稿，请逐项填写收入和合理成本。"))
                return redirect("disclosure:income_detail", report.pk)
        status = 400
    return render(request, "disclosure/income/new.html", {
        "form": form, "breadcrumbs": _crumbs((_("编制报告"), None)),
    }, status=status)


# ---- one report ------------------------------------------------------------------------------------


def _editor_context(request, report: IncomeReport, *, item_form=None, cost_form=None, use_form=None,
                    error: str = "") -> dict:
    items = list(report.items.all())
    costs = list(report.cost_items.all())
    editable = sel.can_edit_report(request.user, report)
    ctx = {"report": report, "items": items, "costs": costs, "editable": editable, "error": error}
    if editable:
        motions = sel.estate_motions(report.estate_id)
        ctx.update({
            "item_form": item_form or ItemForm(),
            "cost_form": cost_form or CostForm(),
            "use_form": use_form or UseForm(motions=motions, initial={
                "use": report.use, "decision_ref": report.decision_ref, "decision_motion": report.decision_motion_id,
                "use_note": report.use_note}),
            "parking": sel.common_road_parking(report.estate_id, report.period_start, report.period_end),
        })
    return ctx


@require_safe
@login_required
def income_detail(request, pk: int):
    """``/disclosure/income/<id>/``: the report, its editor or figures, actions, timeline, shares."""
    report = sel.report_get_for_user(request.user, pk)
    committee = sel.has_current_committee(report.estate_id)
    actions = sel.allowed_actions(request.user, report, committee=committee)
    shares = None
    if report.status == DisclosureStatus.PUBLISHED:
        shares = Paginator(sel.report_shares(report), 50).get_page(request.GET.get("page"))
    events = sel.report_timeline(report)
    objections = sel.report_objections(report)
    ctx = _editor_context(request, report)
    ctx.update({
        "actions": actions, "labels": EVENT_LABELS, "events": events, "shares": shares,
        "window": page_window(shares) if shares else [], "query": _query(request), "style": STATUS_STYLE,
        "per_m2": per_m2(report), "committee": committee, "objections": objections,
        "breadcrumbs": _crumbs((f"{report.estate.name} {report.period_start:%Y-%m}—{report.period_end:%Y-%m}", None)),
    })
    return render(request, "disclosure/income/detail.html", ctx)


EDIT_OPS = ("item_add", "item_delete", "cost_add", "cost_delete", "parking", "use")


@require_POST
@login_required
def income_edit(request, pk: int, op: str, line: int | None = None):
    """Inline edits while a draft (htmx swaps ``#income-editor``; without htmx: back to the page)."""
    if op not in EDIT_OPS:
        raise Http404
    user = request.user
    report = sel.report_get_for_user(user, pk)
    if not sel.is_company_for(user, report):
        _refuse(request, "只有编制该报告的物业服务企业可以修改")
    forms = {}
    error = ""
    try:
        if op == "item_add":
            form = forms["item_form"] = ItemForm(request.POST)
            if form.is_valid():
                d = form.cleaned_data
                svc.income_item_add(actor=user, report=report, source=d["source"], amount=d["amount"],
                                    description=d["description"])
                forms.pop("item_form")
        elif op == "cost_add":
            form = forms["cost_form"] = CostForm(request.POST)
            if form.is_valid():
                d = form.cleaned_data
                svc.income_cost_add(actor=user, report=report, description=d["description"], amount=d["amount"])
                forms.pop("cost_form")
        elif op == "item_delete":
            svc.income_item_remove(actor=user, report=report, item_id=line)
        elif op == "cost_delete":
            svc.income_cost_remove(actor=user, report=report, cost_id=line)
        elif op == "parking":
            svc.income_parking_fill(actor=user, report=report)
        else:
            motions = sel.estate_motions(report.estate_id)
            form = forms["use_form"] = UseForm(request.POST, motions=motions)
            if form.is_valid():
                d = form.cleaned_data
                svc.income_report_set_use(actor=user, report=report, use=d["use"], use_note=d["use_note"],
                                          decision_ref=d["decision_ref"], decision_motion=d["decision_motion"])
                forms.pop("use_form")
    except ValidationError as exc:
        error = " ".join(exc.messages)
    invalid = bool(error) or any(f.errors for f in forms.values())
    if request.htmx:
        report.refresh_from_db()
        ctx = _editor_context(request, report, error=error, **forms)
        return render(request, "disclosure/income/_editor.html", ctx, status=400 if invalid else 200)
    if error:
        messages.error(request, error)
    elif invalid:
        messages.error(request, _("请检查填写的内容：") + " ".join(
            str(e) for f in forms.values() for errs in f.errors.values() for e in errs))
    else:
        messages.success(request, _("已保存"))
    return redirect("disclosure:income_detail", report.pk)


@require_POST
@login_required
def income_act(request, pk: int, action: str):
    """Submit, confirm, return or withdraw (the table in ``income/workflow.py``)."""
    if action not in TRANSITIONS:
        raise Http404
    user = request.user
    report = sel.report_get_for_user(user, pk)
    if not sel.can_take(user, report, action):
        refuse(user=user, model=IncomeReport, pk=pk, reason=f"无权执行“{TRANSITIONS[action].label}”", status=403)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if action == "submit":
            svc.income_report_submit(actor=user, report=report)
            messages.success(request, _("已提交业主委员会（或街道）确认。"))
        elif action == "confirm":
            svc.income_report_confirm(actor=user, report=report, note=note)
            messages.success(request, _("已确认，报告开始公示，收益已按专有部分面积分配到户。"))
        elif action == "return":
            svc.income_report_return(actor=user, report=report, reason=note)
            messages.success(request, _("已退回物业服务企业修改。"))
        else:
            svc.income_report_withdraw(actor=user, report=report, reason=note)
            messages.success(request, _("报告已撤回作废。"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("disclosure:income_detail", report.pk)


# ---- overdue ---------------------------------------------------------------------------------------


@require_safe
@login_required
def income_overdue(request):
    """``/disclosure/income/overdue/``: estates (with a company) missing last year's published report."""
    user = request.user
    if not sel.is_official(user):
        _refuse(request, "只有主管部门可以查看逾期未公示名单")
    today = timezone.localdate()
    year = today.year - 1
    deadline = svc.income_deadline(today.year)
    missing = sel.estates_missing(year).filter(pk__in=sel.official_estates(user).values("pk"))
    q = (request.GET.get("q") or "").strip()[:50]
    listed = missing
    district = request.GET.get("district") or ""
    if district.isdigit():
        listed = listed.filter(district_id=int(district))
    if q:
        listed = listed.filter(Q(name__icontains=q) | Q(company__name__icontains=q))
    listed = listed.select_related("district", "street", "company").order_by("district__name", "name", "id")
    page = paginate(request, listed)
    by_district = list(missing.order_by().values("district_id", "district__name").annotate(n=Count("id"))
                       .order_by("district__name"))
    return render(request, "disclosure/income/overdue.html", {
        "page": page, "window": page_window(page), "query": _query(request), "year": year, "deadline": deadline,
        "past_deadline": today > deadline, "by_district": by_district, "q": q, "district": district,
        "breadcrumbs": _crumbs((_("逾期未公示"), None)),
    })


# ---- the public page -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def income_public(request, pk: int):
    """``/disclosure/income/<id>/public/``: a published report for everyone; owners' shares and objections."""
    report = get_object_or_404(sel.reports_public().select_related("estate", "estate__district", "estate__street",
                                                               "company", "decision_motion"), pk=pk)
    user = request.user
    own_units = sel.owner_units_in(user, report.estate_id)
    objection_open = sel.objection_open(report)
    form = ObjectionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        if not own_units:
            refuse(user=user, model=IncomeReport, pk=pk, reason="只有本小区的业主可以提出异议", status=403)
        if form.is_valid():
            try:
                obj = svc.income_objection_file(user=user, report=report, text=form.cleaned_data["text"])
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("您的异议已提交并转为诉求，查询码 %(c)s，可在“我的诉求”中查看进展。") % {
                    "c": obj.complaint.tracking_code})
                return redirect("disclosure:income_public", report.pk)
        status = 400
    items = list(report.items.all())
    by_source: dict[str, Decimal] = {}
    for it in items:
        by_source[it.source] = by_source.get(it.source, Decimal("0")) + it.amount
    chart = {"names": [], "values": [], "colors": []}
    for value, label in IncomeItem.Source.choices:
        if by_source.get(value):
            chart["names"].append(str(label))
            chart["values"].append(str(by_source[value]))
            chart["colors"].append(SOURCE_COLORS[value])
    mine = []
    my_objections = []
    if own_units:
        mine = sel.own_shares(report, own_units)
        my_objections = sel.own_objections(report, user)
    return render(request, "disclosure/income/public.html", {
        "report": report, "items": items, "costs": list(report.cost_items.all()), "chart": chart,
        "per_m2": per_m2(report), "mine": mine, "is_owner": bool(own_units), "objection_open": objection_open,
        "form": form, "my_objections": my_objections,
        "units_count": sel.report_share_count(report),
        "public_over": report.public_until is not None and timezone.localdate() > report.public_until,
        "breadcrumbs": [(_("公共收益公示"), None)],
    }, status=status)
