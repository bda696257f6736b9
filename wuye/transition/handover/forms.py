"""Forms of the handover pages: they shape the input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wuye.supervision.forms import StyledForm

from . import selectors as sel
from .models import HandoverCase, HandoverDefect, HandoverDocument

DATE = {"type": "date"}
YES = [("", _("全部")), ("1", _("是")), ("0", _("否"))]


class CaseFilterForm(StyledForm):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("小区、建设单位或物业企业"), "type": "search"}))
    step = forms.ChoiceField(label=_("当前步骤"), required=False, choices=[("", _("全部步骤")), *HandoverCase.Status.choices])
    overdue = forms.ChoiceField(label=_("备案逾期"), required=False,
                                choices=[("", _("备案：全部")), ("1", _("备案逾期")), ("0", _("未逾期"))])
    early = forms.ChoiceField(label=_("提前交房"), required=False,
                              choices=[("", _("交付：全部")), ("1", _("提前交房")), ("0", _("正常交付"))])
    district = forms.ModelChoiceField(label=_("区县"), queryset=None, required=False, empty_label=_("全部区县"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if sel.can_pick_district(user):
            self.fields["district"].queryset = sel.district_choices(user)
        else:
            self.fields.pop("district")


class CaseOpenForm(StyledForm):
    estate = forms.ModelChoiceField(label=_("小区"), queryset=None)
    phase = forms.CharField(label=_("分期"), max_length=30, required=False, help_text=_("如“二期”；整个小区一次交接时留空"))
    developer = forms.ModelChoiceField(label=_("建设单位"), queryset=None)
    company = forms.ModelChoiceField(label=_("物业服务企业"), queryset=None)
    completion_filed_on = forms.DateField(label=_("竣工验收备案日期"), required=False, widget=forms.DateInput(attrs=DATE),
                                          help_text=_("尚未办理竣工验收备案的留空"))
    delivered_on = forms.DateField(label=_("交付业主日期"), required=False, widget=forms.DateInput(attrs=DATE),
                                   help_text=_("尚未交付的留空；早于竣工验收备案即为提前交房"))
    plan_note = forms.CharField(label=_("查验方案"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                help_text=_("查验范围、时间、双方人员和方法"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = sel.estates_for_registration(user)
        self.fields["developer"].queryset = sel.developer_choices()
        self.fields["company"].queryset = sel.company_choices(user)
        self.fields["company"].initial = sel.own_company_id(user)
        self.fields["plan_note"].wide = True


class DocumentForm(StyledForm):
    status = forms.ChoiceField(label=_("移交情况"), choices=HandoverDocument.Status.choices)
    received_on = forms.DateField(label=_("移交日期"), required=False, widget=forms.DateInput(attrs=DATE))
    promised_on = forms.DateField(label=_("承诺补交日期"), required=False, widget=forms.DateInput(attrs=DATE))
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class DefectForm(StyledForm):
    part = forms.ChoiceField(label=_("查验对象"), choices=HandoverDefect.Part.choices)
    location = forms.CharField(label=_("位置"), max_length=200)
    description = forms.CharField(label=_("问题描述"), max_length=500)
    responsible = forms.CharField(label=_("责任单位"), max_length=100)
    promised_on = forms.DateField(label=_("承诺解决日期"), widget=forms.DateInput(attrs=DATE))
