from django.urls import path

from wuye.core.views import not_ready

app_name = "core"
urlpatterns = [
    path("", not_ready, name="audit_list"),
]
