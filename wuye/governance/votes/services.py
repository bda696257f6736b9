"""Owners' votes (issue 5 items 5–6, rules.md §1): every write.

- ``motion_call``: the estate's owners' committee or its street office calls a vote on one of the
  matters of 民法典 第278条; the rule (ordinary / major) follows from the matter. Voting may open only
  ``GovernanceSettings.notice_days`` (default 15) days or more after the notice date; the roll is
  frozen at once (``roll.roll_freeze``), so later registry edits never move the denominators.
- ``ballot_cast``: online, by a resident whose verified owner is on the roll, only while voting is
  open; on paper, entered by the committee or the street office with a ballot number unique per
  motion. One ballot per roll entry (a unique constraint; two casts at once leave one ballot, the
  other caller gets a clear message). While ``ballots_changeable`` (default) a ballot may be changed
  until the close, each change counted (``Ballot.changes``), recorded and audited; otherwise a second
  ballot is refused.

  Paper after online (and online after paper): decided as follows. A ballot already recorded for
  the entry is the owner's vote; a later ballot of either channel for the same entry is a CHANGE of
  that vote. It is therefore accepted only when changes are allowed, replaces the choice, channel and
  ballot number, and names the earlier channel in the event and the audit row; when changes are not
  allowed it is refused with a message that says how and when the entry already voted.
- ``motion_cancel``: before the result is final, with a reason (the ``cancel`` transition).
- ``motion_close``: after ``voting_closes_at`` the result is computed and written once (the
  ``close`` transition: a conditional UPDATE on the stored state; running twice, or on two
  workers, writes once).

Whether ballots are accepted is decided by the clock (``votes.selectors.motion_status``); the
stored state follows it through the table of ``votes/workflow.py`` (``motions_close_due`` opens
and closes what the clock says), and every transition goes through that machine.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.models import Role
from wuye.accounts.selectors import estate_officials, owner_users
from wuye.core.audit import audit_record
from wuye.core.calendar import local_text
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditAction
from wuye.core.uploads import clean_attachment, max_bytes
from wuye.core.workflow import conditional_update
from wuye.governance.models import Ballot, GovernanceSettings, Matter, Motion, MotionEvent, RollEntry
from wuye.notifications.services import notify

from .roll import masked_name, roll_freeze
from .selectors import actor_kinds, can_run, can_vote_online, entry_for_owner, roll_owner_ids
from .tally import decide, motion_counts, rule_for
from .workflow import MOTION


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


def _event(motion: Motion, action: str, *, actor=None, note: str = "", at: datetime | None = None) -> MotionEvent:
    """A timeline row that is not a transition (the call, a ballot)."""
    return MotionEvent.objects.create(motion=motion, actor=_actor(actor), action=action, note=note[:500],
                                      created_at=at or timezone.now())


def _voters(motion: Motion) -> list:
    """The residents' accounts of the owners on the frozen roll (accounts.selectors.owner_users)."""
    return list(owner_users(owner_ids=roll_owner_ids(motion), roles=(Role.RESIDENT,)))


def _require_run(actor, estate) -> None:
    if not can_run(actor, estate):
        raise ServiceError(_("只有本小区业主委员会或所在街道办事处可以组织业主表决"))


