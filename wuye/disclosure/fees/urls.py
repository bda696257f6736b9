from django.urls import path

from . import views as v

urlpatterns = [
    path("fees/", v.fee_list, name="fee_list"),
    path("fees/new/", v.fee_new, name="fee_new"),
    path("fees/<int:pk>/", v.fee_detail, name="fee_detail"),
    path("fees/estate/<int:estate_pk>/", v.fee_public, name="fee_public"),
]
