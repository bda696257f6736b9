"""The city bureau's complaint settings (rules.md §7; issue §5, §10): categories with their
routing and time limits, the scoring weights and warning window (``CaseSettings``) and the
escalation rules (催办 → 督办 → 挂牌督办 → 通报). Every save is audited; the sweep's cached
settings are forgotten at once and again after commit."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from wuye.cases.models import CaseSettings, Category, EscalationRule, SupervisionLevel
from wuye.cases.selectors import can_configure
from wuye.core.audit import audit_record, model_changes, snapshot
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction

from . import common


@transaction.atomic
def category_save(*, user, category: Category, changed: list[str] | None = None) -> Category:
    if not can_configure(user):
        raise ServiceError(_("只有市住房保障房产局可以维护诉求类别"))
    if category.responsible == Category.Responsible.DEPARTMENT and not category.department_kind:
        raise ServiceError(_("责任主体为职能部门时，须选择部门类别"))
    creating = category.pk is None
    category.full_clean()
    category.save()
    audit_record(action=AuditAction.CREATE if creating else AuditAction.UPDATE, actor=user, obj=category,
                 changes={"fields": changed or []})
    return category


@transaction.atomic
def case_settings_save(*, user, settings_obj: CaseSettings) -> CaseSettings:
    if not can_configure(user):
        raise ServiceError(_("只有市住房保障房产局可以修改设置"))
    if settings_obj.weight_response + settings_obj.weight_resolution + settings_obj.weight_satisfaction != 100:
        raise ServiceError(_("三项权重之和应为 100"))
    settings_obj.pk = 1
    settings_obj.save()
    transaction.on_commit(common.settings_changed)
    common.settings_changed()
    audit_record(action=AuditAction.UPDATE, actor=user, obj=settings_obj, changes={
        "weights": [settings_obj.weight_response, settings_obj.weight_resolution, settings_obj.weight_satisfaction],
        "warn_before_hours": settings_obj.warn_before_hours, "ranking_size": settings_obj.ranking_size})
    return settings_obj


MAX_OVERDUE_HOURS = 24 * 90  # a quarter of a year: beyond that escalation means nothing


@transaction.atomic
def escalation_rule_save(*, user, rule: EscalationRule) -> EscalationRule:
    """Create or change the rule of one supervision level (audited).

    A rule says: when any running stage of a complaint has been overdue for ``overdue_hours``,
    the sweep raises its supervision to ``level``. Among the active rules a higher level may not
    need fewer hours than a lower one, or the lower level would be skipped.
    """
    if not can_configure(user):
        raise ServiceError(_("只有市住房保障房产局可以修改督办升级规则"))
    if rule.level not in SupervisionLevel.values or rule.level == SupervisionLevel.NONE:
        raise ServiceError({"level": _("请选择督办等级")})
    hours = rule.overdue_hours
    if hours is None or isinstance(hours, bool) or not isinstance(hours, int) or hours < 0:
        raise ServiceError({"overdue_hours": _("超期小时数应为 0 或正整数")})
    if hours > MAX_OVERDUE_HOURS:
        raise ServiceError({"overdue_hours": _("超期小时数不能超过 %(n)s（90 天）") % {"n": MAX_OVERDUE_HOURS}})
    existing = EscalationRule.objects.select_for_update().filter(level=rule.level).first()
    if existing is not None and rule.pk not in (None, existing.pk):
        raise ServiceError({"level": _("该督办等级已有规则")})
    if rule.active:
        others = EscalationRule.objects.filter(active=True).exclude(level=rule.level)
        lower = others.filter(level__lt=rule.level, overdue_hours__gt=hours).order_by("-level").first()
        if lower is not None:
            raise ServiceError({"overdue_hours": _(
                "%(this)s的超期小时数不能少于%(other)s（%(hours)s 小时），否则%(other)s不会被触发"
            ) % {"this": SupervisionLevel(rule.level).label, "other": lower.get_level_display(),
                 "hours": lower.overdue_hours}})
        higher = others.filter(level__gt=rule.level, overdue_hours__lt=hours).order_by("level").first()
        if higher is not None:
            raise ServiceError({"overdue_hours": _(
                "%(this)s的超期小时数不能多于%(other)s（%(hours)s 小时），请先调整%(other)s"
            ) % {"this": SupervisionLevel(rule.level).label, "other": higher.get_level_display(),
                 "hours": higher.overdue_hours}})
    before = snapshot(existing) if existing is not None else {}
    if existing is not None:
        rule.pk = existing.pk
    rule.full_clean(validate_unique=False)
    rule.save()
    # The sweep and intake cache the rules per process (services.common.sweep_settings): forget them now and
    # again once the change is committed.
    transaction.on_commit(common.settings_changed)
    common.settings_changed()
    changes = model_changes(before, snapshot(rule))
    if existing is None or changes:
        audit_record(action=AuditAction.CREATE if existing is None else AuditAction.UPDATE, actor=user, obj=rule,
                     changes=changes, detail=_("督办升级规则：%(rule)s") % {"rule": rule})
    return rule