def _notice_evidence(f):
    """The posted notice's photo (re-encoded without metadata) or its PDF scan (core.uploads)."""
    if (getattr(f, "size", 0) or 0) > max_bytes():
        raise ServiceError(_("公告张贴凭证不能超过 %(n)s MB") % {"n": max_bytes() // (1024 * 1024)})
    cleaned = clean_attachment(f)
    if cleaned.name.rsplit(".", 1)[-1] not in EVIDENCE_EXTENSIONS:
        raise ServiceError(_("公告张贴凭证须为照片（JPG、PNG、WebP）或 PDF 扫描件"))
    return cleaned


# What the evidence of a posted notice may be: a photo, or a scan as PDF.
EVIDENCE_EXTENSIONS = frozenset({"jpg", "png", "webp", "gif", "pdf"})


@transaction.atomic
def motion_call(*, actor, estate, title: str, matter: str, notice_date: date, voting_opens_at: datetime,
                voting_closes_at: datetime, description: str = "", notice_evidence=None,
                require_evidence: bool = True, now: datetime | None = None) -> Motion:
    """Call a vote: check the dates, freeze the roll, notify.

    A notice dated before today was posted before the vote was entered here: the photo or scan of
    the posted notice is required as its evidence (issue 14 §8; rules.md §1, the 15-day notice), and
    the public pages say the notice was recorded after the fact. Another system calling the API
    (``require_evidence=False``) may send its back-dated notice without the file: the motion is then
    marked as recorded after the fact with no evidence attached, and the evidence can follow."""
    now = now or timezone.now()
    _require_run(actor, estate)
    title = (title or "").strip()
    if not title:
        raise ServiceError(_("请填写表决事项"))
    if matter not in Matter.values:
        raise ServiceError(_("请选择《民法典》第二百七十八条规定的事项类别"))
    if voting_closes_at <= voting_opens_at:
        raise ServiceError(_("投票截止时间须晚于投票开始时间"))
    if voting_closes_at <= now:
        raise ServiceError(_("投票截止时间须晚于当前时间"))
    backdated = notice_date < timezone.localtime(now).date()
    if backdated and not notice_evidence and require_evidence:
        raise ServiceError(_("公告日期 %(d)s 早于今天，须上传已张贴公告的照片或扫描件作为凭证") % {
            "d": notice_date.isoformat()})
    evidence = _notice_evidence(notice_evidence) if notice_evidence else None
    gs = GovernanceSettings.current()
    opens_day = timezone.localtime(voting_opens_at).date()
    if (opens_day - notice_date).days < gs.notice_days:
        raise ServiceError(_("投票开始日须在公告日之后至少 %(n)s 天（公告日 %(d)s，最早 %(e)s 开始投票）") % {
            "n": gs.notice_days, "d": notice_date.isoformat(),
            "e": date.fromordinal(notice_date.toordinal() + gs.notice_days).isoformat()})
    motion = Motion.objects.create(
        estate=estate, title=title[:200], description=(description or "").strip()[:5000], matter=matter,
        rule=rule_for(matter), notice_date=notice_date, voting_opens_at=voting_opens_at,
        voting_closes_at=voting_closes_at, called_at=now, called_by=_actor(actor), notice_evidence=evidence)
    total_area, total_heads = roll_freeze(motion)
    if not total_heads:
        raise ServiceError(_("该小区还没有登记房屋，无法生成表决权人名册"))
    note = _("%(matter)s；表决权人 %(heads)s 人，专有部分总面积 %(area)s m²") % {
        "matter": motion.get_matter_display(), "heads": total_heads, "area": total_area}
    if backdated:
        note += (_("；公告于 %(d)s 张贴，事后补录（已上传张贴凭证）") if evidence
                 else _("；公告于 %(d)s 张贴，事后补录（未附张贴凭证）")) % {"d": notice_date.isoformat()}
    _event(motion, "call", actor=actor, note=note, at=now)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=motion, detail=note,
                 changes={"estate": estate.pk, "matter": matter, "rule": motion.rule,
                          "total_area": total_area, "total_heads": total_heads})
    url = reverse("governance:motion_detail", args=[motion.pk])
    body = _("%(estate)s 业主大会表决：%(title)s。公告日 %(notice)s，投票时间 %(opens)s 至 %(closes)s。") % {
        "estate": estate.name, "title": motion.title, "notice": notice_date.isoformat(),
        "opens": local_text(voting_opens_at),
        "closes": local_text(voting_closes_at)}
    recipients = list(estate_officials(estate).exclude(pk=getattr(actor, "pk", None))) + list(_voters(motion))
    notify(users=recipients, subject=_("业主大会表决公告"), body=body, url=url, category="governance",
           dedup_key=f"motion-call-{motion.pk}")
    return motion


def _open_or_refuse(motion: Motion, now: datetime) -> None:
    if motion.cancelled_at:
        raise ServiceError(_("该表决已取消"))
    if motion.final_result is not None or now >= motion.voting_closes_at:
        raise ServiceError(_("投票已截止"))
    if now < motion.voting_opens_at:
        raise ServiceError(_("投票尚未开始（%(t)s 开始）") % {
            "t": local_text(motion.voting_opens_at)})


@transaction.atomic
def ballot_cast(*, actor, motion: Motion, choice: str, channel: str = Ballot.Channel.ONLINE,
                entry: RollEntry | None = None, ballot_no: str = "", now: datetime | None = None) -> Ballot:
    """Record (or change) the ballot of one roll entry. See the module's doc for the rules."""
    now = now or timezone.now()
    if choice not in Ballot.Choice.values:
        raise ServiceError(_("请选择同意、反对或弃权"))
    motion = Motion.objects.select_related("estate").get(pk=motion.pk)  # the current state
    _open_or_refuse(motion, now)
    ballot_no = (ballot_no or "").strip()
    if channel == Ballot.Channel.ONLINE:
        if not can_vote_online(actor):
            raise ServiceError(_("只有经核实的业主可以网上投票"))
        own = entry_for_owner(motion, actor.owner_id)
        if own is None or (entry is not None and entry.pk != own.pk):
            raise ServiceError(_("您不在本次表决的表决权人名册中"))
        entry, ballot_no = own, ""
    elif channel == Ballot.Channel.PAPER:
        if not can_run(actor, motion.estate):
            raise ServiceError(_("只有本小区业主委员会或所在街道办事处可以录入纸质选票"))
        if entry is None or entry.motion_id != motion.pk:
            raise ServiceError(_("请选择本次表决名册中的表决权人"))
        if not ballot_no:
            raise ServiceError(_("请填写纸质选票编号"))
        if Ballot.objects.filter(motion=motion, ballot_no=ballot_no).exclude(entry=entry).exists():
            raise ServiceError(_("选票编号 %(no)s 已录入，请核对") % {"no": ballot_no})
    else:
        raise ServiceError(_("未知的投票方式"))
    existing = Ballot.objects.filter(motion=motion, entry=entry).first()
    if existing is None:
        return _ballot_new(actor=actor, motion=motion, entry=entry, choice=choice, channel=channel,
                           ballot_no=ballot_no, now=now)
    return _ballot_change(actor=actor, motion=motion, ballot=existing, choice=choice, channel=channel,
                          ballot_no=ballot_no, now=now)


def _ballot_new(*, actor, motion, entry, choice, channel, ballot_no, now) -> Ballot:
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(motion=motion, entry=entry, choice=choice, channel=channel,
                                           ballot_no=ballot_no, cast_by=_actor(actor), cast_at=now)
    except IntegrityError as exc:
        if ballot_no and Ballot.objects.filter(motion=motion, ballot_no=ballot_no).exclude(entry=entry).exists():
            raise ServiceError(_("选票编号 %(no)s 已录入，请核对") % {"no": ballot_no}) from exc
        raise ConflictError(_("该表决权人的选票刚刚已被记录，请刷新后查看")) from exc
    label = Ballot.Channel(channel).label
    _event(motion, "ballot", actor=actor, at=now,
           note=_("%(channel)s：%(entry)s%(no)s") % {"channel": label, "entry": masked_name(entry),
                                                    "no": f"（{ballot_no}）" if ballot_no else ""})
    audit_record(action=AuditAction.CREATE, actor=actor, obj=ballot, object_repr=f"{motion.pk}:{entry.pk}",
                 changes={"motion": motion.pk, "entry": entry.pk, "choice": choice, "channel": channel,
                          "ballot_no": ballot_no})
    return ballot


def _ballot_change(*, actor, motion, ballot: Ballot, choice, channel, ballot_no, now) -> Ballot:
    gs = GovernanceSettings.current()
    when = local_text(ballot.changed_at or ballot.cast_at)
    if not gs.ballots_changeable:
        raise ServiceError(_("该表决权人已于 %(t)s 投票（%(channel)s），本次表决不允许修改选票") % {
            "t": when, "channel": ballot.get_channel_display()})
    before = {"choice": ballot.choice, "channel": ballot.channel, "ballot_no": ballot.ballot_no}
    try:
        with transaction.atomic():
            # ``changes`` is the ballot's version: the second of two changes at once is refused.
            conditional_update(Ballot, ballot, version_field="changes", conflict=_("该选票刚刚已被修改，请刷新后再试"),
                               choice=choice, channel=channel, ballot_no=ballot_no, cast_by=_actor(actor),
                               changed_at=now)
    except IntegrityError as exc:
        raise ServiceError(_("选票编号 %(no)s 已录入，请核对") % {"no": ballot_no}) from exc
    _event(motion, "ballot_change", actor=actor, at=now, note=_("%(entry)s 修改选票（原为%(channel)s，第 %(n)s 次修改）") % {
        "entry": masked_name(ballot.entry), "channel": Ballot.Channel(before["channel"]).label, "n": ballot.changes})
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=ballot, object_repr=f"{motion.pk}:{ballot.entry_id}",
                 changes={k: [before[k], getattr(ballot, k)] for k in before if before[k] != getattr(ballot, k)},
                 detail=_("修改选票，第 %(n)s 次") % {"n": ballot.changes})
    return ballot


