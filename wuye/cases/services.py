"""Every write to complaints (DESIGN.md: writes go through services).

``complaint_file`` takes a complaint in; ``complaint_act`` performs one workflow action after
checking the transition table (``workflow.py``). A transition is a conditional UPDATE on the
complaint's ``version``: of two officers acting at once exactly one succeeds, the other gets a
clear message. Every action appends an ``Event``, writes an audit row, refreshes the unit's
monthly rollup and queues notifications in the same transaction.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.models import ROLE_BINDING, Role, User
from wuye.core.audit import audit_record
from wuye.core.calendar import PeriodUnit, add_period
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditAction
from wuye.notifications.services import Message, notify, notify_many
from wuye.territory.models import Department

from . import deadlines
from .models import (
    CaseSettings,
    Category,
    Complaint,
    EscalationRule,
    Event,
    IdempotencyKey,
    Photo,
    Request,
    Satisfaction,
    Source,
    Status,
    SupervisionLevel,
    Task,
    UnitKind,
)
from .photos import check_photos
from .rollups import rollup_refresh
from .search import tokens_for
from .units import Unit, get_unit, route
from .workflow import TRANSITIONS, actor_kinds, permits

S = Status
_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _now() -> datetime:
    return timezone.now()


def month_of(moment: datetime) -> date:
    return timezone.localtime(moment).date().replace(day=1)


def new_tracking_code(moment: datetime | None = None) -> str:
    """``TS`` + yymmdd + 6 random characters: readable over the phone, not guessable."""
    day = timezone.localtime(moment or _now())
    return "TS" + day.strftime("%y%m%d") + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))


def _actor_label(user, *, reporter: bool = False) -> str:
    if reporter and (user is None or not getattr(user, "is_authenticated", False) or user.role == Role.RESIDENT):
        return _("诉求人")
    if user is None or not getattr(user, "is_authenticated", False):
        return _("系统")
    unit = user.unit_label
    return f"{unit} · {user}" if unit else str(user)


def _event(c: Complaint, action: str, *, actor=None, label: str = "", from_status: str = "", to_status: str = "",
           note: str = "", data: dict | None = None, public: bool = False, task: Task | None = None,
           at: datetime | None = None) -> Event:
    return Event.objects.create(
        complaint=c, task=task, action=action, from_status=from_status, to_status=to_status or from_status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=label or _actor_label(actor), note=note, data=data or {}, public=public, created_at=at or _now(),
    )


_SETTINGS_TTL = 30.0
_settings_cache: dict = {}


def _settings() -> tuple[timedelta, list[tuple[int, int]]]:
    """Warning window and escalation thresholds. Read at most every 30 s per process: intake and
    the sweep need them for every complaint, and the bureau's edits may take that long to apply."""
    import time

    now = time.monotonic()
    cached = _settings_cache.get("v")
    if cached and now - cached[0] < _SETTINGS_TTL:
        return cached[1]
    cs = CaseSettings.current()
    rules = list(EscalationRule.objects.filter(active=True).values_list("level", "overdue_hours"))
    value = (timedelta(hours=cs.warn_before_hours), rules)
    _settings_cache["v"] = (now, value)
    return value


def settings_changed() -> None:
    """Forget the cached settings (called after the bureau edits them, and by tests)."""
    _settings_cache.clear()


def _refresh_next_check(c: Complaint, now: datetime) -> datetime | None:
    warn, rules = _settings()
    return deadlines.next_check(c, now, warn_before=warn, escalations=rules)


def unit_user_field(kind: str) -> str:
    """The attribute of User naming the unit a user works for (``company_id``, ``street_id``…)."""
    if kind == UnitKind.COMPANY:
        return "company_id"
    return {UnitKind.COMMUNITY: "community", UnitKind.STREET: "street", UnitKind.DEPARTMENT: "department",
            UnitKind.DISTRICT: "district"}[kind] + "_id"


def unit_users_of_many(kind: str, pks):
    """Active users working for any of the units ``pks`` of one kind (not the city)."""
    if kind == UnitKind.COMPANY:
        return User.objects.filter(is_active=True, company_id__in=pks, role__in=[Role.COMPANY_MANAGER, Role.COMPANY_STAFF])
    field = unit_user_field(kind)[:-3]
    roles = [k for k, v in ROLE_BINDING.items() if v == field]
    return User.objects.filter(is_active=True, role__in=roles, **{f"{field}_id__in": pks})


def unit_users(kind: str, pk: int):
    """Active users working for a unit (for notifications)."""
    if kind == UnitKind.CITY:
        return User.objects.filter(is_active=True, role=Role.CITY)
    return unit_users_of_many(kind, [pk])


def _notify_reporter(c: Complaint, subject: str, body: str, *, key: str) -> None:
    users = [c.reporter_user] if c.reporter_user_id else []
    phones = [c.reporter_phone] if c.reporter_phone and not users else []
    notify(users=users, phones=phones, subject=subject, body=body, url=f"/complaints/track/{c.tracking_code}/",
           channels=("inapp", "sms"), dedup_key=f"complaint:{c.pk}:{key}", category="complaint")


def _notify_unit(kind: str, pk: int, c: Complaint, subject: str, body: str, *, key: str) -> None:
    notify(users=list(unit_users(kind, pk)), subject=subject, body=body, url=f"/complaints/{c.pk}/",
           channels=("inapp", "sms"), dedup_key=f"complaint:{c.pk}:{key}:{kind}:{pk}", category="complaint")


def _notify_dispatchers(c: Complaint, subject: str, body: str, *, key: str) -> None:
    users = list(User.objects.filter(is_active=True, role=Role.DISTRICT, district_id=c.district_id)) if not c.confidential else []
    if not users:
        users = list(User.objects.filter(is_active=True, role=Role.CITY))
    notify(users=users, subject=subject, body=body, url=f"/complaints/{c.pk}/", channels=("inapp",),
           dedup_key=f"complaint:{c.pk}:{key}:dispatchers", category="complaint")


