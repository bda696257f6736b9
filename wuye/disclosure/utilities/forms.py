"""Forms of the shared-utility pages (水电公摊). Rules live in ``utilities/services.py``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from wuye.disclosure.models import UtilityAllocation

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


def _num(**attrs):
    return forms.NumberInput(attrs={"class": "form-control", "step": "0.01", "inputmode": "decimal", **attrs})


class AllocationForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("小区"), queryset=None,
                                    widget=forms.Select(attrs={"class": "form-select"}))
    building = forms.ModelChoiceField(label=_("楼栋"), queryset=None, required=False,
                                      empty_label=_("全小区（总表计量全小区）"),
                                      help_text=_("总表只计量一栋楼时选择该楼栋。"),
                                      widget=forms.Select(attrs={"class": "form-select"}))
    utility = forms.ChoiceField(label=_("类别"), choices=UtilityAllocation.Utility.choices,
                                widget=forms.Select(attrs={"class": "form-select"}))
    period_start = forms.DateField(label=_("期间开始"), widget=DATE)
    period_end = forms.DateField(label=_("期间结束"), widget=DATE)
    master_start = forms.DecimalField(label=_("总表起数"), min_value=Decimal("0"), max_digits=14, decimal_places=2,
                                      widget=_num())
    master_end = forms.DecimalField(label=_("总表止数"), min_value=Decimal("0"), max_digits=14, decimal_places=2,
                                    widget=_num())
    method = forms.ChoiceField(label=_("分摊方式"), choices=UtilityAllocation.Method.choices,
                               initial=UtilityAllocation.Method.AREA,
                               help_text=_("默认按专有部分面积分摊；按公式分摊时，面积部分按面积、其余按户均摊。"),
                               widget=forms.Select(attrs={"class": "form-select"}))
    area_weight = forms.DecimalField(label=_("公式中面积权重（%）"), required=False, min_value=Decimal("0"),
                                     max_value=Decimal("100"), max_digits=5, decimal_places=2,
                                     help_text=_("例如填 60，表示“面积占 60%，户数占 40%”。"), widget=_num())
    unit_price = forms.DecimalField(label=_("单价（元/kWh 或 元/吨）"), min_value=Decimal("0"), max_digits=10,
                                    decimal_places=4, widget=_num(step="0.0001"))

    def __init__(self, *args, estates, buildings, **kwargs):
        """``estates``: ``selectors.estates_for_new_allocation(user)``; ``buildings``: theirs
        (``selectors.buildings_of``)."""
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates.order_by("name")
        self.fields["building"].queryset = buildings
        self.fields["building"].label_from_instance = lambda b: f"{b.estate.name} · {b.name}"

    def clean(self):
        data = super().clean()
        b, e = data.get("building"), data.get("estate")
        if b is not None and e is not None and b.estate_id != e.pk:
            self.add_error("building", _("所选楼栋不属于该小区。"))
        return data


class ReadingForm(forms.Form):
    building = forms.CharField(label=_("楼栋"), max_length=50,
                               widget=forms.TextInput(attrs={"class": "form-control form-control-sm",
                                                             "placeholder": _("如 5号楼")}))
    number = forms.CharField(label=_("房号"), max_length=30,
                             widget=forms.TextInput(attrs={"class": "form-control form-control-sm",
                                                           "placeholder": _("如 5-1-101")}))
    start = forms.DecimalField(label=_("起数"), min_value=Decimal("0"), max_digits=14, decimal_places=2,
                               widget=_num(**{"class": "form-control form-control-sm"}))
    end = forms.DecimalField(label=_("止数"), min_value=Decimal("0"), max_digits=14, decimal_places=2,
                             widget=_num(**{"class": "form-control form-control-sm"}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("读数文件（.xlsx）"),
                           help_text=_("第一行为列名：楼栋、房号、起数、止数。整份文件无误才会导入，有误时一条也不导入。"),
                           widget=forms.ClearableFileInput(attrs={"class": "form-control form-control-sm",
                                                                  "accept": ".xlsx"}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因"), max_length=300,
                             widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))


class FilterForm(forms.Form):
    q = forms.CharField(label=_("小区"), required=False, max_length=50,
                        widget=forms.TextInput(attrs={"class": "form-control form-control-sm",
                                                      "placeholder": _("小区名称")}))
    utility = forms.ChoiceField(label=_("类别"), required=False,
                                choices=[("", _("水和电"))] + list(UtilityAllocation.Utility.choices),
                                widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    period = forms.CharField(label=_("期间（年月）"), required=False, max_length=7,
                             help_text=_("含该月的公摊期间"),
                             widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "type": "month"}))
    flagged = forms.BooleanField(label=_("只看损耗率超预警线"), required=False,
                                 widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def clean_period(self):
        value = self.cleaned_data.get("period") or ""
        if not value:
            return None
        try:
            year, month = (int(x) for x in value.split("-"))
            return date(year, month, 1)
        except ValueError:
            raise forms.ValidationError(_("请按“年-月”填写，如 2026-03。")) from None
