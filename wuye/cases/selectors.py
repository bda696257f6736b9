"""Who sees which complaints, decided here and nowhere else (DESIGN.md; scenario 12).

- city bureau: every complaint, clue reports included;
- district authority: its district; street office: its street; community: its community —
  never confidential clue reports (涉黑涉恶), which reach only police and the city bureau;
- functional department: complaints it holds a task for; police also confidential ones in its district;
- property company (manager and staff): complaints dispatched to the company (it holds a task);
- resident, committee member: the complaints they filed themselves;
- administrators and everyone else: none.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from wuye.accounts.models import Role
from wuye.core.access import get_visible_or_404, refuse
from wuye.core.masking import mask_name, mask_phone

from .models import OPEN_STATUSES, Complaint, Request, Task, UnitKind
from .units import unit_key_of
from .workflow import Context, allowed_actions

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
        if dept.kind == "police":
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
    if complaint.status in OPEN_STATUSES and complaint.dispatched_at is not None:
        for task in Task.objects.filter(complaint=complaint).exclude(role=Task.Role.LEAD):
            if task.is_open:
                open_joint = True
                if key and (task.unit_kind, task.unit_id) == key and joint_task is None:
                    joint_task = task
    pending: frozenset[str] = frozenset()
    if complaint.dispatched_at is not None:
        pending = frozenset(
            Request.objects.filter(complaint=complaint, state=Request.State.PENDING).values_list("kind", flat=True)
        )
    return Context(unit_key=key, joint_task=joint_task, pending=pending, open_joint_tasks=open_joint, reporter=reporter)


def actions_for(user, complaint: Complaint, *, reporter: bool = False) -> list[str]:
    return allowed_actions(user, complaint, action_context(user, complaint, reporter=reporter))


def complaint_for_action(*, user, pk, reporter: bool = False) -> Complaint:
    """Fetch for acting: visible (404) — whether the action is allowed is checked by the service."""
    return complaint_get_for_user(user=user, pk=pk)


# ---- what each viewer may read of the resident ------------------------------------------------

COMPANY_ROLES = {Role.COMPANY_MANAGER, Role.COMPANY_STAFF}


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
