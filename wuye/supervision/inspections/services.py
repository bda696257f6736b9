"""Writes for inspections (issue 4 §2–3; rules.md §10): the inspector pool and its declared
conflicts of interest, inspection plans, the double-random draw, and recording an inspection.

Submitting an inspection computes its total from the item scores (an item marked "not
applicable" scores its full points), publishes the result, turns every item ticked "needs
rectification" into a rectification order for the company, and feeds the company's credit: a
score below 70 records XC01 (bad), 95 or more XC02 (good).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.models import Role
from wuye.core.audit import audit_record
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditAction
from wuye.core.money import round_half_up
from wuye.core.uploads import check_photos
from wuye.core.workflow import conditional_update
from wuye.credit.auto import credit_event_auto
from wuye.notifications.services import notify
from wuye.registry.models import Estate
from wuye.supervision.models import SupervisionSettings
from wuye.supervision.orders.services import order_issue
from wuye.supervision.selectors import is_city, is_official_for
from wuye.supervision.standards.models import Standard, StandardItem

from . import draw as draw_algo
from .models import (
    Draw,
    Inspection,
    InspectionPhoto,
    InspectionPlan,
    InspectionScore,
    Inspector,
    InspectorConflict,
)
from .selectors import is_inspector_of
from .workflow import INSPECTION, PLAN

I = Inspection.Status  # noqa: E741
P = InspectionPlan.Status
ZERO = Decimal("0")
LOW_SCORE = Decimal("70")
HIGH_SCORE = Decimal("95")
MAX_PHOTOS_PER_ITEM = 5


def _now() -> datetime:
    return timezone.now()


def _require_official(actor, district_id) -> None:
    """The city bureau everywhere; a district authority in its district. ``district_id`` None
    (the city pool, a city-wide plan) is the city bureau's alone."""
    if district_id is None:
        if not is_city(actor):
            raise ServiceError(_("只有市住房保障房产局可以办理全市范围的事项"))
        return
    if not is_official_for(actor, district_id):
        raise ServiceError(_("只有市住房保障房产局或本区县主管部门可以办理"))


# ---- the inspector pool --------------------------------------------------------------------------


@transaction.atomic
def inspector_create(*, actor, user, district=None, organisation: str, expertise: str = "") -> Inspector:
    """Put an account into a pool: a district's (district authority or city bureau) or the city's (city bureau)."""
    district_id = getattr(district, "pk", None)
    _require_official(actor, district_id)
    if user is None or not user.is_active:
        raise ServiceError(_("请选择一个有效的登录账号"))
    if user.role in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR, Role.RESIDENT):
        raise ServiceError(_("系统管理员、安全管理员、审计员和业主账号不能作为检查人员"))
    if Inspector.objects.filter(user=user).exists():
        raise ServiceError(_("该账号已在检查人员库中"))
    organisation = (organisation or "").strip()
    if not organisation:
        raise ServiceError(_("请填写工作单位"))
    inspector = Inspector.objects.create(user=user, district=district, organisation=organisation[:100],
                                         expertise=(expertise or "").strip()[:100])
    audit_record(action=AuditAction.CREATE, actor=actor, obj=inspector,
                 detail=_("入库：%(pool)s") % {"pool": district.name if district else _("市级检查人员库")})
    return inspector


@transaction.atomic
def inspector_set_active(*, actor, inspector: Inspector, active: bool) -> Inspector:
    _require_official(actor, inspector.district_id)
    if inspector.active != active:
        Inspector.objects.filter(pk=inspector.pk).update(active=active, updated_at=_now())
        inspector.active = active
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=inspector,
                     changes={"active": [not active, active]}, detail=_("在库") if active else _("出库"))
    return inspector


