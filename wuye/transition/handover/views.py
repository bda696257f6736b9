"""Pages of handover inspection (issue 17 §2–5): the list (district's, city's, and a company's own)
with filters and search, opening a case, one case with its checklist, defects, step actions, the
filing and the early-delivery referral. Thin: selectors decide who sees what, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.core.access import refuse
from wuye.core.errors import ServiceError, error_text
from wuye.core.listing import page_window, paginate, query_string
from wuye.supervision.pages import htmx_results

from . import selectors as sel
from . import services as svc
from .filtering import filtered_cases
from .forms import CaseOpenForm, DefectForm
from .models import HandoverCase, HandoverDefect, HandoverDocument
from .rules import filing_overdue
from .workflow import CASE, STEPS, step_rows

PAGE_SIZE = 20
EVENT_LABELS = {"open": _("登记承接查验"), "early_delivery": _("发现提前交房"), "refer": _("移交联合执法"),
                "filing_overdue": _("备案逾期"), "documents_late": _("资料逾期未移交"),
                "documents_withheld": _("拒不移交资料"), "garages_withheld": _("拒不移交车库/配套用房"),
                **{a: t.label for a, t in CASE.transitions.items()}}
# What each step's form asks for: (date label, number label).
STEP_INPUTS = {
    "plan_done": (None, None), "documents_done": (None, None), "inspection_done": (_("现场查验日期"), None),
    "defects_resolved": (None, None), "confirm": (_("确认日期"), None), "sign": (_("协议签订日期"), _("协议编号")),
    "hand_over": (_("物业交接日期"), None), "file": (_("备案日期"), _("备案编号")),
}


def _crumbs(*extra):
    return [(_("承接查验"), reverse("handover:list")), *extra]


def _date(value):
    try:
        return parse_date(value or "")
    except ValueError:
        return None


@require_GET
@login_required
def case_list(request):
    user = request.user
    if not sel.can_use_pages(user):
        refuse(user=user, model=HandoverCase, pk="", reason=_("该角色不使用承接查验页面"), status=403)
    form, qs = filtered_cases(request.GET, user)
    qs = qs.select_related("estate", "developer", "company", "district").order_by("-created_at", "-id")
    page = paginate(request, qs, per_page=PAGE_SIZE)
    rows = list(page.object_list)
    today = timezone.localdate()
    for c in rows:
        c.overdue = filing_overdue(c, today)
    ctx = {
        "page": page, "rows": rows, "window": page_window(page), "query": query_string(request.GET),
        "filter_form": form, "list_url": reverse("handover:list"), "can_open": sel.can_create(user),
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
        "breadcrumbs": _crumbs(), "step_count": len(STEPS),
    }
    if htmx_results(request):
        return render(request, "handover/_results.html", ctx)
    return render(request, "handover/list.html", ctx)


@require_http_methods(["GET", "POST"])
@login_required
def case_open(request):
    user = request.user
    if not sel.can_create(user):
        refuse(user=user, model=HandoverCase, pk="", reason=_("只有物业服务企业和区县主管部门可以登记承接查验"), status=403)
    form = CaseOpenForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            case = svc.case_open(actor=user, estate=cd["estate"], developer=cd["developer"], company=cd["company"],
                                 completion_filed_on=cd.get("completion_filed_on"), delivered_on=cd.get("delivered_on"),
                                 phase=cd.get("phase", ""), plan_note=cd.get("plan_note", ""))
        except ServiceError as e:
            form.add_error(None, error_text(e))
        else:
            messages.success(request, _g("承接查验已登记。"))
            if case.early_delivery:
                messages.warning(request, _g("发现%(kind)s，已记入建设单位违规记录。") % {"kind": case.get_early_kind_display()})
            return redirect("handover:detail", pk=case.pk)
    return render(request, "handover/open.html", {"form": form, "breadcrumbs": _crumbs((_("登记承接查验"), None))})


@require_GET
@login_required
def case_detail(request, pk):
    case = sel.case_get_for_user(user=request.user, pk=pk)
    kinds = sel.case_actor_kinds(request.user, case)
    actions = CASE.allowed(case, kinds)
    events = sel.case_events(case)
    for ev in events:
        ev.label = EVENT_LABELS.get(ev.action, ev.action)
    today = timezone.localdate()
    editable = bool(kinds) and case.status != HandoverCase.Status.FILED
    return render(request, "handover/detail.html", {
        "case": case, "steps": step_rows(case), "actions": [(a, CASE.label(a), *STEP_INPUTS[a]) for a in actions],
        "documents": sel.case_documents(case), "defects": sel.case_defects(case), "events": events,
        "counts": sel.document_counts(case), "overdue": filing_overdue(case, today), "today": today,
        "can_edit_docs": editable, "can_edit_defects": bool(kinds) and case.status in (
            HandoverCase.Status.INSPECTION, HandoverCase.Status.RECTIFICATION),
        "can_refer": sel.is_official_of(request.user, case) and case.early_delivery and case.referred_at is None,
        "can_record": bool(kinds), "doc_statuses": HandoverDocument.Status.choices,
        "defect_form": DefectForm(), "breadcrumbs": _crumbs((str(case), None)),
    })


def _done(request, pk, fn, ok: str):
    try:
        fn()
    except ServiceError as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, ok)
    return redirect("handover:detail", pk=pk)


@require_POST
@login_required
def case_advance(request, pk, action):
    case = sel.case_get_for_user(user=request.user, pk=pk)
    if action not in CASE.transitions:
        refuse(user=request.user, model=HandoverCase, pk=pk, reason=_("未知的操作"))
    if not (sel.case_actor_kinds(request.user, case) & CASE[action].actors):
        refuse(user=request.user, model=HandoverCase, pk=pk, reason=_("您无权办理该承接查验的此项操作"), status=403)
    try:
        case.version = int(request.POST.get("version", case.version))
    except ValueError:
        pass
    return _done(request, pk, lambda: svc.case_advance(
        actor=request.user, case=case, action=action, note=request.POST.get("note", ""),
        on_date=_date(request.POST.get("on_date")), number=request.POST.get("number", "")),
        _g("已办理：%(a)s。") % {"a": CASE.label(action)})


@require_POST
@login_required
def document_update(request, pk, doc_pk):
    case = sel.case_get_for_user(user=request.user, pk=pk)
    sel.require_actor(request.user, case)
    doc = sel.document_of(case, doc_pk)
    if doc is None:
        refuse(user=request.user, model=HandoverDocument, pk=doc_pk, reason=_("资料不存在"))
    p = request.POST
    return _done(request, pk, lambda: svc.document_update(
        actor=request.user, case=case, document=doc, status=p.get("status", ""), received_on=_date(p.get("received_on")),
        promised_on=_date(p.get("promised_on")), note=p.get("note", "")), _g("已登记：%(n)s。") % {"n": doc.name})


@require_POST
@login_required
def document_add(request, pk):
    case = sel.case_get_for_user(user=request.user, pk=pk)
    sel.require_actor(request.user, case)
    return _done(request, pk, lambda: svc.document_add(actor=request.user, case=case, name=request.POST.get("name", "")),
                 _g("已增加移交资料。"))


@require_POST
@login_required
def defect_add(request, pk):
    case = sel.case_get_for_user(user=request.user, pk=pk)
    sel.require_actor(request.user, case)
    form = DefectForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[k].label}：{v[0]}" for k, v in form.errors.items()))
        return redirect("handover:detail", pk=pk)
    cd = form.cleaned_data
    return _done(request, pk, lambda: svc.defect_add(
        actor=request.user, case=case, part=cd["part"], location=cd["location"], description=cd["description"],
        responsible=cd["responsible"], promised_on=cd["promised_on"], files=request.FILES.getlist("photos")),
        _g("已登记查验问题。"))


@require_POST
@login_required
def defect_fix(request, pk, defect_pk):
    case = sel.case_get_for_user(user=request.user, pk=pk)
    sel.require_actor(request.user, case)
    defect = sel.defect_of(case, defect_pk)
    if defect is None:
        refuse(user=request.user, model=HandoverDefect, pk=defect_pk, reason=_("查验问题不存在"))
    return _done(request, pk, lambda: svc.defect_fix(
        actor=request.user, case=case, defect=defect, fixed_on=_date(request.POST.get("fixed_on")),
        note=request.POST.get("note", ""), files=request.FILES.getlist("photos")), _g("已登记问题解决。"))


@require_POST
@login_required
def case_refer(request, pk):
    case = sel.case_get_for_user(user=request.user, pk=pk)
    if not sel.is_official_of(request.user, case):
        refuse(user=request.user, model=HandoverCase, pk=pk, reason=_("只有所在区县主管部门可以移交联合执法"), status=403)
    return _done(request, pk, lambda: svc.case_refer(actor=request.user, case=case), _g("已移交建设、住建部门联合查处。"))


@require_POST
@login_required
def withholding(request, pk):
    case = sel.case_get_for_user(user=request.user, pk=pk)
    sel.require_actor(request.user, case)
    return _done(request, pk, lambda: svc.withholding_record(
        actor=request.user, case=case, kind=request.POST.get("kind", ""), note=request.POST.get("note", "")),
        _g("已记入建设单位违规记录。"))


@require_GET
@login_required
def photo_file(request, pk):
    photo = sel.photo_get_for_user(user=request.user, pk=pk)
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type or "application/octet-stream")
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response
