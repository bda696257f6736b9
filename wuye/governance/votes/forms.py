"""Forms of owners' votes: calling a vote, an owner's ballot, a paper ballot, cancelling."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wuye.governance.models import Ballot, Matter

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


class MotionForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("小区"), queryset=None, widget=forms.Select(attrs=SELECT))
    title = forms.CharField(label=_("表决事项"), max_length=200, widget=forms.TextInput(attrs=TEXT),
                            help_text=_("例如：关于解聘现物业服务企业并选聘新物业服务企业的表决"))
    matter = forms.ChoiceField(label=_("事项类别（《民法典》第二百七十八条）"), choices=Matter.choices,
                               widget=forms.Select(attrs=SELECT),
                               help_text=_("第六至第八项（筹集维修资金、改建重建、改变共有部分用途或经营）为重大事项，"
                                           "须四分之三以上同意；其他事项须过半数同意。"))
    notice_date = forms.DateField(label=_("公告日期"), widget=forms.DateInput(attrs={**TEXT, "type": "date"}),
                                  help_text=_("表决公告张贴之日；投票开始日须在公告日之后至少 15 天（可在设置中调整）。"))
    voting_opens_at = forms.DateTimeField(label=_("投票开始"),
                                          widget=forms.DateTimeInput(attrs={**TEXT, "type": "datetime-local"}))
    voting_closes_at = forms.DateTimeField(label=_("投票截止"),
                                           widget=forms.DateTimeInput(attrs={**TEXT, "type": "datetime-local"}))
    description = forms.CharField(label=_("事项说明"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={**TEXT, "rows": 4}))
    notice_evidence = forms.FileField(
        label=_("公告张贴凭证"), required=False,
        widget=forms.ClearableFileInput(attrs={**TEXT, "accept": "image/jpeg,image/png,image/webp,application/pdf"}),
        help_text=_("公告日期早于今天（先张贴、后登记）的，须上传已张贴公告的照片或 PDF 扫描件；公示页面将注明公告为事后补录。"))

    def __init__(self, *args, estates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates
        self.fields["description"].wide = True
        self.fields["title"].wide = True


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("表决意见"), choices=Ballot.Choice.choices, widget=forms.RadioSelect)


class PaperBallotForm(forms.Form):
    entry = forms.IntegerField(label=_("表决权人"), widget=forms.HiddenInput)
    ballot_no = forms.CharField(label=_("选票编号"), max_length=40, widget=forms.TextInput(attrs=TEXT))
    choice = forms.ChoiceField(label=_("表决意见"), choices=Ballot.Choice.choices, widget=forms.Select(attrs=SELECT))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=300, widget=forms.TextInput(attrs=TEXT))
