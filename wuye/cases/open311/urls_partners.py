"""/open311/partners/: the system administrator's Open311 partner keys (``views_partners``)."""

from django.urls import path

from wuye.cases import views_partners as views

app_name = "open311_partners"

urlpatterns = [
    path("", views.partner_list, name="list"),
    path("new/", views.partner_create, name="create"),
    path("<int:pk>/deactivate/", views.partner_deactivate, name="deactivate"),
]