@transaction.atomic
def conflict_add(*, actor, inspector: Inspector, reason: str, company=None, estate=None) -> InspectorConflict:
    _require_official(actor, inspector.district_id)
    reason = (reason or "").strip()
    if company is None and estate is None:
        raise ServiceError(_("请选择需回避的企业或小区"))
    if not reason:
        raise ServiceError(_("请填写回避原因"))
    conflict = InspectorConflict.objects.create(inspector=inspector, company=company, estate=estate, reason=reason[:200])
    audit_record(action=AuditAction.CREATE, actor=actor, obj=conflict, detail=reason[:200])
    return conflict


@transaction.atomic
def conflict_remove(*, actor, conflict: InspectorConflict) -> None:
    inspector = conflict.inspector
    _require_official(actor, inspector.district_id)
    audit_record(action=AuditAction.DELETE, actor=actor, obj=conflict, detail=conflict.reason)
    conflict.delete()


# ---- plans and the draw ----------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor, name: str, kind: str, standard: Standard, start_date: date, end_date: date,
                district=None, street=None, estate_count: int = 20, inspector_count: int = 6,
                target_estates=(), complaint=None, description: str = "") -> InspectionPlan:
    district_id = getattr(district, "pk", None)
    if street is not None:
        if district_id is None:
            district, district_id = street.district, street.district_id
        elif street.district_id != district_id:
            raise ServiceError(_("所选街道不在所选区县内"))
    _require_official(actor, district_id)
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("请填写计划名称"))
    if kind not in InspectionPlan.Kind.values:
        raise ServiceError(_("请选择检查类型"))
    if standard is None or standard.status != Standard.Status.PUBLISHED:
        raise ServiceError(_("检查须依据现行的服务标准"))
    if end_date < start_date:
        raise ServiceError(_("结束日期不能早于开始日期"))
    if estate_count < 1 or inspector_count < 1:
        raise ServiceError(_("抽取小区数和检查人员数至少为 1"))
    targets = list(target_estates or [])
    if targets and kind == InspectionPlan.Kind.ROUTINE:
        raise ServiceError(_("日常检查须随机抽取小区；只有专项检查和投诉核查可以指定小区"))
    for e in targets:
        if district_id and e.district_id != district_id:
            raise ServiceError(_("指定的小区“%(name)s”不在检查范围内") % {"name": e.name})
        if street is not None and e.street_id != street.pk:
            raise ServiceError(_("指定的小区“%(name)s”不在检查范围内") % {"name": e.name})
        if not e.company_id:
            raise ServiceError(_("指定的小区“%(name)s”没有物业服务企业") % {"name": e.name})
    plan = InspectionPlan.objects.create(
        name=name[:100], kind=kind, district=district, street=street, standard=standard, start_date=start_date,
        end_date=end_date, estate_count=estate_count if not targets else len(targets),
        inspector_count=inspector_count, complaint=complaint, description=(description or "").strip(), created_by=actor,
    )
    if targets:
        plan.target_estates.set(targets)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=plan,
                 detail=f"{plan.get_kind_display()} · {district.name if district else _('全市')}")
    return plan


@transaction.atomic
def plan_cancel(*, actor, plan: InspectionPlan, reason: str) -> InspectionPlan:
    _require_official(actor, plan.district_id)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("请填写取消原因"))
    if plan.status != P.DRAFT:
        raise ServiceError(_("已抽取的计划不能取消"))
    PLAN.apply(plan, "cancel", actor=actor, kinds={"official"}, note=reason,
               conflict=_("检查计划的状态已变化，请刷新页面后重试"), audit_detail=_("取消：%(r)s") % {"r": reason})
    return plan


@dataclass
class DrawOutcome:
    draw: Draw
    inspections: list[Inspection]


