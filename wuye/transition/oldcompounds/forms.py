"""Forms of the old-compound pages (no rules here: the services check them)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wuye.registry.models import Estate, ServiceContract

from .models import FACILITIES, CompoundProfile, RenovationProject

SM = {"class": "form-control form-control-sm"}
SEL = {"class": "form-select form-select-sm"}
DATE = {**SM, "type": "date"}
LACKING_CHOICES = [("", _("全部缺失设施")), *[(n, label) for n, label in FACILITIES], ("lacks_other", _("其他"))]


class RegisterFilter(forms.Form):
    q = forms.CharField(required=False, label=_("搜索"),
                        widget=forms.TextInput(attrs={**SM, "placeholder": _("楼院名称、地址或拼音首字母")}))
    district = forms.TypedChoiceField(required=False, label=_("区县"), coerce=int, empty_value=None,
                                      widget=forms.Select(attrs=SEL))
    street = forms.TypedChoiceField(required=False, label=_("街道"), coerce=int, empty_value=None,
                                    widget=forms.Select(attrs=SEL))
    lacking = forms.ChoiceField(required=False, label=_("缺失设施"), choices=LACKING_CHOICES,
                                widget=forms.Select(attrs=SEL))
    plan_status = forms.ChoiceField(required=False, label=_("计划状态"),
                                    choices=[("", _("全部计划状态")), *CompoundProfile.PlanStatus.choices],
                                    widget=forms.Select(attrs=SEL))

    def __init__(self, *args, districts=(), streets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("全部区县"))] + [(d.pk, d.name) for d in districts]
        self.fields["street"].choices = [("", _("全部街道"))] + [(s.pk, s.name) for s in streets]


class ProjectFilter(forms.Form):
    q = forms.CharField(required=False, label=_("搜索"),
                        widget=forms.TextInput(attrs={**SM, "placeholder": _("楼院、项目名称或施工单位")}))
    kind = forms.ChoiceField(required=False, label=_("改造类型"),
                             choices=[("", _("全部类型")), *RenovationProject.Kind.choices], widget=forms.Select(attrs=SEL))
    status = forms.ChoiceField(required=False, label=_("状态"),
                               choices=[("", _("全部状态")), *RenovationProject.Status.choices],
                               widget=forms.Select(attrs=SEL))
    district = forms.TypedChoiceField(required=False, label=_("区县"), coerce=int, empty_value=None,
                                      widget=forms.Select(attrs=SEL))

    def __init__(self, *args, districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("全部区县"))] + [(d.pk, d.name) for d in districts]


class ProfileForm(forms.Form):
    households = forms.IntegerField(label=_("户数"), min_value=0, widget=forms.NumberInput(attrs=SM))
    lacking = forms.MultipleChoiceField(label=_("缺失设施"), required=False, choices=FACILITIES,
                                        widget=forms.CheckboxSelectMultiple)
    lacks_other = forms.CharField(label=_("其他缺失设施"), required=False, max_length=200,
                                  widget=forms.TextInput(attrs=SM))
    plan_status = forms.ChoiceField(label=_("计划状态"), choices=CompoundProfile.PlanStatus.choices,
                                    widget=forms.Select(attrs=SEL))
    plan_year = forms.IntegerField(label=_("计划改造年度"), required=False, min_value=2000, max_value=2100,
                                   widget=forms.NumberInput(attrs=SM))
    plan_note = forms.CharField(label=_("区县改造计划"), required=False,
                                help_text=_("改造内容、时序和责任单位"), widget=forms.Textarea(attrs={**SM, "rows": 3}))


class ProjectForm(forms.Form):
    kind = forms.ChoiceField(label=_("改造类型"), choices=RenovationProject.Kind.choices, widget=forms.Select(attrs=SEL))
    meter_type = forms.ChoiceField(label=_("户表类别（户表改造）"), required=False,
                                   choices=RenovationProject.MeterType.choices, widget=forms.Select(attrs=SEL))
    title = forms.CharField(label=_("项目名称"), required=False, max_length=200, widget=forms.TextInput(attrs=SM))
    budget = forms.DecimalField(label=_("预算（元）"), required=False, min_value=0, max_digits=14, decimal_places=2,
                                widget=forms.NumberInput(attrs={**SM, "step": "0.01"}))
    funding_source = forms.ChoiceField(label=_("资金来源"), required=False,
                                       choices=[("", "—"), *RenovationProject.Funding.choices],
                                       widget=forms.Select(attrs=SEL))
    contractor = forms.CharField(label=_("施工单位"), required=False, max_length=200, widget=forms.TextInput(attrs=SM))
    planned_start = forms.DateField(label=_("计划开工日期"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    planned_finish = forms.DateField(label=_("计划完工日期"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    started_on = forms.DateField(label=_("实际开工日期"), required=False, help_text=_("已开工的项目填写"),
                                 widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))


class DateForm(forms.Form):
    day = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("进度节点"), max_length=200, widget=forms.TextInput(attrs=SM))
    done_on = forms.DateField(label=_("完成日期"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={**SM, "rows": 2}))


class AcceptForm(forms.Form):
    accepted_on = forms.DateField(label=_("验收日期"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    note = forms.CharField(label=_("验收意见"), widget=forms.Textarea(attrs={**SM, "rows": 2}),
                           help_text=_("验收结论和发现的问题；请同时上传现场照片作为验收依据"))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={**SM, "rows": 2}))


class ManagementForm(forms.Form):
    mode = forms.ChoiceField(label=_("管理模式"), choices=[
        (Estate.ManagementMode.PROFESSIONAL, Estate.ManagementMode.PROFESSIONAL.label),
        (Estate.ManagementMode.SELF_MANAGED, Estate.ManagementMode.SELF_MANAGED.label),
        (Estate.ManagementMode.QUASI, Estate.ManagementMode.QUASI.label)], widget=forms.Select(attrs=SEL))
    company = forms.IntegerField(label=_("物业服务企业"), required=False, help_text=_("专业化物业服务时选择"),
                                 widget=forms.Select(attrs=SEL))
    start_date = forms.DateField(label=_("合同起始日"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    end_date = forms.DateField(label=_("合同终止日"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    contracted_grade = forms.ChoiceField(label=_("约定服务等级"), required=False, choices=ServiceContract.Grade.choices,
                                         widget=forms.Select(attrs=SEL))
    fee_rate = forms.DecimalField(label=_("物业费标准（元/m²·月）"), required=False, min_value=0, max_digits=6,
                                  decimal_places=2, widget=forms.NumberInput(attrs={**SM, "step": "0.01"}))
    filing_number = forms.CharField(label=_("合同备案号"), required=False, max_length=40, widget=forms.TextInput(attrs=SM))

    def __init__(self, *args, companies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].widget.choices = [("", "—")] + [(c.pk, c.name) for c in companies]
