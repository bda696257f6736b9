"""The common-income ledger (issue 5 item 1; rules.md §2, §5): every write.

A report follows the table ``TRANSITIONS`` below: the company drafts it (items by source, itemised
reasonable costs, the use of the net), submits it; the estate's owners' committee — or, only where
the estate has no current committee, its street office — confirms it (which publishes it for the
public period and splits the net over every unit by exclusive area, exact to the fen) or returns
it with a reason. Each transition is a conditional UPDATE on (status, version), appends an
``IncomeEvent``, writes an audit row and notifies the other side (outbox, same transaction).

Edits (items, costs, use) are allowed only while the report is a draft or returned; each one also
bumps ``version`` with a conditional UPDATE, so an edit racing a submission loses cleanly.

An owner's objection to a published report is filed as a complaint (category ``common_income``)
linked to the objection. ``income_overdue_sweep`` notifies companies that have not published last
year's report after the deadline and records the credit event GS01 (未按规定公示公共收益), once.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.selectors import company_managers, company_users
from wuye.cases.models import Category
from wuye.cases.models import Source as CaseSource
from wuye.cases.services import complaint_file
from wuye.core.audit import audit_record
from wuye.core.calendar import period_last_day
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction
from wuye.core.money import ZERO, money
from wuye.core.workflow import conditional_update
from wuye.credit.auto import credit_event_auto
from wuye.disclosure.allocation import split_integer
from wuye.disclosure.models import (
    DisclosureSettings,
    DisclosureStatus,
    IncomeCost,
    IncomeEvent,
    IncomeItem,
    IncomeObjection,
    IncomeReminder,
    IncomeReport,
    IncomeShare,
)
from wuye.notifications.services import Message, notify
from wuye.registry.models import Estate, Unit

from .selectors import (
    actor_kinds,
    can_create_report,
    can_take,
    common_road_parking,
    confirmer_users,
    estates_missing,
    is_company_for,
    objection_open,
    owner_units_in,
)
from .workflow import EDITABLE, MACHINE

S = DisclosureStatus
MAX_AMOUNT = Decimal("999999999999.99")
CONFLICT = "该报告刚被他人处理过，请刷新页面后再试"


# ---- helpers ---------------------------------------------------------------------------------------


def _event(report: IncomeReport, *, actor, action: str, note: str = "") -> IncomeEvent:
    """A timeline row that changes no status (creation, edits, objections); transitions write
    theirs through ``MACHINE.apply``."""
    return IncomeEvent.objects.create(report=report, actor=actor if getattr(actor, "is_authenticated", False) else None,
                                      action=action, from_status=report.status, to_status=report.status,
                                      note=note or "")


def _url(report: IncomeReport) -> str:
    return f"/disclosure/income/{report.pk}/"


def _period_label(report: IncomeReport) -> str:
    return f"{report.period_start:%Y-%m-%d}—{report.period_end:%Y-%m-%d}"


def _money(value, label: str) -> Decimal:
    """An amount typed by a person: at most two places (never rounded silently), not negative."""
    try:
        exact = Decimal(str(value)) if value not in (None, "") else None
    except Exception:
        exact = None
    if exact is None or not exact.is_finite():
        raise ServiceError(_("请正确填写%(label)s") % {"label": label})
    amount = money(exact)
    if exact != amount:
        raise ServiceError(_("%(label)s最多保留两位小数（精确到分）") % {"label": label})
    if amount < 0:
        raise ServiceError(_("%(label)s不能为负数") % {"label": label})
    if amount > MAX_AMOUNT:
        raise ServiceError(_("%(label)s过大") % {"label": label})
    return amount



def _check_editable(report: IncomeReport, actor) -> None:
    if not is_company_for(actor, report):
        raise ServiceError(_("只有编制该报告的物业服务企业可以修改"))
    if report.status not in EDITABLE:
        raise ServiceError(_("报告当前为“%(status)s”，不能修改；退回后方可修改") % {
            "status": report.get_status_display()})


def _recompute_and_bump(report: IncomeReport, *, actor, note: str, changes: dict, **fields) -> IncomeReport:
    """Recompute gross, costs and net from the lines, then a conditional UPDATE on (status, version)."""
    gross = IncomeItem.objects.filter(report=report).aggregate(s=Sum("amount"))["s"] or ZERO
    costs = IncomeCost.objects.filter(report=report).aggregate(s=Sum("amount"))["s"] or ZERO
    conditional_update(IncomeReport, report, expect={"status": report.status, "status__in": EDITABLE},
                       conflict=_("该报告刚被他人修改或已提交，请刷新页面后再试"),
                       gross=gross, costs=costs, net=gross - costs, **fields)
    _event(report, actor=actor, action="edit", note=note)
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=report, changes=changes, detail=note[:500])
    report.refresh_from_db()
    return report


# ---- drafting --------------------------------------------------------------------------------------


@transaction.atomic
def income_report_create(*, actor, estate: Estate, period_start: date, period_end: date,
                         use: str = IncomeReport.Use.MAINTENANCE_FUND, use_note: str = "") -> IncomeReport:
    """The company serving ``estate`` drafts a report for the period."""
    if not can_create_report(actor):
        raise ServiceError(_("只有物业服务企业的人员可以编制公共收益报告"))
    if estate.company_id is None or estate.company_id != actor.company_id:
        raise ServiceError(_("只能为本企业服务的小区编制公共收益报告"))
    if period_start is None or period_end is None or period_end < period_start:
        raise ServiceError(_("期间结束日期不能早于开始日期"))
    if (period_end - period_start).days > 366:
        raise ServiceError(_("一份报告的期间不能超过一年"))
    if use not in IncomeReport.Use.values:
        raise ServiceError(_("请选择收益用途"))
    if IncomeReport.objects.filter(estate=estate, period_start=period_start, period_end=period_end).exists():
        raise ServiceError(_("该小区同一期间已有公共收益报告。"))
    report = IncomeReport(estate=estate, company_id=estate.company_id, period_start=period_start,
                          period_end=period_end, use=use, use_note=(use_note or "").strip()[:500], created_by=actor)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:
        raise ServiceError(_("该小区同一期间已有公共收益报告。")) from exc
    IncomeEvent.objects.create(report=report, actor=actor, action="create", from_status="", to_status=report.status)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=report,
                 changes={"estate": estate.pk, "period": [period_start, period_end]},
                 detail=f"编制公共收益报告 {estate.name} {_period_label(report)}")
    return report


@transaction.atomic
def income_item_add(*, actor, report: IncomeReport, source: str, amount, description: str = "") -> IncomeItem:
    _check_editable(report, actor)
    if source not in IncomeItem.Source.values:
        raise ServiceError(_("请选择收入来源"))
    amount = _money(amount, _("收入金额"))
    item = IncomeItem.objects.create(report=report, source=source, amount=amount,
                                     description=(description or "").strip()[:200])
    _recompute_and_bump(report, actor=actor, changes={"item_add": [source, amount]},
                        note=_("新增收入：%(s)s %(a)s 元") % {"s": item.get_source_display(), "a": amount})
    return item


@transaction.atomic
def income_item_remove(*, actor, report: IncomeReport, item_id: int) -> None:
    _check_editable(report, actor)
    item = IncomeItem.objects.filter(report=report, pk=item_id).first()
    if item is None:
        raise ServiceError(_("该收入项目不存在或已删除"))
    item.delete()
    _recompute_and_bump(report, actor=actor, changes={"item_remove": [item.source, item.amount]},
                        note=_("删除收入：%(s)s %(a)s 元") % {"s": item.get_source_display(), "a": item.amount})


@transaction.atomic
def income_cost_add(*, actor, report: IncomeReport, description: str, amount) -> IncomeCost:
    _check_editable(report, actor)
    description = (description or "").strip()
    if not description:
        raise ServiceError(_("请填写成本项目名称"))
    amount = _money(amount, _("成本金额"))
    cost = IncomeCost.objects.create(report=report, description=description[:200], amount=amount)
    _recompute_and_bump(report, actor=actor, changes={"cost_add": [description, amount]},
                        note=_("新增成本：%(d)s %(a)s 元") % {"d": description, "a": amount})
    return cost


@transaction.atomic
def income_cost_remove(*, actor, report: IncomeReport, cost_id: int) -> None:
    _check_editable(report, actor)
    cost = IncomeCost.objects.filter(report=report, pk=cost_id).first()
    if cost is None:
        raise ServiceError(_("该成本项目不存在或已删除"))
    cost.delete()
    _recompute_and_bump(report, actor=actor, changes={"cost_remove": [cost.description, cost.amount]},
                        note=_("删除成本：%(d)s %(a)s 元") % {"d": cost.description, "a": cost.amount})


@transaction.atomic
def income_parking_fill(*, actor, report: IncomeReport) -> IncomeItem:
    """Fill (or refresh) the common-road parking line from the registry: monthly rent × months."""
    _check_editable(report, actor)
    spaces, monthly, months, amount = common_road_parking(report.estate_id, report.period_start, report.period_end)
    if not spaces:
        raise ServiceError(_("车位台账中没有已出租的全体业主共有道路车位，请先在台账中登记或手工填写"))
    IncomeItem.objects.filter(report=report, from_parking=True).delete()
    description = _("%(n)s 个共有道路车位，月租金合计 %(m)s 元 × %(k)s 个月") % {"n": spaces, "m": monthly, "k": months}
    item = IncomeItem.objects.create(report=report, source=IncomeItem.Source.COMMON_PARKING, amount=amount,
                                     description=description[:200], from_parking=True)
    _recompute_and_bump(report, actor=actor, changes={"parking_fill": [spaces, monthly, months, amount]},
                        note=_("由车位台账生成共有道路停车收入：%(d)s = %(a)s 元") % {"d": description, "a": amount})
    return item


@transaction.atomic
def income_report_set_use(*, actor, report: IncomeReport, use: str, use_note: str = "", decision_ref: str = "",
                          decision_motion=None) -> IncomeReport:
    """The use of the net: top up the maintenance fund, or as the owners decided (decision cited)."""
    _check_editable(report, actor)
    if use not in IncomeReport.Use.values:
        raise ServiceError(_("请选择收益用途"))
    decision_ref = (decision_ref or "").strip()
    if use == IncomeReport.Use.OWNERS_DECISION and not decision_ref:
        raise ServiceError(_("按业主大会决定使用的，须填写业主大会决定文号"))
    if decision_motion is not None and decision_motion.estate_id != report.estate_id:
        raise ServiceError(_("所选表决事项不属于本小区"))
    if use == IncomeReport.Use.MAINTENANCE_FUND:
        decision_motion = None
    return _recompute_and_bump(
        report, actor=actor, changes={"use": use, "decision_ref": decision_ref},
        note=_("收益用途：%(u)s") % {"u": IncomeReport.Use(use).label},
        use=use, use_note=(use_note or "").strip()[:500], decision_ref=decision_ref[:100],
        decision_motion=decision_motion)


# ---- transitions (the table is ``workflow.TRANSITIONS``) -------------------------------------------


def _apply(report: IncomeReport, action: str, *, actor, note: str = "", messages=(), **fields) -> IncomeReport:
    """One transition of the table: who may, from which state, the reason; then the conditional
    UPDATE, the timeline row, the audit row and the notifications in one transaction."""
    MACHINE.apply(report, action, actor=actor, kinds=actor_kinds(actor, report), note=note, conflict=_(CONFLICT),
                  audit_detail=f"{action}: {(note or '').strip()}", messages=messages,
                  audit_changes={k: [None, v] for k, v in fields.items()}, **fields)
    return report


def _message(report: IncomeReport, *, users, subject: str, body: str, channels=("inapp",), key: str) -> Message:
    return Message(users=users, subject=subject, body=body, url=_url(report), channels=channels, dedup_key=key,
                   category="disclosure")


@transaction.atomic
def income_report_submit(*, actor, report: IncomeReport) -> IncomeReport:
    if report.status in EDITABLE and is_company_for(actor, report):
        if not IncomeItem.objects.filter(report=report).exists():
            raise ServiceError(_("请至少填写一项收入后再提交"))
        if report.net < 0:
            raise ServiceError(_("合理成本（%(c)s 元）超过收入合计（%(g)s 元），请核对后再提交") % {
                "c": report.costs, "g": report.gross})
        if report.use == IncomeReport.Use.OWNERS_DECISION and not report.decision_ref:
            raise ServiceError(_("按业主大会决定使用的，须填写业主大会决定文号"))
    message = _message(report, users=confirmer_users(report.estate), subject=_("公共收益报告待确认"),
                       body=_("%(e)s %(p)s 的公共收益报告已提交，净收益 %(n)s 元，请核对确认。") % {
                           "e": report.estate.name, "p": _period_label(report), "n": report.net},
                       key=f"income:{report.pk}:v{report.version + 1}:submit")
    return _apply(report, "submit", actor=actor, messages=[message], submitted_at=timezone.now())


@transaction.atomic
def income_report_return(*, actor, report: IncomeReport, reason: str) -> IncomeReport:
    message = _message(report, users=list(company_users(report.company_id)), subject=_("公共收益报告被退回"),
                       body=_("%(e)s %(p)s 的公共收益报告被退回修改：%(r)s") % {
                           "e": report.estate.name, "p": _period_label(report), "r": (reason or "").strip()[:200]},
                       channels=("inapp", "sms"), key=f"income:{report.pk}:v{report.version + 1}:return")
    return _apply(report, "return", actor=actor, note=reason, messages=[message])


@transaction.atomic
def income_report_withdraw(*, actor, report: IncomeReport, reason: str) -> IncomeReport:
    return _apply(report, "withdraw", actor=actor, note=reason)


def income_shares_compute(report: IncomeReport) -> tuple[list[IncomeShare], Decimal]:
    """Every unit of the estate, its exclusive area and its share of the net (largest remainder)."""
    units = list(Unit.objects.filter(estate_id=report.estate_id).order_by("id").values_list("id", "exclusive_area"))
    if not units:
        raise ServiceError(_("该小区在房屋台账中没有房屋，无法按专有部分面积分配收益"))
    areas = [a or ZERO for _id, a in units]
    if report.net != money(report.net):
        raise ServiceError(_("净收益的小数位数超过 2 位"))
    # Areas in hundredths of m², the net in fen: the allocation's exact integer path.
    fen = split_integer(int(report.net * 100), [int(a * 100) for a in areas])
    amounts = [Decimal(f).scaleb(-2) for f in fen]
    shares = [IncomeShare(report=report, unit_id=uid, area=area, amount=amount)
              for (uid, _a), area, amount in zip(units, areas, amounts, strict=True)]
    return shares, sum(areas, ZERO)


@transaction.atomic
def income_report_confirm(*, actor, report: IncomeReport, note: str = "") -> IncomeReport:
    """Confirm = publish: every unit's share by exclusive area, and the public period (公示期) from
    today, its last day moved off rest days (``core.calendar.period_last_day``)."""
    if not can_take(actor, report, "confirm") or report.status != S.SUBMITTED:
        return _apply(report, "confirm", actor=actor, note=note)  # raises the right refusal
    shares, total_area = income_shares_compute(report)
    today = timezone.localdate()
    until = period_last_day(today, DisclosureSettings.current().income_public_days)
    body = _("%(e)s %(p)s 的公共收益报告已确认并公示至 %(u)s，净收益 %(n)s 元按专有部分面积分配到户。") % {
        "e": report.estate.name, "p": _period_label(report), "u": f"{until:%Y-%m-%d}", "n": report.net}
    message = _message(report, users=list(company_users(report.company_id)) + confirmer_users(report.estate),
                       subject=_("公共收益报告已公示"), body=body, key=f"income:{report.pk}:published")
    report = _apply(report, "confirm", actor=actor, note=note, messages=[message],
                    confirmed_by=actor if getattr(actor, "is_authenticated", False) else None,
                    confirmed_at=timezone.now(), public_from=today, public_until=until, total_area=total_area)
    IncomeShare.objects.filter(report=report).delete()
    IncomeShare.objects.bulk_create(shares, batch_size=2000)
    return report


# ---- owners' objections ----------------------------------------------------------------------------


@transaction.atomic
def income_objection_file(*, user, report: IncomeReport, text: str) -> IncomeObjection:
    """An owner of a unit in the estate objects while the report is in its public period; the
    objection is also filed as a complaint (category ``common_income``) and linked."""
    if not owner_units_in(user, report.estate_id):
        raise ServiceError(_("只有本小区的业主可以对公共收益公示提出异议"))
    if not objection_open(report):
        raise ServiceError(_("该报告不在公示期内，不能提出异议"))
    text = (text or "").strip()
    if len(text) < 5:
        raise ServiceError(_("请写明异议内容（至少 5 个字）"))
    if len(text) > 1500:
        raise ServiceError(_("异议内容不能超过 1500 字"))
    category = Category.objects.filter(code="common_income", active=True).first()
    if category is None:
        raise ServiceError(_("诉求类别“公共收益不公示”未启用，请联系市局管理员"))
    owner = user.owner
    description = _("对《%(e)s 公共收益公示（%(p)s）》的异议：%(t)s\n（公示净收益 %(n)s 元，公示期 %(a)s 至 %(b)s）") % {
        "e": report.estate.name, "p": _period_label(report), "t": text, "n": report.net,
        "a": f"{report.public_from:%Y-%m-%d}", "b": f"{report.public_until:%Y-%m-%d}"}
    complaint = complaint_file(estate=report.estate, category=category, description=description[:2000],
                               title=_("公共收益公示异议"), reporter_name=owner.name, reporter_phone=owner.phone,
                               source=CaseSource.RESIDENT, reporter_user=user, created_by=user)
    objection = IncomeObjection.objects.create(report=report, owner=owner, user=user, text=text, complaint=complaint)
    _event(report, actor=user, action="objection",
           note=_("诉求查询码 %(c)s") % {"c": complaint.tracking_code})
    audit_record(action=AuditAction.CREATE, actor=user, obj=objection,
                 changes={"report": report.pk, "complaint": complaint.pk}, detail="业主对公共收益公示提出异议")
    notify(users=list(company_users(report.company_id)) + confirmer_users(report.estate),
           subject=_("业主对公共收益公示提出异议"),
           body=_("%(e)s %(p)s 的公共收益公示收到业主异议，已转为诉求 %(c)s 办理。") % {
               "e": report.estate.name, "p": _period_label(report), "c": complaint.tracking_code},
           url=_url(report), channels=("inapp",), dedup_key=f"income:objection:{objection.pk}", category="disclosure")
    return objection


# ---- the missing-disclosure sweep -----------------------------------------------------------------


def income_deadline(year: int, month: int | None = None) -> date:
    """The last day for publishing the report of ``year - 1``: end of the setting's month of ``year``."""
    month = month or DisclosureSettings.current().income_deadline_month
    return date(year, month, calendar.monthrange(year, month)[1])


