"""Owner satisfaction surveys: questionnaire templates, surveys, answer sheets (issue 4 §5)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.models import TimeStampedModel


class SurveyTemplate(TimeStampedModel):
    name = models.CharField(_("问卷名称"), max_length=100)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    is_default = models.BooleanField(_("默认问卷"), default=False)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["name", "-version"]
        verbose_name = _("测评问卷")
        verbose_name_plural = _("测评问卷")

    def __str__(self) -> str:
        return f"{self.name}（第 {self.version} 版）"


class SurveyDimension(models.Model):
    template = models.ForeignKey(SurveyTemplate, verbose_name=_("问卷"), on_delete=models.CASCADE, related_name="dimensions")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    name = models.CharField(_("测评维度"), max_length=50)

    class Meta:
        ordering = ["template", "order", "id"]
        verbose_name = _("测评维度")
        verbose_name_plural = _("测评维度")

    def __str__(self) -> str:
        return self.name


class SurveyQuestion(models.Model):
    dimension = models.ForeignKey(SurveyDimension, verbose_name=_("测评维度"), on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    text = models.CharField(_("题目"), max_length=200)

    class Meta:
        ordering = ["dimension__order", "order", "id"]
        verbose_name = _("测评题目")
        verbose_name_plural = _("测评题目")

    def __str__(self) -> str:
        return self.text


class Survey(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("未开始")
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已结束")

    template = models.ForeignKey(SurveyTemplate, verbose_name=_("问卷"), on_delete=models.PROTECT, related_name="surveys")
    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="surveys")
    company = models.ForeignKey("registry.PropertyCompany", verbose_name=_("物业服务企业"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="surveys")
    title = models.CharField(_("测评名称"), max_length=100)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("结束时间"))
    unit_count = models.PositiveIntegerField(_("应参与户数"), default=0)
    response_count = models.PositiveIntegerField(_("已参与户数"), default=0)
    satisfied_answers = models.PositiveIntegerField(_("满意回答数"), default=0)
    answer_count = models.PositiveIntegerField(_("回答总数"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")
        indexes = [models.Index(fields=["estate", "-opens_at"])]

    def __str__(self) -> str:
        return self.title


class SurveyResponse(models.Model):
    """One answer sheet per unit (issue 4 §5: one answer per unit per survey, from the verified owner)."""

    survey = models.ForeignKey(Survey, verbose_name=_("测评"), on_delete=models.CASCADE, related_name="responses")
    unit = models.ForeignKey("registry.Unit", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey("registry.Owner", verbose_name=_("业主"), on_delete=models.PROTECT, related_name="+")
    comment = models.CharField(_("意见建议"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("测评答卷")
        verbose_name_plural = _("测评答卷")
        constraints = [models.UniqueConstraint(fields=["survey", "unit"], name="one_response_per_unit",
                                               violation_error_message=_("该房屋已参加本次测评。"))]

    def __str__(self) -> str:
        return f"{self.survey} · {self.unit}"


class SurveyAnswer(models.Model):
    class Score(models.IntegerChoices):
        VERY_BAD = 1, _("非常不满意")
        BAD = 2, _("不满意")
        FAIR = 3, _("一般")
        GOOD = 4, _("满意")
        VERY_GOOD = 5, _("非常满意")

    response = models.ForeignKey(SurveyResponse, verbose_name=_("答卷"), on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, verbose_name=_("题目"), on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("评价"), choices=Score.choices)

    class Meta:
        verbose_name = _("测评回答")
        verbose_name_plural = _("测评回答")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.score}"
