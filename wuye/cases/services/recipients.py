"""Who hears about what happens to a complaint: the resident, the handling unit, the desk
(district or city bureau), and for supervision the unit, the street, the district and the city.
The users of a unit come from ``accounts.selectors`` (the one home of "who to notify")."""

from __future__ import annotations

from django.utils.translation import gettext as _

from wuye.accounts.selectors import city_officials, official_users, unit_users
from wuye.cases.models import Category, Complaint, Status, SupervisionLevel, UnitKind
from wuye.notifications.services import Message, notify, notify_many

# The states in which the complaint waits on the desk, not on a unit.
DESK_STATES = frozenset({Status.SUBMITTED, Status.ACCEPTED})


def notify_reporter(c: Complaint, subject: str, body: str, *, key: str) -> None:
    users = [c.reporter_user] if c.reporter_user_id else []
    phones = [c.reporter_phone] if c.reporter_phone and not users else []
    notify(users=users, phones=phones, subject=subject, body=body, url=f"/complaints/track/{c.tracking_code}/",
           channels=("inapp", "sms"), dedup_key=f"complaint:{c.pk}:{key}", category="complaint")


def notify_unit(kind: str, pk: int, c: Complaint, subject: str, body: str, *, key: str) -> None:
    notify(users=list(unit_users(kind, pk)), subject=subject, body=body, url=f"/complaints/{c.pk}/",
           channels=("inapp", "sms"), dedup_key=f"complaint:{c.pk}:{key}:{kind}:{pk}", category="complaint")


def notify_dispatchers(c: Complaint, subject: str, body: str, *, key: str) -> None:
    """The desk: the district authority (the city bureau where it has nobody, and for a
    confidential clue report, which only the city bureau and police see)."""
    users = list(city_officials()) if c.confidential else official_users(c.district_id)
    notify(users=users, subject=subject, body=body, url=f"/complaints/{c.pk}/", channels=("inapp",),
           dedup_key=f"complaint:{c.pk}:{key}:dispatchers", category="complaint")


def unit_message(kind: str, pk: int, c: Complaint, subject: str, body: str, *, key: str, users=None) -> Message:
    """What ``notify_unit`` writes, as a value; ``users`` may come from a caller's cache."""
    return Message(users=list(unit_users(kind, pk)) if users is None else users, subject=subject, body=body,
                   url=f"/complaints/{c.pk}/", channels=("inapp", "sms"),
                   dedup_key=f"complaint:{c.pk}:{key}:{kind}:{pk}", category="complaint")


def supervision_messages(c: Complaint, level: int, *, note: str = "", users_of=None) -> list[Message]:
    """The unit, its supervisor and the street are told (issue §10). ``users_of(kind, pk)`` may
    supply the units' users from a cache (the sweep's)."""
    label = str(SupervisionLevel(level).label)
    body = _("诉求 %(code)s（%(cat)s）已被%(label)s，请尽快办理。%(note)s") % {
        "code": c.tracking_code, "cat": c.category.name, "label": label, "note": note}
    key = f"supervise:{level}:{c.reopen_count}"
    return [unit_message(kind, pk, c, label, body, key=key, users=users_of(kind, pk) if users_of else None)
            for kind, pk in supervision_units(c, level)]


def supervision_units(c: Complaint, level: int) -> list[tuple[str, int]]:
    """Who hears of a supervision: the handling unit, the street, the district (not of a
    confidential clue) and, for 挂牌督办 or a city-supervised category, the city bureau."""
    units = []
    if c.unit_kind and c.status not in DESK_STATES:  # a complaint back at the desk has no unit
        units.append((c.unit_kind, c.unit_id))
    units.append((UnitKind.STREET, c.street_id))
    if c.category.supervisor == Category.Supervisor.CITY or level >= SupervisionLevel.LISTED:
        units.append((UnitKind.CITY, 0))
    if not c.confidential:
        units.append((UnitKind.DISTRICT, c.district_id))
    return units


def desk_unit(c: Complaint) -> tuple[str, int]:
    """The unit whose desk dispatches ``c`` (who is warned while it waits to be accepted or
    dispatched): the city bureau for a confidential clue report, else the district."""
    return (UnitKind.CITY, 0) if c.confidential else (UnitKind.DISTRICT, c.district_id)


def supervision_notify(c: Complaint, level: int, *, note: str = "") -> None:
    """Tell the unit, its supervisor and the street (issue §10)."""
    notify_many(supervision_messages(c, level, note=note))

