from django.urls import path
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from wuye.core.errors import ServiceError
from wuye.core.settings_pages import settings_view

from .models import GovernanceSettings


def _check(obj) -> None:
    # rules.md §1: the committee has 5–11 members, an odd number.
    if not (obj.committee_min <= obj.committee_max and obj.committee_min % 2 and obj.committee_max % 2):
        raise ServiceError(_g("业委会人数上下限须为奇数，且下限不大于上限"))


settings_edit = settings_view(
    model=GovernanceSettings,
    fields=["notice_days", "ballots_changeable", "filing_days", "term_reminder_months", "committee_min",
            "committee_max", "max_term_years", "party_share_percent"],
    title=_("业主自治设置"),
    intro=_("依据民法典第二百七十八条：召开业主大会应当于会议召开 15 日前通知全体业主；业主委员会由 5 至 11 人单数组成，"
            "任期不超过 5 年，选举后 30 日内向区县主管部门和街道办事处备案。"),
    saved=_("已保存业主自治设置"),
    url_name="governance:settings",
    check=_check,
)

urlpatterns = [path("settings/", settings_edit, name="settings")]
