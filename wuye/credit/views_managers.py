"""Project managers' personal scores and training records (issue 4 §10)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from wuye.core.access import get_visible_or_404, refuse
from wuye.core.errors import ServiceError, error_text
from wuye.core.listing import page_window, paginate

from . import selectors as sel
from .forms import TrainingForm
from .managers import training_record_add
from .models import CreditSettings, ManagerCredit, TrainingRecord
from .views_events import require


@require_GET
@login_required
def manager_list(request):
    user = request.user
    require(request, sel.can_use_credit(user), _("该角色不使用项目经理信用"), model=ManagerCredit)
    qs = sel.managers_visible_to(user).select_related("company", "estate", "credit")
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(company__name__icontains=q))
    page = paginate(request, qs.order_by("company__name", "name", "pk"))
    cs = CreditSettings.current()
    return render(request, "credit/manager_list.html", {
        "page": page, "rows": list(page.object_list), "window": page_window(page), "q": q,
        "query": urlencode({"q": q}) if q else "", "cs": cs})


@require_http_methods(["GET", "POST"])
@login_required
def manager_detail(request, pk: int):
    user = request.user
    manager = get_visible_or_404(sel.managers_visible_to(user).select_related("company", "estate"), user=user, pk=pk)
    can_add = sel.can_keep_training(user, manager)
    form = TrainingForm(request.POST or None, initial={"attended_on": timezone.localdate()})
    if request.method == "POST":
        if not can_add:
            refuse(user=user, model=TrainingRecord, pk="", reason=_("无权为该项目经理登记培训记录"), status=403)
        if form.is_valid():
            try:
                training_record_add(user=user, manager=manager, **form.cleaned_data)
            except ServiceError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, _g("已登记培训记录"))
                return redirect("credit:manager_detail", pk=pk)
    credit = sel.manager_credit(manager.pk)  # the stored row; none yet reads "暂未计算"
    year = timezone.localdate().year
    return render(request, "credit/manager_detail.html", {
        "manager": manager, "credit": credit, "form": form, "can_add": can_add, "cs": CreditSettings.current(),
        "records": list(manager.training_records.order_by("-attended_on", "-id")[:100]),
        "events": sel.manager_events(manager),
        "year": year})