@transaction.atomic
def motion_cancel(*, actor, motion: Motion, reason: str, now: datetime | None = None) -> Motion:
    """The ``cancel`` transition: by the estate's committee or street office, with a reason, until
    the result is written."""
    now = now or timezone.now()
    _require_run(actor, motion.estate)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("请填写取消原因"))
    motion.refresh_from_db()
    if motion.cancelled_at or motion.final_result is not None:
        raise ConflictError(_("该表决已结束或已被取消"))
    MOTION.apply(motion, "cancel", actor=actor, kinds=actor_kinds(actor, motion.estate), note=reason,
                 event={"created_at": now}, audit_changes={"cancelled_at": [None, now]}, audit_detail=reason[:500],
                 conflict=_("该表决已结束或已被取消"), cancelled_at=now, cancel_reason=reason[:300])
    notify(users=list(estate_officials(motion.estate).exclude(pk=getattr(actor, "pk", None))) + list(_voters(motion)),
           subject=_("业主大会表决已取消"), body=_("%(title)s 已取消：%(reason)s") % {"title": motion.title, "reason": reason},
           url=reverse("governance:motion_detail", args=[motion.pk]), category="governance",
           dedup_key=f"motion-cancel-{motion.pk}")
    return motion


def _open_voting(motion: Motion, now: datetime) -> None:
    """The ``open_voting`` transition, taken by the system once ``voting_opens_at`` has come."""
    MOTION.apply(motion, "open_voting", actor=None, event={"created_at": now},
                 note=_("投票开始"), audit_detail=_("投票开始"))


