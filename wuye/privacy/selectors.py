"""Who may do what with personal data over time (issue 18 §12): decided here and nowhere else.

- the system administrator: the retention periods (the settings page);
- a resident (role ``resident``): their own data — its page, its download (个人信息保护法第四十五条：
  个人有权向个人信息处理者查阅、复制其个人信息) — and their own correction requests;
- the city bureau: handles every correction request (第四十六条). It is the platform's
  personal-information processor and keeps the complaint desk's records; the system administrator
  runs the platform without reading residents' business data (三员分立).
Everyone else: 403 on these pages, 404 on a request that is not theirs.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from wuye.accounts.models import Role
from wuye.cases.models import Complaint
from wuye.core.access import get_visible_or_404
from wuye.disclosure.models import DisclosureStatus, IncomeShare, UtilityShare
from wuye.disclosure.utilities.selectors import shares_of_resident
from wuye.governance.models import Ballot
from wuye.registry.models import Ownership

from .models import CorrectionRequest, RetentionSettings
from .workflow import CORRECTION

S = CorrectionRequest.Status


def _role(user):
    return getattr(user, "role", None) if getattr(user, "is_authenticated", False) and user.is_active else None


# ---- policies -------------------------------------------------------------------------------------


def can_edit_retention(user) -> bool:
    return _role(user) == Role.SYSADMIN


def is_resident(user) -> bool:
    """The "我的个人信息" page, its download and the correction form: residents only."""
    return _role(user) == Role.RESIDENT


def can_handle_corrections(user) -> bool:
    return _role(user) == Role.CITY


def can_view_corrections(user) -> bool:
    return is_resident(user) or can_handle_corrections(user)


def correction_actor_kinds(user, request: CorrectionRequest) -> set[str]:
    return {"handler"} if can_handle_corrections(user) else set()


def correction_actions(user, request: CorrectionRequest) -> list[str]:
    return CORRECTION.allowed(request, correction_actor_kinds(user, request))


# ---- retention ------------------------------------------------------------------------------------


def retention_settings() -> RetentionSettings:
    return RetentionSettings.current()


# ---- correction requests --------------------------------------------------------------------------


def corrections_visible_to(user, *, status: str = "", field: str = "") -> QuerySet[CorrectionRequest]:
    """The handler's inbox (every request) or the resident's own; nobody else's."""
    qs = CorrectionRequest.objects.select_related("requester", "handled_by")
    if can_handle_corrections(user):
        pass
    elif is_resident(user):
        qs = qs.filter(requester=user)
    else:
        return qs.none()
    if status in S.values:
        qs = qs.filter(status=status)
    if field in CorrectionRequest.Field.values:
        qs = qs.filter(field=field)
    return qs.order_by("-created_at", "-id")


def correction_get_for_user(*, user, pk) -> CorrectionRequest:
    return get_visible_or_404(corrections_visible_to(user), user=user, pk=pk)


def correction_events(request: CorrectionRequest) -> list:
    return list(request.events.select_related("actor").order_by("created_at", "id"))


def corrections_inbox_count(user) -> int:
    """Requests waiting for the handler (0 for anybody else)."""
    if not can_handle_corrections(user):
        return 0
    return CorrectionRequest.objects.filter(status=S.SUBMITTED).count()


# ---- a resident's own data (个人信息保护法第四十五条) -------------------------------------------------


def own_complaints(user) -> QuerySet[Complaint]:
    if not is_resident(user):
        return Complaint.objects.none()
    return (Complaint.objects.filter(reporter_user=user).select_related("estate", "category")
            .order_by("created_at", "id"))


def own_ballots(user) -> QuerySet[Ballot]:
    """Ballots of the roll entries the resident's owner record stands on, and any they cast."""
    if not is_resident(user):
        return Ballot.objects.none()
    q = Q(cast_by=user)
    if user.owner_id:
        q |= Q(entry__owners__id=user.owner_id)
    return (Ballot.objects.filter(pk__in=Ballot.objects.filter(q).values("pk"))
            .select_related("motion", "motion__estate", "entry").order_by("cast_at", "id"))


def own_utility_shares(user) -> QuerySet[UtilityShare]:
    if not is_resident(user):
        return UtilityShare.objects.none()
    return (shares_of_resident(user).select_related("allocation", "allocation__estate", "unit")
            .order_by("allocation__period_start", "id"))


def own_income_shares(user) -> QuerySet[IncomeShare]:
    if not is_resident(user) or not user.owner_id:
        return IncomeShare.objects.none()
    units = Ownership.objects.filter(owner_id=user.owner_id).values("unit_id")
    return (IncomeShare.objects.filter(unit_id__in=units, report__status=DisclosureStatus.PUBLISHED)
            .select_related("report", "report__estate", "unit").order_by("report_id", "id"))


def own_data_counts(user) -> dict[str, int]:
    return {"complaints": own_complaints(user).count(), "ballots": own_ballots(user).count(),
            "utility_shares": own_utility_shares(user).count(), "income_shares": own_income_shares(user).count()}
