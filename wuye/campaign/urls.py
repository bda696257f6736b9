"""Pages of the campaign's work plans (/campaign/)."""

from django.urls import path

from . import views, views_admin

app_name = "campaign"

urlpatterns = [
    path("", views.board, name="board"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/report/", views.task_report, name="task_report"),
    path("reports/<int:pk>/<str:action>/", views.report_act, name="report_act"),
    path("plans/", views_admin.plan_list, name="plan_list"),
    path("plans/<int:plan_pk>/tasks/new/", views.task_create, name="task_create"),
    path("plans/<int:pk>/export/", views_admin.plan_export, name="plan_export"),
    path("plans/<int:pk>/import/", views_admin.plan_import, name="plan_import"),
    path("members/", views_admin.members, name="members"),
    path("members/<int:pk>/remove/", views_admin.member_remove, name="member_remove"),
    path("staffing/", views_admin.staffing, name="staffing"),
    path("staffing/<int:pk>/remove/", views_admin.staffing_remove, name="staffing_remove"),
    path("staffing/coverage/", views_admin.coverage, name="coverage"),
]
