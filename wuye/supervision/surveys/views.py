"""Satisfaction survey pages (issue 4 §5): the officials' list, opening a survey, the results with
a chart per dimension and the Excel export; the owner's "我的测评" and the answer sheet (a narrow
column for phones); the city bureau's questionnaire templates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from wuye.core.access import get_visible_or_404, refuse
from wuye.core.audit import audit_record
from wuye.core.excel import Column, xlsx_response
from wuye.core.listing import apply_sort, page_window, paginate
from wuye.core.models import AuditAction
from wuye.core.money import percent
from wuye.registry.selectors import estates_visible_to

from . import selectors as sel
from . import services as svc
from .forms import DimensionForm, QuestionForm, SurveyAnswerForm, SurveyOpenForm, TemplateCopyForm
from .models import Survey, SurveyTemplate


def _require(request, allowed: bool, model=Survey, reason="无权访问满意度测评") -> None:
    if not allowed:
        refuse(user=request.user, model=model, pk="", reason=reason, status=403)


def _errors(form, exc: ValidationError) -> None:
    form.add_error(None, exc.messages)


def _crumbs(*items):
    return [(_("满意度测评"), reverse("supervision:survey_list")), *items]


# ---- the officials' pages --------------------------------------------------------------------


@require_safe
@login_required
def survey_list(request):
    """``/supervision/surveys/``: surveys in the user's share, newest first."""
    user = request.user
    if sel.uses_owner_pages(user):
        return redirect("supervision:survey_mine")
    _require(request, sel.can_list_surveys(user))
    qs = sel.surveys_visible_to(user).select_related("estate", "estate__district", "company")
    status = request.GET.get("status") or ""
    if status in Survey.Status.values:
        qs = qs.filter(status=status)
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(estate__name__icontains=q) | Q(title__icontains=q))
    qs, sort = apply_sort(request, qs, {"opens": ("opens_at", "id"), "estate": ("estate__name", "id")}, "-opens")
    page = paginate(request, qs)
    params = request.GET.copy()
    params.pop("page", None)
    rows = [(s, percent(s.response_count, s.unit_count), percent(s.satisfied_answers, s.answer_count))
            for s in page.object_list]
    return render(request, "supervision/survey_list.html", {
        "rows": rows, "page": page, "window": page_window(page), "query": params.urlencode(), "sort": sort,
        "status": status, "q": q, "statuses": Survey.Status.choices, "can_open": sel.can_open_surveys(user),
        "can_templates": sel.can_open_surveys(user), "breadcrumbs": [(_("满意度测评"), None)],
    })


@require_http_methods(["GET", "POST"])
@login_required
def survey_create(request):
    """``/supervision/surveys/new/``: the district authority (or the city bureau) opens a survey."""
    user = request.user
    _require(request, sel.can_open_surveys(user), reason="只有区县主管部门或市住房保障房产局可以发起测评")
    estates = estates_visible_to(user).filter(company__isnull=False).order_by("name")
    form = SurveyOpenForm(request.POST or None, estates=estates, initial={"estate": request.GET.get("estate")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            survey = svc.survey_open(actor=user, estate=d["estate"], template=d["template"], title=d["title"],
                                     opens_at=d["opens_at"], closes_at=d["closes_at"])
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("满意度测评已发起"))
            return redirect("supervision:survey_detail", survey.pk)
    return render(request, "supervision/survey_form.html", {
        "form": form, "breadcrumbs": _crumbs((_("发起测评"), None))})


@require_safe
@login_required
def survey_detail(request, pk: int):
    """``/supervision/surveys/<id>/``: figures, a bar chart per dimension, the questions' spread."""
    user = request.user
    survey = sel.survey_get_for_user(user=user, pk=pk)
    if sel.uses_owner_pages(user):
        return redirect("supervision:survey_mine")
    results = sel.survey_results(survey)
    return render(request, "supervision/survey_detail.html", {
        "survey": survey, "results": results, "chart": results.chart,
        "can_close": survey.status != Survey.Status.CLOSED and sel.can_close_survey(user, survey),
        "breadcrumbs": _crumbs((survey.title, None)),
    })


@require_POST
@login_required
def survey_close(request, pk: int):
    survey = sel.survey_get_for_user(user=request.user, pk=pk)
    if not sel.can_close_survey(request.user, survey):
        refuse(user=request.user, model=Survey, pk=pk, reason="无权结束该测评", status=403)
    try:
        svc.survey_close(actor=request.user, survey=survey)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("测评已结束"))
    return redirect("supervision:survey_detail", pk)


@require_safe
@login_required
def survey_export(request, pk: int):
    """The results of one survey, one row per question, as Excel (audited)."""
    user = request.user
    survey = sel.survey_get_for_user(user=user, pk=pk)
    _require(request, sel.can_export_survey(user))
    results = sel.survey_results(survey)
    rows = []
    for d in results.dimensions:
        for q in d.questions:
            rows.append([d.name, q["text"], q["answers"], *q["counts"], q["satisfied"], q["satisfaction"]])
        rows.append([d.name, _("（维度合计）"), d.answers, None, None, None, None, None, d.satisfied, d.satisfaction])
    rows.append([_("总体"), _("参与 %(n)s / %(m)s 户，参与率 %(r)s%%") % {
        "n": survey.response_count, "m": survey.unit_count, "r": results.response_rate if results.response_rate is not None else "—"},
        survey.answer_count, None, None, None, None, None, survey.satisfied_answers, results.satisfaction])
    columns = [Column(_("测评维度"), 14), Column(_("题目"), 48), Column(_("回答数"), 10)] + [
        Column(label, 10) for label in (_("非常不满意"), _("不满意"), _("一般"), _("满意"), _("非常满意"))] + [
        Column(_("满意回答"), 10), Column(_("满意率（%）"), 12, "0.00")]
    audit_record(action=AuditAction.EXPORT, actor=user, obj=survey, detail=_("导出满意度测评结果"))
    return xlsx_response(filename=f"survey-{survey.pk}.xlsx", sheet_title=_("测评结果"), columns=columns, rows=rows)


