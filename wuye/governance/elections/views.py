"""Pages of owners' committee elections (issue 5 item 7): the list, opening an election, one
election with its candidates (Party badge, vetting), actions by permission and its timeline, the
declaration of the result, and the officials' list of committees due for filing or re-election."""

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
from wuye.core.calendar import add_months
from wuye.core.errors import ServiceError, error_text
from wuye.core.listing import page_window, paginate, query_string
from wuye.governance.models import Candidate, Election, GovernanceSettings
from wuye.governance.votes.tally import motion_counts

from . import selectors as sel
from . import services as svc
from .forms import (
    CandidateForm,
    DeclareForm,
    ElectionForm,
    FileForm,
    ReasonForm,
    StartVoteForm,
    VetForm,
)
from .workflow import EVENT_LABELS

PAGE_SIZE = 20
S = Election.Status


def _crumbs(*extra):
    return [(_("业主自治"), None), (_("业委会选举"), reverse("governance:election_list")), *extra]


def _apply_errors(form, e: ServiceError) -> None:
    if hasattr(e, "error_dict"):
        for name, errs in e.error_dict.items():
            form.add_error(name if name in form.fields else None, errs)
    else:
        form.add_error(None, e.messages)


@require_GET
@login_required
def election_list(request):
    user = request.user
    if not sel.can_view_elections(user):
        refuse(user=user, model=Election, pk="", reason=_("该角色不使用业委会选举页面"), status=403)
    status = request.GET.get("status", "")
    if status not in S.values:
        status = ""
    q = (request.GET.get("q") or "").strip()
    page = paginate(request, sel.election_list_for(user, status=status, q=q), per_page=PAGE_SIZE)
    rows = list(page.object_list)
    today = timezone.localdate()
    for e in rows:
        e.late = svc.filing_is_late(e, today)
    can_open = sel.can_open_elections(user)
    ctx = {"page": page, "rows": rows, "window": page_window(page), "query": query_string(request.GET),
           "statuses": S.choices, "status": status, "q": q, "can_open": can_open,
           "is_official": sel.is_official(user),
           "filtered": bool(status or q), "breadcrumbs": _crumbs()}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "wy-results":
        return render(request, "governance/elections/_results.html", ctx)
    return render(request, "governance/elections/list.html", ctx)


@require_http_methods(["GET", "POST"])
@login_required
def election_new(request):
    user = request.user
    if not sel.can_open_elections(user):
        refuse(user=user, model=Election, pk="", reason=_("业主委员会选举由小区所在街道办事处或社区居委会组织"), status=403)
    estates = sel.organisable_estates(user)
    initial = {}
    if request.GET.get("estate"):
        initial["estate"] = request.GET["estate"]
    form = ElectionForm(request.POST or None, estates=estates, initial=initial)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            election = svc.election_open(actor=user, estate=cd["estate"], title=cd["title"], seats=cd["seats"],
                                         term_years=cd["term_years"])
        except ServiceError as e:
            _apply_errors(form, e)
        else:
            messages.success(request, _g("已发起业主委员会选举，请提名候选人。"))
            return redirect("governance:election_detail", pk=election.pk)
    gs = GovernanceSettings.current()
    return render(request, "governance/elections/new.html", {
        "form": form, "gs": gs, "breadcrumbs": _crumbs((_("发起选举"), None)),
    }, status=400 if form.is_bound and form.errors else 200)


