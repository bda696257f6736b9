from django.urls import path

from . import views

app_name = "territory"
urlpatterns = [
    path("", views.district_list, name="district_list"),
    path("districts/<int:pk>/", views.district_detail, name="district_detail"),
    path("streets/<int:pk>/", views.street_detail, name="street_detail"),
    path("communities/<int:pk>/", views.community_detail, name="community_detail"),
]
