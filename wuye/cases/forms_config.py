"""Forms of the city bureau's complaint settings: categories, weights and warnings, escalation
rules. They collect and check input; the services write (``services.category_save``,
``services.case_settings_save``, ``services.escalation_rule_save``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wuye.core.calendar import PeriodUnit

from .models import CaseSettings, Category, EscalationRule

UNIT_HELP = _(
    "时限单位：“小时”按自然小时从派单（或提交）时刻起连续计算，夜间和节假日照算；"
    "“自然日”开始当日不计入，自次日起算，到最后一日 24 时截止，最后一日是法定休假日的顺延至其后第一个工作日；"
    "“工作日”只计工作日（含调休上班的周末，不含节假日），到第 n 个工作日 24 时截止。"
)
STAGE_HELP = {
    "accept": _("自诉求提交起，调度员受理或派单的时限（网上提交一般 2 小时）。"),
    "sign": _("自派单起，承办单位签收的时限。"),
    "contact": _("自派单起，承办单位首次联系诉求人的时限。"),
    "resolve": _("自派单起（不是签收起）办结并答复的时限；退单审核期间照常计算。"),
}
MAX_AMOUNT = {PeriodUnit.HOURS: 720, PeriodUnit.CALENDAR_DAYS: 90, PeriodUnit.WORKING_DAYS: 60}
STAGES = ("accept", "sign", "contact", "resolve")


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        else:
            widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = [
            "name", "code", "description", "sort_order", "active", "emergency", "responsible", "department_kind",
            "supervisor", "visibility",
            "accept_amount", "accept_unit", "sign_amount", "sign_unit", "contact_amount", "contact_unit",
            "resolve_amount", "resolve_unit",
        ]
        help_texts = {
            "name": _("居民在诉求表单中看到的名称，不可与其他类别重名。"),
            "code": _("英文小写字母、数字、下划线或连字符，供接口（Open311 服务代码）使用；创建后不能修改。"),
            "description": _("向居民说明该类别包括哪些问题（可选）。"),
            "sort_order": _("数字越小越靠前。"),
            "active": _("停用后居民和接口不能再选择该类别，已有诉求不受影响。类别不能删除，不再使用请停用。"),
            "responsible": _("派单时由哪个单位承办：小区的物业服务企业（无物业的小区派往社区）、所在社区、所在街道、"
                             "所在区的某类职能部门，或建设单位（开发商，由区住建部门督促）。"),
            "visibility": _("保密类别（如涉黑涉恶线索）只有公安和市局可见，不会派给物业企业。修改只影响之后提交的诉求。"),
            "supervisor": _("超期督办时通知的监管单位。"),
        }
        widgets = {"description": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # the code is an API value: partners use it as the Open311 service code
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("编码供对接系统使用，创建后不能修改。")
        self.fields["department_kind"].required = False
        self.fields["department_kind"].choices = [("", _("（不适用）")), *self.fields["department_kind"].choices[1:]]
        for stage in STAGES:
            amount, unit = self.fields[f"{stage}_amount"], self.fields[f"{stage}_unit"]
            amount.min_value = 1
            amount.widget.attrs["min"] = 1
            amount.help_text = STAGE_HELP[stage]
            unit.help_text = ""  # the units are explained once, above the four limits
        _style(self)
        self.fields["description"].wide = True

    def clean(self):
        data = super().clean()
        if data.get("responsible") == Category.Responsible.DEPARTMENT and not data.get("department_kind"):
            self.add_error("department_kind", _("责任主体为职能部门时，须选择部门类别"))
        if data.get("visibility") == Category.Visibility.CONFIDENTIAL and data.get("responsible") == Category.Responsible.COMPANY:
            self.add_error("responsible", _("保密类别不能由物业服务企业承办，请选择职能部门（公安）"))
        for stage in STAGES:
            amount, unit = data.get(f"{stage}_amount"), data.get(f"{stage}_unit")
            if amount is None or unit not in MAX_AMOUNT:
                continue
            if amount < 1:
                self.add_error(f"{stage}_amount", _("时限至少为 1"))
            elif amount > MAX_AMOUNT[unit]:
                self.add_error(f"{stage}_amount", _("以%(unit)s计的时限不能超过 %(n)s") % {
                    "unit": PeriodUnit(unit).label, "n": MAX_AMOUNT[unit]})
        return data


class CaseSettingsForm(forms.ModelForm):
    class Meta:
        model = CaseSettings
        fields = ["weight_response", "weight_resolution", "weight_satisfaction", "warn_before_hours", "ranking_size"]
        help_texts = {
            "weight_response": _("响应率 = 按时首次联系诉求人的派单 ÷ 派单量。"),
            "weight_resolution": _("解决率 = 回访为已解决 ÷ 回访量。"),
            "weight_satisfaction": _("满意率 = 回访为满意或基本满意 ÷ 回访量。三项权重之和须为 100。"),
            "warn_before_hours": _("各环节到期前多少小时提醒承办单位（按自然小时）。"),
            "ranking_size": _("每类单位每月列入红榜和黑榜的名额（各 1 至 50 名）。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("weight_response", "weight_resolution", "weight_satisfaction"):
            self.fields[name].widget.attrs.update({"min": 0, "max": 100})
        self.fields["warn_before_hours"].max_value = 720
        self.fields["warn_before_hours"].widget.attrs.update({"min": 0, "max": 720})
        _style(self)

    def clean(self):
        data = super().clean()
        weights = [data.get(k) for k in ("weight_response", "weight_resolution", "weight_satisfaction")]
        if all(w is not None for w in weights) and sum(weights) != 100:
            raise forms.ValidationError(_("三项权重之和应为 100，当前为 %(n)s") % {"n": sum(weights)})
        warn = data.get("warn_before_hours")
        if warn is not None and warn > 720:
            self.add_error("warn_before_hours", _("预警时间不能超过 720 小时"))
        return data


class EscalationRuleForm(forms.ModelForm):
    class Meta:
        model = EscalationRule
        fields = ["overdue_hours", "active"]
        help_texts = {
            "overdue_hours": _("签收、首次联系或办结任一环节超过期限达到该小时数（按自然小时，0 表示一超期即升级），"
                               "系统每分钟检查一次并自动升级督办等级，通知承办单位、街道和区县主管部门。"),
            "active": _("停用后不再自动升级到该等级；督办人员仍可手动督办。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["overdue_hours"].widget.attrs.update({"min": 0, "max": 24 * 90})
        _style(self)
