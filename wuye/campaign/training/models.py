"""Training (物业培训, issue 16 item 11): courses, their sessions, and each person's enrolment with
sign-in attendance, exam score and certificate number.

A person is either a registered company employee (``registry.Staff``: project managers and
company staff, who may have no account) or a platform user (street, community, committee and
department staff). Hours count once the person has signed in: a person's yearly hours are the
hours of the sessions they attended that year (``hours.py`` is the one home of that sum, which
also drives the project manager's training-hours credit item).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.models import TimeStampedModel


class Audience(models.TextChoices):
    MANAGERS = "managers", _("物业项目经理")
    COMPANY_STAFF = "company_staff", _("物业企业从业人员")
    STREET = "street", _("街道工作人员")
    COMMUNITY = "community", _("社区工作人员")
    COMMITTEE = "committee", _("业委会成员")
    DEPARTMENT = "department", _("职能部门工作人员")
    ALL = "all", _("不限")


class Course(TimeStampedModel):
    """A course (培训课程), organised by the city bureau or a district authority."""

    title = models.CharField(_("课程名称"), max_length=120)
    topic = models.CharField(_("培训主题"), max_length=200)
    audience = models.CharField(_("培训对象"), max_length=16, choices=Audience.choices, default=Audience.ALL)
    description = models.TextField(_("课程简介"), blank=True)
    district = models.ForeignKey("territory.District", verbose_name=_("组织区县"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+", help_text=_("空表示市级培训"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("培训课程")
        verbose_name_plural = _("培训课程")

    def __str__(self) -> str:
        return self.title


class Session(TimeStampedModel):
    """One session (培训班次) of a course: date, hours, trainer, place or online, capacity."""

    course = models.ForeignKey(Course, verbose_name=_("课程"), on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("开始时间"))
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))])
    trainer = models.CharField(_("授课人"), max_length=60)
    online = models.BooleanField(_("线上培训"), default=False)
    place = models.CharField(_("培训地点"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("名额"))
    district = models.ForeignKey("territory.District", verbose_name=_("组织区县"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    enrolled = models.PositiveIntegerField(_("已报名"), default=0)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("培训班次")
        verbose_name_plural = _("培训班次")
        indexes = [models.Index(fields=["district", "-starts_at"])]

    def __str__(self) -> str:
        return f"{self.course} {self.starts_at:%Y-%m-%d}"


class Enrolment(TimeStampedModel):
    """A person's place in a session, their sign-in, exam score and certificate."""

    session = models.ForeignKey(Session, verbose_name=_("班次"), on_delete=models.CASCADE, related_name="enrolments")
    staff = models.ForeignKey("registry.Staff", verbose_name=_("企业从业人员"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("工作人员"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="training_enrolments")
    name = models.CharField(_("姓名"), max_length=60)
    unit_name = models.CharField(_("所在单位"), max_length=200, blank=True)
    district_id = models.PositiveBigIntegerField(_("所属区县"), null=True, blank=True)
    signed_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    exam_score = models.DecimalField(_("考试成绩"), max_digits=5, decimal_places=1, null=True, blank=True)
    certificate_no = models.CharField(_("证书编号"), max_length=40, blank=True)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["session_id", "name", "id"]
        verbose_name = _("培训报名")
        verbose_name_plural = _("培训报名")
        constraints = [
            models.UniqueConstraint(fields=["session", "staff"], condition=models.Q(staff__isnull=False),
                                    name="training_enrol_staff_once"),
            models.UniqueConstraint(fields=["session", "user"], condition=models.Q(user__isnull=False),
                                    name="training_enrol_user_once"),
            models.CheckConstraint(condition=models.Q(staff__isnull=False) | models.Q(user__isnull=False),
                                   name="training_enrol_has_person"),
        ]
        indexes = [models.Index(fields=["staff", "signed_in_at"]), models.Index(fields=["user", "signed_in_at"])]

    def __str__(self) -> str:
        return f"{self.name} · {self.session_id}"
