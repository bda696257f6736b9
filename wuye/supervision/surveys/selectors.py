"""Who sees which surveys and questionnaires, the reads of the survey pages and the exact figures
of a survey — decided here only.

- city bureau: everything; district authority: its district; street office and community: the
  surveys of their area (read only);
- property company (manager and staff): the surveys of the estates it serves;
- owners (resident, or a committee member bound to an owner) and the committee: the surveys of
  their estate.

Response rate = responding units / delivered units of the estate; satisfaction = answers 4 or 5 /
all answers; both Decimal percentages rounded half up to 0.01 (``core.money.percent``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.models import Role
from wuye.core.access import get_visible_or_404
from wuye.core.money import percent, round_half_up
from wuye.registry.models import Ownership, Unit
from wuye.supervision.models import SupervisionSettings
from wuye.supervision.selectors import (
    COMPANY_ROLES,
    OWNER_ROLES,
    is_active,
    is_city,
    is_official,
    is_official_for,
    is_verified_owner,
)

from .models import Survey, SurveyAnswer, SurveyDimension, SurveyQuestion, SurveyResponse, SurveyTemplate

NOTHING = Q(pk__in=[])
SATISFIED_MIN = 4
LIST_ROLES = frozenset({Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY, Role.COMPANY_MANAGER, Role.COMPANY_STAFF})


def survey_q(user) -> Q | None:
    if not is_active(user):
        return NOTHING
    role = user.role
    if role == Role.CITY:
        return None
    if role == Role.DISTRICT:
        return Q(estate__district_id=user.district_id)
    if role == Role.STREET:
        return Q(estate__street_id=user.street_id)
    if role == Role.COMMUNITY:
        return Q(estate__community_id=user.community_id)
    if role in COMPANY_ROLES:
        return Q(company_id=user.company_id) if user.company_id else NOTHING
    q = NOTHING
    if role == Role.COMMITTEE and user.estate_id:
        q = Q(estate_id=user.estate_id)
    if role in OWNER_ROLES and user.owner_id:
        q |= Q(estate_id__in=Ownership.objects.filter(owner_id=user.owner_id).values("estate_id"))
    return q


def surveys_visible_to(user) -> QuerySet[Survey]:
    q = survey_q(user)
    qs = Survey.objects.all()
    return qs if q is None else qs.filter(q)


def survey_get_for_user(*, user, pk) -> Survey:
    return get_visible_or_404(surveys_visible_to(user).select_related("estate", "estate__district", "company", "template"),
                              user=user, pk=pk)


# ---- policies ------------------------------------------------------------------------------------


def can_open_surveys(user) -> bool:
    return is_official(user)


def can_edit_templates(user) -> bool:
    return is_city(user)


def can_list_surveys(user) -> bool:
    """Officials, area offices, companies and the owners' committee use the survey list."""
    return is_active(user) and (user.role in LIST_ROLES or user.role == Role.COMMITTEE)


def can_export_survey(user) -> bool:
    return is_active(user) and user.role in LIST_ROLES


def uses_owner_pages(user) -> bool:
    """A resident's survey pages are "我的测评" (the officials' pages are not theirs)."""
    return is_active(user) and user.role == Role.RESIDENT


def can_answer_surveys(user) -> bool:
    return is_verified_owner(user)


def can_close_survey(user, survey: Survey) -> bool:
    return is_official_for(user, survey.estate.district_id)


def templates_visible_to(user) -> QuerySet[SurveyTemplate]:
    if is_official(user):
        return SurveyTemplate.objects.all()
    return SurveyTemplate.objects.none()


# ---- reads of the pages and services -----------------------------------------------------------------


def template_in_use(template: SurveyTemplate) -> bool:
    return Survey.objects.filter(template=template).exists()


def templates_with_counts(user):
    in_use = Survey.objects.filter(template_id=OuterRef("pk"))
    return (templates_visible_to(user).annotate(n_dims=Count("dimensions", distinct=True),
                                                n_questions=Count("dimensions__questions", distinct=True),
                                                in_use=Exists(in_use)).order_by("-is_default", "-active", "name", "-version"))


def template_dimensions(template: SurveyTemplate):
    return template.dimensions.prefetch_related(Prefetch("questions", SurveyQuestion.objects.order_by("order", "id")))


def dimension_get_for_user(*, user, template: SurveyTemplate, pk) -> SurveyDimension:
    return get_visible_or_404(SurveyDimension.objects.filter(template=template), user=user, pk=pk)


def question_get_for_user(*, user, template: SurveyTemplate, pk) -> SurveyQuestion:
    return get_visible_or_404(SurveyQuestion.objects.filter(dimension__template=template).select_related("dimension__template"),
                              user=user, pk=pk)


def default_template() -> SurveyTemplate | None:
    return SurveyTemplate.objects.filter(is_default=True).first()


def active_templates() -> QuerySet[SurveyTemplate]:
    return SurveyTemplate.objects.filter(active=True)


def delivered_units(estate) -> int:
    return Unit.objects.filter(estate=estate, sale_status=Unit.SaleStatus.DELIVERED).count()


