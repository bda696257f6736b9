from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("wuye.portal.urls")),
    path("accounts/", include("wuye.accounts.urls")),
    path("territory/", include("wuye.territory.urls")),
    path("registry/", include("wuye.registry.urls")),
    path("audit/", include("wuye.core.urls")),
    path("calendar/", include("wuye.core.urls_calendar")),
    path("system/", include("wuye.core.urls_system")),
    path("notifications/", include("wuye.notifications.urls")),
    path("complaints/", include("wuye.cases.urls")),
    path("supervision/", include("wuye.supervision.urls")),
    path("credit/", include("wuye.credit.urls")),
    path("overview/", include("wuye.dashboards.urls")),
    path("disclosure/", include("wuye.disclosure.urls")),
    path("governance/", include("wuye.governance.urls")),
    path("campaign/bulletins/", include("wuye.campaign.bulletins.urls")),
    path("campaign/", include("wuye.campaign.urls")),
    path("rulemaking/", include("wuye.rulemaking.urls")),
    path("notices/", include("wuye.campaign.notices.urls")),
    path("training/", include("wuye.campaign.training.urls")),
    path("developers/", include("wuye.transition.developers.urls")),
    path("handovers/", include("wuye.transition.handover.urls")),
    path("old-compounds/", include("wuye.transition.oldcompounds.urls")),
    path("quasi/", include("wuye.transition.quasi.urls")),
    path("recheck/", include("wuye.transition.recheck.urls")),
    path("privacy/", include("wuye.privacy.urls")),
    path("public/", include("wuye.portal.urls_public")),
    path("open311/v2/", include("wuye.cases.open311.urls")),
    path("open311/partners/", include("wuye.cases.open311.urls_partners")),
    path("api/v1/", include("wuye.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
]

# A refusal raised anywhere (PermissionDenied) is audited once and shown as a Chinese page.
handler403 = "wuye.core.views.permission_denied"
# A lost database answers 503 with Retry-After (issue 18 §8); anything else the designed 500 page.
handler500 = "wuye.core.health.server_error"
