"""Writes for bulletins (issue 16 items 6–8; rules.md §12).

- ``bulletin_draft``: a draft for a kind and a period, its sections read from the data (``data.py``);
- ``bulletin_edit`` / ``section_edit`` / ``recipients_set``: the office edits the draft;
- ``bulletin_issue``: the document number 机关代字〔年份〕序号号 is taken from the counter row of the
  agency code and the issue year, locked with ``select_for_update`` in the issue's own transaction:
  numbers are consecutive (a refused or failed issue gives its number back with the rollback) and
  unique (also a database constraint). The status moves on the core machine (``BULLETIN``), whose
  conditional UPDATE refuses a second issue ("当前为“已印发”，不能执行“印发”"). The recipients then get
  a notice with receipts (``campaign.notices``), each unit signing for the bulletin;
- ``bulletin_withdraw``: with a reason.
Every write leaves an audit row; every transition an event row.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.cases.units import Unit, parse_unit
from wuye.core.audit import audit_record
from wuye.core.calendar import PeriodUnit, add_period
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction
from wuye.core.workflow import conditional_update

from . import data
from .models import Bulletin, BulletinEvent, NumberCounter, Recipient, Section
from .selectors import agency_name, bulletin_actor_kinds, can_draft, can_edit
from .workflow import BULLETIN

B = Bulletin.Status
ACK_WORKDAYS = 3  # the recipients sign for an issued bulletin within three working days


def format_number(code: str, year: int, seq: int) -> str:
    """发文字号 (rules.md §12): 机关代字〔年份〕序号号 — the year in full in 六角括号, no leading zeros."""
    return f"{code}〔{year}〕{seq}号"


def _check_period(kind: str, start, end) -> None:
    if kind not in Bulletin.Kind.values:
        raise ServiceError(_("请选择通报类别：月度、季度、年度或专项"))
    if not isinstance(start, date) or not isinstance(end, date):
        raise ServiceError(_("请填写通报的起止日期"))
    if end < start:
        raise ServiceError(_("截止日期不能早于起始日期"))
    if end > timezone.localdate():
        raise ServiceError(_("截止日期不能晚于今天：通报只能依据已有数据起草"))


def default_title(kind: str, start: date, end: date) -> str:
    if kind == Bulletin.Kind.MONTHLY:
        when = f"{end.year}年{end.month}月"
    elif kind == Bulletin.Kind.QUARTERLY:
        when = _("%(y)d年第%(q)d季度") % {"y": end.year, "q": (end.month - 1) // 3 + 1}
    elif kind == Bulletin.Kind.ANNUAL:
        when = f"{end.year}年度"
    else:
        when = f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"
    return _("关于%(when)s物业服务质量提升行动工作情况的通报") % {"when": when}


@transaction.atomic
def bulletin_draft(*, actor, kind: str, period_start: date, period_end: date, title: str = "") -> Bulletin:
    """A draft read from the data of the period; its sections' text can then be edited."""
    if not can_draft(actor):
        raise ServiceError(_("只有市住房保障房产局（行动办公室）可以起草通报"))
    _check_period(kind, period_start, period_end)
    title = (title or "").strip() or default_title(kind, period_start, period_end)
    if len(title) > 200:
        raise ServiceError(_("标题不能超过200个字"))
    bulletin = Bulletin.objects.create(kind=kind, title=title, period_start=period_start, period_end=period_end,
                                       authority=agency_name(), created_by=actor)
    Section.objects.bulk_create([
        Section(bulletin=bulletin, key=d.key, position=i, heading=d.heading, text=d.text, figures=d.figures,
                source_url=d.source_url)
        for i, d in enumerate(data.draft_sections(period_start, period_end), start=1)])
    BulletinEvent.objects.create(bulletin=bulletin, action="draft", from_status="", to_status=B.DRAFT, actor=actor,
                                 note=title)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=bulletin,
                 detail=_("起草通报：%(t)s（%(s)s至%(e)s）") % {"t": title, "s": period_start, "e": period_end})
    return bulletin


