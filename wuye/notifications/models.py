"""In-app notifications, the outbox of SMS and e-mail messages, and SMS verification codes.

DESIGN.md: notifications go through an outbox table written in the same transaction as the
change; a worker claims pending rows with a conditional UPDATE and sends them.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuye.core.masking import mask_phone

# Known values of the free-text ``category``, as shown on the notification page.
CATEGORY_LABELS = {
    "complaint": _("投诉"),
    "case": _("投诉"),
    "supervision": _("监管"),
    "inspection": _("检查"),
    "rectification": _("整改"),
    "credit": _("信用"),
    "disclosure": _("公开"),
    "governance": _("业主决策"),
    "campaign": _("专项行动"),
    "account": _("账号"),
    "sms_code": _("验证码"),
    "system": _("系统"),
}


class Notification(models.Model):
    """One message in a user's in-app inbox (the bell in the top bar)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    category = models.CharField(_("类别"), max_length=32, blank=True, db_index=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        indexes = [
            models.Index(fields=["user", "read_at"], name="notif_user_read"),
            models.Index(fields=["user", "-created_at"], name="notif_user_created"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def category_label(self) -> str:
        label = CATEGORY_LABELS.get(self.category)
        return str(label) if label else ""


class OutboxMessage(models.Model):
    """An SMS or e-mail waiting to be sent, or the record of its sending."""

    class Channel(models.TextChoices):
        SMS = "sms", _("短信")
        EMAIL = "email", _("电子邮件")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    recipient = models.CharField(_("接收地址"), max_length=254)
    subject = models.CharField(_("标题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    category = models.CharField(_("类别"), max_length=32, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("下次发送时间"), default=timezone.now)
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    dedup_key = models.CharField(_("去重键"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("待发消息")
        verbose_name_plural = _("待发消息")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["claim_token"], name="outbox_claim"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient_masked}"

    @property
    def recipient_masked(self) -> str:
        if self.channel == self.Channel.SMS:
            return mask_phone(self.recipient)
        name, _at, domain = self.recipient.partition("@")
        return f"{name[:1]}***@{domain}" if domain else mask_phone(self.recipient)


class NotificationKey(models.Model):
    """A ``dedup_key`` already notified: a second ``notify`` with the same key writes nothing.
    The unique key makes two racing workers safe (the loser's insert fails in its savepoint)."""

    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("通知去重键")
        verbose_name_plural = _("通知去重键")

    def __str__(self) -> str:
        return self.key


class SmsCode(models.Model):
    """One SMS verification code, stored only as an HMAC of phone, purpose and code."""

    phone = models.CharField(_("手机号码"), max_length=20)
    purpose = models.CharField(_("用途"), max_length=32)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("发送时间"))
    expires_at = models.DateTimeField(_("失效时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("错误次数"), default=0)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [
            models.Index(fields=["phone", "purpose", "-created_at"], name="smscode_latest"),
            models.Index(fields=["phone", "created_at"], name="smscode_daily"),
        ]

    def __str__(self) -> str:
        return f"{mask_phone(self.phone)} · {self.purpose}"
