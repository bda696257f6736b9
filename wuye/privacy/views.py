"""Pages of the privacy app: the resident's "我的个人信息" (page, download, correction requests) and
the city bureau's correction inbox. Access is decided in ``selectors``; writes are ``services``.

The page itself is a GET that writes nothing; the download is a POST (a form button), because it
writes the audit row of the export (DESIGN.md: a GET never writes; every export of personal data
is audited)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.accounts.models import User
from wuye.core.access import refuse
from wuye.core.calendar import file_stamp
from wuye.core.errors import ServiceError, error_text
from wuye.core.excel import Column, xlsx_response
from wuye.core.listing import page_window, paginate

from . import selectors as sel
from . import services
from .forms import CorrectionForm, HandleForm
from .models import CorrectionRequest
from .workflow import CORRECTION


def _require_resident(user) -> None:
    if not sel.is_resident(user):
        refuse(user=user, model=User, pk="", reason=_("“我的个人信息”供业主账号使用"), status=403)


def _require_corrections(user) -> None:
    if not sel.can_view_corrections(user):
        refuse(user=user, model=CorrectionRequest, pk="", reason=_("只有业主本人和市住房保障房产局可以查看个人信息更正申请"),
               status=403)


@require_GET
@login_required
def mine(request):
    _require_resident(request.user)
    return render(request, "privacy/mine.html", {
        "counts": sel.own_data_counts(request.user),
        "requests": list(sel.corrections_visible_to(request.user)[:20]),
    })


@require_POST
@login_required
def download(request):
    """个人信息保护法第四十五条：查阅、复制. JSON or an Excel workbook; one audit row each."""
    _require_resident(request.user)
    fmt = request.POST.get("format", "")
    try:
        data = services.own_data_export(user=request.user, fmt=fmt)
    except ServiceError as exc:
        messages.error(request, error_text(exc))
        return redirect("privacy:mine")
    name = f"personal-data-{file_stamp()}"
    if fmt == "json":
        body = json.dumps(data.as_json(), ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    return xlsx_response(filename=f"{name}.xlsx", sheet_title=_g("我的个人信息"),
                         columns=[Column(_g("类别"), 16), Column(_g("内容"), 140)],
                         rows=services.own_data_sheet_rows(data))


@require_http_methods(["GET", "POST"])
@login_required
def correction_new(request):
    _require_resident(request.user)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            req = services.correction_submit(user=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("更正申请已提交，处理结果将通过站内消息和短信告知您。"))
            return redirect("privacy:correction_detail", pk=req.pk)
    return render(request, "privacy/correction_form.html", {"form": form})


@require_GET
@login_required
def correction_list(request):
    _require_corrections(request.user)
    status = request.GET.get("status", "")
    field = request.GET.get("field", "")
    page = paginate(request, sel.corrections_visible_to(request.user, status=status, field=field))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "privacy/correction_list.html", {
        "page": page, "window": page_window(page), "query": query.urlencode(), "status": status, "field": field,
        "statuses": CorrectionRequest.Status.choices, "fields": CorrectionRequest.Field.choices,
        "inbox": sel.corrections_inbox_count(request.user), "handler": sel.can_handle_corrections(request.user),
    })


@require_GET
@login_required
def correction_detail(request, pk: int):
    _require_corrections(request.user)
    req = sel.correction_get_for_user(user=request.user, pk=pk)
    return render(request, "privacy/correction_detail.html", _detail_context(request.user, req, HandleForm()))


def _detail_context(user, req, form) -> dict:
    actions = sel.correction_actions(user, req)
    return {"req": req, "events": sel.correction_events(req), "actions": actions, "form": form if actions else None,
            "labels": {a: CORRECTION.label(a) for a in actions},
            "errors": list(form.non_field_errors()) if form.is_bound else []}


@require_POST
@login_required
def correction_handle(request, pk: int):
    _require_corrections(request.user)
    req = sel.correction_get_for_user(user=request.user, pk=pk)
    if not sel.can_handle_corrections(request.user):
        refuse(user=request.user, model=CorrectionRequest, pk=pk, reason=_("只有市住房保障房产局可以处理更正申请"), status=403)
    form = HandleForm(request.POST)
    if form.is_valid():
        try:
            services.correction_handle(user=request.user, request=req, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("已处理该更正申请，并已通知申请人。"))
            return redirect("privacy:correction_detail", pk=req.pk)
    return render(request, "privacy/correction_detail.html", _detail_context(request.user, req, form), status=400)
