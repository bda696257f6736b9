"""Helpers of the intake tests (the public form, the owner's and the desk's forms): the phone and
URLs, photos, SMS codes, a filled-in form, and media and cache cleaned around every test."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from PIL import Image

from wuye.cases.models import Category
from wuye.notifications.models import OutboxMessage, SmsCode

PHONE = "13812345678"
NEW = "/complaints/new/"
SMS = "/complaints/sms-code/"
DESCRIPTION = "3号楼门口的垃圾桶已经三天没有清运，气味很大。"


@pytest.fixture(name="_clean", autouse=True)
def clean_fixture(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


def image_file(name: str = "photo.png", size=(40, 30), fmt: str = "PNG") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buf, format=fmt)
    return SimpleUploadedFile(name, buf.getvalue(), content_type=f"image/{fmt.lower()}")


def fake_image() -> SimpleUploadedFile:
    return SimpleUploadedFile("fake.jpg", "这不是图片，只是一段文字".encode(), content_type="image/jpeg")


def last_code(phone: str = PHONE) -> str:
    """The code as the resident reads it in the SMS: from the outbox row."""
    msg = OutboxMessage.objects.filter(channel="sms", recipient=phone, category="sms_code").order_by("-id").first()
    assert msg is not None, "no SMS code in the outbox"
    return re.search(r"(\d{6})", msg.body).group(1)


def request_code(client, phone: str = PHONE) -> str:
    response = client.post(SMS, {"phone": phone}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200, response.content.decode()
    return last_code(phone)


def allow_next_code() -> None:
    """The code service refuses a second code within 60 s: age the last one."""
    SmsCode.objects.update(created_at=F("created_at") - timedelta(minutes=2))


def form_data(world, **overrides) -> dict:
    data = {
        "estate": str(world.estate_a.pk), "estate_q": world.estate_a.name,
        "category": str(Category.objects.get(code="cleaning_greening").pk),
        "title": "垃圾未清运", "description": DESCRIPTION, "location": "3号楼2单元门口",
        "name": "王秀英", "phone": PHONE, "code": "", "anonymous": "on", "idem": "a" * 32,
    }
    data.update(overrides)
    return data


def file_on_form(client, world, **overrides):
    data = form_data(world, **overrides)
    if not data.get("code"):
        data["code"] = request_code(client, data["phone"])
    return client.post(NEW, data)

