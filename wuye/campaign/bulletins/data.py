"""The figures a bulletin is drafted from (issue 16 item 6): each section reads the platform's own
selectors — no rule is computed again here — and gives its default text and its figures, each
``{"label", "value", "url"}`` with the link to the page the figure comes from.

Sections, in order: task progress by unit (``campaign.selectors.task_summary_for_bulletin``);
complaint handling and the red and black lists (``cases.selectors_metrics``); inspections and
overdue rectification orders (``supervision``); credit events and the red and black lists
(``credit``); overdue common-income disclosures (``disclosure.income``); the units praised and the
units criticised (通报批评: the red lists, and the complaints at the top supervision level); the
requirements (text only).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.cases import selectors_metrics as MS
from wuye.cases.metrics import Weights, month_param
from wuye.cases.models import CaseSettings, Complaint, SupervisionLevel, UnitKind, UnitMonthStat
from wuye.core.calendar import END_OF_DAY, add_months
from wuye.credit.models import CreditEvent, CreditRule
from wuye.credit.selectors import public_black_list, public_list_counts, public_red_list
from wuye.disclosure.income.selectors import estates_missing
from wuye.disclosure.income.services import income_deadline
from wuye.supervision.inspections.models import Inspection
from wuye.supervision.orders.models import RectificationOrder
from wuye.supervision.orders.workflow import OPEN_ORDER_STATUSES

LIST_NAMES = 10  # names quoted in the text of a list (the source page has them all)


@dataclass
class Draft:
    key: str
    heading: str
    text: str
    figures: list[dict] = field(default_factory=list)
    source_url: str = ""


def _url(name: str, query: str = "") -> str:
    try:
        return reverse(name) + (f"?{query}" if query else "")
    except NoReverseMatch:  # the page is not built (yet): the figure keeps no link
        return ""


def _fig(label: str, value, url: str = "") -> dict:
    return {"label": str(label), "value": str(value), "url": url}


def _end_of(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY, tzinfo=timezone.get_default_timezone())


def _start_of(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_default_timezone())


def _months(start: date, end: date) -> list[date]:
    out, m = [], date(start.year, start.month, 1)
    while m <= end:
        out.append(m)
        m = add_months(m, 1)
    return out


def _names(names: list[str], total: int | None = None) -> str:
    """Up to ``LIST_NAMES`` names, then "等N家" with the full count."""
    total = len(names) if total is None else total
    shown = [n for n in names[:LIST_NAMES] if n]
    more = _("等%(n)d家") % {"n": total} if total > LIST_NAMES else ""
    return "、".join(shown) + more if shown else _("无")


# ---- the sections ------------------------------------------------------------------------------


def tasks_section(start: date, end: date) -> Draft:
    # Imported here: the plans' selectors are another team's module, read only by this section.
    from wuye.campaign.selectors import task_summary_for_bulletin

    rows = task_summary_for_bulletin(start=start, end=end)
    url = _url("campaign:board")
    figures, lines = [], []
    total = Counter()
    for row in rows:
        for k in ("tasks", "done", "on_track", "behind", "overdue", "not_started"):
            total[k] += row[k]
        figures.append(_fig(row["unit"].name, _("%(tasks)d项：完成%(done)d、正常推进%(on_track)d、滞后%(behind)d、逾期%(overdue)d、"
                                                "未启动%(not_started)d") % row, url))
        if row["behind"] or row["overdue"]:
            lines.append(_("%(unit)s牵头的%(n)d项任务滞后或逾期") % {"unit": row["unit"].name, "n": row["behind"] + row["overdue"]})
    figures.insert(0, _fig(_("重点任务合计"), _("%(tasks)d项：完成%(done)d、正常推进%(on_track)d、滞后%(behind)d、逾期%(overdue)d、"
                                                  "未启动%(not_started)d") % {k: total[k] for k in
                                                  ("tasks", "done", "on_track", "behind", "overdue", "not_started")}, url))
    text = _("截至%(end)s，年度工作方案确定的%(tasks)d项重点任务中，已完成%(done)d项，正常推进%(on_track)d项，"
             "滞后%(behind)d项，逾期%(overdue)d项，未启动%(not_started)d项。") % {
        "end": f"{end.year}年{end.month}月{end.day}日", **{k: total[k] for k in
                                                       ("tasks", "done", "on_track", "behind", "overdue", "not_started")}}
    if lines:
        text += "其中，" + "；".join(lines) + "。"
    return Draft("tasks", _("重点任务推进情况"), text, figures, url)


def complaints_section(start: date, end: date) -> Draft:
    months = _months(start, end)
    cs = CaseSettings.current()
    weights = Weights.current()
    companies = UnitMonthStat.objects.filter(month__in=months, unit_kind=UnitKind.COMPANY)
    total = MS.summary(companies, weights, name=_("物业服务企业"))
    last = months[-1]
    url = _url("cases:metrics_ranking", f"month={month_param(last)}")
    [ranking] = MS.rankings(companies.filter(month=last), weights, cs.ranking_size, kinds=[UnitKind.COMPANY])
    red = [f.unit_name for f in ranking.red]
    black = [f.unit_name for f in ranking.black]
    rates = {"assigned": total.counts["assigned"], "completion": total.completion, "resolution": total.resolution,
             "satisfaction": total.satisfaction}
    figures = [
        _fig(_("派给物业服务企业的诉求"), rates["assigned"], url),
        _fig(_("按时办结率"), f"{rates['completion']}%" if rates["completion"] is not None else "—", url),
        _fig(_("解决率"), f"{rates['resolution']}%" if rates["resolution"] is not None else "—", url),
        _fig(_("满意率"), f"{rates['satisfaction']}%" if rates["satisfaction"] is not None else "—", url),
        _fig(_("红榜（%(m)s）") % {"m": f"{last.year}年{last.month}月"}, _names(red), url),
        _fig(_("黑榜（%(m)s）") % {"m": f"{last.year}年{last.month}月"}, _names(black), url),
    ]
    text = _("本期全市物业服务企业承办诉求%(n)d件，按时办结率%(c)s，解决率%(r)s，满意率%(s)s。"
             "%(m)s诉求办理红榜：%(red)s；黑榜：%(black)s。") % {
        "n": rates["assigned"], "c": figures[1]["value"], "r": figures[2]["value"], "s": figures[3]["value"],
        "m": f"{last.year}年{last.month}月", "red": _names(red), "black": _names(black)}
    return Draft("complaints", _("诉求办理情况"), text, figures, url)


def inspections_section(start: date, end: date) -> Draft:
    done = Inspection.objects.filter(inspected_on__gte=start, inspected_on__lte=end).exclude(
        status__in=(Inspection.Status.ASSIGNED, Inspection.Status.CANCELLED))
    agg = done.aggregate(n=Count("pk"), defects=Count("pk", filter=Q(defect_count__gt=0)))
    orders = RectificationOrder.objects.filter(status__in=OPEN_ORDER_STATUSES, deadline__lt=_end_of(end))
    overdue = list(orders.values("company__name").annotate(n=Count("pk")).order_by("-n", "company__name"))
    url_i, url_o = _url("supervision:inspection_list"), _url("supervision:order_list")
    n_overdue = sum(r["n"] for r in overdue)
    figures = [
        _fig(_("完成监督检查"), _("%(n)d次") % {"n": agg["n"]}, url_i),
        _fig(_("发现问题的检查"), _("%(n)d次") % {"n": agg["defects"]}, url_i),
        _fig(_("逾期未整改的整改通知"), _("%(n)d件") % {"n": n_overdue}, url_o),
        *[_fig(r["company__name"], _("逾期未整改%(n)d件") % {"n": r["n"]}, url_o) for r in overdue[:LIST_NAMES]],
    ]
    text = _("本期完成物业服务监督检查%(n)d次，其中%(d)d次发现问题并下达整改通知。截至%(end)s，逾期未整改的整改通知%(o)d件，"
             "涉及企业：%(names)s。") % {"n": agg["n"], "d": agg["defects"], "o": n_overdue,
                                   "end": f"{end.year}年{end.month}月{end.day}日",
                                   "names": _names([r["company__name"] for r in overdue])}
    return Draft("inspections", _("监督检查和整改情况"), text, figures, url_i)


def credit_section(start: date, end: date) -> Draft:
    events = CreditEvent.objects.filter(status=CreditEvent.Status.CONFIRMED, occurred_on__gte=start, occurred_on__lte=end)
    agg = events.aggregate(good=Count("pk", filter=Q(klass=CreditRule.Klass.GOOD)),
                           bad=Count("pk", filter=~Q(klass=CreditRule.Klass.GOOD)))
    lists = public_list_counts()
    red = [c.company.name for c in public_red_list()[:LIST_NAMES + 1]]
    black = [c.company.name for c in public_black_list()[:LIST_NAMES + 1]]
    url_e, url_r, url_b = _url("credit:event_list"), _url("credit:public_red"), _url("credit:public_black")
    figures = [
        _fig(_("新增良好信用信息"), _("%(n)d条") % {"n": agg["good"]}, url_e),
        _fig(_("新增不良信用信息"), _("%(n)d条") % {"n": agg["bad"]}, url_e),
        _fig(_("信用红名单"), _("%(n)d家") % {"n": lists["red"]}, url_r),
        _fig(_("信用黑名单"), _("%(n)d家") % {"n": lists["black"]}, url_b),
    ]
    text = _("本期认定良好信用信息%(g)d条、不良信用信息%(b)d条。目前列入信用红名单的企业%(r)d家：%(rn)s；"
             "列入信用黑名单的企业%(k)d家：%(kn)s。") % {
        "g": agg["good"], "b": agg["bad"], "r": lists["red"], "k": lists["black"],
        "rn": _names(red, lists["red"]), "kn": _names(black, lists["black"])}
    return Draft("credit", _("信用信息和红黑名单"), text, figures, url_e)


def disclosure_section(start: date, end: date) -> Draft:
    year = end.year - 1
    deadline = income_deadline(end.year)
    url = _url("disclosure:income_overdue")
    if end <= deadline:
        text = _("%(y)d年度公共收益公示截止日为%(d)s，本期尚未到期。") % {
            "y": year, "d": f"{deadline.year}年{deadline.month}月{deadline.day}日"}
        return Draft("disclosure", _("公共收益逾期未公示情况"), text, [_fig(_("逾期未公示小区"), _("未到期"), url)], url)
    by_district = list(estates_missing(year).values("district__name").annotate(n=Count("pk")).order_by("district__name"))
    n = sum(r["n"] for r in by_district)
    figures = [_fig(_("逾期未公示小区"), _("%(n)d个") % {"n": n}, url),
               *[_fig(r["district__name"], _("%(n)d个") % {"n": r["n"]}, url) for r in by_district]]
    text = _("截至%(end)s，%(y)d年度公共收益逾期未公示的小区共%(n)d个（%(by)s）。") % {
        "end": f"{end.year}年{end.month}月{end.day}日", "y": year, "n": n,
        "by": "、".join(_("%(d)s%(n)d个") % {"d": r["district__name"], "n": r["n"]} for r in by_district) or _("无")}
    return Draft("disclosure", _("公共收益逾期未公示情况"), text, figures, url)


def praise_section(start: date, end: date) -> Draft:
    red = [c.company.name for c in public_red_list()[:LIST_NAMES + 1]]
    url = _url("credit:public_red")
    text = _("对列入信用红名单的%(names)s予以通报表扬。") % {"names": _names(red)} if red else _("本期无通报表扬的单位。")
    return Draft("praise", _("通报表扬"), text, [_fig(_("信用红名单"), _names(red), url)], url)


def criticise_section(start: date, end: date) -> Draft:
    criticised = list(
        Complaint.objects.filter(supervision_level=SupervisionLevel.CRITICISED, created_at__lte=_end_of(end))
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=_start_of(start)))
        .exclude(unit_name="").values("unit_name").annotate(n=Count("pk")).order_by("-n", "unit_name"))
    black = [c.company.name for c in public_black_list()[:LIST_NAMES + 1]]
    url_c, url_b = _url("cases:page_list", f"level={SupervisionLevel.CRITICISED.value}"), _url("credit:public_black")
    figures = [*[_fig(r["unit_name"], _("通报批评级督办诉求%(n)d件") % {"n": r["n"]}, url_c) for r in criticised[:LIST_NAMES]],
               _fig(_("信用黑名单"), _names(black), url_b)]
    parts = []
    if criticised:
        parts.append(_("对诉求办理经督办仍未按期办结、升级至通报批评的%(names)s予以通报批评") % {
            "names": _names([r["unit_name"] for r in criticised])})
    if black:
        parts.append(_("对列入信用黑名单的%(names)s予以通报批评") % {"names": _names(black)})
    text = ("；".join(parts) + "。") if parts else _("本期无通报批评的单位。")
    return Draft("criticise", _("通报批评"), text, figures, url_c or url_b)


def requirements_section(start: date, end: date) -> Draft:
    text = _("各成员单位要对照责任分工，对滞后、逾期任务和被通报批评的问题逐项整改，于下一报送周期报送整改情况。")
    return Draft("requirements", _("下一步工作要求"), text)


SECTIONS: list[Callable[[date, date], Draft]] = [
    tasks_section, complaints_section, inspections_section, credit_section, disclosure_section,
    praise_section, criticise_section, requirements_section,
]


def draft_sections(start: date, end: date) -> list[Draft]:
    return [build(start, end) for build in SECTIONS]
