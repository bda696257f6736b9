"""Pages of Party building and three-party joint meetings (issue 19 §1–2): the coverage view,
the register of Party organisations, joint meetings with their decisions and follow-ups, and the
estates without a meeting in the last period."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.core.access import refuse
from wuye.core.calendar import DAY, local_text
from wuye.core.errors import ServiceError, error_text
from wuye.core.listing import page_window, paginate, query_string
from wuye.core.masking import mask_name, mask_phone

from . import selectors as sel
from . import services as svc
from .forms import DecisionFormSet, MeetingForm, MemberForm, NoteForm, OrganisationForm
from .models import FollowUp, JointMeeting, PartyOrganisation
from .workflow import FOLLOWUP


def _crumbs(*extra):
    return [(_("党建引领"), reverse("governance:party_home")), *extra]


def _need(ok: bool, user, model, reason) -> None:
    if not ok:
        refuse(user=user, model=model, pk="", reason=reason, status=403)


@require_GET
@login_required
def party_home(request):
    """Coverage for the city and each district: estates with a branch, committees with Party
    members, the Party-member share of committee members against the target, by street."""
    user = request.user
    _need(sel.can_view_party(user), user, PartyOrganisation, _("该角色不使用党建引领页面"))
    district_id = request.GET.get("district") or None
    if district_id and not str(district_id).isdigit():
        district_id = None
    rows, target = sel.coverage_by_street(user, district_id=district_id)
    total = sel.coverage_total(rows)
    chart = {"names": [r.street.name for r in rows], "values": [str(r.party_share) if r.party_share is not None else None for r in rows],
             "target": target, "label": str(_("党员委员占比"))}
    today = timezone.localdate()
    period, flagged = sel.flagged_estates_for(user, today=today)
    return render(request, "party/home.html", {
        "rows": rows, "total": total, "target": target, "districts": sel.districts_for_coverage(user),
        "district_id": int(district_id) if district_id else None, "chart": json.dumps(chart, ensure_ascii=False),
        "period": period, "n_flagged": len(flagged), "can_record": sel.can_record_meetings(user),
        "can_add_org": sel.can_manage_organisations(user),
        "breadcrumbs": _crumbs((_("覆盖情况"), None))})


@require_GET
@login_required
def organisation_list(request):
    user = request.user
    _need(sel.can_view_party(user), user, PartyOrganisation, _("该角色不使用党建引领页面"))
    level = request.GET.get("level", "")
    if level not in PartyOrganisation.Level.values:
        level = ""
    q = (request.GET.get("q") or "").strip()
    page = paginate(request, sel.organisation_list_for(user, level=level, q=q))
    rows = list(page.object_list)
    for o in rows:
        o.phone_shown = mask_phone(o.secretary_phone)
    ctx = {"page": page, "rows": rows, "window": page_window(page), "query": query_string(request.GET), "level": level, "q": q,
           "levels": PartyOrganisation.Level.choices, "can_add": sel.can_manage_organisations(user),
           "breadcrumbs": _crumbs((_("党组织"), None))}
    return render(request, "party/organisation_list.html", ctx)


@require_http_methods(["GET", "POST"])
@login_required
def organisation_new(request):
    user = request.user
    _need(sel.can_manage_organisations(user), user, PartyOrganisation, _("您无权登记党组织"))
    form = OrganisationForm(request.POST or None, communities=sel.manageable_communities(user),
                            parents=sel.parent_choices(user), estates=sel.estates_for_organisations(user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            org = svc.organisation_create(actor=user, level=d["level"], name=d["name"], community=d["community"],
                                          parent=d["parent"], estates=d["estates"], secretary_name=d["secretary_name"],
                                          secretary_phone=d["secretary_phone"], founded_on=d["founded_on"])
        except ServiceError as e:
            form.add_error(None, error_text(e))
        else:
            messages.success(request, _g("党组织已登记"))
            return redirect("governance:party_org_detail", org.pk)
    return render(request, "party/organisation_form.html", {
        "form": form, "breadcrumbs": _crumbs((_("党组织"), reverse("governance:party_org_list")), (_("登记党组织"), None))})


@require_http_methods(["GET", "POST"])
@login_required
def organisation_detail(request, pk):
    user = request.user
    org = sel.organisation_get_for_user(user=user, pk=pk)
    can_change = sel.can_change_organisation(user, org)
    form = MemberForm(request.POST or None, owners=sel.owners_for_organisation(org)) if can_change else None
    if request.method == "POST":
        _need(can_change, user, PartyOrganisation, _("您无权登记该党组织的党员"))
        if form.is_valid():
            d = form.cleaned_data
            try:
                svc.party_member_add(actor=user, organisation=org, owner=d["owner"], consent_on=d["consent_on"],
                                     joined_on=d["joined_on"])
            except ServiceError as e:
                form.add_error(None, error_text(e))
            else:
                messages.success(request, _g("党员业主已登记"))
                return redirect("governance:party_org_detail", org.pk)
    members = list(sel.members_of(org))
    for m in members:
        m.name_shown = mask_name(m.owner.name)
    return render(request, "party/organisation_detail.html", {
        "org": org, "members": members, "estates": sel.estates_covered(org), "form": form, "can_change": can_change,
        "phone_shown": mask_phone(org.secretary_phone),
        "breadcrumbs": _crumbs((_("党组织"), reverse("governance:party_org_list")), (org.name, None))})


@require_POST
@login_required
def member_remove(request, pk, member_pk):
    user = request.user
    org = sel.organisation_get_for_user(user=user, pk=pk)
    member = sel.party_member_get(org, member_pk, user=user)
    try:
        svc.party_member_remove(actor=user, member=member)
    except ServiceError as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, _g("已移除该党员业主"))
    return redirect("governance:party_org_detail", org.pk)


# ---- joint meetings ---------------------------------------------------------------------------


@require_GET
@login_required
def meeting_list(request):
    user = request.user
    _need(sel.can_view_meetings(user), user, JointMeeting, _("该角色不使用三方联席会议页面"))
    state = request.GET.get("state", "")
    if state not in ("open", "closed"):
        state = ""
    q = (request.GET.get("q") or "").strip()
    page = paginate(request, sel.meeting_list_for(user, state=state, q=q))
    ctx = {"page": page, "rows": list(page.object_list), "window": page_window(page), "query": query_string(request.GET),
           "state": state, "q": q, "can_record": sel.can_record_meetings(user),
           "my_items": sel.my_open_followups(user), "today": timezone.localdate(),
           "breadcrumbs": [(_("三方联席会议"), None)]}
    return render(request, "party/meeting_list.html", ctx)


@require_http_methods(["GET", "POST"])
@login_required
def meeting_new(request):
    user = request.user
    _need(sel.can_record_meetings(user), user, JointMeeting, _("只有社区（社区党组织）和街道可以记录三方联席会议"))
    form = MeetingForm(request.POST or None, estates=sel.recordable_estates(user))
    formset = DecisionFormSet(request.POST or None, prefix="d")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        d = form.cleaned_data
        decisions = [f.cleaned_data for f in formset.forms if f.cleaned_data]
        try:
            meeting = svc.meeting_record(actor=user, estate=d["estate"], held_at=d["held_at"], agenda=d["agenda"],
                                         attendees=d["attendees"], minutes=d["minutes"], decisions=decisions,
                                         place=d["place"], street_invited=d["street_invited"],
                                         departments_invited=d["departments_invited"])
        except ServiceError as e:
            form.add_error(None, error_text(e))
        else:
            messages.success(request, _g("会议已记录，%(n)s 项决定已交办") % {"n": meeting.followups.count()})
            return redirect("governance:party_meeting_detail", meeting.pk)
    return render(request, "party/meeting_form.html", {
        "form": form, "formset": formset,
        "breadcrumbs": [(_("三方联席会议"), reverse("governance:party_meeting_list")), (_("记录会议"), None)]})


@require_GET
@login_required
def meeting_detail(request, pk):
    user = request.user
    meeting = sel.meeting_get_for_user(user=user, pk=pk)
    items = sel.followups_of(meeting)
    today = timezone.localdate()
    for f in items:
        f.actions = [(a, FOLLOWUP.label(a), FOLLOWUP[a].needs_note) for a in sel.followup_actions(user, f)]
        f.overdue = f.status in (FollowUp.Status.OPEN, FollowUp.Status.IN_PROGRESS) and f.deadline < today
    return render(request, "party/meeting_detail.html", {
        "m": meeting, "items": items, "note_form": NoteForm(),
        "breadcrumbs": [(_("三方联席会议"), reverse("governance:party_meeting_list")),
                        (f"{meeting.estate.name} {local_text(meeting.held_at, DAY)}", None)]})


@require_POST
@login_required
def followup_act(request, pk, action):
    user = request.user
    f = sel.followup_get_for_user(user=user, pk=pk)
    if action not in FOLLOWUP.transitions:
        refuse(user=user, model=FollowUp, pk=pk, reason=_("不支持的操作"))
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        svc.followup_act(actor=user, followup=f, action=action, note=note)
    except ServiceError as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, _g("已%(a)s") % {"a": FOLLOWUP.label(action)})
    return redirect("governance:party_meeting_detail", f.meeting_id)


@require_GET
@login_required
def flags(request):
    """Estates of the user's area without a joint meeting in the last complete period."""
    user = request.user
    _need(sel.can_view_party(user), user, JointMeeting, _("该角色不使用党建引领页面"))
    period, rows = sel.flagged_estates_for(user, today=timezone.localdate())
    return render(request, "party/flags.html", {"period": period, "rows": rows,
                                                "breadcrumbs": _crumbs((_("未按期召开联席会议"), None))})
