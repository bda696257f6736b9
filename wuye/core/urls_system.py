from django.urls import path

from . import views_system

app_name = "system"
urlpatterns = [
    path("", views_system.system_status, name="status"),
]
