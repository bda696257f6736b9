from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class SettingsModel(models.Model):
    """A city bureau's settings of one app: a single row (pk 1), made with its defaults on first use."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls):
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class AuditAction(models.TextChoices):
    LOGIN = "login", _("登录成功")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出登录")
    LOCKED = "locked", _("账号锁定")
    DENIED = "denied", _("拒绝访问")
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    REVEAL = "reveal", _("查看敏感信息")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    PASSWORD = "password", _("修改密码")
    ACCOUNT = "account", _("账号管理")
    TOKEN = "token", _("签发令牌")


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):  # pragma: no cover - guarded path
        raise PermissionError("审计记录不可修改")

    def delete(self):  # pragma: no cover - guarded path
        raise PermissionError("审计记录不可删除")


class AuditLog(models.Model):
    """One append-only, hash-chained audit row (DESIGN.md: audit rows the application cannot
    edit or delete). Database triggers (migration 0002) refuse UPDATE and DELETE as well."""

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
        on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
    )
    actor_username = models.CharField(_("账号"), max_length=150, blank=True, db_index=True)
    actor_role = models.CharField(_("角色"), max_length=32, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    action = models.CharField(_("动作"), max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    detail = models.CharField(_("说明"), max_length=500, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor_username} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("审计记录不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计记录不可删除")


class AuditChainHead(models.Model):
    """The last link of the audit chain, so that deleting the newest rows is detected too."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class DeniedTally(models.Model):
    """Refusals of anonymous requests from one client address in one minute (issue 13 §12): the
    first of the minute is audited at once, the rest are only counted here, and
    ``core.denials.denied_flush`` writes one audit row with the minute's count once it is over,
    so that anonymous noise cannot flood the hash chain. Not part of the audit trail itself."""

    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    minute = models.DateTimeField(_("分钟"))
    count = models.PositiveIntegerField(_("次数"), default=1)

    class Meta:
        verbose_name = _("匿名拒绝计数")
        verbose_name_plural = _("匿名拒绝计数")
        constraints = [models.UniqueConstraint(fields=["ip", "minute"], name="core_deniedtally_ip_minute")]

    def __str__(self) -> str:
        return f"{self.ip} {self.minute:%H:%M} ×{self.count}"


class CalendarDay(TimeStampedModel):
    """The city bureau's override of one day of the working-day calendar (``core.calendar``): a
    holiday or make-up working day the chinese_calendar package does not know yet, or a local
    change. An override always wins over the package."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(
        _("是否工作日"), help_text=_("选“是”：当天上班（如调休上班的周末）；选“否”：当天放假（如法定节假日）。"),
    )
    name = models.CharField(_("名称"), max_length=40, help_text=_("如“春节”“国庆节调休”“台风停工”。"))
    note = models.CharField(_("依据与说明"), max_length=300, blank=True,
                            help_text=_("如国务院办公厅通知的文号，或本市的通知。"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日历调整")
        verbose_name_plural = _("工作日历调整")

    def __str__(self) -> str:
        kind = _("上班") if self.is_workday else _("放假")
        return f"{self.date:%Y-%m-%d} {self.name}（{kind}）"


class StagedUpload(models.Model):
    """A photo kept between a form refused for some other field and its corrected resubmission
    (issue 14 §10; DESIGN.md "bad input … loses nothing"). Cleaned by ``core.uploads`` like every
    uploaded image; referenced by the form's hidden ``token`` (128 random bits, never shown
    elsewhere); attached to the record on success, else deleted after a day (``core.staging``)."""

    token = models.CharField(_("暂存标识"), max_length=32, db_index=True)
    purpose = models.CharField(_("用途"), max_length=40)
    file = models.FileField(_("图片"), upload_to="staged/%Y/%m/%d/")
    content_type = models.CharField(_("类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小"))
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("暂存时间"), db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("暂存上传")
        verbose_name_plural = _("暂存上传")

    def __str__(self) -> str:
        return f"{self.purpose} {self.token[:6]}… #{self.pk}"
