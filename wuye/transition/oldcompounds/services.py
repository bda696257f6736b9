"""Every write of the old-compound register and renovation projects (issue 17 §5–7).

Keyword-only arguments, one transaction, an audit row each (``core.audit``; transitions through
``workflow.PROJECT``, which writes the event and audit rows). Bad input is a Chinese
``ServiceError`` and nothing is written.

- ``profile_save``: the register entry of an old compound (households, facilities lacking, the
  district's plan).
- ``project_create``, ``project_start``, ``milestone_add``, ``project_finish``: the works.
- ``project_accept`` (验收): the district accepts the project on a day that is neither in the
  future nor before the project started; an accepted enclosure project counts towards the
  campaign indicator ``enclosures_completed`` by the year of that day. ``project_reject`` sends a
  finished project back; ``project_cancel`` stops one.
- ``compound_set_management``: after renovation the compound moves to a management mode —
  professional (a company with a contract, ``wuye.registry.services.estate_set_contract``),
  self-managed, or 准物业.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.campaign import rowcache
from wuye.core.audit import audit_record
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction
from wuye.core.uploads import check_photos
from wuye.registry import services as registry
from wuye.registry.models import Estate

from . import selectors as sel
from .models import FACILITIES, CompoundProfile, Milestone, ProjectPhoto, RenovationProject
from .workflow import PROJECT

P = RenovationProject.Status
K = RenovationProject.Kind
PS = CompoundProfile.PlanStatus
M = Estate.ManagementMode


def _today() -> date:
    return timezone.localdate()


def _require_official(actor, estate: Estate, *, district_only: bool = False) -> set[str]:
    kinds = sel.actor_kinds(actor, estate)
    if ("district" if district_only else "official") not in kinds:
        raise ServiceError(_("只有该小区所在区县主管部门可以执行此操作") if district_only
                           else _("只有该小区所在区县主管部门或街道办事处可以执行此操作"))
    return kinds


def _not_future(day: date | None, label: str) -> None:
    if day is not None and day > _today():
        raise ServiceError(_("%(label)s不能晚于今天") % {"label": label})


def _save_photos(project: RenovationProject, photos, *, user, milestone: Milestone | None = None) -> int:
    checked = check_photos(photos)
    for p in checked:
        photo = ProjectPhoto(project=project, milestone=milestone, content_type=p.content_type, uploaded_by=user)
        photo.file.save(p.name, p.file, save=False)
        photo.save()
    return len(checked)


# ---- the register -------------------------------------------------------------------------------


@transaction.atomic
def profile_save(*, actor, estate: Estate, households: int = 0, lacking: set[str] | frozenset = frozenset(),
                 lacks_other: str = "", plan_status: str = PS.UNPLANNED, plan_year: int | None = None,
                 plan_note: str = "") -> CompoundProfile:
    """Create or update the register entry of an old compound (the district or the street)."""
    if estate.kind != Estate.Kind.OLD_COMPOUND:
        raise ServiceError(_("只有老旧楼院可以登记改造档案"))
    _require_official(actor, estate)
    if households is None or households < 0:
        raise ServiceError({"households": _("户数不能为负数")})
    if plan_status not in PS.values:
        raise ServiceError({"plan_status": _("计划状态不正确")})
    if plan_status != PS.UNPLANNED and not plan_year:
        raise ServiceError({"plan_year": _("列入改造计划时请填写计划改造年度")})
    unknown = set(lacking) - {n for n, _l in FACILITIES}
    if unknown:
        raise ServiceError({"lacking": _("缺失设施不正确")})
    profile = CompoundProfile.objects.filter(estate=estate).first()
    created = profile is None
    profile = profile or CompoundProfile(estate=estate)
    before = {f: getattr(profile, f) for f in ("households", "plan_status", "plan_year", "plan_note", "lacks_other",
                                               *[n for n, _l in FACILITIES])}
    profile.households = households
    for name, _label in FACILITIES:
        setattr(profile, name, name in lacking)
    profile.lacks_other = (lacks_other or "").strip()[:200]
    profile.plan_status, profile.plan_year, profile.plan_note = plan_status, plan_year, (plan_note or "").strip()
    if not created:
        profile.version += 1
    profile.save()
    after = {f: getattr(profile, f) for f in before}
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    audit_record(action=AuditAction.CREATE if created else AuditAction.UPDATE, actor=actor, obj=profile,
                 changes=changes, detail=_("老旧楼院档案登记") if created else _("老旧楼院档案更新"))
    return profile


def _sync_plan(estate: Estate, *, accepted: RenovationProject | None = None) -> None:
    """The register follows the projects: a project under way → 改造中; every project closed with at
    least one accepted → 已完成改造. An accepted enclosure or meter project clears the facility it fixed."""
    profile = CompoundProfile.objects.filter(estate=estate).first()
    if profile is None:
        return
    projects = list(RenovationProject.objects.filter(estate=estate).values_list("status", flat=True))
    open_ = any(s in (P.PLANNED, P.IN_PROGRESS, P.COMPLETED) for s in projects)
    status = PS.RENOVATING if open_ else PS.DONE if P.ACCEPTED in projects else profile.plan_status
    fields = {"plan_status": status}
    if accepted is not None:
        if accepted.kind == K.ENCLOSURE:
            fields["lacks_enclosure"] = False
        if accepted.kind == K.METERS:
            if accepted.meter_type in ("water", "both"):
                fields["lacks_water_meters"] = False
            if accepted.meter_type in ("power", "both"):
                fields["lacks_power_meters"] = False
    changes = {k: [getattr(profile, k), v] for k, v in fields.items() if getattr(profile, k) != v}
    if changes:
        CompoundProfile.objects.filter(pk=profile.pk).update(**fields, updated_at=timezone.now())
        audit_record(action=AuditAction.UPDATE, obj=profile, changes=changes, detail=_("改造项目进展更新档案"))


# ---- renovation projects ------------------------------------------------------------------------


@transaction.atomic
def project_create(*, actor, estate: Estate, kind: str, planned_finish: date, meter_type: str = "", title: str = "",
                   budget: Decimal | None = None, funding_source: str = "", contractor: str = "",
                   planned_start: date | None = None, started_on: date | None = None) -> RenovationProject:
    """Register a renovation project of ``estate`` (the district authority or the street office of
    the estate's area)."""
    _require_official(actor, estate)
    if kind not in K.values:
        raise ServiceError({"kind": _("改造类型应为 enclosure、meters、comprehensive 或 other")})
    if planned_finish is None:
        raise ServiceError({"planned_finish": _("请填写计划完工日期")})
    if planned_start and planned_start > planned_finish:
        raise ServiceError({"planned_finish": _("计划完工日期不能早于计划开工日期")})
    meter_type = meter_type or ""
    if meter_type not in RenovationProject.MeterType.values:
        raise ServiceError({"meter_type": _("户表类别应为供水、供电或两者")})
    if kind != K.METERS:
        meter_type = ""
    if budget is not None and budget < 0:
        raise ServiceError({"budget": _("预算不能为负数")})
    if funding_source and funding_source not in RenovationProject.Funding.values:
        raise ServiceError({"funding_source": _("资金来源不正确")})
    _not_future(started_on, _("实际开工日期"))
    project = RenovationProject.objects.create(
        estate=estate, district_id=estate.district_id, street_id=estate.street_id, kind=kind, meter_type=meter_type,
        title=(title or "").strip()[:200], budget=budget, funding_source=funding_source or "",
        contractor=(contractor or "").strip()[:200], planned_start=planned_start, planned_finish=planned_finish,
        started_on=started_on, status=P.IN_PROGRESS if started_on else P.PLANNED, created_by=actor)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=project, changes={
        "estate": estate.pk, "kind": kind, "planned_finish": planned_finish.isoformat(),
        "budget": str(budget) if budget is not None else None}, detail=_("登记改造项目"))
    project.events.create(action="create", from_status="", to_status=project.status, actor=actor)
    _sync_plan(estate)
    return project


