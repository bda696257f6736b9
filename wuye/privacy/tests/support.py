"""Helpers of the privacy tests (no tests here)."""

from __future__ import annotations

import io
from datetime import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

TZ = timezone.get_default_timezone()


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args), TZ)


def png(name: str = "p.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (12, 12), (10, 120, 200)).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")
