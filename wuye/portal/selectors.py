"""What each role's workbench shows (the global search box: ``search.py``).

Every figure is read through the registry selectors (``estates_visible_to(user)`` and friends),
so a workbench can never show another district's or another company's records. Each builder
runs a fixed number of aggregate queries, whatever the size of the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import (
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from wuye.accounts.models import ADMIN_ROLES, COMPANY_ROLES, Role
from wuye.campaign import selectors as campaign_sel
from wuye.campaign.notices import selectors as notice_sel
from wuye.campaign.notices.models import Receipt
from wuye.cases import selectors as case_sel
from wuye.registry import selectors as rsel
from wuye.registry.models import (
    CommitteeMember,
    Estate,
    OwnersCommittee,
    ParkingSpace,
    PropertyCompany,
    ServiceContract,
    Staff,
)
from wuye.territory import selectors as tsel

# A contract whose end falls within this many days is flagged (and one already past its end).
CONTRACT_WARNING_DAYS = 90
# rules.md §1: a committee is filed with the district authority and street office within 30 days.
COMMITTEE_FILING_DAYS = 30
# Rows shown in a workbench table before "查看全部".
TABLE_ROWS = 10
# Estates listed on a company's or a community's workbench.
ESTATE_ROWS = 20
# Areas (districts, streets, communities) listed on an official's workbench.
AREA_ROWS = 60

OFFICIAL_ROLES = {Role.CITY, Role.DISTRICT, Role.DEPARTMENT, Role.STREET, Role.COMMUNITY}

# rules.md §5 (local): an idle developer-held space that is not offered for rent (只售不租).
SALE_ONLY_Q = Q(
    ownership=ParkingSpace.Ownership.DEVELOPER,
    disposal=ParkingSpace.Disposal.IDLE,
    offered_for_rent=False,
)


def workbench_kind(user) -> str:
    role = getattr(user, "role", None)
    if role in ADMIN_ROLES:
        return "admin"
    if role == Role.DEPARTMENT:
        return "department"
    if role in OFFICIAL_ROLES:
        return "official"
    if role in COMPANY_ROLES:
        return "company"
    if role == Role.COMMITTEE:
        return "committee"
    if role == Role.RESIDENT:
        return "resident"
    return "unassigned"


# ---- shared pieces ---------------------------------------------------------------------------


def _count_subquery(qs, outer: str = "pk") -> Coalesce:
    """Number of rows of ``qs`` whose ``estate_id`` is the outer estate (0 when none)."""
    sq = qs.filter(estate_id=OuterRef(outer)).order_by().values("estate_id").annotate(n=Count("id")).values("n")[:1]
    return Coalesce(Subquery(sq, output_field=IntegerField()), 0)


def committee_filing_deadline() -> ExpressionWrapper:
    return ExpressionWrapper(F("term_start") + timedelta(days=COMMITTEE_FILING_DAYS), output_field=DateField())


def committee_attention_q(today: date) -> Q:
    """A current committee whose term has ended, or that was not filed within 30 days of its start."""
    overdue_unfiled = Q(filed_on__isnull=True, term_start__lt=today - timedelta(days=COMMITTEE_FILING_DAYS))
    filed_late = Q(filed_on__gt=committee_filing_deadline())
    return Q(is_current=True) & (Q(term_end__lt=today) | overdue_unfiled | filed_late)


def committee_problems(committee: OwnersCommittee, today: date) -> list[str]:
    """The labels shown next to a committee that needs attention (same rules as the query above)."""
    problems = []
    if committee.term_end < today:
        problems.append("term_ended")
    deadline = committee.term_start + timedelta(days=COMMITTEE_FILING_DAYS)
    if committee.filed_on is None and deadline < today:
        problems.append("unfiled")
    elif committee.filed_on is not None and committee.filed_on > deadline:
        problems.append("filed_late")
    return problems


def _contract_window(today: date) -> date:
    return today + timedelta(days=CONTRACT_WARNING_DAYS)


@dataclass
class ContractRow:
    contract: ServiceContract
    days_left: int

    @property
    def expired(self) -> bool:
        return self.days_left < 0


@dataclass
class CommitteeRow:
    committee: OwnersCommittee
    problems: list[str]


def _contracts_due(user, today: date) -> tuple[dict, list[ContractRow]]:
    """Current contracts ending within 90 days (and already ended): counts and the first rows."""
    base = rsel.contracts_visible_to(user).filter(is_current=True, end_date__lte=_contract_window(today))
    counts = base.aggregate(
        expiring=Count("id", filter=Q(end_date__gte=today)),
        expired=Count("id", filter=Q(end_date__lt=today)),
    )
    # The ones still running come first (soonest end first), then those already past their end
    # (most recent first): a long backlog of expired contracts must not hide the coming ones.
    rows = base.select_related("estate", "company")
    upcoming = list(rows.filter(end_date__gte=today).order_by("end_date", "id")[:TABLE_ROWS])
    expired = []
    if len(upcoming) < TABLE_ROWS:
        expired = list(rows.filter(end_date__lt=today).order_by("-end_date", "id")[: TABLE_ROWS - len(upcoming)])
    return counts, [ContractRow(c, (c.end_date - today).days) for c in upcoming + expired]


def _committees_due(user, today: date) -> tuple[int, list[CommitteeRow]]:
    base = rsel.committees_visible_to(user).filter(committee_attention_q(today))
    total = base.count()
    rows = [
        CommitteeRow(c, committee_problems(c, today))
        for c in base.select_related("estate").order_by("term_end", "id")[:TABLE_ROWS]
    ]
    return total, rows


def _sale_only_parking(user) -> tuple[int, list[dict]]:
    base = rsel.parking_visible_to(user).filter(SALE_ONLY_Q)
    total = base.count()
    top = list(
        base.order_by().values("estate_id", "estate__name").annotate(n=Count("id")).order_by("-n", "estate__name")[:5]
    )
    return total, top


# ---- officials: city, district, department, street, community ---------------------------------


@dataclass
class AreaRow:
    id: int
    name: str
    estates: int = 0
    no_company: int = 0
    companies: int = 0
    units: int = 0
    modes: dict = field(default_factory=dict)


@dataclass
class OfficialWorkbench:
    kind = "official"
    level: str  # district | street | community | estate: what one row of the area table is
    totals: dict
    areas: list[AreaRow]
    areas_truncated: bool
    estates: list[Estate]  # community officers: the estates of the community
    chart: dict
    companies: dict
    contract_counts: dict
    contracts: list[ContractRow]
    committees_total: int
    committees: list[CommitteeRow]
    parking_total: int
    parking_top: list[dict]


def _official_areas(user) -> tuple[str, object]:
    """The rows of the area table: districts for the city, streets for a district, communities for a
    street; a community officer gets the estates of the community instead."""
    role = user.role
    if role == Role.CITY:
        return "district", tsel.districts_visible_to(user).order_by("code")
    if role in (Role.DISTRICT, Role.DEPARTMENT):
        return "street", tsel.streets_visible_to(user).order_by("code")
    if role == Role.STREET:
        return "community", tsel.communities_visible_to(user).order_by("code")
    return "estate", None


def official_workbench(user, *, today: date) -> OfficialWorkbench:
    estates = rsel.estates_visible_to(user)
    level, area_qs = _official_areas(user)
    modes = Estate.ManagementMode

    area_rows: list[AreaRow] = []
    community_estates: list[Estate] = []
    truncated = False
    if area_qs is not None:
        areas = list(area_qs.only("id", "name")[: AREA_ROWS + 1])
        truncated = len(areas) > AREA_ROWS
        by_id = {a.pk: AreaRow(a.pk, a.name) for a in areas[:AREA_ROWS]}
        key = f"{level}_id"
        for row in estates.order_by().values(key, "management_mode").annotate(n=Count("id")):
            area = by_id.get(row[key])
            if area:
                area.estates += row["n"]
                area.modes[row["management_mode"]] = row["n"]
                if row["management_mode"] == modes.NONE:
                    area.no_company += row["n"]
        companies_by_area = (
            estates.filter(company__isnull=False).order_by().values(key).annotate(n=Count("company_id", distinct=True))
        )
        for row in companies_by_area:
            if row[key] in by_id:
                by_id[row[key]].companies = row["n"]
        units = rsel.units_visible_to(user).order_by().values(f"estate__{key}").annotate(n=Count("id"))
        for row in units:
            if row[f"estate__{key}"] in by_id:
                by_id[row[f"estate__{key}"]].units = row["n"]
        area_rows = list(by_id.values())
    else:
        community_estates = list(
            estates.select_related("company")
            .annotate(n_units=_count_subquery(rsel.units_visible_to(user)))
            .order_by("name", "id")[: ESTATE_ROWS + 1]
        )
        truncated = len(community_estates) > ESTATE_ROWS
        community_estates = community_estates[:ESTATE_ROWS]

    mode_totals = {m.value: 0 for m in modes}
    totals = estates.order_by().values("management_mode").annotate(n=Count("id"))
    for row in totals:
        mode_totals[row["management_mode"]] = row["n"]
    estate_total = sum(mode_totals.values())
    if area_qs is None:
        unit_total = rsel.units_visible_to(user).count()
    else:
        unit_total = sum(a.units for a in area_rows) if not truncated else rsel.units_visible_to(user).count()

    companies = rsel.companies_visible_to(user).aggregate(
        total=Count("id"),
        unfiled=Count("id", filter=Q(filing_status=PropertyCompany.FilingStatus.UNFILED)),
        pending=Count("id", filter=Q(filing_status=PropertyCompany.FilingStatus.PENDING)),
    )

    if area_rows:
        chart = {
            "type": "bar",
            "categories": [a.name for a in area_rows],
            "series": [
                {"key": m.value, "name": str(m.label), "data": [a.modes.get(m.value, 0) for a in area_rows]}
                for m in modes
            ],
        }
    else:
        chart = {
            "type": "pie",
            "categories": [],
            "series": [{"key": m.value, "name": str(m.label), "value": mode_totals[m.value]} for m in modes],
        }

    contract_counts, contracts = _contracts_due(user, today)
    committees_total, committees = _committees_due(user, today)
    parking_total, parking_top = _sale_only_parking(user)
    return OfficialWorkbench(
        level=level,
        totals={
            "estates": estate_total,
            "units": unit_total,
            "no_company": mode_totals[modes.NONE],
            "modes": mode_totals,
        },
        areas=area_rows,
        areas_truncated=truncated,
        estates=community_estates,
        chart=chart,
        companies=companies,
        contract_counts=contract_counts,
        contracts=contracts,
        committees_total=committees_total,
        committees=committees,
        parking_total=parking_total,
        parking_top=parking_top,
    )


# ---- functional departments: their own work, not the district's overview -------------------------


@dataclass
class DepartmentWorkbench:
    """A department's home (issue 14 §2): the complaints dispatched to it or calling it in, the
    campaign's key tasks it leads or shares, and the notices sent to it."""

    kind = "department"
    complaints: list  # its open complaint tasks (to sign, to handle), nearest deadline first
    complaints_total: int
    tasks: list  # campaign TaskRows not done, overdue and behind first
    tasks_total: int
    notices: list  # its latest receipts
    notices_waiting: int


