"""Who sees which notice and receipt (issue 16 items 9–10): the one place for notices' access.

- A notice is sent by an official: the city bureau, a district authority or a street office
  (``can_send``). The sender's own unit sees the notice and its receipts; the city bureau sees
  every notice.
- A recipient unit's users see the notice and their own unit's receipt only; another unit's
  receipt, or another sender's notice, is 404.
- Recipients are limited to the sender's territory: a district addresses the units of its
  district (companies serving estates there, its streets, communities and departments), a
  street its communities and the companies serving its estates; the city bureau anyone.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from wuye.accounts.models import Role
from wuye.campaign.units import units_in_territory
from wuye.cases.models import UnitKind
from wuye.cases.units import Unit, unit_key_of
from wuye.core.access import refuse
from wuye.registry.models import PropertyCompany

from .models import Notice, Receipt

R = Receipt.Status
SENDER_ROLES = (Role.CITY, Role.DISTRICT, Role.STREET)

#: What each sending level may address, by kind.
ADDRESSABLE = {
    UnitKind.DISTRICT: (UnitKind.COMPANY, UnitKind.STREET, UnitKind.COMMUNITY, UnitKind.DEPARTMENT),
    UnitKind.STREET: (UnitKind.COMPANY, UnitKind.COMMUNITY),
}


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def sender_key(user) -> tuple[str, int] | None:
    """The unit a user sends notices for, or None when the user may not send."""
    if not _active(user) or user.role not in SENDER_ROLES:
        return None
    return unit_key_of(user)


def can_send(user) -> bool:
    return sender_key(user) is not None


def is_city(user) -> bool:
    return _active(user) and user.role == Role.CITY


def notices_sent_visible_to(user) -> QuerySet[Notice]:
    """The notices whose receipts the user may follow: the city bureau all, a sender its own."""
    if is_city(user):
        return Notice.objects.all()
    key = sender_key(user)
    if key is None:
        return Notice.objects.none()
    return Notice.objects.filter(sender_kind=key[0], sender_id=key[1])


def notice_for_sender(*, user, pk) -> Notice:
    """A notice the user follows as its sender, or 404 (audited)."""
    notice = notices_sent_visible_to(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if notice is None:
        refuse(user=user, model=Notice, pk=pk, reason="超出数据权限范围或通知不存在")
    return notice


def has_inbox(user) -> bool:
    """Units receive notices; residents, committees and administrators have no inbox."""
    return _active(user) and unit_key_of(user) is not None


def inbox_of(user) -> QuerySet[Receipt]:
    """The receipts of the user's unit (its inbox), newest notice first."""
    key = unit_key_of(user) if _active(user) else None
    if key is None:
        return Receipt.objects.none()
    return (Receipt.objects.filter(unit_kind=key[0], unit_id=key[1]).select_related("notice")
            .order_by("-notice__created_at", "-notice_id"))


def receipt_for_recipient(*, user, notice_pk) -> Receipt:
    """The user's own unit's receipt of a notice, or 404 (audited) for anyone else."""
    receipt = inbox_of(user).filter(notice_id=notice_pk).first() if str(notice_pk).isdigit() else None
    if receipt is None:
        refuse(user=user, model=Notice, pk=notice_pk, reason="不是该通知的接收单位")
    return receipt


def receipt_actor_kinds(user, receipt: Receipt) -> set[str]:
    kinds: set[str] = set()
    if not _active(user):
        return kinds
    if unit_key_of(user) == (receipt.unit_kind, receipt.unit_id):
        kinds.add("recipient")
    notice = receipt.notice
    if is_city(user) or sender_key(user) == (notice.sender_kind, notice.sender_id):
        kinds.add("sender")
    return kinds


def addressable_keys(user, kind: str) -> set[tuple[str, int]] | None:
    """The units of ``kind`` the user may address (None: any unit, the city bureau)."""
    key = sender_key(user)
    if key is None:
        return set()
    if key[0] == UnitKind.CITY:
        return None
    if kind not in ADDRESSABLE.get(key[0], ()):
        return set()
    if key[0] == UnitKind.DISTRICT:
        return {u.key for u in units_in_territory(kind, district_id=key[1])}
    return {u.key for u in units_in_territory(kind, street_id=key[1])}


