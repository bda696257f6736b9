from django.urls import path

from wuye.core.views import not_ready

app_name = "registry"
urlpatterns = [
    path("estates/", not_ready, name="estate_list"),
    path("companys/", not_ready, name="company_list"),
    path("buildings/", not_ready, name="building_list"),
    path("units/", not_ready, name="unit_list"),
    path("owners/", not_ready, name="owner_list"),
    path("committees/", not_ready, name="committee_list"),
    path("parking/", not_ready, name="parking_list"),
    path("staff/", not_ready, name="staff_list"),
    path("imports/", not_ready, name="import_list"),
]
