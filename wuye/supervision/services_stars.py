"""Star ratings (issue 4 §6; rules.md §8): every write.

Applications follow the table in ``workflow_stars.py``: each transition is a conditional UPDATE
on ``version`` (of two officials acting at once one wins, the other is told), appends a
``StarApplicationEvent``, writes an audit row and tells the company in the same transaction.

- gate checks at submission: service years (current contract), credit grade, no open complaint
  under listed supervision (挂牌督办) or above;
- evaluation: combined = inspection × weight_inspection% + satisfaction × weight_survey%, level =
  ``SupervisionSettings.star_for`` capped at the target;
- public notice for ``notice_workdays`` working days with written objections, decided one by one;
- effective: a ``StarRating`` valid ``rating_valid_years`` years replaces the estate's active one
  (history kept); 4★ and 5★ put a good credit item on record (XJ04, XJ05);
- downgrade reviews (substantiated complaints over the threshold, a reopened rectification order,
  or by hand): keep, downgrade (a new rating row) or revoke; XJ90 on downgrade or revoke;
- ``star_sweep`` (periodic, idempotent): effective after notice, expiry, downgrade triggers.
"""

from __future__ import annotations

import os
import uuid
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.models import Role, User
from wuye.core.audit import audit_record
from wuye.core.calendar import PeriodUnit, add_period
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditAction
from wuye.notifications.services import notify

from .models import (
    DowngradeReview,
    Inspection,
    StarApplication,
    StarApplicationEvent,
    StarObjection,
    StarRating,
    SupervisionSettings,
    Survey,
)
from .services_surveys import CENT, HUNDRED, percent
from .workflow_stars import (
    IN_PROGRESS,
    REVIEW_TRANSITIONS,
    TRANSITIONS,
    UPHELD_OUTCOMES,
    actor_kinds,
    is_company_manager_for,
    is_official_for,
    permits,
)

S = StarApplication.Status
INSPECTION_USABLE = (Inspection.Status.SUBMITTED, Inspection.Status.RECTIFYING, Inspection.Status.CONCLUDED)
CREDIT_RULES = {4: "XJ04", 5: "XJ05"}
DOWNGRADE_RULE = "XJ90"
LEVEL_NAMES = {1: "一星级", 2: "二星级", 3: "三星级", 4: "四星级", 5: "五星级"}


def level_name(level: int | None) -> str:
    return _(LEVEL_NAMES[level]) if level in LEVEL_NAMES else _("无星级")


