"""Pages of training (issue 16 item 11): sessions (list, new, one session with its roster),
enrolment, sign-in attendance with scores and certificates, and the yearly hours — per person,
and the project managers in the area who lack hours."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.core.access import get_visible_or_404, refuse
from wuye.core.errors import ServiceError, error_text
from wuye.core.listing import page_window, paginate, query_string
from wuye.registry.selectors import staff_visible_to

from . import selectors as sel
from . import services as svc
from .forms import AttendanceForm, SessionForm
from .models import Session


def _crumbs(*items):
    return [(_("物业培训"), reverse("training:session_list")), *items]


def _require_use(user):
    if not sel.can_use_training(user):
        refuse(user=user, model=Session, pk="", status=403, reason=_("该角色不使用培训页面"))


@require_GET
@login_required
def session_list(request):
    user = request.user
    _require_use(user)
    q = (request.GET.get("q") or "").strip()
    when = request.GET.get("when", "")
    qs = sel.sessions_visible_to(user).order_by("-starts_at", "-id")
    now = timezone.now()
    if q:
        qs = qs.filter(Q(course__title__icontains=q) | Q(course__topic__icontains=q))
    if when == "upcoming":
        qs = qs.filter(starts_at__gte=now)
    elif when == "past":
        qs = qs.filter(starts_at__lt=now)
    page = paginate(request, qs)
    return render(request, "training/session_list.html", {
        "page": page, "rows": list(page.object_list), "window": page_window(page), "query": query_string(request.GET),
        "q": q, "when": when, "filtered": bool(q or when), "can_organise": sel.can_organise(user),
        "breadcrumbs": _crumbs()})


@require_http_methods(["GET", "POST"])
@login_required
def session_new(request):
    user = request.user
    if not sel.can_organise(user):
        refuse(user=user, model=Session, pk="", status=403, reason=_("只有市住房保障房产局和区县主管部门可以组织培训"))
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            course = svc.course_create(by=user, title=d["title"], topic=d["topic"], audience=d["audience"])
            session = svc.session_create(by=user, course=course, starts_at=d["starts_at"], hours=d["hours"],
                                         trainer=d["trainer"], capacity=d["capacity"], online=d["online"],
                                         place=d["place"])
        except ServiceError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _g("培训班次已发布"))
            return redirect("training:session_detail", session.pk)
    return render(request, "training/session_form.html", {"form": form, "breadcrumbs": _crumbs((_("组织培训"), None))})


@require_GET
@login_required
def session_detail(request, pk: int):
    user = request.user
    session = sel.session_get_for_user(user=user, pk=pk)
    runs = sel.can_run_session(user, session)
    return render(request, "training/session_detail.html", {
        "session": session, "runs": runs, "roster": list(sel.enrolments_of(session)) if runs else [],
        "mine": sel.own_enrolment(user, session), "staff": list(sel.company_staff_for(user)),
        "can_enrol_self": sel.can_use_training(user) and not sel.can_organise(user),
        "breadcrumbs": _crumbs((session.course.title, None))})


@require_POST
@login_required
def session_enrol(request, pk: int):
    user = request.user
    session = sel.session_get_for_user(user=user, pk=pk)
    staff = None
    if request.POST.get("staff"):
        staff = get_visible_or_404(staff_visible_to(user), user=user, pk=request.POST["staff"])
    try:
        e = svc.enrol(by=user, session=session, staff=staff)
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _g("%(name)s 已报名") % {"name": e.name})
    return redirect("training:session_detail", session.pk)


@require_POST
@login_required
def attendance(request, pk: int):
    e = sel.enrolment_for_organiser(user=request.user, pk=pk)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _g("考试成绩应为 0 到 100 之间的数字"))
    else:
        d = form.cleaned_data
        try:
            svc.attendance_record(by=request.user, enrolment=e, present=d["present"], exam_score=d["exam_score"],
                                  certificate_no=d["certificate_no"])
        except ServiceError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _g("已登记 %(name)s 的签到和成绩") % {"name": e.name})
    return redirect("training:session_detail", e.session_id)


@require_GET
@login_required
def hours_report(request):
    user = request.user
    if not sel.can_organise(user):
        refuse(user=user, model=Session, pk="", status=403, reason=_("只有市住房保障房产局和区县主管部门可以查看学时统计"))
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    lacking = sel.managers_lacking_hours(user, year)
    people = sel.people_hours(user, year)
    return render(request, "training/hours.html", {
        "year": year, "years": list(range(timezone.localdate().year, timezone.localdate().year - 4, -1)),
        "lacking": lacking[:500], "lacking_total": len(lacking), "people": people[:500], "people_total": len(people),
        "breadcrumbs": _crumbs((_("学时统计"), None))})
