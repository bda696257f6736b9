"""A URL configuration for the database-outage tests: views that lose the connection."""

from django.db import OperationalError
from django.urls import include, path


def lost(request):
    raise OperationalError("server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally")


def broken(request):
    raise ValueError("a plain bug")


urlpatterns = [
    path("complaints/lost/", lost),
    path("api/v1/lost/", lost),
    path("bug/", broken),
    path("", include("wuye.urls")),
]

handler500 = "wuye.core.health.server_error"