def add_years(d: date, years: int) -> date:
    """The same day ``years`` later (29 February → 28 February in a common year)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


# ---- notifications ---------------------------------------------------------------------------


def company_users(company_id: int):
    return User.objects.filter(is_active=True, company_id=company_id, role__in=[Role.COMPANY_MANAGER, Role.COMPANY_STAFF])


def official_users(district_id: int):
    users = list(User.objects.filter(is_active=True, role=Role.DISTRICT, district_id=district_id))
    return users or list(User.objects.filter(is_active=True, role=Role.CITY))


def _notify_company(app: StarApplication, subject: str, body: str, *, key: str) -> None:
    notify(users=list(company_users(app.company_id)), subject=subject, body=body,
           url=f"/supervision/stars/applications/{app.pk}/", channels=("inapp", "sms"),
           dedup_key=f"star:{app.pk}:{key}:company", category="supervision")


def _notify_officials(app: StarApplication, subject: str, body: str, *, key: str) -> None:
    notify(users=official_users(app.district_id), subject=subject, body=body,
           url=f"/supervision/stars/applications/{app.pk}/", channels=("inapp",),
           dedup_key=f"star:{app.pk}:{key}:officials", category="supervision")


# ---- the transition primitive ----------------------------------------------------------------


def _transition(app: StarApplication, action: str, *, actor, note: str = "", **fields) -> StarApplication:
    """Check the table, then a conditional UPDATE on ``version``; append the event and audit row."""
    t = TRANSITIONS[action]
    kinds = actor_kinds(actor, app)
    if not permits(action, app.status, kinds):
        if not (t.actors & kinds):
            raise ServiceError(_("您无权对该星级申报执行“%(action)s”") % {"action": t.label})
        raise ServiceError(_("该星级申报当前为“%(status)s”，不能执行“%(action)s”") % {
            "status": app.get_status_display(), "action": t.label})
    note = (note or "").strip()
    if t.needs_note and not note:
        raise ServiceError(_("请填写“%(action)s”的理由") % {"action": t.label})
    target = t.target or app.status
    updated = StarApplication.objects.filter(pk=app.pk, version=app.version, status=app.status).update(
        status=target, version=app.version + 1, updated_at=timezone.now(), **fields)
    if updated != 1:
        raise ConflictError(_("该星级申报刚被他人处理过，请刷新页面后再试"))
    before = app.status
    StarApplicationEvent.objects.create(application=app, actor=actor if getattr(actor, "is_authenticated", False) else None,
                                        action=action, from_status=before, to_status=target, note=note)
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=app,
                 changes={"status": [before, target], **{k: [None, v] for k, v in fields.items()}},
                 detail=f"{action}: {note}"[:500])
    app.refresh_from_db()
    return app


# ---- applying and the gate ----------------------------------------------------------------------


def star_gate_checks(*, estate, company, today: date | None = None) -> list[dict]:
    """The gate of rules.md §8, each check with its outcome and a sentence explaining it."""
    from wuye.cases.models import OPEN_STATUSES, Complaint, SupervisionLevel
    from wuye.credit.lists import company_grade
    from wuye.credit.models import grade_at_least
    from wuye.registry.models import ServiceContract

    today = today or timezone.localdate()
    cs = SupervisionSettings.current()
    checks = []
    contract = ServiceContract.objects.filter(estate=estate, is_current=True).first()
    years = cs.gate_service_years
    if contract is None or contract.company_id != company.pk:
        checks.append({"check": "service_years", "passed": False,
                       "detail": _("没有该企业服务该小区的现行物业服务合同")})
    else:
        since = contract.start_date
        reached = add_years(since, years)
        passed = reached <= today
        checks.append({"check": "service_years", "passed": passed, "detail": (
            _("自 %(since)s 起服务该小区，已满 %(n)s 年") if passed else
            _("自 %(since)s 起服务该小区，须满 %(n)s 年（%(reached)s 后方可申报）")) % {
            "since": since.isoformat(), "n": years, "reached": reached.isoformat()}})
    grade = company_grade(company.pk) or ""
    minimum = cs.gate_min_grade
    passed = bool(grade) and grade_at_least(grade, minimum)
    checks.append({"check": "credit_grade", "passed": passed, "detail": (
        _("企业信用等级 %(grade)s，不低于 %(min)s") if passed else
        _("企业信用等级 %(grade)s，低于申报要求的 %(min)s")) % {"grade": grade or _("未评级"), "min": minimum}})
    listed = list(Complaint.objects.filter(estate=estate, status__in=sorted(str(s) for s in OPEN_STATUSES),
                                           supervision_level__gte=SupervisionLevel.LISTED)
                  .values_list("tracking_code", flat=True)[:5])
    checks.append({"check": "listed_complaints", "passed": not listed, "detail": (
        _("该小区没有未办结的挂牌督办诉求") if not listed else
        _("该小区有未办结的挂牌督办诉求：%(codes)s") % {"codes": "、".join(listed)})})
    return checks


CHECK_LABELS = {"service_years": "服务年限", "credit_grade": "企业信用等级", "listed_complaints": "挂牌督办诉求"}


@transaction.atomic
def star_apply(*, actor, estate, target_level: int, statement: str = "", now: datetime | None = None) -> StarApplication:
    """The company's manager applies for one of its estates; the gate runs at once."""
    now = now or timezone.now()
    if estate.company_id is None or not is_company_manager_for(actor, estate.company_id):
        raise ServiceError(_("只有为该小区提供服务的物业企业负责人可以申报星级"))
    try:
        target_level = int(target_level)
    except (TypeError, ValueError):
        target_level = 0
    if target_level not in LEVEL_NAMES:
        raise ServiceError(_("申报星级须为一星级至五星级"))
    if StarApplication.objects.filter(estate=estate, status__in=sorted(IN_PROGRESS)).exists():
        raise ServiceError(_("该小区已有正在办理的星级申报，请等待办结或撤回后再申报"))
    app = StarApplication.objects.create(
        company_id=estate.company_id, estate=estate, district_id=estate.district_id, target_level=target_level,
        statement=(statement or "").strip(), submitted_by=actor, status=S.SUBMITTED,
    )
    StarApplicationEvent.objects.create(application=app, actor=actor, action="submit", from_status="",
                                        to_status=S.SUBMITTED, note=app.statement[:500])
    audit_record(action=AuditAction.CREATE, actor=actor, obj=app,
                 changes={"estate": estate.pk, "target_level": target_level})
    checks = star_gate_checks(estate=estate, company=estate.company, today=timezone.localdate(now))
    failed = [c for c in checks if not c["passed"]]
    note = "；".join(c["detail"] for c in (failed or checks))
    app = _transition(app, "gate_fail" if failed else "gate_pass", actor=None, note=note, gate_results=checks)
    if failed:
        _notify_company(app, _("星级申报不符合申报条件"), _("%(estate)s 的星级申报未通过条件审查：%(why)s") % {
            "estate": estate.name, "why": note}, key="gate")
    else:
        _notify_officials(app, _("新的星级申报待评定"), _("%(company)s 为 %(estate)s 申报%(level)s，条件审查已通过。") % {
            "company": app.company.name, "estate": estate.name, "level": level_name(target_level)}, key="gate")
    return app


