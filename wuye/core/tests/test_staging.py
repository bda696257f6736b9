"""Staged uploads (issue 14 §10, ``core.staging``): photos chosen on a form that is refused for
another field are kept under the form's token, cleaned by ``core.uploads``, attached on success
and removed after a day by the periodic job."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from wuye.core import staging
from wuye.core.errors import ServiceError
from wuye.core.models import StagedUpload

P = "test-purpose"
TOKEN = "a" * 32
OTHER = "b" * 32


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def jpeg(name="IMG_0001.JPG", size=(40, 30)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    img = Image.new("RGB", size, (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "Apple"
    img.save(buf, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def fake() -> SimpleUploadedFile:
    return SimpleUploadedFile("fake.jpg", "不是图片".encode(), content_type="image/jpeg")


def _path(row) -> Path:
    return Path(row.file.path)


@pytest.mark.django_db
def test_valid_photos_are_staged_cleaned_and_a_bad_one_is_refused_alone():
    rows, errors = staging.staged_add(token=TOKEN, purpose=P, files=[jpeg(), fake(), jpeg("b.jpg")])
    assert len(rows) == 2 and StagedUpload.objects.count() == 2
    assert len(errors) == 1 and "不是有效的图片" in errors[0]
    for r in rows:
        assert (r.token, r.purpose, r.content_type) == (TOKEN, P, "image/jpeg")
        assert "IMG_0001" not in r.file.name and _path(r).exists()  # generated name, stored
        with Image.open(_path(r)) as img:
            assert not img.getexif()  # re-encoded by core.uploads: no EXIF
    assert staging.thumbnail_data_uri(rows[0]).startswith("data:image/jpeg;base64,")


@pytest.mark.django_db
def test_at_most_five_in_all_across_submissions():
    staging.staged_add(token=TOKEN, purpose=P, files=[jpeg() for _ in range(3)])
    rows, errors = staging.staged_add(token=TOKEN, purpose=P, files=[jpeg() for _ in range(4)])
    assert len(rows) == 5 and StagedUpload.objects.count() == 5
    assert errors == ["最多上传 5 张照片"]


@pytest.mark.django_db
def test_a_token_sees_only_its_own_photos_and_a_bad_token_nothing():
    staging.staged_add(token=TOKEN, purpose=P, files=[jpeg()])
    staging.staged_add(token=OTHER, purpose=P, files=[jpeg()])
    staging.staged_add(token=TOKEN, purpose="other-form", files=[jpeg()])
    assert len(staging.staged_list(TOKEN, purpose=P)) == 1
    assert staging.staged_list("", purpose=P) == [] and staging.staged_list("../../etc", purpose=P) == []
    assert staging.clean_token("A" * 32) == "" and staging.clean_token(TOKEN) == TOKEN
    with pytest.raises(ServiceError, match="暂存标识无效"):
        staging.staged_add(token="nope", purpose=P, files=[jpeg()])


@pytest.mark.django_db
def test_remove_takes_only_the_tokens_own_rows_and_their_files(django_capture_on_commit_callbacks):
    mine, _ = staging.staged_add(token=TOKEN, purpose=P, files=[jpeg(), jpeg()])
    theirs, _ = staging.staged_add(token=OTHER, purpose=P, files=[jpeg()])
    with django_capture_on_commit_callbacks(execute=True):  # files go once the deletion commits
        assert staging.staged_remove(token=TOKEN, purpose=P, ids=[str(mine[0].pk), str(theirs[0].pk), "x"]) == 1
    assert set(StagedUpload.objects.values_list("pk", flat=True)) == {mine[1].pk, theirs[0].pk}
    assert not _path(mine[0]).exists() and _path(theirs[0]).exists()


@pytest.mark.django_db
def test_consume_after_success_drops_rows_and_files(django_capture_on_commit_callbacks):
    rows, _ = staging.staged_add(token=TOKEN, purpose=P, files=[jpeg()])
    files = staging.staged_files(rows)
    assert len(files) == 1 and files[0].read()[:2] == b"\xff\xd8"
    with django_capture_on_commit_callbacks(execute=True):
        assert staging.staged_consume(token=TOKEN, purpose=P) == 1
    assert not StagedUpload.objects.exists() and not _path(rows[0]).exists()


@pytest.mark.django_db
def test_cleanup_removes_what_is_older_than_a_day_once(django_capture_on_commit_callbacks):
    now = timezone.now()
    old, _ = staging.staged_add(token=TOKEN, purpose=P, files=[jpeg()], now=now - timedelta(hours=25))
    fresh, _ = staging.staged_add(token=OTHER, purpose=P, files=[jpeg()], now=now - timedelta(hours=23))
    # An expired row is no longer offered even before the job runs.
    assert staging.staged_list(TOKEN, purpose=P, now=now) == []
    with django_capture_on_commit_callbacks(execute=True):
        assert staging.staged_cleanup(now=now) == 1
        assert staging.staged_cleanup(now=now) == 0  # idempotent: a second run (or worker) removes nothing
    assert list(StagedUpload.objects.values_list("pk", flat=True)) == [fresh[0].pk]
    assert not _path(old[0]).exists() and _path(fresh[0]).exists()


@pytest.mark.django_db
def test_the_cleanup_is_a_periodic_job():
    from huey.api import PeriodicTask

    from wuye.core import tasks

    staging.staged_add(token=TOKEN, purpose=P, files=[jpeg()], now=timezone.now() - timedelta(days=2))
    assert isinstance(tasks.staged_uploads_cleanup.task_class(), PeriodicTask)
    assert tasks.staged_uploads_cleanup.call_local() == 1 and not StagedUpload.objects.exists()
