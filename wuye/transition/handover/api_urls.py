"""API routes of handover (under /api/v1/)."""

from django.urls import path

from . import api

urlpatterns = [
    path("estates/<int:pk>/handovers/", api.estate_handovers, name="api-handover-create"),
    path("handovers/", api.handovers, name="api-handovers"),
    path("handovers/<int:pk>/", api.handover_detail, name="api-handover"),
]