# ---- intake ---------------------------------------------------------------------------------


CODE_ATTEMPTS = 5


def _code_clash(exc: IntegrityError) -> bool:
    """Did the insert fail only because the random tracking code was already taken?"""
    return "tracking_code" in str(exc)


def complaint_file(**kwargs) -> Complaint:
    """Take a complaint in (issue §1–3). The accept clock starts now (rules.md §7)."""
    for _attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                return _file(**kwargs)
        except IntegrityError as exc:
            if not _code_clash(exc):
                raise
    raise ServiceError(_("系统繁忙，请稍后重试"))  # pragma: no cover - 32^6 codes a day


def _file(
    *,
    estate,
    category: Category,
    description: str,
    title: str = "",
    location: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    anonymous: bool = False,
    source: str = Source.WEB,
    source_ticket: str = "",
    reporter_user=None,
    created_by=None,
    photos=(),
    at: datetime | None = None,
    then=None,
) -> Complaint:
    """``complaint_file`` within the caller's transaction (no savepoint of its own).

    ``then(complaint)`` writes the caller's own rows before the audit row: the audit row locks the
    chain head until the transaction commits (core.audit), so nothing else is written after it."""
    description = (description or "").strip()
    if estate is None:
        raise ServiceError(_("请选择诉求所在的小区"))
    if category is None or not category.active:
        raise ServiceError(_("请选择诉求类别"))
    if not description:
        raise ServiceError(_("请填写诉求内容"))
    if len(description) > 2000:
        raise ServiceError(_("诉求内容不能超过 2000 字"))
    if source in (Source.HOTLINE_12345, Source.HOTLINE_12358) and not source_ticket.strip():
        raise ServiceError(_("热线转办件须填写来源工单号"))
    checked = check_photos(photos)
    now = at or _now()
    c = Complaint(
        tracking_code=new_tracking_code(now), source=source, source_ticket=source_ticket.strip(),
        estate=estate, district_id=estate.district_id, street_id=estate.street_id,
        community_id=estate.community_id, company_id=estate.company_id, category=category,
        title=(title or "").strip()[:100], description=description, location=(location or "").strip()[:100],
        search_tokens=tokens_for(title or "", description), reporter_user=reporter_user,
        reporter_name=(reporter_name or "").strip()[:50], reporter_phone=(reporter_phone or "").strip(),
        anonymous=anonymous, created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
        confidential=category.confidential, emergency=category.emergency, status=S.SUBMITTED, created_at=now,
        accept_due=deadlines.due_after(now, category, "accept"),
    )
    unit = route(estate=estate, category=category)
    c.routed_unit_kind, c.routed_unit_id = unit.kind, unit.id
    c.next_check_at = _refresh_next_check(c, now)
    # No savepoint here: a clash of the random tracking code (rare) fails the whole filing, which
    # the callers run again with a new code (complaint_file, complaint_file_idempotent).
    c.save(force_insert=True)
    ev = _event(c, "submit", actor=created_by or reporter_user, label=_("诉求人") if not created_by else "",
                to_status=S.SUBMITTED, note="", public=True, at=now,
                data={"source": source, "source_ticket": c.source_ticket})
    for p in checked:
        photo = Photo(complaint=c, event=ev, kind=Photo.Kind.REPORT, content_type=p.content_type, size=p.size,
                      width=p.width, height=p.height)
        photo.file.save(getattr(p.file, "name", "photo"), p.file, save=False)
        photo.save()
    if then is not None:
        then(c)
    audit_record(action=AuditAction.CREATE, actor=created_by or reporter_user, obj=c,
                 detail=f"{c.get_source_display()} {category.name}")
    return c


