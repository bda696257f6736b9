"""Pages of bulletins (issue 16 items 6–8): the list (filter by kind, status and year; search),
the draft form, the bulletin (a preview laid out like the document, its sections with their
figures and source links, the recipients, issue with a confirmation, downloads), the section
editor. The rules are in the services; who sees what in the selectors."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from wuye.core.access import refuse
from wuye.core.errors import ServiceError, error_text
from wuye.core.listing import page_window, paginate

from . import selectors as sel
from . import services as svc
from .document import content_of
from .forms import DraftForm, EditForm, ReasonForm, RecipientsForm, SectionForm
from .models import Bulletin, Recipient
from .outputs import PdfUnavailable, document_response
from .workflow import BULLETIN


def _crumbs(*extra):
    return [(_("通报"), reverse("bulletins:list")), *extra]


def _office_only(request, pk="") -> None:
    if not sel.can_draft(request.user):
        refuse(user=request.user, model=Bulletin, pk=pk, status=403, reason=_("只有市住房保障房产局（行动办公室）可以起草和印发通报"))


@require_safe
@login_required
def bulletin_list(request):
    user = request.user
    if not sel.can_use_bulletins(user):
        refuse(user=user, model=Bulletin, pk="", status=403, reason=_("该角色不使用通报页面"))
    f = {k: (request.GET.get(k) or "").strip()[:50] for k in ("kind", "status", "year", "q")}
    page = paginate(request, sel.filtered(sel.bulletins_visible_to(user), **f))
    return render(request, "bulletins/list.html", {
        "page": page, "rows": list(page.object_list), "window": page_window(page),
        "query": urlencode({k: v for k, v in f.items() if v}), "f": f, "filtered": any(f.values()),
        "kinds": Bulletin.Kind.choices, "statuses": Bulletin.Status.choices, "years": sel.years_with_bulletins(),
        "can_draft": sel.can_draft(user), "breadcrumbs": [(_("通报"), None)],
    })


@require_http_methods(["GET", "POST"])
@login_required
def bulletin_new(request):
    _office_only(request)
    form = DraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bulletin = svc.bulletin_draft(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _g("通报草稿已生成，请逐段核对、修改后印发"))
            return redirect("bulletins:detail", pk=bulletin.pk)
    return render(request, "bulletins/new.html", {"form": form, "breadcrumbs": _crumbs((_("起草通报"), None))})


@require_safe
@login_required
def bulletin_detail(request, pk: int):
    bulletin = sel.bulletin_get_for_user(user=request.user, pk=pk)
    editable = sel.can_edit(request.user, bulletin)
    kinds = sel.bulletin_actor_kinds(request.user, bulletin)
    recipients = sel.recipients_of(bulletin)
    return render(request, "bulletins/detail.html", {
        "b": bulletin, "c": content_of(bulletin), "sections": sel.sections_of(bulletin), "editable": editable,
        "main": recipients[Recipient.Role.MAIN], "copy": recipients[Recipient.Role.COPY],
        "actions": BULLETIN.allowed(bulletin, kinds), "events": sel.events_of(bulletin),
        "edit_form": EditForm(initial={"title": bulletin.title, "public": bulletin.public}) if editable else None,
        "recipients_form": RecipientsForm(initial={
            "main": [f"{r.kind}:{r.unit_id}" for r in recipients[Recipient.Role.MAIN]],
            "copy": [f"{r.kind}:{r.unit_id}" for r in recipients[Recipient.Role.COPY]]}) if editable else None,
        "reason_form": ReasonForm(), "receipts_url": sel.notice_receipts_url(bulletin),
        "breadcrumbs": _crumbs((bulletin.number or _("草稿"), None)),
    })


def _back(pk: int):
    return redirect("bulletins:detail", pk=pk)


@require_POST
@login_required
def bulletin_edit(request, pk: int):
    bulletin = sel.bulletin_get_for_user(user=request.user, pk=pk)
    _office_only(request, pk)
    form = EditForm(request.POST)
    if not form.is_valid():
        messages.error(request, _g("请填写通报标题"))
        return _back(pk)
    try:
        svc.bulletin_edit(actor=request.user, bulletin=bulletin, **form.cleaned_data)
        messages.success(request, _g("已保存"))
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    return _back(pk)


@require_http_methods(["GET", "POST"])
@login_required
def section_edit(request, pk: int, sid: int):
    bulletin = sel.bulletin_get_for_user(user=request.user, pk=pk)
    _office_only(request, pk)
    section = sel.section_get(bulletin, sid)
    form = SectionForm(request.POST or None, initial={"heading": section.heading, "text": section.text})
    if request.method == "POST" and form.is_valid():
        try:
            svc.section_edit(actor=request.user, bulletin=bulletin, section=section, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _g("“%(h)s”已保存") % {"h": section.heading})
            return redirect(reverse("bulletins:detail", args=[pk]) + f"#section-{section.pk}")
    return render(request, "bulletins/section_edit.html", {
        "b": bulletin, "section": section, "form": form,
        "breadcrumbs": _crumbs((bulletin.number or _("草稿"), reverse("bulletins:detail", args=[pk])), (section.heading, None)),
    })


@require_POST
@login_required
def recipients_edit(request, pk: int):
    bulletin = sel.bulletin_get_for_user(user=request.user, pk=pk)
    _office_only(request, pk)
    form = RecipientsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _g("请选择有效的收文单位"))
        return _back(pk)
    try:
        svc.recipients_set(actor=request.user, bulletin=bulletin, **form.cleaned_data)
        messages.success(request, _g("收文单位已保存"))
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    return _back(pk)


@require_POST
@login_required
def bulletin_issue(request, pk: int):
    bulletin = sel.bulletin_get_for_user(user=request.user, pk=pk)
    _office_only(request, pk)
    try:
        svc.bulletin_issue(actor=request.user, bulletin=bulletin)
        messages.success(request, _g("通报已印发，文号 %(n)s；收文单位将收到签收通知") % {"n": bulletin.number})
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    return _back(pk)


@require_POST
@login_required
def bulletin_withdraw(request, pk: int):
    bulletin = sel.bulletin_get_for_user(user=request.user, pk=pk)
    _office_only(request, pk)
    form = ReasonForm(request.POST)
    try:
        svc.bulletin_withdraw(actor=request.user, bulletin=bulletin,
                              note=form.cleaned_data["note"] if form.is_valid() else "")
        messages.success(request, _g("通报已撤回"))
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    return _back(pk)


@require_safe
@login_required
def bulletin_document(request, pk: int, ext: str):
    bulletin = sel.bulletin_get_for_user(user=request.user, pk=pk)
    try:
        return document_response(bulletin, ext, actor=request.user)
    except PdfUnavailable:
        return HttpResponse(_g("本服务器暂时无法生成 PDF（缺少排版组件 Pango），请下载 Word 版本。"),
                            status=503, content_type="text/plain; charset=utf-8")
