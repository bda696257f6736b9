"""Reads of the notifications app: a user sees their own notifications and nobody else's."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Notification


def notifications_visible_to(user) -> QuerySet[Notification]:
    if user is None or not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def notification_unread_count(user) -> int:
    """One COUNT on the (user, read_at) index."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
