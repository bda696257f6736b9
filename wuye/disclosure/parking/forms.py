"""Forms of the parking pages: they shape input; the rules are in ``parking/services.py``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wuye.disclosure.models import ParkingViolation
from wuye.registry.models import ParkingSpace

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select form-select-sm"}


def _any(choices, label):
    return [("", label), *choices]


class SpaceFilterForm(forms.Form):
    kind = forms.ChoiceField(required=False, choices=_any(ParkingSpace.Kind.choices, _("全部类型")),
                             widget=forms.Select(attrs=SELECT))
    ownership = forms.ChoiceField(required=False, choices=_any(ParkingSpace.Ownership.choices, _("全部权属")),
                                  widget=forms.Select(attrs=SELECT))
    disposal = forms.ChoiceField(required=False, choices=_any(ParkingSpace.Disposal.choices, _("全部处置状态")),
                                 widget=forms.Select(attrs=SELECT))
    q = forms.CharField(required=False, max_length=30,
                        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "type": "search",
                                                      "placeholder": _("车位编号")}))


class ViolationFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=_any(ParkingViolation.Status.choices, _("全部状态")),
                               widget=forms.Select(attrs=SELECT))
    district = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, choices=[],
                                      widget=forms.Select(attrs=SELECT))
    q = forms.CharField(required=False, max_length=50,
                        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "type": "search",
                                                      "placeholder": _("小区名称")}))

    def __init__(self, *args, districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("全部区县")), *[(d.pk, d.name) for d in districts]]


class RentRequestForm(forms.Form):
    estate = forms.IntegerField(widget=forms.HiddenInput)
    plate = forms.CharField(label=_("车牌号"), max_length=12, required=False,
                            widget=forms.TextInput(attrs={**TEXT, "placeholder": "京A12345", "autocomplete": "off"}),
                            help_text=_("可不填，安排车位时再登记"))
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={**TEXT, "inputmode": "tel", "autocomplete": "tel"}),
                            help_text=_("物业安排车位时联系您；不公开"))


class OfferForm(forms.Form):
    space = forms.ModelChoiceField(label=_("安排车位"), queryset=None,
                                   widget=forms.Select(attrs=SELECT), empty_label=_("选择空置车位"))
    monthly_rent = forms.DecimalField(label=_("月租金（元）"), required=False, max_digits=14, decimal_places=2, min_value=0,
                                      widget=forms.NumberInput(attrs={"class": "form-control form-control-sm",
                                                                      "step": "0.01"}),
                                      help_text=_("留空按车位登记的月租金"))

    def __init__(self, *args, spaces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["space"].queryset = spaces
        self.fields["space"].label_from_instance = lambda s: (
            f"{s.number} · {s.get_kind_display()}" + (f" · {s.monthly_rent} 元/月" if s.monthly_rent is not None else ""))
