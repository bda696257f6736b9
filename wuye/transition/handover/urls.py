"""Pages of handover."""

from django.urls import path

from . import views

app_name = "handover"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_open, name="open"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/step/<slug:action>/", views.case_advance, name="advance"),
    path("<int:pk>/documents/add/", views.document_add, name="document_add"),
    path("<int:pk>/documents/<int:doc_pk>/", views.document_update, name="document"),
    path("<int:pk>/defects/", views.defect_add, name="defect_add"),
    path("<int:pk>/defects/<int:defect_pk>/fix/", views.defect_fix, name="defect_fix"),
    path("<int:pk>/refer/", views.case_refer, name="refer"),
    path("<int:pk>/withholding/", views.withholding, name="withholding"),
    path("photos/<int:pk>/", views.photo_file, name="photo"),
]
