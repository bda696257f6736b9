"""The home workbench of each role (anonymous visitors are sent to the public portal) and the
global search box's results page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from wuye.core.access import refuse
from wuye.core.listing import page_window, paginate, query_string

from . import selectors
from .search import can_search, global_search
from .todo_lists import LISTS, spec_model
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
         "now": timezone.now(), "todos": todos_for(request.user)},
    )


@login_required
@require_safe
def search(request):
    if not can_search(request.user):
        raise Http404("管理员账号不提供业务数据检索。")
    query = request.GET.get("q", "")
    results = global_search(request.user, query)
    return render(request, "portal/search.html", {"results": results, "q": results.query})


@login_required
@require_safe
def todo_list(request, slug: str):
    """A workbench to-do that no other page lists as such (``todo_lists``): the rows its tile counts."""
    entry = LISTS.get(slug)
    if entry is None:
        raise Http404("没有这个待办列表。")
    spec, rows_of = entry
    if not spec.allowed(request.user):
        refuse(user=request.user, model=spec_model(slug), pk="", reason=_("该角色没有这项待办"), status=403)
    qs = rows_of(request.user, timezone.localdate())
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(estate__name__icontains=q)
    page = paginate(request, qs)
    context = {"spec": spec, "slug": slug, "page": page, "rows": list(page.object_list), "window": page_window(page),
               "query": query_string(request.GET), "q": q, "today": timezone.localdate(),
               "breadcrumbs": [(_("工作台"), reverse("portal:home")), (spec.title, None)]}
    template = "portal/todo_rows.html" if request.htmx else "portal/todo_list.html"
    return render(request, template, context)
