"""Every write of directive notices (issue 16 items 9–10).

- ``create_notice``: the notice, one receipt per recipient unit, the audit row and the inbox + SMS
  messages to the units' users (outbox, same transaction).
- ``notice_read`` / ``notice_acknowledge`` / ``notice_feedback``: a recipient's steps, each a
  transition of ``workflow.RECEIPT`` (conditional UPDATE, event row, audit row). Acknowledging
  twice changes nothing.
- ``notice_remind``: the sender reminds (催办) every unit still waiting, in bulk.
- ``notice_overdue_check``: the periodic check. A company that has not acknowledged a supervision
  notice by its deadline gets the catalogue's credit item for ignoring supervision — ``WG02``
  拒不配合主管部门监督检查 (rules.md §9, bad-conduct deductions; 物业服务监督检查办法) — once:
  the receipt is claimed by a conditional UPDATE of ``overdue_flagged_at`` and the event is keyed
  by ``notice:<id>:company:<id>``, so the job may run twice or on two workers.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.selectors import city_officials, unit_users_of_many
from wuye.cases.models import UnitKind
from wuye.cases.photos import check_photos
from wuye.cases.units import Unit, unit_name
from wuye.core.audit import audit_record
from wuye.core.calendar import local_text
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction
from wuye.credit.auto import credit_event_auto
from wuye.notifications.services import Message, notify_many
from wuye.registry.models import PropertyCompany
from wuye.territory.models import Community, Department, Street

from . import selectors as sel
from .models import Notice, Receipt, ReceiptEvent, ReceiptPhoto
from .workflow import RECEIPT

R = Receipt.Status
#: The catalogue item for a company that ignores supervision (wuye/credit/catalogue.py).
IGNORED_SUPERVISION_RULE = "WG02"


def inbox_url(notice_id: int) -> str:
    return reverse("notices:inbox_detail", args=[notice_id])


def _district_of(units: list[Unit]) -> dict[tuple[str, int], int | None]:
    """The district of each unit (None for companies and city-level units), one query a kind."""
    ids: dict[str, list[int]] = {}
    for u in units:
        ids.setdefault(u.kind, []).append(u.id)
    out: dict[tuple[str, int], int | None] = {}
    lookups = {
        UnitKind.STREET: lambda pks: Street.objects.filter(pk__in=pks).values_list("pk", "district_id"),
        UnitKind.COMMUNITY: lambda pks: Community.objects.filter(pk__in=pks).values_list("pk", "street__district_id"),
        UnitKind.DEPARTMENT: lambda pks: Department.objects.filter(pk__in=pks).values_list("pk", "district_id"),
    }
    for kind, pks in ids.items():
        if kind == UnitKind.DISTRICT:
            out.update({(kind, pk): pk for pk in pks})
        elif kind in lookups:
            out.update({(kind, pk): d for pk, d in lookups[kind](pks)})
    return out


def _messages_to(receipts: list[Receipt], *, subject: str, body_of, dedup_of, channels=("inapp", "sms")) -> list[Message]:
    """One message per receipt, to the active users of its unit (one query a kind of unit)."""
    by_kind: dict[str, list[int]] = {}
    for r in receipts:
        by_kind.setdefault(r.unit_kind, []).append(r.unit_id)
    users: dict[tuple[str, int], list] = {}
    for kind, pks in by_kind.items():
        if kind == UnitKind.CITY:
            users.update({(kind, pk): list(city_officials()) for pk in pks})
            continue
        field = "company_id" if kind == UnitKind.COMPANY else f"{kind}_id"
        for u in unit_users_of_many(kind, pks).only("id", "phone", "email", "role", field):
            users.setdefault((kind, getattr(u, field)), []).append(u)
    return [Message(subject=subject, body=body_of(r), users=users.get((r.unit_kind, r.unit_id), []),
                    url=inbox_url(r.notice_id), channels=channels, dedup_key=dedup_of(r), category="notice")
            for r in receipts]


@transaction.atomic
def create_notice(*, by, title: str, body: str, recipients: list[Unit], ack_due: datetime,
                  feedback_due: datetime | None = None, feedback_kind: str = "",
                  source: tuple[str, int] | None = None, supervision: bool = True,
                  feedback_label: str = "") -> Notice:
    """Send a notice to ``recipients`` (units); each gets a receipt, and its users an inbox
    message and an SMS. Bad input is a Chinese ``ServiceError`` and nothing is written."""
    now = timezone.now()
    key = sel.sender_key(by)
    if key is None:
        raise ServiceError(_("只有市住房保障房产局、区县主管部门和街道办事处可以发送通知"))
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise ServiceError(_("请填写通知标题"))
    if not body:
        raise ServiceError(_("请填写通知正文"))
    units = list({u.key: u for u in (recipients or []) if u is not None}.values())
    if not units:
        raise ServiceError(_("请至少选择一个接收单位"))
    if ack_due is None or ack_due <= now:
        raise ServiceError(_("签收期限应晚于当前时间"))
    feedback_kind = feedback_kind or ""
    if feedback_kind not in Notice.FeedbackKind.values:
        raise ServiceError(_("反馈内容应为文字、照片或数字"))
    if feedback_kind and feedback_due is None:
        raise ServiceError(_("要求反馈时请填写反馈期限"))
    if feedback_due is not None and not feedback_kind:
        raise ServiceError(_("填写了反馈期限，请选择须反馈的内容"))
    if feedback_due is not None and feedback_due < ack_due:
        raise ServiceError(_("反馈期限不能早于签收期限"))
    far = sel.out_of_reach(by, units)
    if far:
        raise ServiceError(_("以下单位不在您的管辖范围内，不能向其发送通知：%(names)s") % {
            "names": "、".join(u.name for u in far[:5]) + ("等" if len(far) > 5 else "")})
    sender = Unit(key[0], key[1], "")
    notice = Notice.objects.create(
        title=title[:200], body=body, sender_kind=sender.kind, sender_id=sender.id,
        sender_name=unit_name(sender.kind, sender.id)[:200], created_by=by, ack_due=ack_due,
        feedback_kind=feedback_kind, feedback_due=feedback_due, feedback_label=(feedback_label or "").strip()[:60],
        supervision=bool(supervision), source_kind=(source[0] if source else "")[:20],
        source_id=source[1] if source else None, recipient_count=len(units),
    )
    districts = _district_of(units)
    receipts = Receipt.objects.bulk_create([
        Receipt(notice=notice, unit_kind=u.kind, unit_id=u.id, unit_name=u.name[:200], district_id=districts.get(u.key),
                created_at=now, updated_at=now)
        for u in units
    ], batch_size=1000)
    audit_record(action=AuditAction.CREATE, actor=by, obj=notice,
                 changes={"recipients": len(units), "ack_due": local_text(ack_due), "source": list(source or [])},
                 detail=_("发送通知，%(n)d 个接收单位") % {"n": len(units)})
    due = local_text(ack_due)
    notify_many(_messages_to(
        receipts, subject=_("新通知：%(t)s") % {"t": title[:60]},
        body_of=lambda r: _("%(sender)s发来通知《%(t)s》，请于 %(due)s 前登录平台签收。") % {
            "sender": notice.sender_name, "t": title[:60], "due": due},
        dedup_of=lambda r: f"notice:{notice.pk}:sent:{r.unit_kind}:{r.unit_id}"))
    return notice


def _apply(receipt: Receipt, action: str, *, user, note: str = "", **fields) -> None:
    RECEIPT.apply(receipt, action, actor=user, kinds=sel.receipt_actor_kinds(user, receipt), note=note, **fields)


@transaction.atomic
def notice_read(*, user, receipt: Receipt) -> Receipt:
    """The recipient opened the notice: recorded once (a POST from the page, never the GET)."""
    if receipt.status == R.PENDING:
        _apply(receipt, "read", user=user, read_at=timezone.now(), read_by=user)
    return receipt


@transaction.atomic
def notice_acknowledge(*, user, receipt: Receipt, feedback: str = "") -> Receipt:
    """签收. Acknowledging an acknowledged receipt changes nothing (the first signature stands)."""
    if receipt.status == R.ACKNOWLEDGED:
        return receipt
    now = timezone.now()
    fields = {"acknowledged_at": now, "acknowledged_by": user}
    if receipt.read_at is None:
        fields.update(read_at=now, read_by=user)
    feedback = (feedback or "").strip()
    if feedback:
        fields.update(feedback_text=feedback[:5000], fed_back_at=now)
    _apply(receipt, "acknowledge", user=user, note=feedback[:500], **fields)
    return receipt


@transaction.atomic
def notice_feedback(*, user, receipt: Receipt, text: str = "", figure: Decimal | None = None, photos=()) -> Receipt:
    """The recipient's feedback (text, photos, a figure), after acknowledging; it may be corrected."""
    notice = receipt.notice
    text = (text or "").strip()
    checked = check_photos(photos)
    if receipt.status != R.ACKNOWLEDGED:
        raise ServiceError(_("请先签收通知，再反馈落实情况"))
    if notice.feedback_kind == Notice.FeedbackKind.TEXT and not text:
        raise ServiceError(_("请填写落实情况"))
    if notice.feedback_kind == Notice.FeedbackKind.PHOTOS and not checked and not receipt.photos.exists():
        raise ServiceError(_("请上传至少一张照片"))
    if notice.feedback_kind == Notice.FeedbackKind.FIGURE and figure is None:
        raise ServiceError(_("请填写%(label)s") % {"label": notice.feedback_label or _("反馈数字")})
    if not (text or checked or figure is not None):
        raise ServiceError(_("请填写反馈内容"))
    fields = {"fed_back_at": timezone.now()}
    if text:
        fields["feedback_text"] = text[:5000]
    if figure is not None:
        fields["feedback_figure"] = figure
    _apply(receipt, "feedback", user=user, note=text[:500], **fields)
    for p in checked:
        photo = ReceiptPhoto(receipt=receipt, content_type=p.content_type, uploaded_by=user)
        photo.file.save(getattr(p.file, "name", "photo"), p.file, save=False)
        photo.save()
    return receipt


