from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("new/", views.session_new, name="session_new"),
    path("hours/", views.hours_report, name="hours"),
    path("<int:pk>/", views.session_detail, name="session_detail"),
    path("<int:pk>/enrol/", views.session_enrol, name="session_enrol"),
    path("enrolments/<int:pk>/attendance/", views.attendance, name="attendance"),
]
