"""The compose form of a notice: title, body, deadlines, feedback, and the recipients — picked one
by one, or by kind and territory ("all companies serving estates in 东城区"), or both. The choices
(units in the sender's reach, districts) come from the selectors through the view."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wuye.cases.models import UnitKind

from .models import Notice

TEXT = {"class": "form-control"}
DATETIME = {"class": "form-control", "type": "datetime-local"}
KIND_CHOICES = [("", _("（不按类别批量选择）"))] + [(k.value, k.label) for k in UnitKind if k != UnitKind.CITY]


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={**TEXT, "rows": 6}))
    ack_due = forms.DateTimeField(label=_("签收期限"), widget=forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M"))
    feedback_kind = forms.ChoiceField(label=_("须反馈内容"), required=False, choices=Notice.FeedbackKind.choices,
                                      widget=forms.Select(attrs={"class": "form-select"}))
    feedback_label = forms.CharField(label=_("反馈数字的含义"), required=False, max_length=60,
                                     widget=forms.TextInput(attrs={**TEXT, "placeholder": _("例如：排查隐患处数")}))
    feedback_due = forms.DateTimeField(label=_("反馈期限"), required=False,
                                       widget=forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M"))
    supervision = forms.BooleanField(label=_("督办类通知（企业逾期未签收记入信用）"), required=False, initial=True,
                                     widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    by_kind = forms.ChoiceField(label=_("按类别批量选择"), required=False, choices=KIND_CHOICES,
                                widget=forms.Select(attrs={"class": "form-select"}))
    by_district = forms.ChoiceField(label=_("所在区县"), required=False, widget=forms.Select(attrs={"class": "form-select"}))
    units = forms.MultipleChoiceField(label=_("逐个选择接收单位"), required=False,
                                      widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 10}),
                                      help_text=_("按住 Ctrl 可多选；与按类别选择的单位合并发送"))

    def __init__(self, *args, district_choices=(), unit_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["by_district"].choices = [("", _("全市（本单位辖区）"))] + list(district_choices)
        self.fields["units"].choices = list(unit_choices)
        for name in ("body", "units"):
            self.fields[name].wide = True

    def clean(self):
        data = super().clean()
        if not data.get("by_kind") and not data.get("units"):
            self.add_error("units", _("请至少选择一个接收单位"))
        return data
