"""Shared utilities (水电公摊): /disclosure/utilities/…"""

from django.urls import path

from . import views as v

urlpatterns = [
    path("utilities/", v.utility_list, name="utility_list"),
    path("utilities/new/", v.utility_new, name="utility_new"),
    path("utilities/flagged/", v.utility_flagged, name="utility_flagged"),
    path("utilities/mine/", v.utility_mine, name="utility_mine"),
    path("utilities/<int:pk>/", v.utility_detail, name="utility_detail"),
    path("utilities/<int:pk>/public/", v.utility_public, name="utility_public"),
    path("utilities/<int:pk>/readings/", v.utility_reading_add, name="utility_reading_add"),
    path("utilities/<int:pk>/readings/<int:reading_id>/delete/", v.utility_reading_delete,
         name="utility_reading_delete"),
    path("utilities/<int:pk>/import/", v.utility_import, name="utility_import"),
    path("utilities/<int:pk>/import/template.xlsx", v.utility_import_template, name="utility_import_template"),
    path("utilities/<int:pk>/compute/", v.utility_compute, name="utility_compute"),
    path("utilities/<int:pk>/publish/", v.utility_publish, name="utility_publish"),
    path("utilities/<int:pk>/withdraw/", v.utility_withdraw, name="utility_withdraw"),
    path("utilities/<int:pk>/delete/", v.utility_delete, name="utility_delete"),
]
