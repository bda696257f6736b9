"""Filled in by the part of supervision this module is named after."""

urlpatterns: list = []
