"""Owners' votes (issue 5 item 5): the list, calling a vote, the motion with its live participation
bars and result, the owner's ballot (a narrow column for phones), paper ballots and the frozen
roll (committee and street office)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from wuye.core.access import refuse
from wuye.core.listing import page_window, paginate
from wuye.core.money import round_half_up
from wuye.governance.models import Ballot, GovernanceSettings, Motion
from wuye.registry.selectors import estates_visible_to

from . import selectors as sel
from . import services as svc
from .forms import CancelForm, MotionForm, PaperBallotForm, VoteForm
from .roll import masked_name
from .tally import TWO_THIRDS, motion_result

STATUS_CSS = {"notice": "info", "voting": "primary", "closed": "secondary", "cancelled": "light border"}


def _crumbs(*items):
    return [(_("业主大会表决"), reverse("governance:motion_list")), *items]


def _pct(fraction_str: str) -> Decimal:
    """A "p/q" ratio as a percentage with one decimal, half up (core.money), for the bars."""
    p, q = (int(x) for x in fraction_str.split("/"))
    return round_half_up(Fraction(p * 100, q) if q else Fraction(0), 1)


def _bars(result: dict) -> dict:
    return {
        "area": _pct(result["participation_area_ratio"]), "heads": _pct(result["participation_head_ratio"]),
        "yes_area": _pct(result["approval_area_ratio"]), "yes_heads": _pct(result["approval_head_ratio"]),
        "line": round_half_up(TWO_THIRDS * 100, 2),
        "pass_line": 75.0 if result["rule"] == Motion.Rule.MAJOR else 50.0,
    }


@require_safe
@login_required
def motion_list(request):
    """``/governance/motions/``: the motions of the estates in the user's share, newest first."""
    user = request.user
    if not sel.can_view_motions(user):
        refuse(user=user, model=Motion, pk="", reason=_("无权访问业主大会表决"), status=403)
    now = timezone.now()
    status = request.GET.get("status") or ""
    q = (request.GET.get("q") or "").strip()
    page = paginate(request, sel.motion_list_for(user, status=status, q=q, now=now))
    params = request.GET.copy()
    params.pop("page", None)
    rows = []
    for m in page.object_list:
        st = sel.motion_status(m, now)
        rows.append({"m": m, "status": st, "status_label": Motion.Status(st).label, "css": STATUS_CSS[st],
                     "final": m.final_result})
    return render(request, "governance/votes/motion_list.html", {
        "rows": rows, "page": page, "window": page_window(page), "query": params.urlencode(), "status": status,
        "q": q, "statuses": Motion.Status.choices, "can_call": sel.can_call_anywhere(user),
        "breadcrumbs": [(_("业主大会表决"), None)],
    })


@require_http_methods(["GET", "POST"])
@login_required
def motion_new(request):
    """``/governance/motions/new/``: the committee or the street office calls a vote."""
    user = request.user
    if not sel.can_call_anywhere(user):
        refuse(user=user, model=Motion, pk="", reason=_("只有业主委员会或街道办事处可以发起业主表决"), status=403)
    estates = estates_visible_to(user).order_by("name")
    first_two = list(estates.values_list("pk", flat=True)[:2])
    only = first_two[0] if len(first_two) == 1 else None  # a committee has one estate: preselect it
    form = MotionForm(request.POST or None, request.FILES or None, estates=estates,
                      initial={"estate": request.GET.get("estate") or only})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            motion = svc.motion_call(actor=user, estate=d["estate"], title=d["title"], matter=d["matter"],
                                     notice_date=d["notice_date"], voting_opens_at=d["voting_opens_at"],
                                     voting_closes_at=d["voting_closes_at"], description=d["description"],
                                     notice_evidence=d.get("notice_evidence"))
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("表决已发起，表决权人名册已冻结"))
            return redirect("governance:motion_detail", motion.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "governance/votes/motion_form.html", {
        "form": form, "breadcrumbs": _crumbs((_("发起表决"), None))}, status=status)


