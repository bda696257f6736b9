"""API routes of recheck (under /api/v1/)."""

from django.urls import path

from . import api

urlpatterns = [
    path("rechecks/", api.campaigns, name="api-recheck-campaigns"),
    path("rechecks/<int:pk>/", api.campaign_detail, name="api-recheck-campaign"),
    path("rechecks/<int:pk>/draw/", api.campaign_draw, name="api-recheck-campaign-draw"),
    path("clues/", api.clues, name="api-recheck-clues"),
]
