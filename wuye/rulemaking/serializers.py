"""Input and output shapes of the drafts API (no rules here: the services decide)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from wuye.core.api import MaskedPhoneField

from . import selectors as sel
from .models import Comment, Draft

DATE_ERRORS = {"invalid": _("日期格式应为 YYYY-MM-DD"), "required": _("请填写此项"), "null": _("请填写此项")}
TEXT_ERRORS = {"required": _("请填写此项"), "blank": _("请填写此项"), "null": _("请填写此项"),
               "max_length": _("不能超过 {max_length} 个字")}


class DraftIn(serializers.Serializer):
    title = serializers.CharField(max_length=200, error_messages=TEXT_ERRORS, help_text=_("草案名称"))
    body = serializers.CharField(error_messages=TEXT_ERRORS, trim_whitespace=False, help_text=_("草案正文"))
    consultation_opens = serializers.DateField(error_messages=DATE_ERRORS, help_text=_("征求意见开始日（含）"))
    consultation_closes = serializers.DateField(error_messages=DATE_ERRORS, help_text=_("征求意见截止日（含）"))
    explanation = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("起草说明"))
    short_period_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500,
                                                help_text=_("征求意见期短于规定天数时必填"))


class DraftOut(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display")
    comments_url = serializers.SerializerMethodField()

    class Meta:
        model = Draft
        fields = ["id", "title", "body", "explanation", "office", "status", "status_display", "consultation_opens",
                  "consultation_closes", "period_unit", "short_period_reason", "published_at", "comments_url"]

    def get_comments_url(self, obj) -> str:
        return f"/api/v1/drafts/{obj.pk}/comments/"


class CommentIn(serializers.Serializer):
    article = serializers.CharField(max_length=40, required=False, allow_blank=True, default="",
                                    error_messages=TEXT_ERRORS, help_text=_("条款，如“第十二条”；空为“总体意见”"))
    text = serializers.CharField(max_length=5000, error_messages=TEXT_ERRORS, help_text=_("意见内容"))


class CommentOut(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    phone = MaskedPhoneField(read_only=True)
    source_display = serializers.CharField(source="get_source_display")
    answer_display = serializers.CharField(source="get_answer_display")

    class Meta:
        model = Comment
        fields = ["id", "draft", "article", "text", "source", "source_display", "author", "phone", "unit_kind",
                  "created_at", "hidden", "hidden_reason", "answer", "answer_display", "answer_reason", "answered_at"]

    def get_author(self, obj) -> str:
        return sel.shown_author(obj)
