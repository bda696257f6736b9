"""Forms of the standards, inspections and rectification pages. They shape the input only; the
services decide whether it makes sense and say why not in Chinese. Bootstrap classes are set here
so the templates can render fields with ``includes/field.html``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wuye.accounts.models import Role
from wuye.registry.selectors import companies_visible_to, estates_visible_to
from wuye.territory.models import District, Street

from .models import Inspection, InspectionPlan, RectificationOrder, Standard, StandardSection

STAR_LEVEL_CHOICES = [(n, _("%(n)d 星") % {"n": n}) for n in range(1, 6)]


class BootstrapMixin:
    def _style(self):
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, (forms.CheckboxInput,)):
                w.attrs.setdefault("class", "form-check-input")
            elif isinstance(w, forms.CheckboxSelectMultiple):
                continue
            elif isinstance(w, (forms.Select, forms.SelectMultiple)):
                w.attrs.setdefault("class", "form-select form-select-sm")
            else:
                w.attrs.setdefault("class", "form-control form-control-sm")


class StyledForm(BootstrapMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


# ---- standards --------------------------------------------------------------------------------------


class StandardForm(StyledForm):
    name = forms.CharField(label=_("标准名称"), max_length=100)
    basis = forms.CharField(label=_("依据"), max_length=300, required=False)
    note = forms.CharField(label=_("版本说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    note.wide = True
    basis.wide = True


class SectionForm(StyledForm):
    name = forms.CharField(label=_("章节名称"), max_length=100)
    order = forms.IntegerField(label=_("序号"), min_value=0, max_value=999, required=False)


class ItemForm(StyledForm):
    section = forms.ModelChoiceField(label=_("章节"), queryset=StandardSection.objects.none(), empty_label=None)
    code = forms.CharField(label=_("条目编号"), max_length=20)
    text = forms.CharField(label=_("标准内容"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    max_points = forms.DecimalField(label=_("分值"), max_digits=6, decimal_places=2, min_value=0)
    deduction_rule = forms.CharField(label=_("扣分规则"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.CharField(label=_("检查方式与佐证"), max_length=300, required=False)
    star_levels = forms.TypedMultipleChoiceField(label=_("适用星级"), choices=STAR_LEVEL_CHOICES, coerce=int, required=False,
                                                 widget=forms.CheckboxSelectMultiple)
    order = forms.IntegerField(label=_("序号"), min_value=0, max_value=999, required=False)
    text.wide = True
    deduction_rule.wide = True

    def __init__(self, *args, standard: Standard, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = StandardSection.objects.filter(standard=standard).order_by("order", "id")


# ---- inspector pool -----------------------------------------------------------------------------------


class InspectorForm(StyledForm):
    username = forms.CharField(label=_("登录账号（用户名）"), max_length=150,
                               help_text=_("检查人员须先有平台账号；填写其用户名。"))
    district = forms.ModelChoiceField(label=_("所属检查人员库"), queryset=District.objects.order_by("id"), required=False,
                                      empty_label=_("市级检查人员库"))
    organisation = forms.CharField(label=_("工作单位"), max_length=100)
    expertise = forms.CharField(label=_("专业"), max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.role != Role.CITY:
            self.fields["district"].queryset = District.objects.filter(pk=user.district_id)
            self.fields["district"].empty_label = None
            self.fields["district"].required = True


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
    district = forms.ModelChoiceField(label=_("检查范围（区县）"), queryset=District.objects.order_by("id"), required=False,
                                      empty_label=_("全市"))
    street = forms.ModelChoiceField(label=_("检查范围（街道）"), queryset=Street.objects.order_by("id"), required=False,
                                    empty_label=_("（整个区县）"))
    standard = forms.ModelChoiceField(label=_("依据标准"), queryset=Standard.objects.filter(status=Standard.Status.PUBLISHED),
                                      empty_label=None)
    start_date = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    estate_count = forms.IntegerField(label=_("抽取小区数"), min_value=1, max_value=500, initial=20)
    inspector_count = forms.IntegerField(label=_("抽取检查人员数"), min_value=1, max_value=500, initial=6)
    target_estates = forms.ModelMultipleChoiceField(
        label=_("指定小区"), queryset=None, required=False,
        help_text=_("仅专项检查和投诉核查可指定小区；指定后不再随机抽取小区，检查人员仍随机抽取。"),
        widget=forms.SelectMultiple(attrs={"size": 6}))
    description = forms.CharField(label=_("检查内容说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    target_estates.wide = True
    description.wide = True

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_estates"].queryset = estates_visible_to(user).filter(company__isnull=False).order_by("name")
        if user.role != Role.CITY:
            self.fields["district"].queryset = District.objects.filter(pk=user.district_id)
            self.fields["district"].empty_label = None
            self.fields["district"].required = True
            self.fields["street"].queryset = Street.objects.filter(district_id=user.district_id).order_by("id")
        self._style()


class DrawForm(StyledForm):
    seed = forms.CharField(label=_("随机种子"), max_length=64, required=False,
                           help_text=_("留空由系统用安全随机数生成；也可现场公开摇号后填入。"))


class ReasonForm(StyledForm):
    note = forms.CharField(label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


# ---- rectification ---------------------------------------------------------------------------------------


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


# ---- list filters -----------------------------------------------------------------------------------------


class InspectionFilterForm(StyledForm):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("小区或企业名称"), "type": "search"}))
    plan = forms.IntegerField(label=_("检查计划"), required=False, widget=forms.HiddenInput)
    district = forms.ModelChoiceField(label=_("区县"), queryset=District.objects.order_by("id"), required=False,
                                      empty_label=_("全部区县"))
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *Inspection.Status.choices])
    company = forms.IntegerField(label=_("企业"), required=False, widget=forms.HiddenInput)
    date_from = forms.DateField(label=_("检查日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class OrderFilterForm(StyledForm):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("整改单号、小区或企业"), "type": "search"}))
    plan = forms.IntegerField(label=_("检查计划"), required=False, widget=forms.HiddenInput)
    district = forms.ModelChoiceField(label=_("区县"), queryset=District.objects.order_by("id"), required=False,
                                      empty_label=_("全部区县"))
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部状态")), ("overdue", _("已逾期")), *RectificationOrder.Status.choices])
    company = forms.IntegerField(label=_("企业"), required=False, widget=forms.HiddenInput)
    date_from = forms.DateField(label=_("下达日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