# ---- evaluation and decision -----------------------------------------------------------------


def combined_score(inspection_score: Decimal, satisfaction: Decimal, cs: SupervisionSettings) -> Decimal:
    value = (inspection_score * cs.weight_inspection + satisfaction * cs.weight_survey) / HUNDRED
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def inspection_percent(inspection: Inspection) -> Decimal:
    """The inspection's score on a 100-point scale (a standard is written for 100 points)."""
    score = inspection.total_score or Decimal("0")
    if inspection.max_score and inspection.max_score != HUNDRED:
        return (score * HUNDRED / inspection.max_score).quantize(CENT, rounding=ROUND_HALF_UP)
    return score


@transaction.atomic
def star_evaluate(*, actor, application: StarApplication, inspection: Inspection, survey: Survey,
                  note: str = "") -> StarApplication:
    """Link a submitted inspection and a closed survey of the estate; compute score and level."""
    if inspection is None or inspection.estate_id != application.estate_id:
        raise ServiceError(_("请选择该小区的现场检查"))
    if inspection.status not in INSPECTION_USABLE or inspection.total_score is None:
        raise ServiceError(_("所选现场检查尚未提交得分"))
    if survey is None or survey.estate_id != application.estate_id:
        raise ServiceError(_("请选择该小区的满意度测评"))
    if survey.status != Survey.Status.CLOSED:
        raise ServiceError(_("所选满意度测评尚未结束"))
    sat = percent(survey.satisfied_answers, survey.answer_count)
    if sat is None:
        raise ServiceError(_("所选满意度测评没有答卷"))
    cs = SupervisionSettings.current()
    rate = percent(survey.response_count, survey.unit_count) or Decimal("0")
    if rate < cs.survey_min_response_rate:
        raise ServiceError(_("所选测评参与率 %(rate)s%% 低于有效最低参与率 %(min)s%%，结果无效") % {
            "rate": rate, "min": cs.survey_min_response_rate})
    insp = inspection_percent(inspection)
    combined = combined_score(insp, sat, cs)
    level = min(cs.star_for(combined), application.target_level)
    detail = _("检查得分 %(i)s × %(wi)s%% + 满意率 %(s)s%% × %(ws)s%% = 综合得分 %(c)s，可评%(level)s") % {
        "i": insp, "wi": cs.weight_inspection, "s": sat, "ws": cs.weight_survey, "c": combined,
        "level": level_name(level) if level else _("：未达到一星级")}
    note = (detail + ("；" + note.strip() if (note or "").strip() else ""))
    return _transition(application, "evaluate", actor=actor, note=note, inspection_id=inspection.pk,
                       survey_id=survey.pk, inspection_score=insp, satisfaction=sat, combined_score=combined,
                       awarded_level=level or None)


def evaluation_advice(app: StarApplication) -> str:
    """What the official may decide now, in a sentence (shown beside the decision form)."""
    if app.combined_score is None:
        return _("请先录入现场检查和满意度测评。")
    if not app.awarded_level:
        return _("综合得分 %(c)s 未达到一星级标准，只能评定不通过。") % {"c": app.combined_score}
    if app.awarded_level < app.target_level:
        return _("综合得分 %(c)s 只达到%(got)s，低于申报的%(want)s：可按%(got)s公示（须说明理由），也可评定不通过。") % {
            "c": app.combined_score, "got": level_name(app.awarded_level), "want": level_name(app.target_level)}
    return _("综合得分 %(c)s 达到申报的%(want)s，可发布公示。") % {"c": app.combined_score, "want": level_name(app.target_level)}


