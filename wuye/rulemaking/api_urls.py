"""/api/v1/ endpoints of rule-making (included by wuye.api_urls)."""

from django.urls import path

from . import api

urlpatterns = [
    path("drafts/", api.drafts, name="api-drafts"),
    path("drafts/<int:pk>/comments/", api.draft_comments, name="api-draft-comments"),
]