def _detail_context(request, motion: Motion) -> dict:
    user = request.user
    now = timezone.now()
    result = motion_result(motion)
    st = sel.motion_status(motion, now)
    return {"motion": motion, "result": result, "bars": _bars(result), "status": st,
            "status_label": Motion.Status(st).label, "css": STATUS_CSS[st], "now": now,
            "see_ballots": sel.can_see_ballots(user, motion.estate)}


@require_safe
@login_required
def motion_detail(request, pk: int):
    """``/governance/motions/<id>/``: facts, participation against the 2/3 lines, the result."""
    user = request.user
    motion = sel.motion_get_for_user(user=user, pk=pk)
    ctx = _detail_context(request, motion)
    own = None
    if sel.is_resident(user):
        entry = sel.entry_for_owner(motion, user.owner_id)
        own = {"entry": entry, "ballot": sel.ballot_of(motion, entry)}
    ballots = []
    if ctx["see_ballots"]:
        ballots = [(b, masked_name(b.entry)) for b in sel.recent_ballots(motion)]
    can_run = sel.can_run(user, motion.estate)
    runnable = can_run and ctx["status"] in (Motion.Status.NOTICE, Motion.Status.VOTING)
    ctx.update({
        "own": own, "ballots": ballots, "can_run": can_run, "can_cancel": runnable,
        "cancel_form": CancelForm(), "events": sel.events_of(motion, see_ballots=ctx["see_ballots"]),
        "breadcrumbs": _crumbs((motion.title, None)),
    })
    return render(request, "governance/votes/motion_detail.html", ctx)


@require_safe
@login_required
def motion_notice_evidence(request, pk: int):
    """The photo or scan of a notice posted before the vote was entered (whoever may see the motion)."""
    motion = sel.motion_get_for_user(user=request.user, pk=pk)
    if not motion.notice_evidence:
        raise Http404(_("该表决没有公告张贴凭证"))
    name = motion.notice_evidence.name
    ext = name.rsplit(".", 1)[-1].lower()
    response = FileResponse(motion.notice_evidence.open("rb"), content_type=EVIDENCE_TYPES.get(ext, "application/octet-stream"))
    response["Content-Disposition"] = f'inline; filename="notice-{motion.pk}.{ext}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


EVIDENCE_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "gif": "image/gif", "pdf": "application/pdf"}


@require_safe
@login_required
def motion_live(request, pk: int):
    """The participation panel alone (polled by htmx on the motion's page)."""
    motion = sel.motion_get_for_user(user=request.user, pk=pk)
    return render(request, "governance/votes/_motion_figures.html", _detail_context(request, motion))


