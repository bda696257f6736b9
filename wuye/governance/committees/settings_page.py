"""The city bureau's settings page of committee supervision: review, answer and correction periods,
each review and answer period in calendar or working days (``core.calendar.PeriodUnit``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from wuye.core.access import refuse
from wuye.core.errors import ServiceError, error_text
from wuye.core.selectors import can_edit_settings
from wuye.core.services import settings_update

from .models import CommitteeSettings

FIELDS = ["review_days", "review_unit", "answer_days", "answer_unit", "correction_days"]
SettingsForm = forms.modelform_factory(
    CommitteeSettings, fields=FIELDS,
    widgets={f: (forms.Select(attrs={"class": "form-select"}) if f.endswith("_unit")
                 else forms.NumberInput(attrs={"class": "form-control"})) for f in FIELDS})
TITLE = _("业委会监督设置")


@require_http_methods(["GET", "POST"])
@login_required
def settings_edit(request):
    if not can_edit_settings(request.user):
        refuse(user=request.user, model=CommitteeSettings, pk="", reason=_g("只有市住房保障房产局可以修改设置"), status=403)
    form = SettingsForm(request.POST or None, instance=CommitteeSettings.current())
    if request.method == "POST" and form.is_valid():
        try:
            settings_update(user=request.user, model=CommitteeSettings, data=form.cleaned_data, detail=str(TITLE))
        except ServiceError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _g("已保存业委会监督设置"))
            return redirect("governance:cgov_settings")
    return render(request, "core/settings_page.html", {
        "form": form, "title": TITLE,
        "intro": _("社区、街道审查业委会决定的期限；业委会答复业主质询或异议的期限（逾期提交街道）；街道责令改正的默认期限。"
                   "期限可按自然日或工作日计算（节假日、调休以工作日历为准）。")})
