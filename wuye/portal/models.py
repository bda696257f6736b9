"""Policies and news published by officials (sanitised rich text), shown on the public portal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.models import TimeStampedModel


class Article(TimeStampedModel):
    class Category(models.TextChoices):
        LAW = "law", _("法律法规")
        NOTICE = "notice", _("通知公告")
        GUIDE = "guide", _("办事指南")
        NEWS = "news", _("工作动态")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已撤下")

    title = models.CharField(_("标题"), max_length=200)
    category = models.CharField(_("栏目"), max_length=10, choices=Category.choices, db_index=True)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    # Stored already sanitised (wuye.portal.sanitise); templates may mark it safe.
    body = models.TextField(_("正文"), max_length=200_000)
    source = models.CharField(_("来源/发文机关"), max_length=100, blank=True)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    pinned = models.BooleanField(_("置顶"), default=False)
    search_tokens = models.TextField(editable=False, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-pinned", "-published_at", "-id"]
        verbose_name = _("政策与资讯")
        verbose_name_plural = _("政策与资讯")
        indexes = [models.Index(fields=["status", "category", "-published_at"])]

    def __str__(self) -> str:
        return self.title
