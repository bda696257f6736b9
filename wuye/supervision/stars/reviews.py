"""Downgrade reviews of active star ratings and the periodic star sweep (issue 4 §6; rules.md §8).

- a review opens on substantiated complaints over the threshold in the window, on a rectification
  order reopened by re-inspection, or by an official's hand; it ends kept, downgraded (a new
  rating row) or revoked, with reasons; XJ90 on downgrade or revoke;
- ``star_sweep`` (periodic, idempotent): surveys open and close on time, results take effect
  after their notice, ratings expire, downgrade triggers open reviews.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.selectors import company_users, official_users
from wuye.cases.models import Complaint
from wuye.core.audit import audit_record
from wuye.core.calendar import local_text
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditAction
from wuye.notifications.services import notify
from wuye.supervision.models import SupervisionSettings
from wuye.supervision.orders.models import RectificationOrder
from wuye.supervision.selectors import is_official_for
from wuye.supervision.surveys.services import survey_sweep

from .models import DowngradeReview, StarApplication, StarObjection, StarRating
from .services import DOWNGRADE_RULE, _credit, _end_active_rating, level_name, star_make_effective
from .workflow import REVIEW_TRANSITIONS

S = StarApplication.Status


def _notify_review(review: DowngradeReview, subject: str, body: str, *, key: str, officials: bool = False) -> None:
    rating = review.rating
    users = list(company_users(rating.company_id))
    if officials:
        users += list(official_users(rating.district_id))
    notify(users=users, subject=subject, body=body, url=f"/supervision/stars/reviews/{review.pk}/",
           channels=("inapp",), dedup_key=f"star-review:{review.pk}:{key}", category="supervision")


def downgrade_review_open(*, rating: StarRating, trigger: str, detail: str, source_key: str = "",
                          actor=None) -> DowngradeReview | None:
    """Open a downgrade review of an active rating; with ``source_key`` only once per source.
    Returns the review, or None when the source already had one."""
    if actor is not None and not is_official_for(actor, rating.district_id):
        raise ServiceError(_("只有小区所在区县主管部门或市住房保障房产局可以发起降级复核"))
    detail = (detail or "").strip()
    if not detail:
        raise ServiceError(_("请填写发起复核的情况说明"))
    if rating.status != StarRating.Status.ACTIVE:
        raise ServiceError(_("该星级已不在有效期内，无需复核"))
    if source_key and DowngradeReview.objects.filter(rating=rating, source_key=source_key).exists():
        return None
    try:
        with transaction.atomic():
            review = DowngradeReview.objects.create(rating=rating, trigger=trigger, detail=detail[:500],
                                                    source_key=source_key[:80])
            audit_record(action=AuditAction.CREATE, actor=actor, obj=review,
                         changes={"rating": rating.pk, "trigger": trigger, "source_key": source_key})
            _notify_review(review, _("星级降级复核"), _("%(estate)s 的%(level)s进入降级复核：%(why)s") % {
                "estate": rating.estate.name, "level": level_name(rating.level), "why": detail}, key="open",
                officials=actor is None)
    except IntegrityError:  # opened meanwhile by another worker under the same source
        return None
    return review


@transaction.atomic
def downgrade_review_decide(*, actor, review: DowngradeReview, decision: str, reason: str,
                            new_level: int | None = None, now: datetime | None = None) -> DowngradeReview:
    """Keep, downgrade (to ``new_level``, a new rating row) or revoke, with reasons."""
    now = now or timezone.now()
    if decision not in REVIEW_TRANSITIONS:
        raise ServiceError(_("请选择复核结论"))
    t = REVIEW_TRANSITIONS[decision]
    rating = review.rating
    if not is_official_for(actor, rating.district_id):
        raise ServiceError(_("只有小区所在区县主管部门或市住房保障房产局可以作出复核结论"))
    if review.status not in t.sources:
        raise ServiceError(_("该复核已经作出结论"))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("请填写复核意见"))
    if decision == "downgrade":
        try:
            new_level = int(new_level or 0)
        except (TypeError, ValueError):
            new_level = 0
        if not 1 <= new_level < rating.level:
            raise ServiceError(_("降级后的星级须低于现星级（%(level)s）且不低于一星级；如需取消星级请选择撤销") % {
                "level": level_name(rating.level)})
    else:
        new_level = None
    updated = DowngradeReview.objects.filter(pk=review.pk, status=DowngradeReview.Status.OPEN).update(
        status=t.target, new_level=new_level, decision_reason=reason, decided_by=actor, decided_at=now, updated_at=now)
    if updated != 1:
        raise ConflictError(_("该复核刚被他人处理过，请刷新页面"))
    review.refresh_from_db()
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=review,
                 changes={"status": ["open", review.status], "new_level": new_level}, detail=reason[:500])
    today = timezone.localdate(now)
    if decision in ("downgrade", "revoke"):
        if rating.status != StarRating.Status.ACTIVE:
            raise ServiceError(_("该星级已不在有效期内"))
        end_status = StarRating.Status.DOWNGRADED if decision == "downgrade" else StarRating.Status.REVOKED
        _end_active_rating(rating, status=end_status, now=now, reason=_("降级复核 %(n)s：%(r)s") % {"n": review.pk, "r": reason})
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=rating, changes={"status": ["active", end_status]})
        if decision == "downgrade":
            new = StarRating.objects.create(
                estate_id=rating.estate_id, company_id=rating.company_id, district_id=rating.district_id,
                application_id=rating.application_id, level=new_level, valid_from=today,
                valid_until=max(rating.valid_until, today), previous=rating,
            )
            audit_record(action=AuditAction.CREATE, actor=actor, obj=new, changes={"level": new_level, "previous": rating.pk},
                         detail=_("降级复核后的星级"))
        _credit(rating, DOWNGRADE_RULE, f"star-review:{review.pk}",
                _("%(estate)s 的%(level)s经复核%(what)s：%(r)s") % {
                    "estate": rating.estate.name, "level": level_name(rating.level),
                    "what": _("降为%(n)s") % {"n": level_name(new_level)} if new_level else _("被撤销"), "r": reason}, today)
    _notify_review(review, _("星级降级复核结论"), _("%(estate)s 的降级复核结论：%(res)s。%(r)s") % {
        "estate": rating.estate.name, "res": t.label, "r": reason}, key="decided")
    return review


def substantiated_complaints(estate_id: int, *, since: datetime):
    """Complaints of the estate since ``since`` that proved well-founded: resolved, or reopened
    after an unsatisfied callback; complaints found unreasonable do not count."""
    return Complaint.objects.filter(estate_id=estate_id, created_at__gte=since, unreasonable=False).filter(
        Q(callback_resolved=True) | Q(reopen_count__gt=0))


def star_downgrade_scan(*, now: datetime | None = None) -> int:
    """Open downgrade reviews for active ratings whose estate has too many substantiated complaints
    in the window, or a rectification order reopened by re-inspection. Returns the number opened."""
    now = now or timezone.now()
    cs = SupervisionSettings.current()
    since = now - timedelta(days=cs.downgrade_window_days)
    opened = 0
    ratings = list(StarRating.objects.filter(status=StarRating.Status.ACTIVE).select_related("estate"))
    for rating in ratings:
        if cs.downgrade_complaints and not rating.reviews.filter(status=DowngradeReview.Status.OPEN,
                                                                   trigger=DowngradeReview.Trigger.COMPLAINTS).exists():
            n = substantiated_complaints(rating.estate_id, since=max(since, rating.created_at)).count()
            if n >= cs.downgrade_complaints:
                month = local_text(now, "%Y-%m")
                with transaction.atomic():
                    if downgrade_review_open(rating=rating, trigger=DowngradeReview.Trigger.COMPLAINTS,
                                             source_key=f"complaints:{month}",
                                             detail=_("近 %(days)s 天经核实的投诉 %(n)s 件，达到 %(min)s 件的复核标准") % {
                                                 "days": cs.downgrade_window_days, "n": n, "min": cs.downgrade_complaints}):
                        opened += 1
        reopened = RectificationOrder.objects.filter(estate_id=rating.estate_id, reopen_count__gt=0,
                                                     updated_at__gte=rating.created_at).values_list("pk", "number")
        for pk, number in reopened:
            with transaction.atomic():
                if downgrade_review_open(rating=rating, trigger=DowngradeReview.Trigger.REINSPECTION,
                                         source_key=f"order:{pk}",
                                         detail=_("整改通知 %(n)s 复查未通过，被重新打开") % {"n": number}):
                    opened += 1
    return opened


def star_ratings_expire(*, now: datetime | None = None) -> int:
    """Mark active ratings past ``valid_until`` expired (conditional UPDATE: idempotent)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    n = 0
    for rating in StarRating.objects.filter(status=StarRating.Status.ACTIVE, valid_until__lt=today):
        with transaction.atomic():
            if StarRating.objects.filter(pk=rating.pk, status=StarRating.Status.ACTIVE).update(
                    status=StarRating.Status.EXPIRED, ended_at=now, end_reason=_("有效期届满"), updated_at=now):
                n += 1
                audit_record(action=AuditAction.UPDATE, actor=None, obj=rating, changes={"status": ["active", "expired"]},
                             detail=_("星级有效期届满"))
                notify(users=list(company_users(rating.company_id)), subject=_("星级有效期届满"),
                       body=_("%(estate)s 的%(level)s已于 %(d)s 到期，可重新申报。") % {
                           "estate": rating.estate.name, "level": level_name(rating.level), "d": rating.valid_until.isoformat()},
                       url="/supervision/stars/applications/", channels=("inapp",),
                       dedup_key=f"star-rating:{rating.pk}:expired", category="supervision")
    return n


def star_notices_due(*, now: datetime | None = None) -> int:
    """Make effective every application whose notice has ended with no objection pending."""
    now = now or timezone.now()
    n = 0
    due = StarApplication.objects.filter(status=S.NOTICE, notice_end__lte=now).exclude(
        objections__status=StarObjection.Status.PENDING)
    for app in due.select_related("estate", "company"):
        try:
            star_make_effective(actor=None, application=app, now=now)
            n += 1
        except ServiceError:  # taken meanwhile by an official, or an objection arrived
            continue
    return n


def star_sweep(*, now: datetime | None = None) -> dict:
    """The periodic work of surveys and stars. Safe to run twice or on two workers."""
    now = now or timezone.now()
    result = survey_sweep(now=now)
    result["effective"] = star_notices_due(now=now)
    result["expired"] = star_ratings_expire(now=now)
    result["reviews"] = star_downgrade_scan(now=now)
    return result
