"""/api/v1/ endpoints of the privacy app (included by wuye.api_urls)."""

from django.urls import path

from . import api

urlpatterns = [
    path("privacy/my-data/", api.my_data, name="api-privacy-my-data"),
    path("privacy/corrections/", api.corrections, name="api-privacy-corrections"),
]
