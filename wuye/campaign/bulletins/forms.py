"""Forms of the bulletin pages; the rules are in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Bulletin
from .selectors import recipient_choices

SM = {"class": "form-control form-control-sm"}


class DraftForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=Bulletin.Kind.choices, widget=forms.Select(attrs={"class": "form-select"}))
    period_start = forms.DateField(label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    period_end = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    title = forms.CharField(label=_("标题"), max_length=200, required=False,
                            help_text=_("不填则按类别和期间自动生成，如“关于2027年2月物业服务质量提升行动工作情况的通报”"),
                            widget=forms.TextInput(attrs={"class": "form-control"}))


class EditForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}))
    public = forms.BooleanField(label=_("印发后在公众门户公开"), required=False,
                                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))


class SectionForm(forms.Form):
    heading = forms.CharField(label=_("小标题"), max_length=100, widget=forms.TextInput(attrs={"class": "form-control"}))
    text = forms.CharField(label=_("正文"), required=False, max_length=20000,
                           help_text=_("每行一段；数据以右侧“数据来源”为准，可点击链接核对"),
                           widget=forms.Textarea(attrs={"class": "form-control", "rows": 10}))


class RecipientsForm(forms.Form):
    main = forms.MultipleChoiceField(label=_("主送机关"), required=False,
                                     widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 8}))
    copy = forms.MultipleChoiceField(label=_("抄送机关"), required=False,
                                     widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 8}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = recipient_choices()
        self.fields["main"].choices = choices
        self.fields["copy"].choices = choices


class ReasonForm(forms.Form):
    note = forms.CharField(label=_("撤回理由"), max_length=500, widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))
