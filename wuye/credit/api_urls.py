"""/api/v1/ routes of credit (included before the router, so they win over its patterns)."""

from django.urls import path

from . import api

urlpatterns = [
    path("companies/<int:pk>/credit/", api.company_credit, name="api-company-credit"),
]
