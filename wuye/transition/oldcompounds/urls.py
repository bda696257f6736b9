"""Pages of oldcompounds."""

from django.urls import path  # noqa: F401

app_name = "oldcompounds"

urlpatterns: list = []
