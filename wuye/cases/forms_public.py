"""Forms of the resident's side of complaints (issue §1, §2, §12, §17).

- ``PublicComplaintForm``: the public form behind the QR code on the notice board — no login;
  the phone is proven by an SMS code;
- ``ResidentComplaintForm``: a logged-in owner files about one of their estates;
- ``HotlineComplaintForm``: the city or district desk types in a 12345 / 12358 transfer;
- ``TrackForm`` and ``CallbackForm``: following a complaint and rating its outcome.

Forms only check the shape of the input and find the estate; every rule of the domain stays in
``services.complaint_file`` / ``complaint_act``. Bad input gets a Chinese message next to the field
and the form keeps everything that was typed (photos must be chosen again: browsers never
re-fill a file input — the form says so).
"""

from __future__ import annotations

import re
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from wuye.core.errors import ServiceError
from wuye.core.search import search_q
from wuye.core.uploads import MAX_PHOTOS, check_photos
from wuye.notifications.sms_codes import normalise_phone
from wuye.registry.models import Estate

from .models import Satisfaction, Source
from .selectors import active_categories, public_estates

ESTATE_SUGGESTIONS = 10
LANDLINE_RE = re.compile(r"0\d{2,3}-?\d{7,8}(-\d{1,6})?")
CONFIDENTIAL_NOTE = _("“涉黑涉恶线索”类诉求只由公安机关和市住房保障房产局处理，物业企业、社区和街道均看不到。")


def estate_label(estate: Estate) -> str:
    district = getattr(estate, "district", None)
    return f"{estate.name}（{district.name} · {estate.address}）" if district else f"{estate.name}（{estate.address}）"