@transaction.atomic
def draw_create(*, actor, plan: InspectionPlan, seed: str = "", now: datetime | None = None) -> Draw:
    """Run the double-random draw for ``plan`` and create one inspection per drawn estate with its
    inspectors. The seed is generated with ``secrets`` unless the official types one."""
    _require_official(actor, plan.district_id)
    now = now or _now()
    plan = InspectionPlan.objects.select_related("standard").get(pk=plan.pk)
    if plan.status != P.DRAFT:
        raise ServiceError(_("该计划已经抽取过，不能重复抽取"))
    seed = (seed or "").strip() or draw_algo.new_seed()
    if len(seed) > 64:
        raise ServiceError(_("随机种子不能超过 64 个字符"))
    ss = SupervisionSettings.current()
    estates = draw_algo.estate_candidates_for(plan, blacklist_weight=ss.blacklist_weight)
    if not estates:
        raise ServiceError(_("检查范围内没有可抽取的小区（须有物业服务企业）"))
    inspectors = draw_algo.inspector_candidates_for(plan)
    if not inspectors:
        raise ServiceError(_("检查范围内的检查人员库没有在库人员，请先维护检查人员库"))
    conflicts = draw_algo.conflicts_for(inspectors, estates)
    targeted = plan.target_estates.exists()
    params = {"estate_count": plan.estate_count, "inspector_count": plan.inspector_count,
              "per_estate": ss.inspectors_per_estate, "targeted": targeted}
    result = draw_algo.run(seed=seed, estate_candidates=estates, inspector_candidates=inspectors, conflicts=conflicts,
                           estate_count=plan.estate_count, inspector_count=plan.inspector_count,
                           per_estate=ss.inspectors_per_estate, targeted=targeted)
    empty = [e for e, ids in result.assignments.items() if not ids]
    if empty:
        raise ServiceError(_("有 %(n)d 个抽中小区找不到无回避关系的检查人员，请补充检查人员库后再抽取") % {"n": len(empty)})
    d = Draw.objects.create(plan=plan, seed=seed, algorithm=draw_algo.ALGORITHM, estate_candidates=estates,
                            inspector_candidates=inspectors, conflicts=conflicts,
                            result={**result.as_json(), "params": params}, drawn_at=now, drawn_by=actor)
    PLAN.apply(plan, "draw", actor=actor, kinds={"official"}, conflict=_("检查计划的状态已变化，请刷新页面后重试"),
               audit_detail=_("随机抽取，种子 %(seed)s") % {"seed": seed})
    by_id = Estate.objects.in_bulk(result.estates)
    for estate_id in result.estates:
        e = by_id[estate_id]
        insp = Inspection.objects.create(
            plan=plan, estate=e, company_id=e.company_id, district_id=e.district_id, street_id=e.street_id,
            community_id=e.community_id, standard=plan.standard, scheduled_on=plan.start_date,
        )
        insp.inspectors.set(result.assignments[estate_id])
    audit_record(action=AuditAction.CREATE, actor=actor, obj=d,
                 detail=_("抽取 %(e)d 个小区、%(i)d 名检查人员；种子 %(seed)s") % {
                     "e": len(result.estates), "i": len(result.inspectors), "seed": seed})
    _notify_inspectors(plan, result)
    return d


def _notify_inspectors(plan: InspectionPlan, result) -> None:
    ids = sorted({i for ids in result.assignments.values() for i in ids})
    users = [ins.user for ins in Inspector.objects.filter(id__in=ids).select_related("user")]
    if users:
        notify(users=users, subject=_("检查任务"),
               body=_("您已被抽中参加“%(plan)s”（%(start)s 至 %(end)s），请在检查任务中查看。") % {
                   "plan": plan.name, "start": plan.start_date, "end": plan.end_date},
               url=reverse("supervision:inspector_tasks"), channels=("inapp", "sms"),
               dedup_key=f"plan:{plan.pk}:drawn", category="inspection")


@transaction.atomic
def draw_publish(*, actor, draw: Draw, now: datetime | None = None) -> Draw:
    """Publish the draw (一公开): its page becomes public."""
    plan = draw.plan
    _require_official(actor, plan.district_id)
    now = now or _now()
    n = Draw.objects.filter(pk=draw.pk, published_at__isnull=True).update(published_at=now)
    if n != 1:
        raise ConflictError(_("该抽取结果已经公开"))
    draw.published_at = now
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=draw, detail=_("公开抽取结果"))
    return draw


