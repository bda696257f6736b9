"""The public form keeps the resident's photos across a refusal (issue 14 §10): the photos are
staged under the form's token (``core.staging``), shown again as thumbnails with a 移除 box, and
attached to the complaint when the corrected form is sent."""

from __future__ import annotations

import re

from wuye.cases.models import Complaint, Photo
from wuye.core.models import StagedUpload

from .intake_support import (  # noqa: F401
    NEW,
    clean_fixture,
    form_data,
    image_file,
    request_code,
)


def _token(html: str) -> str:
    m = re.search(r'name="staged" value="([0-9a-f]{32})"', html)
    assert m, "the form carries no staging token"
    return m.group(1)


def test_the_form_page_carries_a_fresh_token(cworld, client):
    first = _token(client.get(NEW).content.decode())
    second = _token(client.get(NEW).content.decode())
    assert first != second and not StagedUpload.objects.exists()  # a GET writes nothing


def test_a_refused_complaint_keeps_its_photos_and_files_them_once_fixed(cworld, client):
    code = request_code(client)
    page = client.get(NEW).content.decode()
    token = _token(page)
    refused = client.post(NEW, {**form_data(cworld, code=code, description="  ", staged=token),
                                "photos": [image_file("a.png"), image_file("b.jpg", fmt="JPEG")]})
    html = refused.content.decode()
    assert refused.status_code == 200 and "请填写诉求内容" in html
    assert _token(html) == token
    assert html.count('data-testid="staged-photo"') == 2 and "已保留您选择的 2 张照片" in html
    assert html.count("data:image/jpeg;base64,") == 2 and "请重新选择照片" not in html
    assert StagedUpload.objects.filter(token=token).count() == 2
    assert not Complaint.objects.exists() and not Photo.objects.exists()

    # Fixed without choosing the photos again: both are attached, the staged copies are gone.
    done = client.post(NEW, form_data(cworld, code=code, staged=token))
    assert done.status_code == 302
    c = Complaint.objects.get()
    assert [p.content_type for p in Photo.objects.filter(complaint=c).order_by("id")] == ["image/png", "image/jpeg"]
    assert not StagedUpload.objects.exists()


def test_a_staged_photo_can_be_removed_before_filing(cworld, client):
    code = request_code(client)
    token = _token(client.get(NEW).content.decode())
    client.post(NEW, {**form_data(cworld, code=code, category="", staged=token),
                      "photos": [image_file("a.png"), image_file("b.png")]})
    first = StagedUpload.objects.filter(token=token).order_by("id").first()
    html = client.post(NEW, {**form_data(cworld, code=code, category="", staged=token),
                             "staged_remove": [str(first.pk)]}).content.decode()
    assert html.count('data-testid="staged-photo"') == 1
    assert client.post(NEW, form_data(cworld, code=code, staged=token)).status_code == 302
    assert Photo.objects.count() == 1 and not StagedUpload.objects.exists()


def test_a_bad_file_is_refused_alone_and_the_good_one_kept(cworld, client):
    from .intake_support import fake_image

    code = request_code(client)
    token = _token(client.get(NEW).content.decode())
    html = client.post(NEW, {**form_data(cworld, code=code, staged=token),
                             "photos": [image_file("a.png"), fake_image()]}).content.decode()
    assert "不是有效的图片" in html and "请重新选择照片" in html
    assert html.count('data-testid="staged-photo"') == 1 and not Complaint.objects.exists()


def test_another_forms_token_shows_nothing_and_a_forged_token_is_replaced(cworld, client, django_user_model):
    code = request_code(client)
    token = _token(client.get(NEW).content.decode())
    client.post(NEW, {**form_data(cworld, code=code, category="", staged=token), "photos": [image_file()]})
    stranger = client_class_new()
    other = stranger.post(NEW, form_data(cworld, category="", staged="f" * 32)).content.decode()
    assert 'data-testid="staged-photo"' not in other
    forged = stranger.post(NEW, form_data(cworld, category="", staged="../x")).content.decode()
    assert _token(forged) != "../x" and 'data-testid="staged-photo"' not in forged


def client_class_new():
    from django.test import Client

    return Client()
