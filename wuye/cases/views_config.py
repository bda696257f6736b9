"""The city bureau's complaint settings (issue §5, §10, §14): the category catalogue with its
routing, supervision, visibility and time limits; the composite weights, warning time and
ranking size; the escalation rules. Only the city bureau may open these pages; anybody else
gets 404, audited (as the working-day calendar does)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from wuye.core.access import refuse
from wuye.core.calendar import describe_period
from wuye.core.listing import page_window, paginate

from . import services
from .forms_config import UNIT_HELP, CaseSettingsForm, CategoryForm, EscalationRuleForm
from .models import CaseSettings, Category, EscalationRule, SupervisionLevel
from .selectors import (
    can_configure,
    categories_for_config,
    category_by_pk,
    escalation_rule_of,
    escalation_rules_by_level,
)
from .services import escalation_rule_save


def _require_configure(request, model=Category) -> None:
    if not can_configure(request.user):
        refuse(user=request.user, model=model, pk="", reason="非市住房保障房产局访问接诉即办设置")


def _errors_to_form(form, exc: ValidationError) -> None:
    """A refused write's messages onto the form (field errors beside their fields)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _limits(c: Category) -> list[tuple[str, str, bool]]:
    return [
        (_("受理"), describe_period(c.accept_amount, c.accept_unit), c.accept_unit == "working_days"),
        (_("签收"), describe_period(c.sign_amount, c.sign_unit), c.sign_unit == "working_days"),
        (_("联系"), describe_period(c.contact_amount, c.contact_unit), c.contact_unit == "working_days"),
        (_("办结"), describe_period(c.resolve_amount, c.resolve_unit), c.resolve_unit == "working_days"),
    ]


@require_safe
@login_required
def category_list(request):
    """``/complaints/config/``: the catalogue, active and inactive."""
    _require_configure(request)
    qs = categories_for_config()
    page = paginate(request, qs, per_page=50)
    rows = [{"c": c, "limits": _limits(c)} for c in page.object_list]
    return render(request, "cases/config/category_list.html", {
        "rows": rows, "page": page, "window": page_window(page), "query": "",
        "n_active": sum(1 for r in rows if r["c"].active), "unit_help": UNIT_HELP,
    })


def _category_form_page(request, form, *, title: str, obj=None):
    return render(request, "cases/config/category_form.html", {
        "form": form, "obj": obj, "title": title, "unit_help": UNIT_HELP,
        "breadcrumbs": [(_("诉求类别"), reverse("cases:config_category_list")), (title, None)],
    })


@require_http_methods(["GET", "POST"])
@login_required
def category_create(request):
    _require_configure(request)
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.category_save(user=request.user, category=form.save(commit=False), changed=form.changed_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("已新增诉求类别“%(name)s”。") % {"name": obj.name})
            return redirect("cases:config_category_list")
    return _category_form_page(request, form, title=_("新增诉求类别"))


@require_http_methods(["GET", "POST"])
@login_required
def category_edit(request, pk: int):
    _require_configure(request)
    obj = category_by_pk(pk)
    if obj is None:
        refuse(user=request.user, model=Category, pk=pk, reason="记录不存在")
    form = CategoryForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        if not form.changed_data:
            messages.info(request, _("没有修改任何内容。"))
            return redirect("cases:config_category_list")
        try:
            saved = services.category_save(user=request.user, category=form.save(commit=False), changed=form.changed_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("已保存诉求类别“%(name)s”，新的时限用于之后派单的诉求。") % {"name": saved.name})
            return redirect("cases:config_category_list")
    return _category_form_page(request, form, title=_("修改诉求类别：%(name)s") % {"name": obj.name}, obj=obj)


def _rules_table() -> list[dict]:
    rules = escalation_rules_by_level()
    return [
        {"level": level, "label": label, "rule": rules.get(level)}
        for level, label in SupervisionLevel.choices
        if level != SupervisionLevel.NONE
    ]


@require_http_methods(["GET", "POST"])
@login_required
def settings_edit(request):
    """``/complaints/config/settings/``: weights, warning time, ranking size; the escalation rules."""
    _require_configure(request, CaseSettings)
    current = CaseSettings.current()
    form = CaseSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_settings_save(user=request.user, settings_obj=form.save(commit=False))
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("已保存接诉即办设置，考核得分按新权重计算。"))
            return redirect("cases:config_settings")
    return render(request, "cases/config/settings.html", {"form": form, "rules": _rules_table()})


@require_http_methods(["GET", "POST"])
@login_required
def escalation_edit(request, level: int):
    """``/complaints/config/escalation/<level>/``: one level's rule (created when missing)."""
    _require_configure(request, EscalationRule)
    if level not in SupervisionLevel.values or level == SupervisionLevel.NONE:
        raise Http404("没有该督办等级。")
    rule = escalation_rule_of(level) or EscalationRule(level=level, overdue_hours=0)
    form = EscalationRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            escalation_rule_save(user=request.user, rule=form.save(commit=False))
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("已保存“%(label)s”的升级规则。") % {"label": SupervisionLevel(level).label})
            return redirect(reverse("cases:config_settings") + "#escalation")
    label = SupervisionLevel(level).label
    title = _("督办升级规则：%(label)s") % {"label": label}
    return render(request, "cases/config/escalation_form.html", {
        "form": form, "rule": rule, "level": level, "label": label, "title": title, "rules": _rules_table(),
        "breadcrumbs": [(_("接诉即办设置"), reverse("cases:config_settings")), (title, None)],
    })
