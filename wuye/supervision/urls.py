"""/supervision/: standards and inspections, rectification orders, surveys and star ratings."""

from . import urls_inspections, urls_standards, urls_stars, urls_surveys

app_name = "supervision"
urlpatterns = [
    *urls_standards.urlpatterns,
    *urls_inspections.urlpatterns,
    *urls_surveys.urlpatterns,
    *urls_stars.urlpatterns,
]
