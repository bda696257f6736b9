"""/disclosure/: common income, shared utilities, fee notices and parking (namespace ``disclosure``)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from wuye.core.settings_pages import settings_view

from .fees import urls as fees_urls
from .income import urls as income_urls
from .models import DisclosureSettings
from .parking import urls as parking_urls
from .utilities import urls as utilities_urls

settings_edit = settings_view(
    model=DisclosureSettings,
    fields=["income_deadline_month", "income_public_days", "utility_public_days", "utility_loss_threshold"],
    title=_("信息公开设置"),
    intro=_("公共收益年报须在截止月月底前公示上一年度情况（默认第一季度末），逾期未公示的，通知企业并记录信用信息"
            "“未按规定公示公共收益”；水电公摊损耗率超过预警线的标注待核查。"),
    saved=_("已保存信息公开设置"),
    url_name="disclosure:settings",
)

app_name = "disclosure"
urlpatterns = [*income_urls.urlpatterns, *utilities_urls.urlpatterns, *fees_urls.urlpatterns,
               *parking_urls.urlpatterns, path("settings/", settings_edit, name="settings")]
