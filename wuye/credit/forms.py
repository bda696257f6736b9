"""Forms of the credit pages: they shape input; the rules are in ``services.py``."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuye.registry.selectors import estates_visible_to

from .models import Benchmark, CreditEvent, CreditRule, CreditSettings, ExitCase, ExitStep
from .selectors import companies_for_credit, estates_for_event, project_managers_of, rules_recordable_by

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
DATE = {"class": "form-control", "type": "date"}


def _wide(field):
    field.wide = True
    return field


class EventForm(forms.Form):
    """An official records a credit event for one company (chosen before the form)."""

    rule = forms.ModelChoiceField(label=_("信用规则"), queryset=None, widget=forms.Select(attrs=SELECT))
    occurred_on = forms.DateField(label=_("发生日期"), widget=forms.DateInput(attrs=DATE))
    estate = forms.ModelChoiceField(label=_("涉及小区"), queryset=None, required=False, widget=forms.Select(attrs=SELECT))
    manager = forms.ModelChoiceField(label=_("项目经理"), queryset=None, required=False, widget=forms.Select(attrs=SELECT),
                                     help_text=_("评价对象为项目经理的规则必选"))
    description = _wide(forms.CharField(label=_("事实描述"), max_length=2000,
                                        widget=forms.Textarea(attrs={**TEXT, "rows": 4})))
    evidence = _wide(forms.CharField(label=_("证据说明"), max_length=2000,
                                     widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
                                     help_text=_("写明证据名称、文号或存档位置")))

    def __init__(self, *args, user, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = rules_recordable_by(user)
        self.fields["rule"].label_from_instance = lambda r: f"{r.code} {r.name}（{r.get_klass_display()} {r.points} 分）"
        self.fields["estate"].queryset = estates_for_event(user, company)
        self.fields["manager"].queryset = project_managers_of(company)
        self.fields["occurred_on"].initial = timezone.localdate()


class ActionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 3}))
    evidence = forms.CharField(label=_("证据说明"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={**TEXT, "rows": 2}))


class RuleForm(forms.ModelForm):
    class Meta:
        model = CreditRule
        fields = ["code", "name", "klass", "subject", "points", "validity_days", "recorder", "evidence_required",
                  "auto_source", "basis", "active"]
        widgets = {
            "code": forms.TextInput(attrs=TEXT), "name": forms.TextInput(attrs=TEXT),
            "klass": forms.Select(attrs=SELECT), "subject": forms.Select(attrs=SELECT),
            "points": forms.NumberInput(attrs={**TEXT, "step": "0.5"}),
            "validity_days": forms.NumberInput(attrs=TEXT), "recorder": forms.Select(attrs=SELECT),
            "evidence_required": forms.TextInput(attrs=TEXT), "auto_source": forms.TextInput(attrs=TEXT),
            "basis": forms.TextInput(attrs=TEXT), "active": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }


class SettingsForm(forms.ModelForm):
    class Meta:
        model = CreditSettings
        fields = ["basic_cap", "good_cap", "aaa_min", "aa_min", "a_min", "b_min", "notice_workdays",
                  "default_validity_days", "manager_base_score", "manager_register_days", "manager_training_hours",
                  "public_event_days"]
        widgets = {f: forms.NumberInput(attrs=TEXT) for f in fields}


class TrainingForm(forms.Form):
    course = forms.CharField(label=_("培训内容"), max_length=100, widget=forms.TextInput(attrs=TEXT))
    attended_on = forms.DateField(label=_("培训日期"), widget=forms.DateInput(attrs=DATE))
    hours = forms.DecimalField(label=_("学时"), max_digits=5, decimal_places=1,
                               widget=forms.NumberInput(attrs={**TEXT, "step": "0.5", "min": "0.5"}))


class BenchmarkForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=Benchmark.Kind.choices, widget=forms.Select(attrs=SELECT))
    estate = forms.ModelChoiceField(label=_("小区"), queryset=None, required=False, widget=forms.Select(attrs=SELECT))
    company = forms.ModelChoiceField(label=_("企业"), queryset=None, required=False, widget=forms.Select(attrs=SELECT))
    reason = _wide(forms.CharField(label=_("评选理由"), max_length=1000, widget=forms.Textarea(attrs={**TEXT, "rows": 3})))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates_visible_to(user).order_by("name")
        self.fields["company"].queryset = companies_for_credit(user).order_by("name")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=300, widget=forms.TextInput(attrs=TEXT))


class ExitStepForm(forms.Form):
    kind = forms.ChoiceField(label=_("步骤"), choices=ExitStep.Kind.choices, widget=forms.Select(attrs=SELECT))
    done_on = forms.DateField(label=_("完成日期"), widget=forms.DateInput(attrs=DATE))
    note = forms.CharField(label=_("说明"), required=False, max_length=300, widget=forms.TextInput(attrs=TEXT),
                           help_text=_("业主共同决定须填写文号或表决记录"))


class ExitCloseForm(forms.Form):
    status = forms.ChoiceField(label=_("结束方式"), choices=[(ExitCase.Status.DONE, ExitCase.Status.DONE.label),
                                                          (ExitCase.Status.CLOSED, ExitCase.Status.CLOSED.label)],
                               widget=forms.Select(attrs=SELECT))
    note = forms.CharField(label=_("结束说明"), required=False, max_length=300, widget=forms.TextInput(attrs=TEXT))


class EventFilterForm(forms.Form):
    q = forms.CharField(required=False, widget=forms.TextInput(attrs={"class": "form-control form-control-sm",
                                                                      "placeholder": _("企业名称、规则代码或事实描述")}))
    status = forms.ChoiceField(required=False, choices=[("", _("全部状态"))] + list(CreditEvent.Status.choices),
                               widget=forms.Select(attrs={"class": "form-select form-select-sm", "aria-label": _("状态")}))
    klass = forms.ChoiceField(required=False, choices=[("", _("全部类别"))] + list(CreditRule.Klass.choices),
                              widget=forms.Select(attrs={"class": "form-select form-select-sm", "aria-label": _("类别")}))
    source = forms.ChoiceField(required=False, choices=[("", _("全部来源"))] + list(CreditEvent.Source.choices),
                               widget=forms.Select(attrs={"class": "form-select form-select-sm", "aria-label": _("来源")}))
