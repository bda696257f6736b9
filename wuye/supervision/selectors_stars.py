"""Who sees which surveys, star applications, ratings and reviews — decided here and nowhere else.

- city bureau: everything;
- district authority: its district;
- street office and community: the surveys and ratings of their area (read only);
- property company (manager and staff): its own applications, ratings, reviews and the surveys of
  the estates it serves;
- owners (resident, or a committee member bound to an owner) and the committee: the surveys of
  their estate;
- the public: active ratings and the applications in public notice (``*_public`` selectors).
Out of scope is 404 (audited), never a leak of existence.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from wuye.accounts.models import Role
from wuye.core.access import get_visible_or_404
from wuye.registry.models import Ownership

from .models import DowngradeReview, StarApplication, StarObjection, StarRating, Survey, SurveyTemplate

NOTHING = Q(pk__in=[])
OFFICIAL_ROLES = {Role.CITY, Role.DISTRICT}
COMPANY_ROLES = {Role.COMPANY_MANAGER, Role.COMPANY_STAFF}


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _area_q(user, prefix: str = "") -> Q | None:
    """Officials' and the company's share, on a model with district/estate/company; None = all."""
    if not _active(user):
        return NOTHING
    role = user.role
    if role == Role.CITY:
        return None
    if role == Role.DISTRICT:
        return Q(**{f"{prefix}district_id": user.district_id})
    if role in COMPANY_ROLES:
        return Q(company_id=user.company_id) if user.company_id else NOTHING
    return NOTHING


def _scoped(qs: QuerySet, q: Q | None) -> QuerySet:
    return qs if q is None else qs.filter(q)


# ---- surveys ------------------------------------------------------------------------------------


def survey_q(user) -> Q | None:
    if not _active(user):
        return NOTHING
    role = user.role
    if role == Role.CITY:
        return None
    if role == Role.DISTRICT:
        return Q(estate__district_id=user.district_id)
    if role == Role.STREET:
        return Q(estate__street_id=user.street_id)
    if role == Role.COMMUNITY:
        return Q(estate__community_id=user.community_id)
    if role in COMPANY_ROLES:
        return Q(company_id=user.company_id) if user.company_id else NOTHING
    q = NOTHING
    if role == Role.COMMITTEE and user.estate_id:
        q = Q(estate_id=user.estate_id)
    if role in (Role.RESIDENT, Role.COMMITTEE) and user.owner_id:
        q |= Q(estate_id__in=Ownership.objects.filter(owner_id=user.owner_id).values("estate_id"))
    return q


def surveys_visible_to(user) -> QuerySet[Survey]:
    return _scoped(Survey.objects.all(), survey_q(user))


def survey_get_for_user(*, user, pk) -> Survey:
    return get_visible_or_404(surveys_visible_to(user).select_related("estate", "estate__district", "company", "template"),
                              user=user, pk=pk)


def can_open_surveys(user) -> bool:
    return _active(user) and user.role in OFFICIAL_ROLES


def can_edit_templates(user) -> bool:
    return _active(user) and user.role == Role.CITY


def templates_visible_to(user) -> QuerySet[SurveyTemplate]:
    if _active(user) and user.role in OFFICIAL_ROLES:
        return SurveyTemplate.objects.all()
    return SurveyTemplate.objects.none()


# ---- applications -------------------------------------------------------------------------------


def applications_visible_to(user) -> QuerySet[StarApplication]:
    return _scoped(StarApplication.objects.all(), _area_q(user))


def application_get_for_user(*, user, pk) -> StarApplication:
    return get_visible_or_404(
        applications_visible_to(user).select_related("estate", "company", "district", "inspection", "survey", "submitted_by",
                                                     "decided_by"),
        user=user, pk=pk)


def objection_get_for_user(*, user, pk) -> StarObjection:
    """Objections carry the objector's name and phone: officials of the district only."""
    q = _area_q(user, "application__")
    if not _active(user) or user.role not in OFFICIAL_ROLES:
        q = NOTHING
    return get_visible_or_404(_scoped(StarObjection.objects.select_related("application", "application__estate"), q),
                              user=user, pk=pk)


def notices_public() -> QuerySet[StarApplication]:
    """Applications in public notice (anyone may read and object)."""
    return StarApplication.objects.filter(status=StarApplication.Status.NOTICE)


# ---- ratings and reviews --------------------------------------------------------------------------


def ratings_visible_to(user) -> QuerySet[StarRating]:
    """Every rating (history included) in the user's share; street and community read their area."""
    if _active(user) and user.role == Role.STREET:
        return StarRating.objects.filter(estate__street_id=user.street_id)
    if _active(user) and user.role == Role.COMMUNITY:
        return StarRating.objects.filter(estate__community_id=user.community_id)
    return _scoped(StarRating.objects.all(), _area_q(user))


def ratings_public() -> QuerySet[StarRating]:
    return StarRating.objects.filter(status=StarRating.Status.ACTIVE)


def can_see_ratings_admin(user) -> bool:
    return _active(user) and user.role in OFFICIAL_ROLES | COMPANY_ROLES | {Role.STREET, Role.COMMUNITY}


def reviews_visible_to(user) -> QuerySet[DowngradeReview]:
    return _scoped(DowngradeReview.objects.all(), _area_q(user, "rating__") if _active(user) and user.role not in COMPANY_ROLES
                   else (Q(rating__company_id=user.company_id) if _active(user) and user.company_id else NOTHING))


def review_get_for_user(*, user, pk) -> DowngradeReview:
    return get_visible_or_404(
        reviews_visible_to(user).select_related("rating", "rating__estate", "rating__company", "decided_by"),
        user=user, pk=pk)
