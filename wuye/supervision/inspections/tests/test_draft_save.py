"""保存草稿 always saves what is valid (issue 14 §10): an item with a bad deduction, conflicting flags
or a refused photo keeps what was stored and is reported beside itself, with the focus there;
everything else is saved."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wuye.core.models import AuditLog
from wuye.supervision.inspections import services as si
from wuye.supervision.models import Inspection, InspectionPhoto, InspectionScore
from wuye.supervision.tests.inspection_support import (  # noqa: F401
    drawn_inspection,
    inspector_user_of,
    items,
    iworld,
    png,
    record,
)


def _score(insp, code):
    return InspectionScore.objects.get(inspection=insp, item__code=code)


def test_service_saves_the_valid_items_and_reports_the_others(iworld):  # noqa: F811
    insp = drawn_inspection(iworld)
    user = inspector_user_of(insp)
    by = items(insp)
    record(insp, user, deductions={"JB02": 1}, submit=False)  # stored before: JB02 −1
    insp.refresh_from_db()
    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    entries = {
        by["FW02"].pk: {"deduction": "0.5", "note": "单元号缺失"},
        by["JB02"].pk: {"deduction": "9", "note": "电话未公示"},  # over the item's 3 points
        by["BJ03"].pk: {"deduction": "1", "not_applicable": True, "defect": True, "note": "垃圾散落"},
    }
    audit_before = AuditLog.objects.count()
    insp2, errors = si.inspection_draft_save(actor=user, inspection=insp, entries=entries, summary="初查",
                                             photos={by["FW02"].pk: [png()], by["LH04"].pk: [fake]})
    assert set(errors) == {by["JB02"].pk, by["BJ03"].pk, by["LH04"].pk}
    assert "0 至 3" in errors[by["JB02"].pk] and "不适用" in errors[by["BJ03"].pk]
    assert "不是有效的图片" in errors[by["LH04"].pk]
    # Valid: saved. Invalid: the stored deduction stays, the typed note is kept.
    assert (_score(insp, "FW02").deduction, _score(insp, "FW02").note) == (Decimal("0.50"), "单元号缺失")
    assert (_score(insp, "JB02").deduction, _score(insp, "JB02").note) == (Decimal("1.00"), "电话未公示")
    bj = _score(insp, "BJ03")
    assert (bj.deduction, bj.not_applicable, bj.is_defect, bj.note) == (Decimal("1.00"), False, False, "垃圾散落")
    assert InspectionPhoto.objects.filter(inspection=insp, item__code="FW02").count() == 1
    assert not InspectionPhoto.objects.filter(inspection=insp, item__code="LH04").exists()
    insp.refresh_from_db()
    assert insp.status == Inspection.Status.ASSIGNED and insp.summary == "初查"
    assert insp.total_score == Decimal("100") - Decimal("0.5") - 1 - 1
    assert AuditLog.objects.count() == audit_before + 1  # the draft's one audit row


def test_service_refuses_someone_who_is_not_the_inspector(iworld):  # noqa: F811
    import pytest

    from wuye.core.errors import ServiceError

    insp = drawn_inspection(iworld)
    by = items(insp)
    with pytest.raises(ServiceError, match="只有本次检查的检查人员"):
        si.inspection_draft_save(actor=iworld.w.users["district"], inspection=insp,
                                 entries={by["FW02"].pk: {"deduction": "1"}})
    assert not InspectionScore.objects.filter(inspection=insp).exists()


def test_the_page_saves_the_rest_shows_the_error_beside_the_item_and_focuses_it(client, login, iworld):  # noqa: F811
    insp = drawn_inspection(iworld)
    login(inspector_user_of(insp))
    by = items(insp)
    url = reverse("supervision:inspection_record", args=[insp.pk])
    r = client.post(url, {"version": insp.version, "action": "save", "summary": "初查",
                          f"deduction_{by['FW02'].pk}": "0.5", f"deduction_{by['JB02'].pk}": "abc",
                          f"note_{by['JB02'].pk}": "电话未公示"})
    body = r.content.decode()
    assert r.status_code == 400 and "草稿已保存，但有 1 处未保存" in body
    jb = by["JB02"].pk
    assert f'id="item-{jb}"' in body and 'data-testid="item-error"' in body and "须为数字" in body
    assert body.count("autofocus") == 1
    assert f'name="deduction_{jb}" value="abc"' in body.replace(' aria-label="扣分 JB02"', "") or 'value="abc"' in body
    assert f'href="#item-{jb}"' in body and "电话未公示" in body
    insp.refresh_from_db()
    assert insp.summary == "初查" and _score(insp, "FW02").deduction == Decimal("0.50")
    assert _score(insp, "JB02").note == "电话未公示"


def test_a_bad_date_is_reported_and_the_items_saved(client, login, iworld):  # noqa: F811
    insp = drawn_inspection(iworld)
    login(inspector_user_of(insp))
    by = items(insp)
    url = reverse("supervision:inspection_record", args=[insp.pk])
    r = client.post(url, {"version": insp.version, "action": "save", "inspected_on": "2026-13-45",
                          f"deduction_{by['FW02'].pk}": "1"})
    body = r.content.decode()
    assert r.status_code == 400 and 'data-testid="date-error"' in body and "检查日期格式不正确" in body
    assert 'value="2026-13-45"' in body and body.count("autofocus") == 1
    assert _score(insp, "FW02").deduction == Decimal("1.00")


def test_a_clean_draft_still_redirects(client, login, iworld):  # noqa: F811
    insp = drawn_inspection(iworld)
    login(inspector_user_of(insp))
    by = items(insp)
    url = reverse("supervision:inspection_record", args=[insp.pk])
    r = client.post(url, {"version": insp.version, "action": "save", f"deduction_{by['FW02'].pk}": "0.5"})
    assert r.status_code == 302 and r["Location"] == url
    assert "autofocus" not in client.get(url).content.decode()
