"""The officers' pages: the unit's queue, the list, one complaint with its actions."""

from django.urls import path

from . import views_detail, views_queue

urlpatterns = [
    path("queue/", views_queue.queue, name="page_queue"),
    path("queue/sign/", views_queue.queue_bulk_sign, name="page_bulk_sign"),
    path("", views_queue.complaint_list, name="page_list"),
    path("<int:pk>/", views_detail.complaint_detail, name="page_detail"),
    path("<int:pk>/act/", views_detail.complaint_act, name="page_act"),
    path("<int:pk>/reveal/", views_detail.complaint_reveal, name="page_reveal"),
]
