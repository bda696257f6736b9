"""One page per app for the city bureau's singleton settings (a model with ``current()``).

``settings_view(...)`` builds the view; the write is ``core.services.settings_update``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_http_methods

from wuye.core.access import refuse
from wuye.core.errors import ServiceError, error_text
from wuye.core.selectors import can_edit_settings
from wuye.core.services import settings_update


def settings_view(*, model, fields: list[str], title: str, intro: str, saved: str, url_name: str, check=None,
                  can_edit=can_edit_settings, refusal=None):
    """``can_edit`` / ``refusal``: who edits these settings and the refusal's words, when it is not
    the city bureau (the privacy app's retention periods: the system administrator)."""
    form_class = forms.modelform_factory(
        model, fields=fields,
        widgets={f: forms.CheckboxInput(attrs={"class": "form-check-input"})
                 if isinstance(model._meta.get_field(f), models.BooleanField)
                 else forms.NumberInput(attrs={"class": "form-control"}) for f in fields})

    @require_http_methods(["GET", "POST"])
    @login_required
    def view(request):
        if not can_edit(request.user):
            refuse(user=request.user, model=model, pk="", reason=refusal or _g("只有市住房保障房产局可以修改设置"), status=403)
        form = form_class(request.POST or None, instance=model.current())
        if request.method == "POST" and form.is_valid():
            try:
                settings_update(user=request.user, model=model, data=form.cleaned_data, detail=str(title), check=check,
                                can_edit=can_edit, refusal=refusal)
            except ServiceError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, saved)
                return redirect(url_name)
        return render(request, "core/settings_page.html", {"form": form, "title": title, "intro": intro})

    return view
