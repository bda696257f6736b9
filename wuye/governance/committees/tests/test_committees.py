"""Committee decisions (assembly matters refused), the review and correction workflow, owners'
questions (answer, escalation), committee conduct (member changes, conflicts, flags) and who
sees what (issue 19 §3–6, §11)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from wuye.accounts.models import Role, User
from wuye.conftest import make_user
from wuye.core.errors import ServiceError
from wuye.core.models import AuditLog
from wuye.governance.committees import selectors as sel
from wuye.governance.committees import services as svc
from wuye.governance.committees.models import (
    CommitteeDecision,
    DecisionEvent,
    GuidanceOpinion,
    MemberChange,
    OwnerQuestion,
    QuestionEvent,
)
from wuye.governance.models import Matter
from wuye.notifications.models import Notification
from wuye.registry import services as rs

D = CommitteeDecision.Status


def decide(world, **kw):
    kw.setdefault("title", "更换小区门禁系统供应商")
    kw.setdefault("body", "经委员会议讨论，决定更换门禁系统供应商。")
    kw.setdefault("matter", "contract")
    kw.setdefault("decided_on", timezone.localdate())
    return svc.decision_record(actor=world.users["committee"], **kw)


@pytest.mark.parametrize("matter", Matter.values)
def test_assembly_matters_are_refused_with_the_reason(world, matter):
    with pytest.raises(ServiceError) as e:
        decide(world, matter=matter)
    assert "第二百七十八条" in str(e.value) and "业主大会" in str(e.value)
    assert not CommitteeDecision.objects.exists()


def test_assembly_matter_refused_on_the_page(world, login, client):
    login(world.users["committee"])
    r = client.post("/governance/oversight/decisions/new/", {
        "title": "解聘物业公司", "matter": Matter.HIRE_OR_FIRE_MANAGER, "decided_on": timezone.localdate().isoformat(),
        "body": "解聘"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "第二百七十八条" in html and "解聘物业公司" in html  # explained, and what was typed is kept
    assert not CommitteeDecision.objects.exists()


def test_only_a_current_committee_member_records(world):
    for who in ("resident", "community", "manager_a"):
        with pytest.raises(ServiceError):
            svc.decision_record(actor=world.users[who], title="x", body="x", matter="routine",
                                decided_on=timezone.localdate())


def test_review_period_in_working_days_and_notice(world):
    d = decide(world)
    assert d.status == D.RECORDED and d.review_due > timezone.localdate()
    assert Notification.objects.filter(user=world.users["community"]).exists()
    assert Notification.objects.filter(user=world.users["street"]).exists()


def test_review_and_correction_workflow(world):
    d = decide(world)
    with pytest.raises(ServiceError):  # the committee does not review itself
        svc.decision_review(actor=world.users["committee"], decision=d, opinion="agree")
    with pytest.raises(ServiceError, match="理由"):
        svc.decision_review(actor=world.users["community"], decision=d, opinion="object")
    svc.decision_review(actor=world.users["community"], decision=d, opinion="object", reasons="未经业主大会授权")
    d.refresh_from_db()
    assert d.status == D.OBJECTED and d.reviewed_at
    assert GuidanceOpinion.objects.get(decision=d).unit_name
    with pytest.raises(ServiceError):  # only the street orders a correction
        svc.decision_order_correction(actor=world.users["community"], decision=d, reason="违反管理规约")
    svc.decision_order_correction(actor=world.users["street"], decision=d, reason="违反管理规约第十二条")
    d.refresh_from_db()
    assert d.status == D.CORRECTION and d.correction_due > timezone.localdate()
    assert Notification.objects.filter(user=world.users["committee"], subject__contains="责令改正").exists()
    with pytest.raises(ServiceError, match="理由"):
        svc.decision_answer_correction(actor=world.users["committee"], decision=d, answer="")
    svc.decision_answer_correction(actor=world.users["committee"], decision=d, answer="已撤销原合同，重新公示")
    svc.decision_act(actor=world.users["street"], decision=d, action="accept_correction")
    d.refresh_from_db()
    assert d.status == D.CORRECTED
    assert list(DecisionEvent.objects.filter(decision=d).values_list("action", flat=True)) == [
        "review", "order_correction", "answer_correction", "accept_correction"]
    assert AuditLog.objects.filter(object_type="committees.committeedecision", object_id=str(d.pk)).count() >= 5
    with pytest.raises(ServiceError):  # terminal
        svc.decision_act(actor=world.users["committee"], decision=d, action="withdraw", note="x")


def test_another_street_cannot_act(world):
    d = decide(world)
    other = make_user("street2", Role.STREET, street=world.s2)
    with pytest.raises(ServiceError):
        svc.decision_review(actor=other, decision=d, opinion="agree")
    assert not sel.decisions_visible_to(other).exists()


def test_question_answer_and_escalation(world):
    d = decide(world)
    q = svc.question_ask(actor=world.users["resident"], decision=d, kind="objection", text="未征求业主意见")
    assert q.status == OwnerQuestion.Status.OPEN and q.due_at > timezone.now()
    assert sel.questions_visible_to(world.users["community"]).filter(pk=q.pk).exists()
    assert svc.questions_escalate() == 0
    assert svc.questions_escalate(now=q.due_at + timedelta(seconds=1)) == 1
    assert svc.questions_escalate(now=q.due_at + timedelta(seconds=2)) == 0  # idempotent
    q.refresh_from_db()
    assert q.status == OwnerQuestion.Status.ESCALATED and q.escalated_at
    assert Notification.objects.filter(user=world.users["street"], subject__contains="逾期").exists()
    with pytest.raises(ServiceError):
        svc.question_answer(actor=world.users["community"], question=q, answer="x")
    svc.question_answer(actor=world.users["committee"], question=q, answer="已于业主群公示征求意见")
    q.refresh_from_db()
    assert q.status == OwnerQuestion.Status.ANSWERED
    assert list(QuestionEvent.objects.filter(question=q).values_list("action", flat=True)) == ["escalate", "answer"]
    assert Notification.objects.filter(user=world.users["resident"], subject__contains="答复").exists()


def test_only_owners_of_the_estate_ask(world):
    d = decide(world)
    other = make_user("res_b", Role.RESIDENT, owner=world.owner_b)
    with pytest.raises(ServiceError):
        svc.question_ask(actor=other, decision=d, kind="question", text="?")
    with pytest.raises(ServiceError):
        svc.question_ask(actor=world.users["committee"], decision=d, kind="question", text="?")


def test_owners_of_another_estate_see_nothing(world, login, client):
    d = decide(world)
    svc.question_ask(actor=world.users["resident"], decision=d, kind="question", text="费用多少？")
    other = make_user("res_b", Role.RESIDENT, owner=world.owner_b)
    assert not sel.decisions_visible_to(other).exists()
    assert not sel.questions_visible_to(other).exists()
    assert not sel.decisions_visible_to(world.users["manager_a"]).exists()
    login(other)
    assert client.get(f"/governance/oversight/decisions/{d.pk}/").status_code == 404
    assert client.get(f"/governance/oversight/estates/{world.estate_a.pk}/").status_code == 404
    login(world.users["resident"])
    r = client.get(f"/governance/oversight/estates/{world.estate_a.pk}/")
    assert r.status_code == 200 and d.title in r.content.decode()
    r = client.get(f"/governance/oversight/decisions/{d.pk}/")
    html = r.content.decode()
    questions = html[html.index('data-testid="question"'):]
    assert r.status_code == 200 and "王秀英" not in questions and "王*" in questions  # the asker is masked


def test_decision_pages_roles(world, login, client):
    d = decide(world)
    login(world.users["community"])
    assert client.get("/governance/oversight/decisions/").status_code == 200
    r = client.post(f"/governance/oversight/decisions/{d.pk}/review/", {"opinion": "agree", "reasons": ""})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.status == D.AGREED
    login(world.users["manager_a"])
    assert client.get("/governance/oversight/decisions/").status_code == 403
    assert client.get(f"/governance/oversight/decisions/{d.pk}/").status_code == 404
    login(world.users["street"])
    assert client.get(f"/governance/oversight/decisions/{d.pk}/review/").status_code == 405


def test_member_changes_and_minimum_flag(world):
    root = world.users["city"]
    c = world.committee_a
    for i in range(4):
        rs.committee_member_add(actor=root, committee=c, name=f"委员{i}", position="member")
    today = timezone.localdate()
    assert sel.committee_flags(world.users["street"], today=today) == []  # 5 members, term running
    m = c.members.order_by("-id").first()
    svc.member_change_record(actor=world.users["committee"], committee=c, kind="resignation", member=m,
                             legal_basis="本人书面辞职", effective_on=today)
    flags = sel.committee_flags(world.users["street"], today=today)
    assert [f["reasons"] for f in flags] == [["members"]]
    with pytest.raises(ServiceError, match="业主大会"):  # removal needs the assembly's passed vote
        svc.member_change_record(actor=world.users["committee"], committee=c, kind="removal",
                                 member=c.members.first(), legal_basis="罢免", effective_on=today)
    svc.member_change_record(actor=world.users["street"], committee=c, kind="substitution", substitute_name="递补甲",
                             legal_basis="议事规则第九条", effective_on=today)
    assert sel.committee_flags(world.users["street"], today=today) == []
    assert MemberChange.objects.filter(committee=c).count() == 2
    # a term that ended without an election is flagged
    assert [f["reasons"] for f in sel.committee_flags(world.users["street"], today=c.term_end + timedelta(days=1))] == [["term"]]
    assert sel.committee_flags(world.users["resident"], today=today) == []


def test_conflict_is_declared_and_shown_to_the_street(world):
    member = world.committee_a.members.first()
    svc.conflict_declare(actor=world.users["committee"], member=member, kind="employed", detail="兼任物业公司客服主管",
                         declared_on=date(2026, 3, 1))
    assert sel.conflicts_visible_to(world.users["street"]).count() == 1
    assert sel.conflicts_visible_to(world.users["resident"]).count() == 0
    assert Notification.objects.filter(user=world.users["street"], subject__contains="利益冲突").exists()
    assert User.objects.filter(role=Role.STREET).exists()
