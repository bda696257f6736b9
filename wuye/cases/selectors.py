"""Who sees which complaints, decided here and nowhere else (DESIGN.md; scenario 12).

- city bureau: every complaint, clue reports included;
- district authority: its district; street office: its street; community: its community —
  never confidential clue reports (涉黑涉恶), which reach only police and the city bureau;
- functional department: complaints it holds a task for; police also confidential ones in its district;
  a city-level department (no district) also every complaint held by a department of its kind,
  city-wide (city police: every confidential clue report);
- property company (manager and staff): complaints dispatched to the company (it holds a task);
- resident, committee member: the complaints they filed themselves;
- administrators and everyone else: none.
"""

from __future__ import annotations

from django.db.models import Exists, F, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuye.accounts.models import COMPANY_ROLES, Role
from wuye.core.access import get_visible_or_404, refuse
from wuye.core.masking import mask_name, mask_phone
from wuye.registry.models import Estate, PropertyCompany
from wuye.territory.models import Community, Department, District, Street

from .models import (
    OPEN_STATUSES,
    Category,
    Complaint,
    EscalationRule,
    Event,
    IdempotencyKey,
    PartnerKey,
    Photo,
    Request,
    Task,
    UnitKind,
)
from .units import unit_key_of
from .workflow import Context, action_states, allowed_actions

NOTHING = Q(pk__in=[])


def _task_of(kind: str, pk: int) -> Q:
    return Q(Exists(Task.objects.filter(complaint_id=OuterRef("pk"), unit_kind=kind, unit_id=pk)))