def _apply(project: RenovationProject, action: str, *, actor, note: str = "", **fields) -> None:
    PROJECT.apply(project, action, actor=actor, kinds=sel.actor_kinds(actor, project.estate), note=note, **fields)


@transaction.atomic
def project_start(*, actor, project: RenovationProject, started_on: date) -> RenovationProject:
    if started_on is None:
        raise ServiceError({"started_on": _("请填写实际开工日期")})
    _not_future(started_on, _("实际开工日期"))
    _apply(project, "start", actor=actor, note=started_on.isoformat(), started_on=started_on)
    _sync_plan(project.estate)
    return project


@transaction.atomic
def milestone_add(*, actor, project: RenovationProject, title: str, done_on: date, note: str = "",
                  photos=()) -> Milestone:
    title = (title or "").strip()
    if not title:
        raise ServiceError({"title": _("请填写进度节点")})
    if done_on is None:
        raise ServiceError({"done_on": _("请填写完成日期")})
    _not_future(done_on, _("完成日期"))
    check_photos(photos)  # refused before anything is written
    _apply(project, "milestone", actor=actor, note=title[:200])
    milestone = Milestone.objects.create(project=project, title=title[:200], done_on=done_on,
                                         note=(note or "").strip(), created_by=actor)
    _save_photos(project, photos, user=actor, milestone=milestone)
    return milestone


@transaction.atomic
def project_finish(*, actor, project: RenovationProject, finished_on: date) -> RenovationProject:
    if finished_on is None:
        raise ServiceError({"finished_on": _("请填写实际完工日期")})
    _not_future(finished_on, _("实际完工日期"))
    if project.started_on and finished_on < project.started_on:
        raise ServiceError({"finished_on": _("完工日期不能早于开工日期（%(d)s）") % {"d": project.started_on}})
    _apply(project, "finish", actor=actor, note=finished_on.isoformat(), finished_on=finished_on)
    return project


