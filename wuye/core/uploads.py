"""Uploaded images, checked and cleaned in one place (issue 3 §1, issue 13 item 3).

``check_photos(files)`` accepts at most ``MAX_PHOTOS`` files of at most ``WUYE_PHOTO_MAX_BYTES``
(10 MB) each that Pillow reads as whole JPEG, PNG, WebP or GIF images, and returns each one
**re-encoded** by Pillow: the pixels only, turned upright by their EXIF orientation first, without
EXIF (GPS position, camera, time), XMP, IPTC, ICC profiles or text comments. The clean bytes carry
a generated name with the extension of the detected type (``<32 hex>.jpg``), never the uploader's
name or extension. Every caller stores ``CheckedPhoto.file`` and only that: complaint photos and
reply evidence, inspection photos, rectification evidence, star-rating objections, campaign
notices.

``clean_attachment(f)`` is the same for an attachment that may be any document (campaign progress
reports): an image is cleaned as above; anything else keeps its bytes under a generated name with
the extension of its detected type (PDF, Office Open XML, else ``.bin``).

GB/T 22239-2019 8.1.4.9 个人信息保护 (collect and keep only what is needed); ASVS 4.0 V12.1.1,
V12.2.1 (file type by content), V12.3.1 (server-generated file names), V8.3.4.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from .errors import ServiceError

MAX_PHOTOS = 5
# detected format → (content type, extension)
ALLOWED = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "GIF": ("image/gif", "gif"),
}
# What a re-encoded image keeps from the original's ``info``: how it is drawn, nothing about it.
KEEP_INFO = {
    "GIF": ("transparency", "duration", "loop", "background", "disposal"),
    "PNG": ("transparency",),
    "WEBP": ("duration", "loop", "background"),
    "JPEG": (),
}
JPEG_QUALITY = 90


@dataclass
class CheckedPhoto:
    file: ContentFile  # the clean bytes, named ``<uuid>.<ext>``
    content_type: str
    size: int  # of the clean bytes
    width: int
    height: int

    @property
    def name(self) -> str:
        return self.file.name


def max_bytes() -> int:
    return getattr(settings, "WUYE_PHOTO_MAX_BYTES", 10 * 1024 * 1024)


def _invalid(name: str) -> ServiceError:
    return ServiceError(_("文件“%(name)s”不是有效的图片（支持 JPG、PNG、WebP、GIF）") % {"name": name})


def _size(f) -> int:
    size = getattr(f, "size", None)
    if size is None:
        f.seek(0, 2)
        size = f.tell()
    return size


def _reencode(img, fmt: str) -> tuple[bytes, tuple[int, int]]:
    """The image's pixels in ``fmt``, with no metadata at all; and its size."""
    from PIL import ImageOps

    frames = getattr(img, "n_frames", 1)
    keep = {k: img.info[k] for k in KEEP_INFO[fmt] if k in img.info}
    out = io.BytesIO()
    if fmt in ("GIF", "WEBP") and frames > 1:
        # Animated: every frame as it is; ``info`` emptied so that no comment or EXIF is written back.
        img.info = dict(keep)
        img.save(out, format=fmt, save_all=True, **keep)
        return out.getvalue(), img.size
    clean = ImageOps.exif_transpose(img)  # upright, as the camera meant it; the orientation tag goes
    if clean is img:
        clean = img.copy()
    clean.info = dict(keep)
    if fmt == "JPEG":
        if clean.mode not in ("RGB", "L", "CMYK"):
            clean = clean.convert("RGB")
        clean.save(out, format="JPEG", quality=JPEG_QUALITY, **keep)
    elif fmt == "WEBP":
        clean.save(out, format="WEBP", quality=JPEG_QUALITY, **keep)
    else:
        clean.save(out, format=fmt, **keep)
    return out.getvalue(), clean.size


def clean_image(f) -> CheckedPhoto:
    """One uploaded file, checked and re-encoded (see the module); ``ServiceError`` if it is not an
    allowed image or too large."""
    from PIL import Image, UnidentifiedImageError  # Pillow is loaded only by the requests that carry photos

    name = getattr(f, "name", "") or _("照片")
    if _size(f) > max_bytes():
        raise ServiceError(_("照片“%(name)s”超过 10 MB，请压缩后再上传") % {"name": name})
    try:
        f.seek(0)
        with Image.open(f) as img:
            fmt = img.format
            img.verify()
        if fmt not in ALLOWED:
            raise _invalid(name)
        f.seek(0)
        with Image.open(f) as img:
            img.load()
            data, (width, height) = _reencode(img, fmt)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        raise _invalid(name) from None
    finally:
        f.seek(0)
    content_type, ext = ALLOWED[fmt]
    return CheckedPhoto(ContentFile(data, name=f"{uuid.uuid4().hex}.{ext}"), content_type, len(data), width, height)


def check_photos(files) -> list[CheckedPhoto]:
    """Every file checked and cleaned (see the module); at most ``MAX_PHOTOS``."""
    files = [f for f in (files or []) if f]
    if len(files) > MAX_PHOTOS:
        raise ServiceError(_("最多上传 %(n)d 张照片") % {"n": MAX_PHOTOS})
    return [clean_image(f) for f in files]


# Office Open XML: the folder of the main part inside the zip → extension
OOXML = (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx"))


def _document_ext(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, ValueError):
            return "bin"
        for folder, ext in OOXML:
            if any(n.startswith(folder) for n in names):
                return ext
        return "zip"
    return "bin"


def _is_image(f) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        f.seek(0)
        with Image.open(f) as img:
            return img.format in ALLOWED
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        return False
    finally:
        f.seek(0)


def clean_attachment(f) -> ContentFile:
    """An uploaded attachment ready to store: an image re-encoded without metadata, any other file
    as it is; either under a generated name with the extension of the detected type."""
    if _is_image(f):
        return clean_image(f).file
    f.seek(0)
    data = f.read()
    f.seek(0)
    return ContentFile(data, name=f"{uuid.uuid4().hex}.{_document_ext(data)}")