def _detail(request, election: Election, *, candidate_form=None, status: int = 200):
    user = request.user
    actions = sel.election_actions(user, election)
    candidates = sel.candidates_of(election)
    events = sel.events_of(election)
    for ev in events:
        ev.label = EVENT_LABELS.get(ev.action, ev.action)
    approved = [c for c in candidates if c.vetting == Candidate.Vetting.APPROVED]
    elected = [c for c in candidates if c.elected]
    gs = GovernanceSettings.current()
    party_elected = sum(1 for c in elected if c.is_party_member)
    if "nominate" in actions and candidate_form is None:
        candidate_form = CandidateForm(election=election)
    return render(request, "governance/elections/detail.html", {
        "election": election, "estate": election.estate, "actions": actions, "candidates": candidates,
        "events": events, "approved": approved, "elected": elected, "party_elected": party_elected,
        "party_candidates": sum(1 for c in candidates if c.is_party_member and c.vetting != Candidate.Vetting.REJECTED),
        "gs": gs, "late": svc.filing_is_late(election), "candidate_form": candidate_form,
        "vet_form": VetForm(), "start_form": StartVoteForm(), "file_form": FileForm(initial={"filed_on": timezone.localdate()}),
        "cancel_form": ReasonForm(), "vote_linkable": True,
        "breadcrumbs": _crumbs((election.title, None)),
    }, status=status)


@require_GET
@login_required
def election_detail(request, pk):
    return _detail(request, sel.election_get_for_user(user=request.user, pk=pk))


def _election_for(request, pk, action: str, reason) -> Election:
    """The visible election, or 404; 403 when the user is not one who may take ``action`` on it."""
    election = sel.election_get_for_user(user=request.user, pk=pk)
    if not sel.can_act(request.user, election, action):
        refuse(user=request.user, model=Election, pk=election.pk, reason=reason, status=403)
    return election


@require_POST
@login_required
def candidate_nominate(request, pk):
    election = _election_for(request, pk, "nominate", _("您无权为该选举提名候选人"))
    form = CandidateForm(request.POST, election=election)
    if form.is_valid():
        try:
            c = svc.candidate_nominate(actor=request.user, election=election, owner=form.cleaned_data["owner"],
                                       is_party_member=form.cleaned_data["is_party_member"],
                                       statement=form.cleaned_data["statement"])
        except ServiceError as e:
            _apply_errors(form, e)
        else:
            messages.success(request, _g("已提名候选人 %(n)s，等待社区党组织审查。") % {"n": c.name})
            return redirect("governance:election_detail", pk=pk)
    return _detail(request, election, candidate_form=form, status=400)


@require_POST
@login_required
def candidate_vet(request, pk):
    candidate = sel.candidate_get_for_user(user=request.user, pk=pk)
    election = candidate.election
    if not sel.can_act(request.user, election, "vet"):
        refuse(user=request.user, model=Election, pk=election.pk, reason=_("候选人资格由小区所在社区党组织审查"), status=403)
    form = VetForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(m for errs in form.errors.values() for m in errs))
    else:
        try:
            svc.candidate_vet(actor=request.user, candidate=candidate, approved=form.cleaned_data["decision"] == "approved",
                              note=form.cleaned_data["note"])
        except ServiceError as e:
            messages.error(request, error_text(e))
        else:
            messages.success(request, _g("已记录 %(n)s 的资格审查结论。") % {"n": candidate.name})
    return redirect("governance:election_detail", pk=election.pk)


NOT_YOURS = _("您无权办理该选举的此项操作")


