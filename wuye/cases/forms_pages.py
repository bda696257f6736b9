"""One small form per workflow action: exactly the fields the action needs (issue §7–8).

The forms only shape the input; whether the action is allowed and whether the input makes sense
is decided by ``services.complaint_act``, whose Chinese message is shown above the form. Every
form keeps what was typed when the service refuses it.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuye.core.calendar import PeriodUnit, local_text

from .models import Complaint, ContactMethod, Satisfaction, SupervisionLevel
from .views_pages import candidate_units, district_departments

APPROVE_CHOICES = [("true", _("同意")), ("false", _("驳回"))]
RESOLVED_CHOICES = [("true", _("已解决")), ("false", _("未解决"))]
# Actions that cannot be undone: the button asks for confirmation first.
IRREVERSIBLE = {
    "refuse": _("确定不予受理该诉求？此操作不可撤销。"),
    "duplicate": _("确定标记为重复诉求并合并办理？此操作不可撤销。"),
    "close": _("确定办结该诉求？办结后不可撤销。"),
    "withdraw": _("确定撤回该诉求？撤回后不可恢复。"),
}
ACTION_ICONS = {
    "accept": "bi-check2-circle", "refuse": "bi-x-octagon", "duplicate": "bi-files", "dispatch": "bi-send",
    "sign": "bi-pen", "contact": "bi-telephone", "reply": "bi-chat-left-text", "approve_reply": "bi-check2-all",
    "reject_reply": "bi-arrow-counterclockwise", "callback": "bi-telephone-inbound", "close": "bi-archive",
    "reopen": "bi-arrow-repeat", "request_return": "bi-reply", "decide_return": "bi-clipboard-check",
    "request_extension": "bi-hourglass-split", "decide_extension": "bi-calendar-check", "withdraw": "bi-x-circle",
    "call_departments": "bi-megaphone", "supervise": "bi-flag", "request_callback": "bi-telephone-forward",
}
DANGER = {"refuse", "withdraw", "reject_reply", "request_return"}


def _note(label, *, required=False, placeholder="", rows=3, initial=""):
    return forms.CharField(
        label=label, required=required, max_length=2000, initial=initial,
        widget=forms.Textarea(attrs={"rows": rows, "placeholder": placeholder}),
        error_messages={"required": _("请填写%(label)s") % {"label": label}},
    )


class ActionForm(forms.Form):
    """Base: ``params()`` returns the keyword arguments of ``complaint_act`` besides ``note``."""

    action = ""
    multipart = False
    note_label = _("办理意见")
    note_required = False
    note_placeholder = ""

    def __init__(self, *args, complaint: Complaint, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.complaint, self.user = complaint, user
        if self.note_label is not None:
            self.fields["note"] = _note(self.note_label, required=self.note_required, placeholder=self.note_placeholder)
        self.setup()
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.CheckboxInput)):
                w.attrs.setdefault("class", "form-check-input")
            elif isinstance(w, forms.Select):
                w.attrs.setdefault("class", "form-select")
            else:
                w.attrs.setdefault("class", "form-control")

    def setup(self) -> None:
        """Add the action's own fields."""

    def params(self) -> dict:
        return {}

    @property
    def note(self) -> str:
        return self.cleaned_data.get("note") or ""


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; ``photos.check_photos`` (in the service) checks each."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, (list, tuple)):
            return [one(d, initial) for d in data if d]
        return [one(data, initial)] if data else []


def _bool(value) -> bool | None:
    if value in (None, ""):
        return None
    return value == "true"


class AcceptForm(ActionForm):
    action = "accept"
    note_label = _("受理意见（诉求人可见）")
    note_placeholder = _("选填，如：已受理，将尽快派单办理")


class RefuseForm(ActionForm):
    action = "refuse"
    note_label = _("不予受理的理由（将告知诉求人）")
    note_required = True
    note_placeholder = _("如：不属于物业服务监管范围，已告知诉求人向相关部门反映")


class DuplicateForm(ActionForm):
    action = "duplicate"
    note_label = _("说明")
    note_placeholder = _("选填；不填时自动说明与原诉求合并办理")

    def setup(self):
        self.fields["of"] = forms.CharField(
            label=_("原诉求查询码"), max_length=20, help_text=_("填写内容相同的原诉求的查询码，如 TS250301ABC234"),
            error_messages={"required": _("请填写原诉求的查询码")},
        )
        self.order_fields(["of", "note"])

    def params(self):
        return {"of": self.cleaned_data["of"].strip()}


