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
import re
import uuid
from datetime import date, datetime
from decimal import Decimal

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.selectors import company_users, official_users
from wuye.cases.models import OPEN_STATUSES, Complaint, SupervisionLevel
from wuye.core.audit import audit_record, snapshot
from wuye.core.calendar import PeriodUnit, add_period, add_years, local_text
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditAction
from wuye.core.money import percent, round_half_up
from wuye.core.uploads import check_photos
from wuye.credit.auto import credit_event_auto
from wuye.credit.lists import company_grade
from wuye.credit.models import grade_at_least
from wuye.notifications.services import notify
from wuye.registry.models import ServiceContract
from wuye.supervision.inspections.models import Inspection
from wuye.supervision.inspections.workflow import SCORED_STATUSES
from wuye.supervision.models import SupervisionSettings
from wuye.supervision.selectors import is_city, is_company_manager_for, is_official_for
from wuye.supervision.surveys.models import Survey

from .models import StarApplication, StarApplicationEvent, StarObjection, StarRating
from .workflow import APPLICATION, IN_PROGRESS, UPHELD_OUTCOMES, actor_kinds

S = StarApplication.Status
INSPECTION_USABLE = SCORED_STATUSES
HUNDRED = Decimal(100)
CREDIT_RULES = {4: "XJ04", 5: "XJ05"}
DOWNGRADE_RULE = "XJ90"
LEVEL_NAMES = {1: "一星级", 2: "二星级", 3: "三星级", 4: "四星级", 5: "五星级"}


def level_name(level: int | None) -> str:
    return _(LEVEL_NAMES[level]) if level in LEVEL_NAMES else _("无星级")


# ---- notifications ---------------------------------------------------------------------------


def _notify_company(app: StarApplication, subject: str, body: str, *, key: str) -> None:
    notify(users=list(company_users(app.company_id)), subject=subject, body=body,
           url=f"/supervision/stars/applications/{app.pk}/", channels=("inapp", "sms"),
           dedup_key=f"star:{app.pk}:{key}:company", category="supervision")


def _notify_officials(app: StarApplication, subject: str, body: str, *, key: str) -> None:
    notify(users=official_users(app.district_id), subject=subject, body=body,
           url=f"/supervision/stars/applications/{app.pk}/", channels=("inapp",),
           dedup_key=f"star:{app.pk}:{key}:officials", category="supervision")


# ---- the transition primitive ----------------------------------------------------------------


def _application_apply(app: StarApplication, action: str, *, actor, note: str = "", **fields) -> StarApplication:
    """``APPLICATION.apply``: the table's check for ``actor`` (None: the platform itself), the
    conditional UPDATE on ``version``, the timeline row and the audit row in one transaction."""
    APPLICATION.apply(app, action, actor=actor, kinds=actor_kinds(actor, app), note=note,
                      audit_changes={k: [None, v] for k, v in fields.items()}, **fields)
    app.refresh_from_db()
    return app


# ---- applying and the gate ----------------------------------------------------------------------


def star_gate_checks(*, estate, company, today: date | None = None) -> list[dict]:
    """The gate of rules.md §8, each check with its outcome and a sentence explaining it."""
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
    app = _application_apply(app, "gate_fail" if failed else "gate_pass", actor=None, note=note, gate_results=checks)
    if failed:
        _notify_company(app, _("星级申报不符合申报条件"), _("%(estate)s 的星级申报未通过条件审查：%(why)s") % {
            "estate": estate.name, "why": note}, key="gate")
    else:
        _notify_officials(app, _("新的星级申报待评定"), _("%(company)s 为 %(estate)s 申报%(level)s，条件审查已通过。") % {
            "company": app.company.name, "estate": estate.name, "level": level_name(target_level)}, key="gate")
    return app


# ---- evaluation and decision -----------------------------------------------------------------


def combined_score(inspection_score: Decimal, satisfaction: Decimal, cs: SupervisionSettings) -> Decimal:
    return round_half_up((inspection_score * cs.weight_inspection + satisfaction * cs.weight_survey) / HUNDRED)


def inspection_percent(inspection: Inspection) -> Decimal:
    """The inspection's score on a 100-point scale (a standard is written for 100 points)."""
    score = inspection.total_score or Decimal("0")
    if inspection.max_score and inspection.max_score != HUNDRED:
        return round_half_up(score * HUNDRED / inspection.max_score)
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
    return _application_apply(application, "evaluate", actor=actor, note=note, inspection_id=inspection.pk,
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
    app = _application_apply(app, "publish", actor=actor, note=note or _("按%(level)s公示") % {"level": level_name(app.awarded_level)},
                      notice_start=now, notice_end=end, decided_at=now, decided_by_id=actor.pk, decision_note=note)
    _notify_company(app, _("星级评定结果公示"), _("%(estate)s 评定为%(level)s，公示至 %(end)s。") % {
        "estate": app.estate.name, "level": level_name(app.awarded_level),
        "end": local_text(end)}, key=f"publish:{app.version}")
    return app


@transaction.atomic
def star_reject(*, actor, application: StarApplication, note: str, now: datetime | None = None) -> StarApplication:
    now = now or timezone.now()
    app = _application_apply(application, "reject", actor=actor, note=note, decided_at=now, decided_by_id=getattr(actor, "pk", None),
                      decision_note=(note or "").strip())
    _notify_company(app, _("星级申报未通过评定"), _("%(estate)s 的星级申报未通过：%(why)s") % {
        "estate": app.estate.name, "why": note}, key="reject")
    return app


@transaction.atomic
def star_withdraw(*, actor, application: StarApplication, note: str) -> StarApplication:
    app = _application_apply(application, "withdraw", actor=actor, note=note)
    _notify_officials(app, _("星级申报已撤回"), _("%(company)s 撤回了 %(estate)s 的星级申报：%(why)s") % {
        "company": app.company.name, "estate": app.estate.name, "why": note}, key="withdraw")
    return app


# ---- objections during the notice ------------------------------------------------------------


def _phone_ok(phone: str) -> str:
    value = re.sub(r"[\s\-()（）]", "", phone or "")
    if re.fullmatch(r"1[3-9]\d{9}", value) or re.fullmatch(r"0\d{9,11}", value):
        return value
    raise ServiceError(_("联系电话格式不正确，请填写手机号或带区号的固定电话"))


def _store_photos(app: StarApplication, files) -> list[str]:
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
        app = _application_apply(app, action, actor=actor, note=_("异议成立：%(r)s") % {"r": reason}, **fields)
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
            "end": local_text(app.notice_end)})
    if app.objections.filter(status=StarObjection.Status.PENDING).exists():
        raise ServiceError(_("还有未处理的异议，处理完毕后方可生效"))
    cs = SupervisionSettings.current()
    today = timezone.localdate(now)
    app = _application_apply(app, "make_effective", actor=actor, note=_("公示期满无异议，评定为%(level)s") % {
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
    if not is_city(actor):
        raise ServiceError(_("只有市住房保障房产局可以修改星级评定设置"))
    before = snapshot(SupervisionSettings.objects.get(pk=settings_obj.pk)) if settings_obj.pk else {}
    settings_obj.save()
    after = snapshot(settings_obj)
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=settings_obj,
                 changes={k: [before.get(k), after.get(k)] for k in changed if before.get(k) != after.get(k)})
    return settings_obj
