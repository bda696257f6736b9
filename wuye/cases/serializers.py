"""Shapes of the complaints API (``api.py``).

Output serializers show what the viewer may see: the resident's name and phone through
``selectors.reporter_name_for`` / ``reporter_phone_for`` (masked, or 匿名 for the company when
the resident asked), the timeline a reporter may see (public events) or the whole one for the
officials. Input serializers check the shape of a request only; every rule of the domain is in
``services.py``, every access decision in ``selectors.py``.
"""

from __future__ import annotations

import json

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wuye.core.api import ChoiceLabelField, FieldsOnce, ScopedRelatedField
from wuye.core.calendar import shown_due
from wuye.registry.selectors import estates_visible_to

from . import selectors
from .models import (
    Category,
    Complaint,
    ContactMethod,
    Event,
    Photo,
    Satisfaction,
    Source,
    Status,
    SupervisionLevel,
    Task,
)
from .services.common import clean_contact_phone  # noqa: F401  (the API and Open311 use it from here)
from .workflow import ACTION_NAMES, TRANSITIONS

# Sources a desk officer (city bureau, district) may name for a complaint entered through the API.
STAFF_SOURCES = [Source.HOTLINE_12345, Source.HOTLINE_12358, Source.STAFF, Source.API]


def _name(source: str, label: str) -> serializers.CharField:
    return serializers.CharField(source=source, read_only=True, label=label)


