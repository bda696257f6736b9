"""The demo city's year of supervision and credit (issue 4): every part present and consistent,
the draws re-runnable, every company's credit computed, and the same seed giving the same rows."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Sum

from wuye.accounts.models import User
from wuye.core import calendar
from wuye.core.models import AuditAction, AuditLog
from wuye.credit.models import (
    Benchmark,
    CompanyCredit,
    CreditEvent,
    CreditEventLog,
    CreditRule,
    CreditSettings,
    ExitCase,
    ExitStep,
)
from wuye.credit.scoring import counting_q, score_from_events
from wuye.demo.generator import build_demo_city
from wuye.demo.supervision import build_demo_supervision
from wuye.registry.models import Estate, PropertyCompany
from wuye.supervision.inspections.draw import draw_verify
from wuye.supervision.models import (
    Draw,
    Inspection,
    InspectionPlan,
    InspectionScore,
    Inspector,
    InspectorConflict,
    OrderEvent,
    RectificationOrder,
    StarApplication,
    StarRating,
    Survey,
    SurveyAnswer,
    SurveyResponse,
)

NOW = datetime(2026, 11, 20, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
SEED = 11
MODELS = [Inspector, InspectorConflict, InspectionPlan, Draw, Inspection, InspectionScore, RectificationOrder, OrderEvent,
          Survey, SurveyResponse, SurveyAnswer, StarApplication, StarRating, CreditEvent, CreditEventLog, Benchmark,
          ExitCase, ExitStep, CompanyCredit]
# Columns that say when a row was written or computed, not what it says.
WHEN = {"computed_at"}


def digest() -> str:
    h = hashlib.sha256()
    for model in MODELS:
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in WHEN]
        h.update(model._meta.label.encode())
        for row in model.objects.order_by("pk").values_list(*fields).iterator(chunk_size=5000):
            h.update(repr(row).encode())
    return h.hexdigest()


def restart_sequences() -> None:
    """PostgreSQL's sequences ignore rollbacks: set each back to its table's highest id, so that
    both builds number their rows alike (SQLite's ids follow the rolled-back table already)."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The small demo city with its complaints; supervision built twice with the same seed — by the
    builder (rolled back), then by ``manage.py demo_supervision`` (kept). Everything is rolled back
    after the module."""
    with django_db_blocker.unblock():
        calendar.clear_cache()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            build_demo_city(scale="small", seed=SEED, now=NOW, supervision=False)
            digests = []
            restart_sequences()
            with transaction.atomic():
                build_demo_supervision(scale="small", seed=SEED, now=NOW)
                digests.append(digest())
                transaction.set_rollback(True)
            restart_sequences()
            out = StringIO()
            call_command("demo_supervision", scale="small", seed=SEED, now=NOW.isoformat(), stdout=out, skip_checks=True)
            digests.append(digest())
            yield out.getvalue(), digests
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            calendar.clear_cache()


@pytest.fixture
def d(demo, db):
    return demo[0]


def test_same_seed_gives_the_same_rows(demo, db):
    first, second = demo[1]
    assert first == second


def test_inspector_pools_with_the_demo_logins(d):
    district, street = User.objects.get(username="district"), User.objects.get(username="street")
    assert Inspector.objects.filter(user=district, district_id=district.district_id).exists()
    assert Inspector.objects.filter(user=street, district_id=street.street.district_id).exists()
    per_district = dict(Inspector.objects.values_list("district_id").annotate(n=Count("id")))
    assert per_district.get(None, 0) >= 2  # the city pool
    assert all(n >= 4 for k, n in per_district.items() if k)
    assert InspectorConflict.objects.exists()


def test_monthly_plans_with_reproducible_draws(d):
    routine = InspectionPlan.objects.filter(kind=InspectionPlan.Kind.ROUTINE)
    assert routine.count() == 24  # 12 months × 2 districts
    assert InspectionPlan.objects.filter(kind=InspectionPlan.Kind.COMPLAINT).count() == 1
    draws = list(Draw.objects.select_related("plan"))
    assert len(draws) == InspectionPlan.objects.count()
    assert all(draw_verify(dr) for dr in draws)
    assert all(dr.published_at for dr in draws)
    # Every drawn estate got its inspection with the assigned inspectors, and nobody with a conflict.
    for dr in draws:
        assert sorted(Inspection.objects.filter(plan=dr.plan).values_list("estate_id", flat=True)) == \
            sorted(dr.result["estates"])
        for insp in Inspection.objects.filter(plan=dr.plan).prefetch_related("inspectors"):
            assigned = sorted(dr.result["assignments"][str(insp.estate_id)])
            assert sorted(i.pk for i in insp.inspectors.all()) == assigned
            for i in assigned:
                assert insp.estate_id not in dr.conflicts.get(str(i), [])


def test_inspections_are_scored_item_by_item(d):
    statuses = Counter(Inspection.objects.values_list("status", flat=True))
    assert statuses[Inspection.Status.CONCLUDED] > statuses[Inspection.Status.RECTIFYING] > 0
    done = Inspection.objects.exclude(status=Inspection.Status.ASSIGNED)
    sums = dict(InspectionScore.objects.values_list("inspection_id").annotate(s=Sum("score")))
    for insp in done:
        assert insp.total_score == sums[insp.pk]
        assert insp.max_score == Decimal("100")
        assert insp.company_id == Estate.objects.get(pk=insp.estate_id).company_id
        assert insp.published
    assert not Inspection.objects.filter(status=Inspection.Status.ASSIGNED, total_score__isnull=False).exists()
    scores = [i.total_score for i in done]
    assert min(scores) < 85 < max(scores)


def test_rectification_orders_mostly_closed_some_open_some_overdue(d):
    by_status = Counter(RectificationOrder.objects.values_list("status", flat=True))
    total = sum(by_status.values())
    assert by_status[RectificationOrder.Status.CLOSED] / total > 0.6
    assert by_status[RectificationOrder.Status.OPEN] > 0
    overdue = RectificationOrder.objects.filter(overdue_at__isnull=False)
    assert overdue.exists()
    for order in overdue:
        assert CreditEvent.objects.filter(source_key=f"order-overdue:{order.pk}", rule__code="XC03").exists()
    for order in RectificationOrder.objects.filter(status=RectificationOrder.Status.CLOSED):
        assert order.closed_at and order.submitted_at and order.submitted_at <= order.closed_at
    # An inspection is concluded only when its orders are all closed.
    assert not Inspection.objects.filter(status=Inspection.Status.CONCLUDED,
                                         orders__status=RectificationOrder.Status.OPEN).exists()
    assert OrderEvent.objects.filter(action="issue").count() == total
    # The featured estate has an open order from this week's complaint check.
    featured = Estate.objects.get(name="幸福里小区")
    assert RectificationOrder.objects.filter(estate=featured, status=RectificationOrder.Status.OPEN).exists()


def test_surveys_one_answer_sheet_per_unit(d):
    assert Survey.objects.count() >= 3
    for s in Survey.objects.all():
        assert s.response_count == s.responses.count() > 0
        assert s.answer_count == SurveyAnswer.objects.filter(response__survey=s).count()
        assert s.satisfied_answers == SurveyAnswer.objects.filter(response__survey=s, score__gte=4).count()
        assert s.unit_count >= s.response_count
    assert not SurveyResponse.objects.values("survey", "unit").annotate(n=Count("id")).filter(n__gt=1).exists()


def test_star_applications_and_active_ratings(d):
    statuses = set(StarApplication.objects.values_list("status", flat=True))
    assert {StarApplication.Status.EFFECTIVE, StarApplication.Status.NOTICE} <= statuses
    active = StarRating.objects.filter(status=StarRating.Status.ACTIVE)
    assert active.exists()
    for r in active.select_related("application"):
        assert r.application.status == StarApplication.Status.EFFECTIVE
        assert r.level == r.application.awarded_level
    assert not StarRating.objects.values("estate").filter(status="active").annotate(n=Count("id")).filter(n__gt=1).exists()


def test_every_company_has_its_credit_computed(d):
    assert CompanyCredit.objects.count() == PropertyCompany.objects.count()
    cs = CreditSettings.current()
    today = NOW.date()
    for credit in CompanyCredit.objects.all():
        rows = CreditEvent.objects.filter(counting_q(today), company_id=credit.company_id).values_list("klass", "points")
        s = score_from_events(rows, cs)
        assert credit.score == s.total and credit.grade == cs.grade_for(s.total)
    filed = PropertyCompany.objects.filter(filing_status=PropertyCompany.FilingStatus.FILED)
    # Every filed company has its basic item; companies not filed have no credit record.
    assert CreditEvent.objects.filter(rule__code="JC01").values("company").distinct().count() == filed.count()
    assert not CreditEvent.objects.exclude(company__filing_status=PropertyCompany.FilingStatus.FILED).exists()
    klasses = Counter(CreditEvent.objects.values_list("klass", flat=True))
    assert set(klasses) == set(CreditRule.Klass.values)
    statuses = set(CreditEvent.objects.values_list("status", flat=True))
    assert {CreditEvent.Status.CONFIRMED, CreditEvent.Status.NOTICE, CreditEvent.Status.OBJECTED} <= statuses
    # A veto item black-lists; the black-listed companies' estates have exit cases, some with steps.
    black = set(CompanyCredit.objects.filter(black=True).values_list("company_id", flat=True))
    assert black and set(CreditEvent.objects.filter(klass="veto").values_list("company_id", flat=True)) <= black
    for estate in Estate.objects.filter(company_id__in=black):
        assert ExitCase.objects.filter(estate=estate, company_id=estate.company_id, status="open").exists()
    assert ExitStep.objects.exists()
    assert CompanyCredit.objects.filter(red=True).exists()
    assert Benchmark.objects.filter(kind=Benchmark.Kind.COMPANY).exists()


def test_no_audit_row_per_generated_record(d):
    assert not AuditLog.objects.filter(object_type__startswith="credit.").exists()
    assert AuditLog.objects.filter(action=AuditAction.IMPORT).count() == 2  # the city, then its supervision
    assert not AuditLog.objects.filter(object_type__startswith="supervision.").exists()


def test_the_command_adds_supervision_once(d):
    with pytest.raises(CommandError):
        call_command("demo_supervision", scale="small", seed=SEED, stdout=StringIO(), skip_checks=True)
    out = StringIO()
    call_command("demo_supervision", scale="small", seed=SEED, if_empty=True, stdout=out, skip_checks=True)
    assert "跳过" in out.getvalue()


def test_the_command_reports_and_audits_the_run(d):
    assert "演示监督检查与信用数据已生成" in d
    log = AuditLog.objects.filter(action=AuditAction.IMPORT, detail="演示监督检查与信用数据已生成").get()
    assert log.changes["seed"] == SEED and log.changes["scale"] == "small"
    assert log.changes["counts"]["creditevent"] == CreditEvent.objects.count()


def test_the_overview_reads_the_demo_city(d, client):
    client.force_login(User.objects.get(username="city"), backend="django.contrib.auth.backends.ModelBackend")
    r = client.get("/overview/", {"year": NOW.year})
    assert r.status_code == 200
    assert r.context["coverage_total"]["inspected"] > 0
    assert r.context["credit"]["black"] > 0
