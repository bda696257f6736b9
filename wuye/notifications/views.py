"""The user's notification page: list (all or unread), open one (marks it read and follows its
link), mark all read. Only the owner sees or touches a notification; anything else is 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuye.core.access import get_visible_or_404
from wuye.core.listing import page_window, paginate

from . import services
from .selectors import notification_unread_count, notifications_visible_to


@require_GET
@login_required
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    qs = notifications_visible_to(request.user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    page = paginate(request, qs.order_by("-created_at", "-id"))
    unread = request.unread_notifications = notification_unread_count(request.user)
    return render(request, "notifications/list.html", {
        "page": page,
        "window": page_window(page),
        "query": "unread=1" if unread_only else "",
        "unread_only": unread_only,
        "unread": unread,
    })


@require_POST
@login_required
def notification_open(request, pk: int):
    notification = get_visible_or_404(notifications_visible_to(request.user), user=request.user, pk=pk)
    services.notification_mark_read(user=request.user, notification=notification)
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return redirect(url)
    return redirect(reverse("notifications:list"))


@require_POST
@login_required
def notification_read_all(request):
    count = services.notification_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("已将 %(count)s 条消息标为已读。") % {"count": count})
    else:
        messages.info(request, _("没有未读消息。"))
    return redirect("notifications:list")
