"""/complaints/metrics/: unit metrics, the monthly red and black lists, and the drill-downs."""

from django.urls import path

from . import views_metrics as views

urlpatterns = [
    path("", views.index, name="metrics_index"),
    path("ranking/", views.ranking, name="metrics_ranking"),
    path("<str:kind>/<int:unit_id>/<str:month>/<str:metric>/", views.drill, name="metrics_drill"),
]
