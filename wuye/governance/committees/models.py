"""Guidance and supervision of owners' committees, and owners' oversight (issue 19 §3–6).

The committee itself and its members are the registry's (``registry.OwnersCommittee``,
``registry.CommitteeMember``); the 民法典 第二百七十八条 list of matters is the votes' one
(``wuye.governance.models.Matter``). Here:

- ``CommitteeMeeting``: a committee meeting with minutes and an attachment;
- ``CommitteeDecision``: a committee decision (决定) on the core workflow ``committee_decision``:
  review by the community or street (guidance opinion), correction ordered by the street
  (责令改正) and the committee's answer; ``GuidanceOpinion`` keeps each opinion;
- ``MemberChange``: resignation, removal by the assembly, substitution, with its legal basis;
- ``ConflictDeclaration``: a member's conflict of interest with the serving company;
- ``OwnerQuestion``: an owner's question or objection on a decision, on the core workflow
  ``owner_question``: answered by the committee within a set period, else escalated to the street.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.calendar import PeriodUnit
from wuye.core.models import SettingsModel, TimeStampedModel
from wuye.core.workflow import WorkflowEvent


class CommitteeSettings(SettingsModel):
    """Periods of the supervision of committees (one row)."""

    review_days = models.PositiveSmallIntegerField(_("决定审查期限"), default=10,
                                                   help_text=_("社区或街道在决定登记后多少天内出具指导意见。"))
    review_unit = models.CharField(_("审查期限单位"), max_length=15, choices=PeriodUnit.choices[1:],
                                   default=PeriodUnit.WORKING_DAYS)
    answer_days = models.PositiveSmallIntegerField(_("业主质询答复期限"), default=10,
                                                   help_text=_("业委会须在多少天内答复业主的质询或异议，逾期提交街道。"))
    answer_unit = models.CharField(_("答复期限单位"), max_length=15, choices=PeriodUnit.choices[1:],
                                   default=PeriodUnit.WORKING_DAYS)
    correction_days = models.PositiveSmallIntegerField(_("责令改正默认期限（天）"), default=30)

    class Meta:
        verbose_name = _("业委会监督设置")
        verbose_name_plural = _("业委会监督设置")


class CommitteeMatter(models.TextChoices):
    """Matters a committee decides itself (物业管理条例 第十五条 duties of the committee)."""

    CONVENE = "convene", _("召集业主大会会议、报告工作")
    CONTRACT = "contract", _("监督物业服务合同的履行")
    ROUTINE = "routine", _("执行业主大会决定的日常事务")
    STATUTE_ENFORCEMENT = "statute_enforcement", _("督促业主遵守管理规约")
    DISPUTE = "dispute", _("协调业主与物业服务企业的矛盾")
    OTHER = "other", _("业主大会授权的其他事项")


class CommitteeMeeting(TimeStampedModel):
    committee = models.ForeignKey("registry.OwnersCommittee", verbose_name=_("业主委员会"), on_delete=models.PROTECT,
                                  related_name="+")
    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("会议日期"))
    title = models.CharField(_("会议名称"), max_length=200)
    attendees = models.CharField(_("出席委员"), max_length=500)
    minutes = models.TextField(_("会议纪要"), max_length=20000)
    attachment = models.FileField(_("附件"), upload_to="committees/meetings/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("业委会会议")
        verbose_name_plural = _("业委会会议")

    def __str__(self) -> str:
        return self.title


class CommitteeDecision(TimeStampedModel):
    class Status(models.TextChoices):
        RECORDED = "recorded", _("待审查")
        AGREED = "agreed", _("审查同意")
        ADVISED = "advised", _("建议修改")
        OBJECTED = "objected", _("审查反对")
        CORRECTION = "correction", _("责令改正中")
        ANSWERED = "answered", _("已答复改正")
        CORRECTED = "corrected", _("改正完毕")
        WITHDRAWN = "withdrawn", _("已撤回")

    committee = models.ForeignKey("registry.OwnersCommittee", verbose_name=_("业主委员会"), on_delete=models.PROTECT,
                                  related_name="+")
    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(CommitteeMeeting, verbose_name=_("会议"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="decisions")
    number = models.CharField(_("决定编号"), max_length=40, blank=True)
    title = models.CharField(_("决定事项"), max_length=200)
    body = models.TextField(_("决定内容"), max_length=10000)
    matter = models.CharField(_("事项类别"), max_length=30, choices=CommitteeMatter.choices)
    decided_on = models.DateField(_("决定日期"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.RECORDED, db_index=True)
    review_due = models.DateField(_("审查期限"))
    reviewed_at = models.DateTimeField(_("审查时间"), null=True, blank=True)
    correction_reason = models.TextField(_("责令改正理由"), max_length=3000, blank=True)
    correction_due = models.DateField(_("改正期限"), null=True, blank=True)
    correction_answer = models.TextField(_("改正答复"), max_length=5000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("业委会决定")
        verbose_name_plural = _("业委会决定")

    def __str__(self) -> str:
        return self.title


class DecisionEvent(WorkflowEvent):
    decision = models.ForeignKey(CommitteeDecision, verbose_name=_("决定"), on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("决定审查记录")
        verbose_name_plural = _("决定审查记录")

    def __str__(self) -> str:
        return f"{self.decision_id} {self.action}"


class GuidanceOpinion(models.Model):
    class Opinion(models.TextChoices):
        AGREE = "agree", _("同意")
        ADVISE = "advise", _("建议修改")
        OBJECT = "object", _("反对")

    decision = models.ForeignKey(CommitteeDecision, verbose_name=_("决定"), on_delete=models.CASCADE,
                                 related_name="opinions")
    opinion = models.CharField(_("指导意见"), max_length=10, choices=Opinion.choices)
    reasons = models.TextField(_("理由"), max_length=3000, blank=True)
    unit_name = models.CharField(_("出具单位"), max_length=100)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("出具人"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    given_at = models.DateTimeField(_("出具时间"))

    class Meta:
        ordering = ["given_at", "id"]
        verbose_name = _("指导意见")
        verbose_name_plural = _("指导意见")

    def __str__(self) -> str:
        return f"{self.decision_id} {self.opinion}"


class MemberChange(models.Model):
    class Kind(models.TextChoices):
        RESIGNATION = "resignation", _("辞职")
        REMOVAL = "removal", _("业主大会罢免")
        SUBSTITUTION = "substitution", _("递补")

    committee = models.ForeignKey("registry.OwnersCommittee", verbose_name=_("业主委员会"), on_delete=models.CASCADE,
                                  related_name="+")
    kind = models.CharField(_("变动类型"), max_length=15, choices=Kind.choices)
    member_name = models.CharField(_("离任委员"), max_length=50, blank=True)
    substitute = models.ForeignKey("registry.CommitteeMember", verbose_name=_("递补委员"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    substitute_name = models.CharField(_("递补委员姓名"), max_length=50, blank=True)
    legal_basis = models.CharField(_("依据"), max_length=500)
    motion = models.ForeignKey("governance.Motion", verbose_name=_("业主大会表决"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    effective_on = models.DateField(_("生效日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-effective_on", "-id"]
        verbose_name = _("委员变动")
        verbose_name_plural = _("委员变动")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.member_name or self.substitute_name}"


class ConflictDeclaration(models.Model):
    class Kind(models.TextChoices):
        EMPLOYED = "employed", _("受雇于服务本小区的物业服务企业")
        CONTRACT = "contract", _("与该物业服务企业存在合同或交易")
        RELATIVE = "relative", _("近亲属在该物业服务企业任职")
        OTHER = "other", _("其他利益关系")

    committee = models.ForeignKey("registry.OwnersCommittee", verbose_name=_("业主委员会"), on_delete=models.CASCADE,
                                  related_name="+")
    member = models.ForeignKey("registry.CommitteeMember", verbose_name=_("委员"), on_delete=models.CASCADE,
                               related_name="+")
    company = models.ForeignKey("registry.PropertyCompany", verbose_name=_("相关企业"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("利益关系"), max_length=10, choices=Kind.choices)
    detail = models.CharField(_("说明"), max_length=500)
    declared_on = models.DateField(_("申报日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-declared_on", "-id"]
        verbose_name = _("利益冲突申报")
        verbose_name_plural = _("利益冲突申报")

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind}"


class OwnerQuestion(TimeStampedModel):
    class Kind(models.TextChoices):
        QUESTION = "question", _("质询")
        OBJECTION = "objection", _("异议")

    class Status(models.TextChoices):
        OPEN = "open", _("待答复")
        ESCALATED = "escalated", _("逾期已提交街道")
        ANSWERED = "answered", _("已答复")

    decision = models.ForeignKey(CommitteeDecision, verbose_name=_("决定"), on_delete=models.CASCADE,
                                 related_name="questions")
    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey("registry.Owner", verbose_name=_("业主"), on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出人账号"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("内容"), max_length=3000)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    due_at = models.DateTimeField(_("答复期限"), db_index=True)
    answer = models.TextField(_("答复"), max_length=5000, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("提交街道时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("业主质询")
        verbose_name_plural = _("业主质询")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class QuestionEvent(WorkflowEvent):
    question = models.ForeignKey(OwnerQuestion, verbose_name=_("质询"), on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("质询记录")
        verbose_name_plural = _("质询记录")

    def __str__(self) -> str:
        return f"{self.question_id} {self.action}"