# ---- recording an inspection -------------------------------------------------------------------------


@dataclass
class Entry:
    deduction: Decimal = ZERO
    not_applicable: bool = False
    defect: bool = False
    note: str = ""


def _decimal(value, item: StandardItem) -> Decimal:
    if value in (None, ""):
        return ZERO
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ServiceError(_("条目 %(code)s 的扣分须为数字") % {"code": item.code}) from None
    if not d.is_finite():
        raise ServiceError(_("条目 %(code)s 的扣分须为数字") % {"code": item.code})
    d = round_half_up(d)
    if d < ZERO or d > item.max_points:
        raise ServiceError(_("条目 %(code)s 的扣分须在 0 至 %(max)s 分之间") % {
            "code": item.code, "max": f"{item.max_points.normalize():f}"})
    return d


def item_score(item: StandardItem, entry: Entry) -> Decimal:
    """An item's score: its full points when not applicable, else full points less the deduction."""
    if entry.not_applicable:
        return item.max_points
    return item.max_points - entry.deduction


def _clean_entries(items: list[StandardItem], raw: dict) -> dict[int, Entry]:
    out: dict[int, Entry] = {}
    for item in items:
        r = raw.get(item.pk) or raw.get(str(item.pk)) or {}
        if isinstance(r, Entry):
            r = r.__dict__
        na = bool(r.get("not_applicable"))
        defect = bool(r.get("defect"))
        note = (r.get("note") or "").strip()[:500]
        deduction = ZERO if na else _decimal(r.get("deduction"), item)
        if na and defect:
            raise ServiceError(_("条目 %(code)s 标为“不适用”，不能同时勾选“需整改”") % {"code": item.code})
        out[item.pk] = Entry(deduction=deduction, not_applicable=na, defect=defect, note=note)
    return out


def _checked_photos(insp: Inspection, by_item: dict, photos: dict | None) -> list[tuple[int, object]]:
    """The uploaded photos checked as images, at most ``MAX_PHOTOS_PER_ITEM`` per item in all."""
    checked_photos: list[tuple[int, object]] = []
    existing = {}
    for row in InspectionPhoto.objects.filter(inspection=insp).values_list("item_id", flat=True):
        existing[row] = existing.get(row, 0) + 1
    for key, files in (photos or {}).items():
        files = [f for f in (files or []) if f]
        if not files:
            continue
        item_id = int(key)
        if item_id not in by_item:
            raise ServiceError(_("照片对应的条目不存在"))
        if existing.get(item_id, 0) + len(files) > MAX_PHOTOS_PER_ITEM:
            raise ServiceError(_("条目 %(code)s 最多上传 %(n)d 张照片") % {"code": by_item[item_id].code, "n": MAX_PHOTOS_PER_ITEM})
        for p in check_photos(files):
            checked_photos.append((item_id, p))
    return checked_photos


def _save_scores(insp: Inspection, items: list[StandardItem], clean: dict[int, Entry]) -> None:
    """One score row per item (created or updated)."""
    current = {s.item_id: s for s in InspectionScore.objects.filter(inspection=insp)}
    new_rows, changed = [], []
    for item in items:
        e = clean[item.pk]
        score = item_score(item, e)
        row = current.get(item.pk)
        if row is None:
            new_rows.append(InspectionScore(inspection=insp, item=item, deduction=e.deduction, score=score,
                                            not_applicable=e.not_applicable, is_defect=e.defect, note=e.note))
        else:
            row.deduction, row.score, row.not_applicable, row.is_defect, row.note = (
                e.deduction, score, e.not_applicable, e.defect, e.note)
            changed.append(row)
    InspectionScore.objects.bulk_create(new_rows)
    InspectionScore.objects.bulk_update(changed, ["deduction", "score", "not_applicable", "is_defect", "note"])


