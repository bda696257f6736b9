"""Forms of the Party-building and joint-meeting pages: input only; rules in ``services.py``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FollowUp, PartyOrganisation

TEXT = {"class": "form-control"}
AREA = {"class": "form-control", "rows": 3}
SELECT = {"class": "form-select"}
DATE = {"class": "form-control", "type": "date"}
DATETIME = {"class": "form-control", "type": "datetime-local"}


class OrganisationForm(forms.Form):
    level = forms.ChoiceField(label=_("层级"), choices=PartyOrganisation.Level.choices, widget=forms.Select(attrs=SELECT))
    name = forms.CharField(label=_("名称"), max_length=100, widget=forms.TextInput(attrs=TEXT),
                           help_text=_("例如：幸福里小区党支部"))
    community = forms.ModelChoiceField(label=_("所属社区"), queryset=None, widget=forms.Select(attrs=SELECT))
    parent = forms.ModelChoiceField(label=_("上级社区党组织"), queryset=None, required=False,
                                    widget=forms.Select(attrs=SELECT), help_text=_("小区党支部必填。"))
    estates = forms.ModelMultipleChoiceField(label=_("覆盖小区"), queryset=None, required=False,
                                             widget=forms.SelectMultiple(attrs={**SELECT, "size": 6}))
    secretary_name = forms.CharField(label=_("书记姓名"), max_length=50, widget=forms.TextInput(attrs=TEXT))
    secretary_phone = forms.CharField(label=_("书记电话"), max_length=20, required=False, widget=forms.TextInput(attrs=TEXT))
    founded_on = forms.DateField(label=_("成立日期"), required=False, widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, communities=None, parents=None, estates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["parent"].queryset = parents
        self.fields["estates"].queryset = estates


class MemberForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("业主"), queryset=None, widget=forms.Select(attrs=SELECT))
    consent = forms.BooleanField(label=_("已取得本人书面同意"), required=False,
                                 widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    consent_on = forms.DateField(label=_("本人同意日期"), required=False, widget=forms.DateInput(attrs=DATE))
    joined_on = forms.DateField(label=_("转入/报到日期"), required=False, widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners

    def clean(self):
        data = super().clean()
        if not data.get("consent") or not data.get("consent_on"):
            raise forms.ValidationError(_("须取得本人书面同意后方可登记党员业主信息，请勾选并填写同意日期"))
        return data


class MeetingForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("小区"), queryset=None, widget=forms.Select(attrs=SELECT))
    held_at = forms.DateTimeField(label=_("召开时间"), widget=forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M"),
                                  input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    place = forms.CharField(label=_("地点"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT))
    agenda = forms.CharField(label=_("议题"), max_length=4000, widget=forms.Textarea(attrs=AREA))
    attendees = forms.CharField(label=_("参会人员"), max_length=2000, widget=forms.Textarea(attrs={**AREA, "rows": 2}),
                                help_text=_("社区党组织、业主委员会、物业服务企业的参会人员；邀请的街道和部门。"))
    street_invited = forms.BooleanField(label=_("邀请街道参加"), required=False,
                                        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    departments_invited = forms.CharField(label=_("邀请的部门"), max_length=300, required=False,
                                          widget=forms.TextInput(attrs=TEXT))
    minutes = forms.CharField(label=_("会议纪要"), max_length=20000, widget=forms.Textarea(attrs={**AREA, "rows": 5}))

    def __init__(self, *args, estates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates
        for name in ("agenda", "attendees", "minutes"):
            self.fields[name].wide = True


class DecisionForm(forms.Form):
    decision = forms.CharField(label=_("会议决定"), max_length=2000, required=False,
                               widget=forms.Textarea(attrs={**AREA, "rows": 2}))
    owner_unit = forms.ChoiceField(label=_("责任单位"), choices=[("", "—")] + FollowUp.Owner.choices, required=False,
                                   widget=forms.Select(attrs=SELECT))
    deadline = forms.DateField(label=_("办结期限"), required=False, widget=forms.DateInput(attrs=DATE))

    def clean(self):
        data = super().clean()
        if (data.get("decision") or "").strip() and not (data.get("owner_unit") and data.get("deadline")):
            raise forms.ValidationError(_("每项决定须有责任单位和办结期限"))
        return data


DecisionFormSet = forms.formset_factory(DecisionForm, extra=3, max_num=20)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=2000, required=False, widget=forms.Textarea(attrs={**AREA, "rows": 2}))
