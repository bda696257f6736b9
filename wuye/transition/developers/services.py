"""Every write to developers and their record (DESIGN.md: writes go through services).

For the rest of the platform (the handover engineer's early-delivery check, the document
checklist…) the one entry point is :func:`record_violation`::

    from wuye.transition.developers.services import record_violation
    from wuye.transition.developers.models import DeveloperViolation

    record_violation(developer=dev, kind=DeveloperViolation.Kind.EARLY_DELIVERY, estate=estate,
                     note="交付日期 2026-05-01 早于竣工验收备案日期 2026-06-10", automatic=True,
                     source=f"handover:{case.pk}:early_delivery")

- ``automatic=True``: the platform's own finding; the record is the evidence, so the violation
  starts in public notice (``notice_end`` = the credit notice period, ``CreditSettings.notice_workdays``
  working days, rules.md §9) exactly like ``wuye.credit.auto.credit_event_auto``; the sweep
  confirms it when the notice ends without an objection. ``source`` is its idempotency key: a
  second call with the same source returns the first violation and writes nothing.
- ``automatic=False``: recorded by hand by ``actor`` (an official); starts as a draft that another
  official reviews and publishes.

Then ``violation_act`` applies one action of the shared credit table (``workflow.MACHINE``) and
``violation_sweep`` confirms the violations whose notice is over.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.audit import audit_record
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditAction
from wuye.core.uploads import clean_attachment
from wuye.credit.services import notice_end_for
from wuye.registry.services import normalize_credit_code

from . import selectors
from .models import DevelopedEstate, Developer, DeveloperViolation, DeveloperViolationLog, ViolationEvidence
from .workflow import MACHINE, PAGE_ACTIONS, permits

S = DeveloperViolation.Status
K = DeveloperViolation.Kind
MAX_FILES = 5
DEVELOPER_FIELDS = ("name", "credit_code", "legal_representative", "address", "contact_name", "contact_phone")


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# ---- developers -----------------------------------------------------------------------------


def _clean_developer(data: dict, *, instance: Developer | None = None) -> dict:
    out = {k: (data.get(k) or "").strip() for k in DEVELOPER_FIELDS if k in data or instance is None}
    if "name" in out and not out["name"]:
        raise ServiceError({"name": _("请填写建设单位名称。")})
    if "credit_code" in out:
        if not out["credit_code"]:
            raise ServiceError({"credit_code": _("请填写统一社会信用代码。")})
        out["credit_code"] = normalize_credit_code(out["credit_code"])
        dup = Developer.objects.filter(credit_code=out["credit_code"])
        if instance is not None:
            dup = dup.exclude(pk=instance.pk)
        if dup.exists():
            raise ServiceError({"credit_code": _("该统一社会信用代码已登记为其他建设单位。")})
    return out


@transaction.atomic
def developer_create(*, user, data: dict) -> Developer:
    """The city bureau or a district official registers a developer (its credit code checked,
    GB 32100-2015, by ``normalize_credit_code``)."""
    if not selectors.can_register(user):
        raise ServiceError(_("只有市局或区县主管部门可以登记建设单位。"))
    fields = _clean_developer(data)
    district_id = user.district_id if user.role == "district" else None
    try:
        with transaction.atomic():
            dev = Developer.objects.create(**fields, district_id=district_id, created_by=_user(user))
    except IntegrityError:
        raise ServiceError({"credit_code": _("该统一社会信用代码已登记为其他建设单位。")}) from None
    audit_record(action=AuditAction.CREATE, actor=user, obj=dev, changes={"credit_code": dev.credit_code},
                 detail=f"登记建设单位 {dev.name}")
    return dev


@transaction.atomic
def developer_update(*, user, developer: Developer, data: dict) -> Developer:
    if not selectors.can_edit(user, developer):
        raise ServiceError(_("您无权修改该建设单位。"))
    fields = _clean_developer(data, instance=developer)
    changes = {k: [getattr(developer, k), v] for k, v in fields.items() if getattr(developer, k) != v}
    if changes:
        for k, v in fields.items():
            setattr(developer, k, v)
        developer.save(update_fields=[*fields, "updated_at"])
        audit_record(action=AuditAction.UPDATE, actor=user, obj=developer, changes=changes,
                     detail=f"修改建设单位 {developer.name}")
    return developer


@transaction.atomic
def developed_estate_link(*, user, developer: Developer, estate, phase: str = "") -> DevelopedEstate:
    """Link an estate (or one phase of it) to the developer that built it."""
    phase = (phase or "").strip()
    if not selectors.can_edit(user, developer) or not selectors.can_record_for_estate(user, estate):
        raise ServiceError(_("您无权为该建设单位登记本区县以外的小区。"))
    if estate is None:
        raise ServiceError({"estate": _("请选择小区。")})
    taken = DevelopedEstate.objects.filter(estate=estate, phase=phase).select_related("developer").first()
    if taken is not None:
        raise ServiceError({"phase": _("该小区的“%(phase)s”已登记由“%(dev)s”建设。") % {
            "phase": phase or _("整体"), "dev": taken.developer.name}})
    link = DevelopedEstate.objects.create(developer=developer, estate=estate, phase=phase)
    audit_record(action=AuditAction.CREATE, actor=user, obj=link,
                 changes={"developer": developer.pk, "estate": estate.pk, "phase": phase},
                 detail=f"登记开发项目 {developer.name} {estate.name}{phase}")
    return link


# ---- violations -----------------------------------------------------------------------------


def record_violation(*, developer: Developer, kind: str, estate=None, note: str, actor=None,
                     automatic: bool = False, source: str = "", evidence: str = "",
                     occurred_on: date | None = None, now: datetime | None = None) -> DeveloperViolation:
    """Put a violation on the developer's record and return it (see the module's docstring).

    Automatic: in public notice at once, idempotent by ``source``. Manual: a draft by ``actor``.
    Raises ``ServiceError`` (Chinese) on an unknown kind or an empty note."""
    now = now or timezone.now()
    note = (note or "").strip()
    source = (source or "").strip()[:120]
    if developer is None:
        raise ServiceError({"developer": _("请选择建设单位。")})
    if kind not in K.values:
        raise ServiceError({"kind": _("未知的违规类型：%(kind)s") % {"kind": kind}})
    if not note:
        raise ServiceError({"note": _("请填写事实描述。")})
    occurred_on = occurred_on or timezone.localdate(now)
    if occurred_on > timezone.localdate(now):
        raise ServiceError({"occurred_on": _("发生日期不能晚于今天。")})
    if automatic and source:
        existing = DeveloperViolation.objects.filter(source_key=source).first()
        if existing is not None:
            return existing
    district_id = estate.district_id if estate is not None else getattr(actor, "district_id", None)
    violation = DeveloperViolation(
        developer=developer, kind=kind, estate=estate, district_id=district_id, note=note[:2000],
        evidence=(evidence or "").strip()[:2000], occurred_on=occurred_on, source_key=source,
        source=DeveloperViolation.Source.AUTO if automatic else DeveloperViolation.Source.MANUAL,
        recorded_by=None if automatic else _user(actor),
    )
    if automatic:
        violation.status = S.NOTICE
        violation.notice_start = now
        violation.notice_end = notice_end_for(now)
    else:
        violation.status = S.DRAFT
    try:
        with transaction.atomic():
            violation.save()
            DeveloperViolationLog.objects.create(violation=violation, action="auto" if automatic else "record",
                                                 from_status="", to_status=violation.status,
                                                 actor=None if automatic else _user(actor), note=note[:500])
            audit_record(action=AuditAction.CREATE, actor=None if automatic else actor, obj=violation,
                         username="system" if automatic else "",
                         changes={"developer": developer.pk, "kind": kind, "source": source},
                         detail=f"{'自动生成' if automatic else '录入'}建设单位违规记录 {developer.name} "
                                f"{violation.get_kind_display()}")
    except IntegrityError:  # recorded meanwhile under the same source by another worker
        found = DeveloperViolation.objects.filter(source_key=source).first() if source else None
        if found is None:
            raise
        return found
    return violation


@transaction.atomic
def violation_record(*, user, developer: Developer, kind: str, estate=None, note: str, evidence: str = "",
                     occurred_on: date | None = None, files=()) -> DeveloperViolation:
    """An official records a violation by hand with evidence (text and files through
    ``wuye.core.uploads.clean_attachment``); it starts as a draft for another official's review."""
    if not selectors.is_official(user):
        raise ServiceError(_("只有市局或区县主管部门可以录入建设单位违规记录。"))
    if not selectors.can_record_for_estate(user, estate):
        raise ServiceError({"estate": _("所选小区不在本区县。")})
    if estate is not None and not DevelopedEstate.objects.filter(developer=developer, estate=estate).exists():
        raise ServiceError({"estate": _("所选小区不是该建设单位开发的项目。")})
    evidence = (evidence or "").strip()
    files = [f for f in (files or []) if f]
    if not evidence and not files:
        raise ServiceError({"evidence": _("请填写证据说明或上传证据文件。")})
    if len(files) > MAX_FILES:
        raise ServiceError({"files": _("证据文件最多 %(n)s 个。") % {"n": MAX_FILES}})
    cleaned = [(clean_attachment(f), getattr(f, "name", "")[:200]) for f in files]
    violation = record_violation(developer=developer, kind=kind, estate=estate, note=note, actor=user,
                                 automatic=False, evidence=evidence, occurred_on=occurred_on)
    for content, name in cleaned:
        ViolationEvidence.objects.create(violation=violation, file=content, name=name or content.name)
    return violation


