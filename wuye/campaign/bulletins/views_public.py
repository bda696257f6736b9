"""The public portal's bulletins (issue 16 item 8): the issued bulletins marked public, a list and
one page each; a draft, a withdrawn or a non-public bulletin is 404. No login."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from wuye.core.listing import page_window, paginate

from . import selectors as sel
from .document import content_of


@require_safe
def public_list(request):
    page = paginate(request, sel.public_bulletins())
    return render(request, "bulletins/public_list.html", {
        "page": page, "rows": list(page.object_list), "window": page_window(page), "query": ""})


@require_safe
def public_detail(request, pk: int):
    bulletin = sel.public_bulletin(pk)
    if bulletin is None:
        raise Http404(_("未找到该通报，或未公开"))
    return render(request, "bulletins/public_detail.html", {"b": bulletin, "c": content_of(bulletin)})
