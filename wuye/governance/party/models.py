"""Party building in estates (支部建在小区上) and three-party joint meetings (issue 19 §1–2).

- ``PartyOrganisation``: a community Party organisation (社区党组织) or an estate branch
  (小区党支部) linked to it, its secretary and the estates it covers;
- ``PartyMember``: an owner who is a Party member of a branch, recorded only with their consent;
- ``JointMeeting``: a three-party joint meeting (社区党组织、业主委员会、物业服务企业; the street and
  departments when invited) with agenda, attendees, minutes and decisions;
- ``FollowUp``: one decision of a meeting, an item with an owner unit and a deadline, tracked to
  done on the core workflow (``workflow.FOLLOWUP``), with its timeline ``FollowUpEvent``;
- ``MeetingFlag``: one row per estate and period without a meeting (the idempotency of the flag).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.models import SettingsModel, TimeStampedModel
from wuye.core.workflow import WorkflowEvent


class PartySettings(SettingsModel):
    """The city bureau's settings of Party building and joint meetings (one row). The target share
    of Party members among committee members is ``GovernanceSettings.party_share_percent``."""

    meeting_period_months = models.PositiveSmallIntegerField(
        _("联席会议周期（月）"), default=3, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("每个小区在每个周期（默认一个季度）内至少召开一次三方联席会议，否则向社区和街道预警。"))
    followup_reminder_days = models.PositiveSmallIntegerField(
        _("跟办事项到期提醒（提前天数）"), default=3, help_text=_("跟办事项到期前若干天提醒责任单位。"))

    class Meta:
        verbose_name = _("党建引领设置")
        verbose_name_plural = _("党建引领设置")


class PartyOrganisation(TimeStampedModel):
    class Level(models.TextChoices):
        COMMUNITY = "community", _("社区党组织")
        ESTATE = "estate", _("小区党支部")

    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    name = models.CharField(_("名称"), max_length=100)
    community = models.ForeignKey("territory.Community", verbose_name=_("所属社区"), on_delete=models.PROTECT,
                                  related_name="party_organisations")
    parent = models.ForeignKey("self", verbose_name=_("上级社区党组织"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="branches")
    secretary = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("书记账号"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    secretary_name = models.CharField(_("书记姓名"), max_length=50)
    secretary_phone = models.CharField(_("书记电话"), max_length=20, blank=True)
    estates = models.ManyToManyField("registry.Estate", verbose_name=_("覆盖小区"), blank=True,
                                     related_name="party_organisations")
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["community", "level", "name"]
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")

    def __str__(self) -> str:
        return self.name


class PartyMember(TimeStampedModel):
    """An owner who is a Party member of a branch. Recorded only with their consent (个人信息保护法
    第十三条、第二十九条: political views are sensitive personal data and need separate consent)."""

    organisation = models.ForeignKey(PartyOrganisation, verbose_name=_("党组织"), on_delete=models.CASCADE,
                                     related_name="members")
    owner = models.ForeignKey("registry.Owner", verbose_name=_("业主"), on_delete=models.PROTECT, related_name="+")
    consent_on = models.DateField(_("本人同意登记日期"))
    joined_on = models.DateField(_("转入/报到日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["organisation", "id"]
        verbose_name = _("党员业主")
        verbose_name_plural = _("党员业主")
        constraints = [models.UniqueConstraint(fields=["organisation", "owner"], name="uniq_party_member")]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.owner_id}"


class JointMeeting(TimeStampedModel):
    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT,
                               related_name="joint_meetings")
    # Denormalised from the estate at recording time, for one-filter scoping.
    community = models.ForeignKey("territory.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey("territory.Street", verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey("territory.District", verbose_name=_("区县"), on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey("registry.PropertyCompany", verbose_name=_("物业服务企业"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey("registry.OwnersCommittee", verbose_name=_("业主委员会"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(PartyOrganisation, verbose_name=_("主持党组织"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="meetings")
    held_at = models.DateTimeField(_("召开时间"), db_index=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    agenda = models.TextField(_("议题"), max_length=4000)
    attendees = models.TextField(_("参会人员"), max_length=2000)
    street_invited = models.BooleanField(_("邀请街道参加"), default=False)
    departments_invited = models.CharField(_("邀请的部门"), max_length=300, blank=True)
    minutes = models.TextField(_("会议纪要"), max_length=20000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-held_at", "-id"]
        verbose_name = _("三方联席会议")
        verbose_name_plural = _("三方联席会议")

    def __str__(self) -> str:
        return f"{self.estate_id} {self.held_at:%Y-%m-%d}"


class FollowUp(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("待办理")
        IN_PROGRESS = "in_progress", _("办理中")
        DONE = "done", _("已办结")
        CANCELLED = "cancelled", _("已撤销")

    class Owner(models.TextChoices):
        COMPANY = "company", _("物业服务企业")
        COMMITTEE = "committee", _("业主委员会")
        COMMUNITY = "community", _("社区")
        STREET = "street", _("街道")

    meeting = models.ForeignKey(JointMeeting, verbose_name=_("联席会议"), on_delete=models.CASCADE,
                                related_name="followups")
    number = models.PositiveSmallIntegerField(_("序号"))
    decision = models.TextField(_("会议决定"), max_length=2000)
    owner_unit = models.CharField(_("责任单位"), max_length=10, choices=Owner.choices)
    deadline = models.DateField(_("办结期限"), db_index=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    result = models.TextField(_("办理结果"), max_length=2000, blank=True)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("到期提醒时间"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("逾期提醒时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = _("跟办事项")
        verbose_name_plural = _("跟办事项")
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="uniq_followup_number")]

    def __str__(self) -> str:
        return f"{self.meeting_id}-{self.number}"


class FollowUpEvent(WorkflowEvent):
    followup = models.ForeignKey(FollowUp, verbose_name=_("跟办事项"), on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("跟办记录")
        verbose_name_plural = _("跟办记录")

    def __str__(self) -> str:
        return f"{self.followup_id} {self.action}"


class MeetingFlag(models.Model):
    """An estate without a joint meeting in one period (idempotency of the periodic flag)."""

    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField(_("周期开始"))
    period_end = models.DateField(_("周期结束"))
    notified_at = models.DateTimeField(_("预警时间"))

    class Meta:
        verbose_name = _("联席会议预警")
        verbose_name_plural = _("联席会议预警")
        constraints = [models.UniqueConstraint(fields=["estate", "period_start"], name="uniq_meeting_flag")]

    def __str__(self) -> str:
        return f"{self.estate_id} {self.period_start}"
