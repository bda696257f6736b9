"""/governance/: owners' votes, committee elections, Party building and joint meetings, the
supervision of committees and owners' oversight (namespace ``governance``)."""

from . import urls_settings
from .committees import urls as committee_urls
from .elections import urls as elections_urls
from .party import urls as party_urls
from .votes import urls as votes_urls

app_name = "governance"
urlpatterns = [*votes_urls.urlpatterns, *elections_urls.urlpatterns, *urls_settings.urlpatterns,
               *party_urls.urlpatterns, *committee_urls.urlpatterns]