@transaction.atomic
def notice_remind(*, by, notice: Notice) -> int:
    """催办: every unit that has not acknowledged (or not fed back, where required) is reminded by
    inbox and SMS, in one pass. Returns how many units were reminded."""
    if "sender" not in sel.receipt_actor_kinds(by, Receipt(notice=notice)):
        raise ServiceError(_("只有发文单位可以催办"))
    now = timezone.now()
    waiting = list(sel.waiting_receipts(notice).only("id", "notice_id", "unit_kind", "unit_id", "status",
                                                     "remind_count"))
    if not waiting:
        raise ServiceError(_("所有接收单位均已签收，无需催办"))
    ids = [r.pk for r in waiting]
    Receipt.objects.filter(pk__in=ids).update(reminded_at=now, remind_count=F("remind_count") + 1, updated_at=now)
    ReceiptEvent.objects.bulk_create([
        ReceiptEvent(receipt_id=r.pk, action="remind", from_status=r.status, to_status=r.status, actor=by,
                     created_at=now) for r in waiting], batch_size=1000)
    audit_record(action=AuditAction.UPDATE, actor=by, obj=notice, changes={"reminded": len(ids)},
                 detail=_("催办通知，%(n)d 个单位") % {"n": len(ids)})
    stamp = int(now.timestamp())
    notify_many(_messages_to(
        waiting, subject=_("催办：%(t)s") % {"t": notice.title[:60]},
        body_of=lambda r: (_("通知《%(t)s》尚未签收，请于 %(due)s 前登录平台签收。") if r.status != R.ACKNOWLEDGED
                           else _("通知《%(t)s》要求反馈落实情况，请于 %(due)s 前登录平台反馈。")) % {
            "t": notice.title[:60], "due": local_text(notice.ack_due if r.status != R.ACKNOWLEDGED else notice.feedback_due)},
        dedup_of=lambda r: f"notice:{notice.pk}:remind:{r.unit_kind}:{r.unit_id}:{stamp}"))
    return len(ids)


