"""API routes of oldcompounds (under /api/v1/)."""

from django.urls import path

from . import api

urlpatterns = [
    path("renovations/", api.renovations, name="api-renovations"),
    path("renovations/<int:pk>/", api.renovation_detail, name="api-renovation"),
    path("renovations/<int:pk>/accept/", api.renovation_accept, name="api-renovation-accept"),
]
