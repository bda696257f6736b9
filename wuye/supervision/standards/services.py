"""Writes to the versioned service standards (issue 4 §1), by the city bureau only.

A published or retired version is frozen: changing the standard means copying the current
version into a draft (``standard_new_version``), editing the draft and publishing it, which
retires the previous version. Inspections keep the version they were recorded against, so no
past result ever changes. Publishing refuses a standard whose items do not total 100 points.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.audit import audit_record, model_changes, snapshot
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditAction
from wuye.core.money import round_half_up
from wuye.supervision.selectors import is_city

from .models import Standard, StandardItem, StandardSection

FULL_MARKS = Decimal("100")
S = Standard.Status


def _require_city(actor) -> None:
    if not is_city(actor):
        raise ServiceError(_("只有市住房保障房产局可以编制服务标准"))


def _editable(standard: Standard) -> Standard:
    current = Standard.objects.get(pk=standard.pk)
    if current.status != S.DRAFT:
        raise ServiceError(_("现行或已废止的标准版本不能修改；如需调整，请新建版本。"))
    return current


def standard_total(standard: Standard) -> Decimal:
    return StandardItem.objects.filter(standard=standard).aggregate(t=Sum("max_points"))["t"] or Decimal("0")


def _points(value) -> Decimal:
    try:
        d = round_half_up(Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        raise ServiceError(_("分值须为数字")) from None
    if d < Decimal("0.5"):
        raise ServiceError(_("每个条目的分值不能低于 0.5 分"))
    if d > FULL_MARKS:
        raise ServiceError(_("每个条目的分值不能超过 100 分"))
    return d


def _levels(levels) -> list[int]:
    out = sorted({int(v) for v in (levels or [])})
    if any(v < 1 or v > 5 for v in out):
        raise ServiceError(_("适用星级须在一星级至五星级之间"))
    return out


@transaction.atomic
def standard_new_version(*, actor, standard: Standard) -> Standard:
    """Copy ``standard`` (sections and items) into a new draft version of the same code."""
    _require_city(actor)
    if Standard.objects.filter(code=standard.code, status=S.DRAFT).exists():
        raise ServiceError(_("该标准已有一个草稿版本，请先完成或删除该草稿"))
    latest = Standard.objects.filter(code=standard.code).aggregate(v=Max("version"))["v"] or 0
    draft = Standard.objects.create(
        code=standard.code, name=standard.name, version=latest + 1, status=S.DRAFT, basis=standard.basis,
        note="", created_by=actor,
    )
    section_map = {}
    for sec in StandardSection.objects.filter(standard=standard).order_by("order", "id"):
        section_map[sec.pk] = StandardSection.objects.create(standard=draft, order=sec.order, name=sec.name)
    StandardItem.objects.bulk_create([
        StandardItem(standard=draft, section=section_map[it.section_id], order=it.order, code=it.code, text=it.text,
                     max_points=it.max_points, deduction_rule=it.deduction_rule, evidence=it.evidence,
                     star_levels=list(it.star_levels or []))
        for it in StandardItem.objects.filter(standard=standard).order_by("section__order", "order", "id")
    ])
    audit_record(action=AuditAction.CREATE, actor=actor, obj=draft,
                 detail=_("由第 %(v)s 版复制新建第 %(n)s 版草稿") % {"v": standard.version, "n": draft.version})
    return draft


@transaction.atomic
def standard_update(*, actor, standard: Standard, name: str, basis: str = "", note: str = "") -> Standard:
    _require_city(actor)
    standard = _editable(standard)
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("请填写标准名称"))
    before = snapshot(standard, ["name", "basis", "note"])
    standard.name, standard.basis, standard.note = name[:100], (basis or "").strip()[:300], (note or "").strip()
    standard.save(update_fields=["name", "basis", "note", "updated_at"])
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=standard,
                 changes=model_changes(before, snapshot(standard, ["name", "basis", "note"])))
    return standard


@transaction.atomic
def standard_delete_draft(*, actor, standard: Standard) -> None:
    _require_city(actor)
    standard = _editable(standard)
    audit_record(action=AuditAction.DELETE, actor=actor, obj=standard, detail=_("删除草稿版本"))
    StandardItem.objects.filter(standard=standard).delete()
    standard.delete()


@transaction.atomic
def section_save(*, actor, standard: Standard, name: str, order: int | None = None,
                 section: StandardSection | None = None) -> StandardSection:
    _require_city(actor)
    standard = _editable(standard)
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("请填写章节名称"))
    if section is None:
        if order is None:
            order = (StandardSection.objects.filter(standard=standard).aggregate(m=Max("order"))["m"] or 0) + 1
        section = StandardSection.objects.create(standard=standard, name=name[:100], order=order)
        audit_record(action=AuditAction.CREATE, actor=actor, obj=section, detail=str(standard))
        return section
    if section.standard_id != standard.pk:
        raise ServiceError(_("章节不属于该标准"))
    before = snapshot(section)
    section.name = name[:100]
    if order is not None:
        section.order = order
    section.save()
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=section, changes=model_changes(before, snapshot(section)))
    return section


@transaction.atomic
def section_delete(*, actor, section: StandardSection) -> None:
    _require_city(actor)
    _editable(section.standard)
    audit_record(action=AuditAction.DELETE, actor=actor, obj=section,
                 detail=_("连同 %(n)s 个条目") % {"n": section.items.count()})
    section.delete()


@transaction.atomic
def item_save(*, actor, standard: Standard, section: StandardSection, code: str, text: str, max_points,
              deduction_rule: str, evidence: str = "", star_levels=(), order: int | None = None,
              item: StandardItem | None = None) -> StandardItem:
    _require_city(actor)
    standard = _editable(standard)
    if section.standard_id != standard.pk:
        raise ServiceError(_("章节不属于该标准"))
    code, text, rule = (code or "").strip(), (text or "").strip(), (deduction_rule or "").strip()
    if not code or not text or not rule:
        raise ServiceError(_("请填写条目编号、标准内容和扣分规则"))
    clash = StandardItem.objects.filter(standard=standard, code=code)
    if item is not None:
        clash = clash.exclude(pk=item.pk)
    if clash.exists():
        raise ServiceError(_("条目编号“%(code)s”在本标准中已存在") % {"code": code})
    fields = dict(section=section, code=code[:20], text=text[:500], max_points=_points(max_points),
                  deduction_rule=rule[:300], evidence=(evidence or "").strip()[:300], star_levels=_levels(star_levels))
    if item is None:
        if order is None:
            order = (StandardItem.objects.filter(section=section).aggregate(m=Max("order"))["m"] or 0) + 1
        item = StandardItem.objects.create(standard=standard, order=order, **fields)
        audit_record(action=AuditAction.CREATE, actor=actor, obj=item, detail=str(standard))
        return item
    if item.standard_id != standard.pk:
        raise ServiceError(_("条目不属于该标准"))
    before = snapshot(item)
    for k, v in fields.items():
        setattr(item, k, v)
    if order is not None:
        item.order = order
    item.save()
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=item, changes=model_changes(before, snapshot(item)))
    return item


@transaction.atomic
def item_delete(*, actor, item: StandardItem) -> None:
    _require_city(actor)
    _editable(item.standard)
    audit_record(action=AuditAction.DELETE, actor=actor, obj=item, detail=str(item.standard))
    item.delete()


@transaction.atomic
def standard_publish(*, actor, standard: Standard, now=None) -> Standard:
    """Publish a draft: the items must total exactly 100 points; the version in force is retired."""
    _require_city(actor)
    standard = _editable(standard)
    now = now or timezone.now()
    if not StandardItem.objects.filter(standard=standard).exists():
        raise ServiceError(_("标准还没有任何条目，不能发布"))
    if StandardSection.objects.filter(standard=standard, items__isnull=True).exists():
        raise ServiceError(_("有章节没有条目，请补充条目或删除该章节后再发布"))
    total = standard_total(standard)
    if total != FULL_MARKS:
        raise ServiceError(_("各条目分值合计为 %(total)s 分，须恰好为 100 分才能发布；请调整分值后再发布。")
                           % {"total": f"{total.normalize():f}"})
    previous = list(Standard.objects.filter(code=standard.code, status=S.PUBLISHED).exclude(pk=standard.pk))
    for old in previous:
        Standard.objects.filter(pk=old.pk, status=S.PUBLISHED).update(status=S.RETIRED, retired_at=now, updated_at=now)
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=old,
                     detail=_("第 %(n)s 版发布，本版本废止") % {"n": standard.version},
                     changes={"status": [S.PUBLISHED, S.RETIRED]})
    n = Standard.objects.filter(pk=standard.pk, status=S.DRAFT).update(status=S.PUBLISHED, published_at=now, updated_at=now)
    if n != 1:
        raise ConflictError(_("该版本已被他人发布或修改，请刷新页面"))
    standard.refresh_from_db()
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=standard, detail=_("发布"),
                 changes={"status": [S.DRAFT, S.PUBLISHED]})
    return standard
