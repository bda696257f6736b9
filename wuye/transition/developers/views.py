"""Pages of developers (建设单位): the list (search, district filter), one developer (its estates
and phases, its violations and their timeline), register / edit, link an estate or phase, record a
violation with evidence, one violation with its workflow actions, and the public list of
developers with confirmed violations (no login). Views are thin: access in ``selectors``, writes in
``services``."""

from __future__ import annotations

import mimetypes
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.core.access import get_visible_or_404, refuse
from wuye.core.errors import ServiceError, error_text
from wuye.core.listing import page_window, paginate
from wuye.core.masking import mask_phone

from . import selectors as sel
from . import services
from .forms import (
    ActionForm,
    DeveloperFilterForm,
    DeveloperForm,
    LinkForm,
    ViolationFilterForm,
    ViolationForm,
)
from .models import Developer, DeveloperViolation, ViolationEvidence
from .workflow import CREATION_LABELS, MACHINE, allowed_actions

S = DeveloperViolation.Status


def _require_official(request, model=Developer) -> None:
    if not sel.is_official(request.user):
        refuse(user=request.user, model=model, pk="", reason=_("只有市局和区县主管部门使用建设单位管理"), status=403)


def _districts(user):
    return sel.districts_for_filter(user)


def _apply_errors(form, exc: ServiceError) -> None:
    """Field errors from the service beside their fields; the rest above the form."""
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error_text(exc))


# ---- developers -----------------------------------------------------------------------------


@require_GET
@login_required
def developer_list(request):
    user = request.user
    _require_official(request)
    form = DeveloperFilterForm(request.GET or None, districts=_districts(user))
    data = form.cleaned_data if form.is_valid() else {}
    qs = sel.developers_filtered(user, q=data.get("q") or "", district_id=data.get("district"))
    qs = qs.annotate(
        estate_count=Count("estates", distinct=True),
        open_count=Count("violations", filter=Q(violations__status__in=[S.DRAFT, S.REVIEWED, S.NOTICE, S.OBJECTED]),
                         distinct=True),
        confirmed_count=Count("violations", filter=Q(violations__status=S.CONFIRMED), distinct=True),
    ).order_by("name", "pk")
    page = paginate(request, qs)
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(request, "developers/developer_list.html", {
        "form": form, "page": page, "rows": list(page.object_list), "window": page_window(page),
        "query": urlencode(params), "filtered": bool(params)})


@require_GET
@login_required
def developer_detail(request, pk: int):
    user = request.user
    _require_official(request)
    dev = get_visible_or_404(sel.visible_developers(user), user=user, pk=pk)
    links = list(dev.estates.select_related("estate", "estate__district").order_by("estate__name", "phase", "pk"))
    violations = list(sel.developer_violations(user, dev)[:100])
    estate_q = (request.GET.get("estate_q") or "").strip()
    found = sel.estates_to_link(user, estate_q) if sel.can_edit(user, dev) else []
    return render(request, "developers/developer_detail.html", {
        "dev": dev, "phone": mask_phone(dev.contact_phone), "links": links, "violations": violations,
        "creation_labels": CREATION_LABELS, "estate_q": estate_q, "found": found, "link_form": LinkForm(),
        "can_edit": sel.can_edit(user, dev),
        "breadcrumbs": [(_g("建设单位"), reverse("developers:list")), (dev.name, None)]})


@require_http_methods(["GET", "POST"])
@login_required
def developer_edit(request, pk: int | None = None):
    user = request.user
    _require_official(request)
    dev = get_visible_or_404(sel.visible_developers(user), user=user, pk=pk) if pk else None
    initial = {f: getattr(dev, f) for f in services.DEVELOPER_FIELDS} if dev else None
    form = DeveloperForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if dev is None:
                dev = services.developer_create(user=user, data=form.cleaned_data)
            else:
                services.developer_update(user=user, developer=dev, data=form.cleaned_data)
        except ServiceError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _g("已保存"))
            return HttpResponseRedirect(reverse("developers:detail", args=[dev.pk]))
    return render(request, "developers/developer_form.html", {"form": form, "dev": dev})


@require_POST
@login_required
def developer_link(request, pk: int):
    user = request.user
    _require_official(request)
    dev = get_visible_or_404(sel.visible_developers(user), user=user, pk=pk)
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _g("请选择小区"))
        return redirect("developers:detail", pk=pk)
    estate = sel.estate_for_link(user, form.cleaned_data["estate"])
    try:
        services.developed_estate_link(user=user, developer=dev, estate=estate, phase=form.cleaned_data["phase"])
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _g("已登记开发项目"))
    return redirect("developers:detail", pk=pk)


