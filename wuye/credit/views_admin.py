"""The city bureau's credit pages: the rules catalogue, the settings, and the ranking of
companies by score (officials)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from wuye.core.audit import audit_record
from wuye.core.calendar import file_stamp
from wuye.core.errors import ServiceError, error_text
from wuye.core.excel import Column, xlsx_response
from wuye.core.listing import apply_sort, page_window, paginate
from wuye.core.models import AuditAction

from . import selectors as sel
from . import services
from .forms import RuleForm, SettingsForm
from .models import CompanyCredit, CreditRule, CreditSettings, Grade
from .views_events import require


@require_GET
@login_required
def rule_list(request):
    require(request, sel.is_official(request.user), _("只有市局和区县主管部门查看信用评价规则"), model=CreditRule)
    rules = sel.rules_catalogue()
    groups = [(label, [r for r in rules if r.klass == code]) for code, label in CreditRule.Klass.choices]
    return render(request, "credit/rule_list.html", {"groups": groups, "can_edit": sel.can_edit_rules(request.user),
                                                     "settings": CreditSettings.current()})


@require_http_methods(["GET", "POST"])
@login_required
def rule_edit(request, pk: int | None = None):
    require(request, sel.can_edit_rules(request.user), _("只有市局可以维护信用评价规则"), model=CreditRule)
    rule = None
    if pk is not None:
        rule = sel.rule_get(pk)
        if rule is None:
            raise Http404
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        fresh = sel.rule_get(rule.pk) if rule else None
        try:
            saved = services.credit_rule_save(user=request.user, rule=fresh, **data)
        except ServiceError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _g("已保存规则 %(code)s") % {"code": saved.code})
            return redirect("credit:rule_list")
    return render(request, "credit/rule_form.html", {"form": form, "rule": rule})


@require_http_methods(["GET", "POST"])
@login_required
def settings_edit(request):
    require(request, sel.can_edit_rules(request.user), _("只有市局可以修改信用评价设置"), model=CreditSettings)
    cs = CreditSettings.current()
    form = SettingsForm(request.POST or None, instance=CreditSettings.current())
    if request.method == "POST" and form.is_valid():
        try:
            services.credit_settings_update(user=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _g("已保存信用评价设置；分数和等级将在下次计算时按新设置更新"))
            return redirect("credit:settings")
    return render(request, "credit/settings.html", {"form": form, "cs": cs})


RANK_SORTS = {"score": ("score", "company_id"), "name": ("company__name", "company_id"),
              "bad": ("bad", "company_id"), "grade": ("grade", "company_id")}


@require_GET
@login_required
def ranking(request):
    user = request.user
    require(request, sel.is_official(user), _("只有市局和区县主管部门查看企业信用排名"), model=CompanyCredit)
    qs = sel.credits_visible_to(user).select_related("company")
    q = (request.GET.get("q") or "").strip()
    grade = request.GET.get("grade") or ""
    lst = request.GET.get("list") or ""
    if q:
        qs = qs.filter(company__name__icontains=q)
    if grade in Grade.values:
        qs = qs.filter(grade=grade)
    if lst == "red":
        qs = qs.filter(red=True)
    elif lst == "black":
        qs = qs.filter(black=True)
    qs, sort = apply_sort(request, qs, RANK_SORTS, "-score")
    if request.GET.get("export") == "xlsx":
        with translation.override(settings.LANGUAGE_CODE):
            audit_record(action=AuditAction.EXPORT, actor=user, object_type="credit.companycredit",
                         object_repr="企业信用排名", detail="导出企业信用排名")
        rows = ([c.company.name, c.company.credit_code, c.score, c.grade, c.basic, c.good, c.bad, c.red, c.black,
                 c.computed_at] for c in qs.iterator(chunk_size=2000))
        cols = [Column(str(h), w) for h, w in ((_("企业"), 30), (_("统一社会信用代码"), 22), (_("信用总分"), 10),
                                               (_("等级"), 8), (_("基础"), 8), (_("良好"), 8), (_("不良"), 8),
                                               (_("红名单"), 8), (_("黑名单"), 8), (_("计算时间"), 18))]
        stamp = file_stamp()
        return xlsx_response(filename=f"{_g('企业信用排名')}-{stamp}.xlsx", sheet_title=_g("企业信用排名"), columns=cols,
                             rows=rows)
    page = paginate(request, qs)
    params = {k: v for k, v in (("q", q), ("grade", grade), ("list", lst), ("sort", request.GET.get("sort", ""))) if v}
    dist = dict(sel.credits_visible_to(user).order_by().values_list("grade").annotate(n=Count("*")).values_list("grade", "n"))
    context = {"page": page, "rows": list(page.object_list), "window": page_window(page), "q": q, "grade": grade,
               "list": lst, "sort": sort, "grades": Grade.values, "query": urlencode(params),
               "export_query": urlencode({**params, "export": "xlsx"}),
               "distribution": [(g, dist.get(g, 0)) for g in Grade.values],
               "offset": (page.number - 1) * page.paginator.per_page}
    return render(request, "credit/ranking.html", context)