TASK_ORDER = {"overdue": 0, "behind": 1, "not_started": 2, "on_track": 3, "done": 4}


def department_workbench(user, *, today: date) -> DepartmentWorkbench:
    queue = case_sel.open_tasks_for_unit(user)
    complaints = list(queue.select_related("complaint", "complaint__category").order_by("due", "id")[:TABLE_ROWS])
    rows = [r for r in campaign_sel.board_rows(user) if r.status != "done"] \
        if campaign_sel.can_use_campaign(user) else []
    rows.sort(key=lambda r: (TASK_ORDER.get(r.status, 9), r.next_due is None, r.next_due or 0))
    inbox = notice_sel.inbox_of(user)
    return DepartmentWorkbench(
        complaints=complaints,
        complaints_total=queue.count(),
        tasks=rows[:TABLE_ROWS],
        tasks_total=len(rows),
        notices=list(inbox[:TABLE_ROWS]),
        notices_waiting=inbox.exclude(status=Receipt.Status.ACKNOWLEDGED).count(),
    )


# ---- property companies -----------------------------------------------------------------------


@dataclass
class CompanyWorkbench:
    kind = "company"
    company: PropertyCompany | None
    estates: list[Estate]
    estates_total: int
    units_total: int
    staff: dict
    unassigned_staff: list[Staff]
    contract_counts: dict
    contracts: list[ContractRow]
    parking_total: int
    parking_top: list[dict]