def income_overdue_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """After the deadline, every estate with a company and no published report for last year:
    notify the company's managers and record the credit event GS01, once (IncomeReminder row)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    year = today.year - 1
    deadline = income_deadline(today.year)
    result = {"year": year, "checked": 0, "reminded": 0, "events": 0}
    if today <= deadline:
        return result
    done = IncomeReminder.objects.filter(estate_id=OuterRef("pk"), year=year)
    candidates = list(estates_missing(year).filter(~Exists(done)).select_related("company").order_by("id"))
    result["checked"] = len(candidates)
    for estate in candidates:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    IncomeReminder.objects.create(estate=estate, year=year, company_id=estate.company_id, created_at=now)
            except IntegrityError:
                continue  # another worker claimed it
            result["reminded"] += 1
            description = _("%(e)s 未在 %(d)s 前公示 %(y)s 年度公共收益（%(c)s）") % {
                "e": estate.name, "d": f"{deadline:%Y-%m-%d}", "y": year, "c": estate.company.name}
            managers = list(company_managers(estate.company_id))
            notify(users=managers, subject=_("公共收益逾期未公示"),
                   body=description + _("。已记录信用信息“未按规定公示公共收益”，请尽快编制并提交业主委员会确认。"),
                   url="/disclosure/income/new/", channels=("inapp", "sms"),
                   dedup_key=f"income-missing:{estate.pk}:{year}", category="disclosure")
            audit_record(action=AuditAction.CREATE, actor=None, username="system", object_type="registry.estate",
                         object_id=estate.pk, object_repr=estate.name, changes={"year": year},
                         detail=f"公共收益逾期未公示：{estate.name} {year} 年度")
            event = credit_event_auto(company=estate.company, rule_code="GS01",
                                      source_key=f"income-missing:{estate.pk}:{year}", occurred_on=deadline + timedelta(days=1),
                                      description=description, estate=estate, source_url="/disclosure/income/overdue/")
            if event is not None:
                result["events"] += 1
    return result
