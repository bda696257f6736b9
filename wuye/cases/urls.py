"""/complaints/: the public form and tracking, the units' queues and pages, metrics."""

from django.urls import include, path

from . import urls_config, urls_metrics, urls_pages, urls_public

app_name = "cases"
urlpatterns = [
    path("", include(urls_public)),
    path("", include(urls_pages)),
    path("metrics/", include(urls_metrics)),
    path("config/", include(urls_config)),
]
