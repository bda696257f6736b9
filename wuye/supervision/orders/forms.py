"""Forms of the rectification-order pages: they shape the input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wuye.supervision.forms import ReasonForm, StyledForm
from wuye.supervision.inspections.selectors import can_pick_district
from wuye.supervision.selectors import all_districts

from .models import RectificationOrder

__all__ = ["EvidenceForm", "OrderFilterForm", "ReasonForm", "ReinspectForm"]


class EvidenceForm(StyledForm):
    note = forms.CharField(label=_("整改情况说明"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class ReinspectForm(StyledForm):
    decision = forms.ChoiceField(label=_("复查结论"), choices=[("close", _("整改到位，销号")), ("reopen", _("未整改到位，退回重改"))],
                                 widget=forms.RadioSelect)
    note = forms.CharField(label=_("复查意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("退回重改须填写理由。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].widget.attrs["class"] = "form-check-input"


class OrderFilterForm(StyledForm):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("整改单号、小区或企业"), "type": "search"}))
    plan = forms.IntegerField(label=_("检查计划"), required=False, widget=forms.HiddenInput)
    district = forms.ModelChoiceField(label=_("区县"), queryset=None, required=False, empty_label=_("全部区县"))
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部状态")), ("overdue", _("已逾期")), *RectificationOrder.Status.choices])
    company = forms.IntegerField(label=_("企业"), required=False, widget=forms.HiddenInput)
    date_from = forms.DateField(label=_("下达日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if can_pick_district(user):
            self.fields["district"].queryset = all_districts()
        else:
            self.fields.pop("district")
