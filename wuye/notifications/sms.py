"""SMS backends. ``settings.WUYE_SMS_BACKEND`` names the class (dotted path); a backend's
``send(phone, body)`` returns when the gateway accepted the message and raises otherwise.

- ``LogBackend`` (default): no gateway; each message becomes a ``[SMS] 138****5678: body`` line
  on the logger ``wuye.sms`` and in ``var/sms.log``. Used by ``make run`` and development.
- ``MemoryBackend``: keeps messages in the module list ``outbox`` (tests).
- A production gateway is a class with the same ``send`` method, e.g. ``myorg.sms.AliyunBackend``.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from wuye.core.calendar import local_text
from wuye.core.masking import mask_phone

DEFAULT_BACKEND = "wuye.notifications.sms.LogBackend"
logger = logging.getLogger("wuye.sms")
_file_lock = threading.Lock()


class BaseBackend:
    def send(self, phone: str, body: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class LogBackend(BaseBackend):
    """Writes ``[SMS] 138****5678: body`` to the logger ``wuye.sms`` and appends it to
    ``settings.VAR_DIR / "sms.log"`` with the time."""

    def send(self, phone: str, body: str) -> None:
        line = f"[SMS] {mask_phone(phone)}: {body}"
        logger.info(line)
        path = Path(settings.VAR_DIR) / "sms.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        stamp = local_text(timezone.now(), "%Y-%m-%d %H:%M:%S")
        with _file_lock, path.open("a", encoding="utf-8") as fh:
            fh.write(f"{stamp} {line}\n")


@dataclass(frozen=True)
class SentSms:
    phone: str
    body: str


# Messages "sent" by MemoryBackend, oldest first. Tests clear it.
outbox: list[SentSms] = []


class MemoryBackend(BaseBackend):
    def send(self, phone: str, body: str) -> None:
        outbox.append(SentSms(phone, body))


def get_backend() -> BaseBackend:
    path = getattr(settings, "WUYE_SMS_BACKEND", "") or DEFAULT_BACKEND
    return import_string(path)()
