"""Articles embed only local images (issue 13 §13).

GB/T 22239-2019 8.1.4.11 个人信息保护 and ASVS 4.0 V14.5 / V12.3.1: a public reader's visit is
not told to any third party (no remote image in an article), and an image put into an article
is uploaded through the editor, re-encoded without metadata and stored under a generated name.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wuye.core.models import AuditAction, AuditLog
from wuye.portal.articles import services as svc
from wuye.portal.sanitise import sanitise_html


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    gps = {1: "N", 2: (39.0, 54.0, 26.0), 3: "E", 4: (116.0, 23.0, 29.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_the_sanitiser_removes_remote_image_sources_and_keeps_uploaded_ones():
    """Remote (https, http, protocol-relative) and path-escaping sources are removed."""
    body = ('<p>图</p><img src="https://tracker.example.com/p.gif" alt="t"><img src="//cdn.example.com/a.png">'
            '<img src="/media/articles/abc.jpg" alt="本地"><img src="/media/articles/../secret.png">'
            '<img src="/media/complaints/x.jpg">')
    clean = sanitise_html(body)
    assert "tracker" not in clean and "cdn.example.com" not in clean and "secret" not in clean
    assert "/media/complaints/" not in clean
    assert '<img src="/media/articles/abc.jpg" alt="本地">' in clean


@pytest.mark.django_db
def test_an_official_uploads_an_image_that_loses_its_location_and_is_kept_in_the_article(world, login):
    """The editor's upload: generated name under /media/articles/, no EXIF (GPS), audited; the
    returned code survives the sanitiser in the article body."""
    client = login(world.users["city"])
    raw = _jpeg_with_gps()
    assert b"CameraMaker" in raw
    response = client.post("/articles/images/", {"image": SimpleUploadedFile("我家位置.jpg", raw, "image/jpeg")})
    assert response.status_code == 200
    url = re.search(r'src="(/media/articles/[0-9a-f]{32}\.jpg)"', response.content.decode()).group(1)
    stored = default_storage.open(url.removeprefix("/media/")).read()
    assert b"CameraMaker" not in stored and b"Exif" not in stored
    with Image.open(io.BytesIO(stored)) as img:
        assert not img.getexif()
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_type="portal.articleimage").count() == 1
    article = svc.article_create(actor=world.users["city"], title="配图", category="news",
                                 body=f'<p>正文</p><img src="{url}" alt="图"><img src="https://x.example.com/t.png">')
    assert url in article.body and "x.example.com" not in article.body


@pytest.mark.django_db
def test_who_may_not_publish_may_not_upload_and_non_images_are_refused(world, login):
    """Only publishers (city, district) upload; a file that is not an image is a Chinese 400."""
    company = login(world.users["manager_a"])
    refused = company.post("/articles/images/", {"image": SimpleUploadedFile("a.jpg", _jpeg_with_gps(), "image/jpeg")})
    assert refused.status_code in (403, 404)
    client = login(world.users["city"])
    bad = client.post("/articles/images/", {"image": SimpleUploadedFile("a.jpg", b"<script>x</script>", "image/jpeg")})
    assert bad.status_code == 400 and re.search(r"[\u4e00-\u9fff]", bad.content.decode())
    assert client.get("/articles/images/").status_code == 405
