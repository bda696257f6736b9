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

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuye.accounts.models import COMPANY_ROLES, Role
from wuye.cases import selectors as case_sel
from wuye.cases.filters import SOON, ComplaintFilter, QueueFilter
from wuye.cases.models import Request, Status
from wuye.disclosure.income import selectors as income_sel
from wuye.disclosure.models import DisclosureStatus
from wuye.governance.models import Motion
from wuye.governance.votes import selectors as vote_sel
from wuye.supervision.orders import selectors as order_sel
from wuye.supervision.orders.filtering import filtered_orders
from wuye.supervision.orders.models import RectificationOrder


@dataclass(frozen=True)
class Todo:
    key: str
    label: str
    count: int | None  # None: a tile that leads somewhere without counting (我要投诉)
    url: str
    tone: str = "primary"  # danger | warning | primary | secondary
    icon: str = "bi-list-check"


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


def _rows_for(user) -> list[Row]:
    role = getattr(user, "role", None)
    rows: list[Row] = []
    if case_sel.is_desk(user):
        rows += DESK
    elif role in (Role.STREET, Role.COMMUNITY):
        rows += AREA
    if case_sel.can_use_queue(user) and role != Role.DISTRICT:
        rows += QUEUE
    if role in COMPANY_ROLES:
        rows.append(ORDERS_OPEN)
    if role in (Role.CITY, Role.DISTRICT, Role.STREET, *COMPANY_ROLES) and order_sel.can_use_order_pages(user):
        rows.append(ORDERS_OVERDUE)
    if role in (Role.COMMITTEE, Role.STREET, Role.COMMUNITY) and income_sel.can_list_reports(user):
        rows.append(INCOME_TO_CONFIRM)
    if role in (Role.COMMITTEE, Role.RESIDENT) and vote_sel.can_view_motions(user):
        rows.append(VOTES_RUNNING)
    if role in (Role.COMMITTEE, Role.RESIDENT):
        rows.insert(0, MY_COMPLAINTS)
    return rows


def todos_for(user) -> list[Todo]:
    """The role's to-do counts, each linking to the list it counts."""
    out = []
    for key, label, url_name, params, count, tone, icon in _rows_for(user):
        url = reverse(url_name) + (f"?{urlencode(params)}" if params else "")
        out.append(Todo(key, str(label), count(user, params), url, tone, icon))
    if getattr(user, "role", None) == Role.RESIDENT:
        out.insert(0, Todo("file", str(_("我要投诉")), None, reverse("cases:public_mine_new"), "danger",
                           "bi-megaphone"))
    return out