@transaction.atomic
def star_publish(*, actor, application: StarApplication, note: str = "", now: datetime | None = None) -> StarApplication:
    """Publish the evaluated level for public notice (``notice_workdays`` working days)."""
    now = now or timezone.now()
    app = application
    if app.combined_score is None or not app.awarded_level:
        raise ServiceError(_("综合得分未达到任何星级，不能发布公示；请评定不通过"))
    note = (note or "").strip()
    if app.awarded_level < app.target_level and not note:
        raise ServiceError(_("评定星级低于申报星级，按较低星级公示须填写理由"))
    cs = SupervisionSettings.current()
    end = add_period(now, cs.notice_workdays, PeriodUnit.WORKING_DAYS)
    app = _transition(app, "publish", actor=actor, note=note or _("按%(level)s公示") % {"level": level_name(app.awarded_level)},
                      notice_start=now, notice_end=end, decided_at=now, decided_by_id=actor.pk, decision_note=note)
    _notify_company(app, _("星级评定结果公示"), _("%(estate)s 评定为%(level)s，公示至 %(end)s。") % {
        "estate": app.estate.name, "level": level_name(app.awarded_level),
        "end": timezone.localtime(end).strftime("%Y-%m-%d %H:%M")}, key=f"publish:{app.version}")
    return app


@transaction.atomic
def star_reject(*, actor, application: StarApplication, note: str, now: datetime | None = None) -> StarApplication:
    now = now or timezone.now()
    app = _transition(application, "reject", actor=actor, note=note, decided_at=now, decided_by_id=getattr(actor, "pk", None),
                      decision_note=(note or "").strip())
    _notify_company(app, _("星级申报未通过评定"), _("%(estate)s 的星级申报未通过：%(why)s") % {
        "estate": app.estate.name, "why": note}, key="reject")
    return app


@transaction.atomic
def star_withdraw(*, actor, application: StarApplication, note: str) -> StarApplication:
    app = _transition(application, "withdraw", actor=actor, note=note)
    _notify_officials(app, _("星级申报已撤回"), _("%(company)s 撤回了 %(estate)s 的星级申报：%(why)s") % {
        "company": app.company.name, "estate": app.estate.name, "why": note}, key="withdraw")
    return app


# ---- objections during the notice ------------------------------------------------------------


def _phone_ok(phone: str) -> str:
    import re

    value = re.sub(r"[\s\-()（）]", "", phone or "")
    if re.fullmatch(r"1[3-9]\d{9}", value) or re.fullmatch(r"0\d{9,11}", value):
        return value
    raise ServiceError(_("联系电话格式不正确，请填写手机号或带区号的固定电话"))


def _store_photos(app: StarApplication, files) -> list[str]:
    from wuye.cases.photos import check_photos

    stored = []
    for photo in check_photos(files):
        ext = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif"}[photo.content_type]
        name = default_storage.save(f"star_objections/{app.pk}/{uuid.uuid4().hex}{ext}", photo.file)
        stored.append(name)
    return stored


@transaction.atomic
def star_objection_file(*, application: StarApplication, name: str, phone: str, text: str, photos=(), user=None,
                        now: datetime | None = None) -> StarObjection:
    """A written objection to a published result, from anyone (name and phone required)."""
    now = now or timezone.now()
    app = StarApplication.objects.select_related("estate").get(pk=application.pk)
    if app.status != S.NOTICE or app.notice_end is None or now >= app.notice_end:
        raise ServiceError(_("该星级评定不在公示期内，不能再提出异议"))
    name = (name or "").strip()
    text = (text or "").strip()
    if not name:
        raise ServiceError(_("请填写异议人姓名"))
    phone = _phone_ok(phone)
    if len(text) < 10:
        raise ServiceError(_("请写明异议的事实和理由（不少于 10 个字）"))
    if len(text) > 2000:
        raise ServiceError(_("异议内容不能超过 2000 字"))
    stored = _store_photos(app, photos)
    objection = StarObjection.objects.create(application=app, name=name[:50], phone=phone, text=text, photos=stored,
                                             user=user if getattr(user, "is_authenticated", False) else None)
    StarApplicationEvent.objects.create(application=app, actor=objection.user, action="objection",
                                        from_status=app.status, to_status=app.status,
                                        note=_("收到书面异议（%(n)s 张照片）") % {"n": len(stored)})
    audit_record(action=AuditAction.CREATE, actor=user, obj=objection, username="public",
                 changes={"application": app.pk, "photos": len(stored)})
    _notify_officials(app, _("星级公示收到异议"), _("%(estate)s 的星级公示收到一份书面异议，请处理。") % {
        "estate": app.estate.name}, key=f"objection:{objection.pk}")
    return objection


