"""The home workbench of each role (anonymous visitors are sent to the public portal) and the
global search box's results page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from . import selectors
from .search import can_search, global_search
from .todos import todos_for


@require_safe
def home(request):
    # Anonymous visitors get the public portal (issue 5 item 8); logged-in users their workbench.
    if not request.user.is_authenticated:
        return redirect("public:home")
    workbench = selectors.workbench_for(request.user, today=timezone.localdate())
    return render(
        request,
        "portal/home.html",
        {"wb": workbench, "workbench_template": f"portal/workbench/{workbench.kind}.html", "today": timezone.localdate(),
         "todos": todos_for(request.user)},
    )


@login_required
@require_safe
def search(request):
    if not can_search(request.user):
        raise Http404("管理员账号不提供业务数据检索。")
    query = request.GET.get("q", "")
    results = global_search(request.user, query)
    return render(request, "portal/search.html", {"results": results, "q": results.query})
