"""Password policy (issue: ≥ 8 characters, at least 3 of 4 character classes, not containing
the username)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = [re.compile(r"[a-z]"), re.compile(r"[A-Z]"), re.compile(r"\d"), re.compile(r"[^a-zA-Z\d]")]


class PasswordPolicyValidator:
    min_length = 8

    def validate(self, password: str, user=None) -> None:
        errors = []
        if len(password) < self.min_length:
            errors.append(ValidationError(_("密码至少需要 8 个字符。"), code="password_too_short"))
        if sum(1 for c in CLASSES if c.search(password)) < 3:
            errors.append(
                ValidationError(_("密码须包含大写字母、小写字母、数字、符号中的至少三类。"), code="password_classes")
            )
        username = getattr(user, "username", "") if user is not None else ""
        if username and username.lower() in password.lower():
            errors.append(ValidationError(_("密码不得包含用户名。"), code="password_contains_username"))
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return _("密码至少 8 位，包含大写字母、小写字母、数字、符号中的至少三类，且不得包含用户名。")
