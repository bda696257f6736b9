"""Password policy: ≥ 8 characters, ≥ 3 of 4 character classes, not containing the username."""

import re

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from wuye.accounts.models import User
from wuye.accounts.services import generate_password
from wuye.accounts.validators import PasswordPolicyValidator

validator = PasswordPolicyValidator()
USER = User(username="zhangwei")


def codes(password, user=USER) -> set[str]:
    try:
        validator.validate(password, user)
    except ValidationError as exc:
        return {e.code for e in exc.error_list}
    return set()


def classes(password: str) -> int:
    return sum(bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^a-zA-Z\d]"))


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Wuye@2026", set()),
        ("wuye2026!", set()),  # lower + digit + symbol
        ("WUYE2026a", set()),  # upper + digit + lower
        ("Wu@2026", {"password_too_short"}),  # 7 characters
        ("wuyewuye2026", {"password_classes"}),  # two classes only
        ("WUYEWUYEWUYE", {"password_classes"}),
        ("abc", {"password_too_short", "password_classes"}),
        ("Zhangwei@2026", {"password_contains_username"}),  # case-insensitive
        ("xxZHANGWEI1!", {"password_contains_username"}),
    ],
)
def test_policy_examples(password, expected):
    assert codes(password) == expected


def test_messages_are_chinese():
    with pytest.raises(ValidationError) as exc:
        validator.validate("abc", USER)
    text = " ".join(exc.value.messages)
    assert "至少需要 8 个字符" in text and "至少三类" in text
    assert "不得包含用户名" in validator.get_help_text()


def test_policy_is_installed_in_settings():
    with pytest.raises(ValidationError):
        password_validation.validate_password("wuyewuye2026", USER)
    password_validation.validate_password("Wuye@2026", USER)


@given(st.text(min_size=0, max_size=30))
def test_accepts_exactly_the_passwords_the_rules_allow(password):
    allowed = len(password) >= 8 and classes(password) >= 3 and "zhangwei" not in password.lower()
    assert (codes(password) == set()) == allowed


@given(st.text(alphabet=st.characters(codec="ascii", categories=["Ll", "Lu", "Nd", "Po", "Sm"]), min_size=0, max_size=6),
       st.text(alphabet="abcdefgh", min_size=0, max_size=6))
def test_any_password_containing_the_username_is_refused(prefix, suffix):
    password = prefix + "ZhangWei" + suffix + "A1!"
    assert "password_contains_username" in codes(password)


@given(st.integers(min_value=0, max_value=7))
def test_short_passwords_are_refused_whatever_their_classes(length):
    password = ("aA1!" * 2)[:length]
    assert "password_too_short" in codes(password)


@given(st.integers(min_value=0, max_value=50))
def test_generated_temporary_passwords_meet_the_policy(_):
    password = generate_password()
    assert len(password) == 12
    assert codes(password, User(username="someone")) == set()
    assert classes(password) == 4
