"""``unread_notifications`` for the bell in the top bar of every page.

The count is taken lazily, once per request and only by a template that shows it, so htmx
fragments and pages without the top bar cost no query. A view that already counted sets
``request.unread_notifications`` and the template reuses it.
"""

from __future__ import annotations

from functools import lru_cache

from .selectors import notification_unread_count


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}

    @lru_cache(maxsize=1)
    def count() -> int:
        known = getattr(request, "unread_notifications", None)
        if known is None:
            known = request.unread_notifications = notification_unread_count(user)
        return known

    return {"unread_notifications": count}
