"""Who may see and act on 准物业 records: decided here and nowhere else.

Scope by role (issue 17 §8–9, item 4):
- city bureau: every contract (read);
- district authority: the contracts of its district (read);
- street office: the contracts bought in its street (by the street or one of its communities) —
  it drafts, signs and terminates them, and re-checks rectifications;
- community: the contracts it bought and those covering a compound of its community — it records
  the monthly checks of its compounds and closes their rectifications;
- property company (manager, staff): the contracts where it is the provider — it sees its checks
  and answers its rectifications;
- everyone else (departments, committees, residents, administrators): nothing.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from wuye.accounts.models import COMPANY_ROLES, Role
from wuye.core.access import get_visible_or_404, refuse
from wuye.registry.models import Estate, PropertyCompany

from .models import (
    CheckPhoto,
    ContractEstate,
    Duty,
    MonthlyCheck,
    QuasiContract,
    Rectification,
    ServiceOrganisation,
)
from .payment import Payment, payment_for
from .workflow import CONTRACT, RECTIFICATION

NOTHING = Q(pk__in=[])
READERS = {Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY, *COMPANY_ROLES}


def is_active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_use(user) -> bool:
    """May open the 准物业 pages at all."""
    return is_active(user) and user.role in READERS


def require_user(user, model=QuasiContract, pk="") -> None:
    if not can_use(user):
        refuse(user=user, model=model, pk=pk, status=403, reason=_("您的角色不能查看准物业合同"))


def contract_q(user, prefix: str = "") -> Q | None:
    """Condition on a contract (reached through ``prefix``) the user may see; None = all."""
    if not is_active(user):
        return NOTHING
    role = user.role
    if role == Role.CITY:
        return None
    if role == Role.DISTRICT:
        return Q(**{f"{prefix}district_id": user.district_id})
    if role == Role.STREET:
        return Q(**{f"{prefix}street_id": user.street_id})
    if role == Role.COMMUNITY:
        covered = ContractEstate.objects.filter(community_id=user.community_id).values("contract_id")
        return Q(**{f"{prefix}community_id": user.community_id}) | Q(**{f"{prefix}id__in": covered})
    if role in COMPANY_ROLES:
        return Q(**{f"{prefix}company_id": user.company_id}) if user.company_id else NOTHING
    return NOTHING


def _scoped(qs: QuerySet, q: Q | None) -> QuerySet:
    return qs if q is None else qs.filter(q)


def visible_contracts(user) -> QuerySet[QuasiContract]:
    return _scoped(QuasiContract.objects.all(), contract_q(user))


def contract_list(user, *, q: str = "", status: str = "", provider: str = "") -> QuerySet[QuasiContract]:
    qs = visible_contracts(user).select_related("street", "community", "company", "organisation", "district")
    if status in QuasiContract.Status.values:
        qs = qs.filter(status=status)
    if provider == "company":
        qs = qs.filter(company__isnull=False)
    elif provider == "organisation":
        qs = qs.filter(organisation__isnull=False)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(company__name__icontains=q)
                       | Q(organisation__name__icontains=q))
    n_estates = ContractEstate.objects.filter(contract_id=OuterRef("pk")).values("contract_id").annotate(
        n=Count("id")).values("n")
    open_rect = Rectification.objects.filter(contract_id=OuterRef("pk"), status__in=OPEN_RECT)
    return qs.annotate(n_estates=n_estates, has_open=Exists(open_rect)).order_by("-start_date", "-id")


def contract_get_for_user(*, user, pk) -> QuasiContract:
    require_user(user, QuasiContract, pk)
    return get_visible_or_404(visible_contracts(user).select_related(
        "street", "community", "company", "organisation", "district", "created_by"), user=user, pk=pk)


# ---- who acts ---------------------------------------------------------------------------------


def can_create_contract(user) -> bool:
    return is_active(user) and user.role in (Role.STREET, Role.COMMUNITY)


def is_buyer(user, contract: QuasiContract) -> bool:
    """The buying street's officials (for every contract of the street) or the buying community."""
    if not is_active(user):
        return False
    if user.role == Role.STREET:
        return user.street_id == contract.street_id
    if user.role == Role.COMMUNITY:
        return contract.community_id is not None and user.community_id == contract.community_id
    return False


def contract_kinds(user, contract: QuasiContract) -> set[str]:
    return {"buyer"} if is_buyer(user, contract) else set()


def contract_actions(user, contract: QuasiContract) -> list[str]:
    return CONTRACT.allowed(contract, contract_kinds(user, contract))


