"""The form of the calendar page: it collects and checks input; ``services_calendar`` writes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CalendarDay

DAY_TYPE_CHOICES = [("0", _("放假（不计入工作日）")), ("1", _("上班（计入工作日）"))]


class CalendarDayForm(forms.Form):
    date = forms.DateField(
        label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("请填写日期。"), "invalid": _("日期格式不正确，应为 2026-10-01 这样的格式。")},
        help_text=_("每个日期只能有一条调整；已有调整的日期请在列表中点“修改”。"),
    )
    is_workday = forms.TypedChoiceField(
        label=_("当天安排"), choices=DAY_TYPE_CHOICES, coerce=lambda v: v == "1", empty_value=None,
        error_messages={"required": _("请选择当天放假还是上班。")},
        help_text=_("周末调休上班选“上班”；法定节假日或本市临时停工选“放假”。"),
    )
    name = forms.CharField(
        label=CalendarDay._meta.get_field("name").verbose_name, max_length=40,
        help_text=CalendarDay._meta.get_field("name").help_text,
        error_messages={"required": _("请填写名称，如“春节”或“国庆节调休”。")},
    )
    note = forms.CharField(
        label=CalendarDay._meta.get_field("note").verbose_name, max_length=300, required=False,
        help_text=CalendarDay._meta.get_field("note").help_text, widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, fixed_date: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_date:  # an existing override keeps its date: to move it, delete it and add another
            self.fields["date"].disabled = True
            self.fields["date"].help_text = _("日期不能修改；如需调整其他日期，请删除本条后另行新增。")
        for name, field in self.fields.items():
            widget = field.widget
            widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")
            field.wide = name == "note"
