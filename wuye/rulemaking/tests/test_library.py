"""The library of normative documents (issue 19 item 7): versions, effective and repeal dates, and
the inspection standard that implements a version."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from wuye.rulemaking import selectors as sel
from wuye.rulemaking import services as svc
from wuye.supervision.models import Standard

pytestmark = pytest.mark.django_db


def _standard(code="XJ", version=1, status=Standard.Status.PUBLISHED):
    return Standard.objects.create(code=code, name="星级服务标准", version=version, status=status)


def test_versions_and_their_states(world):
    city = world.users["city"]
    doc = svc.document_create(actor=city, code="xjbz", title="住宅小区物业服务星级评价标准", kind="standard", issuer="市住房保障房产局")
    assert doc.code == "XJBZ"
    v1 = svc.version_add(actor=city, document=doc, text="一版", effective_on=date(2021, 7, 1))
    v2 = svc.version_add(actor=city, document=doc, text="二版", effective_on=date(2025, 1, 1))
    v1.refresh_from_db()
    assert v1.repealed_on == date(2025, 1, 1)
    assert sel.version_state(v1, date(2024, 12, 31)) == "in_force"
    assert sel.version_state(v1, date(2025, 1, 1)) == "repealed"
    assert sel.version_state(v2, date(2024, 12, 31)) == "pending"
    assert sel.current_version(sel.document_public(doc.pk), date(2025, 6, 1)) == v2
    with pytest.raises(ValidationError, match="已存在"):
        svc.document_create(actor=city, code="XJBZ", title="x", kind="standard", issuer="x")
    with pytest.raises(ValidationError, match="须晚于"):
        svc.version_add(actor=city, document=doc, text="x", effective_on=date(2026, 1, 1), repealed_on=date(2025, 1, 1))
    with pytest.raises(ValidationError):
        svc.document_create(actor=world.users["district"], code="A", title="x", kind="standard", issuer="x")


def test_a_version_links_the_inspection_standard_in_use(world, client):
    city = world.users["city"]
    doc = svc.document_create(actor=city, code="XJBZ", title="星级评价标准", kind="standard", issuer="市住房保障房产局")
    old = _standard(version=1, status=Standard.Status.RETIRED)
    current = _standard(version=2)
    v1 = svc.version_add(actor=city, document=doc, text="一版", effective_on=date(2021, 7, 1), standard=old)
    v2 = svc.version_add(actor=city, document=doc, text="二版", effective_on=date(2025, 1, 1))
    svc.version_update(actor=city, version=v2, repealed_on=None, standard=current)
    v2.refresh_from_db()
    assert current.normative_version == v2
    assert sel.standard_in_use(v2) and not sel.standard_in_use(v1)
    with pytest.raises(ValidationError, match="已关联"):
        svc.version_update(actor=city, version=v1, repealed_on=date(2025, 1, 1), standard=current)
    page = client.get(f"/rulemaking/public/library/{doc.pk}/").content.decode()
    assert "检查现用" in page and "已废止" in page and "现行有效" in page
    assert client.get("/rulemaking/public/library/").status_code == 200
    assert client.get("/rulemaking/public/library/999/").status_code == 404


def test_office_adds_a_version_on_the_page(world, login):
    city = world.users["city"]
    doc = svc.document_create(actor=city, code="GY", title="公共收益指导意见", kind="guidance", issuer="市住房保障房产局")
    client = login(city)
    r = client.post(f"/rulemaking/library/{doc.pk}/", {"effective_on": "2026-01-01", "text": "正文"})
    assert r.status_code == 302 and doc.versions.get().text == "正文"
    r = client.post(f"/rulemaking/versions/{doc.versions.get().pk}/", {f"v{doc.versions.get().pk}-repealed_on": "2027-01-01"})
    assert r.status_code == 302 and doc.versions.get().repealed_on == date(2027, 1, 1)
    client.logout()
    r = login(world.users["district"]).post(f"/rulemaking/library/{doc.pk}/", {"effective_on": "2026-01-01", "text": "x"})
    assert r.status_code == 403
