"""Pages of confidential 扫黑除恶 clue reports (issue 17 §11): the filing form and the reporter's own
receipts; the list and the page of a clue for the police and the city bureau (each look audited),
where the police take it up and record their outcome."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.core.access import refuse
from wuye.core.errors import ServiceError, error_text
from wuye.core.listing import page_window, paginate, query_string

from . import clues as svc
from . import selectors as sel
from .forms import ClueFilter, ClueForm, OutcomeForm
from .models import ClueReport
from .workflow import CLUE

PAGE_SIZE = 30


def crumbs(*extra):
    return [(_("涉黑涉恶线索"), None), *extra]


def _require_viewer(user):
    if not sel.can_see_clues(user):
        refuse(user=user, model=ClueReport, pk="", reason=_("涉黑涉恶线索仅公安机关和市住房保障房产局可见"), status=403)


@require_http_methods(["GET", "POST"])
@login_required
def clue_new(request):
    user = request.user
    if not sel.can_file_clue(user):
        refuse(user=user, model=ClueReport, pk="", reason=_("您的账号不能提交涉黑涉恶线索"), status=403)
    form = ClueForm(request.POST or None, companies=sel.company_choices(), districts=sel.all_districts())
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                clue = svc.clue_file(actor=user, target=d["target"], company=d["company"], person_name=d["person_name"],
                                     district=d["district"], location=d["location"], content=d["content"])
            except ServiceError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, _g("线索已提交，请保存回执编号。"))
                return redirect("recheck:clue_receipt", pk=clue.pk)
        status = 400
    return render(request, "recheck/clue_form.html", {"form": form, "breadcrumbs": crumbs((_("提交线索"), None))},
                  status=status)


@require_GET
@login_required
def clue_receipts(request):
    if not sel.can_file_clue(request.user):
        refuse(user=request.user, model=ClueReport, pk="", reason=_("您的账号不能提交涉黑涉恶线索"), status=403)
    page = paginate(request, sel.my_receipts(request.user), per_page=PAGE_SIZE)
    return render(request, "recheck/clue_receipts.html", {
        "page": page, "rows": list(page.object_list), "window": page_window(page), "query": "",
        "can_file": sel.can_file_clue(request.user), "breadcrumbs": crumbs((_("我的线索回执"), None)),
    })


@require_GET
@login_required
def clue_receipt(request, pk):
    clue = sel.receipt_get(user=request.user, pk=pk)
    return render(request, "recheck/clue_receipt.html", {
        "clue": clue, "breadcrumbs": crumbs((_("我的线索回执"), reverse("recheck:clue_receipts")), (clue.number, None)),
    })


@require_GET
@login_required
def clue_list(request):
    user = request.user
    _require_viewer(user)
    form = ClueFilter(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, sel.clue_list(user, status=f.get("status", ""), q=f.get("q", "")), per_page=PAGE_SIZE)
    return render(request, "recheck/clue_list.html", {
        "form": form, "page": page, "rows": list(page.object_list), "window": page_window(page),
        "query": query_string(request.GET, "page"), "filtered": any(v for k, v in request.GET.items() if k != "page"),
        "can_file": sel.can_file_clue(user), "breadcrumbs": crumbs((_("线索列表"), None)),
    })


@require_GET
@login_required
def clue_detail(request, pk):
    user = request.user
    _require_viewer(user)
    clue = sel.clue_get_for_user(user=user, pk=pk)
    svc.clue_viewed(actor=user, clue=clue)
    events = list(sel.clue_timeline(clue))
    for e in events:
        e.label = CLUE.label(e.action) if e.action in CLUE.transitions else _g("提交线索")
    return render(request, "recheck/clue_detail.html", {
        "clue": clue, "actions": CLUE.allowed(clue, sel.clue_actor_kinds(user, clue)), "outcome_form": OutcomeForm(),
        "events": events,
        "breadcrumbs": crumbs((_("线索列表"), reverse("recheck:clue_list")), (clue.number, None)),
    })


@require_POST
@login_required
def clue_act(request, pk, action):
    user = request.user
    _require_viewer(user)
    clue = sel.clue_get_for_user(user=user, pk=pk)
    try:
        if action == "accept":
            svc.clue_accept(actor=user, clue=clue)
            messages.success(request, _g("线索已受理核查。"))
        elif action == "conclude":
            form = OutcomeForm(request.POST)
            if not form.is_valid():
                raise ServiceError(_g("请选择核查结论并填写结论说明"))
            svc.clue_conclude(actor=user, clue=clue, confirmed=form.cleaned_data["confirmed"],
                              outcome=form.cleaned_data["outcome"])
            messages.success(request, _g("核查结论已录入。"))
        else:
            messages.error(request, _g("未知的操作"))
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    return redirect("recheck:clue_detail", pk=clue.pk)