@transaction.atomic
def star_objection_decide(*, actor, objection: StarObjection, upheld: bool, reason: str,
                          outcome: str = "reevaluate", now: datetime | None = None) -> StarObjection:
    """An official decides an objection with reasons. Upheld: the application goes back to
    evaluation (``outcome="reevaluate"``) or is rejected (``"reject"``); not upheld: it stays."""
    now = now or timezone.now()
    app = objection.application
    if not is_official_for(actor, app.district_id):
        raise ServiceError(_("只有小区所在区县主管部门或市住房保障房产局可以处理异议"))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("请填写处理理由"))
    if upheld and outcome not in UPHELD_OUTCOMES:
        raise ServiceError(_("异议成立时请选择退回重新评定或不予评定"))
    status = StarObjection.Status.UPHELD if upheld else StarObjection.Status.REJECTED
    updated = StarObjection.objects.filter(pk=objection.pk, status=StarObjection.Status.PENDING).update(
        status=status, decision_reason=reason, decided_by=actor, decided_at=now, updated_at=now)
    if updated != 1:
        raise ConflictError(_("该异议已经处理过，请刷新页面"))
    objection.refresh_from_db()
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=objection,
                 changes={"status": ["pending", status]}, detail=reason[:500])
    if upheld:
        if app.status != S.NOTICE:
            raise ServiceError(_("该星级申报已不在公示期，不能再按异议改变结果"))
        action = UPHELD_OUTCOMES[outcome]
        fields = {"notice_start": None, "notice_end": None} if action == "reevaluate" else {
            "decided_at": now, "decided_by_id": actor.pk, "decision_note": reason}
        app = _transition(app, action, actor=actor, note=_("异议成立：%(r)s") % {"r": reason}, **fields)
        if action == "reevaluate":
            # Other objections to the withdrawn notice are answered by the new evaluation.
            StarObjection.objects.filter(application=app, status=StarObjection.Status.PENDING).update(
                status=StarObjection.Status.UPHELD, decision_reason=_("已随异议 %(n)s 退回重新评定") % {"n": objection.pk},
                decided_by=actor, decided_at=now, updated_at=now)
    else:
        StarApplicationEvent.objects.create(application=app, actor=actor, action="objection_rejected",
                                            from_status=app.status, to_status=app.status,
                                            note=_("异议不成立：%(r)s") % {"r": reason})
    _notify_company(app, _("星级公示异议已处理"), _("%(estate)s 星级公示的一份异议%(res)s：%(r)s") % {
        "estate": app.estate.name, "res": _("成立") if upheld else _("不成立"), "r": reason},
        key=f"objection:{objection.pk}:decided")
    return objection


# ---- effect ----------------------------------------------------------------------------------


def _end_active_rating(rating: StarRating, *, status: str, reason: str, now: datetime) -> None:
    updated = StarRating.objects.filter(pk=rating.pk, status=StarRating.Status.ACTIVE).update(
        status=status, ended_at=now, end_reason=reason[:300], updated_at=now)
    if updated != 1:
        raise ConflictError(_("该星级刚被他人处理过，请刷新页面"))


def _credit(rating: StarRating, rule_code: str, source_key: str, description: str, today: date) -> None:
    from wuye.credit.auto import credit_event_auto

    credit_event_auto(company=rating.company, rule_code=rule_code, source_key=source_key, occurred_on=today,
                      description=description, estate=rating.estate, district=rating.district,
                      source_url=f"/supervision/stars/estates/{rating.estate_id}/")


