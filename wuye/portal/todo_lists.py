"""The workbench's own lists, for the to-dos no other page lists as such (issue 14 §2).

A to-do count links to the list it counts. Most to-dos land on an existing list with a filter (the
complaint list, the unit queue, the order list…); the few below have no such list elsewhere, so the
workbench keeps them here — each one a scoped queryset that the to-do tile counts and the page
lists, so the number on the tile is the number of rows on the page:

- ``star-objections`` (city bureau, district): star applications in their public notice with an
  objection not yet handled (rules.md §8: public notice with written objections);
- ``committee-terms`` (street, community): current owners' committees whose term ends within
  ``TERM_WARNING_DAYS`` days or has ended (rules.md §1: a term is at most five years);
- ``committee-filing`` (committee, street, community): current committees not yet filed
  (rules.md §1: filed with the district authority and street office within 30 days);
- ``income-no-committee`` (street, community): common-income reports submitted for confirmation
  in estates with no current committee, which the street office confirms (rules.md §2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from wuye.accounts.models import Role
from wuye.disclosure.income import selectors as income_sel
from wuye.disclosure.models import DisclosureStatus, IncomeReport
from wuye.registry import selectors as rsel
from wuye.registry.models import OwnersCommittee
from wuye.supervision.stars import selectors as star_sel
from wuye.supervision.stars.models import StarApplication, StarObjection

from .selectors import COMMITTEE_FILING_DAYS, committee_filing_deadline

# A committee whose term ends within this many days is listed (and one whose term has ended).
TERM_WARNING_DAYS = 90


@dataclass(frozen=True)
class TodoList:
    slug: str
    title: object
    intro: object
    roles: frozenset
    empty: object

    def allowed(self, user) -> bool:
        return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role in self.roles)


def star_objections(user, today: date) -> QuerySet[StarApplication]:
    pending = StarObjection.objects.filter(application_id=OuterRef("pk"), status=StarObjection.Status.PENDING)
    return (star_sel.applications_visible_to(user)
            .filter(Exists(pending), status=StarApplication.Status.NOTICE)
            .annotate(n_pending=Count("objections", filter=Q(objections__status=StarObjection.Status.PENDING)))
            .select_related("estate", "company")
            .order_by("notice_end", "id"))


def committee_terms(user, today: date) -> QuerySet[OwnersCommittee]:
    return (rsel.committees_visible_to(user)
            .filter(is_current=True, term_end__lte=today + timedelta(days=TERM_WARNING_DAYS))
            .select_related("estate")
            .order_by("term_end", "id"))


def committee_filing(user, today: date) -> QuerySet[OwnersCommittee]:
    return (rsel.committees_visible_to(user)
            .filter(is_current=True, filed_on__isnull=True)
            .annotate(filing_due=committee_filing_deadline())
            .select_related("estate")
            .order_by("term_start", "id"))


def income_no_committee(user, today: date):
    # The same condition as income.selectors.has_current_committee, as a subquery: the estate has a
    # current committee whose term has not ended; where it has none, the street office confirms.
    committee = OwnersCommittee.objects.filter(estate_id=OuterRef("estate_id"), is_current=True, term_end__gte=today)
    return (income_sel.reports_visible_to(user)
            .filter(status=DisclosureStatus.SUBMITTED)
            .exclude(Exists(committee))
            .select_related("estate", "company")
            .order_by("submitted_at", "id"))

LISTS: dict[str, tuple[TodoList, object]] = {
    "star-objections": (TodoList(
        "star-objections", _("星级公示异议待处理"),
        _("公示中的星级评定收到书面异议、尚未处理的（公示期内须逐件处理异议后方可生效）。"),
        frozenset({Role.CITY, Role.DISTRICT}), _("没有待处理异议的星级公示。")), star_objections),
    "committee-terms": (TodoList(
        "committee-terms", _("业委会任期即将届满"),
        _("本届业主委员会任期 90 日内届满或已届满的，请指导及时筹备换届选举（任期不超过 5 年）。"),
        frozenset({Role.STREET, Role.COMMUNITY}), _("辖区内没有任期即将届满的业委会。")), committee_terms),
    "committee-filing": (TodoList(
        "committee-filing", _("业委会待备案"),
        _("业主委员会应自选举产生之日起 30 日内向区县主管部门和街道办事处备案。"),
        frozenset({Role.COMMITTEE, Role.STREET, Role.COMMUNITY}), _("没有待备案的业委会。")), committee_filing),
    "income-no-committee": (TodoList(
        "income-no-committee", _("无业委会小区公共收益待确认"),
        _("未成立业主委员会（或业委会任期已届满）的小区，公共收益报告由街道办事处确认。"),
        frozenset({Role.STREET, Role.COMMUNITY}), _("没有待确认的公共收益报告。")), income_no_committee),
}

__all__ = ["COMMITTEE_FILING_DAYS", "LISTS", "TERM_WARNING_DAYS", "TodoList", "spec_model"]


def spec_model(slug: str):
    """The model a list's rows are (named in the audit row of a refusal)."""
    return {"star-objections": StarApplication, "income-no-committee": IncomeReport}.get(slug, OwnersCommittee)
