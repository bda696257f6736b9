from django.urls import path

from . import views as v

urlpatterns = [
    path("parking/estate/<int:pk>/", v.parking_estate, name="parking_estate"),
    path("parking/estate/<int:pk>/waiting/", v.parking_waiting, name="parking_waiting"),
    path("parking/requests/<int:pk>/offer/", v.parking_offer, name="parking_offer"),
    path("parking/violations/", v.parking_violations, name="parking_violations"),
    path("parking/rent/", v.parking_rent, name="parking_rent"),
    path("parking/rent/<int:pk>/withdraw/", v.parking_withdraw, name="parking_withdraw"),
]
