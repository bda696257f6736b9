from django.urls import path

from wuye.core.views import not_ready

app_name = "portal"
urlpatterns = [
    path("", not_ready, name="home"),
    path("search/", not_ready, name="search"),
]
