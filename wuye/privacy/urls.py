from django.urls import path
from django.utils.translation import gettext_lazy as _

from wuye.core.settings_pages import settings_view

from . import views
from .models import RetentionSettings
from .selectors import can_edit_retention

app_name = "privacy"

retention_edit = settings_view(
    model=RetentionSettings,
    fields=["complaint_contact_months", "complaint_photo_months", "outbox_months", "ip_months",
            "login_attempt_months"],
    title=_("个人信息保存期限"),
    intro=_("依据个人信息保护法第十九条：个人信息的保存期限应当为实现处理目的所必要的最短时间；第四十七条：保存期限届满的，"
            "应当主动删除。平台每天自动将到期的个人信息匿名化或删除，统计数据不变，每次处理在审计日志中记录一条汇总。"
            "审计日志中的 IP 地址是防篡改哈希链的一部分，不改写。"),
    saved=_("已保存个人信息保存期限"),
    url_name="privacy:retention",
    can_edit=can_edit_retention,
    refusal=_("只有系统管理员可以修改个人信息保存期限"),
)

urlpatterns = [
    path("retention/", retention_edit, name="retention"),
    path("mine/", views.mine, name="mine"),
    path("mine/download/", views.download, name="download"),
    path("corrections/", views.correction_list, name="correction_list"),
    path("corrections/new/", views.correction_new, name="correction_new"),
    path("corrections/<int:pk>/", views.correction_detail, name="correction_detail"),
    path("corrections/<int:pk>/handle/", views.correction_handle, name="correction_handle"),
]
