"""Pages of handover."""

from django.urls import path  # noqa: F401

app_name = "handover"

urlpatterns: list = []
