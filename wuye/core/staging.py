"""Staged uploads: photos survive a form that is refused for another field (issue 14 §10).

Browsers never re-fill a file input, so a resident whose complaint is sent back for a missing
description would have to choose the photos again — on a phone, from the camera roll, often not
at all. Instead every photo that arrives with a form is checked and cleaned by the one upload
helper (``wuye.core.uploads.clean_image``: re-encoded, no EXIF, generated name) and kept as a
``StagedUpload`` row under the form's token (a hidden field, 128 random bits). The re-rendered
form shows them as thumbnails with a remove box; on success the caller attaches them and calls
``staged_consume``; what is never used is removed after ``KEEP_FOR`` (one day) by the periodic
``staged_cleanup`` (``core.tasks``).

Staged files are scratch copies, not records: no audit row (the complaint filed with them is
audited as usual). The token is the only key to them; ``staged_list`` never returns a row older
than ``KEEP_FOR``. DESIGN.md "Bad input gets a clear Chinese message and loses nothing".
"""

from __future__ import annotations

import base64
import io
import re
import secrets
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import ServiceError
from .models import StagedUpload
from .uploads import MAX_PHOTOS, clean_image

KEEP_FOR = timedelta(days=1)
THUMB_PX = 160
TOKEN_RE = re.compile(r"[0-9a-f]{32}")


def new_token() -> str:
    return secrets.token_hex(16)


def clean_token(value) -> str:
    """The posted token when it has the right shape, else ``""`` (never trust the hidden field)."""
    value = str(value or "").strip()
    return value if TOKEN_RE.fullmatch(value) else ""


def staged_list(token: str, *, purpose: str, now: datetime | None = None) -> list[StagedUpload]:
    token = clean_token(token)
    if not token:
        return []
    since = (now or timezone.now()) - KEEP_FOR
    return list(StagedUpload.objects.filter(token=token, purpose=purpose, created_at__gte=since).order_by("id"))


def _delete_files(rows) -> None:
    names = [r.file.name for r in rows if r.file]
    storage = StagedUpload._meta.get_field("file").storage

    def _remove():
        for name in names:
            storage.delete(name)

    transaction.on_commit(_remove)


@transaction.atomic
def staged_add(*, token: str, purpose: str, files, limit: int = MAX_PHOTOS,
               now: datetime | None = None) -> tuple[list[StagedUpload], list[str]]:
    """Check, clean and keep ``files`` under ``token``; (every staged row of the token, the Chinese
    messages of the files refused). A bad file refuses only itself; past ``limit`` in all the
    rest are refused with one message."""
    token = clean_token(token)
    if not token:
        raise ServiceError(_("暂存标识无效，请刷新页面后重新填写"))
    now = now or timezone.now()
    rows = staged_list(token, purpose=purpose, now=now)
    errors: list[str] = []
    over = False
    for f in [f for f in (files or []) if f]:
        if len(rows) >= limit:
            over = True
            continue
        try:
            p = clean_image(f)
        except ServiceError as exc:
            errors.append(exc.messages[0])
            continue
        row = StagedUpload(token=token, purpose=purpose, content_type=p.content_type, size=p.size,
                           width=p.width, height=p.height, created_at=now)
        row.file.save(p.name, p.file, save=False)
        row.save()
        rows.append(row)
    if over:
        errors.append(_("最多上传 %(n)d 张照片") % {"n": limit})
    return rows, errors


@transaction.atomic
def staged_remove(*, token: str, purpose: str, ids) -> int:
    """Remove the chosen staged photos of this token (the thumbnails' 移除 boxes); ids of other
    tokens are ignored."""
    token = clean_token(token)
    wanted = {int(i) for i in ids or [] if str(i).isdigit()}
    if not token or not wanted:
        return 0
    rows = list(StagedUpload.objects.filter(token=token, purpose=purpose, pk__in=wanted))
    _delete_files(rows)
    StagedUpload.objects.filter(pk__in=[r.pk for r in rows]).delete()
    return len(rows)


def staged_files(rows) -> list[ContentFile]:
    """The staged photos as files a service can take as ``photos`` (it checks them again)."""
    out = []
    for r in rows:
        with r.file.open("rb") as fh:
            out.append(ContentFile(fh.read(), name=r.file.name.rsplit("/", 1)[-1]))
    return out


@transaction.atomic
def staged_consume(*, token: str, purpose: str) -> int:
    """The record was saved with the staged photos: drop the scratch copies (after commit)."""
    token = clean_token(token)
    if not token:
        return 0
    rows = list(StagedUpload.objects.filter(token=token, purpose=purpose))
    _delete_files(rows)
    StagedUpload.objects.filter(pk__in=[r.pk for r in rows]).delete()
    return len(rows)


def staged_cleanup(*, now: datetime | None = None, batch: int = 500) -> int:
    """Remove staged photos older than ``KEEP_FOR`` (periodic, idempotent: two workers deleting
    the same rows delete each at most once; a file already gone is no error)."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    removed = 0
    while True:
        with transaction.atomic():
            rows = list(StagedUpload.objects.filter(created_at__lt=cutoff).order_by("id")[:batch])
            if not rows:
                return removed
            _delete_files(rows)
            removed += StagedUpload.objects.filter(pk__in=[r.pk for r in rows]).delete()[0]


def thumbnail_data_uri(row: StagedUpload, size: int = THUMB_PX) -> str:
    """A small JPEG of the staged photo as a ``data:`` URI (the CSP allows ``img-src data:``), so
    the re-rendered form shows it without a URL anyone else could open."""
    from PIL import Image

    try:
        with row.file.open("rb") as fh, Image.open(fh) as img:
            img.thumbnail((size, size))
            out = io.BytesIO()
            img.convert("RGB").save(out, format="JPEG", quality=70)
    except (OSError, ValueError):
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()