@require_POST
@login_required
def election_start_vote(request, pk):
    election = _election_for(request, pk, "start_vote", NOT_YOURS)
    form = StartVoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _g("请检查表决日期。"))
    else:
        try:
            svc.election_start_vote(actor=request.user, election=election, **form.cleaned_data)
        except ServiceError as e:
            messages.error(request, error_text(e))
        else:
            messages.success(request, _g("提名结束，选举进入表决阶段。"))
    return redirect("governance:election_detail", pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
def election_declare(request, pk):
    election = _election_for(request, pk, "declare", NOT_YOURS)
    refusal = sel.state_refusal(election, "declare")
    if refusal:
        messages.error(request, refusal)
        return redirect("governance:election_detail", pk=pk)
    candidates = sel.approved_candidates(election)
    initial = {}
    if election.motion_id:
        counts = motion_counts(election.motion)
        initial = {"total_area": election.motion.total_area, "total_heads": election.motion.total_heads,
                   "participating_area": counts.participating_area, "participating_heads": counts.participating_heads}
    form = DeclareForm(request.POST or None, candidates=candidates, initial=initial)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            declared = svc.election_declare(
                actor=request.user, election=election, elected_on=cd["elected_on"], results=form.results(),
                participating_area=cd["participating_area"], participating_heads=cd["participating_heads"],
                total_area=cd.get("total_area"), total_heads=cd.get("total_heads"), director=form.director_candidate())
        except ServiceError as e:
            _apply_errors(form, e)
        else:
            messages.success(request, _g("选举结果已公布：当选 %(n)d 人，新一届业主委员会已产生，请于 %(d)s 前备案。") % {
                "n": len(declared.elected), "d": declared.election.filing_due.isoformat()})
            for w in declared.warnings:
                messages.warning(request, w)
            return redirect("governance:election_detail", pk=pk)
    return render(request, "governance/elections/declare.html", {
        "election": election, "form": form, "gs": GovernanceSettings.current(),
        "breadcrumbs": _crumbs((election.title, reverse("governance:election_detail", args=[pk])), (_("公布选举结果"), None)),
    }, status=400 if form.is_bound and form.errors else 200)


@require_POST
@login_required
def election_file(request, pk):
    election = _election_for(request, pk, "file", NOT_YOURS)
    refusal = sel.state_refusal(election, "file")
    form = FileForm(request.POST)
    if refusal:
        messages.error(request, refusal)
    elif not form.is_valid():
        messages.error(request, _g("请填写正确的备案日期。"))
    else:
        try:
            svc.election_file(actor=request.user, election=election, filed_on=form.cleaned_data["filed_on"])
        except ServiceError as e:
            messages.error(request, error_text(e))
        else:
            if svc.filing_is_late(election):
                messages.warning(request, _g("已登记备案（逾期备案，备案期限为 %(d)s）。") % {"d": election.filing_due})
            else:
                messages.success(request, _g("已登记备案。"))
    return redirect("governance:election_detail", pk=pk)


@require_POST
@login_required
def election_cancel(request, pk):
    election = _election_for(request, pk, "cancel", NOT_YOURS)
    try:
        svc.election_cancel(actor=request.user, election=election, note=request.POST.get("note", ""))
    except ServiceError as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, _g("选举已取消。"))
    return redirect("governance:election_detail", pk=pk)


@require_GET
@login_required
def committees_due(request):
    user = request.user
    if not sel.can_see_committees_due(user):
        refuse(user=user, model=Election, pk="", reason=_("该页面供主管部门、街道和社区使用"), status=403)
    gs = GovernanceSettings.current()
    today = timezone.localdate()
    horizon = add_months(today, gs.term_reminder_months)
    filings, committees = sel.committees_due_for(user, today=today, horizon=horizon)
    summary = sel.committees_due_summary(filings, committees, today=today)
    tab = "terms" if request.GET.get("tab") == "terms" else "filings"
    if tab == "filings":
        qs = filings.select_related("estate", "estate__district", "estate__street").order_by("filing_due", "id")
    else:
        qs = committees.select_related("estate", "estate__district", "estate__street").order_by("term_end", "id")
    page = paginate(request, qs, per_page=PAGE_SIZE)
    rows = list(page.object_list)
    for r in rows:
        r.late = (r.filing_due < today) if tab == "filings" else (r.term_end < today)
        if tab == "terms":
            r.days_left = (r.term_end - today).days
    ctx = {"summary": summary, "tab": tab, "page": page, "rows": rows, "window": page_window(page),
           "query": query_string(request.GET), "today": today, "horizon": horizon, "gs": gs,
           "breadcrumbs": [(_("业主自治"), None), (_("业委会备案与换届"), None)]}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "wy-results":
        return render(request, "governance/elections/_due_results.html", ctx)
    return render(request, "governance/elections/committees_due.html", ctx)
