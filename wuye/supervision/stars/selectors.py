"""Who sees which star applications, ratings and reviews, and who may do what on the star
pages — decided here and nowhere else (surveys: ``surveys/selectors.py``).

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

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from wuye.accounts.models import Role
from wuye.core.access import get_visible_or_404
from wuye.registry.models import Estate
from wuye.supervision.inspections.models import Inspection
from wuye.supervision.inspections.workflow import SCORED_STATUSES
from wuye.supervision.selectors import (
    COMPANY_ROLES,
    OFFICIAL_ROLES,
    is_active,
    is_city,
    is_company_manager,
    is_company_manager_for,
    is_official,
    is_official_for,
)
from wuye.supervision.surveys.models import Survey

from .models import DowngradeReview, StarApplication, StarObjection, StarRating
from .workflow import IN_PROGRESS, allowed_actions, review_permits

NOTHING = Q(pk__in=[])
APP_ROLES = OFFICIAL_ROLES | COMPANY_ROLES
_active = is_active


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


# ---- policies of the pages ---------------------------------------------------------------------------


def can_use_star_pages(user) -> bool:
    """Applications and reviews: officials and property companies."""
    return is_active(user) and user.role in APP_ROLES


def can_apply_for_stars(user) -> bool:
    """Only a property company's manager applies (staff read)."""
    return is_company_manager(user)


def is_star_official(user) -> bool:
    """The city bureau or a district authority (the officials' columns and links)."""
    return is_official(user)


def is_star_official_for(user, district_id) -> bool:
    return is_official_for(user, district_id)


def can_act_on_application(user, app: StarApplication) -> bool:
    """May ``user`` take part in the application at all (an official of its district, its company's manager)?"""
    return is_official_for(user, app.district_id) or is_company_manager_for(user, app.company_id)


def application_actions(user, app: StarApplication) -> list[str]:
    return allowed_actions(user, app)


def can_decide_review(user, review: DowngradeReview) -> bool:
    return any(review_permits(a, review, user) for a in ("keep", "downgrade", "revoke"))


def can_edit_star_settings(user) -> bool:
    return is_city(user)


# ---- reads of the pages -------------------------------------------------------------------------------


def estate_public_get(pk) -> Estate | None:
    return Estate.objects.select_related("district", "street", "company").filter(pk=pk).first()


def estate_rating_history(estate_id, n: int = 20) -> list[StarRating]:
    return list(StarRating.objects.filter(estate_id=estate_id).select_related("company").order_by("-valid_from", "-id")[:n])


def rating_counts_public() -> dict[int, int]:
    return dict(ratings_public().values_list("level").annotate(n=Count("id")))


def usable_inspections(estate_id):
    """The estate's inspections with a score (to evaluate a star application)."""
    return Inspection.objects.filter(estate_id=estate_id, status__in=SCORED_STATUSES,
                                     total_score__isnull=False).order_by("-inspected_on", "-id")


def closed_surveys(estate_id):
    return Survey.objects.filter(estate_id=estate_id, status=Survey.Status.CLOSED).order_by("-closes_at")


def rating_for_official(user, pk) -> StarRating | None:
    return ratings_visible_to(user).filter(pk=pk).select_related("estate").first()


def estate_star_summary(estate, user) -> dict:
    """The estate page's star panel: current level (or the last ended), and the application in
    progress for those who may see it. One query, and one more for a signed-in user."""
    latest = (StarRating.objects.filter(estate_id=estate.pk)
              .order_by(Case(When(status=StarRating.Status.ACTIVE, then=Value(0)), default=Value(1),
                             output_field=IntegerField()), "-valid_from", "-id").first())
    current = latest if latest is not None and latest.status == StarRating.Status.ACTIVE else None
    in_progress = None
    if getattr(user, "is_authenticated", False):
        in_progress = (applications_visible_to(user).filter(estate_id=estate.pk, status__in=sorted(IN_PROGRESS))
                       .order_by("-created_at").first())
    return {"current": current, "last_ended": latest if current is None else None, "in_progress": in_progress,
            "notice": in_progress is not None and in_progress.status == StarApplication.Status.NOTICE}
