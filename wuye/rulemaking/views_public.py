"""Public pages of rule-making (no login): drafts out for consultation with the comment form, and
the library of normative documents (issue 19 items 7–8).

A member of the public comments with name and a phone proven by an SMS code (the platform's SMS
verification, purpose "consultation"); a logged-in account comments in its own (or its unit's)
name. Comments are shown grouped by article, authors masked, hidden ones left out.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from wuye.core.errors import ServiceError, error_text
from wuye.core.listing import page_window, paginate
from wuye.core.masking import mask_phone
from wuye.core.ratelimit import RateLimited, enforce_rate
from wuye.core.request_context import client_ip
from wuye.notifications.sms_codes import normalise_phone, sms_code_send

from . import selectors as sel
from . import services as svc
from .forms import AccountCommentForm, PublicCommentForm
from .models import Draft, NormativeDocument

COMMENTS_PER_IP_HOUR = 20


def _public_draft(pk: int) -> Draft:
    draft = sel.draft_public(pk)
    if draft is None:
        raise Http404(_("未找到该草案，或尚未公开征求意见"))
    return draft


@require_safe
def drafts(request):
    q = (request.GET.get("q") or "").strip()[:50]
    status = request.GET.get("status") or ""
    rows = sel.drafts_list(None, q=q, status=status if status != Draft.Status.DRAFT else "")
    page = paginate(request, rows)
    return render(request, "rulemaking/public/drafts.html", {
        "q": q, "status": status, "statuses": [c for c in Draft.Status.choices if c[0] != Draft.Status.DRAFT],
        "page": page, "rows": list(page.object_list), "window": page_window(page),
        "query": urlencode({k: v for k, v in (("q", q), ("status", status)) if v}),
    })


def _detail_context(request, draft: Draft, form=None, sms=None) -> dict:
    published = draft.status == Draft.Status.PUBLISHED
    account = sel.can_comment_with_account(request.user)
    if form is None:
        form = AccountCommentForm() if account else PublicCommentForm()
    return {
        "draft": draft, "form": form, "account": account, "sms": sms or {},
        "unit": sel.commenter_unit(request.user) if account else None,
        "accepting": sel.accepts_comments(draft), "refusal": sel.comment_refusal(draft),
        "groups": sel.grouped_by_article(sel.comments_public(draft)),
        "counts": sel.answer_counts(draft) if published else None, "published": published,
        "min_text": sel.minimum_text(draft.period_unit),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def draft_detail(request, pk: int):
    """The draft, its explanation and window, the comments by article, and the comment form; once
    published, the final text and the summary of comments and answers (意见采纳情况)."""
    draft = _public_draft(pk)
    if request.method != "POST":
        return render(request, "rulemaking/public/draft.html", _detail_context(request, draft))
    ip = client_ip(request) or "unknown"
    if sel.can_comment_with_account(request.user):
        form = AccountCommentForm(request.POST)
        if form.is_valid():
            try:
                svc.comment_add(actor=request.user, draft=draft, **form.cleaned_data)
            except ServiceError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, _("意见已提交，感谢您的参与"))
                return redirect("rulemaking:public_draft", pk=draft.pk)
        return render(request, "rulemaking/public/draft.html", _detail_context(request, draft, form), status=400)
    form = PublicCommentForm(request.POST)
    if "send_code" in request.POST:
        return _send_code(request, draft, form, ip)
    if form.is_valid():
        try:
            enforce_rate(f"consultation:comment:{ip}", limit=COMMENTS_PER_IP_HOUR, period_seconds=3600,
                         message=_("当前网络提交意见过于频繁，请稍后再试"))
            svc.comment_add_public(draft=draft, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("意见已提交，感谢您的参与"))
            return redirect("rulemaking:public_draft", pk=draft.pk)
    return render(request, "rulemaking/public/draft.html", _detail_context(request, draft, form), status=400)


def _send_code(request, draft: Draft, form, ip: str):
    try:
        phone = normalise_phone(request.POST.get("phone", ""))
        code = sms_code_send(phone=phone, purpose=svc.SMS_PURPOSE, ip=ip)
    except (RateLimited, ServiceError) as exc:
        sms = {"error": error_text(exc)}
        status = 429 if isinstance(exc, RateLimited) else 400
    else:
        sms = {"sent": True, "phone_masked": mask_phone(phone), "demo_code": code or ""}
        status = 200
    form = PublicCommentForm(initial={k: request.POST.get(k, "") for k in ("name", "phone", "article", "text")})
    return render(request, "rulemaking/public/draft.html", _detail_context(request, draft, form, sms), status=status)


@require_safe
def library(request):
    q = (request.GET.get("q") or "").strip()[:50]
    kind = request.GET.get("kind") or ""
    page = paginate(request, sel.documents_list(q=q, kind=kind))
    rows = list(page.object_list)
    for doc in rows:
        doc.current = sel.current_version(doc)
    return render(request, "rulemaking/public/library.html", {
        "q": q, "kind": kind, "kinds": NormativeDocument.Kind.choices, "page": page, "rows": rows,
        "window": page_window(page), "query": urlencode({k: v for k, v in (("q", q), ("kind", kind)) if v}),
    })


@require_safe
def document(request, pk: int):
    doc = sel.document_public(pk)
    if doc is None:
        raise Http404(_("未找到该文件"))
    versions = list(doc.versions.all())
    for v in versions:
        v.state = sel.version_state(v)
        v.state_label = sel.STATE_LABELS[v.state]
        v.standard_in_use = sel.standard_in_use(v)
    return render(request, "rulemaking/public/document.html", {"doc": doc, "versions": versions,
                                                                "drafts": sel.drafts_of_document(doc)})
