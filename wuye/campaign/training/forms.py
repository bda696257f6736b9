"""Forms of training: a course with its first session (organisers), attendance and scores."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Audience

TEXT = {"class": "form-control"}


class SessionForm(forms.Form):
    title = forms.CharField(label=_("课程名称"), max_length=120, widget=forms.TextInput(attrs=TEXT))
    topic = forms.CharField(label=_("培训主题"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    audience = forms.ChoiceField(label=_("培训对象"), choices=Audience.choices, widget=forms.Select(attrs={"class": "form-select"}))
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=forms.DateTimeInput(attrs={**TEXT, "type": "datetime-local"},
                                                                                 format="%Y-%m-%dT%H:%M"))
    hours = forms.DecimalField(label=_("学时"), min_value=Decimal("0.5"), max_value=Decimal("40"), decimal_places=1,
                               widget=forms.NumberInput(attrs={**TEXT, "step": "0.5"}))
    trainer = forms.CharField(label=_("授课人"), max_length=60, widget=forms.TextInput(attrs=TEXT))
    capacity = forms.IntegerField(label=_("名额"), min_value=1, widget=forms.NumberInput(attrs=TEXT))
    online = forms.BooleanField(label=_("线上培训"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    place = forms.CharField(label=_("培训地点"), required=False, max_length=200, widget=forms.TextInput(attrs=TEXT))


class AttendanceForm(forms.Form):
    present = forms.BooleanField(label=_("已签到"), required=False)
    exam_score = forms.DecimalField(label=_("考试成绩"), required=False, min_value=Decimal("0"), max_value=Decimal("100"),
                                    decimal_places=1)
    certificate_no = forms.CharField(label=_("证书编号"), required=False, max_length=40)
