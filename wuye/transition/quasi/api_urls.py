"""API routes of quasi (under /api/v1/)."""

from django.urls import path

from . import api

urlpatterns = [
    path("quasi-contracts/", api.contracts, name="api-quasi-contracts"),
    path("quasi-contracts/<int:pk>/", api.contract_detail, name="api-quasi-contract-detail"),
]
