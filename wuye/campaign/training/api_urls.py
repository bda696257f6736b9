"""/api/v1/ routes of training (included by wuye.api_urls before the router)."""

from django.urls import path

from . import api

urlpatterns = [
    path("training/sessions/", api.sessions, name="api-training-sessions"),
    path("training/sessions/<int:pk>/enrol/", api.session_enrol, name="api-training-session-enrol"),
]
