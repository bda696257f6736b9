"""API routes of developers (under /api/v1/)."""

from django.urls import path

from . import api

urlpatterns = [
    path("developers/", api.developers, name="api-developers"),
    path("developers/<int:pk>/", api.developer_detail, name="api-developer-detail"),
]
