"""/api/v1/ routes of the campaign's work plans (included by wuye.api_urls)."""

from django.urls import path

from . import api

urlpatterns = [
    path("plans/", api.plans, name="api-campaign-plans"),
    path("plans/<int:pk>/", api.plan_detail, name="api-campaign-plan"),
    path("plans/<int:pk>/tasks/", api.plan_tasks, name="api-campaign-plan-tasks"),
    path("tasks/", api.tasks, name="api-campaign-tasks"),
    path("tasks/<int:pk>/", api.task_detail, name="api-campaign-task"),
    path("tasks/<int:pk>/reports/", api.task_reports_create, name="api-campaign-task-reports"),
    path("task-reports/<int:pk>/accept/", api.report_accept, name="api-campaign-report-accept"),
    path("task-reports/<int:pk>/return/", api.report_return, name="api-campaign-report-return"),
    path("task-reports/<int:pk>/consolidate/", api.report_consolidate, name="api-campaign-report-consolidate"),
]
