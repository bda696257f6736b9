"""/governance/party/: Party building and three-party joint meetings (names ``party_*``)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from wuye.core.settings_pages import settings_view

from . import views as v
from .models import PartySettings

settings_edit = settings_view(
    model=PartySettings, fields=["meeting_period_months", "followup_reminder_days"], title=_("党建引领设置"),
    intro=_("三方联席会议的周期（默认每季度至少一次，未召开的小区向社区和街道预警）；跟办事项到期前提醒的天数。"
            "党员委员比例目标见“业主自治设置”。"),
    saved=_("已保存党建引领设置"), url_name="governance:party_settings")

urlpatterns = [
    path("party/", v.party_home, name="party_home"),
    path("party/flags/", v.flags, name="party_flags"),
    path("party/settings/", settings_edit, name="party_settings"),
    path("party/organisations/", v.organisation_list, name="party_org_list"),
    path("party/organisations/new/", v.organisation_new, name="party_org_new"),
    path("party/organisations/<int:pk>/", v.organisation_detail, name="party_org_detail"),
    path("party/organisations/<int:pk>/members/<int:member_pk>/remove/", v.member_remove, name="party_member_remove"),
    path("party/meetings/", v.meeting_list, name="party_meeting_list"),
    path("party/meetings/new/", v.meeting_new, name="party_meeting_new"),
    path("party/meetings/<int:pk>/", v.meeting_detail, name="party_meeting_detail"),
    path("party/followups/<int:pk>/<slug:action>/", v.followup_act, name="party_followup_act"),
]