def complaint_q(user) -> Q | None:
    """Condition on Complaint that the user may see; None = everything."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    role = user.role
    public = Q(confidential=False)
    if role == Role.CITY:
        return None
    if role == Role.DISTRICT:
        return Q(district_id=user.district_id) & public
    if role == Role.STREET:
        return Q(street_id=user.street_id) & public
    if role == Role.COMMUNITY:
        return Q(community_id=user.community_id) & public
    if role == Role.DEPARTMENT and user.department_id:
        q = _task_of(UnitKind.DEPARTMENT, user.department_id)
        dept = user.department
        if dept.district_id is None:
            q |= Q(Exists(Task.objects.filter(complaint_id=OuterRef("pk"), unit_kind=UnitKind.DEPARTMENT,
                                              unit_id__in=Department.objects.filter(kind=dept.kind).values("pk"))))
            if dept.kind == Department.Kind.POLICE:
                q |= Q(confidential=True)
        elif dept.kind == Department.Kind.POLICE:
            q |= Q(confidential=True, district_id=dept.district_id)
        return q
    if role in (Role.COMPANY_MANAGER, Role.COMPANY_STAFF) and user.company_id:
        return _task_of(UnitKind.COMPANY, user.company_id) & public
    if role in (Role.RESIDENT, Role.COMMITTEE):
        return Q(reporter_user_id=user.pk)
    return NOTHING


def complaints_visible_to(user) -> QuerySet[Complaint]:
    q = complaint_q(user)
    qs = Complaint.objects.all()
    return qs if q is None else qs.filter(q)


def complaint_get_for_user(*, user, pk) -> Complaint:
    """The complaint if the user may see it; 404 (audited) otherwise."""
    return get_visible_or_404(
        complaints_visible_to(user).select_related("estate", "category", "district", "street", "community", "company"),
        user=user, pk=pk,
    )


def complaint_get_for_reporter(*, tracking_code: str, phone: str) -> Complaint | None:
    """A resident proves a complaint is theirs by its tracking code and the phone they gave."""
    code = (tracking_code or "").strip().upper()
    phone = (phone or "").strip()
    if not code or not phone:
        return None
    return (
        Complaint.objects.select_related("estate", "category")
        .filter(tracking_code=code, reporter_phone=phone)
        .first()
    )


def tasks_for_unit(user) -> QuerySet[Task]:
    """The user's unit's tasks (its queue), any state."""
    key = unit_key_of(user)
    if key is None or getattr(user, "role", None) == Role.CITY:
        return Task.objects.none()
    qs = Task.objects.filter(unit_kind=key[0], unit_id=key[1])
    if user.role in (Role.COMPANY_MANAGER, Role.COMPANY_STAFF):
        qs = qs.filter(complaint__confidential=False)
    return qs


def open_tasks_for_unit(user) -> QuerySet[Task]:
    return tasks_for_unit(user).filter(state__in=[Task.State.PENDING, Task.State.SIGNED])


def dispatcher_complaints(user) -> QuerySet[Complaint]:
    """The complaints a dispatcher works on: the city desk the whole city, a district its own."""
    role = getattr(user, "role", None)
    if role == Role.CITY:
        return Complaint.objects.all()
    if role == Role.DISTRICT:
        return Complaint.objects.filter(district_id=user.district_id, confidential=False)
    return Complaint.objects.none()


def action_context(user, complaint: Complaint, *, reporter: bool = False) -> Context:
    """Everything ``allowed_actions`` needs besides the complaint (two small queries, none before
    dispatch: joint tasks and return/extension requests exist only after it)."""
    key = unit_key_of(user) if getattr(user, "is_authenticated", False) else None
    joint_task = None
    open_joint = False
    open_units: list[str] = []
    if complaint.status in OPEN_STATUSES and complaint.dispatched_at is not None:
        for task in Task.objects.filter(complaint=complaint).exclude(role=Task.Role.LEAD).order_by("id"):
            if task.is_open:
                open_joint = True
                open_units.append(task.unit_name)
                if key and (task.unit_kind, task.unit_id) == key and joint_task is None:
                    joint_task = task
    pending: frozenset[str] = frozenset()
    if complaint.dispatched_at is not None:
        pending = frozenset(
            Request.objects.filter(complaint=complaint, state=Request.State.PENDING).values_list("kind", flat=True)
        )
    return Context(unit_key=key, joint_task=joint_task, pending=pending, open_joint_tasks=open_joint, reporter=reporter,
                   open_joint_units=tuple(dict.fromkeys(open_units)), now=timezone.now())


def actions_for(user, complaint: Complaint, *, reporter: bool = False) -> list[str]:
    return allowed_actions(user, complaint, action_context(user, complaint, reporter=reporter))


def action_states_for(user, complaint: Complaint, *, reporter: bool = False) -> list[dict]:
    """The actions this user could take in the complaint's present stage, each with ``allowed``
    and, when blocked, the ``reason`` (issue 14 §4; ``workflow.action_states``)."""
    return action_states(user, complaint, action_context(user, complaint, reporter=reporter))


def complaint_for_action(*, user, pk, reporter: bool = False) -> Complaint:
    """Fetch for acting: visible (404) — whether the action is allowed is checked by the service."""
    return complaint_get_for_user(user=user, pk=pk)


# ---- what each viewer may read of the resident ------------------------------------------------



def reporter_name_for(user, complaint: Complaint) -> str:
    """The resident's name as this viewer may see it: hidden entirely from the company when the
    resident asked for it, masked for companies and departments otherwise."""
    role = getattr(user, "role", None)
    if complaint.reporter_user_id and complaint.reporter_user_id == getattr(user, "pk", None):
        return complaint.reporter_name
    if complaint.anonymous and role in COMPANY_ROLES:
        return "匿名"
    return mask_name(complaint.reporter_name)


def reporter_phone_for(user, complaint: Complaint) -> str:
    if complaint.reporter_user_id and complaint.reporter_user_id == getattr(user, "pk", None):
        return complaint.reporter_phone
    return mask_phone(complaint.reporter_phone)


def refuse_action(*, user, complaint: Complaint, reason) -> None:
    refuse(user=user, model=Complaint, pk=complaint.pk, reason=reason, status=403)


# ---- policies: who may do what with complaints (views, forms and the API ask here) -------------


def can_configure(user) -> bool:
    """Categories, time limits, weights and escalation rules: the city bureau only."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.CITY)


def _role(user):
    return getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None


DESK_ROLES = frozenset({Role.CITY, Role.DISTRICT})
RESIDENT_ROLES = frozenset({Role.RESIDENT, Role.COMMITTEE})
QUEUE_ROLES = frozenset({Role.DISTRICT, Role.STREET, Role.COMMUNITY, Role.DEPARTMENT, Role.COMPANY_MANAGER,
                         Role.COMPANY_STAFF})


def is_city_desk(user) -> bool:
    """The city bureau's complaint desk: the whole city, confidential clue reports included."""
    return _role(user) == Role.CITY


def is_district_desk(user) -> bool:
    return _role(user) == Role.DISTRICT


def is_desk(user) -> bool:
    """A dispatcher (city bureau or district authority): lists, dispatches, enters hotline calls."""
    return _role(user) in DESK_ROLES