def estate_matches(queryset, q: str, *, limit: int = ESTATE_SUGGESTIONS):
    """Estates whose name or address contains ``q``, or whose pinyin initials start with it."""
    q = (q or "").strip()[:50]
    if not q:
        return []
    return list(queryset.filter(search_q(q, text_fields=["name", "address"])).select_related("district")
                .order_by("name", "id")[:limit])


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, and ``is-invalid`` on the fields with errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, (forms.CheckboxInput, forms.RadioSelect)):
                css = "form-check-input"
            elif isinstance(w, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            w.attrs["class"] = css

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                w = self.fields[name].widget
                w.attrs["class"] = (w.attrs.get("class", "") + " is-invalid").strip()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to five photos in one ``<input type="file" multiple>``; each is really checked to be an
    image (Pillow opens it) and at most 10 MB, by the same check the service applies."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"accept": "image/jpeg,image/png,image/webp,image/gif", "multiple": True})

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        single = super().clean
        return [single(f, initial) for f in files]


def _phone(value: str) -> str:
    try:
        return normalise_phone(value)
    except ServiceError as exc:
        raise forms.ValidationError(_("手机号码格式不正确，请填写 11 位手机号，如 13812345678")) from exc


class ComplaintFieldsMixin(StyledForm):
    """What every complaint says: category, title, description, location, photos."""

    category = forms.ModelChoiceField(
        label=_("诉求类别"), queryset=active_categories().none(), empty_label=_("请选择诉求类别"),
        error_messages={"required": _("请选择诉求类别"), "invalid_choice": _("请选择有效的诉求类别")},
        help_text=CONFIDENTIAL_NOTE,
    )
    title = forms.CharField(label=_("标题（选填）"), max_length=100, required=False,
                            widget=forms.TextInput(attrs={"placeholder": _("一句话概括，如：3号楼垃圾三天未清运")}))
    description = forms.CharField(
        label=_("诉求内容"), max_length=2000,
        error_messages={"required": _("请填写诉求内容"), "max_length": _("诉求内容不能超过 2000 字")},
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": _("请写明发生了什么、持续多久、希望如何解决")}),
    )
    location = forms.CharField(label=_("具体位置（选填）"), max_length=100, required=False,
                               widget=forms.TextInput(attrs={"placeholder": _("如：3号楼2单元门口")}))
    photos = PhotosField(label=_("照片（选填）"),
                         help_text=_("最多 %(n)d 张，每张不超过 10 MB，支持 JPG、PNG、WebP、GIF") % {"n": MAX_PHOTOS})

    def setup_categories(self):
        field = self.fields["category"]
        field.queryset = active_categories()
        field.label_from_instance = lambda c: f"{c.name}（{_('保密')}）" if c.confidential else c.name

    def clean_description(self):
        value = (self.cleaned_data.get("description") or "").strip()
        if not value:
            raise forms.ValidationError(_("请填写诉求内容"))
        return value

    def clean_photos(self):
        files = self.cleaned_data.get("photos") or []
        try:
            check_photos(files)
        except ServiceError as exc:
            raise forms.ValidationError(f"{exc.messages[0]}。{_('请重新选择照片。')}") from None
        return files


class EstatePickMixin(StyledForm):
    """The estate, found by name, address or pinyin initials.

    With JavaScript the search box suggests estates (htmx) and a click fills the hidden ``estate``
    id. Without it the typed text is resolved on submit: one match is taken, several are offered
    as choices, none is an error that keeps the text."""

    estate = forms.CharField(required=False, widget=forms.HiddenInput)
    estate_q = forms.CharField(
        label=_("小区"), max_length=100, required=False,
        widget=forms.TextInput(attrs={"placeholder": _("输入小区名称、地址或拼音首字母，如 xfl"), "autocomplete": "off"}),
    )

    estate_queryset = public_estates()
    estate_candidates: list = []

    def clean(self):
        cleaned = super().clean()
        raw_id = (cleaned.get("estate") or "").strip()
        q = (cleaned.get("estate_q") or "").strip()
        self.estate_candidates = []
        estate = None
        if raw_id:
            estate = self.estate_queryset.select_related("district").filter(pk=raw_id).first() if raw_id.isdigit() else None
            if estate is not None and q and q != estate.name and not self.estate_queryset.filter(
                    search_q(q, text_fields=["name", "address"]), pk=estate.pk).exists():
                estate = None  # the text was changed after choosing (no JavaScript): the text wins
            elif estate is None and not q:
                self.add_error("estate_q", _("所选小区不存在或不在可选范围内，请重新查找"))
                return cleaned
        if estate is not None:
            pass
        elif not q:
            self.add_error("estate_q", _("请填写诉求所在的小区"))
            return cleaned
        else:
            exact = list(self.estate_queryset.filter(name=q).select_related("district")[:2])
            matches = exact or estate_matches(self.estate_queryset, q)
            if len(matches) == 1:
                estate = matches[0]
            elif not matches:
                self.add_error("estate_q", _("未找到“%(q)s”，请检查小区名称或地址，或输入拼音首字母") % {"q": q})
                return cleaned
            else:
                self.estate_candidates = matches
                self.add_error("estate_q", _("找到多个名称相近的小区，请在下方选择一个"))
                return cleaned
        cleaned["estate_obj"] = estate
        cleaned["estate"] = str(estate.pk)
        cleaned["estate_q"] = estate.name
        return cleaned

    def selected_estate(self) -> Estate | None:
        """The estate shown as chosen: the cleaned one, else the posted or initial id."""
        if getattr(self, "cleaned_data", None) and self.cleaned_data.get("estate_obj"):
            return self.cleaned_data["estate_obj"]
        if self.is_bound and self.errors.get("estate_q"):
            return None
        raw = self.data.get(self.add_prefix("estate")) if self.is_bound else self.initial.get("estate")
        raw = str(raw or "").strip()
        if raw.isdigit():
            return self.estate_queryset.select_related("district").filter(pk=raw).first()
        return None


class PublicComplaintForm(EstatePickMixin, ComplaintFieldsMixin):
    """The public form (scenario 1: 王阿姨 scans the QR code on the notice board)."""

    name = forms.CharField(label=_("您的姓名"), max_length=50, error_messages={"required": _("请填写您的姓名")},
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(
        label=_("手机号码"), max_length=20, error_messages={"required": _("请填写手机号码")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "13812345678"}),
        help_text=_("用于接收验证码、办理进展和查询诉求；对物业企业只显示部分号码"),
    )
    code = forms.CharField(label=_("短信验证码"), max_length=6, required=False,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                                         "placeholder": _("6 位数字")}))
    anonymous = forms.BooleanField(label=_("对物业企业隐藏我的姓名"), required=False,
                                   help_text=_("勾选后物业企业只看到“匿名”，政府部门仍可联系您"))
    idem = forms.CharField(required=False, widget=forms.HiddenInput)

    field_order = ["estate", "estate_q", "category", "title", "description", "location", "photos",
                   "name", "phone", "code", "anonymous", "idem"]

    def __init__(self, *args, verified_phone: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.verified_phone = verified_phone
        self.setup_categories()
        if not self.is_bound and not self.initial.get("idem"):
            self.initial["idem"] = uuid.uuid4().hex

    def clean_phone(self):
        return _phone(self.cleaned_data.get("phone"))

    def clean_idem(self):
        value = (self.cleaned_data.get("idem") or "").strip()
        return value if re.fullmatch(r"[0-9a-f]{32}", value) else ""

    def clean(self):
        cleaned = super().clean()
        phone = cleaned.get("phone")
        code = re.sub(r"\s", "", cleaned.get("code") or "")
        cleaned["code"] = code
        if phone and not code and phone != self.verified_phone:
            self.add_error("code", _("请填写短信验证码（点击“请求发送验证码”发送到您的手机）"))
        return cleaned

    @property
    def phone_verified(self) -> bool:
        phone = (self.data.get("phone") if self.is_bound else self.initial.get("phone")) or ""
        try:
            return bool(self.verified_phone) and normalise_phone(phone) == self.verified_phone
        except ServiceError:
            return False


class ResidentComplaintForm(ComplaintFieldsMixin):
    """A logged-in owner files about one of the estates they own a home in (issue §2)."""

    estate = forms.ModelChoiceField(label=_("小区"), queryset=public_estates().none(), empty_label=None,
                                    error_messages={"required": _("请选择诉求所在的小区"),
                                                    "invalid_choice": _("请选择您名下房屋所在的小区")})
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
                            help_text=_("您的账号未登记手机号，请填写以便接收办理进展"))
    anonymous = forms.BooleanField(label=_("对物业企业隐藏我的姓名"), required=False,
                                   help_text=_("勾选后物业企业只看到“匿名”，政府部门仍可联系您"))

    field_order = ["estate", "category", "title", "description", "location", "photos", "phone", "anonymous"]

    def __init__(self, *args, estates, account_phone: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_categories()
        field = self.fields["estate"]
        field.queryset = estates
        field.label_from_instance = estate_label
        options = list(estates.select_related("district")[:2])
        if len(options) == 1:
            field.widget = forms.HiddenInput()
            self.initial.setdefault("estate", options[0].pk)
            self.only_estate = options[0]
        else:
            self.only_estate = None
        self.account_phone = account_phone
        if account_phone:
            del self.fields["phone"]
        else:
            self.fields["phone"].required = True
            self.fields["phone"].error_messages["required"] = _("请填写手机号码")

    def clean_phone(self):
        return _phone(self.cleaned_data.get("phone"))


class HotlineComplaintForm(EstatePickMixin, ComplaintFieldsMixin):
    """The desk types in a call transferred from 12345 or 12358 (issue §2)."""

    source = forms.ChoiceField(label=_("来源"), choices=[(Source.HOTLINE_12345, Source.HOTLINE_12345.label),
                                                       (Source.HOTLINE_12358, Source.HOTLINE_12358.label)])
    source_ticket = forms.CharField(label=_("来源工单号"), max_length=50,
                                    error_messages={"required": _("热线转办件须填写来源工单号")},
                                    help_text=_("12345 / 12358 系统中的工单编号"))
    reporter_name = forms.CharField(label=_("来电人姓名"), max_length=50,
                                    error_messages={"required": _("请填写来电人姓名（可填“某先生/女士”）")})
    reporter_phone = forms.CharField(label=_("来电人电话"), max_length=20,
                                     error_messages={"required": _("请填写来电人电话")},
                                     help_text=_("手机号或固定电话（如 010-65550001）；来电人凭查询码和此号码查询进展"))
    anonymous = forms.BooleanField(label=_("来电人要求对物业企业隐藏姓名"), required=False)

    field_order = ["source", "source_ticket", "estate", "estate_q", "category", "title", "description", "location",
                   "photos", "reporter_name", "reporter_phone", "anonymous"]

    def __init__(self, *args, estates, **kwargs):
        super().__init__(*args, **kwargs)
        self.estate_queryset = estates
        self.setup_categories()

    def clean_source_ticket(self):
        value = (self.cleaned_data.get("source_ticket") or "").strip()
        if not value:
            raise forms.ValidationError(_("热线转办件须填写来源工单号"))
        return value

    def clean_reporter_phone(self):
        raw = (self.cleaned_data.get("reporter_phone") or "").strip()
        compact = re.sub(r"[\s()（）]", "", raw)
        if LANDLINE_RE.fullmatch(compact):
            return compact
        return _phone(raw)


class TrackForm(StyledForm):
    tracking_code = forms.CharField(
        label=_("查询码"), max_length=20, error_messages={"required": _("请填写查询码")},
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off",
                                      "placeholder": _("如 TS260315AB12CD")}),
    )
    phone = forms.CharField(label=_("提交时填写的电话"), max_length=20, error_messages={"required": _("请填写电话号码")},
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))

    def clean_tracking_code(self):
        return re.sub(r"\s", "", self.cleaned_data.get("tracking_code") or "").upper()

    def phones(self) -> list[str]:
        """The phone as typed and as normalised: hotline calls may have left a landline."""
        raw = (self.cleaned_data.get("phone") or "").strip()
        out = [re.sub(r"[\s()（）]", "", raw)]
        try:
            out.insert(0, normalise_phone(raw))
        except ServiceError:
            pass
        return [p for i, p in enumerate(out) if p and p not in out[:i]]


