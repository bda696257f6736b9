from django.urls import path

from wuye.core.views import not_ready

app_name = "territory"
urlpatterns = [
    path("", not_ready, name="district_list"),
]
