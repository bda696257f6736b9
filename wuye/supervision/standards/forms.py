"""Forms of the service-standard pages: they shape the input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wuye.supervision.forms import StyledForm

from .models import Standard
from .selectors import standard_sections

STAR_LEVEL_CHOICES = [(n, _("%(n)d 星") % {"n": n}) for n in range(1, 6)]


# ---- standards --------------------------------------------------------------------------------------


class StandardForm(StyledForm):
    name = forms.CharField(label=_("标准名称"), max_length=100)
    basis = forms.CharField(label=_("依据"), max_length=300, required=False)
    note = forms.CharField(label=_("版本说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    note.wide = True
    basis.wide = True


class SectionForm(StyledForm):
    name = forms.CharField(label=_("章节名称"), max_length=100)
    order = forms.IntegerField(label=_("序号"), min_value=0, max_value=999, required=False)


class ItemForm(StyledForm):
    section = forms.ModelChoiceField(label=_("章节"), queryset=None, empty_label=None)
    code = forms.CharField(label=_("条目编号"), max_length=20)
    text = forms.CharField(label=_("标准内容"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    max_points = forms.DecimalField(label=_("分值"), max_digits=6, decimal_places=2, min_value=0)
    deduction_rule = forms.CharField(label=_("扣分规则"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.CharField(label=_("检查方式与佐证"), max_length=300, required=False)
    star_levels = forms.TypedMultipleChoiceField(label=_("适用星级"), choices=STAR_LEVEL_CHOICES, coerce=int, required=False,
                                                 widget=forms.CheckboxSelectMultiple)
    order = forms.IntegerField(label=_("序号"), min_value=0, max_value=999, required=False)
    text.wide = True
    deduction_rule.wide = True

    def __init__(self, *args, standard: Standard, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = standard_sections(standard)
