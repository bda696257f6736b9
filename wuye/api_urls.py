"""/api/v1/: one router for every app's API."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from wuye.accounts.api import obtain_token
from wuye.cases.api import register as register_cases
from wuye.core.api_calendar import calendar_due
from wuye.registry.api import register as register_registry
from wuye.territory.api import register as register_territory

router = DefaultRouter()
register_territory(router)
register_registry(router)
register_cases(router)

# The router first: its routes (complaints among them) are the busiest, and no other route here
# shares a path with them.
urlpatterns = [
    path("", include(router.urls)),
    path("auth/token/", obtain_token, name="api-token"),
    path("calendar/due/", calendar_due, name="api-calendar-due"),
    path("", include("wuye.credit.api_urls")),
    path("", include("wuye.supervision.api_urls")),
    path("", include("wuye.disclosure.api_urls")),
    path("", include("wuye.governance.api_urls")),
    path("", include("wuye.campaign.notices.api_urls")),
    path("", include("wuye.campaign.training.api_urls")),
    path("", include("wuye.campaign.api_urls")),
    path("", include("wuye.campaign.bulletins.api_urls")),
    path("", include("wuye.rulemaking.api_urls")),
    path("", include("wuye.transition.developers.api_urls")),
    path("", include("wuye.transition.handover.api_urls")),
    path("", include("wuye.transition.oldcompounds.api_urls")),
    path("", include("wuye.transition.quasi.api_urls")),
    path("", include("wuye.transition.recheck.api_urls")),
    path("", include("wuye.privacy.api_urls")),
]
