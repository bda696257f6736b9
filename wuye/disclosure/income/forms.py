"""Forms of the common-income pages. They read and check input only; the rules live in
``income/services.py``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuye.disclosure.models import DisclosureStatus, IncomeItem, IncomeReport

TEXT = {"class": "form-control"}
SMALL = {"class": "form-control form-control-sm"}
SELECT = {"class": "form-select"}
SELECT_SM = {"class": "form-select form-select-sm"}
DATE = {"class": "form-control", "type": "date"}


def last_year() -> tuple[date, date]:
    y = timezone.localdate().year - 1
    return date(y, 1, 1), date(y, 12, 31)


class IncomeNewForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("小区"), queryset=None, widget=forms.Select(attrs=SELECT),
                                    empty_label=_("请选择本企业服务的小区"))
    period_start = forms.DateField(label=_("期间开始"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    period_end = forms.DateField(label=_("期间结束"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                                 help_text=_("年度报告填上一年 1 月 1 日至 12 月 31 日；须在次年第一季度末前公示。"))

    def __init__(self, *args, estates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates
        if not self.is_bound:
            self.initial.setdefault("period_start", last_year()[0])
            self.initial.setdefault("period_end", last_year()[1])

    def clean(self):
        data = super().clean()
        a, b = data.get("period_start"), data.get("period_end")
        if a and b and b < a:
            self.add_error("period_end", _("期间结束日期不能早于开始日期"))
        return data


class ItemForm(forms.Form):
    source = forms.ChoiceField(label=_("收入来源"), choices=IncomeItem.Source.choices,
                               widget=forms.Select(attrs=SELECT_SM))
    amount = forms.DecimalField(label=_("金额（元）"), min_value=Decimal("0"), max_digits=14, decimal_places=2,
                                widget=forms.NumberInput(attrs={**SMALL, "step": "0.01", "inputmode": "decimal"}))
    description = forms.CharField(label=_("说明"), max_length=200, required=False,
                                  widget=forms.TextInput(attrs={**SMALL, "placeholder": _("如：3 部电梯轿厢广告，全年")}))


class CostForm(forms.Form):
    description = forms.CharField(label=_("成本项目"), max_length=200,
                                  widget=forms.TextInput(attrs={**SMALL, "placeholder": _("如：广告位维护、收费人员劳务")}))
    amount = forms.DecimalField(label=_("金额（元）"), min_value=Decimal("0"), max_digits=14, decimal_places=2,
                                widget=forms.NumberInput(attrs={**SMALL, "step": "0.01", "inputmode": "decimal"}))


class UseForm(forms.Form):
    use = forms.ChoiceField(label=_("收益用途"), choices=IncomeReport.Use.choices,
                            widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    decision_ref = forms.CharField(label=_("业主大会决定文号"), max_length=100, required=False,
                                   widget=forms.TextInput(attrs={**SMALL, "placeholder": _("按业主大会决定使用时必填")}))
    decision_motion = forms.ModelChoiceField(label=_("业主大会表决事项"), queryset=None, required=False,
                                             widget=forms.Select(attrs=SELECT_SM), empty_label=_("（不关联）"))
    use_note = forms.CharField(label=_("用途说明"), max_length=500, required=False,
                               widget=forms.TextInput(attrs=SMALL))

    def __init__(self, *args, motions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision_motion"].queryset = motions


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class ObjectionForm(forms.Form):
    text = forms.CharField(label=_("异议内容"), min_length=5, max_length=1500,
                           widget=forms.Textarea(attrs={**TEXT, "rows": 3,
                                                        "placeholder": _("请写明对哪一项有异议及理由，将转为诉求由主管部门督办")}))


class IncomeFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部状态")), *DisclosureStatus.choices],
                               widget=forms.Select(attrs=SELECT_SM))
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs={**SMALL, "placeholder": _("年度")}))
    district = forms.ModelChoiceField(label=_("区县"), required=False, queryset=None,
                                      empty_label=_("全部区县"), widget=forms.Select(attrs=SELECT_SM))
    q = forms.CharField(label=_("搜索"), required=False, max_length=50,
                        widget=forms.TextInput(attrs={**SMALL, "type": "search", "placeholder": _("小区或企业名称")}))

    def __init__(self, *args, districts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts  # ``selectors.district_choices()``
