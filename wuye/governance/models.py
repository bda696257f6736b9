"""Owners' self-governance: motions put to the owners, frozen voter rolls, ballots, results, and
owners' committee elections (民法典 第278条, rules.md §1).

A motion's voter roll is frozen when the vote is called: one ``RollEntry`` per head, with its area
(the denominators never move afterwards). Ballots are one per roll entry; tallies are computed
with exact fractions (``wuye.governance.votes.tally``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuye.core.models import SettingsModel, TimeStampedModel
from wuye.core.workflow import WorkflowEvent

AREA = {"max_digits": 14, "decimal_places": 2}


class GovernanceSettings(SettingsModel):
    """The city bureau's settings for owners' votes and committees (one row)."""

    # rules.md §1: the owners' assembly is notified 15 days before a meeting.
    notice_days = models.PositiveSmallIntegerField(_("表决公告期（天）"), default=15,
                                                   help_text=_("公告日至投票开始之间至少相隔的天数。"))
    ballots_changeable = models.BooleanField(_("投票截止前可修改选票"), default=True)
    # rules.md §1: filed with the district authority and street office within 30 days of election.
    filing_days = models.PositiveSmallIntegerField(_("业委会备案期限（天）"), default=30)
    term_reminder_months = models.PositiveSmallIntegerField(_("任期届满提醒（提前月数）"), default=3)
    committee_min = models.PositiveSmallIntegerField(_("业委会最少人数"), default=5)
    committee_max = models.PositiveSmallIntegerField(_("业委会最多人数"), default=11)
    max_term_years = models.PositiveSmallIntegerField(_("业委会任期上限（年）"), default=5,
                                                      validators=[MinValueValidator(1), MaxValueValidator(5)])
    # rules.md §1 (local): ≥ 50 % of new committee members Party members.
    party_share_percent = models.PositiveSmallIntegerField(_("党员委员比例下限（%）"), default=50,
                                                           validators=[MaxValueValidator(100)])

    class Meta:
        verbose_name = _("业主自治设置")
        verbose_name_plural = _("业主自治设置")



class Matter(models.TextChoices):
    """民法典 第278条 第一款 (一)–(九)."""

    RULES_OF_PROCEDURE = "rules_of_procedure", _("制定和修改业主大会议事规则")
    MANAGEMENT_STATUTE = "management_statute", _("制定和修改管理规约")
    COMMITTEE_ELECTION = "committee_election", _("选举业主委员会或者更换业主委员会成员")
    HIRE_OR_FIRE_MANAGER = "hire_or_fire_manager", _("选聘和解聘物业服务企业或者其他管理人")
    USE_MAINTENANCE_FUND = "use_maintenance_fund", _("使用建筑物及其附属设施的维修资金")
    RAISE_MAINTENANCE_FUND = "raise_maintenance_fund", _("筹集建筑物及其附属设施的维修资金")
    REBUILD = "rebuild", _("改建、重建建筑物及其附属设施")
    CHANGE_COMMON_USE = "change_common_use", _("改变共有部分的用途或者利用共有部分从事经营活动")
    OTHER_MAJOR_MATTER = "other_major_matter", _("有关共有和共同管理权利的其他重大事项")


# rules.md §1: items (六)–(八) need ≥ 3/4; the others more than half.
MAJOR_MATTERS = frozenset({Matter.RAISE_MAINTENANCE_FUND, Matter.REBUILD, Matter.CHANGE_COMMON_USE})


class Motion(TimeStampedModel):
    class Rule(models.TextChoices):
        ORDINARY = "ordinary", _("一般事项（过半数）")
        MAJOR = "major", _("重大事项（四分之三以上）")

    class Status(models.TextChoices):
        NOTICE = "notice", _("公告中")
        VOTING = "voting", _("投票中")
        CLOSED = "closed", _("已结束")
        CANCELLED = "cancelled", _("已取消")

    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT,
                               related_name="motions")
    # The machine's state (``votes/workflow.py``): written by its transitions only. Whether a motion
    # is in its notice period or open for voting is decided by the clock (``votes.selectors.motion_status``);
    # the sweep moves the stored state after the clock.
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.NOTICE, db_index=True)
    title = models.CharField(_("表决事项"), max_length=200)
    description = models.TextField(_("事项说明"), max_length=5000, blank=True)
    matter = models.CharField(_("事项类别"), max_length=30, choices=Matter.choices)
    rule = models.CharField(_("表决规则"), max_length=10, choices=Rule.choices)
    notice_date = models.DateField(_("公告日期"))
    # A notice dated before the day the vote is entered was posted on paper first: the photo or scan
    # of the posted notice is its evidence (issue 14 §8), cleaned by core.uploads.
    notice_evidence = models.FileField(_("公告张贴凭证"), upload_to="governance/notices/%Y/%m/", blank=True,
                                       help_text=_("公告日期早于登记当天的，须上传已张贴公告的照片或扫描件"))
    voting_opens_at = models.DateTimeField(_("投票开始"))
    voting_closes_at = models.DateTimeField(_("投票截止"))
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=300, blank=True)
    # The voter roll's denominators, frozen when the vote is called (rules.md §1).
    total_area = models.DecimalField(_("专有部分总面积（m²）"), **AREA, default=0)
    total_heads = models.PositiveIntegerField(_("业主总人数"), default=0)
    called_at = models.DateTimeField(_("发起时间"), null=True, blank=True)
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    # Written once when the vote is closed (the result then never changes).
    final_result = models.JSONField(_("最终结果"), null=True, blank=True)
    closed_at = models.DateTimeField(_("计票时间"), null=True, blank=True)

    class Meta:
        ordering = ["-voting_closes_at", "-id"]
        verbose_name = _("业主大会表决")
        verbose_name_plural = _("业主大会表决")
        constraints = [models.CheckConstraint(condition=models.Q(voting_closes_at__gt=models.F("voting_opens_at")),
                                              name="motion_close_after_open")]
        indexes = [models.Index(fields=["estate", "-voting_closes_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def notice_recorded_late(self) -> bool:
        """The notice was posted before the vote was entered on the platform (recorded after the fact)."""
        if self.called_at is None:
            return False
        return self.notice_date < timezone.localtime(self.called_at).date()


class RollEntry(models.Model):
    """One head on the frozen roll: a unit's owners, one buyer's several units, or the developer's
    unsold and undelivered units together (rules.md §1)."""

    class Kind(models.TextChoices):
        OWNER = "owner", _("业主")
        DEVELOPER = "developer", _("开发建设单位（未售及已售未交付房屋）")

    motion = models.ForeignKey(Motion, verbose_name=_("表决"), on_delete=models.CASCADE, related_name="roll")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.OWNER)
    name = models.CharField(_("姓名/名称"), max_length=200)
    area = models.DecimalField(_("专有部分面积（m²）"), **AREA)
    # [{"id", "label", "area", "source"}] as they stood when the roll was frozen.
    units = models.JSONField(_("房屋"), default=list)
    owners = models.ManyToManyField("registry.Owner", verbose_name=_("业主"), related_name="roll_entries", blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("表决权人")
        verbose_name_plural = _("表决权人名册")

    def __str__(self) -> str:
        return self.name


class Ballot(models.Model):
    class Choice(models.TextChoices):
        YES = "yes", _("同意")
        NO = "no", _("反对")
        ABSTAIN = "abstain", _("弃权")

    class Channel(models.TextChoices):
        ONLINE = "online", _("网上投票")
        PAPER = "paper", _("纸质选票")

    motion = models.ForeignKey(Motion, verbose_name=_("表决"), on_delete=models.CASCADE, related_name="ballots")
    entry = models.ForeignKey(RollEntry, verbose_name=_("表决权人"), on_delete=models.CASCADE, related_name="ballots")
    choice = models.CharField(_("表决意见"), max_length=10, choices=Choice.choices)
    channel = models.CharField(_("投票方式"), max_length=10, choices=Channel.choices)
    ballot_no = models.CharField(_("选票编号"), max_length=40, blank=True)
    cast_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入/投票人"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    cast_at = models.DateTimeField(_("投票时间"))
    changed_at = models.DateTimeField(_("修改时间"), null=True, blank=True)
    changes = models.PositiveSmallIntegerField(_("修改次数"), default=0)

    class Meta:
        ordering = ["id"]
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        constraints = [
            models.UniqueConstraint(fields=["motion", "entry"], name="uniq_ballot_per_entry",
                                    violation_error_message=_("该表决权人已投票。")),
            models.UniqueConstraint(fields=["motion", "ballot_no"], condition=~models.Q(ballot_no=""),
                                    name="uniq_paper_ballot_no",
                                    violation_error_message=_("该选票编号已录入。")),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.choice}"


class MotionEvent(WorkflowEvent):
    """The motion's timeline: its transitions (``votes/workflow.py``) and its ballots (no state change)."""

    motion = models.ForeignKey(Motion, verbose_name=_("表决"), on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("表决记录")
        verbose_name_plural = _("表决记录")

    def __str__(self) -> str:
        return f"{self.action} {self.created_at:%Y-%m-%d %H:%M}"


# ---------------------------------------------------------------- committee elections


class Election(TimeStampedModel):
    class Status(models.TextChoices):
        NOMINATING = "nominating", _("候选人提名")
        VOTING = "voting", _("选举表决中")
        ELECTED = "elected", _("已当选待备案")
        FILED = "filed", _("已备案")
        CANCELLED = "cancelled", _("已取消")

    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT,
                               related_name="elections")
    title = models.CharField(_("选举名称"), max_length=200)
    seats = models.PositiveSmallIntegerField(_("应选人数"), validators=[MinValueValidator(5), MaxValueValidator(11)])
    term_years = models.PositiveSmallIntegerField(_("任期（年）"), default=5,
                                                  validators=[MinValueValidator(1), MaxValueValidator(5)])
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.NOMINATING,
                              db_index=True)
    motion = models.OneToOneField(Motion, verbose_name=_("选举表决"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="election")
    elected_on = models.DateField(_("当选日期"), null=True, blank=True)
    filing_due = models.DateField(_("备案期限"), null=True, blank=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    committee = models.OneToOneField("registry.OwnersCommittee", verbose_name=_("产生的业主委员会"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="election")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("业委会选举")
        verbose_name_plural = _("业委会选举")

    def __str__(self) -> str:
        return self.title


class Candidate(TimeStampedModel):
    class Vetting(models.TextChoices):
        PENDING = "pending", _("待社区党组织审查")
        APPROVED = "approved", _("审查通过")
        REJECTED = "rejected", _("审查未通过")

    election = models.ForeignKey(Election, verbose_name=_("选举"), on_delete=models.CASCADE, related_name="candidates")
    owner = models.ForeignKey("registry.Owner", verbose_name=_("业主"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    is_party_member = models.BooleanField(_("中共党员"), default=False)
    statement = models.TextField(_("候选人简介"), max_length=2000, blank=True)
    vetting = models.CharField(_("资格审查"), max_length=10, choices=Vetting.choices, default=Vetting.PENDING)
    vetting_note = models.CharField(_("审查意见"), max_length=500, blank=True)
    vetted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审查人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    vetted_at = models.DateTimeField(_("审查时间"), null=True, blank=True)
    yes_area = models.DecimalField(_("同意面积（m²）"), **AREA, null=True, blank=True)
    yes_heads = models.PositiveIntegerField(_("同意人数"), null=True, blank=True)
    elected = models.BooleanField(_("当选"), default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("候选人")
        verbose_name_plural = _("候选人")
        constraints = [models.UniqueConstraint(fields=["election", "owner"], name="uniq_candidate_owner",
                                               violation_error_message=_("该业主已是本次选举的候选人。"))]

    def __str__(self) -> str:
        return self.name


class ElectionEvent(WorkflowEvent):
    """The election's timeline: its transitions (``elections/workflow.py``), nominations and vetting."""

    election = models.ForeignKey(Election, verbose_name=_("选举"), on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("选举记录")
        verbose_name_plural = _("选举记录")

    def __str__(self) -> str:
        return f"{self.action} {self.created_at:%Y-%m-%d %H:%M}"


class CommitteeReminder(models.Model):
    """Idempotency of the daily committee sweep: one row per committee and kind of reminder."""

    class Kind(models.TextChoices):
        TERM_ENDING = "term_ending", _("任期即将届满")
        FILING_OVERDUE = "filing_overdue", _("逾期未备案")

    committee = models.ForeignKey("registry.OwnersCommittee", verbose_name=_("业主委员会"), on_delete=models.CASCADE,
                                  related_name="+")
    kind = models.CharField(_("提醒类型"), max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(_("提醒时间"))

    class Meta:
        verbose_name = _("业委会提醒")
        verbose_name_plural = _("业委会提醒")
        constraints = [models.UniqueConstraint(fields=["committee", "kind"], name="uniq_committee_reminder")]

    def __str__(self) -> str:
        return f"{self.committee_id} {self.kind}"