@transaction.atomic
def motion_close(*, motion: Motion, now: datetime | None = None, actor=None) -> bool:
    """The ``close`` transition: write the final result once, after the close. True when this
    call wrote it (False when it was already written or the motion cancelled, also by a rival)."""
    now = now or timezone.now()
    motion = Motion.objects.select_related("estate").get(pk=motion.pk)
    if motion.cancelled_at or motion.final_result is not None:
        return False
    if now < motion.voting_closes_at:
        raise ServiceError(_("投票尚未截止，不能计票"))
    result = decide(rule=motion.rule, total_area=motion.total_area, total_heads=motion.total_heads,
                    counts=motion_counts(motion))
    result["final"] = True
    verdict = _("通过") if result["passed"] else _("未通过")
    try:
        with transaction.atomic():
            if motion.status == Motion.Status.NOTICE:
                _open_voting(motion, now)
            MOTION.apply(motion, "close", actor=actor, note=_("计票结果：%(v)s") % {"v": verdict},
                         event={"created_at": now}, audit_detail=result["explanation"][:500],
                         audit_changes={"final_result": {k: result[k] for k in (
                             "passed", "quorum_met", "participating_heads", "yes_heads")}},
                         final_result=result, closed_at=now)
    except ConflictError:
        return False  # written (or cancelled) by somebody else first
    notify(users=list(estate_officials(motion.estate)) + list(_voters(motion)), subject=_("业主大会表决结果"),
           body=_("%(title)s：%(v)s。%(why)s") % {"title": motion.title, "v": verdict, "why": result["explanation"]},
           url=reverse("governance:motion_detail", args=[motion.pk]), category="governance",
           dedup_key=f"motion-close-{motion.pk}")
    return True


def motions_open_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """The periodic sweep's first half: record that voting has opened where the clock says so."""
    now = now or timezone.now()
    due = list(Motion.objects.filter(status=Motion.Status.NOTICE, final_result__isnull=True, cancelled_at__isnull=True,
                                     voting_opens_at__lte=now).order_by("voting_opens_at", "id")[:limit])
    opened = 0
    for motion in due:
        try:
            with transaction.atomic():
                _open_voting(motion, now)
        except ConflictError:
            continue
        opened += 1
    return opened


def motions_close_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """The periodic sweep: write the result of every motion whose voting has closed (after
    recording the openings that are due)."""
    now = now or timezone.now()
    motions_open_due(now=now)
    due = list(Motion.objects.filter(final_result__isnull=True, cancelled_at__isnull=True, voting_closes_at__lte=now)
               .order_by("voting_closes_at", "id").values_list("pk", flat=True)[:limit])
    written = 0
    for pk in due:
        if motion_close(motion=Motion(pk=pk), now=now):
            written += 1
    return written
