"""/disclosure/income/: the common-income ledger (issue 5 item 1)."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("income/", v.income_list, name="income_list"),
    path("income/new/", v.income_new, name="income_new"),
    path("income/overdue/", v.income_overdue, name="income_overdue"),
    path("income/<int:pk>/", v.income_detail, name="income_detail"),
    path("income/<int:pk>/public/", v.income_public, name="income_public"),
    path("income/<int:pk>/act/<slug:action>/", v.income_act, name="income_act"),
    path("income/<int:pk>/edit/<slug:op>/", v.income_edit, name="income_edit"),
    path("income/<int:pk>/edit/<slug:op>/<int:line>/", v.income_edit, name="income_edit_line"),
]
