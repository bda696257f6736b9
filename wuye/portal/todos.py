"""What needs each role's attention now: the to-do counts at the top of the workbench (issue 14 §2).

Every count is computed by the very filter of the list it links to — the complaint list's
``ComplaintFilter``, the unit queue's ``QueueFilter``, the order list's ``filtered_orders``, the
income and motion lists' own selectors — over the same scoped rows, so a count always equals the
list a person lands on (tests/…/test_todos.py follows every link and compares).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuye.accounts.models import COMPANY_ROLES, Role
from wuye.campaign import selectors as campaign_sel
from wuye.campaign.models import TaskStatus
from wuye.campaign.notices import selectors as notice_sel
from wuye.campaign.notices.models import Receipt
from wuye.cases import selectors as case_sel
from wuye.cases.filters import SOON, ComplaintFilter, QueueFilter
from wuye.cases.models import Request, Status
from wuye.core.calendar import SHORT, local_text
from wuye.disclosure.income import selectors as income_sel
from wuye.disclosure.models import DisclosureStatus, IncomeShare
from wuye.disclosure.utilities import selectors as utility_sel
from wuye.governance.models import Motion
from wuye.governance.votes import selectors as vote_sel
from wuye.registry.models import Ownership
from wuye.supervision.orders import selectors as order_sel
from wuye.supervision.orders.filtering import filtered_orders
from wuye.supervision.orders.models import RectificationOrder

from .todo_lists import LISTS


@dataclass(frozen=True)
class Todo:
    key: str
    label: str
    count: int | None  # None: a tile that leads somewhere without counting (我要投诉)
    url: str
    tone: str = "primary"  # danger | warning | primary | secondary
    icon: str = "bi-list-check"
    note: str = ""  # a line under the label: the nearest deadline, the latest amount


def _complaints(user, params: dict) -> int:
    return ComplaintFilter(QueryDict(urlencode(params)), queryset=case_sel.complaints_visible_to(user)).qs.count()


def _queue(user, params: dict) -> int:
    return QueueFilter(QueryDict(urlencode(params)), queryset=case_sel.open_tasks_for_unit(user)).qs.count()


def _orders(user, params: dict) -> int:
    return filtered_orders(QueryDict(urlencode(params)), user)[1].count()


def _income(user, params: dict) -> int:
    return income_sel.reports_visible_to(user).filter(status=params["status"]).count()


def _motions(user, params: dict) -> int:
    return vote_sel.motion_list_for(user, status=params["status"], now=timezone.now()).count()


def _mine(user, params: dict) -> int:
    return case_sel.complaints_visible_to(user).filter(reporter_user=user).count()


def _inbox(user, params: dict) -> int:
    # The inbox page's own filter: one receipt status of the user's unit.
    return notice_sel.inbox_of(user).filter(status=params["status"]).count()


def _tasks(user, params: dict) -> int:
    # The campaign board's rows of that derived status (the board filters the same rows).
    return len(campaign_sel.board_rows(user, status=params["status"]))


def _utility_shares(user, params: dict) -> int:
    return utility_sel.shares_of_resident(user).count()


def _own_list(user, params: dict) -> int:
    spec, rows_of = LISTS[params["__list"]]
    return rows_of(user, timezone.localdate()).count()


# (key, label, list url name, query, counter, tone, icon)
Row = tuple[str, object, str, dict, Callable[[object, dict], int], str, str]

DESK: list[Row] = [
    ("submitted", _("待受理"), "cases:page_list", {"status": Status.SUBMITTED}, _complaints, "primary", "bi-inbox"),
    ("accepted", _("待派单"), "cases:page_list", {"status": Status.ACCEPTED}, _complaints, "primary", "bi-send"),
    ("reply_review", _("答复待审核"), "cases:page_list", {"status": Status.REPLY_REVIEW}, _complaints, "primary",
     "bi-chat-square-text"),
    ("return", _("退单待审批"), "cases:page_list", {"pending": Request.Kind.RETURN}, _complaints, "warning",
     "bi-arrow-return-left"),
    ("extension", _("延期待审批"), "cases:page_list", {"pending": Request.Kind.EXTENSION}, _complaints, "warning",
     "bi-hourglass-split"),
    ("soon", _("即将超时"), "cases:page_list", {"overdue": SOON}, _complaints, "warning", "bi-alarm"),
    ("overdue", _("已超时"), "cases:page_list", {"overdue": "1"}, _complaints, "danger", "bi-exclamation-triangle"),
]
AREA: list[Row] = [
    ("open", _("辖区在办诉求"), "cases:page_list", {"status": "open"}, _complaints, "primary", "bi-inbox"),
    ("soon", _("辖区即将超时"), "cases:page_list", {"overdue": SOON}, _complaints, "warning", "bi-alarm"),
    ("overdue", _("辖区已超时"), "cases:page_list", {"overdue": "1"}, _complaints, "danger",
     "bi-exclamation-triangle"),
]
QUEUE: list[Row] = [
    ("pending", _("待签收"), "cases:page_queue", {"status": "pending"}, _queue, "primary", "bi-pen"),
    ("to_contact", _("待联系"), "cases:page_queue", {"status": "to_contact"}, _queue, "primary", "bi-telephone"),
    ("to_reply", _("待答复"), "cases:page_queue", {"status": "to_reply"}, _queue, "primary", "bi-reply"),
    ("task_soon", _("承办即将超时"), "cases:page_queue", {"overdue": SOON}, _queue, "warning", "bi-alarm"),
    ("task_overdue", _("承办已超时"), "cases:page_queue", {"overdue": "1"}, _queue, "danger", "bi-exclamation-triangle"),
]
ORDERS_OVERDUE: Row = ("orders_overdue", _("逾期未整改"), "supervision:order_list", {"status": "overdue"}, _orders,
                       "danger", "bi-clipboard-x")
ORDERS_OPEN: Row = ("orders_open", _("待整改"), "supervision:order_list", {"status": RectificationOrder.Status.OPEN},
                    _orders, "warning", "bi-clipboard-check")
INCOME_TO_CONFIRM: Row = ("income_to_confirm", _("公共收益待确认"), "disclosure:income_list",
                          {"status": DisclosureStatus.SUBMITTED}, _income, "warning", "bi-cash-coin")
VOTES_RUNNING: Row = ("votes", _("表决进行中"), "governance:motion_list", {"status": Motion.Status.VOTING}, _motions,
                      "primary", "bi-check2-square")
MY_COMPLAINTS: Row = ("mine", _("我的诉求"), "cases:public_mine", {}, _mine, "primary", "bi-card-list")
# Notices (wuye.campaign.notices) the unit has not acknowledged: unread, and read but not acknowledged.
NOTICES: list[Row] = [
    ("notices_unread", _("未读通知"), "notices:inbox", {"status": Receipt.Status.PENDING}, _inbox, "warning",
     "bi-envelope"),
    ("notices_unacked", _("已读未签收通知"), "notices:inbox", {"status": Receipt.Status.READ}, _inbox, "warning",
     "bi-envelope-open"),
]
# The campaign's key tasks the unit leads or shares, behind schedule or overdue.
TASKS: list[Row] = [
    ("tasks_behind", _("任务进度滞后"), "campaign:board", {"status": TaskStatus.BEHIND}, _tasks, "warning",
     "bi-graph-down"),
    ("tasks_overdue", _("任务逾期未完成"), "campaign:board", {"status": TaskStatus.OVERDUE}, _tasks, "danger",
     "bi-calendar-x"),
]
STAR_OBJECTIONS: Row = ("star_objections", _("星级公示异议待处理"), "star-objections", {}, _own_list, "warning",
                        "bi-star-half")
COMMITTEE_TERMS: Row = ("committee_terms", _("业委会任期即将届满"), "committee-terms", {}, _own_list, "warning",
                        "bi-hourglass-bottom")
COMMITTEE_FILING: Row = ("committee_filing", _("业委会待备案"), "committee-filing", {}, _own_list, "warning",
                         "bi-journal-check")
INCOME_NO_COMMITTEE: Row = ("income_no_committee", _("无业委会小区收益待确认"), "income-no-committee", {}, _own_list,
                            "warning", "bi-cash-coin")
UTILITY_SHARES: Row = ("utility_shares", _("我的水电公摊"), "disclosure:utility_mine", {}, _utility_shares,
                       "primary", "bi-lightning-charge")
INCOME_SHARES: Row = ("income_shares", _("我的公共收益"), "disclosure:income_list",
                      {"status": DisclosureStatus.PUBLISHED}, _income, "primary", "bi-piggy-bank")


def _rows_for(user) -> list[Row]:
    role = getattr(user, "role", None)
    rows: list[Row] = []
    if case_sel.is_desk(user):
        rows += DESK
    elif role in (Role.STREET, Role.COMMUNITY):
        rows += AREA
    if case_sel.can_use_queue(user) and role != Role.DISTRICT:
        rows += QUEUE
    if role in (*COMPANY_ROLES, Role.DEPARTMENT) and order_sel.can_use_order_pages(user):
        rows.append(ORDERS_OPEN)
    if role in (Role.CITY, Role.DISTRICT, Role.STREET, Role.DEPARTMENT, *COMPANY_ROLES) \
            and order_sel.can_use_order_pages(user):
        rows.append(ORDERS_OVERDUE)
    if role in (Role.CITY, Role.DISTRICT):
        rows.append(STAR_OBJECTIONS)
    if role == Role.COMMITTEE and income_sel.can_list_reports(user):
        rows.append(INCOME_TO_CONFIRM)
    if role in (Role.STREET, Role.COMMUNITY):
        rows += [INCOME_NO_COMMITTEE, COMMITTEE_TERMS, COMMITTEE_FILING]
    if role == Role.COMMITTEE:
        rows.append(COMMITTEE_FILING)
    if role in (Role.COMMITTEE, Role.RESIDENT) and vote_sel.can_view_motions(user):
        rows.append(VOTES_RUNNING)
    if role in (*COMPANY_ROLES, Role.DEPARTMENT, Role.STREET, Role.COMMUNITY, Role.DISTRICT):
        rows += NOTICES
    if role == Role.DEPARTMENT and campaign_sel.can_use_campaign(user):
        rows += TASKS
    if role == Role.RESIDENT:
        rows += [UTILITY_SHARES, INCOME_SHARES]
    if role in (Role.COMMITTEE, Role.RESIDENT):
        rows.insert(0, MY_COMPLAINTS)
    return rows


def _note(user, key: str) -> str:
    """The line under a tile's label: the nearest rectification deadline, the latest share."""
    if key == "orders_open":
        order = (filtered_orders(QueryDict(urlencode({"status": RectificationOrder.Status.OPEN})), user)[1]
                 .order_by("deadline").only("deadline").first())
        return str(_("最近期限 %(d)s") % {"d": local_text(order.deadline, SHORT)}) if order else ""
    if key == "utility_shares":
        share = (utility_sel.shares_of_resident(user).order_by("-allocation__period_end", "-id")
                 .only("charge").first())
        return str(_("最近一期 %(a)s 元") % {"a": intcomma(share.charge)}) if share else ""
    if key == "income_shares":
        share = (IncomeShare.objects.filter(unit_id__in=_own_units(user), report__in=income_sel.reports_visible_to(user))
                 .order_by("-report__period_end", "-id").only("amount").first())
        return str(_("最近一期应享 %(a)s 元") % {"a": intcomma(share.amount)}) if share else ""
    return ""


def _own_units(user):
    return Ownership.objects.filter(owner_id=user.owner_id).values("unit_id") if user.owner_id else []


def todos_for(user) -> list[Todo]:
    """The role's to-do counts, each linking to the list it counts."""
    out = []
    for key, label, url_name, params, count, tone, icon in _rows_for(user):
        if url_name in LISTS:  # the workbench's own list (todo_lists)
            params = {"__list": url_name}
            url = reverse("portal:todo_list", args=[url_name])
        else:
            url = reverse(url_name) + (f"?{urlencode(params)}" if params else "")
        n = count(user, params)
        out.append(Todo(key, str(label), n, url, tone, icon, _note(user, key) if n else ""))
    if getattr(user, "role", None) == Role.RESIDENT:
        out.insert(0, Todo("file", str(_("我要投诉")), None, reverse("cases:public_mine_new"), "danger",
                           "bi-megaphone"))
    return out