@transaction.atomic
def project_accept(*, actor, project: RenovationProject, accepted_on: date, note: str = "",
                   photos=()) -> RenovationProject:
    """验收 by the district of the estate. The day may be neither in the future nor before the
    project started (its actual start, else its planned start, else the day it was registered), nor
    before it was finished. An accepted enclosure project counts towards ``enclosures_completed``
    in the year of ``accepted_on``."""
    if accepted_on is None:
        raise ServiceError({"accepted_on": _("请填写验收日期")})
    _require_official(actor, project.estate, district_only=True)
    if accepted_on > _today():
        raise ServiceError({"accepted_on": _("验收日期不能晚于今天")})
    start = project.start_day
    if start and accepted_on < start:
        raise ServiceError({"accepted_on": _("验收日期不能早于项目开工日期（%(d)s）") % {"d": start.isoformat()}})
    if project.finished_on and accepted_on < project.finished_on:
        raise ServiceError({"accepted_on": _("验收日期不能早于完工日期（%(d)s）") % {
            "d": project.finished_on.isoformat()}})
    check_photos(photos)
    fields = {"accepted_on": accepted_on, "accepted_by": actor, "acceptance_note": (note or "").strip()}
    if project.finished_on is None:
        fields["finished_on"] = accepted_on
    _apply(project, "accept", actor=actor, note=(note or accepted_on.isoformat()).strip()[:500], **fields)
    _save_photos(project, photos, user=actor)
    _sync_plan(project.estate, accepted=project)
    if project.kind == K.ENCLOSURE:
        rowcache.invalidate()  # the campaign board's kept rows follow the indicator at once
    return project


@transaction.atomic
def project_reject(*, actor, project: RenovationProject, note: str) -> RenovationProject:
    _apply(project, "reject", actor=actor, note=note, finished_on=None)
    return project


@transaction.atomic
def project_cancel(*, actor, project: RenovationProject, note: str) -> RenovationProject:
    _apply(project, "cancel", actor=actor, note=note)
    _sync_plan(project.estate)
    return project


# ---- management after renovation ----------------------------------------------------------------


@transaction.atomic
def compound_set_management(*, actor, estate: Estate, mode: str, company=None, start_date: date | None = None,
                            end_date: date | None = None, contracted_grade: str = "1", fee_rate: Decimal | None = None,
                            filing_number: str = "") -> Estate:
    """After renovation the compound moves to a management mode (the district or the street):
    professional management needs a company and its contract (``estate_set_contract``);
    self-management ends any current contract (``estate_update``); 准物业 is bought by the street."""
    _require_official(actor, estate)
    if mode not in (M.PROFESSIONAL, M.SELF_MANAGED, M.QUASI):
        raise ServiceError({"mode": _("管理模式应为专业化物业服务、业主自治管理或政府购买准物业服务")})
    if mode == M.PROFESSIONAL:
        if company is None:
            raise ServiceError({"company": _("专业化物业服务须选择物业服务企业")})
        if start_date is None or end_date is None:
            raise ServiceError({"start_date": _("请填写合同起止日期")})
        if end_date < start_date:
            raise ServiceError({"end_date": _("合同终止日不得早于起始日")})
        if fee_rate is None or fee_rate < 0:
            raise ServiceError({"fee_rate": _("请填写物业费标准（元/m²·月）")})
        registry.estate_set_contract(actor=actor, estate=estate, company=company, start_date=start_date,
                                     end_date=end_date, contracted_grade=contracted_grade, fee_rate=fee_rate,
                                     filing_number=filing_number or "")
        estate.refresh_from_db()
    if estate.management_mode != mode:
        registry.estate_update(actor=actor, estate=estate, management_mode=mode)
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=estate, changes={"management_mode": mode},
                 detail=_("改造后确定管理模式：%(m)s") % {"m": M(mode).label})
    return estate


# ---- the weekly pace check ----------------------------------------------------------------------


def pace_notify(*, now=None) -> int:
    """The weekly check (issue 17 §6): every district behind its pace on this year's enclosure target
    (done / quota < days elapsed / days in the year, on the week's Monday) gets an in-app message.
    Safe to run twice: each message is keyed by task, district and week. Returns messages written."""
    from django.urls import reverse

    from wuye.accounts.selectors import unit_users_of_many
    from wuye.notifications.services import Message, notify_many

    today = timezone.localdate(now or timezone.now())
    data = sel.target_chart(today.year, today=today)
    behind = data["behind"]
    if data["task"] is None or not behind:
        return 0
    users: dict[int, list] = {}
    for u in unit_users_of_many("district", [r.district for r in behind]).only("id", "district_id", "role"):
        users.setdefault(u.district_id, []).append(u)
    week = data["check_day"].isoformat()
    url = reverse("oldcompounds:target")
    return notify_many([
        Message(subject=_("老旧楼院加装封闭设施进度落后"),
                body=_("截至%(day)s，贵区已完成加装封闭设施 %(done)d 个，分解目标 %(quota)d 个，落后于时序进度，"
                       "请加快推进并及时组织验收。") % {"day": week, "done": r.done, "quota": r.quota},
                users=users.get(r.district, []), url=url, channels=("inapp",),
                dedup_key=f"enclosure-pace:{data['task'].pk}:{r.district}:{week}", category="campaign")
        for r in behind if users.get(r.district)])
