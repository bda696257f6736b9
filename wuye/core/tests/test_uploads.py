"""Photos carry no location (issue 13 item 3): every uploaded image is re-encoded by Pillow without
EXIF (GPS, camera, time), comments or other metadata before it is stored, under a generated name
with the extension of the detected type.

GB/T 22239-2019 8.1.4.9 个人信息保护（仅采集和保存业务必需的用户个人信息）; ASVS 4.0 V8.3.4 (sensitive
data not kept), V12.1.1, V12.2.1 (type checked by content), V12.3.1 (server-generated file names).
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from wuye.cases.models import Photo
from wuye.cases.tests.conftest import act, cworld, file  # noqa: F401
from wuye.core.errors import ServiceError
from wuye.core.uploads import check_photos, clean_attachment
from wuye.supervision.models import InspectionPhoto, RectificationEvidence, RectificationOrder
from wuye.supervision.orders import services as so
from wuye.supervision.tests.inspection_support import (
    build_iworld,
    drawn_inspection,
    inspector_user_of,
    record,
)

GPS = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)}
GENERATED = re.compile(r"[0-9a-f]{32}\.(jpg|png|webp|gif|pdf|bin)")


def gps_jpeg(name: str = "IMG_0001.JPG", *, orientation: int | None = None) -> SimpleUploadedFile:
    """A phone photo: GPS position, camera make and model, time taken, a comment."""
    img = Image.new("RGB", (40, 20), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 15 Pro"
    exif[0x0132] = "2026:03:15 08:30:00"
    exif[0x8825] = GPS
    if orientation:
        exif[0x0112] = orientation
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif, comment=b"3-1-101 home")
    data = buf.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825) == GPS  # the test's photo does carry them
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def assert_clean(data: bytes, fmt: str = "JPEG") -> None:
    for secret in (b"Exif", b"iPhone", b"Apple", b"2026:03:15", b"3-1-101"):
        assert secret not in data, secret
    img = Image.open(io.BytesIO(data))
    assert img.format == fmt
    assert not dict(img.getexif()) and not img.getexif().get_ifd(0x8825)
    assert not {"exif", "comment", "xmp", "icc_profile"} & set(img.info)


def test_a_gps_jpeg_is_reencoded_without_metadata_under_a_generated_name():
    [photo] = check_photos([gps_jpeg("我家门口.JPG")])
    assert GENERATED.fullmatch(photo.name) and photo.name.endswith(".jpg")
    assert photo.content_type == "image/jpeg" and photo.size == len(photo.file.read())
    photo.file.seek(0)
    assert_clean(photo.file.read())


def test_the_orientation_is_applied_before_it_is_dropped():
    [photo] = check_photos([gps_jpeg(orientation=6)])  # "rotate 90°": 40×20 as taken, 20×40 as seen
    assert (photo.width, photo.height) == (20, 40)
    assert Image.open(photo.file).size == (20, 40)


def test_the_extension_is_the_detected_type_not_the_uploaders():
    buf = io.BytesIO()
    info = PngInfo()
    info.add_text("Location", "39.9075,116.3972")
    Image.new("RGBA", (8, 8), (0, 0, 0, 0)).save(buf, "PNG", pnginfo=info)
    [photo] = check_photos([SimpleUploadedFile("photo.jpg.exe", buf.getvalue())])
    assert photo.name.endswith(".png") and photo.content_type == "image/png"
    data = photo.file.read()
    assert b"Location" not in data and b"39.9075" not in data
    assert Image.open(io.BytesIO(data)).mode == "RGBA"


def test_what_is_not_an_image_is_refused():
    with pytest.raises(ServiceError, match="不是有效的图片"):
        check_photos([SimpleUploadedFile("x.jpg", b"not an image")])


def test_attachments_images_cleaned_documents_renamed():
    image = clean_attachment(gps_jpeg("现场.jpg"))
    assert GENERATED.fullmatch(image.name) and image.name.endswith(".jpg")
    assert_clean(image.read())
    pdf = clean_attachment(SimpleUploadedFile("../../报告.pdf", b"%PDF-1.7\n..."))
    assert GENERATED.fullmatch(pdf.name) and pdf.name.endswith(".pdf") and pdf.read() == b"%PDF-1.7\n..."
    other = clean_attachment(SimpleUploadedFile("run.sh", b"#!/bin/sh"))
    assert other.name.endswith(".bin")


# ---- stored and served: each place that takes uploads -------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def test_a_complaint_photo_is_stored_and_served_clean(cworld, login, media):  # noqa: F811
    c = file(cworld, photos=[gps_jpeg("我家门口.JPG")])
    act(cworld.users["city"], c, "accept")
    p = Photo.objects.get(complaint=c)
    assert re.fullmatch(r"complaints/\d{4}/\d{2}/[0-9a-f]{24}\.jpg", p.file.name)
    with p.file.open("rb") as fh:
        assert_clean(fh.read())
    response = login(cworld.users["city"]).get(f"/complaints/photo/{p.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert_clean(b"".join(response.streaming_content))


def test_rectification_evidence_and_inspection_photos_are_stored_and_served_clean(world, login, media):
    iw = build_iworld(world)
    insp = record(drawn_inspection(iw), deductions={"BJ03": 2}, defects={"BJ03": "垃圾桶周边散落垃圾"},
                  photos={"BJ03": [gps_jpeg("现场.jpg")]})
    photo = InspectionPhoto.objects.get(inspection=insp)
    assert GENERATED.fullmatch(photo.image.name.rsplit("/", 1)[-1])
    with photo.image.open("rb") as fh:
        assert_clean(fh.read())
    inspector = inspector_user_of(insp)
    served = login(inspector).get(f"/supervision/inspections/photos/{photo.pk}/")
    assert served.status_code == 200
    assert_clean(b"".join(served.streaming_content))

    order = RectificationOrder.objects.get(inspection=insp)
    so.order_submit(actor=world.users["manager_a"], order=order, note="已清理", files=[gps_jpeg("整改后.jpg")])
    ev = RectificationEvidence.objects.get(order=order)
    assert GENERATED.fullmatch(ev.file.name.rsplit("/", 1)[-1])
    with ev.file.open("rb") as fh:
        assert_clean(fh.read())
    response = login(inspector).get(f"/supervision/orders/evidence/{ev.pk}/")
    assert response.status_code == 200
    assert_clean(b"".join(response.streaming_content))
