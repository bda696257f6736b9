"""Forms of the 回头看 and clue pages (no rules here: the services check them again)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ClueReport, Recheck, RecheckCampaign

SM = {"class": "form-control form-control-sm"}
SEL = {"class": "form-select form-select-sm"}


class CampaignFilter(forms.Form):
    q = forms.CharField(required=False, label=_("搜索"), widget=forms.TextInput(attrs={**SM, "placeholder": _("回头看名称")}))
    status = forms.ChoiceField(required=False, label=_("状态"), choices=[("", _("全部状态")), *RecheckCampaign.Status.choices],
                               widget=forms.Select(attrs=SEL))
    year = forms.IntegerField(required=False, label=_("年度"), min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs={**SM, "placeholder": _("复查年度")}))


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100, widget=forms.TextInput(attrs=SM))
    year = forms.IntegerField(label=_("复查年度"), min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=SM),
                              help_text=_("抽取该年度已销号的整改通知和已办结的诉求"))
    district = forms.ModelChoiceField(label=_("区县"), queryset=None, required=False, empty_label=_("全市"),
                                      widget=forms.Select(attrs=SEL))
    order_count = forms.IntegerField(label=_("抽取整改通知数"), min_value=0, max_value=500, initial=10,
                                     widget=forms.NumberInput(attrs=SM))
    complaint_count = forms.IntegerField(label=_("抽取诉求数"), min_value=0, max_value=500, initial=10,
                                         widget=forms.NumberInput(attrs=SM))
    categories = forms.ModelMultipleChoiceField(label=_("抽取的诉求类别"), queryset=None, required=False,
                                                widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))

    def __init__(self, *args, districts=None, categories=None, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year - 1})
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        self.fields["categories"].queryset = categories
        self.fields["categories"].wide = True


class DrawForm(forms.Form):
    seed = forms.CharField(label=_("随机种子"), max_length=64, required=False,
                           widget=forms.TextInput(attrs={**SM, "placeholder": _("留空则由系统随机生成")}),
                           help_text=_("种子随结果公开，任何人可用它重新运行抽取核对结果"))


class ReasonForm(forms.Form):
    note = forms.CharField(label=_("理由"), max_length=500, widget=forms.TextInput(attrs=SM))


class RecheckFilter(forms.Form):
    q = forms.CharField(required=False, label=_("搜索"), widget=forms.TextInput(attrs={**SM, "placeholder": _("小区或问题")}))
    result = forms.ChoiceField(required=False, label=_("结果"), widget=forms.Select(attrs=SEL), choices=[
        ("", _("全部结果")), ("pending", _("待复查")), (Recheck.Result.FIXED, _("整改保持")),
        (Recheck.Result.RELAPSED, _("问题反弹"))])


class RecheckForm(forms.Form):
    result = forms.ChoiceField(label=_("复查结果"), choices=[(Recheck.Result.FIXED, _("整改保持")),
                                                         (Recheck.Result.RELAPSED, _("问题反弹"))],
                               widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    note = forms.CharField(label=_("复查说明"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={**SM, "rows": 3, "placeholder": _("问题反弹时必填：现场看到的情况")}))
    photos = forms.FileField(label=_("现场照片"), required=False,
                             widget=forms.ClearableFileInput(attrs={**SM, "accept": "image/*", "capture": "environment"}),
                             help_text=_("问题反弹时至少上传一张"))


class ClueForm(forms.Form):
    target = forms.ChoiceField(label=_("举报对象类型"), choices=ClueReport.Target.choices, widget=forms.Select(attrs=SEL))
    company = forms.ModelChoiceField(label=_("被举报企业"), queryset=None, required=False, widget=forms.Select(attrs=SEL))
    person_name = forms.CharField(label=_("被举报人"), max_length=50, required=False, widget=forms.TextInput(attrs=SM))
    district = forms.ModelChoiceField(label=_("发生地区县"), queryset=None, widget=forms.Select(attrs=SEL))
    location = forms.CharField(label=_("具体地点"), max_length=100, required=False, widget=forms.TextInput(attrs=SM))
    content = forms.CharField(label=_("线索内容"), max_length=4000, widget=forms.Textarea(attrs={**SM, "rows": 6}),
                              help_text=_("请写明时间、地点、人员和具体行为；线索严格保密，仅公安机关和市住房保障房产局可见"))

    def __init__(self, *args, companies=None, districts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies
        self.fields["district"].queryset = districts
        self.fields["content"].wide = True


class ClueFilter(forms.Form):
    q = forms.CharField(required=False, label=_("搜索"),
                        widget=forms.TextInput(attrs={**SM, "placeholder": _("编号、对象或内容")}))
    status = forms.ChoiceField(required=False, label=_("状态"), choices=[("", _("全部状态")), *ClueReport.Status.choices],
                               widget=forms.Select(attrs=SEL))


class OutcomeForm(forms.Form):
    confirmed = forms.TypedChoiceField(label=_("核查结论"), coerce=lambda v: v == "1",
                                       choices=[("1", _("查证属实")), ("0", _("查无实据"))], widget=forms.Select(attrs=SEL))
    outcome = forms.CharField(label=_("结论说明"), max_length=2000, widget=forms.Textarea(attrs={**SM, "rows": 3}))
