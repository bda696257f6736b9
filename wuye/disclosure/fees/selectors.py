"""Reads of fee notices (明码标价, rules.md §4): who may see which notice, decided here.

- officials (city, district, street, community, department) and the estate's company see the
  estates in their scope and whether each has a current notice ("未公示收费标准" flagged);
- a notice itself is visible to whoever may see its estate (committee and resident included);
- the current notice of an estate is public (it hangs on the wall of the estate office).
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from wuye.accounts.models import COMPANY_ROLES, Role
from wuye.core.access import get_visible_or_404, refuse
from wuye.disclosure.models import FeeNotice
from wuye.registry.models import Estate, ServiceContract
from wuye.registry.selectors import estate_q, estates_visible_to
from wuye.supervision.models import StarRating

FEE_OFFICIALS = {Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY, Role.DEPARTMENT}
FEE_LIST_ROLES = FEE_OFFICIALS | COMPANY_ROLES
FEE_PUBLISHERS = {Role.COMPANY_MANAGER}


def _role(user):
    return getattr(user, "role", None) if getattr(user, "is_authenticated", False) and user.is_active else None


def can_publish_fees(user) -> bool:
    """A company manager bound to a company publishes the notices of the estates it serves."""
    return _role(user) in FEE_PUBLISHERS and bool(user.company_id)


def can_publish_for(user, estate: Estate) -> bool:
    return can_publish_fees(user) and user.company_id == estate.company_id


def require_fee_list_role(user) -> None:
    if _role(user) not in FEE_LIST_ROLES:
        refuse(user=user, model=FeeNotice, pk="", reason=_("该角色不使用收费公示管理"), status=403)


def fee_estates_for(user) -> QuerySet[Estate]:
    """Estates in the user's scope with ``has_notice`` (a current fee notice exists)."""
    current = FeeNotice.objects.filter(estate_id=OuterRef("pk"), is_current=True)
    return (estates_visible_to(user).annotate(has_notice=Exists(current))
            .select_related("district", "street", "company"))


def fee_counts_by_district(estates: QuerySet[Estate]) -> list[dict]:
    """Per district: estates in scope, with a current notice, without one (one query)."""
    rows = (estates.order_by().values("district_id", "district__name")
            .annotate(total=Count("pk"), published=Count("pk", filter=Q(has_notice=True)))
            .order_by("district__name"))
    out = []
    for r in rows:
        out.append({"district_id": r["district_id"], "name": r["district__name"], "total": r["total"],
                    "published": r["published"], "missing": r["total"] - r["published"]})
    return out


def fee_notices_visible_to(user) -> QuerySet[FeeNotice]:
    q = estate_q(user, "estate__")
    qs = FeeNotice.objects.all()
    return qs if q is None else qs.filter(q)


def fee_notice_get_for_user(*, user, pk) -> FeeNotice:
    qs = fee_notices_visible_to(user).select_related("estate", "estate__district", "company", "created_by")
    return get_visible_or_404(qs, user=user, pk=pk)


def fee_estate_for_publish(*, user, estate_id) -> Estate:
    """An estate the user's company serves (404 otherwise; 403 for roles that never publish)."""
    if not can_publish_fees(user):
        refuse(user=user, model=FeeNotice, pk="", reason=_("只有小区的物业服务企业负责人可以发布收费公示"), status=403)
    return get_visible_or_404(Estate.objects.filter(company_id=user.company_id).select_related("company"),
                              user=user, pk=estate_id)


def estate_public(estate_pk) -> Estate | None:
    """Any estate, for its public fee notice (the notice hangs on the wall of the estate office)."""
    return Estate.objects.select_related("company", "district", "street").filter(pk=estate_pk).first()


def estates_to_publish_for(user) -> QuerySet[Estate]:
    """The estates the manager's company serves, those without a current notice first."""
    return fee_estates_for(user).filter(company_id=user.company_id).order_by("has_notice", "name")


def fee_notice_current(estate_id) -> FeeNotice | None:
    """The estate's current notice with its items (public), or None."""
    return (FeeNotice.objects.filter(estate_id=estate_id, is_current=True)
            .select_related("company", "estate").prefetch_related("items").first())


def fee_notice_history(estate_id) -> QuerySet[FeeNotice]:
    return FeeNotice.objects.filter(estate_id=estate_id).select_related("company").order_by("-effective_from", "-id")


def fee_prefill(estate: Estate) -> dict:
    """Initial values for a new notice: the standard from the current contract's grade and the
    estate's active star rating, the fee rate of the contract as the first item, and the
    previous notice's texts where there is one."""
    initial: dict = {}
    contract = ServiceContract.objects.filter(estate_id=estate.pk, is_current=True).first()
    star = StarRating.objects.filter(estate_id=estate.pk, status=StarRating.Status.ACTIVE).first()
    parts = []
    if contract is not None:
        parts.append(str(_("合同约定%(grade)s服务") % {"grade": contract.get_contracted_grade_display()}))
    if star is not None:
        parts.append(str(_("现评定为%(level)s小区") % {"level": star.get_level_display()}))
    if parts:
        initial["service_standard"] = "；".join(parts)
    previous = fee_notice_current(estate.pk)
    if previous is not None:
        for f in ("payer", "service_content", "billing_method", "billing_start", "price_regime", "base_price",
                  "band_percent", "legal_basis"):
            initial[f] = getattr(previous, f)
        initial["items"] = [{"name": i.name, "rate": i.rate, "unit": i.unit, "note": i.note}
                            for i in previous.items.all()]
    elif contract is not None:
        initial["items"] = [{"name": str(_("物业服务费")), "rate": contract.fee_rate, "unit": "元/m²·月", "note": ""}]
        initial["billing_start"] = contract.start_date
    return initial
