"""Pages of developers (/developers/); ``public/`` needs no login."""

from django.urls import path

from . import views

app_name = "developers"

urlpatterns = [
    path("", views.developer_list, name="list"),
    path("new/", views.developer_edit, name="new"),
    path("<int:pk>/", views.developer_detail, name="detail"),
    path("<int:pk>/edit/", views.developer_edit, name="edit"),
    path("<int:pk>/estates/", views.developer_link, name="link"),
    path("<int:pk>/violations/new/", views.violation_new, name="violation_new"),
    path("violations/", views.violation_list, name="violation_list"),
    path("violations/<int:pk>/", views.violation_detail, name="violation_detail"),
    path("violations/<int:pk>/act/", views.violation_act, name="violation_act"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    # public (no login)
    path("public/", views.public_list, name="public_list"),
    path("public/<int:pk>/", views.public_detail, name="public_detail"),
]