class DispatchForm(ActionForm):
    action = "dispatch"
    note_label = _("派单意见（仅工作人员可见）")
    note_placeholder = _("选填，如：请重点核实3号楼门口垃圾清运情况")

    def setup(self):
        units = candidate_units(self.complaint)
        routed = f"{self.complaint.routed_unit_kind}:{self.complaint.routed_unit_id}"
        self.fields["unit"] = forms.ChoiceField(
            label=_("主办单位"), choices=units, initial=routed if any(v == routed for v, _l in units) else None,
            help_text=_("默认为按类别和小区自动路由的单位，可改派"),
            error_messages={"required": _("请选择主办单位"), "invalid_choice": _("请选择有效的承办单位")},
        )
        self.fields["co_units"] = forms.MultipleChoiceField(
            label=_("协办单位"), choices=units, required=False, widget=forms.CheckboxSelectMultiple,
            help_text=_("选填，可多选；协办单位各自签收、答复"),
            error_messages={"invalid_choice": _("请选择有效的协办单位")},
        )
        self.order_fields(["unit", "co_units", "note"])

    def params(self):
        return {"unit": self.cleaned_data["unit"], "co_units": list(self.cleaned_data.get("co_units") or [])}


class SignForm(ActionForm):
    action = "sign"
    note_label = _("签收说明")
    note_placeholder = _("选填")