# ---- violations -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def violation_new(request, pk: int):
    user = request.user
    _require_official(request, DeveloperViolation)
    dev = get_visible_or_404(sel.visible_developers(user), user=user, pk=pk)
    estates = sel.estates_for_violation(user, dev)
    form = ViolationForm(request.POST or None, request.FILES or None, estates=estates)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            v = services.violation_record(user=user, developer=dev, kind=d["kind"], estate=d["estate"], note=d["note"],
                                          evidence=d["evidence"], occurred_on=d["occurred_on"],
                                          files=request.FILES.getlist("files"))
        except ServiceError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _g("已录入，待其他工作人员审核"))
            return HttpResponseRedirect(reverse("developers:violation_detail", args=[v.pk]))
    return render(request, "developers/violation_form.html", {"form": form, "dev": dev})


@require_GET
@login_required
def violation_list(request):
    user = request.user
    _require_official(request, DeveloperViolation)
    form = ViolationFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = sel.visible_violations(user)
    q = (data.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(developer__name__icontains=q) | Q(note__icontains=q))
    for f in ("status", "kind"):
        if data.get(f):
            qs = qs.filter(**{f: data[f]})
    page = paginate(request, qs.select_related("developer", "estate").order_by("-occurred_on", "-pk"))
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(request, "developers/violation_list.html", {
        "form": form, "page": page, "rows": list(page.object_list), "window": page_window(page),
        "query": urlencode(params), "filtered": bool(params)})


@require_GET
@login_required
def violation_detail(request, pk: int):
    user = request.user
    _require_official(request, DeveloperViolation)
    v = get_visible_or_404(sel.visible_violations(user).select_related("developer", "estate", "recorded_by",
                                                                         "reviewed_by"), user=user, pk=pk)
    now = timezone.now()
    actions = [{"name": a, "label": MACHINE.label(a), "needs_note": MACHINE[a].needs_note,
                "danger": a in ("withdraw", "uphold"), "form": ActionForm(initial={"action": a, "version": v.version})}
               for a in allowed_actions(user, v, now=now)]
    return render(request, "developers/violation_detail.html", {
        "v": v, "logs": list(v.logs.select_related("actor")), "files": list(v.files.all()), "actions": actions,
        "creation_labels": CREATION_LABELS,
        "breadcrumbs": [(_g("建设单位"), reverse("developers:list")),
                        (v.developer.name, reverse("developers:detail", args=[v.developer_id])),
                        (v.get_kind_display(), None)]})


@require_POST
@login_required
def violation_act(request, pk: int):
    user = request.user
    _require_official(request, DeveloperViolation)
    v = get_visible_or_404(sel.visible_violations(user), user=user, pk=pk)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _g("提交的内容不完整，请重试"))
        return redirect("developers:violation_detail", pk=pk)
    action = form.cleaned_data["action"]
    v.version = form.cleaned_data["version"]
    try:
        services.violation_act(user=user, violation=v, action=action, note=form.cleaned_data["note"])
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _g("已%(action)s") % {"action": MACHINE.label(action)})
    return redirect("developers:violation_detail", pk=pk)


@require_GET
@login_required
def evidence_file(request, pk: int):
    user = request.user
    _require_official(request, ViolationEvidence)
    ev = get_visible_or_404(sel.visible_evidence(user),
                            user=user, pk=pk)
    ctype = mimetypes.guess_type(ev.file.name)[0] or "application/octet-stream"
    response = FileResponse(ev.file.open("rb"), content_type=ctype)
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline" if ctype.startswith("image/") or ctype == "application/pdf" else "attachment"
    return response


# ---- public (no login) ----------------------------------------------------------------------


@require_GET
def public_list(request):
    """Developers with confirmed violations (like the credit black list): never drafts, notices,
    objections, evidence files or anybody's personal data."""
    q = (request.GET.get("q") or "").strip()
    qs = sel.public_developers()
    if q:
        qs = qs.filter(name__icontains=q)
    page = paginate(request, qs)
    rows = list(page.object_list)
    latest: dict[int, list] = {}
    for v in (sel.public_violations().filter(developer_id__in=[d.pk for d in rows])
              .select_related("estate").order_by("developer_id", "-occurred_on", "-pk")):
        latest.setdefault(v.developer_id, []).append(v)
    for d in rows:
        d.public_violations = latest.get(d.pk, [])
    return render(request, "developers/public_list.html", {
        "page": page, "rows": rows, "window": page_window(page), "q": q, "query": urlencode({"q": q}) if q else ""})


@require_GET
def public_detail(request, pk: int):
    dev = sel.public_developers().filter(pk=pk).first()
    if dev is None:
        raise Http404(_g("未找到该建设单位"))
    violations = list(sel.public_violations().filter(developer=dev).select_related("estate")
                      .order_by("-occurred_on", "-pk"))
    return render(request, "developers/public_detail.html", {"dev": dev, "violations": violations})
