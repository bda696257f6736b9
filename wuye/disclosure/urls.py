"""/disclosure/: common income, shared utilities, fee notices and parking (namespace ``disclosure``)."""

from . import urls_fees, urls_income, urls_parking, urls_settings, urls_utilities

app_name = "disclosure"
urlpatterns = [*urls_income.urlpatterns, *urls_utilities.urlpatterns, *urls_fees.urlpatterns,
               *urls_parking.urlpatterns, *urls_settings.urlpatterns]
