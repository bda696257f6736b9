"""Every write of handover inspection (承接查验, 物业承接查验办法 建房〔2010〕165号), its filing and
early delivery (建设工程质量管理条例 第十六条). Keyword-only, one transaction, an audit row each.

- ``case_open``: the case with its document checklist; detects early delivery, records it on the
  developer's record (``developers.services.record_violation``, automatic) and refers it to the
  construction and housing departments (``campaign.notices.create_notice``, with receipts) when the
  actor may send notices — otherwise the district's officials are told and refer it themselves.
- ``case_advance``: one step of the seven (the machine in ``workflow.CASE``), with each step's
  conditions; ``hand_over`` sets the filing deadline (``rules.filing_due``), ``file`` files it.
- ``document_update`` / ``document_add``: the checklist (received, or missing with a promised date).
- ``defect_add`` / ``defect_fix``: defects found on site, photos through ``core.uploads``.
- ``withholding_record``: the developer refuses to hand over documents or garages → a violation.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.selectors import official_users
from wuye.core.audit import audit_record
from wuye.core.calendar import PeriodUnit, add_period, local_text
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction
from wuye.core.uploads import check_photos
from wuye.notifications.services import Message, notify

from . import rules
from . import selectors as sel
from .models import DefectPhoto, HandoverCase, HandoverDefect, HandoverDocument, HandoverEvent
from .workflow import CASE

S = HandoverCase.Status
D = HandoverDocument.Status
OPEN_STEPS = {S.PLAN, S.DOCUMENTS, S.INSPECTION, S.RECTIFICATION, S.CONFIRMATION, S.AGREEMENT, S.HANDOVER}
WITHHELD_KINDS = ("documents_withheld", "garages_withheld")


def _today() -> date:
    return timezone.localdate()


def _not_future(value: date | None, label: str) -> None:
    if value is not None and value > _today():
        raise ServiceError(_("%(label)s不能晚于今天") % {"label": label})


def case_url(case: HandoverCase) -> str:
    return reverse("handover:detail", args=[case.pk])


def record_violation(**kwargs):
    """The developer's record is the developers app's (one home): imported where it is used."""
    from wuye.transition.developers.services import record_violation as record

    return record(**kwargs)


@transaction.atomic
def case_open(*, actor, estate, developer, company, completion_filed_on: date | None, delivered_on: date | None,
              handed_over_on: date | None = None, phase: str = "", plan_note: str = "") -> HandoverCase:
    """Open a handover case for an estate (or one phase of it). Bad input is a Chinese
    ``ServiceError`` and nothing is written."""
    if developer is None:
        raise ServiceError(_("请选择建设单位"))
    if company is None:
        raise ServiceError(_("请选择物业服务企业"))
    if not sel.may_register_for(actor, estate):
        raise ServiceError(_("只有为该小区服务的物业服务企业或所在区县的主管部门可以登记承接查验"))
    own = sel.own_company_id(actor)
    if own and company.pk != own:
        raise ServiceError(_("只能登记本企业承接的项目"))
    _not_future(completion_filed_on, _("竣工验收备案日期"))
    _not_future(delivered_on, _("交付业主日期"))
    _not_future(handed_over_on, _("物业交接日期"))
    phase = (phase or "").strip()[:30]
    if HandoverCase.objects.filter(estate=estate, phase=phase).exists():
        raise ServiceError(_("该小区（分期）已有承接查验记录"))
    kind = rules.early_delivery_kind(delivered_on=delivered_on, completion_filed_on=completion_filed_on)
    case = HandoverCase.objects.create(
        estate=estate, phase=phase, developer=developer, company=company, district_id=estate.district_id,
        street_id=estate.street_id, completion_filed_on=completion_filed_on, delivered_on=delivered_on,
        handed_over_on=handed_over_on, filing_due=rules.filing_due(handed_over_on), early_delivery=bool(kind),
        early_kind=kind, plan_note=(plan_note or "").strip(), created_by=actor)
    HandoverDocument.objects.bulk_create([
        HandoverDocument(case=case, kind=k, name=str(label), position=i)
        for i, (k, label) in enumerate(HandoverDocument.Kind.choices) if k != HandoverDocument.Kind.OTHER])
    HandoverEvent.objects.create(case=case, action="open", to_status=case.status, actor=actor,
                                 note=_("登记承接查验"))
    audit_record(action=AuditAction.CREATE, actor=actor, obj=case, detail=_("登记承接查验"), changes={
        "estate": estate.pk, "developer": developer.pk, "company": company.pk, "early_kind": kind,
        "handed_over_on": str(handed_over_on or "")})
    if kind:
        _early_delivery_found(actor=actor, case=case)
    return case


def _early_delivery_found(*, actor, case: HandoverCase) -> None:
    """建设工程质量管理条例 第十六条: record the violation on the developer's record (automatic, once
    per case and kind) and refer the case to the construction and housing departments."""
    label = case.get_early_kind_display()
    if case.early_kind == HandoverCase.EarlyKind.EARLY:
        fact = _("%(estate)s%(phase)s于 %(d)s 交付业主，早于竣工验收备案日期 %(f)s（建设工程质量管理条例第十六条）") % {
            "estate": case.estate.name, "phase": case.phase, "d": case.delivered_on, "f": case.completion_filed_on}
    else:
        fact = _("%(estate)s%(phase)s于 %(d)s 交付业主，未办理竣工验收备案（建设工程质量管理条例第十六条）") % {
            "estate": case.estate.name, "phase": case.phase, "d": case.delivered_on}
    record_violation(developer=case.developer, kind=case.early_kind, estate=case.estate, note=fact, actor=actor,
                     automatic=True, source=f"handover:{case.pk}:{case.early_kind}")
    HandoverEvent.objects.create(case=case, action="early_delivery", from_status=case.status, to_status=case.status,
                                 actor=actor, note=f"{label}：{fact}")
    from wuye.campaign.notices.selectors import sender_key

    if sender_key(actor) is not None and sel.is_official_of(actor, case) and _referral_departments(case):
        case_refer(actor=actor, case=case)
    else:  # the company (or a district without those departments on the platform): the officials refer it
        notify(users=official_users(case.district_id), subject=_("发现提前交房"),
               body=_("%(fact)s。请移交建设、住建部门联合查处。") % {"fact": fact}, url=case_url(case),
               channels=("inapp",), dedup_key=f"handover:{case.pk}:early", category="handover")


def _referral_departments(case: HandoverCase):
    from wuye.territory.models import Department

    depts = list(Department.objects.filter(kind__in=sel.REFERRAL_KINDS, district_id=case.district_id).order_by("kind"))
    return depts or list(Department.objects.filter(kind__in=sel.REFERRAL_KINDS, district__isnull=True).order_by("kind"))


@transaction.atomic
def case_refer(*, actor, case: HandoverCase) -> HandoverCase:
    """Refer an early delivery to the construction (建设) and housing (住建) departments as a joint-
    enforcement task: a notice with receipts (``campaign.notices.create_notice``), each department
    acknowledging it and reporting what it did (查处情况)."""
    from wuye.campaign.notices.services import create_notice
    from wuye.cases.models import UnitKind
    from wuye.cases.units import Unit

    if not sel.is_official_of(actor, case):
        raise ServiceError(_("只有所在区县主管部门或市住房保障房产局可以移交联合执法"))
    if not case.early_delivery:
        raise ServiceError(_("该项目未发现提前交房，无需移交"))
    if case.referred_at is not None:
        raise ServiceError(_("该项目已移交联合执法"))
    depts = _referral_departments(case)
    if not depts:
        raise ServiceError(_("本区县未登记建设、住建部门，无法移交"))
    now = timezone.now()
    notice = create_notice(
        by=actor, title=_("关于%(estate)s%(phase)s%(kind)s的联合查处通知") % {
            "estate": case.estate.name, "phase": case.phase, "kind": case.get_early_kind_display()},
        body=_("建设单位%(dev)s开发的%(estate)s%(phase)s交付业主日期为 %(d)s，竣工验收备案日期为 %(f)s。"
               "依据《建设工程质量管理条例》第十六条，请依职责联合查处，并反馈查处情况。") % {
            "dev": case.developer.name, "estate": case.estate.name, "phase": case.phase, "d": case.delivered_on,
            "f": case.completion_filed_on or _("（未备案）")},
        recipients=[Unit(UnitKind.DEPARTMENT, d.pk, d.name) for d in depts],
        ack_due=add_period(now, 2, PeriodUnit.WORKING_DAYS), feedback_due=add_period(now, 15, PeriodUnit.WORKING_DAYS),
        feedback_kind="text", feedback_label=_("查处情况"), source=("handover", case.pk), supervision=False)
    HandoverCase.objects.filter(pk=case.pk).update(referral_notice=notice, referred_at=now, updated_at=now)
    case.referral_notice, case.referred_at = notice, now
    HandoverEvent.objects.create(case=case, action="refer", from_status=case.status, to_status=case.status, actor=actor,
                                 note=_("移交%(names)s联合查处") % {"names": "、".join(d.name for d in depts)})
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=case, changes={"referral_notice": notice.pk},
                 detail=_("提前交房移交联合执法"))
    return case


def _checked_date(value: date | None, label: str) -> date:
    value = value or _today()
    _not_future(value, label)
    return value


def _step_fields(case: HandoverCase, action: str, note: str, on_date: date | None, number: str) -> tuple[dict, str]:
    """The fields a step writes, after its conditions (物业承接查验办法): a plan before the documents;
    every document received or missing with a promised date before the site inspection; every
    defect resolved before the results are confirmed; the handover date sets the filing deadline."""
    fields: dict = {}
    if action == "plan_done":
        plan = note or case.plan_note
        if not plan.strip():
            raise ServiceError(_("请填写查验方案（查验范围、时间、人员和方法）"))
        fields["plan_note"] = plan
    elif action == "documents_done":
        pending = HandoverDocument.objects.filter(case=case, status=D.PENDING).count()
        if pending:
            raise ServiceError(_("还有 %(n)d 项资料未登记移交情况：每项资料须登记已移交，或登记缺失及承诺补交日期") % {"n": pending})
    elif action == "inspection_done":
        fields["inspected_on"] = _checked_date(on_date, _("现场查验日期"))
    elif action == "defects_resolved":
        open_defects = HandoverDefect.objects.filter(case=case, status=HandoverDefect.Status.OPEN).count()
        if open_defects:
            raise ServiceError(_("还有 %(n)d 个查验问题未解决") % {"n": open_defects})
    elif action == "confirm":
        fields["confirmed_on"] = _checked_date(on_date, _("查验结果确认日期"))
    elif action == "sign":
        fields["agreement_signed_on"] = _checked_date(on_date, _("协议签订日期"))
        fields["agreement_number"] = (number or "").strip()[:40]
    elif action == "hand_over":
        handed = _checked_date(on_date or case.handed_over_on, _("物业交接日期"))
        fields["handed_over_on"] = handed
        fields["filing_due"] = rules.filing_due(handed)
    elif action == "file":
        filed = _checked_date(on_date, _("备案日期"))
        if case.handed_over_on and filed < case.handed_over_on:
            raise ServiceError(_("备案日期不能早于物业交接日期"))
        fields["filed_on"] = filed
        fields["filing_number"] = (number or "").strip()[:40]
        if case.filing_due and filed > case.filing_due:
            note = (note + " " + _("（逾期备案，期限为 %(d)s）") % {"d": case.filing_due}).strip()
    return fields, note


@transaction.atomic
def case_advance(*, actor, case: HandoverCase, action: str, note: str = "", on_date: date | None = None,
                 number: str = "") -> HandoverCase:
    """Complete the current step (or file the handover): the machine's table (``workflow.CASE``)
    decides who and when, ``_step_fields`` the step's own conditions."""
    if action not in CASE.transitions:
        raise ServiceError(_("未知的操作"))
    CASE.check(action, case, sel.case_actor_kinds(actor, case), note=note)
    fields, note = _step_fields(case, action, (note or "").strip(), on_date, number)
    messages = []
    if action == "file":
        messages.append(Message(subject=_("承接查验备案"), body=_("%(company)s已办理%(estate)s%(phase)s的承接查验备案。") % {
            "company": case.company.name, "estate": case.estate.name, "phase": case.phase},
            users=official_users(case.district_id), url=case_url(case), channels=("inapp",),
            dedup_key=f"handover:{case.pk}:filed", category="handover"))
    CASE.apply(case, action, actor=actor, note=note, audit_changes={k: str(v) for k, v in fields.items()},
               messages=messages, **fields)
    return case


