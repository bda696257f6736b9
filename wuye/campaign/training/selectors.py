"""Who sees and runs which training (issue 16 item 11).

- The city bureau organises city-wide courses and sees every session; a district authority
  organises its district's and sees its own and the city's sessions. Both sign people in and
  record scores for the sessions they organise (the city bureau for all).
- Everyone else who works on the platform (company managers and staff, street, community,
  committee and department staff) sees the sessions open to them (the city's and their
  district's; a company's: those of the districts where it serves an estate) and enrols; a company manager also enrols the company's registered staff.
- Each district sees who in its area (project managers serving its estates) lacks hours.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, QuerySet

from wuye.accounts.models import Role
from wuye.core.access import refuse
from wuye.credit.models import CreditSettings
from wuye.registry.models import Estate, Staff

from .hours import manager_hours
from .models import Enrolment, Session

ORGANISERS = (Role.CITY, Role.DISTRICT)
LEARNERS = (Role.COMPANY_MANAGER, Role.COMPANY_STAFF, Role.STREET, Role.COMMUNITY, Role.COMMITTEE, Role.DEPARTMENT)


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def user_district_id(user) -> int | None:
    """The district a user works in (None for the city bureau and companies)."""
    if user.role == Role.DISTRICT:
        return user.district_id
    if user.role == Role.STREET and user.street_id:
        return user.street.district_id
    if user.role == Role.COMMUNITY and user.community_id:
        return user.community.street.district_id
    if user.role == Role.DEPARTMENT and user.department_id:
        return user.department.district_id
    if user.role == Role.COMMITTEE and user.estate_id:
        return user.estate.district_id
    return None


def can_organise(user) -> bool:
    return _active(user) and user.role in ORGANISERS


def can_use_training(user) -> bool:
    return _active(user) and user.role in ORGANISERS + LEARNERS


def sessions_visible_to(user) -> QuerySet[Session]:
    if not can_use_training(user):
        return Session.objects.none()
    qs = Session.objects.select_related("course", "district")
    if user.role == Role.CITY:
        return qs
    if user.role in (Role.COMPANY_MANAGER, Role.COMPANY_STAFF):  # the districts where the company serves
        served = Estate.objects.filter(company_id=user.company_id).values("district_id")
        return qs.filter(Q(district__isnull=True) | Q(district_id__in=served))
    d = user_district_id(user)
    return qs.filter(Q(district__isnull=True) | Q(district_id=d))


def session_get_for_user(*, user, pk) -> Session:
    s = sessions_visible_to(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if s is None:
        refuse(user=user, model=Session, pk=pk, reason="超出数据权限范围或培训班次不存在")
    return s


def can_run_session(user, session: Session) -> bool:
    """Sign people in and record scores: the city bureau, or the organising district."""
    if not can_organise(user):
        return False
    return user.role == Role.CITY or (session.district_id is not None and session.district_id == user.district_id)


def can_enrol_staff(user, staff: Staff) -> bool:
    return _active(user) and user.role == Role.COMPANY_MANAGER and staff.company_id == user.company_id


def enrolments_of(session: Session) -> QuerySet[Enrolment]:
    return session.enrolments.select_related("staff").order_by("name", "id")


def own_enrolment(user, session: Session) -> Enrolment | None:
    return session.enrolments.filter(user=user).first()


def company_staff_for(user) -> QuerySet[Staff]:
    """The registered staff a company manager may enrol."""
    if not (_active(user) and user.role == Role.COMPANY_MANAGER):
        return Staff.objects.none()
    return Staff.objects.filter(company_id=user.company_id).order_by("name", "id")


def managers_lacking_hours(user, year: int) -> list[dict]:
    """Project managers in the user's area with fewer than the yearly hours (the city: all; a
    district: those serving its estates), fewest hours first."""
    if not can_organise(user):
        return []
    need = Decimal(CreditSettings.current().manager_training_hours)
    managers = Staff.objects.filter(role=Staff.Role.PROJECT_MANAGER).select_related("company", "estate")
    if user.role == Role.DISTRICT:
        managers = managers.filter(estate__district_id=user.district_id)
    managers = list(managers.order_by("id")[:5000])
    hours = manager_hours(year, [m.pk for m in managers])
    rows = [{"staff": m, "hours": hours.get(m.pk, Decimal("0")), "need": need} for m in managers]
    rows = [r for r in rows if r["hours"] < need]
    rows.sort(key=lambda r: (r["hours"], r["staff"].name))
    return rows


def enrolment_for_organiser(*, user, pk) -> Enrolment:
    """An enrolment of a session the user runs, or 404 (audited)."""
    e = (Enrolment.objects.select_related("session", "staff").filter(pk=pk).first() if str(pk).isdigit() else None)
    if e is None or not can_run_session(user, e.session):
        refuse(user=user, model=Enrolment, pk=pk, reason="超出数据权限范围或报名记录不存在")
    return e


def people_hours(user, year: int) -> list[dict]:
    """Hours per person in ``year`` for the organiser's area (the city: all; a district: people of
    its district and the managers serving its estates), most hours first."""
    if not can_organise(user):
        return []
    qs = Enrolment.objects.filter(signed_in_at__isnull=False, session__starts_at__year=year)
    if user.role == Role.DISTRICT:
        qs = qs.filter(Q(district_id=user.district_id) | Q(staff__estate__district_id=user.district_id))
    rows: dict[tuple, dict] = {}
    for name, unit, staff_id, user_id, hours in qs.values_list("name", "unit_name", "staff_id", "user_id",
                                                               "session__hours").order_by()[:50000]:
        key = ("s", staff_id) if staff_id else ("u", user_id)
        row = rows.setdefault(key, {"name": name, "unit": unit, "hours": Decimal("0"), "sessions": 0})
        row["hours"] += hours
        row["sessions"] += 1
    return sorted(rows.values(), key=lambda r: (-r["hours"], r["name"]))