# ---- the owner's pages -------------------------------------------------------------------------


def _owner_gate(request) -> None:
    user = request.user
    if not sel.can_answer_surveys(user):
        refuse(user=user, model=Survey, pk="", reason="只有经核实的业主可以参加满意度测评", status=403)


@require_safe
@login_required
def survey_mine(request):
    """``/supervision/surveys/mine/``: open surveys of the owner's estates, each unit answered or not."""
    _owner_gate(request)
    user = request.user
    cards = sel.owner_survey_cards(user)
    return render(request, "supervision/survey_mine.html", {"cards": cards, "breadcrumbs": [(_("我的测评"), None)]})


@require_http_methods(["GET", "POST"])
@login_required
def survey_answer(request, pk: int, unit_pk: int):
    """``/supervision/surveys/<id>/answer/<unit>/``: the answer sheet for one unit."""
    _owner_gate(request)
    user = request.user
    survey = sel.survey_get_for_user(user=user, pk=pk)
    unit = sel.owner_unit_get(user=user, survey=survey, pk=unit_pk)
    form = SurveyAnswerForm(request.POST or None, questions=sel.survey_questions(survey))
    done = sel.unit_answered(survey, unit)
    if request.method == "POST" and form.is_valid():
        try:
            svc.survey_respond(user=user, survey=survey, unit=unit, answers=form.answers(),
                               comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("感谢参与！房屋 %(unit)s 的答卷已提交。") % {"unit": unit.number})
            return redirect("supervision:survey_mine")
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/survey_answer.html", {
        "survey": survey, "unit": unit, "form": form, "done": done,
        "open": survey.status == Survey.Status.OPEN and survey.opens_at <= timezone.now() < survey.closes_at,
        "breadcrumbs": [(_("我的测评"), reverse("supervision:survey_mine")), (survey.title, None)],
    }, status=status)


# ---- templates (the city bureau edits; officials read) ---------------------------------------------


@require_safe
@login_required
def survey_template_list(request):
    user = request.user
    _require(request, sel.can_open_surveys(user), SurveyTemplate, "无权查看测评问卷")
    templates = sel.templates_with_counts(user)
    return render(request, "supervision/survey_template_list.html", {
        "templates": templates, "can_edit": sel.can_edit_templates(user),
        "breadcrumbs": _crumbs((_("测评问卷"), None))})


TEMPLATE_ACTIONS = {"copy", "default", "activate", "deactivate", "add_dimension", "delete_dimension", "add_question",
                    "edit_question", "delete_question"}


@require_http_methods(["GET", "POST"])
@login_required
def survey_template_detail(request, pk: int):
    """One questionnaire with its dimensions and questions; the city bureau edits it here."""
    user = request.user
    _require(request, sel.can_open_surveys(user), SurveyTemplate, "无权查看测评问卷")
    template = get_visible_or_404(sel.templates_visible_to(user), user=user, pk=pk)
    if request.method == "POST":
        if not sel.can_edit_templates(user):
            refuse(user=user, model=SurveyTemplate, pk=pk, reason="只有市住房保障房产局可以编辑测评问卷", status=403)
        action = request.POST.get("action")
        if action not in TEMPLATE_ACTIONS:
            messages.error(request, _("未知的操作"))
            return redirect("supervision:survey_template_detail", pk)
        try:
            target = _template_action(user, template, action, request.POST)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已保存"))
            if action == "copy":
                return redirect("supervision:survey_template_detail", target.pk)
        return redirect("supervision:survey_template_detail", pk)
    dimensions = sel.template_dimensions(template)
    return render(request, "supervision/survey_template_detail.html", {
        "template": template, "dimensions": dimensions, "in_use": sel.template_in_use(template),
        "can_edit": sel.can_edit_templates(user), "copy_form": TemplateCopyForm(), "dimension_form": DimensionForm(),
        "question_form": QuestionForm(),
        "breadcrumbs": _crumbs((_("测评问卷"), reverse("supervision:survey_template_list")), (str(template), None))})


def _template_action(user, template, action, data):
    def dimension():
        return sel.dimension_get_for_user(user=user, template=template, pk=data.get("dimension"))

    def question():
        return sel.question_get_for_user(user=user, template=template, pk=data.get("question"))

    if action == "copy":
        return svc.survey_template_copy(actor=user, template=template, name=data.get("name", ""))
    if action == "default":
        return svc.survey_template_set_default(actor=user, template=template)
    if action in ("activate", "deactivate"):
        return svc.survey_template_set_active(actor=user, template=template, active=action == "activate")
    if action == "add_dimension":
        return svc.survey_dimension_add(actor=user, template=template, name=data.get("name", ""))
    if action == "delete_dimension":
        return svc.survey_dimension_delete(actor=user, dimension=dimension())
    if action == "add_question":
        return svc.survey_question_add(actor=user, dimension=dimension(), text=data.get("text", ""))
    if action == "edit_question":
        return svc.survey_question_update(actor=user, question=question(), text=data.get("text", ""))
    return svc.survey_question_delete(actor=user, question=question())
