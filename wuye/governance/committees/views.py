"""Pages of the supervision of owners' committees and owners' oversight (issue 19 §3–6):
decisions (record, review, correction, questions), committee meetings, committees with their
conduct (flags, member changes, conflicts of interest), and the owners' oversight page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.core.access import refuse
from wuye.core.errors import ServiceError, error_text
from wuye.core.listing import page_window, paginate, query_string
from wuye.core.masking import mask_name, mask_phone

from . import selectors as sel
from . import services as svc
from .forms import (
    AnswerForm,
    ConflictForm,
    CorrectionForm,
    DecisionForm,
    MeetingForm,
    MemberChangeForm,
    NoteForm,
    QuestionForm,
    ReviewForm,
)
from .models import CommitteeDecision, CommitteeMeeting, OwnerQuestion
from .workflow import DECISION

ROOT = (_("业委会监督"), None)


def _crumbs(*extra):
    return [(_("业委会监督"), reverse("governance:cgov_decision_list")), *extra]


def _need(ok: bool, user, model, reason) -> None:
    if not ok:
        refuse(user=user, model=model, pk="", reason=reason, status=403)


def _form_error(form, e: ServiceError) -> None:
    if hasattr(e, "error_dict"):
        for name, errs in e.error_dict.items():
            form.add_error(name if name in form.fields else None, errs)
    else:
        form.add_error(None, e.messages)


# ---- decisions --------------------------------------------------------------------------------


@require_GET
@login_required
def decision_list(request):
    user = request.user
    _need(sel.can_view(user), user, CommitteeDecision, _("该角色不使用业委会监督页面"))
    status = request.GET.get("status", "")
    if status not in CommitteeDecision.Status.values:
        status = ""
    due = request.GET.get("due", "")
    q = (request.GET.get("q") or "").strip()
    today = timezone.localdate()
    page = paginate(request, sel.decision_list_for(user, status=status, q=q, due=due, today=today))
    ctx = {"page": page, "rows": list(page.object_list), "window": page_window(page), "query": query_string(request.GET),
           "status": status, "statuses": CommitteeDecision.Status.choices, "q": q, "due": due, "today": today,
           "can_record": sel.can_record(user), "is_official": sel.is_official(user),
           "breadcrumbs": [ROOT, (_("业委会决定"), None)]}
    return render(request, "committees/decision_list.html", ctx)


@require_http_methods(["GET", "POST"])
@login_required
def decision_new(request):
    user = request.user
    _need(sel.can_record(user), user, CommitteeDecision, _("只有现任业主委员会成员可以登记决定"))
    form = DecisionForm(request.POST or None, meetings=sel.meetings_of_committee(user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            decision = svc.decision_record(actor=user, title=d["title"], body=d["body"], matter=d["matter"],
                                           decided_on=d["decided_on"], meeting=d["meeting"], number=d["number"])
        except ServiceError as e:
            _form_error(form, e)
        else:
            messages.success(request, _g("决定已登记，待社区或街道审查"))
            return redirect("governance:cgov_decision_detail", decision.pk)
    return render(request, "committees/decision_form.html", {
        "form": form, "breadcrumbs": _crumbs((_("登记决定"), None))})


@require_GET
@login_required
def decision_detail(request, pk):
    user = request.user
    d = sel.decision_get_for_user(user=user, pk=pk)
    actions = sel.decision_actions(user, d)
    questions = sel.questions_of(d)
    for q in questions:
        q.asker_shown = mask_name(q.owner.name)
        q.can_answer = "answer" in sel.question_actions(user, q)
    return render(request, "committees/decision_detail.html", {
        "d": d, "actions": actions, "labels": {a: DECISION.label(a) for a in actions},
        "opinions": sel.opinions_of(d), "timeline": sel.decision_timeline(d), "questions": questions,
        "review_form": ReviewForm(), "correction_form": CorrectionForm(), "note_form": NoteForm(),
        "question_form": QuestionForm() if sel.can_ask(user, d) else None, "answer_form": AnswerForm(),
        "review_overdue": d.status == CommitteeDecision.Status.RECORDED and d.review_due < timezone.localdate(),
        "breadcrumbs": _crumbs((d.title, None))})


@require_POST
@login_required
def decision_act(request, pk, action):
    user = request.user
    d = sel.decision_get_for_user(user=user, pk=pk)
    if action not in DECISION.transitions:
        refuse(user=user, model=CommitteeDecision, pk=pk, reason=_("不支持的操作"))
    try:
        if action == "review":
            form = ReviewForm(request.POST)
            if not form.is_valid():
                raise ServiceError(_g("请选择指导意见"))
            svc.decision_review(actor=user, decision=d, opinion=form.cleaned_data["opinion"], reasons=form.cleaned_data["reasons"])
        elif action == "order_correction":
            form = CorrectionForm(request.POST)
            if not form.is_valid():
                raise ServiceError(_g("请填写责令改正理由"))
            svc.decision_order_correction(actor=user, decision=d, reason=form.cleaned_data["reason"], due=form.cleaned_data["due"])
        elif action == "answer_correction":
            form = NoteForm(request.POST)
            svc.decision_answer_correction(actor=user, decision=d, answer=form.cleaned_data["note"] if form.is_valid() else "")
        else:
            form = NoteForm(request.POST)
            svc.decision_act(actor=user, decision=d, action=action, note=form.cleaned_data["note"] if form.is_valid() else "")
    except ServiceError as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, _g("已%(a)s") % {"a": DECISION.label(action)})
    return redirect("governance:cgov_decision_detail", d.pk)


@require_POST
@login_required
def question_ask(request, pk):
    user = request.user
    d = sel.decision_get_for_user(user=user, pk=pk)
    form = QuestionForm(request.POST)
    try:
        if not form.is_valid():
            raise ServiceError(_g("请填写质询或异议的内容"))
        svc.question_ask(actor=user, decision=d, kind=form.cleaned_data["kind"], text=form.cleaned_data["text"])
    except ServiceError as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, _g("已提交，业委会将在期限内答复"))
    return redirect("governance:cgov_decision_detail", d.pk)


@require_POST
@login_required
def question_answer(request, pk):
    user = request.user
    q = sel.question_get_for_user(user=user, pk=pk)
    form = AnswerForm(request.POST)
    try:
        svc.question_answer(actor=user, question=q, answer=form.cleaned_data["answer"] if form.is_valid() else "")
    except ServiceError as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, _g("已答复"))
    return redirect("governance:cgov_decision_detail", q.decision_id)


@require_GET
@login_required
def question_list(request):
    user = request.user
    _need(sel.can_view(user), user, OwnerQuestion, _("该角色不使用业委会监督页面"))
    status = request.GET.get("status", "")
    if status not in OwnerQuestion.Status.values:
        status = ""
    page = paginate(request, sel.question_list_for(user, status=status))
    rows = list(page.object_list)
    for q in rows:
        q.asker_shown = mask_name(q.owner.name)
    return render(request, "committees/question_list.html", {
        "page": page, "rows": rows, "window": page_window(page), "query": query_string(request.GET), "status": status,
        "statuses": OwnerQuestion.Status.choices, "now": timezone.now(), "breadcrumbs": _crumbs((_("业主质询与异议"), None))})


# ---- committee meetings -----------------------------------------------------------------------


@require_GET
@login_required
def meeting_list(request):
    user = request.user
    _need(sel.can_view(user), user, CommitteeMeeting, _("该角色不使用业委会监督页面"))
    page = paginate(request, sel.meetings_visible_to(user).select_related("estate").order_by("-held_on", "-id"))
    return render(request, "committees/meeting_list.html", {
        "page": page, "rows": list(page.object_list), "window": page_window(page), "query": query_string(request.GET),
        "can_record": sel.can_record(user), "breadcrumbs": _crumbs((_("业委会会议"), None))})


@require_http_methods(["GET", "POST"])
@login_required
def meeting_new(request):
    user = request.user
    _need(sel.can_record(user), user, CommitteeMeeting, _("只有现任业主委员会成员可以登记会议"))
    form = MeetingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            m = svc.meeting_record(actor=user, held_on=d["held_on"], title=d["title"], attendees=d["attendees"],
                                   minutes=d["minutes"], attachment=d["attachment"])
        except ServiceError as e:
            _form_error(form, e)
        else:
            messages.success(request, _g("会议已登记"))
            return redirect("governance:cgov_meeting_detail", m.pk)
    return render(request, "committees/meeting_form.html", {
        "form": form, "breadcrumbs": _crumbs((_("业委会会议"), reverse("governance:cgov_meeting_list")), (_("登记会议"), None))})


@require_GET
@login_required
def meeting_detail(request, pk):
    user = request.user
    m = sel.meeting_get_for_user(user=user, pk=pk)
    return render(request, "committees/meeting_detail.html", {
        "m": m, "decisions": list(m.decisions.all()),
        "breadcrumbs": _crumbs((_("业委会会议"), reverse("governance:cgov_meeting_list")), (m.title, None))})


# ---- committees and their conduct -------------------------------------------------------------


@require_GET
@login_required
def committee_list(request):
    user = request.user
    _need(sel.is_official(user), user, CommitteeDecision, _("该角色不使用业委会监督页面"))
    q = (request.GET.get("q") or "").strip()
    page = paginate(request, sel.committee_overview_for(user, q=q))
    return render(request, "committees/committee_list.html", {
        "page": page, "rows": list(page.object_list), "window": page_window(page), "query": query_string(request.GET), "q": q,
        "flags": sel.committee_flags(user, today=timezone.localdate()), "today": timezone.localdate(),
        "breadcrumbs": _crumbs((_("业委会履职"), None))})


@require_http_methods(["GET", "POST"])
@login_required
def committee_detail(request, pk):
    user = request.user
    c = sel.committee_get_for_user(user=user, pk=pk)
    can_change = sel.can_change_committee(user, c)
    members = sel.committee_members_qs(c)
    change_form = conflict_form = None
    if can_change:
        change_form = MemberChangeForm(request.POST if request.POST.get("form") == "change" else None, members=members,
                                       motions=sel.removal_motions(c), prefix="mc")
        conflict_form = ConflictForm(request.POST if request.POST.get("form") == "conflict" else None, members=members,
                                     prefix="ci")
    if request.method == "POST":
        _need(can_change, user, CommitteeDecision, _("您无权登记该业主委员会的履职信息"))
        form = change_form if request.POST.get("form") == "change" else conflict_form
        if form.is_valid():
            d = form.cleaned_data
            try:
                if form is change_form:
                    svc.member_change_record(actor=user, committee=c, kind=d["kind"], legal_basis=d["legal_basis"],
                                             effective_on=d["effective_on"], member=d["member"], motion=d["motion"],
                                             substitute_name=d["substitute_name"], substitute_party=d["substitute_party"])
                else:
                    svc.conflict_declare(actor=user, member=d["member"], kind=d["kind"], detail=d["detail"],
                                         declared_on=d["declared_on"])
            except ServiceError as e:
                _form_error(form, e)
            else:
                messages.success(request, _g("已登记"))
                return redirect("governance:cgov_committee_detail", c.pk)
    rows = sel.members_of(c)
    for m in rows:
        m.phone_shown = mask_phone(m.phone)
    return render(request, "committees/committee_detail.html", {
        "c": c, "members": rows, "changes": list(sel.member_changes_of(c)), "conflicts": sel.conflicts_of(user, c),
        "change_form": change_form, "conflict_form": conflict_form, "today": timezone.localdate(),
        "breadcrumbs": _crumbs((_("业委会履职"), reverse("governance:cgov_committee_list") if sel.is_official(user) else None),
                               (str(c.estate.name), None))})


# ---- owners' oversight ------------------------------------------------------------------------


@require_GET
@login_required
def oversight_home(request):
    """The owner's entry: their estate's committee at a glance (one estate: straight to it)."""
    user = request.user
    _need(sel.can_view(user), user, CommitteeDecision, _("该角色不使用业委会监督页面"))
    estates = list(sel.oversight_estates(user).order_by("name")[:50])
    if len(estates) == 1:
        return redirect("governance:cgov_estate", estates[0].pk)
    return render(request, "committees/oversight_home.html", {"estates": estates, "breadcrumbs": [ROOT]})


@require_GET
@login_required
def estate_oversight(request, pk):
    user = request.user
    estate = sel.estate_for_oversight(user=user, pk=pk)
    committee = sel.current_committee(estate.pk)
    members = sel.members_of(committee) if committee else []
    for m in members:
        m.phone_shown = mask_phone(m.phone)
    meetings = sel.joint_meetings_of(user, estate)
    return render(request, "committees/estate_oversight.html", {
        "estate": estate, "committee": committee, "members": members,
        "decisions": list(sel.decisions_visible_to(user).filter(estate=estate).order_by("-decided_on", "-id")[:20]),
        "meetings": list(sel.meetings_visible_to(user).filter(estate=estate).order_by("-held_on")[:10]),
        "funds": list(sel.funds_of(user, estate)), "joint_meetings": meetings, "today": timezone.localdate(),
        "breadcrumbs": [(_("业委会监督"), reverse("governance:cgov_home")), (estate.name, None)]})
