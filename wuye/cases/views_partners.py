"""Open311 partner keys, managed by the system administrator at ``/open311/partners/``.

The list shows each key's name, prefix, state and last use; a new key is shown once, on the page
that creates it (only its hash is kept); a key is deactivated after a confirmation. Everybody but
the system administrator gets 404 (audited). The rules are in ``open311/keys.py``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.core.access import get_visible_or_404, refuse
from wuye.core.errors import ServiceError
from wuye.core.listing import page_window, paginate

from .models import PartnerKey
from .open311.keys import DEMO_KEY, partner_key_create, partner_key_deactivate
from .selectors import all_partner_keys, can_manage_partner_keys, partner_keys


class PartnerKeyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("合作方名称"), max_length=100,
        help_text=gettext_lazy("接入的系统或单位，如“区网格化管理平台”“12345 市民服务热线”"),
        widget=forms.TextInput(attrs={"class": "form-control", "autofocus": True}),
        error_messages={"required": gettext_lazy("请填写合作方名称")},
    )


def _require_admin(request) -> None:
    if not can_manage_partner_keys(request.user):
        refuse(user=request.user, model=PartnerKey, pk="", reason="非系统管理员访问 Open311 接入密钥管理")


def _endpoint(request) -> str:
    return request.build_absolute_uri(reverse("open311:requests", kwargs={"format": "json"})).rsplit("/", 1)[0] + "/"


@require_GET
@login_required
def partner_list(request):
    _require_admin(request)
    page = paginate(request, partner_keys())
    return render(request, "cases/partners/list.html", {
        "page": page, "window": page_window(page), "endpoint": _endpoint(request), "demo_key": DEMO_KEY,
    })


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def partner_create(request):
    _require_admin(request)
    form = PartnerKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            key, raw = partner_key_create(user=request.user, name=form.cleaned_data["name"])
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            return render(request, "cases/partners/issued.html", {"key": key, "raw": raw, "endpoint": _endpoint(request)})
    return render(request, "cases/partners/create.html", {"form": form})


@require_POST
@login_required
def partner_deactivate(request, pk: int):
    _require_admin(request)
    key = get_visible_or_404(all_partner_keys(), user=request.user, pk=pk)
    try:
        partner_key_deactivate(user=request.user, key=key)
    except ServiceError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已停用“%(name)s”的接入密钥，使用该密钥的提交将被拒绝。") % {"name": key.name})
    return redirect("open311_partners:list")