def company_workbench(user, *, today: date) -> CompanyWorkbench:
    company = rsel.companies_visible_to(user).first()
    estates_qs = rsel.estates_visible_to(user)
    current_contract = rsel.contracts_visible_to(user).filter(estate_id=OuterRef("pk"), is_current=True)
    estates = list(
        estates_qs.select_related("community")
        .annotate(
            n_units=_count_subquery(rsel.units_visible_to(user)),
            n_sale_only=_count_subquery(rsel.parking_visible_to(user).filter(SALE_ONLY_Q)),
            contract_end=Subquery(current_contract.values("end_date")[:1]),
        )
        .order_by("name", "id")[:ESTATE_ROWS]
    )
    staff_qs = rsel.staff_visible_to(user)
    staff = staff_qs.aggregate(total=Count("id"), unassigned=Count("id", filter=Q(estate__isnull=True)))
    unassigned = list(staff_qs.filter(estate__isnull=True).order_by("name", "id")[:TABLE_ROWS])
    contract_counts, contracts = _contracts_due(user, today)
    parking_total, parking_top = _sale_only_parking(user)
    return CompanyWorkbench(
        company=company,
        estates=estates,
        estates_total=estates_qs.count(),
        units_total=rsel.units_visible_to(user).count(),
        staff=staff,
        unassigned_staff=unassigned,
        contract_counts=contract_counts,
        contracts=contracts,
        parking_total=parking_total,
        parking_top=parking_top,
    )


