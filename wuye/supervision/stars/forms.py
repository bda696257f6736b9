"""Forms of the star-rating pages. They read and check input only; the rules live in ``services.py``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wuye.credit.models import Grade
from wuye.supervision.constants import STAR_CHOICES
from wuye.supervision.models import SupervisionSettings
from wuye.supervision.selectors import all_districts

from .selectors import closed_surveys, usable_inspections

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control", "accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


# ---- star applications ------------------------------------------------------------------------------


class StarApplyForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("申报小区"), queryset=None, widget=forms.Select(attrs=SELECT))
    target_level = forms.TypedChoiceField(label=_("申报星级"), choices=STAR_CHOICES, coerce=int,
                                          widget=forms.Select(attrs=SELECT))
    statement = forms.CharField(label=_("申报说明"), required=False, max_length=2000,
                                widget=forms.Textarea(attrs={**TEXT, "rows": 4}),
                                help_text=_("简述服务情况、创建措施等。"))

    def __init__(self, *args, estates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates
        self.fields["statement"].wide = True


class EvaluateForm(forms.Form):
    inspection = forms.ModelChoiceField(label=_("现场检查"), queryset=None, widget=forms.Select(attrs=SELECT),
                                        help_text=_("该小区已提交得分的检查。"))
    survey = forms.ModelChoiceField(label=_("满意度测评"), queryset=None, widget=forms.Select(attrs=SELECT),
                                    help_text=_("该小区已结束的测评。"))
    note = forms.CharField(label=_("评定说明"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspection"].queryset = usable_inspections(application.estate_id)
        self.fields["inspection"].label_from_instance = lambda i: f"{i.inspected_on or ''} · {i.total_score} 分"
        self.fields["survey"].queryset = closed_surveys(application.estate_id)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("理由"), required=False, max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))


class ObjectionForm(forms.Form):
    name = forms.CharField(label=_("您的姓名"), max_length=50, widget=forms.TextInput(attrs={**TEXT, "autocomplete": "name"}))
    phone = forms.CharField(label=_("联系电话"), max_length=20,
                            widget=forms.TextInput(attrs={**TEXT, "inputmode": "tel", "autocomplete": "tel"}),
                            help_text=_("仅供主管部门核实情况，不公开。"))
    text = forms.CharField(label=_("异议事实和理由"), max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 5}))
    photos = MultipleFileField(label=_("照片（可选，最多 5 张）"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].wide = True
        self.fields["photos"].wide = True


class ObjectionDecideForm(forms.Form):
    upheld = forms.TypedChoiceField(label=_("处理结果"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
                                    choices=[("0", _("异议不成立，维持公示")), ("1", _("异议成立"))])
    outcome = forms.ChoiceField(label=_("异议成立时"), required=False, widget=forms.Select(attrs=SELECT),
                                choices=[("reevaluate", _("退回重新评定")), ("reject", _("不予评定"))])
    reason = forms.CharField(label=_("处理理由"), max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))


class ReviewDecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("复核结论"), widget=forms.RadioSelect,
                                 choices=[("keep", _("维持星级")), ("downgrade", _("降低星级")), ("revoke", _("撤销星级"))])
    new_level = forms.TypedChoiceField(label=_("调整后星级"), required=False, coerce=int, empty_value=None,
                                       choices=[("", "—"), *STAR_CHOICES], widget=forms.Select(attrs=SELECT))
    reason = forms.CharField(label=_("复核意见"), max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 3}))


class ReviewOpenForm(forms.Form):
    detail = forms.CharField(label=_("发起复核的情况说明"), max_length=500, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))


class RatingFilterForm(forms.Form):
    district = forms.ModelChoiceField(label=_("区县"), required=False, queryset=None,
                                      empty_label=_("全部区县"), widget=forms.Select(attrs={**SELECT, "class": "form-select form-select-sm"}))
    level = forms.TypedChoiceField(label=_("星级"), required=False, coerce=int, empty_value=None,
                                   choices=[("", _("全部星级")), *STAR_CHOICES],
                                   widget=forms.Select(attrs={**SELECT, "class": "form-select form-select-sm"}))
    q = forms.CharField(label=_("小区或企业"), required=False, max_length=50,
                        widget=forms.TextInput(attrs={**TEXT, "class": "form-control form-control-sm",
                                                      "placeholder": _("小区或企业名称")}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = all_districts().order_by("code", "id")


STAR_SETTINGS_FIELDS = ["star1_min", "star2_min", "star3_min", "star4_min", "star5_min", "weight_inspection",
                        "weight_survey", "notice_workdays", "rating_valid_years", "gate_service_years", "gate_min_grade",
                        "downgrade_complaints", "downgrade_window_days", "survey_min_response_rate"]


class StarSettingsForm(forms.ModelForm):
    gate_min_grade = forms.ChoiceField(label=_("申报企业信用等级不低于"), widget=forms.Select(attrs=SELECT))

    class Meta:
        model = SupervisionSettings
        fields = STAR_SETTINGS_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gate_min_grade"].choices = Grade.choices
        for name, f in self.fields.items():
            if name != "gate_min_grade":
                f.widget.attrs.setdefault("class", "form-control")

    def clean(self):
        data = super().clean()
        levels = [data.get(f"star{n}_min") for n in range(1, 6)]
        if all(v is not None for v in levels) and any(a >= b for a, b in zip(levels, levels[1:], strict=False)):
            self.add_error(None, _("各星级最低分须逐级升高（一星级 < 二星级 < … < 五星级）"))
        wi, ws = data.get("weight_inspection"), data.get("weight_survey")
        if wi is not None and ws is not None and wi + ws != 100:
            self.add_error("weight_survey", _("检查得分权重与满意度权重之和须为 100%"))
        return data