NOTE_LABELS = {
    "object": _("建设单位的异议理由"),
    "uphold": _("处理意见"),
    "reject": _("处理意见"),
    "withdraw": _("撤销理由"),
}


def _refusal(action: str, v: DeveloperViolation, kinds: set[str], user) -> str:
    t = MACHINE[action]
    if t.actors & kinds and v.status not in t.sources:
        return _("该违规记录当前状态为“%(status)s”，不能%(action)s") % {
            "status": v.get_status_display(), "action": t.label}
    if action == "review" and kinds:
        return _("录入人不能审核自己录入的违规记录，请由其他工作人员审核")
    if action == "object" and kinds:
        return _("公示期已结束，不能再提出异议")
    return _("您无权对该违规记录执行“%(action)s”") % {"action": t.label}


def violation_act(*, user, violation: DeveloperViolation, action: str, note: str = "",
                  now: datetime | None = None) -> DeveloperViolation:
    """One action of the shared credit-event table on a violation, by an official (``object``:
    the developer's written objection entered on its behalf)."""
    if action not in PAGE_ACTIONS:
        raise ServiceError(_("未知的操作：%(action)s") % {"action": action})
    note = (note or "").strip()
    now = now or timezone.now()
    with transaction.atomic():
        v = DeveloperViolation.objects.select_related("estate", "developer").get(pk=violation.pk)
        if violation.version is not None and v.version != violation.version:
            raise ConflictError(MACHINE.conflict_text())
        kinds = selectors.actor_kinds(user, v)
        if not permits(action, v, kinds, user=user, now=now):
            raise ServiceError(_refusal(action, v, kinds, user))
        if MACHINE[action].needs_note and not note:
            raise ServiceError(_("请填写%(what)s") % {"what": NOTE_LABELS.get(action, _("说明"))})
        fields: dict = {}
        target = None
        if action == "review":
            fields["reviewed_by"] = user
        elif action == "publish":
            fields.update(notice_start=now, notice_end=notice_end_for(now))
        elif action in ("uphold", "withdraw"):
            prefix = _("异议成立：") if action == "uphold" else ""
            fields["withdrawn_reason"] = (prefix + note)[:300]
        elif action == "reject":
            if v.notice_end is not None and now <= v.notice_end:
                target = S.NOTICE  # the rest of the notice runs on; the sweep confirms after it
            else:
                target = S.CONFIRMED
                fields["confirmed_at"] = now
        MACHINE.apply(v, action, actor=user, note=note, target=target, audit_changes={"action": action},
                      audit_detail=f"{MACHINE.label(action)}：{note[:200]}", **fields)
    violation.__dict__.update({k: val for k, val in v.__dict__.items() if not k.startswith("_")})
    return v


def violation_confirm(*, violation: DeveloperViolation, now: datetime | None = None) -> bool:
    """The sweep's confirmation of a violation whose notice ended without an objection. False when
    another worker confirmed it first or it is no longer in notice."""
    now = now or timezone.now()
    with transaction.atomic():
        v = DeveloperViolation.objects.get(pk=violation.pk)
        if not permits("confirm", v, {"system"}, now=now):
            return False
        try:
            MACHINE.apply(v, "confirm", actor=None, note=_("公示期满无异议，予以确认"),
                          audit_changes={"action": "confirm"}, audit_detail="公示期满无异议，建设单位违规记录确认",
                          audit_username="system", confirmed_at=now)
        except ConflictError:
            return False
    return True


def violation_sweep(now: datetime | None = None) -> dict:
    """Confirm every violation whose public notice is over (safe to run twice: each confirmation
    is a conditional UPDATE on the row's version)."""
    now = now or timezone.now()
    confirmed = 0
    for v in DeveloperViolation.objects.filter(status=S.NOTICE, notice_end__lt=now).only("pk", "version", "status",
                                                                                          "notice_end"):
        if violation_confirm(violation=v, now=now):
            confirmed += 1
    return {"confirmed": confirmed}
