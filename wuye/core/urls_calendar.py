from django.urls import path

from . import views_calendar as views

app_name = "calendar"
urlpatterns = [
    path("", views.day_list, name="day_list"),
    path("add/", views.day_create, name="day_create"),
    path("<int:pk>/edit/", views.day_edit, name="day_edit"),
    path("<int:pk>/delete/", views.day_delete, name="day_delete"),
]
