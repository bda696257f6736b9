from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CorrectionRequest


class CorrectionForm(forms.ModelForm):
    class Meta:
        model = CorrectionRequest
        fields = ["field", "current_value", "wanted_value"]
        widgets = {
            "field": forms.Select(attrs={"class": "form-select"}),
            "current_value": forms.Textarea(attrs={"class": "form-control", "rows": 3, "maxlength": 500}),
            "wanted_value": forms.Textarea(attrs={"class": "form-control", "rows": 3, "maxlength": 500}),
        }
        help_texts = {
            "current_value": _("写明哪条记录（如诉求查询码、表决事项、房号）中的哪项内容有误"),
            "wanted_value": _("写明正确的内容；需要补充的，写明补充内容"),
        }
        error_messages = {
            "field": {"required": _("请选择需要更正的信息")},
            "current_value": {"required": _("请填写现有内容"), "max_length": _("最多 500 字")},
            "wanted_value": {"required": _("请填写应更正的内容"), "max_length": _("最多 500 字")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.wide = True


class HandleForm(forms.Form):
    action = forms.ChoiceField(label=_("处理结果"), choices=[("correct", _("已更正")), ("refuse", _("不予更正"))],
                               error_messages={"required": _("请选择处理结果"), "invalid_choice": _("未知的处理结果")})
    note = forms.CharField(label=_("处理说明"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"class": "form-control", "rows": 3, "maxlength": 500}),
                           help_text=_("已更正的，写明更正了哪些内容；不予更正的，必须写明理由"))