@transaction.atomic
def star_make_effective(*, actor=None, application: StarApplication, now: datetime | None = None) -> StarRating:
    """After the notice with no objection pending: the rating takes effect (``actor`` None: the sweep)."""
    now = now or timezone.now()
    app = application
    if app.status == S.NOTICE and app.notice_end and now < app.notice_end:
        raise ServiceError(_("公示期至 %(end)s 才结束，期满后方可生效") % {
            "end": timezone.localtime(app.notice_end).strftime("%Y-%m-%d %H:%M")})
    if app.objections.filter(status=StarObjection.Status.PENDING).exists():
        raise ServiceError(_("还有未处理的异议，处理完毕后方可生效"))
    cs = SupervisionSettings.current()
    today = timezone.localdate(now)
    app = _transition(app, "make_effective", actor=actor, note=_("公示期满无异议，评定为%(level)s") % {
        "level": level_name(app.awarded_level)})
    previous = StarRating.objects.filter(estate_id=app.estate_id, status=StarRating.Status.ACTIVE).first()
    if previous is not None:
        _end_active_rating(previous, status=StarRating.Status.EXPIRED, now=now,
                           reason=_("被新的评定结果取代（申报 %(n)s）") % {"n": app.pk})
    rating = StarRating.objects.create(
        estate_id=app.estate_id, company_id=app.company_id, district_id=app.district_id, application=app,
        level=app.awarded_level, valid_from=today, valid_until=add_years(today, cs.rating_valid_years), previous=previous,
    )
    audit_record(action=AuditAction.CREATE, actor=actor, obj=rating,
                 changes={"level": rating.level, "valid_until": rating.valid_until, "previous": getattr(previous, "pk", None)},
                 detail=_("星级评定生效"))
    if rating.level in CREDIT_RULES:
        _credit(rating, CREDIT_RULES[rating.level], f"star:{rating.pk}",
                _("%(estate)s 获评%(level)s") % {"estate": app.estate.name, "level": level_name(rating.level)}, today)
    _notify_company(app, _("星级评定结果生效"), _("%(estate)s 获评%(level)s，有效期至 %(until)s。") % {
        "estate": app.estate.name, "level": level_name(rating.level), "until": rating.valid_until.isoformat()},
        key="effective")
    return rating


# ---- downgrade reviews -----------------------------------------------------------------------


def _notify_review(review: DowngradeReview, subject: str, body: str, *, key: str, officials: bool = False) -> None:
    rating = review.rating
    users = list(company_users(rating.company_id))
    if officials:
        users += official_users(rating.district_id)
    notify(users=users, subject=subject, body=body, url=f"/supervision/stars/reviews/{review.pk}/",
           channels=("inapp",), dedup_key=f"star-review:{review.pk}:{key}", category="supervision")


def downgrade_review_open(*, rating: StarRating, trigger: str, detail: str, source_key: str = "",
                          actor=None) -> DowngradeReview | None:
    """Open a downgrade review of an active rating; with ``source_key`` only once per source.
    Returns the review, or None when the source already had one."""
    if actor is not None and not is_official_for(actor, rating.district_id):
        raise ServiceError(_("只有小区所在区县主管部门或市住房保障房产局可以发起降级复核"))
    detail = (detail or "").strip()
    if not detail:
        raise ServiceError(_("请填写发起复核的情况说明"))
    if rating.status != StarRating.Status.ACTIVE:
        raise ServiceError(_("该星级已不在有效期内，无需复核"))
    if source_key and DowngradeReview.objects.filter(rating=rating, source_key=source_key).exists():
        return None
    try:
        with transaction.atomic():
            review = DowngradeReview.objects.create(rating=rating, trigger=trigger, detail=detail[:500],
                                                    source_key=source_key[:80])
            audit_record(action=AuditAction.CREATE, actor=actor, obj=review,
                         changes={"rating": rating.pk, "trigger": trigger, "source_key": source_key})
            _notify_review(review, _("星级降级复核"), _("%(estate)s 的%(level)s进入降级复核：%(why)s") % {
                "estate": rating.estate.name, "level": level_name(rating.level), "why": detail}, key="open",
                officials=actor is None)
    except IntegrityError:  # opened meanwhile by another worker under the same source
        return None
    return review


