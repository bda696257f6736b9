"""Pages of quasi."""

from django.urls import path

from . import views

app_name = "quasi"

urlpatterns = [
    path("", views.contract_list, name="contract_list"),
    path("new/", views.contract_new, name="contract_new"),
    path("<int:pk>/", views.contract_detail, name="contract_detail"),
    path("<int:pk>/act/<str:action>/", views.contract_act, name="contract_act"),
    path("<int:pk>/check/", views.check_new, name="check_new"),
    path("checks/", views.check_list, name="check_list"),
    path("rectifications/", views.rectification_list, name="rectification_list"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification_detail"),
    path("rectifications/<int:pk>/act/<str:action>/", views.rectification_act, name="rectification_act"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("organisations/", views.organisation_list, name="organisation_list"),
]
