"""/api/v1/ routes of directive notices (included by wuye.api_urls before the router)."""

from django.urls import path

from . import api

urlpatterns = [
    path("notices/", api.notices, name="api-notices"),
    path("notices/<int:pk>/ack/", api.notice_ack, name="api-notice-ack"),
    path("notices/<int:pk>/receipts/", api.notice_receipts, name="api-notice-receipts"),
]
