"""/governance/: owners' votes and committee elections (namespace ``governance``)."""

from . import urls_elections, urls_settings, urls_votes

app_name = "governance"
urlpatterns = [*urls_votes.urlpatterns, *urls_elections.urlpatterns, *urls_settings.urlpatterns]
