"""/supervision/surveys/: owner satisfaction surveys (issue 4 §5)."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("surveys/", v.survey_list, name="survey_list"),
    path("surveys/new/", v.survey_create, name="survey_create"),
    path("surveys/mine/", v.survey_mine, name="survey_mine"),
    path("surveys/templates/", v.survey_template_list, name="survey_template_list"),
    path("surveys/templates/<int:pk>/", v.survey_template_detail, name="survey_template_detail"),
    path("surveys/<int:pk>/", v.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/close/", v.survey_close, name="survey_close"),
    path("surveys/<int:pk>/export/", v.survey_export, name="survey_export"),
    path("surveys/<int:pk>/answer/<int:unit_pk>/", v.survey_answer, name="survey_answer"),
]