# ---- owners' committee members ----------------------------------------------------------------


@dataclass
class CommitteeWorkbench:
    kind = "committee"
    estate: Estate | None
    contract: ServiceContract | None
    contract_days_left: int | None
    committee: OwnersCommittee | None
    committee_problems: list[str]
    members: list[CommitteeMember]


def _estate_figures(user):
    return dict(
        n_buildings=_count_subquery(rsel.buildings_visible_to(user)),
        n_units=_count_subquery(rsel.units_visible_to(user)),
        n_parking=_count_subquery(rsel.parking_visible_to(user)),
        n_sale_only=_count_subquery(rsel.parking_visible_to(user).filter(SALE_ONLY_Q)),
    )


# 主任, 副主任, then 委员.
POSITION_ORDER = Case(
    When(position=CommitteeMember.Position.DIRECTOR, then=Value(0)),
    When(position=CommitteeMember.Position.DEPUTY, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def committee_workbench(user, *, today: date) -> CommitteeWorkbench:
    estate = (
        rsel.estates_visible_to(user)
        .select_related("community__street__district", "company")
        .annotate(**_estate_figures(user))
        .first()
    )
    contract = rsel.contracts_visible_to(user).filter(is_current=True).select_related("company").first()
    committee = (
        rsel.committees_visible_to(user)
        .filter(is_current=True)
        .annotate(n_members=Count("members"), n_party=Count("members", filter=Q(members__is_party_member=True)))
        .first()
    )
    members = []
    if committee is not None:
        members = list(
            rsel.committee_members_visible_to(user).filter(committee_id=committee.pk).order_by(POSITION_ORDER, "id")
        )
    return CommitteeWorkbench(
        estate=estate,
        contract=contract,
        contract_days_left=(contract.end_date - today).days if contract else None,
        committee=committee,
        committee_problems=committee_problems(committee, today) if committee else [],
        members=members,
    )


# ---- residents --------------------------------------------------------------------------------


@dataclass
class ResidentHome:
    estate: Estate
    units: list = field(default_factory=list)
    contract: ServiceContract | None = None
    committee: OwnersCommittee | None = None
    leaders: list = field(default_factory=list)


@dataclass
class ResidentWorkbench:
    kind = "resident"
    homes: list[ResidentHome]


def resident_workbench(user, *, today: date) -> ResidentWorkbench:
    homes: dict[int, ResidentHome] = {}
    ownerships = (
        rsel.ownerships_visible_to(user)
        .select_related("unit__building", "estate__community__street__district", "estate__company")
        .order_by("estate__name", "unit__building__name", "unit__number")
    )
    for o in ownerships:
        homes.setdefault(o.estate_id, ResidentHome(estate=o.estate)).units.append(o.unit)
    if homes:
        for c in rsel.contracts_visible_to(user).filter(is_current=True).select_related("company"):
            if c.estate_id in homes:
                homes[c.estate_id].contract = c
        for cm in rsel.committees_visible_to(user).filter(is_current=True):
            if cm.estate_id in homes:
                homes[cm.estate_id].committee = cm
        leaders = (
            rsel.committee_members_visible_to(user)
            .filter(committee__is_current=True, position__in=[CommitteeMember.Position.DIRECTOR, CommitteeMember.Position.DEPUTY])
            .select_related("committee")
            .order_by(POSITION_ORDER, "id")
        )
        for m in leaders:
            if m.committee.estate_id in homes:
                homes[m.committee.estate_id].leaders.append(m)
    return ResidentWorkbench(homes=list(homes.values()))


@dataclass
class AdminWorkbench:
    kind = "admin"
    role: str


@dataclass
class UnassignedWorkbench:
    kind = "unassigned"


def workbench_for(user, *, today: date):
    kind = workbench_kind(user)
    if kind == "admin":
        return AdminWorkbench(role=user.role)
    if kind == "department":
        return department_workbench(user, today=today)
    if kind == "official":
        return official_workbench(user, today=today)
    if kind == "company":
        return company_workbench(user, today=today)
    if kind == "committee":
        return committee_workbench(user, today=today)
    if kind == "resident":
        return resident_workbench(user, today=today)
    return UnassignedWorkbench()
