"""/governance/: owners' votes and committee elections (namespace ``governance``)."""

from . import urls_settings
from .elections import urls as elections_urls
from .votes import urls as votes_urls

app_name = "governance"
urlpatterns = [*votes_urls.urlpatterns, *elections_urls.urlpatterns, *urls_settings.urlpatterns]
