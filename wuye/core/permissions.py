"""DRF permissions shared by every app."""

from __future__ import annotations

from django.conf import settings
from rest_framework.permissions import BasePermission


def api_docs_public() -> bool:
    """The OpenAPI schema and its interactive page are open to anyone in demo mode or when
    ``WUYE_API_DOCS_PUBLIC`` says so; in production they need a login (issue 13 §15: the interface
    description is reconnaissance material, ASVS 4.0 V14.3.2 / GB/T 22239-2019 8.1.4.4 最小安装)."""
    return bool(getattr(settings, "DEMO_MODE", False) or getattr(settings, "WUYE_API_DOCS_PUBLIC", False))


class ApiDocsAccess(BasePermission):
    """``/api/schema/`` and ``/api/docs/``: anyone when public (see ``api_docs_public``), else a
    logged-in user (session or token)."""

    message = "请先登录后再查看接口说明。"

    def has_permission(self, request, view) -> bool:
        if api_docs_public():
            return True
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)
