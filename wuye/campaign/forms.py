"""Forms of the campaign pages (no rules here: the services check them again)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wuye.territory.models import Department

from .indicators import indicator_choices
from .models import MemberUnit, Plan, Rhythm, TaskStatus

SM = {"class": "form-control form-control-sm"}
SEL = {"class": "form-select form-select-sm"}


class BoardFilter(forms.Form):
    q = forms.CharField(required=False, label=_("搜索"), widget=forms.TextInput(attrs={**SM, "placeholder": _("任务名称、序号或单位")}))
    plan = forms.TypedChoiceField(required=False, label=_("工作方案"), coerce=int, empty_value=None, widget=forms.Select(attrs=SEL))
    status = forms.ChoiceField(required=False, label=_("状态"), choices=[("", _("全部状态")), *TaskStatus.choices],
                               widget=forms.Select(attrs=SEL))
    unit = forms.CharField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [("", _("全部方案"))] + [(p.pk, p.title) for p in plans]


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=SM))
    title = forms.CharField(label=_("方案名称"), max_length=200, widget=forms.TextInput(attrs=SM))
    day_unit = forms.ChoiceField(label=_("期限计算"), choices=Plan._meta.get_field("day_unit").choices,
                                 widget=forms.Select(attrs=SEL), help_text=Plan._meta.get_field("day_unit").help_text)


class TaskForm(forms.Form):
    number = forms.CharField(label=_("序号"), max_length=20, widget=forms.TextInput(attrs=SM))
    title = forms.CharField(label=_("任务名称"), max_length=200, widget=forms.TextInput(attrs=SM))
    content = forms.CharField(label=_("任务内容"), required=False, widget=forms.Textarea(attrs={**SM, "rows": 3}))
    lead = forms.ChoiceField(label=_("牵头单位"), widget=forms.Select(attrs=SEL))
    co_units = forms.MultipleChoiceField(label=_("配合单位"), required=False,
                                         widget=forms.SelectMultiple(attrs={**SEL, "size": 6}),
                                         help_text=_("按住 Ctrl 多选"))
    due_date = forms.DateField(label=_("完成时限"), widget=forms.DateInput(attrs={**SM, "type": "date"}))
    rhythm = forms.ChoiceField(label=_("报送节奏"), choices=Rhythm.choices, widget=forms.Select(attrs=SEL))
    indicator = forms.ChoiceField(label=_("平台指标"), required=False, widget=forms.Select(attrs=SEL),
                                  help_text=_("由平台数据计算，不需手工填报"))
    quantity = forms.IntegerField(label=_("量化目标"), required=False, min_value=1, widget=forms.NumberInput(attrs=SM))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(f"{u['kind']}:{u['id']}", f"{u.get('group') + ' · ' if u.get('group') else ''}{u['name']}")
                   for u in units]
        self.fields["lead"].choices = [("", _("请选择牵头单位"))] + choices
        self.fields["co_units"].choices = choices
        self.fields["indicator"].choices = [("", _("不绑定"))] + indicator_choices()


class ReportForm(forms.Form):
    period = forms.CharField(label=_("报送周期"), max_length=200, widget=forms.TextInput(attrs={**SM, "placeholder": "2020-03"}),
                             help_text=_("YYYY-MM，或 YYYY-Q1，或节点名称"))
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={**SM, "rows": 4}))
    quantity_done = forms.IntegerField(label=_("累计完成量"), required=False, min_value=0, widget=forms.NumberInput(attrs=SM))
    final = forms.BooleanField(label=_("任务已全部完成"), required=False,
                               widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), max_length=2000, widget=forms.Textarea(attrs={**SM, "rows": 2}))


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("部门名称"), max_length=80, widget=forms.TextInput(attrs=SM))
    kind = forms.ChoiceField(label=_("部门类别"), choices=Department.Kind.choices, widget=forms.Select(attrs=SEL))
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False, widget=forms.TextInput(attrs=SM))


class MemberForm(forms.Form):
    unit = forms.ChoiceField(label=_("单位"), widget=forms.Select(attrs=SEL))
    role = forms.ChoiceField(label=_("职责"), choices=MemberUnit.Role.choices, widget=forms.Select(attrs=SEL))
    contact_name = forms.CharField(label=_("联络人"), max_length=50, required=False, widget=forms.TextInput(attrs=SM))
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False, widget=forms.TextInput(attrs=SM))
    duty = forms.CharField(label=_("工作职责"), max_length=300, required=False, widget=forms.TextInput(attrs=SM))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(f"{u['kind']}:{u['id']}", f"{u.get('group') + ' · ' if u.get('group') else ''}{u['name']}")
                                       for u in units]


class StaffingForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50, widget=forms.TextInput(attrs=SM))
    position = forms.CharField(label=_("职务"), max_length=50, widget=forms.TextInput(attrs=SM))
    duty = forms.CharField(label=_("分工职责"), max_length=300, widget=forms.TextInput(attrs=SM))
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False, widget=forms.TextInput(attrs=SM))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("责任分工表（.xlsx）"), widget=forms.ClearableFileInput(attrs={**SM, "accept": ".xlsx"}))
