"""/credit/: officials' and companies' credit pages, and the public credit pages."""

from django.urls import path

from . import views_admin, views_events, views_lists, views_managers, views_public

app_name = "credit"
urlpatterns = [
    path("", views_events.home, name="home"),
    path("events/", views_events.event_list, name="event_list"),
    path("events/new/", views_events.event_new, name="event_new"),
    path("events/<int:pk>/", views_events.event_detail, name="event_detail"),
    path("events/<int:pk>/act/", views_events.event_act, name="event_act"),
    path("ranking/", views_admin.ranking, name="ranking"),
    path("rules/", views_admin.rule_list, name="rule_list"),
    path("rules/new/", views_admin.rule_edit, name="rule_new"),
    path("rules/<int:pk>/edit/", views_admin.rule_edit, name="rule_edit"),
    path("settings/", views_admin.settings_edit, name="settings"),
    path("managers/", views_managers.manager_list, name="manager_list"),
    path("managers/<int:pk>/", views_managers.manager_detail, name="manager_detail"),
    path("benchmarks/", views_lists.benchmark_list, name="benchmark_list"),
    path("benchmarks/<int:pk>/revoke/", views_lists.benchmark_revoke, name="benchmark_revoke"),
    path("exits/", views_lists.exit_list, name="exit_list"),
    path("exits/<int:pk>/", views_lists.exit_detail, name="exit_detail"),
    path("exits/<int:pk>/act/", views_lists.exit_act, name="exit_act"),
    # public (no login)
    path("companies/<int:pk>/", views_public.public_company, name="public_company"),
    path("red/", views_public.public_red, name="public_red"),
    path("black/", views_public.public_black, name="public_black"),
]
