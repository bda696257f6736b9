"""Every write of training (issue 16 item 11): courses and sessions by the city bureau or a
district authority; enrolment within the capacity; sign-in attendance, exam score and certificate
number by the organiser. Signing a project manager in (or undoing it) recomputes the manager's
personal score, whose yearly hours come from ``hours.manager_hours``."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.audit import audit_record
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction
from wuye.credit.scoring import manager_recompute
from wuye.registry.models import Staff

from . import selectors as sel
from .models import Audience, Course, Enrolment, Session

MAX_HOURS = Decimal("40")


@transaction.atomic
def course_create(*, by, title: str, topic: str, audience: str = Audience.ALL, description: str = "") -> Course:
    if not sel.can_organise(by):
        raise ServiceError(_("只有市住房保障房产局和区县主管部门可以组织培训"))
    title, topic = (title or "").strip(), (topic or "").strip()
    if not title:
        raise ServiceError(_("请填写课程名称"))
    if not topic:
        raise ServiceError(_("请填写培训主题"))
    if audience not in Audience.values:
        raise ServiceError(_("请选择培训对象"))
    course = Course.objects.create(title=title[:120], topic=topic[:200], audience=audience, description=description or "",
                                   district_id=by.district_id if by.role == "district" else None, created_by=by)
    audit_record(action=AuditAction.CREATE, actor=by, obj=course, detail=f"新建培训课程 {course.title}")
    return course


@transaction.atomic
def session_create(*, by, course: Course, starts_at: datetime, hours: Decimal, trainer: str, capacity: int,
                   online: bool = False, place: str = "") -> Session:
    if not sel.can_organise(by) or (by.role == "district" and course.district_id != by.district_id):
        raise ServiceError(_("只能为本单位组织的课程安排班次"))
    trainer, place = (trainer or "").strip(), (place or "").strip()
    if hours is None or not (Decimal("0.5") <= hours <= MAX_HOURS):
        raise ServiceError(_("学时应在 0.5 到 40 之间"))
    if not trainer:
        raise ServiceError(_("请填写授课人"))
    if not online and not place:
        raise ServiceError(_("线下培训请填写培训地点"))
    if not capacity or capacity < 1:
        raise ServiceError(_("名额至少为 1"))
    if starts_at is None:
        raise ServiceError(_("请填写开始时间"))
    session = Session.objects.create(course=course, starts_at=starts_at, hours=hours, trainer=trainer[:60], online=online,
                                     place=place[:200], capacity=capacity, district_id=course.district_id)
    audit_record(action=AuditAction.CREATE, actor=by, obj=session,
                 changes={"hours": hours, "capacity": capacity}, detail=f"安排培训班次 {course.title}")
    return session


def _take_seat(session: Session) -> None:
    """One seat, by a conditional UPDATE: two people taking the last seat cannot both have it."""
    if Session.objects.filter(pk=session.pk, enrolled__lt=F("capacity")).update(enrolled=F("enrolled") + 1) != 1:
        raise ServiceError(_("该班次名额已满"))
    session.enrolled += 1


@transaction.atomic
def enrol(*, by, session: Session, staff: Staff | None = None) -> Enrolment:
    """``by`` enrols themself, or (a company manager) one of the company's registered staff."""
    if staff is not None:
        if not sel.can_enrol_staff(by, staff):
            raise ServiceError(_("只能为本企业的从业人员报名"))
        person = {"staff": staff, "name": staff.name, "unit_name": staff.company.name,
                  "district_id": staff.estate.district_id if staff.estate_id else None}
    else:
        if not sel.can_use_training(by) or sel.can_organise(by):
            raise ServiceError(_("该账号不参加培训报名"))
        unit = getattr(by, "company", None) or getattr(by, "street", None) or getattr(by, "community", None) \
            or getattr(by, "department", None) or getattr(by, "estate", None)
        person = {"user": by, "name": by.full_name or by.username, "unit_name": str(unit or "")[:200],
                  "district_id": sel.user_district_id(by)}
    if session.starts_at < timezone.now() - timedelta(days=1):
        raise ServiceError(_("该班次已经结束，不能再报名"))
    _take_seat(session)
    try:
        with transaction.atomic():
            e = Enrolment.objects.create(session=session, enrolled_by=by, **person)
    except IntegrityError:
        raise ServiceError(_("已经报名该班次")) from None
    audit_record(action=AuditAction.CREATE, actor=by, obj=e, detail=f"培训报名 {e.name}")
    return e


@transaction.atomic
def attendance_record(*, by, enrolment: Enrolment, present: bool = True, exam_score: Decimal | None = None,
                      certificate_no: str = "") -> Enrolment:
    """The organiser signs a person in (or out), and records the exam score and certificate number."""
    session = enrolment.session
    if not sel.can_run_session(by, session):
        raise ServiceError(_("只有组织培训的单位可以登记签到和成绩"))
    if exam_score is not None and not (Decimal("0") <= exam_score <= Decimal("100")):
        raise ServiceError(_("考试成绩应在 0 到 100 之间"))
    before = {"signed_in_at": enrolment.signed_in_at, "exam_score": enrolment.exam_score,
              "certificate_no": enrolment.certificate_no}
    if present and enrolment.signed_in_at is None:
        enrolment.signed_in_at = timezone.now()  # the hours count in the session's year
    elif not present:
        enrolment.signed_in_at = None
    if exam_score is not None:
        enrolment.exam_score = exam_score
    enrolment.certificate_no = (certificate_no or enrolment.certificate_no or "").strip()[:40]
    enrolment.save(update_fields=["signed_in_at", "exam_score", "certificate_no", "updated_at"])
    audit_record(action=AuditAction.UPDATE, actor=by, obj=enrolment, changes={
        k: [v, getattr(enrolment, k)] for k, v in before.items() if v != getattr(enrolment, k)},
        detail=f"培训签到/成绩 {enrolment.name}")
    if enrolment.staff_id and enrolment.staff.role == Staff.Role.PROJECT_MANAGER:
        manager_recompute(enrolment.staff_id)
    return enrolment
