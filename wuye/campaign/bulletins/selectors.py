"""Who sees which bulletin (issue 16 items 6–8).

The campaign office (the city bureau) drafts, edits, issues and withdraws bulletins and sees them
all. A recipient unit's users (主送 or 抄送) see the bulletins issued to their unit (issued or later
withdrawn, never a draft). The public portal shows the issued bulletins marked public. Everybody
else sees nothing: out of scope is 404.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from wuye.accounts.models import Role
from wuye.cases.units import unit_key_of
from wuye.core.access import get_visible_or_404
from wuye.territory.models import City

from .models import Bulletin, BulletinEvent, Recipient, Section

B = Bulletin.Status
PUBLISHED = (B.ISSUED,)
SENT = (B.ISSUED, B.WITHDRAWN)


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_office(user) -> bool:
    """The campaign office: a user of the city bureau."""
    return _active(user) and user.role == Role.CITY


def can_draft(user) -> bool:
    return is_office(user)


def bulletin_actor_kinds(user, bulletin: Bulletin) -> set[str]:
    """The actor kinds of ``user`` for the bulletin workflow (``workflow.BULLETIN``)."""
    return {"office"} if is_office(user) else set()


def can_edit(user, bulletin: Bulletin) -> bool:
    return is_office(user) and bulletin.status == B.DRAFT


def bulletins_visible_to(user) -> QuerySet[Bulletin]:
    if is_office(user):
        return Bulletin.objects.all()
    key = unit_key_of(user) if _active(user) else None
    if key is None:
        return Bulletin.objects.none()
    return Bulletin.objects.filter(status__in=SENT, pk__in=Recipient.objects.filter(
        kind=key[0], unit_id=key[1]).values("bulletin_id"))


def can_use_bulletins(user) -> bool:
    """The list page: the office, and any unit's user (who sees what was sent to the unit)."""
    return is_office(user) or (_active(user) and unit_key_of(user) is not None)


def bulletin_get_for_user(*, user, pk) -> Bulletin:
    return get_visible_or_404(bulletins_visible_to(user), user=user, pk=pk)


def public_bulletins() -> QuerySet[Bulletin]:
    return Bulletin.objects.filter(status__in=PUBLISHED, public=True).order_by("-issue_date", "-seq", "-id")


def public_bulletin(pk) -> Bulletin | None:
    try:
        return public_bulletins().filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def sections_of(bulletin: Bulletin) -> list[Section]:
    return list(bulletin.sections.order_by("position", "id"))


def recipients_of(bulletin: Bulletin) -> dict[str, list[Recipient]]:
    out: dict[str, list[Recipient]] = {Recipient.Role.MAIN: [], Recipient.Role.COPY: []}
    for r in bulletin.recipients.order_by("role", "position", "id"):
        out[r.role].append(r)
    return out


def events_of(bulletin: Bulletin) -> list[BulletinEvent]:
    return list(bulletin.events.select_related("actor"))


def years_with_bulletins() -> list[int]:
    return sorted({d.year for d in Bulletin.objects.dates("period_end", "year")}, reverse=True)


def agency_name() -> str:
    """The issuing authority (发文机关): ``WUYE_AGENCY_NAME``, else the city's name + 住房保障房产局."""
    if settings.WUYE_AGENCY_NAME:
        return settings.WUYE_AGENCY_NAME
    city = City.objects.order_by("id").values_list("name", flat=True).first()
    return f"{city}住房保障房产局" if city else "市住房保障房产局"


def notice_receipts_url(bulletin: Bulletin) -> str:
    """The receipts page of the notice sent on issue (the notices' own page), when it exists."""
    if not bulletin.notice_id:
        return ""
    from django.urls import NoReverseMatch, reverse

    for name in ("notices:detail", "notices:notice_detail", "campaign:notice_detail"):
        try:
            return reverse(name, args=[bulletin.notice_id])
        except NoReverseMatch:
            continue
    return ""


def section_get(bulletin: Bulletin, pk) -> Section:
    return get_visible_or_404(bulletin.sections.all(), user=None, pk=pk)


def filtered(qs: QuerySet[Bulletin], *, kind: str = "", status: str = "", year: str = "", q: str = "") -> QuerySet[Bulletin]:
    if kind in Bulletin.Kind.values:
        qs = qs.filter(kind=kind)
    if status in Bulletin.Status.values:
        qs = qs.filter(status=status)
    if year.isdigit():
        qs = qs.filter(period_end__year=int(year))
    if q:
        from django.db.models import Q

        qs = qs.filter(Q(title__icontains=q) | Q(number__icontains=q))
    return qs.order_by("-created_at", "-id")


def recipient_choices() -> list[tuple[str, str]]:
    """The unit picker of the recipients: every district, department, street and community
    (``campaign.selectors.picker_units``), then the city bureau itself is never a recipient."""
    from wuye.campaign.selectors import picker_units

    out = []
    for u in picker_units():
        label = f"{u['name']}（{u['group']}）" if u.get("group") else u["name"]
        out.append((f"{u['kind']}:{u['id']}", label))
    return out