def _editable(case: HandoverCase) -> None:
    if case.status == S.FILED:
        raise ServiceError(_("该承接查验已备案，不能再修改"))


@transaction.atomic
def document_update(*, actor, case: HandoverCase, document: HandoverDocument, status: str,
                    received_on: date | None = None, promised_on: date | None = None, note: str = "") -> HandoverDocument:
    """Record a checklist line: received (with the date), or missing with the developer's promised date."""
    sel.require_actor(actor, case)
    _editable(case)
    if document.case_id != case.pk:
        raise ServiceError(_("该资料不属于本承接查验"))
    if status == D.RECEIVED:
        received_on = _checked_date(received_on, _("移交日期"))
        promised_on = None
    elif status == D.MISSING:
        if promised_on is None:
            raise ServiceError(_("缺失的资料须登记建设单位承诺补交的日期"))
        received_on = None
    elif status == D.PENDING:
        received_on = promised_on = None
    else:
        raise ServiceError(_("请选择移交情况"))
    before = [document.status, str(document.promised_on or "")]
    HandoverDocument.objects.filter(pk=document.pk).update(
        status=status, received_on=received_on, promised_on=promised_on, note=(note or "").strip()[:300],
        updated_at=timezone.now(), **({"violation_at": None} if status == D.MISSING and promised_on != document.promised_on else {}))
    document.refresh_from_db()
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=case, detail=_("登记移交资料：%(name)s") % {"name": document.name[:60]},
                 changes={"document": document.pk, "status": [before[0], status], "promised_on": [before[1], str(promised_on or "")]})
    return document


