"""Forms of the rule-making pages (inputs only; the services decide)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors as sel
from .models import Comment, NormativeDocument

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ERR = {"required": _("请填写此项"), "invalid": _("格式不正确")}


def _bootstrap(form: forms.Form) -> None:
    for field in form.fields.values():
        css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else (
            "form-select" if isinstance(field.widget, forms.Select) else "form-control")
        field.widget.attrs.setdefault("class", css)
        field.error_messages.update({k: v for k, v in ERR.items() if k in field.error_messages})


class DraftForm(forms.Form):
    title = forms.CharField(label=_("草案名称"), max_length=200)
    body = forms.CharField(label=_("草案正文"), widget=forms.Textarea(attrs={"rows": 14}),
                           help_text=_("按“第一条　……”逐条书写，意见按条款归类"))
    explanation = forms.CharField(label=_("起草说明"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    consultation_opens = forms.DateField(label=_("征求意见开始日"), widget=DATE)
    consultation_closes = forms.DateField(label=_("征求意见截止日（含当日）"), widget=DATE)
    short_period_reason = forms.CharField(label=_("缩短征求意见期的理由"), required=False, max_length=500,
                                          help_text=_("征求意见期短于规定天数时必填，将随草案公开"))
    document = forms.ModelChoiceField(label=_("对应的规范性文件"), required=False, queryset=sel.documents_list().none(),
                                      help_text=_("公布后可作为该文件的新版本"))
    publish = forms.BooleanField(label=_("保存后立即公开征求意见"), required=False)

    def __init__(self, *args, documents=None, **kwargs):
        super().__init__(*args, **kwargs)
        if documents is not None:
            self.fields["document"].queryset = documents
        for name in ("title", "body", "explanation", "short_period_reason", "document"):
            self.fields[name].wide = True
        _bootstrap(self)


class AccountCommentForm(forms.Form):
    article = forms.CharField(label=_("条款"), max_length=40, required=False,
                              widget=forms.TextInput(attrs={"placeholder": _("如：第十二条；不填为总体意见")}))
    text = forms.CharField(label=_("意见内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].wide = True
        _bootstrap(self)


class PublicCommentForm(AccountCommentForm):
    name = forms.CharField(label=_("姓名"), max_length=100)
    phone = forms.CharField(label=_("手机号码"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
                            help_text=_("用于短信验证，不公开"))
    code = forms.CharField(label=_("短信验证码"), max_length=6, required=False,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                                         "placeholder": _("6 位数字")}))

    field_order = ["name", "phone", "code", "article", "text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class HideForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=300)


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(label=_("采纳情况"), choices=Comment.Answer.choices)
    reason = forms.CharField(label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PublishForm(forms.Form):
    final_text = forms.CharField(label=_("公布文本"), widget=forms.Textarea(attrs={"rows": 12}))
    summary = forms.CharField(label=_("意见采纳情况说明"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    effective_on = forms.DateField(label=_("施行日期"), required=False, widget=DATE,
                                   help_text=_("填写后，公布文本作为对应规范性文件的新版本收入文件库"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["final_text"].wide = self.fields["summary"].wide = True
        _bootstrap(self)


class DocumentForm(forms.Form):
    code = forms.CharField(label=_("文件代码"), max_length=40)
    title = forms.CharField(label=_("文件名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类别"), choices=NormativeDocument.Kind.choices)
    issuer = forms.CharField(label=_("制定机关"), max_length=100, initial="市住房保障房产局")
    summary = forms.CharField(label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["summary"].wide = True
        _bootstrap(self)


class VersionForm(forms.Form):
    doc_number = forms.CharField(label=_("文号"), max_length=60, required=False)
    effective_on = forms.DateField(label=_("施行日期"), widget=DATE)
    repealed_on = forms.DateField(label=_("废止日期"), required=False, widget=DATE)
    standard = forms.ModelChoiceField(label=_("实施的检查标准"), required=False, queryset=sel.standards_to_link().none())
    note = forms.CharField(label=_("版本说明"), max_length=300, required=False)
    text = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, standards=None, **kwargs):
        super().__init__(*args, **kwargs)
        if standards is not None:
            self.fields["standard"].queryset = standards
        self.fields["text"].wide = True
        _bootstrap(self)


class VersionUpdateForm(forms.Form):
    repealed_on = forms.DateField(label=_("废止日期"), required=False, widget=DATE)
    standard = forms.ModelChoiceField(label=_("实施的检查标准"), required=False, queryset=sel.standards_to_link().none())

    def __init__(self, *args, standards=None, **kwargs):
        super().__init__(*args, **kwargs)
        if standards is not None:
            self.fields["standard"].queryset = standards
        _bootstrap(self)
