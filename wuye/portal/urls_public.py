"""The public portal: no login needed (city home, estate and company pages, policies and news)."""

from django.urls import path  # noqa: F401

app_name = "public"
urlpatterns: list = []
