"""/governance/motions/: owners' votes (issue 5 item 5)."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("motions/", v.motion_list, name="motion_list"),
    path("motions/new/", v.motion_new, name="motion_new"),
    path("motions/<int:pk>/", v.motion_detail, name="motion_detail"),
    path("motions/<int:pk>/live/", v.motion_live, name="motion_live"),
    path("motions/<int:pk>/notice-evidence/", v.motion_notice_evidence, name="motion_notice_evidence"),
    path("motions/<int:pk>/vote/", v.motion_vote, name="motion_vote"),
    path("motions/<int:pk>/paper/", v.motion_paper, name="motion_paper"),
    path("motions/<int:pk>/roll/", v.motion_roll, name="motion_roll"),
    path("motions/<int:pk>/cancel/", v.motion_cancel, name="motion_cancel"),
]