@transaction.atomic
def inspection_record(*, actor, inspection: Inspection, entries: dict, photos: dict | None = None,
                      summary: str = "", inspected_on: date | None = None, submit: bool = False,
                      now: datetime | None = None) -> Inspection:
    """Save the inspector's scores (a draft), and with ``submit`` compute the total and publish.

    ``entries``: {item id: {"deduction", "not_applicable", "defect", "note"}}; items left out score
    full points. ``photos``: {item id: [uploaded files]} — at most 5 per item, checked as images.
    """
    now = now or _now()
    insp = Inspection.objects.select_related("standard", "estate", "company").get(pk=inspection.pk)
    if not is_inspector_of(actor, insp):
        raise ServiceError(_("只有本次检查的检查人员可以录入检查结果"))
    if inspection.version is not None and inspection.version != insp.version:
        raise ConflictError(_("该检查已被其他检查人员修改或提交，请刷新页面后重试"))
    if insp.status != I.ASSIGNED:
        raise ServiceError(_("该检查已提交，不能再修改"))
    items = list(StandardItem.objects.filter(standard_id=insp.standard_id).select_related("section")
                 .order_by("section__order", "order", "id"))
    clean = _clean_entries(items, entries or {})
    by_item = {i.pk: i for i in items}
    if submit:
        missing = [by_item[pk].code for pk, e in clean.items() if e.defect and not e.note]
        if missing:
            raise ServiceError(_("勾选“需整改”的条目须填写检查记录（问题描述）：%(codes)s") % {"codes": "、".join(missing)})
    # Photos first: a bad file refuses the whole save and loses nothing already stored.
    checked_photos = _checked_photos(insp, by_item, photos)
    _save_scores(insp, items, clean)
    for item_id, p in checked_photos:
        photo = InspectionPhoto(inspection=insp, item_id=item_id, content_type=p.content_type, uploaded_by=actor)
        photo.image.save(getattr(p.file, "name", "photo"), p.file, save=False)
        photo.save()
    total = sum((item_score(i, clean[i.pk]) for i in items), ZERO)
    max_score = sum((i.max_points for i in items), ZERO)
    defects = [i for i in items if clean[i.pk].defect]
    fields = dict(summary=(summary or "").strip(), inspected_on=inspected_on or insp.inspected_on or timezone.localdate(now),
                  total_score=total, max_score=max_score, defect_count=len(defects), updated_at=now)
    conflict = _("该检查已被其他检查人员提交或修改，请刷新页面")
    if not submit:
        conditional_update(Inspection, insp, expect={"status": I.ASSIGNED}, conflict=conflict, **fields)
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=insp,
                     detail=_("保存检查记录草稿（%(n)d 张照片）") % {"n": len(checked_photos)})
        return insp
    # Defects lead to rectification; a clean result is concluded at once.
    target = I.RECTIFYING if defects else I.CONCLUDED
    extra = {"concluded_at": now} if target == I.CONCLUDED else {}
    INSPECTION.apply(insp, "submit", actor=actor, kinds={"inspector"}, target=target, conflict=conflict,
                     audit_detail=_("提交检查结果：%(total)s 分，问题 %(n)d 项") % {"total": total, "n": len(defects)},
                     audit_changes={"total_score": [None, str(total)]},
                     submitted_at=now, submitted_by=actor, published=True, **fields, **extra)
    for item in defects:
        order_issue(actor=actor, inspection=insp, item=item, defect=clean[item.pk].note, now=now)
    _score_credit(insp)
    _plan_progress(insp.plan_id)
    return insp


