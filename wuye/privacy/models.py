"""Retention settings (one row) and residents' correction requests (issue 18 §12).

个人信息保护法第十九条：个人信息的保存期限应当为实现处理目的所必要的最短时间 — every kind of personal
data the platform keeps after its purpose is served has its period here, edited by the system
administrator; ``services.retention_sweep`` anonymises what passed it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuye.core.models import SettingsModel
from wuye.core.workflow import WorkflowEvent

#: At most 50 years: a longer period is a typing mistake, not a retention rule.
MONTHS = dict(validators=[MinValueValidator(1, message=_("保存期限至少为 1 个月")),
                          MaxValueValidator(600, message=_("保存期限不能超过 600 个月（50 年）"))])


class RetentionSettings(SettingsModel):
    """How long each kind of personal data is kept, in calendar months (个人信息保护法第十九条)."""

    complaint_contact_months = models.PositiveSmallIntegerField(
        _("诉求人姓名和电话保存期限（月）"), default=36, **MONTHS,
        help_text=_("自诉求办结（或不予受理、撤回、认定重复）之日起计算，默认 3 年。到期后姓名改为“已匿名”、电话清空；"
                    "类别、时间、区域、满意度等统计数据保留。"))
    complaint_photo_months = models.PositiveSmallIntegerField(
        _("诉求照片保存期限（月）"), default=36, **MONTHS,
        help_text=_("自诉求办结之日起计算，默认 3 年。到期后删除照片文件（诉求照片和办理佐证），照片记录标记为已删除。"))
    outbox_months = models.PositiveSmallIntegerField(
        _("短信、邮件发送记录保存期限（月）"), default=6, **MONTHS,
        help_text=_("自发送之日起计算，默认 6 个月。到期后已发送或发送失败的记录只保留打码后的号码，内容清除；"
                    "短信验证码记录的手机号同样打码。"))
    ip_months = models.PositiveSmallIntegerField(
        _("IP 地址保存期限（月）"), default=12, **MONTHS,
        help_text=_("默认 1 年（网络安全法第二十一条要求网络日志留存不少于六个月）。到期后清除短信验证码记录和导入任务中的 IP 地址。"
                    "审计日志中的 IP 地址属于防篡改哈希链的一部分，不能改写，随审计日志保存。"))
    login_attempt_months = models.PositiveSmallIntegerField(
        _("登录尝试记录保存期限（月）"), default=6, **MONTHS,
        help_text=_("登录失败与锁定记录（账号、IP 地址、浏览器标识），自最近一次尝试起计算，默认 6 个月，到期后删除。"
                    "登录成功与失败的审计记录不受影响。"))

    class Meta:
        verbose_name = _("个人信息保存期限")
        verbose_name_plural = _("个人信息保存期限")


class CorrectionRequest(models.Model):
    """A resident's request to correct or complete their personal data (个人信息保护法第四十六条：
    个人发现其个人信息不准确或者不完整的，有权请求个人信息处理者更正、补充)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待处理")
        CORRECTED = "corrected", _("已更正")
        REFUSED = "refused", _("不予更正")

    class Field(models.TextChoices):
        NAME = "name", _("姓名")
        PHONE = "phone", _("联系电话")
        UNIT = "unit", _("房屋与产权信息")
        COMPLAINT = "complaint", _("诉求记录")
        BALLOT = "ballot", _("表决记录")
        SHARE = "share", _("公摊或公共收益分配")
        OTHER = "other", _("其他")

    requester = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT,
                                  related_name="correction_requests")
    field = models.CharField(_("需更正的信息"), max_length=12, choices=Field.choices)
    current_value = models.TextField(_("现有内容（有误之处）"), max_length=500)
    wanted_value = models.TextField(_("应更正为"), max_length=500)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED,
                              db_index=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    reply = models.TextField(_("处理说明"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("个人信息更正申请")
        verbose_name_plural = _("个人信息更正申请")
        indexes = [models.Index(fields=["status", "-created_at"], name="privacy_corr_status"),
                   models.Index(fields=["requester", "-created_at"], name="privacy_corr_requester")]

    def __str__(self) -> str:
        return f"{self.get_field_display()}更正申请 #{self.pk}"


class CorrectionEvent(WorkflowEvent):
    """The request's timeline: one row per transition (``workflow.py``)."""

    request = models.ForeignKey(CorrectionRequest, verbose_name=_("更正申请"), on_delete=models.CASCADE,
                                related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("更正申请处理记录")
        verbose_name_plural = _("更正申请处理记录")
