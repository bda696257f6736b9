"""Forms of the fee-notice pages: they shape input; the rules are in ``fees/services.py``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wuye.disclosure.models import FeeNotice

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
DATE = {"class": "form-control", "type": "date"}
NUM = {"class": "form-control", "inputmode": "decimal"}


def _wide(field):
    field.wide = True
    return field


class FeeNoticeForm(forms.Form):
    payer = forms.CharField(label=_("缴费主体"), max_length=100, widget=forms.TextInput(attrs=TEXT),
                            initial="业主（已交付房屋）；开发建设单位（未售或未交付房屋）",
                            help_text=_("写明由谁缴费，如业主、开发建设单位"))
    service_standard = forms.CharField(label=_("服务标准（等级或星级）"), max_length=100, widget=forms.TextInput(attrs=TEXT),
                                       help_text=_("已按现行物业服务合同的约定等级和小区星级预填"))
    billing_method = forms.CharField(label=_("计费方式"), max_length=100, widget=forms.TextInput(attrs=TEXT),
                                     initial="按建筑面积按月计收")
    billing_start = forms.DateField(label=_("计费起始时间"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                                    help_text=_("房屋交付之日或合同约定的起始日"))
    price_regime = forms.ChoiceField(label=_("价格管理形式"), choices=FeeNotice.PriceRegime.choices,
                                     widget=forms.Select(attrs=SELECT), initial=FeeNotice.PriceRegime.MARKET)
    base_price = forms.DecimalField(label=_("基准价（元/m²·月）"), required=False, max_digits=8, decimal_places=2,
                                    min_value=0, widget=forms.NumberInput(attrs={**NUM, "step": "0.01"}),
                                    help_text=_("实行政府指导价时必填"))
    band_percent = forms.DecimalField(label=_("浮动幅度（%）"), required=False, max_digits=5, decimal_places=2,
                                      min_value=0, max_value=100, widget=forms.NumberInput(attrs={**NUM, "step": "0.01"}),
                                      help_text=_("实行政府指导价时必填，如上下浮动 10% 填 10"))
    service_content = _wide(forms.CharField(label=_("服务内容"), max_length=2000,
                                            widget=forms.Textarea(attrs={**TEXT, "rows": 4}),
                                            help_text=_("如：公共区域清洁、秩序维护、绿化养护、共用设施设备日常运行维护等")))
    legal_basis = _wide(forms.CharField(label=_("收费依据"), max_length=300, widget=forms.TextInput(attrs=TEXT),
                                        help_text=_("如：物业服务合同（备案号）、价格主管部门文件文号")))
    effective_from = forms.DateField(label=_("公示日期"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                                     help_text=_("留空为今天"))


class FeeItemForm(forms.Form):
    name = forms.CharField(label=_("收费项目"), max_length=100, required=False, widget=forms.TextInput(attrs=TEXT))
    rate = forms.DecimalField(label=_("收费标准"), required=False, max_digits=10, decimal_places=2, min_value=0,
                              widget=forms.NumberInput(attrs={**NUM, "step": "0.01"}))
    unit = forms.CharField(label=_("计量单位"), max_length=30, required=False, initial="元/m²·月",
                           widget=forms.TextInput(attrs=TEXT))
    note = forms.CharField(label=_("备注"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT))


FeeItemFormSet = forms.formset_factory(FeeItemForm, extra=2, max_num=30, absolute_max=30)


class FeeListFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=50,
                        widget=forms.TextInput(attrs={**TEXT, "placeholder": _("小区名称或拼音首字母"), "type": "search"}))
    missing = forms.ChoiceField(required=False, choices=[("", _("全部小区")), ("1", _("未公示收费标准")),
                                                         ("0", _("已公示"))], widget=forms.Select(attrs=SELECT))
    district = forms.IntegerField(required=False, widget=forms.HiddenInput)
