"""/api/v1/ endpoints of the governance app (included by wuye.api_urls before the router)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