class ActCodeForm(StyledForm):
    """An action on a complaint tracked without its account: the one-time SMS code sent to the
    phone on file (issue 13 item 2). ``need_code=False`` (the account that filed it) drops it."""

    sms_code = forms.CharField(
        label=_("短信验证码"), max_length=8, required=True, error_messages={"required": _("请填写短信验证码")},
        help_text=_("为确认是诉求人本人操作，验证码发送到提交诉求时登记的手机"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                      "placeholder": _("6 位数字")}))

    def __init__(self, *args, need_code: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not need_code:
            del self.fields["sms_code"]


class CallbackForm(ActCodeForm):
    """回访评价: resolved? satisfied? (issue §7)."""

    resolved = forms.TypedChoiceField(
        label=_("您的问题是否已解决"), choices=[("yes", _("已解决")), ("no", _("未解决"))],
        coerce=lambda v: v == "yes", widget=forms.RadioSelect, error_messages={"required": _("请选择诉求是否已解决")},
    )
    satisfaction = forms.ChoiceField(
        label=_("您对办理结果的评价"), choices=Satisfaction.choices, widget=forms.RadioSelect,
        error_messages={"required": _("请选择满意度：满意、基本满意或不满意")},
    )
    comment = forms.CharField(label=_("意见和建议（选填）"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(ActCodeForm):
    reason = forms.CharField(label=_("撤回原因（选填）"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("如：问题已自行解决")}))
