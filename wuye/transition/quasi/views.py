"""Pages of 准物业 (issue 17 §8–9, item 4): contracts (list, detail with the payment computation,
create — street and community officials; district and city read), the monthly check entry
(phone-friendly, community), the provider's view of its checks and rectifications, and the
check photos. Access is decided in ``selectors``; writes in ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from wuye.core.access import refuse
from wuye.core.errors import ServiceError, error_text
from wuye.core.listing import page_window, paginate, query_string

from . import selectors as sel
from . import services as svc
from .forms import CheckForm, ContractForm, OrganisationForm, ReplyForm
from .models import Duty, MonthlyCheck, QuasiContract, Rectification, ServiceOrganisation
from .payment import payment_for
from .workflow import CONTRACT, RECTIFICATION

HOME = (_l("准物业"), "/quasi/")


def _form_error(form, exc: ServiceError) -> None:
    """A service's refusal beside the field it names, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target, e.messages[0] if hasattr(e, "messages") else str(e))
    else:
        form.add_error(None, error_text(exc))


def _labelled(machine, events) -> list:
    out = list(events)
    for ev in out:
        ev.label = machine.label(ev.action) if ev.action in machine.transitions else ev.action
    return out


@login_required
@require_safe
def contract_list(request):
    sel.require_user(request.user)
    q = (request.GET.get("q") or "").strip()[:50]
    status = request.GET.get("status") or ""
    provider = request.GET.get("provider") or ""
    page = paginate(request, sel.contract_list(request.user, q=q, status=status, provider=provider))
    return render(request, "quasi/contract_list.html", {
        "q": q, "status": status, "provider": provider, "statuses": QuasiContract.Status.choices,
        "page": page, "rows": list(page.object_list), "window": page_window(page),
        "query": query_string(request.GET, "page"), "can_create": sel.can_create_contract(request.user),
        "breadcrumbs": [(_("准物业购买服务合同"), None)],
    })


@login_required
@require_http_methods(["GET", "POST"])
def contract_new(request):
    if not sel.can_create_contract(request.user):
        refuse(user=request.user, model=QuasiContract, pk="", status=403,
               reason=_("只有街道办事处和社区可以登记准物业购买服务合同"))
    form = ContractForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            contract = svc.contract_create(actor=request.user, **form.service_kwargs())
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("合同 %(n)s 已保存") % {"n": contract.number})
            return redirect("quasi:contract_detail", pk=contract.pk)
    return render(request, "quasi/contract_form.html", {
        "form": form, "formula": payment_for.__doc__,
        "breadcrumbs": [(_("准物业购买服务合同"), "/quasi/"), (_("登记合同"), None)],
    }, status=400 if form.errors else 200)


@login_required
@require_safe
def contract_detail(request, pk: int):
    contract = sel.contract_get_for_user(user=request.user, pk=pk)
    estates = sel.covered_estates(contract)
    rects = sel.contract_rectifications(contract)
    today = timezone.localdate()
    for r in rects:
        r.overdue = r.is_overdue(today)
    return render(request, "quasi/contract_detail.html", {
        "contract": contract, "estates": estates, "duties": list(contract.duties.all()),
        "payment": sel.contract_payment(contract), "formula": payment_for.__doc__,
        "matrix": sel.check_matrix(contract, estates), "duty_choices": Duty.choices,
        "rects": rects, "complaints": sel.provider_complaints(contract),
        "actions": [(a, CONTRACT.label(a)) for a in sel.contract_actions(request.user, contract)],
        "can_check": bool(sel.checkable_estates(request.user, contract)),
        "events": _labelled(CONTRACT, contract.events.select_related("actor")),
        "breadcrumbs": [(_("准物业购买服务合同"), "/quasi/"), (contract.number, None)],
    })


@login_required
@require_POST
def contract_act(request, pk: int, action: str):
    contract = sel.contract_get_for_user(user=request.user, pk=pk)
    if not sel.is_buyer(request.user, contract):
        refuse(user=request.user, model=QuasiContract, pk=pk, status=403, reason=_("只有购买方可以签订或终止合同"))
    try:
        if action == "sign":
            svc.contract_sign(actor=request.user, contract=contract)
        elif action == "terminate":
            svc.contract_terminate(actor=request.user, contract=contract, note=request.POST.get("note", ""))
        else:
            raise ServiceError(_("未知的操作"))
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("已%(a)s") % {"a": CONTRACT.label(action)})
    return redirect("quasi:contract_detail", pk=contract.pk)


@login_required
@require_http_methods(["GET", "POST"])
def check_new(request, pk: int):
    """The community's monthly check of one covered compound (phone-friendly: one column, big
    choices, the camera opens for photos)."""
    contract = sel.contract_get_for_user(user=request.user, pk=pk)
    estates = sel.checkable_estates(request.user, contract)
    if not estates:
        refuse(user=request.user, model=QuasiContract, pk=pk, status=403,
               reason=_("只有覆盖小区所在社区可以在合同履行期间录入月度检查"))
    form = CheckForm(request.POST or None, estates=estates)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            created = svc.checks_record(actor=request.user, contract=contract, estate=d["estate"], month=d["month"],
                                        checked_on=d["checked_on"], results=form.results(request.FILES))
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            failed = sum(1 for c in created if not c.passed)
            if failed:
                messages.warning(request, _("已录入 %(n)d 项检查，其中 %(f)d 项不合格，已向服务方发出整改要求") % {
                    "n": len(created), "f": failed})
            else:
                messages.success(request, _("已录入 %(n)d 项检查，全部合格") % {"n": len(created)})
            return redirect("quasi:contract_detail", pk=contract.pk)
    return render(request, "quasi/check_form.html", {
        "form": form, "contract": contract, "rows": form.duty_rows(),
        "breadcrumbs": [(_("准物业购买服务合同"), "/quasi/"), (contract.number, f"/quasi/{contract.pk}/"),
                        (_("月度检查"), None)],
    }, status=400 if form.errors else 200)