@transaction.atomic
def downgrade_review_decide(*, actor, review: DowngradeReview, decision: str, reason: str,
                            new_level: int | None = None, now: datetime | None = None) -> DowngradeReview:
    """Keep, downgrade (to ``new_level``, a new rating row) or revoke, with reasons."""
    now = now or timezone.now()
    if decision not in REVIEW_TRANSITIONS:
        raise ServiceError(_("请选择复核结论"))
    t = REVIEW_TRANSITIONS[decision]
    rating = review.rating
    if not is_official_for(actor, rating.district_id):
        raise ServiceError(_("只有小区所在区县主管部门或市住房保障房产局可以作出复核结论"))
    if review.status not in t.sources:
        raise ServiceError(_("该复核已经作出结论"))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("请填写复核意见"))
    if decision == "downgrade":
        try:
            new_level = int(new_level or 0)
        except (TypeError, ValueError):
            new_level = 0
        if not 1 <= new_level < rating.level:
            raise ServiceError(_("降级后的星级须低于现星级（%(level)s）且不低于一星级；如需取消星级请选择撤销") % {
                "level": level_name(rating.level)})
    else:
        new_level = None
    updated = DowngradeReview.objects.filter(pk=review.pk, status=DowngradeReview.Status.OPEN).update(
        status=t.target, new_level=new_level, decision_reason=reason, decided_by=actor, decided_at=now, updated_at=now)
    if updated != 1:
        raise ConflictError(_("该复核刚被他人处理过，请刷新页面"))
    review.refresh_from_db()
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=review,
                 changes={"status": ["open", review.status], "new_level": new_level}, detail=reason[:500])
    today = timezone.localdate(now)
    if decision in ("downgrade", "revoke"):
        if rating.status != StarRating.Status.ACTIVE:
            raise ServiceError(_("该星级已不在有效期内"))
        end_status = StarRating.Status.DOWNGRADED if decision == "downgrade" else StarRating.Status.REVOKED
        _end_active_rating(rating, status=end_status, now=now, reason=_("降级复核 %(n)s：%(r)s") % {"n": review.pk, "r": reason})
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=rating, changes={"status": ["active", end_status]})
        if decision == "downgrade":
            new = StarRating.objects.create(
                estate_id=rating.estate_id, company_id=rating.company_id, district_id=rating.district_id,
                application_id=rating.application_id, level=new_level, valid_from=today,
                valid_until=max(rating.valid_until, today), previous=rating,
            )
            audit_record(action=AuditAction.CREATE, actor=actor, obj=new, changes={"level": new_level, "previous": rating.pk},
                         detail=_("降级复核后的星级"))
        _credit(rating, DOWNGRADE_RULE, f"star-review:{review.pk}",
                _("%(estate)s 的%(level)s经复核%(what)s：%(r)s") % {
                    "estate": rating.estate.name, "level": level_name(rating.level),
                    "what": _("降为%(n)s") % {"n": level_name(new_level)} if new_level else _("被撤销"), "r": reason}, today)
    _notify_review(review, _("星级降级复核结论"), _("%(estate)s 的降级复核结论：%(res)s。%(r)s") % {
        "estate": rating.estate.name, "res": t.label, "r": reason}, key="decided")
    return review


def substantiated_complaints(estate_id: int, *, since: datetime):
    """Complaints of the estate since ``since`` that proved well-founded: resolved, or reopened
    after an unsatisfied callback; complaints found unreasonable do not count."""
    from wuye.cases.models import Complaint

    return Complaint.objects.filter(estate_id=estate_id, created_at__gte=since, unreasonable=False).filter(
        Q(callback_resolved=True) | Q(reopen_count__gt=0))


