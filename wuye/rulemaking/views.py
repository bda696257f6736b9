"""The drafting office's pages (the city bureau): drafts and their consultation — moderate, answer,
close, publish — and the library of normative documents (issue 19 items 7–8). Everyone else is
refused (403, audited); the public pages are ``views_public``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from wuye.core.access import refuse
from wuye.core.errors import ServiceError, error_text
from wuye.core.listing import page_window, paginate

from . import selectors as sel
from . import services as svc
from .forms import AnswerForm, DocumentForm, DraftForm, HideForm, PublishForm, VersionForm, VersionUpdateForm
from .models import Comment, Draft, NormativeDocument
from .workflow import DRAFT

REASON = _("只有起草单位（市住房保障房产局）可以使用此页面")


def _office(request, model=Draft, pk="") -> None:
    if not sel.is_office(request.user):
        refuse(user=request.user, model=model, pk=pk, status=403, reason=REASON)


def _draft(request, pk) -> Draft:
    _office(request, Draft, pk)
    return sel.draft_get_for_user(user=request.user, pk=pk)


@login_required
@require_safe
def draft_list(request):
    _office(request)
    q = (request.GET.get("q") or "").strip()[:50]
    status = request.GET.get("status") or ""
    page = paginate(request, sel.drafts_list(request.user, q=q, status=status))
    return render(request, "rulemaking/draft_list.html", {
        "q": q, "status": status, "statuses": Draft.Status.choices, "page": page, "rows": list(page.object_list),
        "window": page_window(page), "query": urlencode({k: v for k, v in (("q", q), ("status", status)) if v}),
        "breadcrumbs": [(_("征求意见草案"), None)],
    })


@login_required
@require_http_methods(["GET", "POST"])
def draft_new(request):
    _office(request)
    documents = sel.documents_list()
    form = DraftForm(request.POST or None, documents=documents,
                     initial={"consultation_opens": None, "publish": False})
    if request.method == "POST" and form.is_valid():
        try:
            draft = svc.draft_create(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("草案已保存"))
            return redirect("rulemaking:draft_detail", pk=draft.pk)
    return render(request, "rulemaking/draft_new.html", {
        "form": form, "min_text": sel.minimum_text(),
        "breadcrumbs": [(_("征求意见草案"), "/rulemaking/drafts/"), (_("新建草案"), None)]},
        status=400 if form.errors else 200)


@login_required
@require_safe
def draft_detail(request, pk: int):
    draft = _draft(request, pk)
    comments = list(sel.comments_for_office(draft))
    return render(request, "rulemaking/draft_detail.html", {
        "draft": draft, "groups": sel.grouped_by_article(comments), "counts": sel.answer_counts(draft),
        "hidden_count": sum(1 for c in comments if c.hidden),
        "unanswered": sum(1 for c in comments if not c.hidden and not c.answer), "answers": Comment.Answer.choices,
        "actions": DRAFT.allowed(draft, {"office"}), "window_state": sel.window_state(draft),
        "events": sel.draft_events(draft), "publish_form": PublishForm(initial={"final_text": draft.body}),
        "min_text": sel.minimum_text(draft.period_unit),
        "breadcrumbs": [(_("征求意见草案"), "/rulemaking/drafts/"), (draft.title, None)],
    })


@login_required
@require_POST
def draft_act(request, pk: int, action: str):
    draft = _draft(request, pk)
    try:
        if action == "open":
            svc.draft_open(actor=request.user, draft=draft)
        elif action == "close":
            svc.draft_close(actor=request.user, draft=draft)
        else:
            raise ServiceError(_("未知的操作"))
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("已%(a)s") % {"a": DRAFT.label(action)})
    return redirect("rulemaking:draft_detail", pk=draft.pk)


@login_required
@require_POST
def draft_publish(request, pk: int):
    draft = _draft(request, pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            svc.draft_publish(actor=request.user, draft=draft, **form.cleaned_data)
        except ServiceError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("意见采纳情况已公布"))
    else:
        messages.error(request, _("请填写公布文本"))
    return redirect("rulemaking:draft_detail", pk=draft.pk)


def _comment(request, pk: int, comment_pk: int) -> Comment:
    draft = _draft(request, pk)
    return sel.comment_get_for_office(user=request.user, draft=draft, pk=comment_pk)


@login_required
@require_POST
def comment_moderate(request, pk: int, comment_pk: int, op: str):
    if op not in ("hide", "unhide"):
        raise Http404(_("未知的操作"))
    comment = _comment(request, pk, comment_pk)
    form = HideForm(request.POST)
    try:
        if not form.is_valid():
            raise ServiceError(_("请填写理由"))
        if op == "hide":
            svc.comment_hide(actor=request.user, comment=comment, reason=form.cleaned_data["reason"])
        else:
            svc.comment_unhide(actor=request.user, comment=comment, reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("意见已屏蔽（保留原文，记入审计）") if op == "hide" else _("意见已恢复显示"))
    return redirect(f"/rulemaking/drafts/{pk}/#c{comment.pk}")


@login_required
@require_POST
def comment_answer(request, pk: int, comment_pk: int):
    comment = _comment(request, pk, comment_pk)
    form = AnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise ServiceError(_("请选择采纳情况"))
        svc.comment_answer(actor=request.user, comment=comment, **form.cleaned_data)
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("答复已保存"))
    return redirect(f"/rulemaking/drafts/{pk}/#c{comment.pk}")


# ---- the library ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def library_manage(request):
    _office(request, NormativeDocument)
    form = DocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            doc = svc.document_create(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("文件已登记，请添加版本"))
            return redirect("rulemaking:document_manage", pk=doc.pk)
    q = (request.GET.get("q") or "").strip()[:50]
    kind = request.GET.get("kind") or ""
    page = paginate(request, sel.documents_list(q=q, kind=kind))
    rows = list(page.object_list)
    for doc in rows:
        doc.current = sel.current_version(doc)
    return render(request, "rulemaking/library_manage.html", {
        "form": form, "q": q, "kind": kind, "kinds": NormativeDocument.Kind.choices, "page": page, "rows": rows,
        "window": page_window(page), "query": urlencode({k: v for k, v in (("q", q), ("kind", kind)) if v}),
        "breadcrumbs": [(_("规范性文件库"), None)]}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def document_manage(request, pk: int):
    _office(request, NormativeDocument, pk)
    doc = sel.document_get(user=request.user, pk=pk)
    standards = sel.standards_to_link()
    form = VersionForm(request.POST or None, standards=standards)
    if request.method == "POST" and form.is_valid():
        try:
            svc.version_add(actor=request.user, document=doc, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("新版本已登记"))
            return redirect("rulemaking:document_manage", pk=doc.pk)
    versions = list(doc.versions.all())
    for v in versions:
        v.state = sel.version_state(v)
        v.state_label = sel.STATE_LABELS[v.state]
        v.standard_in_use = sel.standard_in_use(v)
        v.update_form = VersionUpdateForm(standards=standards, initial={"repealed_on": v.repealed_on, "standard": v.standard_id},
                                          prefix=f"v{v.pk}")
    return render(request, "rulemaking/document_manage.html", {
        "doc": doc, "versions": versions, "form": form,
        "breadcrumbs": [(_("规范性文件库"), "/rulemaking/library/"), (doc.title, None)]},
        status=400 if form.errors else 200)


@login_required
@require_POST
def version_update(request, pk: int):
    _office(request, NormativeDocument, pk)
    version = sel.version_get(user=request.user, pk=pk)
    form = VersionUpdateForm(request.POST, standards=sel.standards_to_link(), prefix=f"v{version.pk}")
    try:
        if not form.is_valid():
            raise ServiceError(_("日期格式不正确"))
        svc.version_update(actor=request.user, version=version, **form.cleaned_data)
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("版本信息已更新"))
    return redirect("rulemaking:document_manage", pk=version.document_id)
