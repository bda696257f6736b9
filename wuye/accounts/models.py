"""Users, their role, and the one territory or organisation each is bound to (issue: every
non-city user is bound to a territory or organisation and sees exactly that)."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken

from wuye.core.masking import mask_phone
from wuye.core.workflow import WorkflowEvent


class Role(models.TextChoices):
    CITY = "city", _("市住房保障房产局")
    DISTRICT = "district", _("区县/园区主管部门")
    STREET = "street", _("街道办事处/乡镇")
    COMMUNITY = "community", _("社区居委会")
    DEPARTMENT = "department", _("职能部门")
    COMPANY_MANAGER = "company_manager", _("物业企业负责人")
    COMPANY_STAFF = "company_staff", _("物业企业员工")
    COMMITTEE = "committee", _("业委会成员")
    RESIDENT = "resident", _("业主/住户")
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITOR = "auditor", _("安全审计员")
    NONE = "none", _("未分配角色")


# The binding each role needs: the attribute of User that must be set.
ROLE_BINDING: dict[str, str | None] = {
    Role.CITY: None,
    Role.DISTRICT: "district",
    Role.STREET: "street",
    Role.COMMUNITY: "community",
    Role.DEPARTMENT: "department",
    Role.COMPANY_MANAGER: "company",
    Role.COMPANY_STAFF: "company",
    Role.COMMITTEE: "estate",
    Role.RESIDENT: "owner",
    Role.SYSADMIN: None,
    Role.SECADMIN: None,
    Role.AUDITOR: None,
    Role.NONE: None,
}
ADMIN_ROLES = {Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR}
# The property company's manager and staff: the roles bound to a company.
COMPANY_ROLES = frozenset({Role.COMPANY_MANAGER, Role.COMPANY_STAFF})
# Roles whose staff passwords expire (issue: staff passwords expire after 90 days). Residents don't.
STAFF_ROLES = set(Role) - {Role.RESIDENT, Role.NONE}
GOVERNMENT_ROLES = {Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY, Role.DEPARTMENT}


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.NONE, db_index=True)
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    district = models.ForeignKey("territory.District", verbose_name=_("所属区县"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey("territory.Street", verbose_name=_("所属街道"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey("territory.Community", verbose_name=_("所属社区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("territory.Department", verbose_name=_("所属部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey("registry.PropertyCompany", verbose_name=_("所属企业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    estate = models.ForeignKey("registry.Estate", verbose_name=_("所属小区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey("registry.Owner", verbose_name=_("业主身份"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        binding = ROLE_BINDING.get(self.role)
        fields = {"district", "street", "community", "department", "company", "estate", "owner"}
        if binding and getattr(self, f"{binding}_id") is None:
            raise ValidationError({binding: _("该角色必须绑定所属单位或区域")})
        for f in fields - {binding}:
            if getattr(self, f"{f}_id") is not None:
                raise ValidationError({f: _("该角色不应绑定此项")})

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_admin_role(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def unit_label(self) -> str:
        """The user's unit as shown in the header: 朝阳区 · 区县/园区主管部门."""
        binding = ROLE_BINDING.get(self.role)
        if binding:
            bound = getattr(self, binding)
            if bound is not None:
                return str(bound)
        if self.role == Role.CITY:
            return str(_("市住房保障房产局"))
        return ""


class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox, ``KNOX_TOKEN_MODEL``): only its SHA-512 digest is stored;
    it expires (settings ``WUYE_API_TOKEN_HOURS``; longer for partner systems); a user may hold
    several, one per device or system, each revocable (issue 13 item 5)."""

    name = models.CharField(_("设备或系统"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")


class AdminProposal(models.Model):
    """A change to an administrator account proposed by one administrator and decided by an
    administrator of another kind (三员分立, two-person rule; issue 13 item 8)."""

    class Kind(models.TextChoices):
        CREATE = "create", _("新建管理员账号")
        ROLE = "role", _("变更管理员角色")
        DEACTIVATE = "deactivate", _("停用管理员账号")
        REACTIVATE = "reactivate", _("启用管理员账号")
        RESET_PASSWORD = "reset_password", _("重置管理员密码")

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")

    kind = models.CharField(_("事项"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    version = models.PositiveIntegerField(default=0)
    target = models.ForeignKey(User, verbose_name=_("账号"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    reason = models.CharField(_("事由"), max_length=200)
    proposed_by = models.ForeignKey(User, verbose_name=_("提议人"), on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("提议时间"), auto_now_add=True)
    decided_by = models.ForeignKey(User, verbose_name=_("审批人"), null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("管理员账号变更申请")
        verbose_name_plural = _("管理员账号变更申请")
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.username or (self.target.username if self.target else '')}"


class AdminProposalEvent(WorkflowEvent):
    proposal = models.ForeignKey(AdminProposal, on_delete=models.CASCADE, related_name="events")