class ContactForm(ActionForm):
    """The first contact as a record (issue 14 §5): how, when, with whom and the result; the
    service checks that the time has passed and is not before the dispatch."""

    action = "contact"
    note_label = _("补充说明")
    note_placeholder = _("选填")

    def setup(self):
        self.fields["method"] = forms.ChoiceField(
            label=_("联系方式"), choices=ContactMethod.choices, widget=forms.RadioSelect,
            error_messages={"required": _("请选择联系方式：电话、上门、短信或其他"),
                            "invalid_choice": _("请选择联系方式：电话、上门、短信或其他")},
        )
        self.fields["made_at"] = forms.DateTimeField(
            label=_("联系时间"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
            initial=lambda: local_text(timezone.now(), "%Y-%m-%dT%H:%M"),
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            help_text=_("北京时间，不能晚于现在"),
            error_messages={"required": _("请填写联系时间"), "invalid": _("联系时间格式不正确，应为“年-月-日 时:分”")},
        )
        self.fields["person"] = forms.CharField(
            label=_("联系对象"), max_length=50, widget=forms.TextInput(attrs={"placeholder": _("如：诉求人本人、其家属")}),
            error_messages={"required": _("请填写联系对象（如：诉求人本人、其家属）"),
                            "max_length": _("联系对象不能超过 50 个字")},
        )
        self.fields["result"] = forms.CharField(
            label=_("联系结果"), max_length=500, widget=forms.Textarea(attrs={"rows": 2, "placeholder": _(
                "如：已联系上，约定明日上午上门查看；或：电话无人接听，已发短信")}),
            error_messages={"required": _("请填写联系结果"), "max_length": _("联系结果不能超过 500 个字")},
        )
        self.order_fields(["method", "made_at", "person", "result", "note"])

    def params(self):
        d = self.cleaned_data
        return {"method": d["method"], "made_at": d["made_at"], "person": d["person"], "result": d["result"]}


class RequestCallbackForm(ActionForm):
    """请求回拨 (issue 14 §6): the resident's number is never shown to the company."""

    action = "request_callback"
    note_label = _("事由")
    note_placeholder = _("选填，如：需约定上门查看漏水的时间（将随短信告知诉求人）")

    def setup(self):
        self.fields["callback_number"] = forms.CharField(
            label=_("回拨号码"), max_length=30,
            initial=getattr(self.user, "phone", "") or "",
            widget=forms.TextInput(attrs={"inputmode": "tel", "placeholder": _("如：0571-87001234")}),
            help_text=_("平台以短信请诉求人回电此号码；诉求人未登记手机号时，由受理人员协助联系。您看不到诉求人的完整号码。"),
            error_messages={"required": _("请填写回拨号码（诉求人回电时拨打的本单位电话）")},
        )
        self.order_fields(["callback_number", "note"])

    def params(self):
        return {"callback_number": self.cleaned_data["callback_number"]}


class ReplyForm(ActionForm):
    action = "reply"
    multipart = True
    note_label = _("答复内容")
    note_required = True
    note_placeholder = _("写明办理过程和结果，答复经审核后向诉求人公开")

    def setup(self):
        self.fields["photos"] = MultipleFileField(
            label=_("办理佐证照片"), required=False,
            help_text=_("选填，最多 5 张，每张不超过 10 MB（JPG、PNG、WebP、GIF）"),
        )

    def params(self):
        return {"photos": self.cleaned_data.get("photos") or []}


class ApproveReplyForm(ActionForm):
    action = "approve_reply"
    note_label = None

    def setup(self):
        self.fields["public_reply"] = forms.CharField(
            label=_("公开答复"), max_length=2000, required=False, initial=self.complaint.reply,
            widget=forms.Textarea(attrs={"rows": 5}),
            help_text=_("向诉求人公开的答复内容，默认为承办单位的答复，可修改措辞"),
        )

    def params(self):
        return {"public_reply": self.cleaned_data.get("public_reply") or ""}


class RejectReplyForm(ActionForm):
    action = "reject_reply"
    note_label = _("退回答复的理由")
    note_required = True
    note_placeholder = _("如：答复未说明整改措施，请补充现场照片")


class CallbackForm(ActionForm):
    action = "callback"
    note_label = _("回访意见")
    note_placeholder = _("记录诉求人的原话或意见（选填）")

    def setup(self):
        self.fields["resolved"] = forms.ChoiceField(
            label=_("诉求是否已解决"), choices=RESOLVED_CHOICES, widget=forms.RadioSelect,
            error_messages={"required": _("请选择诉求是否已解决")},
        )
        self.fields["satisfaction"] = forms.ChoiceField(
            label=_("满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect,
            error_messages={"required": _("请选择满意度：满意、基本满意或不满意")},
        )
        self.order_fields(["resolved", "satisfaction", "note"])

    def params(self):
        return {"resolved": _bool(self.cleaned_data["resolved"]), "satisfaction": self.cleaned_data["satisfaction"]}


class CloseForm(ActionForm):
    action = "close"
    note_label = _("办结说明")
    note_placeholder = _("未经回访直接办结或认定不合理诉求时必填")

    def setup(self):
        self.fields["unreasonable"] = forms.BooleanField(
            label=_("认定为不合理诉求（不计入考核）"), required=False,
            help_text=_("经复核认定为不合理诉求的，不计入承办单位考核，并记入审计日志"),
        )
        self.order_fields(["unreasonable", "note"])

    def params(self):
        return {"unreasonable": bool(self.cleaned_data.get("unreasonable"))}


class ReopenForm(ActionForm):
    action = "reopen"
    note_label = _("重办的理由")
    note_required = True
    note_placeholder = _("如：回访不满意，垃圾仍未清运")


class RequestReturnForm(ActionForm):
    action = "request_return"
    note_label = _("退单理由")
    note_required = True
    note_placeholder = _("说明为何不属于本单位职责")

    def setup(self):
        self.fields["legal_basis"] = forms.CharField(
            label=_("退单依据"), max_length=200,
            widget=forms.TextInput(attrs={"placeholder": _("如：《民法典》第二百七十六条")}),
            help_text=_("法律法规条款或职责分工文件"),
            error_messages={"required": _("退单须注明依据（法律法规或职责分工）")},
        )

    def params(self):
        return {"legal_basis": self.cleaned_data["legal_basis"]}


class DecideReturnForm(ActionForm):
    action = "decide_return"
    note_label = _("审核意见")
    note_placeholder = _("驳回时必填；驳回为终局决定，承办单位须继续办理")

    def setup(self):
        self.fields["approve"] = forms.ChoiceField(
            label=_("审核结果"), choices=APPROVE_CHOICES, widget=forms.RadioSelect,
            error_messages={"required": _("请选择同意或驳回退单")},
        )
        self.fields["unit"] = forms.ChoiceField(
            label=_("同意后改派至"), required=False,
            choices=[("", _("暂不派单（退回待派单）"))] + candidate_units(self.complaint),
            help_text=_("仅在同意退单时使用；可直接改派给其他单位"),
        )
        self.order_fields(["approve", "unit", "note"])

    def params(self):
        approve = _bool(self.cleaned_data["approve"])
        out = {"approve": approve}
        if approve and self.cleaned_data.get("unit"):
            out["unit"] = self.cleaned_data["unit"]
        return out


class RequestExtensionForm(ActionForm):
    action = "request_extension"
    note_label = _("延期理由")
    note_required = True
    note_placeholder = _("如：需等待电梯配件到货")

    def setup(self):
        self.fields["amount"] = forms.IntegerField(
            label=_("延长时限"), min_value=1, max_value=90,
            error_messages={"required": _("请填写延长的时限"), "min_value": _("延长时限应在 1 到 90 之间"),
                            "max_value": _("延长时限应在 1 到 90 之间"), "invalid": _("请填写整数")},
        )
        self.fields["unit"] = forms.ChoiceField(label=_("时限单位"), choices=PeriodUnit.choices,
                                                initial=PeriodUnit.WORKING_DAYS)
        self.order_fields(["amount", "unit", "note"])

    def params(self):
        return {"amount": self.cleaned_data["amount"], "unit": self.cleaned_data["unit"]}


class DecideExtensionForm(ActionForm):
    action = "decide_extension"
    note_label = _("审核意见")

    def setup(self):
        self.fields["approve"] = forms.ChoiceField(
            label=_("审核结果"), choices=APPROVE_CHOICES, widget=forms.RadioSelect,
            error_messages={"required": _("请选择同意或驳回延期")},
        )
        self.order_fields(["approve", "note"])

    def params(self):
        return {"approve": _bool(self.cleaned_data["approve"])}


class WithdrawForm(ActionForm):
    action = "withdraw"
    note_label = _("撤回原因")
    note_placeholder = _("选填")


class CallDepartmentsForm(ActionForm):
    action = "call_departments"
    note_label = _("召集事由")
    note_placeholder = _("说明需要各部门协同处置的问题")

    def setup(self):
        self.fields["departments"] = forms.MultipleChoiceField(
            label=_("召集的职能部门"), choices=district_departments(self.complaint), widget=forms.CheckboxSelectMultiple,
            error_messages={"required": _("请至少选择一个职能部门"), "invalid_choice": _("请选择有效的职能部门")},
        )
        self.fields["amount"] = forms.IntegerField(
            label=_("办理时限"), required=False, min_value=1, max_value=90,
            help_text=_("选填；不填时按诉求类别的办结时限"),
            error_messages={"min_value": _("办理时限应在 1 到 90 之间"), "max_value": _("办理时限应在 1 到 90 之间"),
                            "invalid": _("请填写整数")},
        )
        self.fields["unit"] = forms.ChoiceField(label=_("时限单位"), choices=PeriodUnit.choices,
                                                initial=PeriodUnit.WORKING_DAYS, required=False)
        self.order_fields(["departments", "amount", "unit", "note"])

    def params(self):
        out = {"departments": list(self.cleaned_data["departments"])}
        if self.cleaned_data.get("amount"):
            out.update(amount=self.cleaned_data["amount"], unit=self.cleaned_data.get("unit") or PeriodUnit.WORKING_DAYS)
        return out


class SuperviseForm(ActionForm):
    action = "supervise"
    note_label = _("督办意见")
    note_placeholder = _("如：请于今日内联系诉求人并反馈处置进展")

    def setup(self):
        current = self.complaint.supervision_level
        choices = [(str(v), label) for v, label in SupervisionLevel.choices if v > current]
        self.fields["level"] = forms.ChoiceField(
            label=_("督办等级"), choices=choices, initial=choices[0][0] if choices else None,
            help_text=_("只能逐级升级：催办 → 督办 → 挂牌督办 → 通报批评"),
            error_messages={"required": _("请选择督办等级"), "invalid_choice": _("请选择督办等级")},
        )
        self.order_fields(["level", "note"])

    def params(self):
        return {"level": int(self.cleaned_data["level"])}


FORMS: dict[str, type[ActionForm]] = {
    cls.action: cls for cls in (
        AcceptForm, RefuseForm, DuplicateForm, DispatchForm, SignForm, ContactForm, ReplyForm, ApproveReplyForm,
        RejectReplyForm, CallbackForm, CloseForm, ReopenForm, RequestReturnForm, DecideReturnForm,
        RequestExtensionForm, DecideExtensionForm, WithdrawForm, CallDepartmentsForm, SuperviseForm,
        RequestCallbackForm,
    )
}


class BulkSignForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any integer id; the service decides which of them the user may sign.
        self.fields["ids"].valid_value = lambda value: str(value).isdigit()