@transaction.atomic
def document_add(*, actor, case: HandoverCase, name: str) -> HandoverDocument:
    """Add a line under 其他 (other documents as needed)."""
    sel.require_actor(actor, case)
    _editable(case)
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("请填写资料名称"))
    last = HandoverDocument.objects.filter(case=case).order_by("-position").values_list("position", flat=True).first() or 0
    doc = HandoverDocument.objects.create(case=case, kind=HandoverDocument.Kind.OTHER, name=name[:200], position=last + 1)
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=case, detail=_("增加移交资料：%(name)s") % {"name": name[:60]},
                 changes={"document": doc.pk})
    return doc


@transaction.atomic
def defect_add(*, actor, case: HandoverCase, part: str, location: str, description: str, responsible: str,
               promised_on: date | None, files=()) -> HandoverDefect:
    """A defect found in the site inspection, with its location, photos, responsible party and the
    promised fix date."""
    sel.require_actor(actor, case)
    if case.status not in (S.INSPECTION, S.RECTIFICATION):
        raise ServiceError(_("现场查验和问题整改阶段才能登记查验问题"))
    location, description, responsible = (location or "").strip(), (description or "").strip(), (responsible or "").strip()
    if part not in HandoverDefect.Part.values:
        raise ServiceError(_("请选择查验对象"))
    if not location:
        raise ServiceError(_("请填写问题位置"))
    if not description:
        raise ServiceError(_("请填写问题描述"))
    if not responsible:
        raise ServiceError(_("请填写责任单位"))
    if promised_on is None:
        raise ServiceError(_("请填写承诺解决日期"))
    photos = check_photos(list(files or []))
    defect = HandoverDefect.objects.create(case=case, part=part, location=location[:200], description=description[:500],
                                           responsible=responsible[:100], promised_on=promised_on, created_by=actor)
    for p in photos:
        DefectPhoto.objects.create(defect=defect, stage=DefectPhoto.Stage.FOUND, file=p.file, content_type=p.content_type,
                                   uploaded_by=actor)
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=case, detail=_("登记查验问题：%(d)s") % {"d": description[:60]},
                 changes={"defect": defect.pk, "photos": len(photos)})
    return defect