def files_own_complaints(user) -> bool:
    """Residents and committee members file and follow their own complaints."""
    return _role(user) in RESIDENT_ROLES


def is_official(user) -> bool:
    """Anyone signed in who handles complaints (not a resident or committee member)."""
    return bool(getattr(user, "is_authenticated", False)) and _role(user) not in RESIDENT_ROLES


def can_use_queue(user) -> bool:
    """The units with a queue of tasks (the city desk works from the list instead)."""
    return _role(user) in QUEUE_ROLES


def can_use_list(user) -> bool:
    return _role(user) in QUEUE_ROLES or _role(user) == Role.CITY


def is_company(user) -> bool:
    """A property company's manager or staff: sees the resident masked, asks for a call-back (issue 14 §6)."""
    return _role(user) in COMPANY_ROLES


def hides_reporter_from(user, complaint: Complaint) -> bool:
    """The resident asked to stay anonymous to the property company (issue §2)."""
    return bool(complaint.anonymous and _role(user) in COMPANY_ROLES)


def is_proven_reporter_account(user, complaint: Complaint) -> bool:
    """The resident's own account (not a desk officer who entered the complaint for them)."""
    return bool(complaint.reporter_user_id and complaint.reporter_user_id == getattr(user, "pk", None)
                and _role(user) in RESIDENT_ROLES)


def complaint_scope_label(user) -> str:
    """What the officers' list holds for this user, in words."""
    return str({
        Role.CITY: _("全市诉求（含保密线索）"), Role.DISTRICT: _("本区县诉求"), Role.STREET: _("本街道辖区内的诉求"),
        Role.COMMUNITY: _("本社区辖区内的诉求"), Role.DEPARTMENT: _("派给本部门或召集本部门办理的诉求"),
    }.get(_role(user), _("派给本企业办理的诉求")))


# ---- reads for the pages and the API -----------------------------------------------------------


def active_categories(user=None) -> QuerySet[Category]:
    """The categories anyone may file under (the public form, the API, Open311)."""
    return Category.objects.filter(active=True).order_by("sort_order", "id")


def categories_for_config() -> QuerySet[Category]:
    return Category.objects.order_by("-active", "sort_order", "id")


def category_by_pk(pk) -> Category | None:
    return Category.objects.filter(pk=pk).first()


def escalation_rules_by_level() -> dict[int, EscalationRule]:
    return {r.level: r for r in EscalationRule.objects.all()}


def escalation_rule_of(level: int) -> EscalationRule | None:
    return EscalationRule.objects.filter(level=level).first()


def district_choices() -> list[tuple[int, str]]:
    return list(District.objects.order_by("id").values_list("id", "name"))


def districts_by_code() -> list[dict]:
    return list(District.objects.order_by("code", "id").values("id", "name"))


def street_choices(district_id: int) -> list[tuple[int, str]]:
    return list(Street.objects.filter(district_id=district_id).order_by("id").values_list("id", "name"))


def department_choices(district_id: int | None) -> list[tuple[int, str]]:
    """The district's departments, then the city-level member units (issue 16 §1)."""
    qs = Department.objects.filter(Q(district_id=district_id) | Q(district__isnull=True))
    return list(qs.order_by(F("district_id").asc(nulls_last=True), "kind", "id").values_list("id", "name"))


def place_names(complaint: Complaint) -> dict[str, str | None]:
    """The names of the complaint's company, community and street (for the unit picker)."""
    return {
        "company": PropertyCompany.objects.filter(pk=complaint.company_id).values_list("name", flat=True).first()
        if complaint.company_id else None,
        "community": Community.objects.filter(pk=complaint.community_id).values_list("name", flat=True).first(),
        "street": Street.objects.filter(pk=complaint.street_id).values_list("name", flat=True).first(),
    }


def complaint_tasks(complaint: Complaint) -> list[Task]:
    return list(Task.objects.filter(complaint=complaint).order_by("dispatched_at", "id"))


def complaint_events(complaint: Complaint, *, public_only: bool) -> list[Event]:
    qs = Event.objects.filter(complaint=complaint).order_by("created_at", "id")
    return list(qs.filter(public=True) if public_only else qs)


# The public events whose note the resident reads (issue 14 §7): what they wrote themselves and what
# was written to them (the acceptance and refusal forms say so). Every other note — the desk's dispatch instruction, acceptance remarks, a
# unit's working notes, the reasons for calling departments in — stays with the officials.
RESIDENT_NOTE_ACTIONS = frozenset({"submit", "accept", "refuse", "duplicate", "approve_reply", "callback", "withdraw"})


