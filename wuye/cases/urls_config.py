"""/complaints/config/: the city bureau's complaint settings (categories, weights, escalation)."""

from django.urls import path

from . import views_config as views

urlpatterns = [
    path("", views.category_list, name="config_category_list"),
    path("categories/new/", views.category_create, name="config_category_create"),
    path("categories/<int:pk>/", views.category_edit, name="config_category_edit"),
    path("settings/", views.settings_edit, name="config_settings"),
    path("escalation/<int:level>/", views.escalation_edit, name="config_escalation_edit"),
]
