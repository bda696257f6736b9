"""Forms of the inspector-pool, plan and inspection pages. They shape the input only; the services
decide whether it makes sense and say why not in Chinese."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wuye.registry.selectors import companies_visible_to, estates_visible_to
from wuye.supervision.forms import ReasonForm, StyledForm
from wuye.supervision.selectors import all_districts, districts_for, streets_for
from wuye.supervision.standards.selectors import published_standards

from .models import Inspection, InspectionPlan
from .selectors import can_pick_district

__all__ = ["ConflictForm", "DrawForm", "InspectionFilterForm", "InspectorForm", "PlanForm", "ReasonForm"]


def _own_district_only(field) -> None:
    field.empty_label = None
    field.required = True


# ---- inspector pool -----------------------------------------------------------------------------------


class InspectorForm(StyledForm):
    username = forms.CharField(label=_("登录账号（用户名）"), max_length=150,
                               help_text=_("检查人员须先有平台账号；填写其用户名。"))
    district = forms.ModelChoiceField(label=_("所属检查人员库"), queryset=None, required=False,
                                      empty_label=_("市级检查人员库"))
    organisation = forms.CharField(label=_("工作单位"), max_length=100)
    expertise = forms.CharField(label=_("专业"), max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts_for(user)
        if not can_pick_district(user):
            _own_district_only(self.fields["district"])


class ConflictForm(StyledForm):
    company = forms.ModelChoiceField(label=_("回避企业"), queryset=None, required=False, empty_label=_("（不指定）"))
    estate = forms.ModelChoiceField(label=_("回避小区"), queryset=None, required=False, empty_label=_("（不指定）"))
    reason = forms.CharField(label=_("回避原因"), max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies_visible_to(user).order_by("name")
        self.fields["estate"].queryset = estates_visible_to(user).order_by("name")
        self._style()


# ---- plans and the draw ----------------------------------------------------------------------------------


class PlanForm(StyledForm):
    name = forms.CharField(label=_("计划名称"), max_length=100)
    kind = forms.ChoiceField(label=_("检查类型"), choices=InspectionPlan.Kind.choices)
    district = forms.ModelChoiceField(label=_("检查范围（区县）"), queryset=None, required=False, empty_label=_("全市"))
    street = forms.ModelChoiceField(label=_("检查范围（街道）"), queryset=None, required=False,
                                    empty_label=_("（整个区县）"))
    standard = forms.ModelChoiceField(label=_("依据标准"), queryset=None, empty_label=None)
    start_date = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    estate_count = forms.IntegerField(label=_("抽取小区数"), min_value=1, max_value=500, initial=20)
    inspector_count = forms.IntegerField(label=_("抽取检查人员数"), min_value=1, max_value=500, initial=6)
    target_estates = forms.ModelMultipleChoiceField(
        label=_("指定小区"), queryset=None, required=False,
        help_text=_("仅专项检查和投诉核查可指定小区；指定后不再随机抽取小区，检查人员仍随机抽取。"),
        widget=forms.SelectMultiple(attrs={"size": 6, "data-wy-picker": ""}))  # searchable picker (wuye.js)
    description = forms.CharField(label=_("检查内容说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    target_estates.wide = True
    description.wide = True

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_estates"].queryset = estates_visible_to(user).filter(company__isnull=False).order_by("name")
        self.fields["standard"].queryset = published_standards()
        self.fields["district"].queryset = districts_for(user)
        self.fields["street"].queryset = streets_for(user)
        if not can_pick_district(user):
            _own_district_only(self.fields["district"])
        self._style()


class DrawForm(StyledForm):
    seed = forms.CharField(label=_("随机种子"), max_length=64, required=False,
                           help_text=_("留空由系统用安全随机数生成；也可现场公开摇号后填入。"))


# ---- list filters -----------------------------------------------------------------------------------------


class InspectionFilterForm(StyledForm):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("小区或企业名称"), "type": "search"}))
    plan = forms.IntegerField(label=_("检查计划"), required=False, widget=forms.HiddenInput)
    district = forms.ModelChoiceField(label=_("区县"), queryset=None, required=False, empty_label=_("全部区县"))
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *Inspection.Status.choices])
    company = forms.IntegerField(label=_("企业"), required=False, widget=forms.HiddenInput)
    date_from = forms.DateField(label=_("检查日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if can_pick_district(user):
            self.fields["district"].queryset = all_districts()
        else:
            self.fields.pop("district")
