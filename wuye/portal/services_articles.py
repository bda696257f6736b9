"""Policies and news (issue 5 item 9): officials write, publish and withdraw articles.

Who: the city bureau (every article) and district authorities (the articles their own district's
officials wrote). Every write is one transaction with an audit row; the body is sanitised on every
save (``wuye.portal.sanitise``) and the jieba search tokens (``wuye.cases.search``) are stored
with it, so that the public search is the same on SQLite and PostgreSQL.

Status table::

    draft      → published   (publish)
    published  → withdrawn   (withdraw, with a reason)
    withdrawn  → published   (publish again)

A transition is a conditional UPDATE on the old status; an edit is a conditional UPDATE on the
``updated_at`` the editor loaded. Either touching no row is a ``ConflictError``.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.models import Role
from wuye.cases.search import tokens_for
from wuye.core.audit import audit_record
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditAction

from .models import Article
from .sanitise import plain_text, sanitise_html
from .selectors_public import public_cache_bump

S = Article.Status
PUBLISHER_ROLES = (Role.CITY, Role.DISTRICT)
# action → (allowed from, to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "publish": ((S.DRAFT, S.WITHDRAWN), S.PUBLISHED),
    "withdraw": ((S.PUBLISHED,), S.WITHDRAWN),
}
EDITABLE = ("title", "category", "summary", "body", "source", "document_number", "pinned")


def can_publish(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role in PUBLISHER_ROLES
                and (user.role == Role.CITY or user.district_id))


def can_manage(user, article: Article) -> bool:
    """The city bureau manages every article; a district its own district's."""
    if not can_publish(user):
        return False
    if user.role == Role.CITY:
        return True
    author = article.author
    return author is not None and author.role == Role.DISTRICT and author.district_id == user.district_id


def _check(user, article: Article | None = None) -> None:
    if not can_publish(user):
        raise ServiceError(_("只有市住房保障房产局和区县主管部门可以发布政策与资讯。"))
    if article is not None and not can_manage(user, article):
        raise ServiceError(_("您只能管理本区发布的文章。"))


def _clean_fields(data: dict) -> dict:
    title = (data.get("title") or "").strip()
    if not title:
        raise ServiceError(_("请填写标题。"))
    category = data.get("category")
    if category not in Article.Category.values:
        raise ServiceError(_("请选择栏目。"))
    body = sanitise_html(data.get("body") or "")
    text = plain_text(body)
    if not text:
        raise ServiceError(_("正文不能为空（只含不允许的标签或脚本的内容保存时会被去掉）。"))
    summary = (data.get("summary") or "").strip() or text[:120]
    return {
        "title": title[:200], "category": category, "summary": summary[:300], "body": body,
        "source": (data.get("source") or "").strip()[:100],
        "document_number": (data.get("document_number") or "").strip()[:100],
        "pinned": bool(data.get("pinned")),
        "search_tokens": tokens_for(title, summary, text),
    }


def article_create(*, actor, title: str, category: str, body: str, summary: str = "", source: str = "",
                   document_number: str = "", pinned: bool = False) -> Article:
    _check(actor)
    fields = _clean_fields({"title": title, "category": category, "body": body, "summary": summary,
                            "source": source, "document_number": document_number, "pinned": pinned})
    with transaction.atomic():
        article = Article.objects.create(author=actor, status=S.DRAFT, **fields)
        audit_record(action=AuditAction.CREATE, actor=actor, obj=article,
                     changes={"category": category, "status": S.DRAFT}, detail=f"新建文章：{article.title[:100]}")
    return article


def article_update(*, actor, article: Article, loaded_at=None, **data) -> Article:
    """Save an edit. ``loaded_at`` is the ``updated_at`` the editor loaded: if someone saved the
    article since, the edit is refused (nothing is lost: the form keeps what was typed)."""
    _check(actor, article)
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ServiceError(_("不能修改这些字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    merged = {k: getattr(article, k) for k in EDITABLE} | data
    fields = _clean_fields(merged)
    changed = {k: fields[k] for k in EDITABLE if fields[k] != getattr(article, k)}
    now = timezone.now()
    with transaction.atomic():
        qs = Article.objects.filter(pk=article.pk)
        if loaded_at is not None:
            qs = qs.filter(updated_at=loaded_at)
        if qs.update(**fields, updated_at=now) != 1:
            raise ConflictError(_("这篇文章刚被其他人修改过，请重新打开后再编辑。"))
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=article,
                     changes={k: (v if k != "body" else f"{len(v)} 字符") for k, v in changed.items()},
                     detail=f"修改文章：{fields['title'][:100]}")
    for k, v in fields.items():
        setattr(article, k, v)
    article.updated_at = now
    if article.status == S.PUBLISHED:
        transaction.on_commit(public_cache_bump)
    return article


def _move(*, actor, article: Article, action: str, note: str = "") -> Article:
    _check(actor, article)
    sources, target = TRANSITIONS[action]
    if article.status not in sources:
        raise ServiceError(_("文章当前状态为“%(s)s”，不能%(a)s。") % {
            "s": article.get_status_display(), "a": _("发布") if action == "publish" else _("撤下")})
    now = timezone.now()
    values = {"status": target, "updated_at": now}
    if action == "publish":
        values["published_at"] = article.published_at or now
    with transaction.atomic():
        if Article.objects.filter(pk=article.pk, status=article.status).update(**values) != 1:
            raise ConflictError(_("这篇文章的状态刚被其他人改变，请刷新后重试。"))
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=article,
                     changes={"action": action, "from": article.status, "to": target},
                     detail=(f"发布文章：{article.title[:100]}" if action == "publish"
                             else f"撤下文章：{article.title[:100]}；原因：{note[:300]}"))
        transaction.on_commit(public_cache_bump)
    for k, v in values.items():
        setattr(article, k, v)
    return article


def article_publish(*, actor, article: Article) -> Article:
    return _move(actor=actor, article=article, action="publish")


def article_withdraw(*, actor, article: Article, reason: str) -> Article:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("请填写撤下原因。"))
    return _move(actor=actor, article=article, action="withdraw", note=reason)
