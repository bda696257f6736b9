"""The developer pages: who sees and edits them, the record form with evidence, the workflow
buttons, and the public list (confirmed violations only)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wuye.core.models import AuditLog
from wuye.transition.developers import services
from wuye.transition.developers.models import (
    DevelopedEstate,
    Developer,
    DeveloperViolation,
    ViolationEvidence,
)

S = DeveloperViolation.Status
K = DeveloperViolation.Kind
NEW_CODE = "91110105MA01ABCD00"  # valid, but used by the world's company A (not a developer)

REFUSED_ROLES = ["street", "community", "department", "manager_a", "staff_a", "committee", "resident", "outsider"]


@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_other_roles_are_refused_every_page(client, login, world, dev_a, role):
    login(world.users[role])
    for url in (reverse("developers:list"), reverse("developers:new"), reverse("developers:detail", args=[dev_a.pk]),
                reverse("developers:violation_list"), reverse("developers:violation_new", args=[dev_a.pk])):
        assert client.get(url).status_code == 403, url
    r = client.post(reverse("developers:new"), {"name": "某开发公司", "credit_code": NEW_CODE})
    assert r.status_code == 403
    assert Developer.objects.count() == 2


def test_anonymous_is_sent_to_login(client, dev_a):
    r = client.get(reverse("developers:list"))
    assert r.status_code == 302 and "login" in r["Location"]


def test_list_search_and_district_filter(client, login, world, devs, django_assert_max_num_queries):
    login(world.users["city"])
    with django_assert_max_num_queries(12):
        r = client.get(reverse("developers:list"))
    assert r.status_code == 200
    assert "华润置地" in r.content.decode() and "城建房地产" in r.content.decode()
    r = client.get(reverse("developers:list"), {"district": world.d2.pk})
    html = r.content.decode()
    assert "城建房地产" in html and "华润置地" not in html
    r = client.get(reverse("developers:list"), {"q": "华润"})
    assert "城建房地产" not in r.content.decode()
    r = client.get(reverse("developers:list"), {"q": "没有这家"})
    assert "没有符合条件的建设单位" in r.content.decode()


def test_district_sees_only_developers_of_its_district(client, login, world, devs):
    dev_a, dev_b = devs
    login(world.users["district"])
    html = client.get(reverse("developers:list")).content.decode()
    assert "华润置地" in html and "城建房地产" not in html
    assert client.get(reverse("developers:detail", args=[dev_b.pk])).status_code == 404
    assert client.get(reverse("developers:detail", args=[dev_a.pk])).status_code == 200


def test_register_with_a_bad_code_keeps_input_and_says_why(client, login, world):
    login(world.users["district"])
    r = client.post(reverse("developers:new"), {"name": "新城开发有限公司", "credit_code": "91110105MA01ABCD01"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "校验位不正确" in html and "新城开发有限公司" in html
    assert not Developer.objects.exists()
    r = client.post(reverse("developers:new"), {"name": "新城开发有限公司", "credit_code": NEW_CODE.lower()})
    dev = Developer.objects.get()
    assert r.status_code == 302 and dev.credit_code == NEW_CODE and dev.district == world.d1
    assert AuditLog.objects.filter(object_type="developers.developer", object_id=str(dev.pk), action="create").exists()
    r = client.post(reverse("developers:new"), {"name": "另一家", "credit_code": NEW_CODE})
    assert "已登记为其他建设单位" in r.content.decode()


def test_edit_and_link_an_estate_phase(client, login, world, dev_a):
    login(world.users["city"])
    r = client.post(reverse("developers:edit", args=[dev_a.pk]), {
        "name": dev_a.name, "credit_code": dev_a.credit_code, "legal_representative": "周强"})
    assert r.status_code == 302
    dev_a.refresh_from_db()
    assert dev_a.legal_representative == "周强"
    r = client.get(reverse("developers:detail", args=[dev_a.pk]), {"estate_q": "幸福"})
    assert "幸福里小区" in r.content.decode()
    client.post(reverse("developers:link", args=[dev_a.pk]), {"estate": world.estate_a.pk, "phase": "二期"})
    assert DevelopedEstate.objects.filter(developer=dev_a, estate=world.estate_a, phase="二期").exists()
    # The same phase twice: refused.
    r = client.post(reverse("developers:link", args=[dev_a.pk]), {"estate": world.estate_a.pk, "phase": "二期"},
                    follow=True)
    assert "已登记由" in r.content.decode()


def test_detail_masks_the_contact_phone(client, login, world, dev_a):
    login(world.users["city"])
    html = client.get(reverse("developers:detail", args=[dev_a.pk])).content.decode()
    assert "13800001111" not in html and "138****1111" in html


def test_record_with_a_file_then_the_workflow_through_pages(client, login, world, dev_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(world.users["district"])
    pdf = SimpleUploadedFile("交房通知.pdf", b"%PDF-1.7\n1 0 obj\n", content_type="application/pdf")
    r = client.post(reverse("developers:violation_new", args=[dev_a.pk]), {
        "kind": K.EARLY_DELIVERY, "estate": world.estate_a.pk, "occurred_on": "2026-05-01",
        "note": "竣工验收备案前即向业主交房", "evidence": "", "files": [pdf]})
    assert r.status_code == 302
    v = DeveloperViolation.objects.get()
    assert v.status == S.DRAFT and v.recorded_by == world.users["district"]
    ev = ViolationEvidence.objects.get(violation=v)
    assert ev.name == "交房通知.pdf" and ev.file.name.endswith(".pdf") and "交房" not in ev.file.name
    assert client.get(reverse("developers:evidence_file", args=[ev.pk])).status_code == 200
    # The recorder may not review: no review button.
    html = client.get(reverse("developers:violation_detail", args=[v.pk])).content.decode()
    assert 'data-testid="action-review"' not in html and 'data-testid="action-withdraw"' in html
    login(world.users["city"])
    client.post(reverse("developers:violation_act", args=[v.pk]), {"action": "review", "version": v.version})
    v.refresh_from_db()
    assert v.status == S.REVIEWED and v.reviewed_by == world.users["city"]
    # A stale version loses.
    r = client.post(reverse("developers:violation_act", args=[v.pk]), {"action": "publish", "version": 0}, follow=True)
    assert "已被他人处理" in r.content.decode()
    client.post(reverse("developers:violation_act", args=[v.pk]), {"action": "publish", "version": v.version})
    v.refresh_from_db()
    assert v.status == S.NOTICE
    # Other district: 404 on the violation and its file.
    login(world.users["district2"])
    assert client.get(reverse("developers:violation_detail", args=[v.pk])).status_code == 404
    assert client.get(reverse("developers:evidence_file", args=[ev.pk])).status_code == 404


def test_record_without_evidence_is_refused_and_keeps_input(client, login, world, dev_a):
    login(world.users["district"])
    r = client.post(reverse("developers:violation_new", args=[dev_a.pk]), {
        "kind": K.ILLEGAL_SALE, "occurred_on": "2026-05-01", "note": "未取得预售许可证即收取定金"})
    html = r.content.decode()
    assert r.status_code == 200 and "请填写证据说明或上传证据文件" in html and "未取得预售许可证即收取定金" in html
    assert not DeveloperViolation.objects.exists()


def test_district_cannot_record_for_another_districts_estate(world, devs):
    from wuye.core.errors import ServiceError

    with pytest.raises(ServiceError, match="不在本区县"):
        services.violation_record(user=world.users["district"], developer=devs[1], kind=K.ILLEGAL_SALE,
                                  estate=world.estate_b, note="x", evidence="y")


def test_public_list_shows_only_confirmed(client, world, devs, django_assert_max_num_queries):
    dev_a, dev_b = devs
    shown = services.record_violation(developer=dev_a, kind=K.UNACCEPTED_DELIVERY, estate=world.estate_a,
                                      note="未经竣工验收即交付", automatic=True, source="t:1")
    services.record_violation(developer=dev_b, kind=K.ILLEGAL_SALE, note="仍在公示的记录", automatic=True, source="t:2",
                              now=shown.notice_end)
    services.record_violation(developer=dev_b, kind=K.WARRANTY_REFUSED, note="草稿记录", actor=world.users["city"])
    # Only the first one's notice is over when the sweep runs just after it.
    assert services.violation_sweep(now=shown.notice_end + timedelta(seconds=1))["confirmed"] == 1
    shown.refresh_from_db()
    assert shown.status == S.CONFIRMED
    with django_assert_max_num_queries(6):
        r = client.get(reverse("developers:public_list"))
    html = r.content.decode()
    assert r.status_code == 200
    assert "华润置地" in html and "城建房地产" not in html and "仍在公示的记录" not in html
    r = client.get(reverse("developers:public_detail", args=[dev_a.pk]))
    assert "未经验收交付" in r.content.decode() and "13800001111" not in r.content.decode()
    assert client.get(reverse("developers:public_detail", args=[dev_b.pk])).status_code == 404


def test_public_list_empty_state(client, db):
    r = client.get(reverse("developers:public_list"))
    assert r.status_code == 200 and "暂无经确认的建设单位违规记录" in r.content.decode()


def test_get_never_writes(client, login, world, dev_a):
    login(world.users["city"])
    before = AuditLog.objects.count()
    for url in (reverse("developers:list"), reverse("developers:detail", args=[dev_a.pk]),
                reverse("developers:violation_list"), reverse("developers:public_list")):
        client.get(url)
    assert AuditLog.objects.count() == before
    assert client.post(reverse("developers:list")).status_code == 405


def test_record_form_offers_today_in_the_date_input(client, login, world, dev_a):
    from django.utils import timezone

    login(world.users["district"])
    html = client.get(reverse("developers:violation_new", args=[dev_a.pk])).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in html and "幸福里小区" in html