@transaction.atomic
def inspection_draft_save(*, actor, inspection: Inspection, entries: dict, photos: dict | None = None,
                          summary: str = "", inspected_on: date | None = None,
                          now: datetime | None = None) -> tuple[Inspection, dict[int, str]]:
    """保存草稿 that always saves what is valid (issue 14 §10): an item whose input breaks a rule of
    ``_clean_entries`` keeps what was stored for the failing part only (its 不适用 / 需整改 flags, or
    its deduction, or both; the note typed is kept), an item whose photos are refused stores none of
    them; every other item, the summary and the date are saved by ``inspection_record`` as a draft.
    Returns the inspection and {item id: Chinese message} of what was not saved."""
    items = list(StandardItem.objects.filter(standard_id=inspection.standard_id).order_by("section__order", "order", "id"))
    by_item = {i.pk: i for i in items}
    stored = {s.item_id: s for s in InspectionScore.objects.filter(inspection_id=inspection.pk)}
    good, errors = {}, {}
    for item in items:
        raw = dict((entries or {}).get(item.pk) or (entries or {}).get(str(item.pk)) or {})
        s = stored.get(item.pk)
        ded = {"deduction": s.deduction if s else ZERO}
        flags = {"not_applicable": s.not_applicable if s else False, "defect": s.is_defect if s else False}
        for fallback in ({}, flags, ded, {**flags, **ded}):
            tried = {**raw, **fallback}
            try:
                _clean_entries([item], {item.pk: tried})
            except ServiceError as exc:
                errors.setdefault(item.pk, exc.messages[0])
            else:
                break
        good[item.pk] = tried
    good_photos = {}
    for key, files in (photos or {}).items():
        try:
            _checked_photos(inspection, by_item, {key: files})
        except ServiceError as exc:
            if str(key).isdigit() and int(key) in by_item:
                errors.setdefault(int(key), exc.messages[0])
            continue
        good_photos[key] = files
    insp = inspection_record(actor=actor, inspection=inspection, entries=good, photos=good_photos, summary=summary,
                             inspected_on=inspected_on, submit=False, now=now)
    return insp, errors


def _score_credit(insp: Inspection) -> None:
    """Inspection scores feed credit (issue 4 §8): < 70 bad (XC01), ≥ 95 good (XC02)."""
    if not insp.company_id or insp.total_score is None:
        return
    if insp.total_score < LOW_SCORE:
        code = "XC01"
    elif insp.total_score >= HIGH_SCORE:
        code = "XC02"
    else:
        return
    credit_event_auto(
        company=insp.company, rule_code=code, source_key=f"inspection:{insp.pk}", occurred_on=insp.inspected_on,
        description=_("%(estate)s %(date)s 监督检查得分 %(score)s 分") % {
            "estate": insp.estate.name, "date": insp.inspected_on, "score": insp.total_score},
        estate=insp.estate, district=insp.district, source_url=reverse("supervision:inspection_detail", args=[insp.pk]),
        evidence=_("检查记录 %(pk)s") % {"pk": insp.pk},
    )


def _plan_progress(plan_id) -> None:
    """The plan follows its inspections: in progress while some wait, done when none does."""
    if not plan_id:
        return
    plan = InspectionPlan.objects.get(pk=plan_id)
    pending = Inspection.objects.filter(plan_id=plan_id, status=I.ASSIGNED).exists()
    try:
        if plan.status == P.DRAWN and pending:
            PLAN.apply(plan, "start", actor=None, audit_detail=_("检查开始"))
        elif plan.status in PLAN["finish"].sources and not pending:
            PLAN.apply(plan, "finish", actor=None, audit_detail=_("计划内检查全部完成"))
    except ConflictError:  # moved meanwhile by another inspector's submission
        pass


@transaction.atomic
def inspection_cancel(*, actor, inspection: Inspection, reason: str) -> Inspection:
    _require_official(actor, inspection.district_id)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("请填写取消原因"))
    INSPECTION.apply(inspection, "cancel", actor=actor, kinds={"official"}, note=reason,
                     conflict=_("该检查的状态已变化，请刷新页面后重试"),
                     audit_detail=_("取消检查：%(r)s") % {"r": reason})
    _plan_progress(inspection.plan_id)
    return inspection