def star_downgrade_scan(*, now: datetime | None = None) -> int:
    """Open downgrade reviews for active ratings whose estate has too many substantiated complaints
    in the window, or a rectification order reopened by re-inspection. Returns the number opened."""
    from .models import RectificationOrder

    now = now or timezone.now()
    cs = SupervisionSettings.current()
    since = now - timedelta(days=cs.downgrade_window_days)
    opened = 0
    ratings = list(StarRating.objects.filter(status=StarRating.Status.ACTIVE).select_related("estate"))
    for rating in ratings:
        if cs.downgrade_complaints and not rating.reviews.filter(status=DowngradeReview.Status.OPEN,
                                                                   trigger=DowngradeReview.Trigger.COMPLAINTS).exists():
            n = substantiated_complaints(rating.estate_id, since=max(since, rating.created_at)).count()
            if n >= cs.downgrade_complaints:
                month = timezone.localtime(now).strftime("%Y-%m")
                with transaction.atomic():
                    if downgrade_review_open(rating=rating, trigger=DowngradeReview.Trigger.COMPLAINTS,
                                             source_key=f"complaints:{month}",
                                             detail=_("近 %(days)s 天经核实的投诉 %(n)s 件，达到 %(min)s 件的复核标准") % {
                                                 "days": cs.downgrade_window_days, "n": n, "min": cs.downgrade_complaints}):
                        opened += 1
        reopened = RectificationOrder.objects.filter(estate_id=rating.estate_id, reopen_count__gt=0,
                                                     updated_at__gte=rating.created_at).values_list("pk", "number")
        for pk, number in reopened:
            with transaction.atomic():
                if downgrade_review_open(rating=rating, trigger=DowngradeReview.Trigger.REINSPECTION,
                                         source_key=f"order:{pk}",
                                         detail=_("整改通知 %(n)s 复查未通过，被重新打开") % {"n": number}):
                    opened += 1
    return opened


def star_ratings_expire(*, now: datetime | None = None) -> int:
    """Mark active ratings past ``valid_until`` expired (conditional UPDATE: idempotent)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    n = 0
    for rating in StarRating.objects.filter(status=StarRating.Status.ACTIVE, valid_until__lt=today):
        with transaction.atomic():
            if StarRating.objects.filter(pk=rating.pk, status=StarRating.Status.ACTIVE).update(
                    status=StarRating.Status.EXPIRED, ended_at=now, end_reason=_("有效期届满"), updated_at=now):
                n += 1
                audit_record(action=AuditAction.UPDATE, actor=None, obj=rating, changes={"status": ["active", "expired"]},
                             detail=_("星级有效期届满"))
                notify(users=list(company_users(rating.company_id)), subject=_("星级有效期届满"),
                       body=_("%(estate)s 的%(level)s已于 %(d)s 到期，可重新申报。") % {
                           "estate": rating.estate.name, "level": level_name(rating.level), "d": rating.valid_until.isoformat()},
                       url="/supervision/stars/applications/", channels=("inapp",),
                       dedup_key=f"star-rating:{rating.pk}:expired", category="supervision")
    return n


def star_notices_due(*, now: datetime | None = None) -> int:
    """Make effective every application whose notice has ended with no objection pending."""
    now = now or timezone.now()
    n = 0
    due = StarApplication.objects.filter(status=S.NOTICE, notice_end__lte=now).exclude(
        objections__status=StarObjection.Status.PENDING)
    for app in due.select_related("estate", "company"):
        try:
            star_make_effective(actor=None, application=app, now=now)
            n += 1
        except ServiceError:  # taken meanwhile by an official, or an objection arrived
            continue
    return n


def star_sweep(*, now: datetime | None = None) -> dict:
    """The periodic work of surveys and stars. Safe to run twice or on two workers."""
    from .services_surveys import survey_sweep

    now = now or timezone.now()
    result = survey_sweep(now=now)
    result["effective"] = star_notices_due(now=now)
    result["expired"] = star_ratings_expire(now=now)
    result["reviews"] = star_downgrade_scan(now=now)
    return result


def objection_photo_path(objection: StarObjection, index: int) -> str | None:
    photos = objection.photos or []
    if not 0 <= index < len(photos):
        return None
    name = photos[index]
    return name if isinstance(name, str) and name.startswith(f"star_objections/{objection.application_id}/") else None


def objection_photo_type(name: str) -> str:
    return {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp", ".gif": "image/gif"}.get(
        os.path.splitext(name)[1].lower(), "application/octet-stream")


@transaction.atomic
def star_settings_save(*, actor, settings_obj: SupervisionSettings, changed: list[str]) -> SupervisionSettings:
    """The city bureau saves the star and survey settings (validated by the form)."""
    from wuye.core.audit import snapshot

    if getattr(actor, "role", None) != Role.CITY:
        raise ServiceError(_("只有市住房保障房产局可以修改星级评定设置"))
    before = snapshot(SupervisionSettings.objects.get(pk=settings_obj.pk)) if settings_obj.pk else {}
    settings_obj.save()
    after = snapshot(settings_obj)
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=settings_obj,
                 changes={k: [before.get(k), after.get(k)] for k in changed if before.get(k) != after.get(k)})
    return settings_obj