@transaction.atomic
def defect_fix(*, actor, case: HandoverCase, defect: HandoverDefect, fixed_on: date | None = None, note: str = "",
               files=()) -> HandoverDefect:
    """The defect is resolved (with what was done and, optionally, photos after)."""
    sel.require_actor(actor, case)
    if case.status not in (S.INSPECTION, S.RECTIFICATION):
        raise ServiceError(_("现场查验和问题整改阶段才能登记问题解决情况"))
    if defect.case_id != case.pk:
        raise ServiceError(_("该问题不属于本承接查验"))
    note = (note or "").strip()
    if not note:
        raise ServiceError(_("请填写解决情况"))
    fixed_on = _checked_date(fixed_on, _("解决日期"))
    photos = check_photos(list(files or []))
    n = HandoverDefect.objects.filter(pk=defect.pk, status=HandoverDefect.Status.OPEN).update(
        status=HandoverDefect.Status.FIXED, fixed_on=fixed_on, fix_note=note[:300])
    if n != 1:
        raise ServiceError(_("该问题已登记为已解决"))
    for p in photos:
        DefectPhoto.objects.create(defect=defect, stage=DefectPhoto.Stage.FIXED, file=p.file, content_type=p.content_type,
                                   uploaded_by=actor)
    defect.refresh_from_db()
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=case, detail=_("查验问题已解决"),
                 changes={"defect": defect.pk, "status": ["open", "fixed"]})
    return defect


