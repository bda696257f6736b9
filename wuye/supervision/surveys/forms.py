"""Forms of the survey pages. They read and check input only; the rules live in ``services.py``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SurveyAnswer
from .selectors import active_templates, default_template

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


class SurveyOpenForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("小区"), queryset=None, widget=forms.Select(attrs=SELECT))
    template = forms.ModelChoiceField(label=_("测评问卷"), queryset=None, widget=forms.Select(attrs=SELECT))
    title = forms.CharField(label=_("测评名称"), max_length=100, required=False, widget=forms.TextInput(attrs=TEXT),
                            help_text=_("留空则按“小区名称 + 年度 + 物业服务满意度测评”命名。"))
    opens_at = forms.DateTimeField(label=_("开始时间"), required=False,
                                   widget=forms.DateTimeInput(attrs={**TEXT, "type": "datetime-local"}),
                                   help_text=_("留空为立即开始。"))
    closes_at = forms.DateTimeField(label=_("结束时间"), widget=forms.DateTimeInput(attrs={**TEXT, "type": "datetime-local"}))

    def __init__(self, *args, estates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates
        self.fields["template"].queryset = active_templates()
        default = default_template()
        if default is not None:
            self.fields["template"].initial = default.pk


class SurveyAnswerForm(forms.Form):
    """One radio group per question of the survey's template (1…5)."""

    comment = forms.CharField(label=_("意见建议"), required=False, max_length=500,
                              widget=forms.Textarea(attrs={**TEXT, "rows": 3}))

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        choices = [(v, label) for v, label in SurveyAnswer.Score.choices]
        for q in self.questions:
            self.fields[f"q{q.pk}"] = forms.TypedChoiceField(
                label=q.text, choices=choices, coerce=int, widget=forms.RadioSelect,
                error_messages={"required": _("请选择一项")})

    def answers(self) -> dict[int, int]:
        return {q.pk: self.cleaned_data[f"q{q.pk}"] for q in self.questions}

    def grouped(self):
        """[(dimension name, [bound fields])] in the questionnaire's order."""
        out: list = []
        for q in self.questions:
            name = q.dimension.name
            if not out or out[-1][0] != name:
                out.append((name, []))
            out[-1][1].append(self[f"q{q.pk}"])
        return out


class TemplateCopyForm(forms.Form):
    name = forms.CharField(label=_("新问卷名称"), max_length=100, required=False, widget=forms.TextInput(attrs=TEXT),
                           help_text=_("留空则作为原问卷的新版本。"))


class DimensionForm(forms.Form):
    name = forms.CharField(label=_("测评维度"), max_length=50, widget=forms.TextInput(attrs=TEXT))


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("题目"), max_length=200, widget=forms.TextInput(attrs=TEXT))