@require_http_methods(["GET", "POST"])
@login_required
def motion_vote(request, pk: int):
    """``/governance/motions/<id>/vote/``: a verified owner casts or changes their ballot online."""
    user = request.user
    if not sel.can_vote_online(user):
        refuse(user=user, model=Motion, pk=pk, reason=_("只有经核实的业主可以网上投票"), status=403)
    motion = sel.motion_get_for_user(user=user, pk=pk)
    entry = sel.entry_for_owner(motion, user.owner_id)
    ballot = sel.ballot_of(motion, entry)
    form = VoteForm(request.POST or None, initial={"choice": ballot.choice if ballot else None})
    if request.method == "POST":
        if entry is None:
            refuse(user=user, model=Motion, pk=pk, reason=_("不在本次表决的表决权人名册中"), status=403)
        if form.is_valid():
            try:
                svc.ballot_cast(actor=user, motion=motion, choice=form.cleaned_data["choice"])
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("您的选票已记录：%(c)s") % {"c": Ballot.Choice(form.cleaned_data["choice"]).label})
                return redirect("governance:motion_detail", pk)
    now = timezone.now()
    st = sel.motion_status(motion, now)
    return render(request, "governance/votes/motion_vote.html", {
        "motion": motion, "entry": entry, "entry_name": masked_name(entry) if entry else "", "ballot": ballot,
        "form": form, "open": st == Motion.Status.VOTING, "status_label": Motion.Status(st).label,
        "changeable": GovernanceSettings.current().ballots_changeable,
        "breadcrumbs": _crumbs((motion.title, reverse("governance:motion_detail", args=[pk])), (_("网上投票"), None)),
    }, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@login_required
def motion_paper(request, pk: int):
    """``/governance/motions/<id>/paper/``: the committee or the street office enters paper ballots,
    finding the voter on the roll by name or room number."""
    user = request.user
    motion = sel.motion_get_for_user(user=user, pk=pk)
    if not sel.can_run(user, motion.estate):
        refuse(user=user, model=Motion, pk=pk, reason=_("只有本小区业主委员会或所在街道办事处可以录入纸质选票"), status=403)
    form = PaperBallotForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            entry = sel.roll_entry(motion, form.cleaned_data["entry"])
            try:
                if entry is None:
                    raise ValidationError(_("请选择本次表决名册中的表决权人"))
                svc.ballot_cast(actor=user, motion=motion, entry=entry, channel=Ballot.Channel.PAPER,
                                choice=form.cleaned_data["choice"], ballot_no=form.cleaned_data["ballot_no"])
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("已录入纸质选票 %(no)s：%(who)s，%(c)s") % {
                    "no": form.cleaned_data["ballot_no"].strip(), "who": masked_name(entry),
                    "c": Ballot.Choice(form.cleaned_data["choice"]).label})
                query = urlencode({"q": request.POST.get("q", "")})
                return redirect(f"{reverse('governance:motion_paper', args=[pk])}?{query}")
        else:
            messages.error(request, _("请填写选票编号并选择表决意见"))
    q = (request.GET.get("q") or request.POST.get("q") or "").strip()
    found = []
    if q:
        found = [(e, masked_name(e)) for e in sel.roll_search(motion, q)]
    recent = [(b, masked_name(b.entry)) for b in sel.recent_ballots(motion, channel=Ballot.Channel.PAPER, limit=20)]
    st = sel.motion_status(motion)
    return render(request, "governance/votes/motion_paper.html", {
        "motion": motion, "q": q, "found": found, "recent": recent, "open": st == Motion.Status.VOTING,
        "status_label": Motion.Status(st).label, "choices": Ballot.Choice.choices,
        "breadcrumbs": _crumbs((motion.title, reverse("governance:motion_detail", args=[pk])), (_("录入纸质选票"), None)),
    })


@require_safe
@login_required
def motion_roll(request, pk: int):
    """``/governance/motions/<id>/roll/``: the frozen roll (names masked), with each head's ballot."""
    user = request.user
    motion = sel.motion_get_for_user(user=user, pk=pk)
    if not sel.can_see_ballots(user, motion.estate):
        refuse(user=user, model=Motion, pk=pk, reason=_("只有业主委员会、街道办事处及上级主管部门可以查看表决权人名册"),
               status=403)
    q = (request.GET.get("q") or "").strip()
    voted = request.GET.get("voted") or ""
    page = paginate(request, sel.roll_with_ballots(motion, q=q, voted=voted), per_page=50)
    params = request.GET.copy()
    params.pop("page", None)
    rows = [(e, masked_name(e)) for e in page.object_list]
    return render(request, "governance/votes/motion_roll.html", {
        "motion": motion, "rows": rows, "page": page, "window": page_window(page), "query": params.urlencode(),
        "q": q, "voted": voted, "choice_labels": dict(Ballot.Choice.choices),
        "channel_labels": dict(Ballot.Channel.choices),
        "breadcrumbs": _crumbs((motion.title, reverse("governance:motion_detail", args=[pk])), (_("表决权人名册"), None)),
    })


@require_POST
@login_required
def motion_cancel(request, pk: int):
    user = request.user
    motion = sel.motion_get_for_user(user=user, pk=pk)
    if not sel.can_run(user, motion.estate):
        refuse(user=user, model=Motion, pk=pk, reason=_("只有本小区业主委员会或所在街道办事处可以取消表决"), status=403)
    form = CancelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请填写取消原因"))
        svc.motion_cancel(actor=user, motion=motion, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("表决已取消"))
    return redirect("governance:motion_detail", pk)
