"""Forms of the committee-election pages. They read and check input only; the rules live in
``elections/services.py``."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuye.governance.models import Election

from .selectors import nominable_owners

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
DATE = {"class": "form-control", "type": "date"}
DATETIME = {"class": "form-control", "type": "datetime-local"}


class ElectionForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("小区"), queryset=None, widget=forms.Select(attrs=SELECT),
                                    help_text=_("只列出您所在街道或社区的小区。"))
    title = forms.CharField(label=_("选举名称"), max_length=200, widget=forms.TextInput(attrs=TEXT),
                            help_text=_("例如：翠湖花园第二届业主委员会选举"))
    seats = forms.IntegerField(label=_("应选人数"), min_value=1, max_value=99, initial=7,
                               widget=forms.NumberInput(attrs={**TEXT, "step": 2}),
                               help_text=_("5 至 11 人，须为单数。"))
    term_years = forms.IntegerField(label=_("任期（年）"), min_value=1, max_value=5, initial=5,
                                    widget=forms.NumberInput(attrs=TEXT), help_text=_("不超过 5 年。"))

    def __init__(self, *args, estates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates


class CandidateForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("业主"), queryset=None, widget=forms.Select(attrs=SELECT),
                                   help_text=_("候选人须为本小区的自然人业主。"))
    is_party_member = forms.BooleanField(label=_("中共党员"), required=False,
                                         widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    statement = forms.CharField(label=_("候选人简介"), max_length=2000, required=False,
                                widget=forms.Textarea(attrs={**TEXT, "rows": 2}))

    def __init__(self, *args, election: Election, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = nominable_owners(election)
        self.fields["owner"].label_from_instance = lambda o: f"{o.name}（{o.phone_masked or '—'}）"
        self.fields["statement"].wide = True


class VetForm(forms.Form):
    decision = forms.ChoiceField(label=_("审查结论"), choices=[("approved", _("审查通过")), ("rejected", _("审查未通过"))],
                                 widget=forms.RadioSelect)
    note = forms.CharField(label=_("审查意见"), max_length=500, required=False, widget=forms.TextInput(attrs=TEXT))

    def clean(self):
        cd = super().clean()
        if cd.get("decision") == "rejected" and not (cd.get("note") or "").strip():
            self.add_error("note", _("审查未通过须填写审查意见"))
        return cd


class StartVoteForm(forms.Form):
    notice_date = forms.DateField(label=_("公告日期"), required=False,
                                  widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    voting_opens_at = forms.DateTimeField(label=_("投票开始"), required=False,
                                          widget=forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M"))
    voting_closes_at = forms.DateTimeField(label=_("投票截止"), required=False,
                                           widget=forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M"))


class DeclareForm(forms.Form):
    elected_on = forms.DateField(label=_("当选日期"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                                 help_text=_("业主大会表决结果公布之日。"))
    # 民法典 第二百七十八条 第二款: the totals are required — without them the two-thirds
    # participation of an offline assembly cannot be checked.
    total_area = forms.DecimalField(label=_("专有部分总面积（m²）"), max_digits=14, decimal_places=2,
                                    min_value=Decimal("0.01"), widget=forms.NumberInput(attrs={**TEXT, "step": "0.01"}),
                                    help_text=_("用于核对参与表决的业主是否达到专有部分面积三分之二以上。"),
                                    error_messages={"required": _("请填写专有部分总面积：须核对参与表决的业主是否达到"
                                                                  "专有部分面积三分之二以上（民法典第二百七十八条第二款）。")})
    total_heads = forms.IntegerField(label=_("业主总人数"), min_value=1, widget=forms.NumberInput(attrs=TEXT),
                                     help_text=_("用于核对参与表决的业主是否达到人数三分之二以上。"),
                                     error_messages={"required": _("请填写业主总人数：须核对参与表决的业主是否达到"
                                                                   "人数三分之二以上（民法典第二百七十八条第二款）。")})
    participating_area = forms.DecimalField(label=_("参与表决面积（m²）"), max_digits=14, decimal_places=2,
                                            min_value=Decimal("0.01"),
                                            widget=forms.NumberInput(attrs={**TEXT, "step": "0.01"}),
                                            error_messages={"required": _("请填写参与表决的专有部分面积。")})
    participating_heads = forms.IntegerField(label=_("参与表决人数"), min_value=1, widget=forms.NumberInput(attrs=TEXT),
                                             error_messages={"required": _("请填写参与表决人数。")})
    director = forms.ChoiceField(label=_("主任"), required=False, widget=forms.Select(attrs=SELECT),
                                 help_text=_("留空则由得票最多的当选委员担任。"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        self.fields["elected_on"].initial = timezone.localdate()
        self.fields["director"].choices = [("", "—")] + [(str(c.pk), c.name) for c in self.candidates]
        for c in self.candidates:
            self.fields[f"area_{c.pk}"] = forms.DecimalField(
                label=_("%(n)s 同意面积（m²）") % {"n": c.name}, max_digits=14, decimal_places=2, min_value=0,
                widget=forms.NumberInput(attrs={**TEXT, "step": "0.01"}))
            self.fields[f"heads_{c.pk}"] = forms.IntegerField(
                label=_("%(n)s 同意人数") % {"n": c.name}, min_value=0, widget=forms.NumberInput(attrs=TEXT))

    def main_fields(self):
        return [self[name] for name in ("elected_on", "total_area", "total_heads", "participating_area",
                                        "participating_heads", "director")]

    def rows(self):
        return [(c, self[f"area_{c.pk}"], self[f"heads_{c.pk}"]) for c in self.candidates]

    def results(self) -> dict[int, tuple[Decimal, int]]:
        cd = self.cleaned_data
        return {c.pk: (cd[f"area_{c.pk}"], cd[f"heads_{c.pk}"]) for c in self.candidates}

    def director_candidate(self):
        pk = self.cleaned_data.get("director")
        return next((c for c in self.candidates if str(c.pk) == pk), None)


class FileForm(forms.Form):
    filed_on = forms.DateField(label=_("备案日期"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))


class ReasonForm(forms.Form):
    note = forms.CharField(label=_("理由"), max_length=500, widget=forms.TextInput(attrs=TEXT))