def _viewer(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


# ---- categories -------------------------------------------------------------------------------


class CategorySerializer(serializers.ModelSerializer):
    confidential = serializers.BooleanField(read_only=True, label=_("保密类别（仅公安与市局可见）"))
    responsible_display = _name("get_responsible_display", _("责任主体（名称）"))
    limits = serializers.SerializerMethodField(label=_("各环节时限"))

    class Meta:
        model = Category
        fields = ["id", "code", "name", "description", "emergency", "confidential", "responsible",
                  "responsible_display", "limits"]

    @extend_schema_field({
        "type": "object",
        "description": _("受理、签收、首次联系、办结四个环节的时限：{\"amount\": 数量, \"unit\": hours|calendar_days|working_days}"),
        "example": {"accept": {"amount": 2, "unit": "hours"}, "resolve": {"amount": 5, "unit": "working_days"}},
    })
    def get_limits(self, obj: Category) -> dict:
        return {stage: {"amount": getattr(obj, f"{stage}_amount"), "unit": getattr(obj, f"{stage}_unit")}
                for stage in ("accept", "sign", "contact", "resolve")}


# ---- complaints: output -----------------------------------------------------------------------


class DueField(serializers.DateTimeField):
    """A deadline: a day period ends at 23:59:59.999999 (core.calendar) and is shown as
    23:59:59, as the API has always promised."""

    def to_representation(self, value):
        return super().to_representation(shown_due(value))


class _DueFields:
    """Model fields named ``*_due`` / ``due`` are shown with :class:`DueField`."""

    def build_standard_field(self, field_name, model_field):
        cls, kwargs = super().build_standard_field(field_name, model_field)
        if cls is serializers.DateTimeField and (field_name == "due" or field_name.endswith("_due")):
            cls = DueField
        return cls, kwargs


class _ReporterMixin(serializers.Serializer):
    reporter_name = serializers.SerializerMethodField(label=_("诉求人（按权限脱敏）"))
    reporter_phone = serializers.SerializerMethodField(label=_("联系电话（按权限脱敏）"))

    @extend_schema_field({"type": "string", "example": "王**", "description": _("诉求人姓名，按查看者权限脱敏；对物业企业匿名时为“匿名”")})
    def get_reporter_name(self, obj: Complaint) -> str:
        return selectors.reporter_name_for(_viewer(self), obj)

    @extend_schema_field({"type": "string", "example": "138****5678", "description": _("脱敏显示（诉求人本人可见全号）")})
    def get_reporter_phone(self, obj: Complaint) -> str:
        return selectors.reporter_phone_for(_viewer(self), obj)


class ComplaintListSerializer(FieldsOnce, _DueFields, _ReporterMixin, serializers.ModelSerializer):
    status_display = ChoiceLabelField(Status, source="status", label=_("状态（名称）"))
    source = serializers.CharField(read_only=True, label=_("来源编码（web、resident、12345、12358、open311、api、staff）"))
    source_display = ChoiceLabelField(Source, source="source", label=_("来源（名称）"))
    category_code = _name("category.code", _("类别编码"))
    category_name = _name("category.name", _("类别名称"))
    estate_name = _name("estate.name", _("小区名称"))
    display_title = serializers.CharField(read_only=True, label=_("标题（未填写时取诉求内容开头）"))
    supervision_level_display = ChoiceLabelField(SupervisionLevel, source="supervision_level", label=_("督办等级（名称）"))
    overdue = serializers.SerializerMethodField(label=_("是否有环节超期"))

    class Meta:
        model = Complaint
        fields = ["id", "tracking_code", "display_title", "status", "status_display", "source", "source_display",
                  "category", "category_code", "category_name", "estate", "estate_name", "emergency",
                  "confidential", "unit_name", "supervision_level", "supervision_level_display", "overdue",
                  "reporter_name", "reporter_phone", "created_at", "accept_due", "resolve_due", "closed_at"]

    def get_overdue(self, obj: Complaint) -> bool:
        return obj.accept_overdue or obj.sign_overdue or obj.contact_overdue or obj.resolve_overdue


ACTION_STATE_SCHEMA = {
    "type": "array",
    "description": _("当前阶段该用户可能执行的操作：allowed 为 true 的可用 POST /api/v1/complaints/{id}/actions/ 执行；"
                     "为 false 的暂不能执行，reason 说明原因（如“等待协办单位书香社区答复后可答复”）"),
    "items": {
        "type": "object",
        "properties": {
            "action": {"type": "string", "enum": list(ACTION_NAMES), "description": _("操作名")},
            "label": {"type": "string", "description": _("操作名称（中文）")},
            "allowed": {"type": "boolean", "description": _("现在能否执行")},
            "reason": {"type": "string", "description": _("不能执行的原因；能执行时为空字符串")},
        },
        "required": ["action", "label", "allowed", "reason"],
    },
    "example": [{"action": "sign", "label": "签收", "allowed": True, "reason": ""},
                {"action": "reply", "label": "答复", "allowed": False, "reason": "签收并首次联系诉求人后可答复"}],
}


class ComplaintCreatedSerializer(ComplaintListSerializer):
    """The answer to a filing: the row of the list with what was filed and the actions the filer
    may take now (the whole case is at ``GET /api/v1/complaints/{id}/``)."""

    actions = serializers.SerializerMethodField(label=_("当前用户在本阶段的操作：能否执行及不能执行的原因"))

    class Meta(ComplaintListSerializer.Meta):
        fields = ComplaintListSerializer.Meta.fields + ["title", "description", "location", "anonymous",
                                                        "source_ticket", "actions"]

    @extend_schema_field(ACTION_STATE_SCHEMA)
    def get_actions(self, obj: Complaint) -> list[dict]:
        return selectors.action_states_for(_viewer(self), obj)


class EventSerializer(serializers.ModelSerializer):
    action_display = serializers.SerializerMethodField(label=_("动作（名称）"))

    class Meta:
        model = Event
        fields = ["id", "action", "action_display", "from_status", "to_status", "actor_label", "note", "public",
                  "data", "created_at"]

    def get_action_display(self, obj: Event) -> str:
        if obj.action == "submit":
            return str(_("提交诉求"))
        t = TRANSITIONS.get(obj.action)
        return str(t.label) if t else obj.action


class TaskSerializer(_DueFields, serializers.ModelSerializer):
    role = serializers.CharField(read_only=True, label=_("角色编码：lead 主办、co 协办、joint 联合执法"))
    role_display = _name("get_role_display", _("角色（名称）"))
    state_display = _name("get_state_display", _("状态（名称）"))

    class Meta:
        model = Task
        fields = ["id", "role", "role_display", "unit_kind", "unit_id", "unit_name", "state", "state_display",
                  "dispatched_at", "sign_due", "contact_due", "due", "signed_at", "contacted_at", "replied_at", "reply"]


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(label=_("查看地址（需有查看该诉求的权限）"))

    class Meta:
        model = Photo
        fields = ["id", "kind", "content_type", "width", "height", "url"]

    def get_url(self, obj: Photo) -> str:
        try:
            return reverse("cases:public_photo", args=[obj.pk])
        except NoReverseMatch:
            return f"/complaints/photo/{obj.pk}/"


def _is_reporter(user, c: Complaint) -> bool:
    return bool(c.reporter_user_id and c.reporter_user_id == getattr(user, "pk", None))


class ComplaintDetailSerializer(ComplaintListSerializer):
    """One complaint as the viewer may see it, with the actions they may take now."""

    unit = serializers.SerializerMethodField(label=_("承办单位"))
    deadlines = serializers.SerializerMethodField(label=_("各环节期限与超期标记"))
    reply = serializers.SerializerMethodField(label=_("承办单位答复（诉求人只见审核后公开的答复）"))
    satisfaction_display = _name("get_satisfaction_display", _("满意度（名称）"))
    duplicate_of_code = serializers.CharField(source="duplicate_of.tracking_code", read_only=True, default=None,
                                              allow_null=True, label=_("重复于（查询码）"))
    events = serializers.SerializerMethodField(label=_("办理记录（诉求人只见公开记录）"))
    tasks = serializers.SerializerMethodField(label=_("承办任务（诉求人不可见）"))
    photos = serializers.SerializerMethodField(label=_("照片"))
    actions = serializers.SerializerMethodField(label=_("当前用户在本阶段的操作：能否执行及不能执行的原因"))

    class Meta(ComplaintListSerializer.Meta):
        fields = ComplaintListSerializer.Meta.fields + [
            "title", "description", "location", "source_ticket", "anonymous", "unit", "deadlines",
            "accepted_at", "dispatched_at", "signed_at", "contacted_at", "replied_at", "published_at",
            "callback_at", "reply", "public_reply", "callback_resolved", "satisfaction", "satisfaction_display",
            "callback_comment", "unreasonable", "reopen_count", "return_count", "extension_count",
            "return_final", "duplicate_of", "duplicate_of_code", "events", "tasks", "photos", "actions",
        ]

    @extend_schema_field({
        "type": "object", "nullable": True,
        "example": {"kind": "company", "id": 3, "name": "安居物业服务有限公司"},
        "description": _("派单后的承办单位：kind 为 company|community|street|department|district|city"),
    })
    def get_unit(self, obj: Complaint):
        if not obj.unit_kind:
            return None
        return {"kind": obj.unit_kind, "id": obj.unit_id, "name": obj.unit_name}

    @extend_schema_field({
        "type": "object",
        "example": {"accept": {"due": "2026-01-05T12:00:00+08:00", "overdue": False}},
        "description": _("accept（受理）、sign（签收）、contact（首次联系）、resolve（办结）各环节的期限与超期标记"),
    })
    def get_deadlines(self, obj: Complaint) -> dict:
        field = DueField()
        return {
            stage: {"due": field.to_representation(getattr(obj, f"{stage}_due")) if getattr(obj, f"{stage}_due") else None,
                    "overdue": getattr(obj, f"{stage}_overdue")}
            for stage in ("accept", "sign", "contact", "resolve")
        }

    def get_reply(self, obj: Complaint) -> str:
        if self._reporter_view(_viewer(self), obj):
            return obj.public_reply if obj.published_at else ""
        return obj.reply

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, obj: Complaint):
        user = _viewer(self)
        events = list(obj.events.all())
        if self._reporter_view(user, obj):
            # The resident reads only the notes meant for them (issue 14 §7: never the dispatch instruction).
            events = [e for e in events if e.public]
            for e in events:
                e.note = selectors.resident_note(e)
                if e.action == "contact":
                    e.data = {}
        return EventSerializer(events, many=True).data

    @extend_schema_field(TaskSerializer(many=True))
    def get_tasks(self, obj: Complaint):
        if self._reporter_view(_viewer(self), obj):
            return []
        return TaskSerializer(obj.tasks.all(), many=True).data

    @extend_schema_field(PhotoSerializer(many=True))
    def get_photos(self, obj: Complaint):
        photos = list(obj.photos.all())
        if self._reporter_view(_viewer(self), obj):
            # Their own photos, and the evidence of the reply once it is published (issue 14 §7).
            from .views_public import published_evidence  # the one home of "published evidence"

            published = {p.pk for p in published_evidence(obj)}
            photos = [p for p in photos if p.kind == Photo.Kind.REPORT or p.pk in published]
        return PhotoSerializer(photos, many=True).data

    @extend_schema_field(ACTION_STATE_SCHEMA)
    def get_actions(self, obj: Complaint) -> list[dict]:
        return selectors.action_states_for(_viewer(self), obj)

    @staticmethod
    def _reporter_view(user, obj: Complaint) -> bool:
        """The resident (or committee member) who filed it sees what a reporter sees; an official
        who happens to have filed it (a desk officer entering a call) sees the whole case."""
        return selectors.is_proven_reporter_account(user, obj)


