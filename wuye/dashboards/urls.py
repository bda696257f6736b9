"""/overview/: the supervision and credit overview (city bureau and district authorities)."""

from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.index, name="index"),
    path("export/<slug:table>/", views.export, name="export"),
]