def _editable(actor, bulletin: Bulletin) -> None:
    if not can_edit(actor, bulletin):
        if bulletin.status != B.DRAFT:
            raise ServiceError(_("通报已印发，不能再修改"))
        raise ServiceError(_("只有市住房保障房产局（行动办公室）可以修改通报"))


@transaction.atomic
def bulletin_edit(*, actor, bulletin: Bulletin, title: str, public: bool) -> Bulletin:
    _editable(actor, bulletin)
    title = (title or "").strip()
    if not title:
        raise ServiceError(_("请填写通报标题"))
    if len(title) > 200:
        raise ServiceError(_("标题不能超过200个字"))
    before = {"title": bulletin.title, "public": bulletin.public}
    conditional_update(Bulletin, bulletin, expect={"status": B.DRAFT}, title=title, public=bool(public),
                       conflict=_("该通报已被他人修改或印发，请刷新页面后重试"))
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=bulletin,
                 changes={k: [v, getattr(bulletin, k)] for k, v in before.items() if v != getattr(bulletin, k)} or None,
                 detail=_("修改通报"))
    return bulletin


@transaction.atomic
def section_edit(*, actor, bulletin: Bulletin, section: Section, text: str, heading: str | None = None) -> Section:
    """The official's text of one section (the figures stay as read from the data)."""
    _editable(actor, bulletin)
    if section.bulletin_id != bulletin.pk:
        raise ServiceError(_("该段落不属于此通报"))
    text = (text or "").strip()
    heading = (heading if heading is not None else section.heading).strip()
    if not heading:
        raise ServiceError(_("请填写小标题"))
    if len(heading) > 100:
        raise ServiceError(_("小标题不能超过100个字"))
    if len(text) > 20000:
        raise ServiceError(_("段落正文不能超过20000个字"))
    # The bulletin's version moves with every edit: an issue that raced with it is refused.
    conditional_update(Bulletin, bulletin, expect={"status": B.DRAFT},
                       conflict=_("该通报已被他人修改或印发，请刷新页面后重试"))
    before = {"heading": section.heading, "text": section.text}
    Section.objects.filter(pk=section.pk).update(text=text, heading=heading)
    section.text, section.heading = text, heading
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=section,
                 changes={k: [v, getattr(section, k)] for k, v in before.items() if v != getattr(section, k)} or None,
                 detail=_("修改通报段落：%(h)s") % {"h": heading})
    return section


def _units(values, label: str) -> list[Unit]:
    out: list[Unit] = []
    for v in values or []:
        unit = parse_unit(v)
        if unit is None:
            raise ServiceError(_("%(label)s中有无效的单位") % {"label": label})
        if unit.key not in {u.key for u in out}:
            out.append(unit)
    return out


@transaction.atomic
def recipients_set(*, actor, bulletin: Bulletin, main: list, copy: list) -> list[Recipient]:
    """主送 and 抄送 units (each ``{"kind", "id"}``, ``"kind:id"`` or a ``Unit``); a unit named in
    both is kept as a main recipient."""
    _editable(actor, bulletin)
    mains = _units(main, _("主送机关"))
    copies = [u for u in _units(copy, _("抄送机关")) if u.key not in {m.key for m in mains}]
    conditional_update(Bulletin, bulletin, expect={"status": B.DRAFT},
                       conflict=_("该通报已被他人修改或印发，请刷新页面后重试"))
    bulletin.recipients.all().delete()
    rows = [Recipient(bulletin=bulletin, role=role, kind=u.kind, unit_id=u.id, name=u.name[:100], position=i)
            for role, units in ((Recipient.Role.MAIN, mains), (Recipient.Role.COPY, copies))
            for i, u in enumerate(units)]
    Recipient.objects.bulk_create(rows)
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=bulletin, detail=_("设置收文单位：主送%(m)d个，抄送%(c)d个") % {
        "m": len(mains), "c": len(copies)})
    return rows


def _counter_locked(code: str, year: int) -> NumberCounter:
    """The counter row of ``code`` and ``year``, locked until the caller's transaction ends; made
    on first use (two first issues of a year at once: the loser of the insert reads the row)."""
    try:
        with transaction.atomic():
            NumberCounter.objects.get_or_create(agency_code=code, year=year)
    except IntegrityError:  # created meanwhile by the other issue
        pass
    return NumberCounter.objects.select_for_update().get(agency_code=code, year=year)