# ---- complaints: input ------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class EstateField(ScopedRelatedField):
    default_error_messages = {
        "does_not_exist": _("小区不存在或不在您的范围内"),
        "incorrect_type": _("应填写小区编号（整数），收到的是 {data_type}。"),
    }


@extend_schema_field(OpenApiTypes.INT)
class CategoryField(ScopedRelatedField):
    default_error_messages = {
        "does_not_exist": _("诉求类别不存在或已停用"),
        "incorrect_type": _("应填写类别编号（整数），收到的是 {data_type}。"),
    }


class ComplaintInput(FieldsOnce, serializers.Serializer):
    """A complaint filed through the API. Residents and owners' committee members file their own
    (name and phone come from the account); the city bureau's and the districts' desk officers
    enter calls and transfers with the reporter's name, phone, source and ticket number."""

    estate = EstateField(selector=estates_visible_to, label=_("小区编号"))
    category = CategoryField(selector=selectors.active_categories, label=_("诉求类别编号"))
    description = serializers.CharField(label=_("诉求内容"), max_length=2000, allow_blank=True, trim_whitespace=True,
                                        error_messages={"required": _("请填写诉求内容")})
    title = serializers.CharField(label=_("标题"), max_length=100, required=False, allow_blank=True, default="")
    location = serializers.CharField(label=_("具体位置"), max_length=100, required=False, allow_blank=True, default="")
    anonymous = serializers.BooleanField(label=_("对物业企业隐藏姓名"), required=False, default=False)
    reporter_name = serializers.CharField(label=_("诉求人姓名（仅受理人员填写）"), max_length=50, required=False,
                                          allow_blank=True)
    reporter_phone = serializers.CharField(label=_("诉求人电话（仅受理人员填写）"), max_length=20, required=False,
                                           allow_blank=True)
    source = serializers.ChoiceField(label=_("来源（仅受理人员填写，默认 api）"), choices=[(s.value, s.label) for s in STAFF_SOURCES],
                                     required=False)
    source_ticket = serializers.CharField(label=_("来源工单号（热线转办件必填）"), max_length=50, required=False,
                                          allow_blank=True)
    photos = serializers.ListField(
        child=serializers.FileField(allow_empty_file=False), required=False, max_length=5, label=_("照片（最多 5 张，每张不超过 10 MB）"),
        error_messages={"max_length": _("最多上传 5 张照片")},
    )

    DESK_FIELDS = ("reporter_name", "reporter_phone", "source", "source_ticket")


