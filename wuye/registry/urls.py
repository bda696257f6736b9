from django.urls import path

from wuye.core.views import not_ready

from . import views

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
    path("imports/", not_ready, name="import_list"),
]
