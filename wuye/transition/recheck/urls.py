"""Pages of recheck."""

from django.urls import path  # noqa: F401

app_name = "recheck"

urlpatterns: list = []
