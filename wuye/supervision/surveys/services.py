"""Owner satisfaction surveys (issue 4 §5): every write, and the exact figures.

- Templates (the city bureau): dimensions and questions; a template already used by a survey is
  frozen (a new version is copied from it), so no past result ever changes.
- A survey is opened for one estate by its district authority (or the city bureau) and closed
  when its time is up (by the official, or the sweep).
- A verified owner answers once per unit: the ``Ownership`` proves the owner holds the unit; a
  second owner of the same unit is refused; an owner of two units answers for each.
- The counters on ``Survey`` move with ``F()`` in the transaction that stores the answer sheet,
  so they stay exact when owners answer at the same moment.

The figures (response rate, satisfaction, per dimension and question) are read by
``surveys.selectors.survey_results``.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.selectors import owner_users
from wuye.core.audit import audit_record
from wuye.core.calendar import local_text
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditAction
from wuye.notifications.services import notify
from wuye.registry.models import Ownership, Unit
from wuye.supervision.selectors import is_city, is_official_for, is_verified_owner

from .models import Survey, SurveyAnswer, SurveyDimension, SurveyQuestion, SurveyResponse, SurveyTemplate
from .selectors import SATISFIED_MIN, delivered_units, template_in_use
from .workflow import SURVEY

# ---- templates (the city bureau) ---------------------------------------------------------------


def _require_city(actor) -> None:
    if not is_city(actor):
        raise ServiceError(_("只有市住房保障房产局可以编辑测评问卷"))


def _require_editable(template: SurveyTemplate) -> None:
    if template_in_use(template):
        raise ServiceError(_("该问卷已用于测评，不能再修改；请“复制为新版本”后编辑"))


@transaction.atomic
def survey_template_copy(*, actor, template: SurveyTemplate, name: str = "") -> SurveyTemplate:
    """A new version of ``template`` (or a new template named ``name``) with the same questions."""
    _require_city(actor)
    name = (name or "").strip() or template.name
    last = SurveyTemplate.objects.filter(name=name).order_by("-version").values_list("version", flat=True).first()
    new = SurveyTemplate.objects.create(name=name[:100], version=(last or 0) + 1, active=True, is_default=False)
    for d in template.dimensions.prefetch_related("questions"):
        nd = SurveyDimension.objects.create(template=new, name=d.name, order=d.order)
        SurveyQuestion.objects.bulk_create(
            [SurveyQuestion(dimension=nd, text=q.text, order=q.order) for q in d.questions.all()])
    audit_record(action=AuditAction.CREATE, actor=actor, obj=new, detail=_("由问卷 %(src)s 复制") % {"src": template})
    return new


@transaction.atomic
def survey_template_set_default(*, actor, template: SurveyTemplate) -> SurveyTemplate:
    _require_city(actor)
    if not template.dimensions.filter(questions__isnull=False).exists():
        raise ServiceError(_("问卷还没有题目，不能设为默认问卷"))
    SurveyTemplate.objects.filter(is_default=True).exclude(pk=template.pk).update(is_default=False)
    SurveyTemplate.objects.filter(pk=template.pk).update(is_default=True, active=True)
    template.refresh_from_db()
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=template, changes={"is_default": [False, True]})
    return template


@transaction.atomic
def survey_template_set_active(*, actor, template: SurveyTemplate, active: bool) -> SurveyTemplate:
    _require_city(actor)
    if not active and template.is_default:
        raise ServiceError(_("默认问卷不能停用，请先把其他问卷设为默认"))
    SurveyTemplate.objects.filter(pk=template.pk).update(active=active)
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=template, changes={"active": [template.active, active]})
    template.active = active
    return template


@transaction.atomic
def survey_dimension_add(*, actor, template: SurveyTemplate, name: str) -> SurveyDimension:
    _require_city(actor)
    _require_editable(template)
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("请填写测评维度名称"))
    if template.dimensions.filter(name=name).exists():
        raise ServiceError(_("该问卷已有同名测评维度"))
    last = template.dimensions.order_by("-order").values_list("order", flat=True).first() or 0
    d = SurveyDimension.objects.create(template=template, name=name[:50], order=last + 1)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=d, detail=str(template))
    return d


@transaction.atomic
def survey_dimension_delete(*, actor, dimension: SurveyDimension) -> None:
    _require_city(actor)
    _require_editable(dimension.template)
    audit_record(action=AuditAction.DELETE, actor=actor, obj=dimension, detail=str(dimension.template))
    dimension.delete()


@transaction.atomic
def survey_question_add(*, actor, dimension: SurveyDimension, text: str) -> SurveyQuestion:
    _require_city(actor)
    _require_editable(dimension.template)
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("请填写题目"))
    last = dimension.questions.order_by("-order").values_list("order", flat=True).first() or 0
    q = SurveyQuestion.objects.create(dimension=dimension, text=text[:200], order=last + 1)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=q, detail=str(dimension.template))
    return q


@transaction.atomic
def survey_question_update(*, actor, question: SurveyQuestion, text: str) -> SurveyQuestion:
    _require_city(actor)
    _require_editable(question.dimension.template)
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("请填写题目"))
    before = question.text
    question.text = text[:200]
    question.save(update_fields=["text"])
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=question, changes={"text": [before, question.text]})
    return question


@transaction.atomic
def survey_question_delete(*, actor, question: SurveyQuestion) -> None:
    _require_city(actor)
    _require_editable(question.dimension.template)
    audit_record(action=AuditAction.DELETE, actor=actor, obj=question, detail=str(question.dimension.template))
    question.delete()


# ---- surveys -----------------------------------------------------------------------------------


@transaction.atomic
def survey_open(*, actor, estate, title: str = "", template: SurveyTemplate | None = None,
                opens_at: datetime | None = None, closes_at: datetime, now: datetime | None = None) -> Survey:
    """Open a satisfaction survey for ``estate`` (its district authority, or the city bureau)."""
    now = now or timezone.now()
    if not is_official_for(actor, estate.district_id):
        raise ServiceError(_("只有小区所在区县主管部门或市住房保障房产局可以发起满意度测评"))
    template = template or SurveyTemplate.objects.filter(is_default=True, active=True).first()
    if template is None or not template.active:
        raise ServiceError(_("请选择启用中的测评问卷"))
    if not SurveyQuestion.objects.filter(dimension__template=template).exists():
        raise ServiceError(_("所选问卷没有题目"))
    opens_at = opens_at or now
    if closes_at <= opens_at:
        raise ServiceError(_("结束时间须晚于开始时间"))
    if closes_at <= now:
        raise ServiceError(_("结束时间须晚于当前时间"))
    if Survey.objects.filter(estate=estate, status__in=[Survey.Status.DRAFT, Survey.Status.OPEN]).exists():
        raise ServiceError(_("该小区已有未结束的满意度测评"))
    units = delivered_units(estate)
    if units == 0:
        raise ServiceError(_("该小区没有已交付的房屋，无法开展业主满意度测评"))
    title = (title or "").strip() or _("%(estate)s %(year)s 年物业服务满意度测评") % {
        "estate": estate.name, "year": timezone.localtime(opens_at).year}
    status = Survey.Status.OPEN if opens_at <= now else Survey.Status.DRAFT
    survey = Survey.objects.create(
        template=template, estate=estate, company_id=estate.company_id, title=title[:100], status=status,
        opens_at=opens_at, closes_at=closes_at, unit_count=units, created_by=actor,
    )
    audit_record(action=AuditAction.CREATE, actor=actor, obj=survey,
                 changes={"estate": estate.pk, "template": template.pk, "unit_count": units})
    if status == Survey.Status.OPEN:
        _notify_owners(survey)
    return survey


def _notify_owners(survey: Survey) -> None:
    notify(users=list(owner_users(survey.estate_id)), subject=_("请参加物业服务满意度测评"),
           body=_("%(title)s 已开始，截止 %(end)s。每套房屋可提交一份答卷。") % {
               "title": survey.title, "end": local_text(survey.closes_at)},
           url="/supervision/surveys/mine/", channels=("inapp",), dedup_key=f"survey:{survey.pk}:open",
           category="supervision")


@transaction.atomic
def survey_close(*, actor=None, survey: Survey, now: datetime | None = None) -> Survey:
    """Close an open survey (the official ends it early, or the sweep when its time is up)."""
    now = now or timezone.now()
    if actor is not None and not is_official_for(actor, survey.estate.district_id):
        raise ServiceError(_("只有小区所在区县主管部门或市住房保障房产局可以结束测评"))
    if survey.status == Survey.Status.CLOSED:
        raise ServiceError(_("该测评已经结束"))
    SURVEY.apply(survey, "close", actor=actor, closes_at=min(survey.closes_at, now),
                 audit_detail="" if actor is not None else _("测评期满自动结束"))
    return survey


@transaction.atomic
def survey_respond(*, user, survey: Survey, unit: Unit, answers: dict, comment: str = "",
                   now: datetime | None = None) -> SurveyResponse:
    """Store one answer sheet for ``unit`` from its verified owner. ``answers``: question id → 1…5."""
    now = now or timezone.now()
    if not is_verified_owner(user):
        raise ServiceError(_("只有经核实的业主可以参加满意度测评"))
    if survey.status != Survey.Status.OPEN or not (survey.opens_at <= now < survey.closes_at):
        raise ServiceError(_("该测评不在进行中，不能提交答卷"))
    if unit.estate_id != survey.estate_id or not Ownership.objects.filter(unit=unit, owner_id=user.owner_id).exists():
        raise ServiceError(_("您不是该房屋登记的业主，不能代为答卷"))
    if unit.sale_status != Unit.SaleStatus.DELIVERED:
        raise ServiceError(_("该房屋尚未交付，不参加本次测评"))
    questions = list(SurveyQuestion.objects.filter(dimension__template_id=survey.template_id).values_list("pk", flat=True))
    scores: dict[int, int] = {}
    for qid in questions:
        raw = answers.get(qid, answers.get(str(qid)))
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise ServiceError(_("还有题目没有作答，请每题选择一项")) from None
        if value not in SurveyAnswer.Score.values:
            raise ServiceError(_("评价只能是 1（非常不满意）到 5（非常满意）"))
        scores[qid] = value
    if SurveyResponse.objects.filter(survey=survey, unit=unit).exists():
        raise ServiceError(_("房屋 %(unit)s 已有业主参加了本次测评，每套房屋只能提交一份答卷") % {"unit": unit.number})
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(survey=survey, unit=unit, owner_id=user.owner_id,
                                                     comment=(comment or "").strip()[:500])
    except IntegrityError:
        raise ServiceError(_("房屋 %(unit)s 已有业主参加了本次测评，每套房屋只能提交一份答卷") % {"unit": unit.number}) from None
    SurveyAnswer.objects.bulk_create([SurveyAnswer(response=response, question_id=q, score=s) for q, s in scores.items()])
    satisfied = sum(1 for s in scores.values() if s >= SATISFIED_MIN)
    Survey.objects.filter(pk=survey.pk).update(
        response_count=F("response_count") + 1, answer_count=F("answer_count") + len(scores),
        satisfied_answers=F("satisfied_answers") + satisfied,
    )
    audit_record(action=AuditAction.CREATE, actor=user, obj=response,
                 changes={"survey": survey.pk, "unit": unit.pk, "answers": len(scores), "satisfied": satisfied})
    return response


@transaction.atomic
def survey_sweep(*, now: datetime | None = None) -> dict:
    """Open drafts whose time has come and close open surveys whose time is up. Idempotent."""
    now = now or timezone.now()
    opened = closed = 0
    for survey in Survey.objects.filter(status=Survey.Status.DRAFT, opens_at__lte=now, closes_at__gt=now):
        try:
            SURVEY.apply(survey, "open", actor=None, audit_detail=_("测评开始"))
        except ConflictError:  # opened meanwhile by another worker
            continue
        opened += 1
        _notify_owners(survey)
    for survey in Survey.objects.filter(status__in=[Survey.Status.OPEN, Survey.Status.DRAFT], closes_at__lte=now):
        try:
            SURVEY.apply(survey, "close", actor=None, audit_detail=_("测评期满自动结束"))
        except ConflictError:  # closed meanwhile by the official or another worker
            continue
        closed += 1
    return {"opened": opened, "closed": closed}
