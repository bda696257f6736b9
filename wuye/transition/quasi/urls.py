"""Pages of quasi."""

from django.urls import path  # noqa: F401

app_name = "quasi"

urlpatterns: list = []