def covered_estates(contract: QuasiContract) -> list[Estate]:
    return [ce.estate for ce in contract.coverage.select_related("estate", "estate__community")]


def checkable_estates(user, contract: QuasiContract) -> list[Estate]:
    """The covered compounds this user records monthly checks for: a community official, the
    compounds of its community, while the contract is in force."""
    if not is_active(user) or user.role != Role.COMMUNITY or contract.status != QuasiContract.Status.SIGNED:
        return []
    return [e for e in covered_estates(contract) if e.community_id == user.community_id]


def rectification_kinds(user, rect: Rectification, contract: QuasiContract | None = None) -> set[str]:
    contract = contract or rect.contract
    kinds: set[str] = set()
    if not is_active(user):
        return kinds
    estate_community = rect.estate.community_id
    if user.role in COMPANY_ROLES and contract.company_id and user.company_id == contract.company_id:
        kinds.add("provider")
    if user.role == Role.COMMUNITY and user.community_id == estate_community:
        kinds.add("checker")
        if contract.organisation_id:
            kinds.add("provider")  # the organisation has no account: its community enters its reply
    if user.role == Role.STREET and user.street_id == contract.street_id:
        kinds.add("checker")
    return kinds


def rectification_actions(user, rect: Rectification) -> list[str]:
    return RECTIFICATION.allowed(rect, rectification_kinds(user, rect))


# ---- checks and rectifications ----------------------------------------------------------------

OPEN_RECT = (Rectification.Status.OPEN, Rectification.Status.SUBMITTED)


def _sub_q(user, prefix: str = "") -> Q | None:
    """Checks and rectifications: those of the visible contracts; a community only those of its
    own compounds (or of the contracts it bought)."""
    q = contract_q(user, f"{prefix}contract__")
    if is_active(user) and user.role == Role.COMMUNITY:
        return Q(**{f"{prefix}estate__community_id": user.community_id}) | Q(
            **{f"{prefix}contract__community_id": user.community_id})
    return q


def visible_checks(user) -> QuerySet[MonthlyCheck]:
    return _scoped(MonthlyCheck.objects.all(), _sub_q(user))


def visible_rectifications(user) -> QuerySet[Rectification]:
    return _scoped(Rectification.objects.all(), _sub_q(user))


def check_list(user, *, month: str = "", result: str = "", duty: str = "", contract_id=None) -> QuerySet[MonthlyCheck]:
    qs = visible_checks(user).select_related("estate", "contract", "checked_by").annotate(n_photos=Count("photos"))
    if contract_id:
        qs = qs.filter(contract_id=contract_id)
    if result == "passed":
        qs = qs.filter(passed=True)
    elif result == "failed":
        qs = qs.filter(passed=False)
    if duty:
        qs = qs.filter(duty=duty)
    if month:
        try:
            y, m = (int(x) for x in month.split("-"))
            qs = qs.filter(month=date(y, m, 1))
        except (ValueError, TypeError):
            pass
    return qs.order_by("-month", "estate__name", "duty", "id")


def rectification_list(user, *, status: str = "", overdue: bool = False, today: date | None = None,
                       q: str = "") -> QuerySet[Rectification]:
    qs = visible_rectifications(user).select_related("estate", "contract", "contract__company",
                                                      "contract__organisation", "monthly_check")
    if status in Rectification.Status.values:
        qs = qs.filter(status=status)
    if overdue and today:
        qs = qs.filter(status__in=OPEN_RECT, deadline__lt=today)
    if q:
        qs = qs.filter(Q(estate__name__icontains=q) | Q(problem__icontains=q) | Q(contract__number__icontains=q))
    return qs.order_by("status", "deadline", "id")


def rectification_get_for_user(*, user, pk) -> Rectification:
    require_user(user, Rectification, pk)
    return get_visible_or_404(visible_rectifications(user).select_related(
        "estate", "contract", "contract__company", "contract__organisation", "monthly_check",
        "monthly_check__checked_by"), user=user, pk=pk)


def photo_get_for_user(*, user, pk) -> CheckPhoto:
    require_user(user, CheckPhoto, pk)
    visible = visible_checks(user).values("id")
    return get_visible_or_404(CheckPhoto.objects.filter(monthly_check_id__in=visible), user=user, pk=pk)


# ---- the contract page's figures --------------------------------------------------------------


def contract_payment(contract: QuasiContract) -> Payment:
    """The published formula (``payment.payment_for``) on the contract's recorded checks."""
    counts = MonthlyCheck.objects.filter(contract=contract).aggregate(n=Count("id"), ok=Count("id", filter=Q(passed=True)))
    return payment_for(amount=contract.amount, passed=counts["ok"] or 0, checked=counts["n"] or 0,
                       full_pay_rate=contract.full_pay_rate, floor_rate=contract.floor_rate)