@login_required
@require_safe
def check_list(request):
    """The checks the user may see (the provider's view of its checks)."""
    sel.require_user(request.user, MonthlyCheck)
    month = (request.GET.get("month") or "").strip()[:7]
    result = request.GET.get("result") or ""
    duty = request.GET.get("duty") or ""
    page = paginate(request, sel.check_list(request.user, month=month, result=result, duty=duty))
    return render(request, "quasi/check_list.html", {
        "month": month, "result": result, "duty": duty, "duties": Duty.choices,
        "page": page, "rows": list(page.object_list), "window": page_window(page),
        "query": query_string(request.GET, "page"),
        "breadcrumbs": [HOME, (_("月度检查"), None)],
    })


@login_required
@require_safe
def rectification_list(request):
    sel.require_user(request.user, Rectification)
    status = request.GET.get("status") or ""
    overdue = request.GET.get("overdue") == "1"
    q = (request.GET.get("q") or "").strip()[:50]
    today = timezone.localdate()
    page = paginate(request, sel.rectification_list(request.user, status=status, overdue=overdue, today=today, q=q))
    rows = list(page.object_list)
    for r in rows:
        r.overdue = r.is_overdue(today)
    return render(request, "quasi/rectification_list.html", {
        "status": status, "overdue": overdue, "q": q, "statuses": Rectification.Status.choices,
        "page": page, "rows": rows, "window": page_window(page), "query": query_string(request.GET, "page"),
        "breadcrumbs": [HOME, (_("整改要求"), None)],
    })


@login_required
@require_safe
def rectification_detail(request, pk: int):
    rect = sel.rectification_get_for_user(user=request.user, pk=pk)
    rect.overdue = rect.is_overdue(timezone.localdate())
    return render(request, "quasi/rectification_detail.html", {
        "rect": rect, "check": rect.monthly_check, "photos": list(rect.monthly_check.photos.all()),
        "actions": [(a, RECTIFICATION.label(a)) for a in sel.rectification_actions(request.user, rect)],
        "events": _labelled(RECTIFICATION, rect.events.select_related("actor")), "form": ReplyForm(),
        "breadcrumbs": [HOME, (_("整改要求"), "/quasi/rectifications/"), (rect.estate.name, None)],
    })


@login_required
@require_POST
def rectification_act(request, pk: int, action: str):
    rect = sel.rectification_get_for_user(user=request.user, pk=pk)
    if not sel.rectification_kinds(request.user, rect):
        refuse(user=request.user, model=Rectification, pk=pk, status=403, reason=_("您不是该整改要求的服务方或检查方"))
    note = request.POST.get("note", "")
    try:
        if action == "submit":
            svc.rectification_submit(actor=request.user, rect=rect, reply=note)
        elif action == "close":
            svc.rectification_close(actor=request.user, rect=rect, note=note)
        elif action == "reopen":
            svc.rectification_reopen(actor=request.user, rect=rect, note=note)
        else:
            raise ServiceError(_("未知的操作"))
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("已%(a)s") % {"a": RECTIFICATION.label(action)})
    return redirect("quasi:rectification_detail", pk=rect.pk)


@login_required
@require_safe
def photo(request, pk: int):
    p = sel.photo_get_for_user(user=request.user, pk=pk)
    response = FileResponse(p.file.open("rb"), content_type=p.content_type or "application/octet-stream")
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def organisation_list(request):
    """The community service organisations of the user's district, and (district, street,
    community) registering a new one."""
    if not sel.can_see_organisations(request.user):
        refuse(user=request.user, model=ServiceOrganisation, pk="", status=403,
               reason=_("只有政府部门可以查看社区服务组织名录"))
    can_create = sel.can_create_organisation(request.user)
    form = OrganisationForm(request.POST or None) if can_create else None
    if request.method == "POST":
        if not can_create:
            refuse(user=request.user, model=ServiceOrganisation, pk="", status=403,
                   reason=_("只有区县、街道和社区可以登记社区服务组织"))
        if form.is_valid():
            try:
                svc.organisation_create(actor=request.user, **form.cleaned_data)
            except ServiceError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("社区服务组织已登记"))
                return redirect("quasi:organisation_list")
    q = (request.GET.get("q") or "").strip()[:50]
    qs = sel.organisations_visible_to(request.user).select_related("district")
    if q:
        qs = qs.filter(name__icontains=q)
    page = paginate(request, qs.order_by("name", "id"))
    return render(request, "quasi/organisation_list.html", {
        "form": form, "q": q, "page": page, "rows": list(page.object_list), "window": page_window(page),
        "query": query_string(request.GET, "page"),
        "breadcrumbs": [HOME, (_("社区服务组织"), None)],
    }, status=400 if form is not None and form.errors else 200)