def resident_note(event: Event) -> str:
    """The note of a public event as the resident may read it ("" when it is internal)."""
    return event.note if event.public and event.action in RESIDENT_NOTE_ACTIONS else ""


# A photo whose file was deleted when its retention period ended (privacy.retention) keeps its
# row with an empty file name; no page lists it or serves it.
PHOTO_KEPT = ~Q(file="")


def report_photos(complaint: Complaint) -> list[Photo]:
    """The photos the resident sent with the complaint (they always see their own)."""
    return list(Photo.objects.filter(PHOTO_KEPT, complaint=complaint, kind=Photo.Kind.REPORT).order_by("id"))


def complaint_photos(complaint: Complaint) -> list[Photo]:
    return list(Photo.objects.filter(PHOTO_KEPT, complaint=complaint).order_by("id"))


def complaint_requests(complaint: Complaint) -> list[Request]:
    return list(Request.objects.filter(complaint=complaint).select_related("requested_by", "decided_by")
                .order_by("-requested_at", "-id"))


def reply_evidence(complaint: Complaint, reply: Event) -> list[Photo]:
    return list(Photo.objects.filter(PHOTO_KEPT, complaint=complaint, event=reply, kind=Photo.Kind.EVIDENCE).order_by("id"))


def photo_with_complaint(pk) -> Photo | None:
    return Photo.objects.select_related("complaint").filter(PHOTO_KEPT, pk=pk).first()


def complaint_by_code(code: str) -> Complaint | None:
    """A complaint by its tracking code (the public tracking page; it shows only what is public)."""
    return (Complaint.objects.select_related("estate", "estate__district", "category")
            .filter(tracking_code=code).first())


def complaint_entered_by(user, pk) -> Complaint | None:
    """A complaint this desk officer entered (the hotline form's confirmation page)."""
    return (Complaint.objects.select_related("estate", "category").filter(pk=pk, created_by=user).first()
            if getattr(user, "is_authenticated", False) else None)


def idempotency_key(scope: str, key: str) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(scope=scope, key=key).select_related("complaint").first()


def idempotency_key_reused(scope: str, key: str, fingerprint: str) -> bool:
    """Was the key used for a filing with another body?"""
    return IdempotencyKey.objects.filter(scope=scope, key=key).exclude(request_hash=fingerprint).exists()


def complaint_fresh(pk) -> Complaint:
    """The complaint as it is now (after a refused action, to tell 403 from 409)."""
    return Complaint.objects.select_related("category", "estate").get(pk=pk)


def with_detail(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """What the API's detail shows of a complaint, read in a fixed number of queries."""
    return qs.select_related("category", "estate", "duplicate_of").prefetch_related(
        Prefetch("events", queryset=Event.objects.order_by("created_at", "id")),
        Prefetch("tasks", queryset=Task.objects.order_by("id")),
        Prefetch("photos", queryset=Photo.objects.filter(PHOTO_KEPT).order_by("id")),
    )


def complaint_detail(pk) -> Complaint:
    return with_detail(Complaint.objects.filter(pk=pk)).get()


def partner_keys() -> QuerySet:
    return PartnerKey.objects.select_related("created_by").order_by("-active", "name", "id")


def all_partner_keys() -> QuerySet:
    return PartnerKey.objects.all()


def can_manage_partner_keys(user) -> bool:
    """Open311 partner keys: the system administrator only."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.SYSADMIN)


def public_estates() -> QuerySet[Estate]:
    """Every estate: names and addresses are public (the public form's estate search, Open311)."""
    return Estate.objects.all()


def estate_by_pk(pk) -> Estate | None:
    return Estate.objects.filter(pk=pk).first()


def estates_named(address: str, limit: int = 2) -> list[Estate]:
    """Estates whose name or address is exactly ``address`` (Open311's address_string)."""
    return list(Estate.objects.filter(Q(name=address) | Q(address=address))[:limit])


def open311_requests() -> QuerySet[Complaint]:
    """Complaints Open311 may show: everything but confidential clue reports."""
    return Complaint.objects.filter(confidential=False).select_related("category", "estate", "duplicate_of")


def categories_changed_at():
    """When the catalogue last changed (Open311 discovery's changeset)."""
    return Category.objects.aggregate(last=Max("updated_at"))["last"]