def request_fingerprint(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def complaint_file_idempotent(*, scope: str, key: str, fingerprint: str, **kwargs) -> tuple[Complaint, bool]:
    """``complaint_file`` behind an Idempotency-Key: a retry with the same key and body returns
    the same complaint (created=False); the same key with a different body is refused."""
    key = (key or "").strip()
    if not key:
        return complaint_file(**kwargs), True
    if len(key) > 100:
        raise ServiceError(_("Idempotency-Key 不能超过 100 个字符"))
    # A retry is rare, so without photos the key is not looked up first: its unique constraint turns
    # a retry (or two racing first tries) into an IntegrityError, the filing is rolled back and the
    # first complaint is returned. With photos it is looked up, so that a retry stores no files.
    if kwargs.get("photos"):
        existing = IdempotencyKey.objects.filter(scope=scope, key=key).select_related("complaint").first()
        if existing:
            return _replay(existing, fingerprint)
    for _attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                c = _file(**kwargs, then=lambda filed: IdempotencyKey.objects.create(
                    scope=scope, key=key, request_hash=fingerprint, complaint=filed))
                return c, True
        except (IntegrityError, ServiceError) as exc:
            if isinstance(exc, IntegrityError) and _code_clash(exc):
                continue
            existing = IdempotencyKey.objects.filter(scope=scope, key=key).select_related("complaint").first()
            if existing is None:
                raise
            return _replay(existing, fingerprint)
    raise ServiceError(_("系统繁忙，请稍后重试"))  # pragma: no cover - 32^6 codes a day


def _replay(existing: IdempotencyKey, fingerprint: str) -> tuple[Complaint, bool]:
    if existing.request_hash != fingerprint:
        raise ServiceError(_("该 Idempotency-Key 已用于内容不同的另一次提交，请使用新的 Key"))
    return existing.complaint, False


# ---- the workflow ---------------------------------------------------------------------------


def _move(c: Complaint, *, conflict: str | None = None, **fields) -> None:
    """Conditional UPDATE on the version the actor saw; exactly one of two racing actors wins."""
    n = Complaint.objects.filter(pk=c.pk, version=c.version).update(version=F("version") + 1, **fields)
    if n != 1:
        raise ConflictError(conflict or _("该诉求已被他人处理，请刷新页面后重试"))
    for k, v in fields.items():
        setattr(c, k, v)
    c.version += 1


def _move_task(t: Task, *, conflict: str | None = None, **fields) -> None:
    n = Task.objects.filter(pk=t.pk, version=t.version).update(version=F("version") + 1, **fields)
    if n != 1:
        raise ConflictError(conflict or _("该任务已被他人处理，请刷新页面后重试"))
    for k, v in fields.items():
        setattr(t, k, v)
    t.version += 1


def _lead_task(c: Complaint) -> Task | None:
    return (
        Task.objects.filter(complaint=c, role=Task.Role.LEAD, unit_kind=c.unit_kind, unit_id=c.unit_id)
        .order_by("-id").first()
    )


def _refresh(task: Task | None) -> None:
    if task is not None:
        rollup_refresh(task.unit_kind, task.unit_id, task.month)


def _unit_from_param(value, c: Complaint) -> Unit:
    """A unit named by the dispatcher: ``{"kind": "department", "id": 7}`` or ``"department:7"``."""
    if isinstance(value, Unit):
        return value
    kind = pk = None
    if isinstance(value, dict):
        kind, pk = value.get("kind"), value.get("id")
    elif isinstance(value, str) and ":" in value:
        kind, pk = value.split(":", 1)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise ServiceError(_("请选择有效的承办单位")) from None
    unit = get_unit(kind, pk)
    if unit is None:
        raise ServiceError(_("请选择有效的承办单位"))
    # A unit outside the complaint's district cannot handle it (the city bureau excepted).
    from wuye.territory.models import Community, Street

    in_district = {
        UnitKind.DEPARTMENT: lambda: Department.objects.filter(pk=pk, district_id=c.district_id).exists(),
        UnitKind.STREET: lambda: Street.objects.filter(pk=pk, district_id=c.district_id).exists(),
        UnitKind.COMMUNITY: lambda: Community.objects.filter(pk=pk, street__district_id=c.district_id).exists(),
        UnitKind.DISTRICT: lambda: pk == c.district_id,
        UnitKind.COMPANY: lambda: True,
        UnitKind.CITY: lambda: True,
    }[unit.kind]()
    if not in_district:
        raise ServiceError(_("承办单位不在诉求所在区县"))
    return unit


def _start_task(c: Complaint, unit: Unit, role: str, now: datetime, *, user=None, due: datetime | None = None) -> Task:
    cat = c.category
    return Task.objects.create(
        complaint=c, role=role, unit_kind=unit.kind, unit_id=unit.id, unit_name=unit.name, month=month_of(now),
        dispatched_at=now, sign_due=deadlines.due_after(now, cat, "sign"),
        contact_due=deadlines.due_after(now, cat, "contact") if role == Task.Role.LEAD else None,
        due=due or deadlines.due_after(now, cat, "resolve"), urgency=(2 if c.emergency else 0) + c.supervision_level,
        called_by=user if getattr(user, "is_authenticated", False) else None,
    )


def _dispatch(c: Complaint, user, now: datetime, unit: Unit, co_units=(), note: str = "", action: str = "dispatch",
              extra: dict | None = None) -> None:
    cat = c.category
    from_status = c.status
    fields = dict(
        status=S.DISPATCHED, unit_kind=unit.kind, unit_id=unit.id, unit_name=unit.name, dispatched_at=now,
        sign_due=deadlines.due_after(now, cat, "sign"), contact_due=deadlines.due_after(now, cat, "contact"),
        resolve_due=deadlines.due_after(now, cat, "resolve"), signed_at=None, contacted_at=None, replied_at=None,
        sign_overdue=False, contact_overdue=False, resolve_overdue=False, reply="",
    )
    if c.accepted_at is None:
        fields.update(accepted_at=now, accept_overdue=bool(c.accept_due and now > c.accept_due))
    fields.update(extra or {})
    probe = Complaint(**{**{f.attname: getattr(c, f.attname) for f in Complaint._meta.concrete_fields}, **fields})
    fields["next_check_at"] = _refresh_next_check(probe, now)
    _move(c, **fields)
    lead = _start_task(c, unit, Task.Role.LEAD, now, user=user)
    names = [unit.name]
    for co in co_units:
        co_unit = _unit_from_param(co, c)
        if co_unit.key != unit.key:
            _start_task(c, co_unit, Task.Role.CO, now, user=user)
            _notify_unit(co_unit.kind, co_unit.id, c, _("协办诉求"), _("诉求 %(code)s 请协同办理。") % {"code": c.tracking_code},
                         key=f"{action}:{c.version}:co")
            names.append(co_unit.name)
    _event(c, action, actor=user, from_status=from_status, to_status=S.DISPATCHED, note=note, task=lead,
           data={"unit": unit.name, "co_units": names[1:]}, public=True, at=now)
    _notify_unit(unit.kind, unit.id, c, _("新的派单"),
                 _("诉求 %(code)s（%(cat)s）已派至贵单位，请在 %(due)s 前签收。") % {
                     "code": c.tracking_code, "cat": cat.name,
                     "due": timezone.localtime(c.sign_due).strftime("%m-%d %H:%M")},
                 key=f"{action}:{c.version}")
    _refresh(lead)


def _close_tasks(c: Complaint, state: str = Task.State.CLOSED) -> None:
    Task.objects.filter(complaint=c, state__in=[Task.State.PENDING, Task.State.SIGNED, Task.State.REPLIED]).update(
        state=state, version=F("version") + 1,
    )


def complaint_act(*, user, complaint: Complaint, action: str, note: str = "", reporter: bool = False,
                  photos=(), **params) -> Complaint:
    """Perform one workflow action (issue §7–8). ``reporter`` is True when the resident proved
    the complaint is theirs by tracking code and phone (no account)."""
    from .selectors import action_context

    if action not in TRANSITIONS:
        raise ServiceError(_("未知的操作：%(action)s") % {"action": action})
    t = TRANSITIONS[action]
    note = (note or "").strip()
    with transaction.atomic():
        c = Complaint.objects.select_related("category", "estate").get(pk=complaint.pk)
        if c.version != complaint.version and complaint.version is not None:
            # The page the actor acted on is stale: somebody changed the complaint meanwhile.
            c_seen = complaint
        else:
            c_seen = c
        ctx = action_context(user, c, reporter=reporter)
        kinds = actor_kinds(user, c, ctx)
        if not permits(action, c, kinds, ctx):
            raise ServiceError(_refusal(action, c, c_seen, kinds))
        if t.needs_note and not note:
            raise ServiceError(_("请填写%(what)s") % {"what": NOTE_LABELS.get(action, _("说明"))})
        handler = HANDLERS[action]
        handler(c, user=user, note=note, ctx=ctx, kinds=kinds, photos=photos, now=_now(), **params)
        audit_record(action=AuditAction.UPDATE, actor=user if getattr(user, "is_authenticated", False) else None,
                     obj=c, changes={"action": action, "status": c.status}, detail=f"{t.label}：{note[:200]}")
    complaint.__dict__.update({k: v for k, v in c.__dict__.items() if not k.startswith("_")})
    return c


NOTE_LABELS = {
    "refuse": _("不予受理的理由"),
    "reply": _("答复内容"),
    "reject_reply": _("退回答复的理由"),
    "reopen": _("重办的理由"),
    "request_return": _("退单理由"),
    "request_extension": _("延期理由"),
}


def _refusal(action: str, c: Complaint, seen: Complaint, kinds: set[str]) -> str:
    """A clear Chinese message why the action cannot be taken now (issue §17)."""
    if action == "sign" and c.status != S.DISPATCHED and c.signed_at and "lead" in kinds:
        return _("已被他人签收")
    if seen.version != c.version or seen.status != c.status:
        return _("该诉求已被他人处理（当前状态：%(status)s），请刷新页面") % {"status": c.get_status_display()}
    if not kinds or not (TRANSITIONS[action].actors & kinds):
        return _("您无权对该诉求执行“%(action)s”") % {"action": TRANSITIONS[action].label}
    return _("当前状态（%(status)s）下不能执行“%(action)s”") % {
        "status": c.get_status_display(), "action": TRANSITIONS[action].label}


def _pop_bool(params: dict, name: str) -> bool | None:
    v = params.get(name)
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return v
    return str(v).lower() in ("1", "true", "yes", "on", "是")


def _accept(c, *, user, note, now, **_kw):
    _move(c, status=S.ACCEPTED, accepted_at=now, accept_overdue=bool(c.accept_due and now > c.accept_due),
          next_check_at=None)
    _event(c, "accept", actor=user, from_status=S.SUBMITTED, to_status=S.ACCEPTED, note=note, public=True, at=now)
    _notify_reporter(c, _("诉求已受理"), _("您的诉求（查询码 %(code)s）已受理，我们将尽快派单办理。") % {"code": c.tracking_code},
                     key="accepted")


def _refuse(c, *, user, note, now, **_kw):
    _move(c, status=S.REFUSED, closed_at=now, next_check_at=None,
          accepted_at=c.accepted_at, accept_overdue=bool(c.accept_due and now > c.accept_due))
    _event(c, "refuse", actor=user, from_status=S.SUBMITTED, to_status=S.REFUSED, note=note, public=True, at=now)
    _notify_reporter(c, _("诉求不予受理"), _("您的诉求（查询码 %(code)s）不予受理：%(why)s") % {"code": c.tracking_code, "why": note},
                     key="refused")


def _duplicate(c, *, user, note, now, of=None, **_kw):
    from .selectors import complaints_visible_to

    ref = str(of or "").strip()
    qs = complaints_visible_to(user).exclude(pk=c.pk)
    original = qs.filter(tracking_code=ref.upper()).first() if ref else None
    if original is None and ref.isdigit():
        original = qs.filter(pk=int(ref)).first()
    if original is None:
        raise ServiceError(_("请填写重复的原诉求（查询码或编号）"))
    if original.duplicate_of_id:
        original = original.duplicate_of
    from_status = c.status
    _move(c, status=S.DUPLICATE, duplicate_of=original, closed_at=now, next_check_at=None)
    _event(c, "duplicate", actor=user, from_status=from_status, to_status=S.DUPLICATE, public=True, at=now,
           note=note or _("与诉求 %(code)s 重复，合并办理") % {"code": original.tracking_code},
           data={"duplicate_of": original.pk, "tracking_code": original.tracking_code})
    _notify_reporter(c, _("诉求已合并办理"),
                     _("您的诉求（查询码 %(code)s）与诉求 %(orig)s 内容相同，已合并办理，请以后者的进展为准。") % {
                         "code": c.tracking_code, "orig": original.tracking_code}, key="duplicate")


def _dispatch_action(c, *, user, note, now, unit=None, co_units=(), **_kw):
    if unit:
        target = _unit_from_param(unit, c)
    else:
        target = get_unit(c.routed_unit_kind, c.routed_unit_id) if c.routed_unit_kind else None
        if target is None:
            target = route(estate=c.estate, category=c.category)
    if c.status == S.SUBMITTED:
        _notify_reporter(c, _("诉求已受理"), _("您的诉求（查询码 %(code)s）已受理并派单办理。") % {"code": c.tracking_code},
                         key="accepted")
    _dispatch(c, user, now, target, co_units=co_units or (), note=note)


def _sign(c, *, user, note, now, ctx, kinds, **_kw):
    if "lead" not in kinds:
        task = ctx.joint_task
        # A co-handling or called-in unit never phones the resident: its response (the response
        # rate's numerator) is signing in time.
        in_time = now <= task.sign_due
        _move_task(task, conflict=_("已被他人签收"), state=Task.State.SIGNED, signed_at=now,
                   signed_in_time=in_time, contacted_at=now, contacted_in_time=in_time)
        _event(c, "sign", actor=user, from_status=c.status, note=note, task=task, at=now,
               data={"unit": task.unit_name})
        _refresh(task)
        return
    overdue = bool(c.sign_due and now > c.sign_due)
    probe_fields = dict(status=S.SIGNED, signed_at=now, sign_overdue=overdue)
    _move(c, conflict=_("已被他人签收"), next_check_at=_next_after(c, now, **probe_fields), **probe_fields)
    task = _lead_task(c)
    if task:
        _move_task(task, conflict=_("已被他人签收"), state=Task.State.SIGNED, signed_at=now, signed_in_time=not overdue)
    _event(c, "sign", actor=user, from_status=S.DISPATCHED, to_status=S.SIGNED, note=note, task=task, public=True, at=now)
    _refresh(task)


def _next_after(c: Complaint, now: datetime, **fields) -> datetime | None:
    probe = Complaint(**{**{f.attname: getattr(c, f.attname) for f in Complaint._meta.concrete_fields}, **fields})
    return _refresh_next_check(probe, now)


def _contact(c, *, user, note, now, **_kw):
    overdue = bool(c.contact_due and now > c.contact_due)
    fields = dict(status=S.IN_PROGRESS, contacted_at=now, contact_overdue=overdue)
    _move(c, next_check_at=_next_after(c, now, **fields), **fields)
    task = _lead_task(c)
    if task:
        _move_task(task, contacted_at=now, contacted_in_time=not overdue)
    _event(c, "contact", actor=user, from_status=S.SIGNED, to_status=S.IN_PROGRESS, note=note, task=task, at=now,
           public=True)
    _refresh(task)


def _save_evidence(c: Complaint, ev: Event, photos) -> None:
    for p in check_photos(photos):
        photo = Photo(complaint=c, event=ev, kind=Photo.Kind.EVIDENCE, content_type=p.content_type, size=p.size,
                      width=p.width, height=p.height)
        photo.file.save(getattr(p.file, "name", "photo"), p.file, save=False)
        photo.save()


def _reply(c, *, user, note, now, ctx, kinds, photos=(), **_kw):
    if "lead" not in kinds:
        task = ctx.joint_task
        _move_task(task, state=Task.State.REPLIED, replied_at=now, reply=note, done_in_time=now <= task.due)
        ev = _event(c, "reply", actor=user, from_status=c.status, note=note, task=task, at=now,
                    data={"unit": task.unit_name})
        _save_evidence(c, ev, photos)
        _notify_unit(c.unit_kind, c.unit_id, c, _("联合执法单位已答复"),
                     _("%(unit)s 已答复诉求 %(code)s。") % {"unit": task.unit_name, "code": c.tracking_code},
                     key=f"joint-reply:{task.pk}")
        _refresh(task)
        return
    overdue = bool(c.resolve_due and now > c.resolve_due)
    fields = dict(status=S.REPLY_REVIEW, replied_at=now, reply=note, resolve_overdue=overdue)
    _move(c, next_check_at=None, **fields)
    task = _lead_task(c)
    if task:
        _move_task(task, state=Task.State.REPLIED, replied_at=now, reply=note, done_in_time=not overdue)
    ev = _event(c, "reply", actor=user, from_status=S.IN_PROGRESS, to_status=S.REPLY_REVIEW, note=note,
                task=task, at=now)
    _save_evidence(c, ev, photos)
    _notify_dispatchers(c, _("答复待审核"), _("诉求 %(code)s 已答复，请审核。") % {"code": c.tracking_code}, key=f"reply:{c.version}")
    _refresh(task)


def _approve_reply(c, *, user, note, now, public_reply: str = "", **_kw):
    text = (public_reply or "").strip() or c.reply
    _move(c, status=S.REPLIED, published_at=now, public_reply=text)
    _event(c, "approve_reply", actor=user, from_status=S.REPLY_REVIEW, to_status=S.REPLIED, note=text, public=True,
           at=now)
    _notify_reporter(c, _("诉求已答复"),
                     _("您的诉求（查询码 %(code)s）已答复：%(reply)s 请点击链接评价办理结果。") % {
                         "code": c.tracking_code, "reply": text[:60]}, key=f"replied:{c.reopen_count}")


def _reject_reply(c, *, user, note, now, **_kw):
    fields = dict(status=S.IN_PROGRESS, replied_at=None, resolve_overdue=bool(c.resolve_due and now > c.resolve_due))
    _move(c, next_check_at=_next_after(c, now, **fields), **fields)
    task = _lead_task(c)
    if task:
        _move_task(task, state=Task.State.SIGNED, replied_at=None, done_in_time=None)
    _event(c, "reject_reply", actor=user, from_status=S.REPLY_REVIEW, to_status=S.IN_PROGRESS, note=note, task=task,
           at=now)
    _notify_unit(c.unit_kind, c.unit_id, c, _("答复被退回"), _("诉求 %(code)s 的答复被退回：%(why)s") % {
        "code": c.tracking_code, "why": note}, key=f"reject-reply:{c.version}")
    _refresh(task)


def _callback(c, *, user, note, now, kinds, resolved=None, satisfaction: str = "", **_kw):
    resolved = _pop_bool({"resolved": resolved}, "resolved")
    if resolved is None:
        raise ServiceError(_("请选择诉求是否已解决"))
    if satisfaction not in Satisfaction.values:
        raise ServiceError(_("请选择满意度：满意、基本满意或不满意"))
    good = resolved and satisfaction != Satisfaction.DISSATISFIED
    to = S.CLOSED if good else S.EVALUATED
    _move(c, status=to, callback_resolved=resolved, satisfaction=satisfaction, callback_comment=note[:500],
          callback_at=now, closed_at=now if good else None)
    task = _lead_task(c)
    if task:
        _move_task(task, resolved=resolved, satisfaction=satisfaction)
    if good:
        _close_tasks(c)
    label = _("诉求人") if "reporter" in kinds and "dispatcher" not in kinds else ""
    _event(c, "callback", actor=user, label=label, from_status=S.REPLIED, to_status=to, note=note, public=True, at=now,
           data={"resolved": resolved, "satisfaction": satisfaction}, task=task)
    if good:
        _notify_reporter(c, _("诉求已办结"), _("感谢您的评价，诉求 %(code)s 已办结。") % {"code": c.tracking_code},
                         key=f"closed:{c.reopen_count}")
    else:
        _notify_dispatchers(c, _("回访未满意"), _("诉求 %(code)s 回访未解决或不满意，请复核是否重办。") % {"code": c.tracking_code},
                            key=f"evaluated:{c.reopen_count}")
    _refresh(task)


def _close(c, *, user, note, now, unreasonable=None, **_kw):
    unreasonable = bool(_pop_bool({"u": unreasonable}, "u"))
    if c.status == S.REPLIED and not note:
        raise ServiceError(_("未经回访直接办结，请说明原因（如多次联系诉求人未果）"))
    if unreasonable and not note:
        raise ServiceError(_("认定为不合理诉求须说明理由"))
    from_status = c.status
    _move(c, status=S.CLOSED, closed_at=now, unreasonable=unreasonable or c.unreasonable)
    _close_tasks(c)
    if unreasonable:
        # rules.md §7: complaints ruled unreasonable are excluded from the unit metrics, audited.
        touched = list(Task.objects.filter(complaint=c))
        Task.objects.filter(complaint=c).update(excluded=True)
        audit_record(action=AuditAction.UPDATE, actor=user, obj=c, changes={"unreasonable": True},
                     detail=_("认定为不合理诉求，不计入考核：%(why)s") % {"why": note[:200]})
        for task in touched:
            _refresh(task)
    _event(c, "close", actor=user, from_status=from_status, to_status=S.CLOSED, note=note, public=True, at=now,
           data={"unreasonable": unreasonable})
    _notify_reporter(c, _("诉求已办结"), _("您的诉求（查询码 %(code)s）已办结。") % {"code": c.tracking_code},
                     key=f"closed:{c.reopen_count}")


def _reopen(c, *, user, note, now, **_kw):
    old = _lead_task(c)
    if old:
        _move_task(old, state=Task.State.CLOSED, reopened=True)
    unit = get_unit(c.unit_kind, c.unit_id) or route(estate=c.estate, category=c.category)
    _dispatch(c, user, now, unit, note=note, action="reopen", extra=dict(
        reopen_count=c.reopen_count + 1, callback_resolved=None, satisfaction="", callback_comment="", callback_at=None,
        published_at=None, public_reply=c.public_reply))
    _refresh(old)


def _request_return(c, *, user, note, now, legal_basis: str = "", **_kw):
    legal_basis = (legal_basis or "").strip()
    if not legal_basis:
        raise ServiceError(_("退单须注明依据（法律法规或职责分工）"))
    task = _lead_task(c)
    from_status = c.status
    _move(c, status=S.RETURN_REVIEW)
    Request.objects.create(complaint=c, task=task, kind=Request.Kind.RETURN, reason=note, legal_basis=legal_basis,
                           status_before=from_status, requested_by=user, requested_at=now)
    if task:
        _move_task(task, returned=True)
    _event(c, "request_return", actor=user, from_status=from_status, to_status=S.RETURN_REVIEW, note=note, task=task,
           at=now, data={"legal_basis": legal_basis})
    _notify_dispatchers(c, _("退单待审核"), _("%(unit)s 申请退回诉求 %(code)s：%(why)s") % {
        "unit": c.unit_name, "code": c.tracking_code, "why": note[:60]}, key=f"return:{c.version}")
    _refresh(task)


def _pending(c: Complaint, kind: str) -> Request:
    req = Request.objects.filter(complaint=c, kind=kind, state=Request.State.PENDING).first()
    if req is None:
        raise ServiceError(_("没有待审核的申请"))
    return req


def _decide(req: Request, user, now, approve: bool, note: str) -> None:
    n = Request.objects.filter(pk=req.pk, state=Request.State.PENDING).update(
        state=Request.State.APPROVED if approve else Request.State.REJECTED, decided_by=user, decided_at=now,
        decision_note=note)
    if n != 1:
        raise ConflictError(_("该申请已被他人审核"))


def _decide_return(c, *, user, note, now, approve=None, unit=None, co_units=(), **_kw):
    approve = _pop_bool({"a": approve}, "a")
    if approve is None:
        raise ServiceError(_("请选择同意或驳回退单"))
    req = _pending(c, Request.Kind.RETURN)
    if not approve and not note:
        raise ServiceError(_("驳回退单须说明理由"))
    _decide(req, user, now, approve, note)
    task = req.task
    if approve:
        # rules.md §7: an approved return ends the unit's clock; the case is dispatched anew.
        if task:
            _move_task(task, state=Task.State.RETURNED)
        _move(c, status=S.ACCEPTED, return_count=c.return_count + 1, next_check_at=None)
        _event(c, "decide_return", actor=user, from_status=S.RETURN_REVIEW, to_status=S.ACCEPTED, note=note, task=task,
               at=now, data={"approve": True})
        _notify_unit(task.unit_kind if task else c.unit_kind, task.unit_id if task else c.unit_id, c, _("退单已同意"),
                     _("诉求 %(code)s 的退单申请已同意。") % {"code": c.tracking_code}, key=f"return-ok:{req.pk}")
        if unit:
            _dispatch(c, user, now, _unit_from_param(unit, c), co_units=co_units or (), note=note)
    else:
        # Rejection is final: the unit must handle the complaint (rules.md §7).
        back = req.status_before or S.IN_PROGRESS
        # The stages that ran before the return run again: the sweep must look at them.
        _move(c, status=back, return_final=True, next_check_at=_next_after(c, now, status=back))
        if task:
            _move_task(task, returned=False)
        _event(c, "decide_return", actor=user, from_status=S.RETURN_REVIEW, to_status=c.status, note=note, task=task,
               at=now, data={"approve": False})
        _notify_unit(c.unit_kind, c.unit_id, c, _("退单被驳回"),
                     _("诉求 %(code)s 的退单申请被驳回（终局），请继续办理：%(why)s") % {"code": c.tracking_code, "why": note},
                     key=f"return-no:{req.pk}")
    _refresh(task)


def _request_extension(c, *, user, note, now, amount=None, unit: str = "", **_kw):
    try:
        amount = int(amount)
    except (TypeError, ValueError):
        raise ServiceError(_("请填写延长的时限")) from None
    if amount <= 0 or amount > 90:
        raise ServiceError(_("延长时限应在 1 到 90 之间"))
    unit = unit or PeriodUnit.WORKING_DAYS
    if unit not in PeriodUnit.values:
        raise ServiceError(_("请选择时限单位"))
    if c.resolve_due and now > c.resolve_due:
        raise ServiceError(_("已超过办结期限，不能再申请延期"))
    Request.objects.create(complaint=c, task=_lead_task(c), kind=Request.Kind.EXTENSION, reason=note, amount=amount,
                           unit=unit, status_before=c.status, requested_by=user, requested_at=now)
    _move(c)
    _event(c, "request_extension", actor=user, from_status=c.status, note=note, at=now,
           data={"amount": amount, "unit": unit})
    _notify_dispatchers(c, _("延期待审核"), _("%(unit)s 申请延期办理诉求 %(code)s。") % {
        "unit": c.unit_name, "code": c.tracking_code}, key=f"extension:{c.version}")


def _decide_extension(c, *, user, note, now, approve=None, **_kw):
    approve = _pop_bool({"a": approve}, "a")
    if approve is None:
        raise ServiceError(_("请选择同意或驳回延期"))
    req = _pending(c, Request.Kind.EXTENSION)
    _decide(req, user, now, approve, note)
    data = {"approve": approve}
    if approve:
        new_due = add_period(c.resolve_due, req.amount, req.unit)
        fields = dict(resolve_due=new_due, extension_count=c.extension_count + 1,
                      resolve_overdue=False if new_due > now else c.resolve_overdue)
        _move(c, next_check_at=_next_after(c, now, **fields), **fields)
        task = req.task or _lead_task(c)
        if task:
            _move_task(task, due=new_due)
        data["resolve_due"] = new_due.isoformat()
        _notify_reporter(c, _("诉求办理期限延长"), _("您的诉求（查询码 %(code)s）经批准延期办理，新的办结期限为 %(due)s。") % {
            "code": c.tracking_code, "due": timezone.localtime(new_due).strftime("%Y-%m-%d %H:%M")},
            key=f"extended:{req.pk}")
    else:
        _move(c)
    _event(c, "decide_extension", actor=user, from_status=c.status, note=note, at=now, data=data, public=approve)
    _notify_unit(c.unit_kind, c.unit_id, c, _("延期审核结果"),
                 _("诉求 %(code)s 的延期申请%(r)s。") % {"code": c.tracking_code, "r": _("已同意") if approve else _("被驳回")},
                 key=f"extension-decided:{req.pk}")


def _withdraw(c, *, user, note, now, kinds, **_kw):
    from_status = c.status
    _move(c, status=S.WITHDRAWN, closed_at=now, next_check_at=None)
    _close_tasks(c)
    _event(c, "withdraw", actor=user, label=_("诉求人"), from_status=from_status, to_status=S.WITHDRAWN, note=note,
           public=True, at=now)
    for task in Task.objects.filter(complaint=c):
        _notify_unit(task.unit_kind, task.unit_id, c, _("诉求已撤回"), _("诉求 %(code)s 已由诉求人撤回。") % {
            "code": c.tracking_code}, key=f"withdrawn:{task.pk}")
        _refresh(task)


def _call_departments(c, *, user, note, now, departments=(), amount=None, unit: str = "", **_kw):
    """吹哨报到 (rules.md §7): each department called in gets its own task, clock and reply."""
    ids = []
    for d in departments or ():
        try:
            ids.append(int(d))
        except (TypeError, ValueError):
            raise ServiceError(_("请选择有效的职能部门")) from None
    if not ids:
        raise ServiceError(_("请至少选择一个职能部门"))
    depts = list(Department.objects.filter(pk__in=ids, district_id=c.district_id))
    if len(depts) != len(set(ids)):
        raise ServiceError(_("只能召集诉求所在区县的职能部门"))
    due = None
    if amount:
        try:
            due = add_period(now, int(amount), unit or PeriodUnit.WORKING_DAYS)
        except (TypeError, ValueError):
            raise ServiceError(_("请填写有效的办理时限")) from None
    open_units = set(
        Task.objects.filter(complaint=c, state__in=[Task.State.PENDING, Task.State.SIGNED]).values_list("unit_kind", "unit_id")
    )
    names = []
    for d in depts:
        if (UnitKind.DEPARTMENT, d.pk) in open_units:
            continue
        task = _start_task(c, Unit(UnitKind.DEPARTMENT, d.pk, d.name), Task.Role.JOINT, now, user=user, due=due)
        names.append(d.name)
        _notify_unit(UnitKind.DEPARTMENT, d.pk, c, _("吹哨报到"),
                     _("%(caller)s 召集贵单位联合处置诉求 %(code)s，请在 %(due)s 前答复。") % {
                         "caller": user.unit_label, "code": c.tracking_code,
                         "due": timezone.localtime(task.due).strftime("%m-%d %H:%M")}, key=f"joint:{task.pk}")
        _refresh(task)
    if not names:
        raise ServiceError(_("所选部门已在办理该诉求"))
    _move(c)
    _event(c, "call_departments", actor=user, from_status=c.status, note=note, at=now, public=True,
           data={"departments": names})


def _supervise(c, *, user, note, now, level=None, **_kw):
    try:
        level = int(level) if level not in (None, "") else c.supervision_level + 1
    except (TypeError, ValueError):
        raise ServiceError(_("请选择督办等级")) from None
    if level not in SupervisionLevel.values or level == SupervisionLevel.NONE:
        raise ServiceError(_("请选择督办等级"))
    if level <= c.supervision_level:
        raise ServiceError(_("该诉求已处于%(level)s，只能升级") % {"level": c.get_supervision_level_display()})
    _move(c, supervision_level=level)
    Task.objects.filter(complaint=c, state__in=[Task.State.PENDING, Task.State.SIGNED]).update(
        urgency=(2 if c.emergency else 0) + level)
    _event(c, "supervise", actor=user, from_status=c.status, note=note, at=now, data={"level": level, "manual": True})
    supervision_notify(c, level, note=note)


def unit_message(kind: str, pk: int, c: Complaint, subject: str, body: str, *, key: str, users=None) -> Message:
    """What ``_notify_unit`` writes, as a value; ``users`` may come from a caller's cache."""
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
    if c.unit_kind:
        units.append((c.unit_kind, c.unit_id))
    units.append((UnitKind.STREET, c.street_id))
    if c.category.supervisor == Category.Supervisor.CITY or level >= SupervisionLevel.LISTED:
        units.append((UnitKind.CITY, 0))
    if not c.confidential:
        units.append((UnitKind.DISTRICT, c.district_id))
    return units


def supervision_notify(c: Complaint, level: int, *, note: str = "") -> None:
    """Tell the unit, its supervisor and the street (issue §10)."""
    notify_many(supervision_messages(c, level, note=note))


HANDLERS = {
    "accept": _accept,
    "refuse": _refuse,
    "duplicate": _duplicate,
    "dispatch": _dispatch_action,
    "sign": _sign,
    "contact": _contact,
    "reply": _reply,
    "approve_reply": _approve_reply,
    "reject_reply": _reject_reply,
    "callback": _callback,
    "close": _close,
    "reopen": _reopen,
    "request_return": _request_return,
    "decide_return": _decide_return,
    "request_extension": _request_extension,
    "decide_extension": _decide_extension,
    "withdraw": _withdraw,
    "call_departments": _call_departments,
    "supervise": _supervise,
}
assert set(HANDLERS) == set(TRANSITIONS)


def bulk_sign(*, user, complaint_ids) -> tuple[int, list[str]]:
    """Sign several dispatched complaints at once (issue §13). Returns (signed, messages)."""
    from .selectors import complaints_visible_to

    signed, errors = 0, []
    for c in complaints_visible_to(user).filter(pk__in=list(complaint_ids)[:200]):
        try:
            complaint_act(user=user, complaint=c, action="sign")
            signed += 1
        except ServiceError as exc:
            errors.append(f"{c.tracking_code}：{exc.messages[0]}")
    return signed, errors


# ---- categories and settings (the city bureau) -------------------------------------------------


@transaction.atomic
def category_save(*, user, category: Category, changed: list[str] | None = None) -> Category:
    if getattr(user, "role", None) != Role.CITY:
        raise ServiceError(_("只有市住房保障房产局可以维护诉求类别"))
    if category.responsible == Category.Responsible.DEPARTMENT and not category.department_kind:
        raise ServiceError(_("责任主体为职能部门时，须选择部门类别"))
    creating = category.pk is None
    category.full_clean()
    category.save()
    audit_record(action=AuditAction.CREATE if creating else AuditAction.UPDATE, actor=user, obj=category,
                 changes={"fields": changed or []})
    return category


@transaction.atomic
def case_settings_save(*, user, settings_obj: CaseSettings) -> CaseSettings:
    if getattr(user, "role", None) != Role.CITY:
        raise ServiceError(_("只有市住房保障房产局可以修改设置"))
    if settings_obj.weight_response + settings_obj.weight_resolution + settings_obj.weight_satisfaction != 100:
        raise ServiceError(_("三项权重之和应为 100"))
    settings_obj.pk = 1
    settings_obj.save()
    transaction.on_commit(settings_changed)
    settings_changed()
    audit_record(action=AuditAction.UPDATE, actor=user, obj=settings_obj, changes={
        "weights": [settings_obj.weight_response, settings_obj.weight_resolution, settings_obj.weight_satisfaction],
        "warn_before_hours": settings_obj.warn_before_hours, "ranking_size": settings_obj.ranking_size})
    return settings_obj
