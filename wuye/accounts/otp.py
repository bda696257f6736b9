"""Two-factor authentication (issue 13 item 6; GB/T 22239-2019 8.1.4.1 d: two or more factors for
administrators; ASVS 4.0 2.7/2.8): TOTP (django-otp) and single-use recovery codes.

Who needs it (``otp_required``): the three administrators always; city and district officials
when ``WUYE_OTP_FOR_OFFICIALS`` is on. The demo logins (``WUYE_DEMO_USERNAMES``) are exempt only in
demo mode (``WUYE_DEMO``). The login page checks the password, then asks for the code (or, at the
first login, enrols an authenticator with a QR code) before the session is opened; the token
endpoint asks for the code in its ``otp`` field. A lost authenticator is reset by the security
administrator (audited); the user enrols again at the next login.
"""

from __future__ import annotations

import secrets

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from wuye.core.audit import audit_record
from wuye.core.models import AuditAction

from .models import ADMIN_ROLES, Role, User
from .selectors import why_not

RECOVERY_CODES = 10
OFFICIAL_ROLES = {Role.CITY, Role.DISTRICT}


def otp_required(user) -> bool:
    """Must this account give a second factor to log in or to get an API token?"""
    if settings.DEMO_MODE and user.username in settings.WUYE_DEMO_USERNAMES:
        return False
    if user.role in ADMIN_ROLES:
        return True
    return bool(settings.WUYE_OTP_FOR_OFFICIALS) and user.role in OFFICIAL_ROLES


def otp_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def otp_match(user, code: str):
    """The device that accepts ``code`` (a TOTP code, or a recovery code, which is used up), or None."""
    code = "".join((code or "").split())
    if not code or len(code) > 16:
        return None
    return match_token(user, code)


def qr_svg(device: TOTPDevice) -> str:
    """The enrolment QR code as inline SVG (no network, no image file)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def otp_secret_text(device: TOTPDevice) -> str:
    """The secret in base32 groups of four, for typing into an authenticator by hand."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


@transaction.atomic
def otp_enrol_start(*, user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator (a new one, replacing an unfinished enrolment)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=gettext("身份验证器"), confirmed=False)


def otp_match_device(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def otp_pending_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


@transaction.atomic
def otp_enrol_confirm(*, user: User, code: str) -> list[str] | None:
    """Confirm the enrolment with a code from the authenticator; returns the new recovery codes
    (shown once), or None when the code is wrong."""
    device = otp_pending_device(user)
    if device is None or not device.verify_token("".join((code or "").split())):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=gettext("恢复码"), confirmed=True)
    codes = [secrets.token_hex(4) for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    audit_record(action=AuditAction.ACCOUNT, actor=user, obj=user, object_repr=user.username,
                 changes={"otp": [False, True]}, detail="绑定双因素身份验证器，生成恢复码")
    return codes


@transaction.atomic
def otp_reset(*, actor, user: User) -> int:
    """The security administrator removes a user's authenticator and recovery codes (a lost
    phone); the user enrols again at the next login. Audited."""
    from django.core.exceptions import PermissionDenied

    from .selectors import Action

    reason = why_not(actor, Action.OTP_RESET, user)
    if reason:
        raise PermissionDenied(reason)
    n, _detail = TOTPDevice.objects.filter(user=user).delete()
    m, _detail = StaticDevice.objects.filter(user=user).delete()
    audit_record(action=AuditAction.ACCOUNT, actor=actor, obj=user, object_repr=user.username,
                 changes={"otp": [bool(n), False]}, detail="重置双因素认证（须在下次登录时重新绑定）")
    return n + m
