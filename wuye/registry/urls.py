"""The registry's pages, written out so that a path can be found by searching for it. Each record
type (``pages.TYPES``) has the same six pages: list, detail, edit, confirm-delete, delete, new;
its ``prefix`` is the first part of these paths (a test keeps the two in step)."""

from django.urls import path

from . import views, views_import
from .pages import TYPES

COMPANY = TYPES["company"]
ESTATE = TYPES["estate"]
BUILDING = TYPES["building"]
UNIT = TYPES["unit"]
OWNER = TYPES["owner"]
PARKING = TYPES["parking"]
STAFF = TYPES["staff"]
COMMITTEE = TYPES["committee"]

app_name = "registry"
urlpatterns = [
    # company
    path("companies/", views.record_list, {"rt": COMPANY}, name="company_list"),
    path("companies/<int:pk>/", views.record_detail, {"rt": COMPANY}, name="company_detail"),
    path("companies/<int:pk>/edit/", views.record_edit, {"rt": COMPANY}, name="company_edit"),
    path("companies/<int:pk>/confirm-delete/", views.record_confirm_delete, {"rt": COMPANY}, name="company_confirm_delete"),
    path("companies/<int:pk>/delete/", views.record_delete, {"rt": COMPANY}, name="company_delete"),
    path("companies/new/", views.record_create, {"rt": COMPANY}, name="company_create"),
    # estate
    path("estates/", views.record_list, {"rt": ESTATE}, name="estate_list"),
    path("estates/<int:pk>/", views.record_detail, {"rt": ESTATE}, name="estate_detail"),
    path("estates/<int:pk>/edit/", views.record_edit, {"rt": ESTATE}, name="estate_edit"),
    path("estates/<int:pk>/confirm-delete/", views.record_confirm_delete, {"rt": ESTATE}, name="estate_confirm_delete"),
    path("estates/<int:pk>/delete/", views.record_delete, {"rt": ESTATE}, name="estate_delete"),
    path("estates/new/", views.record_create, {"rt": ESTATE}, name="estate_create"),
    # building
    path("buildings/", views.record_list, {"rt": BUILDING}, name="building_list"),
    path("buildings/<int:pk>/", views.record_detail, {"rt": BUILDING}, name="building_detail"),
    path("buildings/<int:pk>/edit/", views.record_edit, {"rt": BUILDING}, name="building_edit"),
    path("buildings/<int:pk>/confirm-delete/", views.record_confirm_delete, {"rt": BUILDING}, name="building_confirm_delete"),
    path("buildings/<int:pk>/delete/", views.record_delete, {"rt": BUILDING}, name="building_delete"),
    path("buildings/new/", views.record_create, {"rt": BUILDING}, name="building_create"),
    # unit
    path("units/", views.record_list, {"rt": UNIT}, name="unit_list"),
    path("units/<int:pk>/", views.record_detail, {"rt": UNIT}, name="unit_detail"),
    path("units/<int:pk>/edit/", views.record_edit, {"rt": UNIT}, name="unit_edit"),
    path("units/<int:pk>/confirm-delete/", views.record_confirm_delete, {"rt": UNIT}, name="unit_confirm_delete"),
    path("units/<int:pk>/delete/", views.record_delete, {"rt": UNIT}, name="unit_delete"),
    path("units/new/", views.record_create, {"rt": UNIT}, name="unit_create"),
    # owner
    path("owners/", views.record_list, {"rt": OWNER}, name="owner_list"),
    path("owners/<int:pk>/", views.record_detail, {"rt": OWNER}, name="owner_detail"),
    path("owners/<int:pk>/edit/", views.record_edit, {"rt": OWNER}, name="owner_edit"),
    path("owners/<int:pk>/confirm-delete/", views.record_confirm_delete, {"rt": OWNER}, name="owner_confirm_delete"),
    path("owners/<int:pk>/delete/", views.record_delete, {"rt": OWNER}, name="owner_delete"),
    path("owners/new/", views.owner_create, name="owner_create"),
    # parking
    path("parking/", views.record_list, {"rt": PARKING}, name="parking_list"),
    path("parking/<int:pk>/", views.record_detail, {"rt": PARKING}, name="parking_detail"),
    path("parking/<int:pk>/edit/", views.record_edit, {"rt": PARKING}, name="parking_edit"),
    path("parking/<int:pk>/confirm-delete/", views.record_confirm_delete, {"rt": PARKING}, name="parking_confirm_delete"),
    path("parking/<int:pk>/delete/", views.record_delete, {"rt": PARKING}, name="parking_delete"),
    path("parking/new/", views.record_create, {"rt": PARKING}, name="parking_create"),
    # staff
    path("staff/", views.record_list, {"rt": STAFF}, name="staff_list"),
    path("staff/<int:pk>/", views.record_detail, {"rt": STAFF}, name="staff_detail"),
    path("staff/<int:pk>/edit/", views.record_edit, {"rt": STAFF}, name="staff_edit"),
    path("staff/<int:pk>/confirm-delete/", views.record_confirm_delete, {"rt": STAFF}, name="staff_confirm_delete"),
    path("staff/<int:pk>/delete/", views.record_delete, {"rt": STAFF}, name="staff_delete"),
    path("staff/new/", views.record_create, {"rt": STAFF}, name="staff_create"),
    # committee
    path("committees/", views.record_list, {"rt": COMMITTEE}, name="committee_list"),
    path("committees/<int:pk>/", views.record_detail, {"rt": COMMITTEE}, name="committee_detail"),
    path("committees/<int:pk>/edit/", views.record_edit, {"rt": COMMITTEE}, name="committee_edit"),
    path("committees/<int:pk>/confirm-delete/", views.record_confirm_delete, {"rt": COMMITTEE}, name="committee_confirm_delete"),
    path("committees/<int:pk>/delete/", views.record_delete, {"rt": COMMITTEE}, name="committee_delete"),
    path("committees/new/", views.record_create, {"rt": COMMITTEE}, name="committee_create"),
    # an estate's service contract, a unit's owners, a committee's members
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