@transaction.atomic
def withholding_record(*, actor, case: HandoverCase, kind: str, note: str):
    """The developer refuses to hand over documents or garages (物业承接查验办法): a violation on its
    record, recorded from the case (automatic, once per case and kind)."""
    sel.require_actor(actor, case)
    if kind not in WITHHELD_KINDS:
        raise ServiceError(_("请选择违规类型"))
    note = (note or "").strip()
    if not note:
        raise ServiceError(_("请填写事实描述"))
    # Recorded from the handover's own data, once per case and kind: in public notice at once, the
    # developer may object (the developers app's workflow).
    violation = record_violation(developer=case.developer, kind=kind, estate=case.estate, note=note, actor=actor,
                                 automatic=True, source=f"handover:{case.pk}:{kind}")
    label = _("拒不移交资料") if kind == "documents_withheld" else _("拒不移交车库/配套用房")
    HandoverEvent.objects.create(case=case, action=kind, from_status=case.status, to_status=case.status, actor=actor,
                                 note=f"{label}：{note}")
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=case, detail=_("登记建设单位违规：%(k)s") % {"k": label},
                 changes={"violation": getattr(violation, "pk", None), "kind": kind})
    return violation


def reminder_text(case: HandoverCase) -> str:
    return _("%(estate)s%(phase)s已于 %(h)s 交接，请于 %(due)s 前向区县住房主管部门办理承接查验备案。") % {
        "estate": case.estate.name, "phase": case.phase, "h": case.handed_over_on, "due": local_text(case.filing_due, "%Y-%m-%d")}
