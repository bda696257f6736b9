"""/open311/v2/: Open311 GeoReport v2 (see ``views``). Every resource in XML and JSON."""

from django.urls import re_path

from . import views

app_name = "open311"

FMT = r"\.(?P<format>json|xml)$"
CODE = r"(?P<%s>[-\w]{1,60})"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(r"^services/" + CODE % "service_code" + FMT, views.service_definition, name="service_definition"),
    re_path(r"^requests" + FMT, views.service_requests, name="requests"),
    re_path(r"^requests/" + CODE % "service_request_id" + FMT, views.service_request, name="request"),
    re_path(r"^tokens/" + CODE % "token" + FMT, views.token, name="token"),
]
