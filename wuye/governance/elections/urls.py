"""/governance/elections/ and /governance/committees/due/: owners' committee elections."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("elections/", v.election_list, name="election_list"),
    path("elections/new/", v.election_new, name="election_new"),
    path("elections/<int:pk>/", v.election_detail, name="election_detail"),
    path("elections/<int:pk>/candidates/", v.candidate_nominate, name="election_candidate_nominate"),
    path("elections/candidates/<int:pk>/vet/", v.candidate_vet, name="election_candidate_vet"),
    path("elections/<int:pk>/start-vote/", v.election_start_vote, name="election_start_vote"),
    path("elections/<int:pk>/declare/", v.election_declare, name="election_declare"),
    path("elections/<int:pk>/file/", v.election_file, name="election_file"),
    path("elections/<int:pk>/cancel/", v.election_cancel, name="election_cancel"),
    path("committees/due/", v.committees_due, name="committees_due"),
]
