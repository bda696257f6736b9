"""API shapes of bulletins (issue 16 §12). Units are ``{"kind", "id", "name"}``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from wuye.campaign.units import UnitField

from .models import Bulletin


class BulletinIn(serializers.Serializer):
    kind = serializers.ChoiceField(label=_("类别"), choices=Bulletin.Kind.choices,
                                   error_messages={"invalid_choice": _("通报类别应为 monthly、quarterly、annual 或 special")})
    period_start = serializers.DateField(label=_("起始日期"), error_messages={"invalid": _("起始日期格式应为 YYYY-MM-DD")})
    period_end = serializers.DateField(label=_("截止日期"), error_messages={"invalid": _("截止日期格式应为 YYYY-MM-DD")})
    title = serializers.CharField(label=_("标题"), max_length=200, required=False, allow_blank=True)


class IssueIn(serializers.Serializer):
    main = serializers.ListField(child=UnitField(), required=False, help_text=_("主送机关；不填则沿用草稿中已选的单位"))
    copy = serializers.ListField(child=UnitField(), required=False, help_text=_("抄送机关"))
    issue_date = serializers.DateField(required=False, help_text=_("成文日期，默认今天"))
    public = serializers.BooleanField(required=False, help_text=_("是否在公众门户公开"))


class SectionOut(serializers.Serializer):
    key = serializers.CharField()
    heading = serializers.CharField()
    text = serializers.CharField()
    figures = serializers.ListField(child=serializers.DictField())
    source_url = serializers.CharField()


class RecipientOut(serializers.Serializer):
    role = serializers.CharField()
    kind = serializers.CharField()
    id = serializers.IntegerField(source="unit_id")
    name = serializers.CharField()


class BulletinOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    status = serializers.CharField()
    number = serializers.CharField()
    authority = serializers.CharField()
    issue_date = serializers.DateField(allow_null=True)
    public = serializers.BooleanField()
    notice_id = serializers.IntegerField(allow_null=True)


class BulletinDetailOut(BulletinOut):
    sections = SectionOut(many=True, source="sections.all")
    recipients = RecipientOut(many=True, source="recipients.all")
