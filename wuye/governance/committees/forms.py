"""Forms of the committee-supervision and owners'-oversight pages: input only; rules in
``services.py`` (the refusal of assembly matters included)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wuye.governance.models import Matter

from .models import CommitteeMatter, ConflictDeclaration, GuidanceOpinion, MemberChange, OwnerQuestion

TEXT = {"class": "form-control"}
AREA = {"class": "form-control", "rows": 3}
SELECT = {"class": "form-select"}
DATE = {"class": "form-control", "type": "date"}

# The matters offered: the committee's own, and (to be refused with the reason) the assembly's.
MATTER_CHOICES = [("", "—"), (_("业主委员会职责内事项"), CommitteeMatter.choices),
                  (_("须由业主大会决定的事项（民法典第二百七十八条）"), Matter.choices)]


class DecisionForm(forms.Form):
    title = forms.CharField(label=_("决定事项"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    matter = forms.ChoiceField(label=_("事项类别"), choices=MATTER_CHOICES, widget=forms.Select(attrs=SELECT),
                               help_text=_("民法典第二百七十八条规定的事项须由业主大会表决，业委会不能自行决定。"))
    decided_on = forms.DateField(label=_("决定日期"), widget=forms.DateInput(attrs=DATE))
    number = forms.CharField(label=_("决定编号"), max_length=40, required=False, widget=forms.TextInput(attrs=TEXT))
    meeting = forms.ModelChoiceField(label=_("会议"), queryset=None, required=False, widget=forms.Select(attrs=SELECT))
    body = forms.CharField(label=_("决定内容"), max_length=10000, widget=forms.Textarea(attrs={**AREA, "rows": 5}))

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["body"].wide = True


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("会议日期"), widget=forms.DateInput(attrs=DATE))
    title = forms.CharField(label=_("会议名称"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    attendees = forms.CharField(label=_("出席委员"), max_length=500, widget=forms.TextInput(attrs=TEXT))
    attachment = forms.FileField(label=_("附件"), required=False,
                                 widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".pdf,.jpg,.jpeg,.png,.docx"}))
    minutes = forms.CharField(label=_("会议纪要"), max_length=20000, widget=forms.Textarea(attrs={**AREA, "rows": 6}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minutes"].wide = True

    def clean_attachment(self):
        f = self.cleaned_data.get("attachment")
        if f and f.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("附件不能超过 10 MB"))
        if f and not f.name.lower().endswith((".pdf", ".jpg", ".jpeg", ".png", ".docx")):
            raise forms.ValidationError(_("附件只能是 PDF、图片或 Word 文档"))
        return f


class ReviewForm(forms.Form):
    opinion = forms.ChoiceField(label=_("指导意见"), choices=GuidanceOpinion.Opinion.choices, widget=forms.Select(attrs=SELECT))
    reasons = forms.CharField(label=_("理由"), max_length=3000, required=False, widget=forms.Textarea(attrs={**AREA, "rows": 2}))


class CorrectionForm(forms.Form):
    reason = forms.CharField(label=_("责令改正理由（违反的法律法规或管理规约条款）"), max_length=3000,
                             widget=forms.Textarea(attrs={**AREA, "rows": 2}))
    due = forms.DateField(label=_("改正期限"), required=False, widget=forms.DateInput(attrs=DATE))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=5000, required=False, widget=forms.Textarea(attrs={**AREA, "rows": 2}))


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=OwnerQuestion.Kind.choices, widget=forms.Select(attrs=SELECT))
    text = forms.CharField(label=_("内容"), max_length=3000, widget=forms.Textarea(attrs={**AREA, "rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), max_length=5000, widget=forms.Textarea(attrs={**AREA, "rows": 2}))


class MemberChangeForm(forms.Form):
    kind = forms.ChoiceField(label=_("变动类型"), choices=MemberChange.Kind.choices, widget=forms.Select(attrs=SELECT))
    member = forms.ModelChoiceField(label=_("离任委员"), queryset=None, required=False, widget=forms.Select(attrs=SELECT))
    motion = forms.ModelChoiceField(label=_("罢免表决"), queryset=None, required=False, widget=forms.Select(attrs=SELECT),
                                    help_text=_("罢免须关联本小区业主大会已通过的“更换业主委员会成员”表决。"))
    substitute_name = forms.CharField(label=_("递补委员姓名"), max_length=50, required=False, widget=forms.TextInput(attrs=TEXT))
    substitute_party = forms.BooleanField(label=_("递补委员为中共党员"), required=False,
                                          widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    legal_basis = forms.CharField(label=_("依据"), max_length=500, widget=forms.TextInput(attrs=TEXT),
                                  help_text=_("例如：本人书面辞职；业主大会议事规则第×条；业主大会表决结果。"))
    effective_on = forms.DateField(label=_("生效日期"), widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, members=None, motions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["motion"].queryset = motions


class ConflictForm(forms.Form):
    member = forms.ModelChoiceField(label=_("委员"), queryset=None, widget=forms.Select(attrs=SELECT))
    kind = forms.ChoiceField(label=_("利益关系"), choices=ConflictDeclaration.Kind.choices, widget=forms.Select(attrs=SELECT))
    detail = forms.CharField(label=_("说明"), max_length=500, widget=forms.TextInput(attrs=TEXT))
    declared_on = forms.DateField(label=_("申报日期"), required=False, widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
