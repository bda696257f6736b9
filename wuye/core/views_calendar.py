"""The working-day calendar page (city bureau and system administrator): a year's month grids
coloured by working day, rest day, holiday and make-up working day, and the overrides the bureau
keeps (add, edit, delete with confirmation). Everybody else gets 404, audited."""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from . import calendar as cal
from .access import get_visible_or_404
from .forms_calendar import CalendarDayForm
from .listing import page_window, paginate
from .selectors_calendar import calendar_days_visible_to, require_calendar_manager
from .services_calendar import FIRST_YEAR, LAST_YEAR, calendar_day_delete, calendar_day_set

WEEKDAY_LABELS = (
    pgettext_lazy("weekday", "一"), pgettext_lazy("weekday", "二"), pgettext_lazy("weekday", "三"),
    pgettext_lazy("weekday", "四"), pgettext_lazy("weekday", "五"), pgettext_lazy("weekday", "六"),
    pgettext_lazy("weekday", "日"),
)


def _year_from(value, default: int) -> int:
    """``?year=`` when it is a sensible year; anything else shows the default year."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if FIRST_YEAR <= year <= LAST_YEAR else default


def _list_url(year: int) -> str:
    return f"{reverse('calendar:day_list')}?year={year}"


@dataclass
class Cell:
    info: cal.DayInfo | None  # None: a blank cell before the 1st or after the last day

    @property
    def css(self) -> str:
        if self.info is None:
            return "wy-cal-blank"
        out = f"wy-cal-{self.info.kind}"
        if self.info.source == "override":
            out += " wy-cal-override"
        if self.info.date == timezone.localdate():
            out += " wy-cal-today"
        return out


def _month(year: int, month: int) -> dict:
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([Cell(cal.day_info(d) if d.month == month else None) for d in week])
    return {"number": month, "weeks": weeks}


def _year_summary(months: list[dict]) -> dict:
    counts = {kind: 0 for kind in cal.DayKind.values}
    for month in months:
        for week in month["weeks"]:
            for cell in week:
                if cell.info is not None:
                    counts[cell.info.kind] += 1
    return {
        "workdays": counts[cal.DayKind.WORKDAY] + counts[cal.DayKind.MAKEUP],
        "holidays": counts[cal.DayKind.HOLIDAY],
        "makeups": counts[cal.DayKind.MAKEUP],
        "rest": counts[cal.DayKind.WEEKEND] + counts[cal.DayKind.HOLIDAY],
    }


@require_GET
@login_required
def day_list(request):
    require_calendar_manager(request.user)
    this_year = timezone.localdate().year
    year = _year_from(request.GET.get("year"), this_year)
    qs = calendar_days_visible_to(request.user).filter(date__year=year)
    page = paginate(request, qs)
    query = request.GET.copy()
    query.pop("page", None)
    if request.htmx and not request.htmx.boosted and request.htmx.target == "wy-results":  # a page of the table
        return render(request, "core/calendar/_days.html", {"year": year, "page": page, "window": page_window(page),
                                                            "query": query.urlencode()})
    months = [_month(year, m) for m in range(1, 13)]
    return render(request, "core/calendar/list.html", {
        "calendar_page": True,  # the page shows its own, more detailed warning
        "year": year,
        "this_year": this_year,
        "prev_year": year - 1 if year > FIRST_YEAR else None,
        "next_year": year + 1 if year < LAST_YEAR else None,
        "months": months,
        "weekdays": WEEKDAY_LABELS,
        "summary": _year_summary(months),
        "warning_years": cal.years_without_data(),
        "year_without_data": bool(cal.years_without_data([year])),
        "package_has_year": cal.package_has_year(year),
        "package_last_year": cal.PACKAGE_LAST_YEAR,
        "page": page,
        "window": page_window(page),
        "query": query.urlencode(),
    })


def _save(request, form: CalendarDayForm, *, fixed_date: date | None = None):
    """Call the service with the form's data; on a refused write put its messages on the form."""
    data = form.cleaned_data
    day = fixed_date or data["date"]
    try:
        obj = calendar_day_set(actor=request.user, day=day, is_workday=data["is_workday"], name=data["name"],
                               note=data["note"])
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return None
    return obj


def _render_form(request, form, *, title: str, obj=None, year: int):
    for name in form.errors:
        if name in form.fields:  # Bootstrap's red border on the fields to fix
            widget = form.fields[name].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
    return render(request, "core/calendar/form.html", {
        "calendar_page": True,
        "form": form,
        "title": title,
        "obj": obj,
        "year": year,
        "cancel_url": _list_url(year),
        "breadcrumbs": [(_("工作日历"), _list_url(year)), (title, None)],
    })


@require_http_methods(["GET", "POST"])
@login_required
def day_create(request):
    require_calendar_manager(request.user)
    today = timezone.localdate()
    if request.method == "POST":
        form = CalendarDayForm(request.POST)
    else:
        initial = {}
        wanted = request.GET.get("date")
        if wanted:
            try:
                initial["date"] = date.fromisoformat(wanted)
            except ValueError:
                pass
        if "date" in initial:
            info = cal.day_info(initial["date"])
            initial["is_workday"] = "0" if info.is_workday else "1"  # an override usually flips the day
        form = CalendarDayForm(initial=initial)
    year = today.year
    if form.is_bound and form.is_valid():
        day = form.cleaned_data["date"]
        year = day.year
        existing = calendar_days_visible_to(request.user).filter(date=day).first()
        if existing is not None:
            form.add_error("date", _("%(date)s 已有调整“%(name)s”，请在列表中修改该条。") % {
                "date": f"{day:%Y-%m-%d}", "name": existing.name})
        elif (obj := _save(request, form)) is not None:
            messages.success(request, _("已新增 %(day)s 的工作日历调整。") % {"day": obj})
            return redirect(_list_url(obj.date.year))
    elif form.initial.get("date"):
        year = form.initial["date"].year
    return _render_form(request, form, title=_("新增工作日历调整"), year=year)


@require_http_methods(["GET", "POST"])
@login_required
def day_edit(request, pk: int):
    require_calendar_manager(request.user)
    obj = get_visible_or_404(calendar_days_visible_to(request.user), user=request.user, pk=pk)
    initial = {"date": obj.date, "is_workday": "1" if obj.is_workday else "0", "name": obj.name, "note": obj.note}
    form = CalendarDayForm(request.POST if request.method == "POST" else None, initial=initial, fixed_date=True)
    if form.is_bound and form.is_valid() and _save(request, form, fixed_date=obj.date) is not None:
        messages.success(request, _("已保存 %(date)s 的工作日历调整。") % {"date": f"{obj.date:%Y-%m-%d}"})
        return redirect(_list_url(obj.date.year))
    return _render_form(request, form, title=_("修改工作日历调整"), obj=obj, year=obj.date.year)


@require_http_methods(["GET", "POST"])
@login_required
def day_delete(request, pk: int):
    require_calendar_manager(request.user)
    obj = get_visible_or_404(calendar_days_visible_to(request.user), user=request.user, pk=pk)
    year = obj.date.year
    if request.method == "POST":
        text = str(obj)
        try:
            calendar_day_delete(actor=request.user, day=obj)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已删除 %(day)s；该日恢复按国务院放假安排计算。") % {"day": text})
        return redirect(_list_url(year))
    package = cal.package_is_workday(obj.date)
    return render(request, "core/calendar/confirm_delete.html", {
        "calendar_page": True,
        "obj": obj,
        "package": package,
        "cancel_url": _list_url(year),
        "breadcrumbs": [(_("工作日历"), _list_url(year)), (_("删除调整"), None)],
    })
