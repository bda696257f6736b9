"""Input and output shapes of the privacy API (no rules here: the services decide)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import CorrectionRequest

TEXT_ERRORS = {"required": _("请填写此项"), "blank": _("请填写此项"), "null": _("请填写此项"),
               "max_length": _("不能超过 {max_length} 个字")}


# A string whose values are listed in its description: "field" is a common name, and the enum component
# the schema would make of it collides with other apps' (drf-spectacular's enum post-processing).
FIELD_SCHEMA = {"type": "string", "example": "phone",
                "description": "；".join(f"{v}：{label}" for v, label in CorrectionRequest.Field.choices)}


@extend_schema_field(FIELD_SCHEMA)
class FieldChoice(serializers.ChoiceField):
    pass


class CorrectionIn(serializers.Serializer):
    field = FieldChoice(choices=CorrectionRequest.Field.choices, help_text=_("需更正的信息"),
                                    error_messages={"required": _("请选择需要更正的信息"),
                                                    "invalid_choice": _("请选择需要更正的信息")})
    current_value = serializers.CharField(max_length=500, error_messages=TEXT_ERRORS, help_text=_("现有内容（有误之处）"))
    wanted_value = serializers.CharField(max_length=500, error_messages=TEXT_ERRORS, help_text=_("应更正为"))


class CorrectionOut(serializers.ModelSerializer):
    field = FieldChoice(choices=CorrectionRequest.Field.choices, read_only=True)
    field_display = serializers.CharField(source="get_field_display")
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = CorrectionRequest
        fields = ["id", "field", "field_display", "current_value", "wanted_value", "status", "status_display",
                  "created_at", "handled_at", "reply"]


class OwnDataOut(serializers.Serializer):
    generated_at = serializers.CharField(help_text=_("生成时间（北京时间）"))
    account = serializers.DictField(help_text=_("账号信息"))
    complaints = serializers.ListField(child=serializers.DictField(), help_text=_("我的诉求"))
    ballots = serializers.ListField(child=serializers.DictField(), help_text=_("我的表决"))
    utility_shares = serializers.ListField(child=serializers.DictField(), help_text=_("水电公摊分摊"))
    income_shares = serializers.ListField(child=serializers.DictField(), help_text=_("公共收益分配"))
