"""One page per app for the city bureau's singleton settings (a model with ``current()``).

``settings_update(user=, model=, data=, detail=)`` is the service: only the city bureau, one
transaction, an audit row with the changed values. ``settings_view(...)`` builds the view.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models, transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_http_methods

from wuye.core.access import refuse
from wuye.core.audit import audit_record
from wuye.core.errors import ServiceError, error_text
from wuye.core.models import AuditAction
from wuye.core.selectors import can_edit_settings


@transaction.atomic
def settings_update(*, user, model, data: dict, detail: str, check=None):
    if not can_edit_settings(user):
        raise ServiceError(_g("只有市住房保障房产局可以修改设置"))
    obj = model.objects.select_for_update().get(pk=model.current().pk)
    changes = {}
    for name, value in data.items():
        if value is not None and getattr(obj, name) != value:
            changes[name] = [str(getattr(obj, name)), str(value)]
            setattr(obj, name, value)
    if check is not None:
        check(obj)
    obj.full_clean()
    obj.save()
    audit_record(action=AuditAction.UPDATE, actor=user, obj=obj, changes=changes, detail=detail)
    return obj


def settings_view(*, model, fields: list[str], title: str, intro: str, saved: str, url_name: str, check=None):
    form_class = forms.modelform_factory(
        model, fields=fields,
        widgets={f: forms.CheckboxInput(attrs={"class": "form-check-input"})
                 if isinstance(model._meta.get_field(f), models.BooleanField)
                 else forms.NumberInput(attrs={"class": "form-control"}) for f in fields})

    @require_http_methods(["GET", "POST"])
    @login_required
    def view(request):
        if not can_edit_settings(request.user):
            refuse(user=request.user, model=model, pk="", reason=_g("只有市住房保障房产局可以修改设置"), status=403)
        form = form_class(request.POST or None, instance=model.current())
        if request.method == "POST" and form.is_valid():
            try:
                settings_update(user=request.user, model=model, data=form.cleaned_data, detail=str(title), check=check)
            except ServiceError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, saved)
                return redirect(url_name)
        return render(request, "core/settings_page.html", {"form": form, "title": title, "intro": intro})

    return view
