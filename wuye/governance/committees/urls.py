"""/governance/oversight/: supervision of owners' committees and owners' oversight (names ``cgov_*``)."""

from django.urls import path

from . import views as v
from .settings_page import settings_edit

urlpatterns = [
    path("oversight/", v.oversight_home, name="cgov_home"),
    path("oversight/estates/<int:pk>/", v.estate_oversight, name="cgov_estate"),
    path("oversight/decisions/", v.decision_list, name="cgov_decision_list"),
    path("oversight/decisions/new/", v.decision_new, name="cgov_decision_new"),
    path("oversight/decisions/<int:pk>/", v.decision_detail, name="cgov_decision_detail"),
    path("oversight/decisions/<int:pk>/ask/", v.question_ask, name="cgov_question_ask"),
    path("oversight/decisions/<int:pk>/<slug:action>/", v.decision_act, name="cgov_decision_act"),
    path("oversight/questions/", v.question_list, name="cgov_question_list"),
    path("oversight/questions/<int:pk>/answer/", v.question_answer, name="cgov_question_answer"),
    path("oversight/meetings/", v.meeting_list, name="cgov_meeting_list"),
    path("oversight/meetings/new/", v.meeting_new, name="cgov_meeting_new"),
    path("oversight/meetings/<int:pk>/", v.meeting_detail, name="cgov_meeting_detail"),
    path("oversight/committees/", v.committee_list, name="cgov_committee_list"),
    path("oversight/committees/<int:pk>/", v.committee_detail, name="cgov_committee_detail"),
    path("oversight/settings/", settings_edit, name="cgov_settings"),
]
