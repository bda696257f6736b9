"""What every complaint service shares: the clock, the actor's label, the timeline row, the
supervision settings (cached) and when the sweep must next look at a complaint."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.models import Role
from wuye.cases import deadlines
from wuye.cases.models import CaseSettings, Complaint, EscalationRule, Event, Task
from wuye.core.errors import ServiceError
from wuye.notifications.sms_codes import normalise_phone


def now() -> datetime:
    """The services' clock (tests move it)."""
    return timezone.now()


def month_of(moment: datetime) -> date:
    return timezone.localtime(moment).date().replace(day=1)


def actor_label(user, *, reporter: bool = False) -> str:
    if reporter and (user is None or not getattr(user, "is_authenticated", False) or user.role == Role.RESIDENT):
        return _("诉求人")
    if user is None or not getattr(user, "is_authenticated", False):
        return _("系统")
    unit = user.unit_label
    return f"{unit} · {user}" if unit else str(user)


def add_event(c: Complaint, action: str, *, actor=None, label: str = "", from_status: str = "", to_status: str = "",
           note: str = "", data: dict | None = None, public: bool = False, task: Task | None = None,
           at: datetime | None = None) -> Event:
    return Event.objects.create(
        complaint=c, task=task, action=action, from_status=from_status, to_status=to_status or from_status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=label or actor_label(actor), note=note, data=data or {}, public=public, created_at=at or now(),
    )


_SETTINGS_TTL = 30.0
_settings_cache: dict = {}


def sweep_settings() -> tuple[timedelta, list[tuple[int, int]]]:
    """Warning window and escalation thresholds. Read at most every 30 s per process: intake and
    the sweep need them for every complaint, and the bureau's edits may take that long to apply."""
    moment = time.monotonic()
    cached = _settings_cache.get("v")
    if cached and moment - cached[0] < _SETTINGS_TTL:
        return cached[1]
    cs = CaseSettings.current()
    rules = list(EscalationRule.objects.filter(active=True).values_list("level", "overdue_hours"))
    value = (timedelta(hours=cs.warn_before_hours), rules)
    _settings_cache["v"] = (moment, value)
    return value


def settings_changed() -> None:
    """Forget the cached settings (called after the bureau edits them, and by tests)."""
    _settings_cache.clear()


def next_check_at(c: Complaint, now: datetime) -> datetime | None:
    """When the sweep must next look at ``c`` (``deadlines.next_check`` with the settings)."""
    warn, rules = sweep_settings()
    return deadlines.next_check(c, now, warn_before=warn, escalations=rules)


def next_check_after(c: Complaint, now: datetime, **fields) -> datetime | None:
    """``next_check_at`` of the complaint as it will be once ``fields`` are written."""
    probe = Complaint(**{**{f.attname: getattr(c, f.attname) for f in Complaint._meta.concrete_fields}, **fields})
    return next_check_at(probe, now)


def as_bool(v) -> bool | None:
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return v
    return str(v).lower() in ("1", "true", "yes", "on", "是")


def clean_contact_phone(raw: str) -> str:
    """A reporter's phone as given to a desk officer or a partner system: a mainland mobile number
    (normalised, so that SMS reaches it) or a landline with its area code."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        return normalise_phone(raw)
    except ServiceError:
        if all(ch.isdigit() or ch in "-+() " for ch in raw):
            digits = "".join(ch for ch in raw if ch.isdigit() or ch == "-").strip("-")
            if 7 <= sum(ch.isdigit() for ch in digits) <= 15 and len(digits) <= 20:
                return digits
        raise ServiceError(_("联系电话格式不正确（手机号码，或带区号的固定电话）")) from None
