from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("new/", views.notice_new, name="new"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/receipts/", views.notice_receipts_panel, name="receipts"),
    path("<int:pk>/remind/", views.notice_remind_view, name="remind"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.inbox_detail, name="inbox_detail"),
    path("inbox/<int:pk>/read/", views.inbox_read, name="inbox_read"),
    path("inbox/<int:pk>/ack/", views.inbox_ack, name="inbox_ack"),
    path("inbox/<int:pk>/feedback/", views.inbox_feedback, name="inbox_feedback"),
]
