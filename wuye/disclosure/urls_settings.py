from django.urls import path
from django.utils.translation import gettext_lazy as _

from wuye.core.settings_pages import settings_view

from .models import DisclosureSettings

settings_edit = settings_view(
    model=DisclosureSettings,
    fields=["income_deadline_month", "income_public_days", "utility_public_days", "utility_loss_threshold"],
    title=_("信息公开设置"),
    intro=_("公共收益年报须在截止月月底前公示上一年度情况（默认第一季度末），逾期未公示的，通知企业并记录信用信息"
            "“未按规定公示公共收益”；水电公摊损耗率超过预警线的标注待核查。"),
    saved=_("已保存信息公开设置"),
    url_name="disclosure:settings",
)

urlpatterns = [path("settings/", settings_edit, name="settings")]
