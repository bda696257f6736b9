"""Forms of the login, password and account pages. They only gather and check input; the rules
live in services and selectors."""

from __future__ import annotations

import django_filters as df
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import ROLE_BINDING, AdminProposal, Role, User
from .proposals import PROPOSABLE_ROLES
from .selectors import account_by_username, binding_choices, binding_get, binding_label
from .services import BINDING_FIELDS


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码不正确。连续输错 %(limit)s 次账号将被锁定。"),
        "inactive": _("该账号已停用，请联系系统管理员。"),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["username"].widget.attrs.update(
            {"class": "form-control form-control-lg", "placeholder": _("请输入用户名"), "autocomplete": "username"}
        )
        self.fields["password"].label = _("密码")
        self.fields["password"].widget.attrs.update(
            {"class": "form-control form-control-lg", "placeholder": _("请输入密码"), "autocomplete": "current-password"}
        )

    def get_invalid_login_error(self):
        return forms.ValidationError(
            self.error_messages["invalid_login"], code="invalid_login", params={"limit": settings.AXES_FAILURE_LIMIT}
        )


class OwnPasswordChangeForm(PasswordChangeForm):
    """Django's form (old password, new twice, the policy validators) with Chinese labels. Saving
    is done by ``services.password_change``, not by the form."""

    error_messages = {
        "password_incorrect": _("原密码不正确，请重新输入。"),
        "password_mismatch": _("两次输入的新密码不一致。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {"old_password": _("原密码"), "new_password1": _("新密码"), "new_password2": _("确认新密码")}
        for name, label in labels.items():
            self.fields[name].label = label
            self.fields[name].widget.attrs["class"] = "form-control"
        self.fields["new_password2"].help_text = ""

    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("new_password1")
        if new and not self.has_error("new_password1") and self.user.check_password(new):
            self.add_error("new_password1", forms.ValidationError(_("新密码不能与原密码相同。"), code="password_unchanged"))
        return cleaned


class AccountCreateForm(forms.Form):
    username = forms.RegexField(
        label=_("用户名"), max_length=150, regex=r"^[A-Za-z0-9_.@+-]+$",
        error_messages={"invalid": _("用户名只能包含字母、数字和 @ . + - _。")},
        help_text=_("登录用，字母、数字和 @ . + - _，创建后不可修改。"),
    )
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False,
                            help_text=_("临时密码以短信发给本人（不向管理员显示）；无手机号码时须填电子邮箱。"))
    email = forms.EmailField(label=_("电子邮箱"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class LookupSelect(forms.Select):
    """A select that renders only the chosen option; the rest come from the lookup endpoint as the
    user types (there may be tens of thousands of estates or owners)."""

    def __init__(self, kind: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind


BINDING_LABELS = {
    "district": _("所属区县/园区"),
    "street": _("所属街道/乡镇"),
    "community": _("所属社区"),
    "department": _("所属职能部门"),
    "company": _("所属物业企业"),
    "estate": _("所属小区（业委会）"),
    "owner": _("业主身份"),
}


class RoleAssignForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)

    def __init__(self, *args, instance: User, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("role", instance.role)
        for name in BINDING_FIELDS:
            initial.setdefault(name, getattr(instance, f"{name}_id"))
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["role"].widget.attrs["class"] = "form-select"
        for name in BINDING_FIELDS:
            field = forms.ModelChoiceField(
                label=BINDING_LABELS[name], queryset=binding_choices(name), required=False,
                widget=LookupSelect(name, attrs={"class": "form-select"}),
                error_messages={"invalid_choice": _("所选项不存在，请重新查找选择。")},
            )
            self.fields[name] = field
        self._limit_choices()

    def _limit_choices(self):
        """Render only the currently chosen option of each binding, not the whole table."""
        for name in BINDING_FIELDS:
            value = self.data.get(name) if self.is_bound else self.initial.get(name)
            obj = None
            if value not in (None, ""):
                obj = binding_get(name, value)
            choices = [("", "—")]
            if obj is not None:
                choices.append((obj.pk, binding_label(name, obj)))
            self.fields[name].widget.choices = choices

    def binding(self) -> dict:
        role = self.cleaned_data["role"]
        needed = ROLE_BINDING.get(role)
        return {needed: self.cleaned_data.get(needed)} if needed else {}


class UserFilter(df.FilterSet):
    """Filters of the account list: role, unit, active, and a search box."""

    q = df.CharFilter(label=_("搜索"), method="filter_q")
    role = df.ChoiceFilter(label=_("角色"), choices=Role.choices, empty_label=_("全部角色"))
    unit = df.CharFilter(label=_("单位"), method="filter_unit")
    is_active = df.ChoiceFilter(
        label=_("状态"), method="filter_active", empty_label=_("全部状态"),
        choices=[("1", _("启用")), ("0", _("停用"))],
    )

    class Meta:
        model = User
        fields = ["role"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        cond = Q(username__icontains=value) | Q(full_name__icontains=value)
        if value.isdigit():
            cond |= Q(phone=value)
        return queryset.filter(cond)

    def filter_unit(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        cond = Q()
        for binding in BINDING_FIELDS:
            if binding == "owner":
                continue
            cond |= Q(**{f"{binding}__name__icontains": value})
        return queryset.filter(cond)

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "1")

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)
        return form


class OtpForm(forms.Form):
    code = forms.CharField(
        label=_("动态验证码"), max_length=16,
        help_text=_("身份验证器（如手机上的验证器应用）显示的 6 位数字；手机丢失时可输入一个恢复码。"),
        widget=forms.TextInput(attrs={"class": "form-control form-control-lg", "autocomplete": "one-time-code",
                                      "inputmode": "numeric", "autofocus": True}),
    )


class ProposalForm(forms.Form):
    """A proposal about an administrator account (two-person rule); checked by proposals.py."""

    kind = forms.ChoiceField(label=_("申请事项"), choices=AdminProposal.Kind.choices)
    target = forms.CharField(label=_("账号（用户名）"), max_length=150, required=False,
                             help_text=_("新建管理员账号时留空"))
    username = forms.CharField(label=_("新账号用户名"), max_length=150, required=False)
    full_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False,
                            help_text=_("新建账号的临时密码以短信发给本人"))
    role = forms.ChoiceField(label=_("角色"), required=False,
                             choices=[("", "—")] + [(r, Role(r).label) for r in PROPOSABLE_ROLES])
    reason = forms.CharField(label=_("事由"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"

    def clean_target(self):
        name = self.cleaned_data.get("target", "").strip()
        if not name:
            return None
        user = account_by_username(name)
        if user is None:
            raise forms.ValidationError(_("没有这个用户名的账号。"))
        return user

    def service_kwargs(self) -> dict:
        return {k: self.cleaned_data.get(k) or ("" if k != "target" else None)
                for k in ("kind", "target", "username", "full_name", "phone", "role", "reason")}
