from django.urls import path

from . import views, views_import

app_name = "registry"
urlpatterns = [
    *(url for rt in views.TYPES.values() for url in views.record_urls(rt)),
    path("estates/<int:pk>/contract/", views.estate_contract, name="estate_contract"),
    path("ownerships/<int:pk>/remove/", views.ownership_remove, name="ownership_remove"),
    path("committees/<int:pk>/members/new/", views.member_add, name="member_add"),
    path("committees/members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("committees/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("reveal/<str:kind>/<int:pk>/<str:field>/", views.reveal, name="reveal"),
    path("pick/<str:kind>/", views.pick, name="pick"),
    # Excel import
    path("imports/", views_import.import_list, name="import_list"),
    path("imports/templates/<str:kind>.xlsx", views_import.import_template, name="import_template"),
    path("imports/<int:pk>/", views_import.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views_import.import_progress, name="import_progress"),
    path("imports/<int:pk>/errors.xlsx", views_import.import_error_report, name="import_error_report"),
]