def check_matrix(contract: QuasiContract, estates: list[Estate]) -> list[dict]:
    """Per covered compound and month of the term: the result of each duty (None = not checked)."""
    from wuye.core.calendar import add_months, month_start

    rows: dict[tuple[int, date], dict] = {}
    for c in MonthlyCheck.objects.filter(contract=contract).select_related("rectification"):
        rows.setdefault((c.estate_id, c.month), {})[c.duty] = c
    months = []
    m = month_start(contract.start_date)
    while m <= contract.end_date and len(months) < 60:
        months.append(m)
        m = add_months(m, 1)
    short = {Duty.SECURITY: _("安"), Duty.CLEANING: _("洁"), Duty.FACILITIES: _("维")}
    out = []
    for e in estates:
        out.append({"estate": e, "months": [
            (mm, [(short[d], rows.get((e.id, mm), {}).get(d.value)) for d in Duty]) for mm in months]})
    return out


def provider_complaints(contract: QuasiContract) -> dict:
    """Complaints about the covered compounds during the term: how many, how many closed, and how
    many went to the provider company (issue 17 §9: they count in its metrics). A community service
    organisation is not a unit of the complaint routing: its compounds' complaints go to their
    community (cases.units.route), which passes them on to the named provider."""
    from wuye.cases.models import FINAL_STATUSES, Complaint

    estate_ids = contract.coverage.values("estate_id")
    qs = Complaint.objects.filter(estate_id__in=estate_ids, created_at__date__gte=contract.start_date,
                                  created_at__date__lte=contract.end_date)
    agg = qs.aggregate(
        total=Count("id"), closed=Count("id", filter=Q(status__in=list(FINAL_STATUSES))),
        to_provider=Count("id", filter=Q(company_id=contract.company_id)) if contract.company_id else Count(
            "id", filter=NOTHING))
    return agg


def organisations_visible_to(user) -> QuerySet[ServiceOrganisation]:
    if not is_active(user):
        return ServiceOrganisation.objects.none()
    if user.role == Role.CITY:
        return ServiceOrganisation.objects.all()
    if user.role == Role.DISTRICT:
        return ServiceOrganisation.objects.filter(district_id=user.district_id)
    if user.role == Role.STREET:
        return ServiceOrganisation.objects.filter(district_id=user.street.district_id)
    if user.role == Role.COMMUNITY:
        return ServiceOrganisation.objects.filter(district_id=user.community.street.district_id)
    if user.role in COMPANY_ROLES:
        return ServiceOrganisation.objects.none()
    return ServiceOrganisation.objects.none()


def can_see_organisations(user) -> bool:
    return is_active(user) and user.role in (Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY)


def can_create_organisation(user) -> bool:
    return is_active(user) and user.role in (Role.DISTRICT, Role.STREET, Role.COMMUNITY)


def coverable_estates(user) -> QuerySet[Estate]:
    """The compounds a buyer may cover: those of its street or community."""
    if not is_active(user):
        return Estate.objects.none()
    if user.role == Role.STREET:
        return Estate.objects.filter(street_id=user.street_id)
    if user.role == Role.COMMUNITY:
        return Estate.objects.filter(community_id=user.community_id)
    return Estate.objects.none()


def selectable_companies() -> QuerySet[PropertyCompany]:
    return PropertyCompany.objects.exclude(filing_status=PropertyCompany.FilingStatus.REVOKED)


# ---- what forms and API views read (house rule: no queries outside selectors) --------------------


def empty(model):
    return model.objects.none()


def can_choose_buyer_community(user) -> bool:
    """A street office may buy for one of its communities."""
    return is_active(user) and user.role == Role.STREET


def buyer_communities(user):
    from wuye.territory.models import Community

    if not can_choose_buyer_community(user):
        return Community.objects.none()
    return Community.objects.filter(street_id=user.street_id)


def buyer_community(user, pk):
    return buyer_communities(user).filter(pk=pk).first()


def estates_by_ids(ids) -> QuerySet[Estate]:
    return Estate.objects.filter(pk__in=list(ids))


def contract_prefetched(pk) -> QuasiContract:
    return (QuasiContract.objects.filter(pk=pk).select_related("street", "community", "company", "organisation")
            .prefetch_related("coverage", "duties").get())


def contract_rectifications(contract: QuasiContract, limit: int = 50) -> list[Rectification]:
    return list(Rectification.objects.filter(contract=contract).select_related("estate").order_by("-deadline", "-id")[:limit])
