"""Managing policies and news (issue 5 item 9): the city bureau and district authorities write,
publish and withdraw articles. Other roles are refused (403, audited); an article outside the
official's scope is a 404 (audited), never a leak."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from wuye.core.access import refuse
from wuye.core.errors import ServiceError
from wuye.core.listing import page_window, paginate
from wuye.portal.models import Article

from . import services as svc
from .forms import ArticleForm, ArticleImageForm, WithdrawForm
from .selectors import article_managed_get, articles_managed_by, can_publish


def _require_publisher(request) -> None:
    if not can_publish(request.user):
        refuse(user=request.user, model=Article, pk="", reason=_("只有市住房保障房产局和区县主管部门可以管理政策与资讯"),
               status=403)


def _get(request, pk) -> Article:
    _require_publisher(request)
    article = article_managed_get(request.user, pk)
    if article is None:
        refuse(user=request.user, model=Article, pk=pk, reason=_("文章不存在或不在本单位管理范围内"))
    return article


def _error(form, exc: ServiceError) -> None:
    for m in exc.messages:
        form.add_error(None, m)


@require_safe
@login_required
def article_list(request):
    _require_publisher(request)
    qs = articles_managed_by(request.user)
    status = request.GET.get("status") or ""
    if status in Article.Status.values:
        qs = qs.filter(status=status)
    category = request.GET.get("category") or ""
    if category in Article.Category.values:
        qs = qs.filter(category=category)
    q = (request.GET.get("q") or "").strip()[:50]
    if q:
        qs = qs.filter(title__icontains=q)
    page = paginate(request, qs.defer("body", "search_tokens").order_by("-updated_at", "-id"))
    params = {k: v for k, v in (("status", status), ("category", category), ("q", q)) if v}
    return render(request, "portal/articles/list.html", {
        "page": page, "rows": list(page.object_list), "window": page_window(page), "query": urlencode(params),
        "status": status, "category": category, "q": q, "statuses": Article.Status.choices,
        "categories": Article.Category.choices,
    })


@require_http_methods(["GET", "POST"])
@login_required
def article_new(request):
    _require_publisher(request)
    form = ArticleForm(request.POST or None, initial={"category": Article.Category.NOTICE})
    if request.method == "POST" and form.is_valid():
        try:
            article = svc.article_create(actor=request.user, **form.service_data())
        except ServiceError as exc:
            _error(form, exc)
        else:
            messages.success(request, _g("已保存为草稿。检查无误后点“发布”，公众即可看到。"))
            return redirect("portal:article_edit", pk=article.pk)
    return render(request, "portal/articles/form.html", {"form": form, "article": None})


@require_http_methods(["GET", "POST"])
@login_required
def article_edit(request, pk: int):
    article = _get(request, pk)
    if request.method == "POST":
        form = ArticleForm(request.POST)
        if form.is_valid():
            try:
                svc.article_update(actor=request.user, article=article, loaded_at=form.cleaned_data.get("loaded_at"),
                                   **form.service_data())
            except ServiceError as exc:
                _error(form, exc)
            else:
                messages.success(request, _g("已保存。"))
                return redirect("portal:article_edit", pk=article.pk)
    else:
        form = ArticleForm(initial={**{k: getattr(article, k) for k in svc.EDITABLE}, "loaded_at": article.updated_at})
    return render(request, "portal/articles/form.html", {"form": form, "article": article})


@require_POST
@login_required
def article_publish(request, pk: int):
    article = _get(request, pk)
    try:
        svc.article_publish(actor=request.user, article=article)
    except ServiceError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _g("已发布，公众可在“政策与资讯”中看到。"))
    return redirect("portal:article_edit", pk=article.pk)


@require_http_methods(["GET", "POST"])
@login_required
def article_withdraw(request, pk: int):
    """GET: the confirmation page with the reason; POST: withdraw."""
    article = _get(request, pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.article_withdraw(actor=request.user, article=article, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            _error(form, exc)
        else:
            messages.success(request, _g("已撤下，公众不再能看到这篇文章。"))
            return redirect("portal:article_edit", pk=article.pk)
    return render(request, "portal/articles/withdraw.html", {"form": form, "article": article})


@require_POST
@login_required
def article_image(request):
    """Upload an image for an article body (htmx): answers the ``<img>`` code to paste."""
    _require_publisher(request)
    form = ArticleImageForm(request.POST, request.FILES)
    url, error = "", ""
    if form.is_valid():
        try:
            url = svc.article_image_upload(actor=request.user, file=form.cleaned_data["image"])
        except ServiceError as exc:
            error = "；".join(exc.messages)
    else:
        error = "；".join(str(e) for errors in form.errors.values() for e in errors)
    return render(request, "portal/articles/_image_result.html", {"url": url, "error": error},
                  status=200 if url else 400)
