"""/supervision/: standards and inspections, rectification orders, surveys and star ratings."""

from .inspections import urls as inspections_urls
from .orders import urls as orders_urls
from .standards import urls as standards_urls
from .stars import urls as stars_urls
from .surveys import urls as surveys_urls

app_name = "supervision"
urlpatterns = [
    *standards_urls.urlpatterns,
    *inspections_urls.urlpatterns,
    *orders_urls.urlpatterns,
    *surveys_urls.urlpatterns,
    *stars_urls.urlpatterns,
]