def owner_units(user, survey: Survey) -> list[Unit]:
    """The units of the survey's estate the account's owner holds (empty for anybody else)."""
    if not is_verified_owner(user):
        return []
    return list(Unit.objects.filter(estate_id=survey.estate_id, ownerships__owner_id=user.owner_id)
                .select_related("building").order_by("building__name", "number"))


def owner_unit_get(*, user, survey: Survey, pk) -> Unit:
    """One unit of the survey's estate held by the account's owner (404 otherwise)."""
    return get_visible_or_404(Unit.objects.filter(ownerships__owner_id=user.owner_id, estate_id=survey.estate_id)
                              .select_related("building"), user=user, pk=pk)


def owner_survey_cards(user, *, limit: int = 20) -> list[dict]:
    """"我的测评": open and closed surveys of the owner's estates, each unit answered or not."""
    now = timezone.now()
    units = list(Unit.objects.filter(ownerships__owner_id=user.owner_id).select_related("building", "estate")
                 .order_by("estate__name", "building__name", "number"))
    estate_ids = {u.estate_id for u in units}
    surveys = list(Survey.objects.filter(estate_id__in=estate_ids).filter(
        Q(status=Survey.Status.OPEN, closes_at__gt=now) | Q(status=Survey.Status.CLOSED))
        .select_related("estate").order_by("-opens_at")[:limit])
    answered = set(SurveyResponse.objects.filter(survey__in=surveys, unit__in=units).values_list("survey_id", "unit_id"))
    cards = []
    for s in surveys:
        own = [(u, (s.pk, u.pk) in answered) for u in units if u.estate_id == s.estate_id]
        cards.append({"survey": s, "units": own, "open": s.status == Survey.Status.OPEN and s.opens_at <= now})
    return cards


def unit_answered(survey: Survey, unit: Unit) -> bool:
    return SurveyResponse.objects.filter(survey=survey, unit=unit).exists()


def survey_questions(survey: Survey) -> list[SurveyQuestion]:
    """The questions of the survey's questionnaire, in its order (with their dimension)."""
    return list(SurveyQuestion.objects.filter(dimension__template_id=survey.template_id)
                .select_related("dimension").order_by("dimension__order", "dimension_id", "order", "id"))


def answer_stats(survey: Survey, *, satisfied_min: int = SATISFIED_MIN) -> dict[int, dict]:
    """Per question: answers, satisfied answers and the count of each score (one query)."""
    return {
        row["question_id"]: row for row in
        SurveyAnswer.objects.filter(response__survey=survey).values("question_id").annotate(
            n=Count("id"), good=Count("id", filter=Q(score__gte=satisfied_min)),
            s1=Count("id", filter=Q(score=1)), s2=Count("id", filter=Q(score=2)), s3=Count("id", filter=Q(score=3)),
            s4=Count("id", filter=Q(score=4)), s5=Count("id", filter=Q(score=5)),
        )
    }


# ---- the figures -----------------------------------------------------------------------------------


@dataclass
class DimensionResult:
    name: str
    answers: int = 0
    satisfied: int = 0
    total_score: int = 0
    questions: list = field(default_factory=list)

    @property
    def satisfaction(self) -> Decimal | None:
        return percent(self.satisfied, self.answers)

    @property
    def average(self) -> Decimal | None:
        if not self.answers:
            return None
        return round_half_up(Decimal(self.total_score) / Decimal(self.answers))


@dataclass
class SurveyResults:
    survey: Survey
    response_rate: Decimal | None
    satisfaction: Decimal | None
    dimensions: list[DimensionResult]
    valid: bool  # the response rate reached the settings' minimum

    @property
    def chart(self) -> dict:
        return {"names": [d.name for d in self.dimensions],
                "values": [None if d.satisfaction is None else str(d.satisfaction) for d in self.dimensions],
                "label": _("满意率（%）")}


def survey_results(survey: Survey) -> SurveyResults:
    """Figures of a survey: overall from its counters, per dimension and question from the answers
    (two queries whatever the number of answers)."""
    questions = survey_questions(survey)
    stats = answer_stats(survey, satisfied_min=SATISFIED_MIN)
    dims: dict[int, DimensionResult] = {}
    for q in questions:
        d = dims.setdefault(q.dimension_id, DimensionResult(q.dimension.name))
        row = stats.get(q.pk) or {}
        n, good = row.get("n", 0), row.get("good", 0)
        counts = [row.get(f"s{i}", 0) for i in range(1, 6)]
        total = sum(i * c for i, c in enumerate(counts, start=1))
        d.answers += n
        d.satisfied += good
        d.total_score += total
        d.questions.append({"text": q.text, "answers": n, "satisfied": good, "counts": counts,
                            "satisfaction": percent(good, n)})
    rate = percent(survey.response_count, survey.unit_count)
    minimum = SupervisionSettings.current().survey_min_response_rate
    return SurveyResults(survey=survey, response_rate=rate,
                         satisfaction=percent(survey.satisfied_answers, survey.answer_count),
                         dimensions=list(dims.values()), valid=rate is not None and rate >= minimum)