@transaction.atomic
def bulletin_issue(*, actor, bulletin: Bulletin, issue_date: date | None = None, now: datetime | None = None) -> Bulletin:
    """Issue the draft: its number, date and authority; then the recipients' notice with receipts."""
    now = now or timezone.now()
    kinds = bulletin_actor_kinds(actor, bulletin)
    BULLETIN.check("issue", bulletin, kinds)
    if not bulletin.recipients.filter(role=Recipient.Role.MAIN).exists():
        raise ServiceError(_("请先选择主送机关再印发"))
    issue_date = issue_date or timezone.localdate(now)
    code = settings.WUYE_AGENCY_CODE
    counter = _counter_locked(code, issue_date.year)
    seq = counter.last + 1
    number = format_number(code, issue_date.year, seq)
    BULLETIN.apply(bulletin, "issue", actor=actor, kinds=kinds, agency_code=code, year=issue_date.year, seq=seq,
                   number=number, issue_date=issue_date, issued_by=actor, issued_at=now,
                   authority=bulletin.authority or agency_name(), audit_detail=_("印发通报 %(n)s") % {"n": number},
                   event={"note": number})
    NumberCounter.objects.filter(pk=counter.pk).update(last=seq)
    notice_id = _send_receipts(actor=actor, bulletin=bulletin, now=now)
    if notice_id:
        Bulletin.objects.filter(pk=bulletin.pk).update(notice_id=notice_id)
        bulletin.notice_id = notice_id
    return bulletin


@transaction.atomic
def bulletin_issue_with(*, actor, bulletin: Bulletin, main: list | None = None, copy: list | None = None,
                        public: bool | None = None, issue_date: date | None = None) -> Bulletin:
    """The API's issue: optionally the recipients and the public flag first, then the issue — one
    transaction, so a refused issue leaves the draft as it was."""
    kinds = bulletin_actor_kinds(actor, bulletin)
    BULLETIN.check("issue", bulletin, kinds)
    if main is not None or copy is not None:
        current: dict[str, list[str]] = {Recipient.Role.MAIN: [], Recipient.Role.COPY: []}
        for r in bulletin.recipients.order_by("position", "id"):
            current[r.role].append(f"{r.kind}:{r.unit_id}")
        recipients_set(actor=actor, bulletin=bulletin, main=current[Recipient.Role.MAIN] if main is None else main,
                       copy=current[Recipient.Role.COPY] if copy is None else copy)
    if public is not None and bool(public) != bulletin.public:
        bulletin_edit(actor=actor, bulletin=bulletin, title=bulletin.title, public=public)
    return bulletin_issue(actor=actor, bulletin=bulletin, issue_date=issue_date)


def _send_receipts(*, actor, bulletin: Bulletin, now: datetime) -> int | None:
    """The recipients sign for the bulletin: one notice (issue 16 item 10) to every main and copy
    unit, its source the bulletin. None when the notices app is not installed."""
    try:  # another team's app: read lazily, and the bulletin is issued even without it
        from wuye.campaign.notices.services import create_notice
    except ImportError:  # pragma: no cover - the notices app is part of the platform
        return None
    units = [Unit(r.kind, r.unit_id, r.name) for r in bulletin.recipients.order_by("role", "position", "id")]
    body = _("现将%(n)s《%(t)s》印发给你们，请及时签收并认真贯彻落实。") % {"n": bulletin.number, "t": bulletin.title}
    notice = create_notice(by=actor, title=_("请签收通报 %(n)s") % {"n": bulletin.number}, body=body, recipients=units,
                           ack_due=add_period(max(now, timezone.now()), ACK_WORKDAYS, PeriodUnit.WORKING_DAYS),
                           source=("bulletin", bulletin.pk))
    return notice.pk


@transaction.atomic
def bulletin_withdraw(*, actor, bulletin: Bulletin, note: str) -> Bulletin:
    BULLETIN.apply(bulletin, "withdraw", actor=actor, kinds=bulletin_actor_kinds(actor, bulletin), note=note)
    return bulletin
