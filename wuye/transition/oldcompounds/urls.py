"""Pages of oldcompounds."""

from django.urls import path

from . import views

app_name = "oldcompounds"

urlpatterns = [
    path("", views.compound_list, name="list"),
    path("target/", views.target, name="target"),
    path("projects/", views.project_list, name="projects"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/<str:action>/", views.project_act, name="project_act"),
    path("<int:pk>/", views.compound_detail, name="detail"),
    path("<int:pk>/profile/", views.profile_edit, name="profile"),
    path("<int:pk>/projects/new/", views.project_new, name="project_new"),
    path("<int:pk>/management/", views.management_set, name="management"),
]
