"""/api/v1/ endpoints of the governance app (included by wuye.api_urls before the router)."""

from django.urls import path

from .votes import api

urlpatterns = [
    path("estates/<int:pk>/motions/", api.motion_create, name="api-estate-motions"),
    path("motions/<int:pk>/voter-roll/", api.motion_voter_roll, name="api-motion-voter-roll"),
    path("motions/<int:pk>/ballots/", api.motion_ballots, name="api-motion-ballots"),
    path("motions/<int:pk>/result/", api.motion_result_view, name="api-motion-result"),
]
