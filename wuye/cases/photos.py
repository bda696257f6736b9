"""Checking uploaded photos (issue §1): at most 5, each ≤ 10 MB, and really an image."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from wuye.core.errors import ServiceError

MAX_PHOTOS = 5
ALLOWED = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


@dataclass
class CheckedPhoto:
    file: object
    content_type: str
    size: int
    width: int
    height: int


def max_bytes() -> int:
    return getattr(settings, "WUYE_PHOTO_MAX_BYTES", 10 * 1024 * 1024)


def check_photos(files) -> list[CheckedPhoto]:
    """Open every file with Pillow; refuse anything that is not a whole JPEG/PNG/WebP/GIF image."""
    from PIL import Image, UnidentifiedImageError  # Pillow is loaded only by the requests that carry photos

    files = [f for f in (files or []) if f]
    if len(files) > MAX_PHOTOS:
        raise ServiceError(_("最多上传 %(n)d 张照片") % {"n": MAX_PHOTOS})
    checked = []
    for f in files:
        name = getattr(f, "name", "") or _("照片")
        size = getattr(f, "size", None)
        if size is None:
            f.seek(0, 2)
            size = f.tell()
        if size > max_bytes():
            raise ServiceError(_("照片“%(name)s”超过 10 MB，请压缩后再上传") % {"name": name})
        try:
            f.seek(0)
            with Image.open(f) as img:
                fmt = img.format
                width, height = img.size
                img.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            raise ServiceError(_("文件“%(name)s”不是有效的图片（支持 JPG、PNG、WebP、GIF）") % {"name": name}) from None
        if fmt not in ALLOWED:
            raise ServiceError(_("文件“%(name)s”不是有效的图片（支持 JPG、PNG、WebP、GIF）") % {"name": name})
        f.seek(0)
        checked.append(CheckedPhoto(f, ALLOWED[fmt], size, width, height))
    return checked