def notice_overdue_check(*, now: datetime | None = None) -> int:
    """Record WG02 for every company that let a supervision notice's ack deadline pass
    (idempotent; each receipt claimed by a conditional UPDATE). Returns how many were recorded."""
    now = now or timezone.now()
    n = 0
    for receipt in sel.overdue_company_receipts(now).iterator(chunk_size=500):
        with transaction.atomic():
            claimed = Receipt.objects.filter(pk=receipt.pk, overdue_flagged_at__isnull=True).exclude(
                status=R.ACKNOWLEDGED).update(overdue_flagged_at=now)
            if claimed != 1:
                continue
            company = PropertyCompany.objects.filter(pk=receipt.unit_id).first()
            if company is None:
                continue
            notice = receipt.notice
            event = credit_event_auto(
                company=company, rule_code=IGNORED_SUPERVISION_RULE,
                source_key=f"notice:{notice.pk}:company:{company.pk}", occurred_on=timezone.localdate(notice.ack_due),
                description=_("逾期未签收%(sender)s督办通知《%(t)s》（签收期限 %(due)s）") % {
                    "sender": notice.sender_name, "t": notice.title[:80], "due": local_text(notice.ack_due)},
                evidence=_("平台通知签收记录"), source_url=reverse("notices:detail", args=[notice.pk]),
            )
            n += event is not None
    return n