def out_of_reach(user, units: list[Unit]) -> list[Unit]:
    """The recipients the user may not address (empty when all are within reach)."""
    out: list[Unit] = []
    cache: dict[str, set | None] = {}
    for u in units:
        if u.kind not in cache:
            cache[u.kind] = addressable_keys(user, u.kind)
        allowed = cache[u.kind]
        if allowed is not None and u.key not in allowed:
            out.append(u)
    return out


def picker_units(user, kind: str, *, district_id: int | None = None, street_id: int | None = None) -> list[Unit]:
    """Units of a kind in a territory ("all companies serving estates in 东城区"), limited to what
    the user may address."""
    key = sender_key(user)
    if key is None:
        return []
    if key[0] == UnitKind.DISTRICT:
        district_id = key[1]
    elif key[0] == UnitKind.STREET:
        street_id = key[1]
        district_id = None
    if key[0] == UnitKind.CITY and kind == UnitKind.COMPANY and not (district_id or street_id):
        # the city bureau addresses every registered company, serving an estate yet or not
        return [Unit(kind, pk, name) for pk, name in PropertyCompany.objects.order_by("id").values_list("pk", "name")]
    units = units_in_territory(kind, district_id=district_id, street_id=street_id)
    allowed = addressable_keys(user, kind)
    return units if allowed is None else [u for u in units if u.key in allowed]


# ---- receipts -----------------------------------------------------------------------------------


def receipt_status(receipt: Receipt, now: datetime | None = None) -> str:
    """``pending`` | ``read`` | ``acknowledged`` | ``overdue`` (not acknowledged after the deadline)."""
    now = now or timezone.now()
    if receipt.status != R.ACKNOWLEDGED and receipt.notice.ack_due < now:
        return "overdue"
    return receipt.status


def receipt_counts(notice: Notice, now: datetime | None = None) -> dict:
    """One aggregate over the notice's receipts: ``total = acknowledged + pending + overdue``
    (``pending`` counts the units that have not acknowledged before the deadline, read or not;
    ``read`` and ``fed_back`` are given beside)."""
    now = now or timezone.now()
    late = notice.ack_due < now
    row = Receipt.objects.filter(notice=notice).aggregate(
        total=Count("id"),
        acknowledged=Count("id", filter=Q(status=R.ACKNOWLEDGED)),
        read=Count("id", filter=Q(status=R.READ)),
        fed_back=Count("id", filter=Q(fed_back_at__isnull=False)),
    )
    waiting = row["total"] - row["acknowledged"]
    return {"total": row["total"], "acknowledged": row["acknowledged"], "pending": 0 if late else waiting,
            "overdue": waiting if late else 0, "read": row["read"], "fed_back": row["fed_back"]}


def receipts_of(notice: Notice, *, status: str = "", q: str = "") -> QuerySet[Receipt]:
    """The notice's receipts for the sender's table, filtered by a status of ``receipt_status``."""
    qs = Receipt.objects.filter(notice=notice).order_by("unit_kind", "unit_name", "id")
    late = notice.ack_due < timezone.now()
    if status == "acknowledged":
        qs = qs.filter(status=R.ACKNOWLEDGED)
    elif status == "overdue":
        qs = qs.exclude(status=R.ACKNOWLEDGED) if late else qs.none()
    elif status in (R.PENDING, R.READ):
        qs = qs.none() if late else qs.filter(status=status)
    elif status == "fed_back":
        qs = qs.filter(fed_back_at__isnull=False)
    elif status == "no_feedback":
        qs = qs.filter(fed_back_at__isnull=True)
    if q:
        qs = qs.filter(unit_name__icontains=q)
    return qs


def waiting_receipts(notice: Notice) -> QuerySet[Receipt]:
    """The receipts a reminder goes to: not acknowledged, or (where feedback is required) not fed back."""
    qs = Receipt.objects.filter(notice=notice)
    if notice.feedback_kind:
        return qs.filter(~Q(status=R.ACKNOWLEDGED) | Q(fed_back_at__isnull=True))
    return qs.exclude(status=R.ACKNOWLEDGED)


def overdue_company_receipts(now: datetime) -> QuerySet[Receipt]:
    """Companies that let a supervision notice's ack deadline pass and are not yet on record."""
    return (Receipt.objects.filter(notice__supervision=True, notice__ack_due__lt=now, unit_kind=UnitKind.COMPANY,
                                   overdue_flagged_at__isnull=True)
            .exclude(status=R.ACKNOWLEDGED).select_related("notice").order_by("id"))
