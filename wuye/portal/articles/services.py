"""Policies and news (issue 5 item 9): officials write, publish and withdraw articles.

Who: the city bureau (every article) and district authorities (the articles their own district's
officials wrote). Every write is one transaction with an audit row; the body is sanitised on every
save (``wuye.portal.sanitise``) and the jieba search tokens (``wuye.cases.search``) are stored
with it, so that the public search is the same on SQLite and PostgreSQL.

The status table is ``workflow.py``; a transition goes through the workflow core
(``core.workflow.Machine.apply``: a conditional UPDATE on the old status with its audit row); an
edit is a conditional UPDATE on the ``updated_at`` the editor loaded (``conditional_update``).
Either touching no row is a ``ConflictError``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.cases.search import tokens_for
from wuye.core.audit import audit_record
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction
from wuye.core.uploads import clean_image
from wuye.core.workflow import conditional_update
from wuye.portal.models import Article
from wuye.portal.sanitise import plain_text, sanitise_html
from wuye.portal.selectors_public import public_cache_bump

from .selectors import can_manage, can_publish
from .workflow import MACHINE, PUBLISHER

S = Article.Status
EDITABLE = ("title", "category", "summary", "body", "source", "document_number", "pinned")


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
        conditional_update(Article, article, expect={"updated_at": loaded_at} if loaded_at is not None else None,
                           version_field=None, conflict=_("这篇文章刚被其他人修改过，请重新打开后再编辑。"),
                           **fields, updated_at=now)
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=article,
                     changes={k: (v if k != "body" else f"{len(v)} 字符") for k, v in changed.items()},
                     detail=f"修改文章：{fields['title'][:100]}")
    if article.status == S.PUBLISHED:
        transaction.on_commit(public_cache_bump)
    return article


def _take(*, actor, article: Article, action: str, note: str = "") -> Article:
    """One transition of ``workflow.py`` through the workflow core, with its audit row."""
    _check(actor, article)
    fields = {}
    if action == "publish":
        fields["published_at"] = article.published_at or timezone.now()
    before = article.status
    target = MACHINE[action].target
    with transaction.atomic():
        MACHINE.apply(article, action, actor=actor, kinds={PUBLISHER}, note=note,
                      conflict=_("这篇文章的状态刚被其他人改变，请刷新后重试。"),
                      audit_changes={"action": action, "from": before, "to": target},
                      audit_detail=(f"发布文章：{article.title[:100]}" if action == "publish"
                                    else f"撤下文章：{article.title[:100]}；原因：{note[:300]}"),
                      **fields)
        transaction.on_commit(public_cache_bump)
    return article


def article_publish(*, actor, article: Article) -> Article:
    return _take(actor=actor, article=article, action="publish")


def article_withdraw(*, actor, article: Article, reason: str) -> Article:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("请填写撤下原因。"))
    return _take(actor=actor, article=article, action="withdraw", note=reason)


IMAGE_FOLDER = "articles"


def article_image_upload(*, actor, file) -> str:
    """Store an image for an article body and return its address (``/media/articles/<uuid>.<ext>``),
    the only image source the sanitiser keeps (issue 13 §13: no third party sees the public's
    readers). The file is checked and re-encoded without metadata (``core.uploads.clean_image``),
    stored under a generated name and audited."""
    _check(actor)
    photo = clean_image(file)
    stored = default_storage.save(f"{IMAGE_FOLDER}/{photo.name}", photo.file)
    url = f"{settings.MEDIA_URL}{stored}"
    audit_record(action=AuditAction.CREATE, actor=actor, object_type="portal.articleimage", object_id=photo.name[:64],
                 object_repr=url, changes={"size": photo.size, "type": photo.content_type},
                 detail="上传文章配图")
    return url
