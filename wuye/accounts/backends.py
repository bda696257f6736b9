"""``AccountPolicyBackend``: refuses, before any password is checked, a username that is backing
off after failed logins from many addresses (``accounts.lockout``; issue 13 item 7). Raising
``PermissionDenied`` stops Django's ``authenticate`` and reports a failed login (audited)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from .lockout import backoff_until


class AccountPolicyBackend:
    def authenticate(self, request, username=None, password=None, **kwargs):
        username = username if username is not None else kwargs.get(get_user_model().USERNAME_FIELD)
        if username and backoff_until(str(username)):
            if request is not None:
                request.axes_locked_out = True  # answered by accounts.views.lockout (429)
                request.wuye_backoff = True
            raise PermissionDenied
        return None

    # No ``get_user``: this backend never logs anyone in, so no session names it (and
    # ``Client.force_login`` picks the first backend that has one).