@extend_schema_field({"oneOf": [{"type": "string", "example": "department:7"},
                               {"type": "object", "example": {"kind": "department", "id": 7}}]})
class UnitParamField(serializers.Field):
    """A unit named as ``"kind:id"`` or ``{"kind": ..., "id": ...}`` (a JSON object also as text, for
    multipart forms), or a period unit word; the service decides what it means for the action."""

    default_error_messages = {"invalid": _("应为 \"kind:id\" 形式的文字或 {\"kind\", \"id\"} 对象")}

    def to_internal_value(self, data):
        if isinstance(data, dict):
            return data
        if isinstance(data, str):
            text = data.strip()
            if text.startswith("{"):
                try:
                    value = json.loads(text)
                except (ValueError, RecursionError):  # RecursionError: nested thousands deep (issue 13 §10)
                    self.fail("invalid")
                if isinstance(value, dict):
                    return value
                self.fail("invalid")
            return text
        self.fail("invalid")

    def to_representation(self, value):
        return value


class ComplaintActionInput(serializers.Serializer):
    """One workflow action. ``note`` is the free text (reason, reply, comment); the other fields
    are the action's parameters, used only by the actions that need them."""

    action = serializers.ChoiceField(label=_("操作名"), choices=[(n, TRANSITIONS[n].label) for n in ACTION_NAMES],
                                     error_messages={"invalid_choice": _("未知的操作：{input}")})
    note = serializers.CharField(label=_("说明（理由、答复内容、回访意见等）"), required=False, allow_blank=True,
                                 max_length=4000, default="")
    unit = UnitParamField(label=_("dispatch/decide_return：承办单位 \"kind:id\" 或 {\"kind\", \"id\"}；"
                                         "request_extension/call_departments：时限单位 hours|calendar_days|working_days"),
                                 required=False)
    co_units = serializers.ListField(child=UnitParamField(), label=_("dispatch：协办单位"), required=False)
    of = serializers.CharField(label=_("duplicate：原诉求的查询码或编号"), required=False, allow_blank=True)
    resolved = serializers.BooleanField(label=_("callback：是否已解决"), required=False, allow_null=True, default=None)
    satisfaction = serializers.ChoiceField(label=_("callback：满意度"), choices=Satisfaction.choices, required=False)
    unreasonable = serializers.BooleanField(label=_("close：认定为不合理诉求"), required=False, allow_null=True,
                                            default=None)
    legal_basis = serializers.CharField(label=_("request_return：依据"), required=False, allow_blank=True, max_length=200)
    approve = serializers.BooleanField(label=_("decide_return/decide_extension：是否同意"), required=False,
                                       allow_null=True, default=None)
    amount = serializers.IntegerField(label=_("request_extension/call_departments：时限数量"), required=False)
    departments = serializers.ListField(child=serializers.IntegerField(), label=_("call_departments：职能部门编号"),
                                        required=False)
    level = serializers.IntegerField(label=_("supervise：督办等级 1 催办、2 督办、3 挂牌督办、4 通报批评"), required=False)
    public_reply = serializers.CharField(label=_("approve_reply：对诉求人公开的答复（默认取承办单位答复）"), required=False,
                                         allow_blank=True, max_length=4000)
    photos = serializers.ListField(child=serializers.FileField(allow_empty_file=False), required=False, max_length=5,
                                   label=_("reply：佐证照片"), error_messages={"max_length": _("最多上传 5 张照片")})

    method = serializers.ChoiceField(label=_("contact：联系方式 phone 电话、visit 上门、sms 短信、other 其他"),
                                     choices=ContactMethod.choices, required=False,
                                     error_messages={"invalid_choice": _("请选择联系方式：电话、上门、短信或其他")})
    made_at = serializers.DateTimeField(label=_("contact：实际联系时间（不晚于现在；不带时区时按北京时间）"), required=False,
                                        error_messages={"invalid": _("联系时间格式不正确，应为 ISO 8601，如 2026-03-02T09:30:00+08:00")})
    person = serializers.CharField(label=_("contact：联系对象（如诉求人本人）"), required=False, allow_blank=True, max_length=50,
                                   error_messages={"max_length": _("联系对象不能超过 50 个字")})
    result = serializers.CharField(label=_("contact：联系结果"), required=False, allow_blank=True, max_length=500,
                                   error_messages={"max_length": _("联系结果不能超过 500 个字")})
    callback_number = serializers.CharField(label=_("request_callback：回拨号码（诉求人回电时拨打的本单位电话）"),
                                            required=False, allow_blank=True, max_length=30)

    PARAMS = ("unit", "co_units", "of", "resolved", "satisfaction", "unreasonable", "legal_basis", "approve", "amount",
              "departments", "level", "public_reply", "method", "made_at", "person", "result", "callback_number")

    def validate(self, attrs):
        """The first contact is recorded, not only described (issue 14 §5): how, when, with whom, result."""
        if attrs.get("action") == "contact":
            missing = {
                "method": _("请选择联系方式：电话、上门、短信或其他"), "made_at": _("请填写联系时间"),
                "person": _("请填写联系对象（如：诉求人本人、其家属）"), "result": _("请填写联系结果"),
            }
            errors = {k: [msg] for k, msg in missing.items() if attrs.get(k) in (None, "") or not str(attrs.get(k)).strip()}
            if errors:
                raise serializers.ValidationError(errors)
        if attrs.get("action") == "request_callback" and not (attrs.get("callback_number") or "").strip():
            raise serializers.ValidationError({"callback_number": [_("请填写回拨号码（诉求人回电时拨打的本单位电话）")]})
        return attrs
