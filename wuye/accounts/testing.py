"""Helpers for tests that call the API or log in with a second factor (issue 13 items 5 and 6)."""

from __future__ import annotations

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from .tokens import token_create


def api_token_for(user, name: str = "test") -> str:
    """A fresh API token of ``user`` (what ``POST /api/v1/auth/token/`` returns), for
    ``client.credentials(HTTP_AUTHORIZATION=f"Token {key}")``."""
    return token_create(user, name)[1]


def totp_enrol(user) -> TOTPDevice:
    """A confirmed authenticator for ``user``."""
    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def totp_now(device: TOTPDevice, *, drift: int = 0) -> str:
    """The code the authenticator shows now (``drift`` steps away)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):0{device.digits}d}"
