"""Forms of the developer pages: they shape input; the rules are in ``services.py``."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import DeveloperViolation

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
DATE = {"class": "form-control", "type": "date"}


def _wide(field):
    field.wide = True
    return field


class DeveloperForm(forms.Form):
    name = forms.CharField(label=_("建设单位名称"), max_length=100, widget=forms.TextInput(attrs=TEXT))
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=30, widget=forms.TextInput(attrs=TEXT),
                                  help_text=_("18 位，末位为校验码（GB 32100-2015）"))
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=50, required=False,
                                           widget=forms.TextInput(attrs=TEXT))
    address = forms.CharField(label=_("注册地址"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT))
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False, widget=forms.TextInput(attrs=TEXT))
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False,
                                    widget=forms.TextInput(attrs=TEXT))


class DeveloperFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, widget=forms.TextInput(attrs={
        **TEXT, "type": "search", "placeholder": _("名称或统一社会信用代码"), "aria-label": _("搜索")}))
    district = forms.TypedChoiceField(required=False, coerce=int, empty_value=None,
                                      widget=forms.Select(attrs={**SELECT, "aria-label": _("区县")}))

    def __init__(self, *args, districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("全部区县"))] + [(d.pk, d.name) for d in districts]


class ViolationFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, widget=forms.TextInput(attrs={
        **TEXT, "type": "search", "placeholder": _("建设单位或事实描述"), "aria-label": _("搜索")}))
    status = forms.ChoiceField(required=False, choices=[("", _("全部状态")), *DeveloperViolation.Status.choices],
                               widget=forms.Select(attrs={**SELECT, "aria-label": _("状态")}))
    kind = forms.ChoiceField(required=False, choices=[("", _("全部类型")), *DeveloperViolation.Kind.choices],
                             widget=forms.Select(attrs={**SELECT, "aria-label": _("违规类型")}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); each checked as a file here and
    cleaned by ``wuye.core.uploads`` in the service."""

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return super().clean(data, initial)


class ViolationForm(forms.Form):
    kind = forms.ChoiceField(label=_("违规类型"), choices=DeveloperViolation.Kind.choices,
                             widget=forms.Select(attrs=SELECT))
    estate = forms.ModelChoiceField(label=_("涉及小区"), queryset=None, required=False,
                                    widget=forms.Select(attrs=SELECT), empty_label=_("（不涉及具体小区）"))
    occurred_on = forms.DateField(label=_("发生日期"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    note = _wide(forms.CharField(label=_("事实描述"), max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 4})))
    evidence = _wide(forms.CharField(label=_("证据说明"), max_length=2000, required=False,
                                     widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
                                     help_text=_("写明证据名称、文号或存档位置；也可上传证据文件")))
    files = _wide(MultipleFileField(label=_("证据文件"), required=False,
                                  widget=MultipleFileInput(attrs={**TEXT, "multiple": True}),
                                  help_text=_("最多 5 个，图片或 PDF 等文件")))

    def __init__(self, *args, estates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates
        self.fields["occurred_on"].initial = timezone.localdate()


class LinkForm(forms.Form):
    estate = forms.IntegerField(widget=forms.HiddenInput)
    phase = forms.CharField(label=_("分期"), max_length=30, required=False, widget=forms.TextInput(attrs=TEXT))


class ActionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("说明"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={**TEXT, "rows": 3}))
