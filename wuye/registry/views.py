"""Registry pages: list (filter, search, sort, pagination, Excel export), detail, create, edit and
delete for every registry type, plus the estate's service contract, a unit's owners, a
committee's members and the audited reveal of masked personal data.

What each type shows is declared in ``pages.py``; the views here are shared. Every queryset comes
from ``registry.selectors``; every write goes through ``registry.services``.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from wuye.core.access import get_visible_or_404, refuse
from wuye.core.audit import audit_record
from wuye.core.calendar import file_stamp
from wuye.core.excel import xlsx_response
from wuye.core.history import object_history
from wuye.core.listing import apply_sort, capped_count, page_window, paginate
from wuye.core.models import AuditAction

from . import forms as fm
from . import selectors as sel
from . import services as svc
from .models import CommitteeMember, Estate, Owner, OwnersCommittee, Ownership, ServiceContract, Staff
from .pages import BY_MODEL, TYPES, RecordType, estate_filter_narrow

ID_FILTERS = ("district", "street", "community", "company", "estate", "building")


# ---- helpers --------------------------------------------------------------------------------


def _is_htmx_partial(request) -> bool:
    return bool(request.htmx) and not request.htmx.boosted


def _attach_service_errors(form, exc: ValidationError) -> None:
    """Put a service's Chinese messages on the form fields they concern (others above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _done(request, url: str):
    """After a successful write: htmx follows with a client redirect, a plain POST with a 302."""
    if _is_htmx_partial(request):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _render_form(request, *, form, title: str, breadcrumbs: list, cancel_url: str, submit_label=None, intro=""):
    context = {
        "form": form,
        "title": title,
        "breadcrumbs": breadcrumbs,
        "cancel_url": cancel_url,
        "submit_label": submit_label or _g("保存"),
        "intro": intro,
        "action": request.get_full_path(),
    }
    template = "registry/_form.html" if _is_htmx_partial(request) else "registry/form.html"
    return render(request, template, context)


def _crumbs(rt: RecordType, obj=None, *tail) -> list[tuple[str, str | None]]:
    out = [(str(rt.model._meta.verbose_name_plural), rt.url("list"))]
    if obj is not None:
        out.append((str(obj), rt.url("detail", obj.pk)))
    out.extend(tail)
    return out


def _detail_url(obj) -> str:
    return BY_MODEL[type(obj)].url("detail", obj.pk)


# ---- list and export ------------------------------------------------------------------------


def _filter_bar(rt: RecordType, filterset, data, user, list_url: str):
    form = filterset.form
    rt.filter_choices(form, data, user)
    for name, kind in rt.pickers.items():
        if name in form.fields and not isinstance(form.fields[name].widget, fm.SearchSelect):
            narrow = estate_filter_narrow(data) if kind in ("building", "owner", "unit") else {}
            fm.use_picker(form.fields[name], kind, user, empty_label=_g("全部%(label)s") % {"label": form.fields[name].label}, narrow=narrow)
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.NullBooleanSelect):
            field.widget = widget = forms.Select(
                choices=[("", _g("全部%(label)s") % {"label": field.label}), ("true", _g("是")), ("false", _g("否"))]
            )
        elif isinstance(field, forms.ChoiceField) and not isinstance(widget, fm.SearchSelect):
            widget.choices = [("", _g("全部%(label)s") % {"label": field.label})] + [c for c in widget.choices if c[0] != ""]
        fm.style_widget(field, small=True)
        if isinstance(field.widget, forms.Select):
            field.widget.attrs.update({
                "hx-get": list_url, "hx-include": "closest form", "hx-target": "#wy-list", "hx-swap": "outerHTML",
                "hx-push-url": "true", "aria-label": str(field.label),
            })
    order = [n for n in (*rt.filter_order, *form.fields) if n in form.fields]
    form.fields = {n: form.fields[n] for n in dict.fromkeys(order)}
    if "q" in form.fields:
        q = form.fields["q"].widget
        q.input_type = "search"
        q.attrs.setdefault("placeholder", _g("名称或拼音首字母，如“xfl”"))
        q.attrs.update({
            "hx-get": list_url, "hx-include": "closest form", "hx-target": "#wy-results", "hx-swap": "outerHTML",
            "hx-trigger": "input changed delay:400ms, search", "hx-replace-url": "true", "aria-label": _g("搜索"),
            "autocomplete": "off",
        })
    return form


@require_GET
@login_required
def record_list(request, rt: RecordType):
    user = request.user
    sel.require_registry_user(user, rt.model)
    data = request.GET.copy()
    for key in ID_FILTERS:  # a mistyped id in the address bar is ignored, not an error page
        if key in data and not data[key].isdigit():
            data.pop(key)
    rt.prepare_filters(data, user)
    filterset = rt.filterset(data, queryset=rt.list_queryset(user))
    qs, sort = apply_sort(request, filterset.qs, rt.sorts, rt.default_sort)
    if request.GET.get("export") == "xlsx":
        return _export(request, rt, qs, data)
    page = paginate(request, qs, cap=rt.count_cap)
    rows = list(page.object_list)
    page.object_list = rows
    rt.attach(rows, user)
    list_url = rt.url("list")
    query = data.copy()
    for key in ("page", "export"):
        query.pop(key, None)
    context = {
        "rt": rt,
        "filter_form": _filter_bar(rt, filterset, data, user, list_url),
        "page": page,
        "rows": rows,
        "window": page_window(page),
        "sort": sort,
        "list_url": list_url,
        "query": query.urlencode(),
        "filtered": any(v for k, v in query.items() if k != "sort"),
        "can_create": sel.can_create(user, Ownership if rt.model is Owner else rt.model),
        "create_url": rt.url("create"),
        "can_reveal": sel.can_reveal_personal_data(user),
        "table_template": f"registry/{rt.slug}/_table.html",
    }
    target = request.htmx.target if _is_htmx_partial(request) else None
    if target == "wy-results":
        return render(request, "registry/_results.html", context)
    if target == "wy-list":
        return render(request, "registry/_list.html", context)
    return render(request, "registry/list.html", context)


def _export(request, rt: RecordType, qs, data):
    cap = getattr(settings, "WUYE_EXPORT_MAX_ROWS", 50_000)
    n = capped_count(qs, cap)
    query = data.copy()
    query.pop("export", None)
    back = rt.url("list") + (f"?{query.urlencode()}" if query else "")
    if n > cap:
        messages.error(request, _g("符合条件的记录超过 %(cap)s 条，无法一次导出。请先用筛选条件缩小范围后再导出。") % {"cap": f"{cap:,}"})
        return redirect(back)
    label = str(rt.model._meta.verbose_name)
    purpose = ""
    if rt.model is Owner and sel.owner_export_limited(request.user):
        purpose = data.get("purpose", "")
        if purpose not in sel.OWNER_EXPORT_PURPOSES:  # the committee states why it takes the list out
            return render(request, "registry/export_purpose.html", {
                "rt": rt, "purposes": sel.OWNER_EXPORT_PURPOSES.items(), "count": n,
                "query": [(k, v) for k, v in query.items() if k not in ("purpose", "page")], "back": back,
            })
        query.pop("purpose", None)
    with translation.override(settings.LANGUAGE_CODE):  # audit rows read the same whatever the user's language
        record_label = str(rt.model._meta.verbose_name)
        stated = f"；用途：{sel.OWNER_EXPORT_PURPOSES[purpose]}" if purpose else ""
    audit_record(
        action=AuditAction.EXPORT, actor=request.user, object_type=rt.model._meta.label_lower,
        object_repr=f"{record_label}列表",
        detail=f"导出{record_label} {n} 条；筛选：{'&'.join(f'{k}={v}' for k, v in query.items() if v) or '无'}{stated}",
    )
    stamp = file_stamp()
    return xlsx_response(
        filename=f"{label}-{stamp}.xlsx", sheet_title=label, columns=rt.export_columns_for(request.user),
        rows=rt.export_rows(qs, request.user),
    )


# ---- detail, create, edit, delete -----------------------------------------------------------


@require_GET
@login_required
def record_detail(request, pk: int, rt: RecordType):
    user = request.user
    qs = rt.visible(user)
    if rt.select_related:
        qs = qs.select_related(*rt.select_related)
    obj = get_visible_or_404(qs, user=user, pk=pk)
    can_change = sel.can_change(user, obj)
    context = {
        "rt": rt,
        "obj": obj,
        "can_change": can_change,
        "edit_url": rt.url("edit", pk),
        "delete_url": rt.url("confirm_delete", pk),
        "can_reveal": sel.can_reveal_personal_data(user),
        "history": object_history(obj) if sel.can_see_history(user, obj, can_change_it=can_change) else None,
        **rt.detail_context(request, obj),
    }
    return render(request, f"registry/{rt.slug}/detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def record_create(request, rt: RecordType):
    user = request.user
    if not sel.can_create(user, rt.model):
        refuse(user=user, model=rt.model, pk="", reason=_("无新增权限"), status=403)
    form = rt.form_class(request.POST or None, user=user, initial=rt.create_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            obj = rt.create(actor=user, data=form.service_data())
        except ValidationError as exc:
            _attach_service_errors(form, exc)
        else:
            messages.success(request, _g("已新增%(label)s“%(obj)s”。") % {"label": rt.label, "obj": obj})
            visible = rt.visible(user).filter(pk=obj.pk).exists()
            return _done(request, rt.url("detail", obj.pk) if visible else rt.url("list"))
    return _render_form(
        request, form=form, title=str(rt.create_label), breadcrumbs=_crumbs(rt, None, (str(rt.create_label), None)),
        cancel_url=request.GET.get("next") or rt.url("list"), intro=rt.intro,
    )


@require_http_methods(["GET", "POST"])
@login_required
def record_edit(request, pk: int, rt: RecordType):
    user = request.user
    obj = sel.get_for_user(rt.model, user=user, pk=pk, write=True)
    name = str(obj)
    form = rt.form_class(request.POST or None, user=user, instance=obj)
    if request.method == "POST" and form.is_valid():
        try:
            rt.update(actor=user, obj=obj, data=form.service_data())
        except ValidationError as exc:
            _attach_service_errors(form, exc)
        else:
            messages.success(request, _g("已保存%(label)s“%(obj)s”的修改。") % {"label": rt.label, "obj": obj})
            return _done(request, rt.url("detail", obj.pk))
    return _render_form(
        request, form=form, title=_g("编辑%(label)s") % {"label": rt.label},
        breadcrumbs=[(str(rt.model._meta.verbose_name_plural), rt.url("list")), (name, rt.url("detail", pk)),
                     (_g("编辑"), None)],
        cancel_url=rt.url("detail", pk),
    )


@require_GET
@login_required
def record_confirm_delete(request, pk: int, rt: RecordType):
    obj = sel.get_for_user(rt.model, user=request.user, pk=pk, write=True)
    return render(request, "registry/confirm_delete.html", {
        "rt": rt, "obj": obj, "action": rt.url("delete", pk), "cancel_url": rt.url("detail", pk),
        "breadcrumbs": _crumbs(rt, obj, (_g("删除"), None)),
    })


@require_POST
@login_required
def record_delete(request, pk: int, rt: RecordType):
    user = request.user
    obj = sel.get_for_user(rt.model, user=user, pk=pk, write=True)
    name = str(obj)
    try:
        svc.delete_record(actor=user, obj=obj)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(rt.url("detail", pk))
    messages.success(request, _g("已删除%(label)s“%(obj)s”。") % {"label": rt.label, "obj": name})
    return redirect(rt.url("list"))


# ---- an estate's service contract -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def estate_contract(request, pk: int):
    user = request.user
    estate = sel.get_for_user(Estate, user=user, pk=pk, write=True)
    if not sel.can_create(user, ServiceContract):
        refuse(user=user, model=ServiceContract, pk="", reason=_("无登记物业服务合同的权限"), status=403)
    current = estate.current_contract
    initial = {}
    if current is not None:
        initial = {"contracted_grade": current.contracted_grade, "fee_rate": current.fee_rate}
    form = fm.ContractForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            svc.estate_set_contract(actor=user, estate=estate, **form.service_data())
        except ValidationError as exc:
            _attach_service_errors(form, exc)
        else:
            messages.success(request, _g("已登记“%(estate)s”的现行物业服务合同。") % {"estate": estate})
            return _done(request, TYPES["estate"].url("detail", pk))
    intro = _g("登记后，原现行合同自动转为历史合同，小区的物业服务企业随之变更。")
    if current is not None:
        intro = _g("现行合同：%(company)s，%(start)s 至 %(end)s。") % {
            "company": current.company, "start": current.start_date, "end": current.end_date} + intro
    return _render_form(
        request, form=form, title=_g("登记物业服务合同"),
        breadcrumbs=_crumbs(TYPES["estate"], estate, (_g("物业服务合同"), None)),
        cancel_url=TYPES["estate"].url("detail", pk), submit_label=_g("登记为现行合同"), intro=intro,
    )


# ---- a unit's owners ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def owner_create(request):
    """Register an owner of a unit: one already on file or a new one (co-owners allowed)."""
    user = request.user
    if not sel.can_create(user, Ownership):
        refuse(user=user, model=Ownership, pk="", reason=_("无登记业主的权限"), status=403)
    unit = None
    unit_id = request.GET.get("unit")
    if unit_id:
        unit = get_visible_or_404(sel.units_visible_to(user).select_related("estate", "building"), user=user, pk=unit_id)
    form = fm.OwnershipForm(request.POST or None, user=user, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = unit or data["unit"]
        linked = False
        try:
            if data.get("owner"):
                svc.ownership_create(actor=user, unit=target, owner=data["owner"], share=data.get("share"),
                                     since=data.get("since"))
            else:
                done = svc.owner_register(actor=user, unit=target, name=data["name"], kind=data.get("kind") or Owner.Kind.PERSON,
                                          phone=data.get("phone", ""), id_number=data.get("id_number", ""),
                                          share=data.get("share"), since=data.get("since"))
                linked = not done.owner_created
        except ValidationError as exc:
            _attach_service_errors(form, exc)
        else:
            if linked:
                # One buyer, one head: the person was on file already and is not registered twice.
                messages.success(request, _g("该证件号码的业主已在平台登记，已将其登记为房屋“%(unit)s”的产权人（同一业主不重复登记）。")
                                 % {"unit": target})
            else:
                messages.success(request, _g("已登记房屋“%(unit)s”的产权人。") % {"unit": target})
            return _done(request, TYPES["unit"].url("detail", target.pk))
    owners = TYPES["owner"]
    if unit is not None:
        crumbs = _crumbs(TYPES["unit"], unit, (_g("登记产权人"), None))
        title = _g("登记产权人：%(estate)s %(building)s %(unit)s") % {
            "estate": unit.estate.name, "building": unit.building.name, "unit": unit.number}
        cancel = TYPES["unit"].url("detail", unit.pk)
    else:
        crumbs = _crumbs(owners, None, (_g("登记业主"), None))
        title = _g("登记业主")
        cancel = owners.url("list")
    return _render_form(request, form=form, title=title, breadcrumbs=crumbs, cancel_url=cancel,
                        intro=_g("一套房屋可登记多名共有人；先查找已登记的业主，找不到时再登记新业主。"))


@require_POST
@login_required
def ownership_remove(request, pk: int):
    user = request.user
    ownership = sel.get_for_user(Ownership, user=user, pk=pk, write=True)
    unit_id, text = ownership.unit_id, str(ownership)
    try:
        svc.ownership_delete(actor=user, ownership=ownership)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _g("已移除产权人：%(text)s。") % {"text": text})
    return redirect(TYPES["unit"].url("detail", unit_id))


# ---- a committee's members ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def member_add(request, pk: int):
    user = request.user
    committee = sel.get_for_user(OwnersCommittee, user=user, pk=pk)
    if not sel.can_create(user, CommitteeMember):
        refuse(user=user, model=CommitteeMember, pk="", reason=_("无管理业委会成员的权限"), status=403)
    form = fm.CommitteeMemberForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            member = svc.committee_member_add(actor=user, committee=committee, **form.service_data())
        except ValidationError as exc:
            _attach_service_errors(form, exc)
        else:
            messages.success(request, _g("已增加成员“%(name)s”。") % {"name": member.name})
            return _done(request, TYPES["committee"].url("detail", pk))
    return _render_form(
        request, form=form, title=_g("增加业委会成员"),
        breadcrumbs=_crumbs(TYPES["committee"], committee, (_g("增加成员"), None)),
        cancel_url=TYPES["committee"].url("detail", pk),
    )


@require_http_methods(["GET", "POST"])
@login_required
def member_edit(request, pk: int):
    user = request.user
    member = sel.get_for_user(CommitteeMember, user=user, pk=pk, write=True)
    committee = member.committee
    form = fm.CommitteeMemberForm(request.POST or None, user=user, instance=member)
    if request.method == "POST" and form.is_valid():
        try:
            svc.committee_member_update(actor=user, member=member, **form.service_data())
        except ValidationError as exc:
            _attach_service_errors(form, exc)
        else:
            messages.success(request, _g("已保存成员“%(name)s”的修改。") % {"name": member.name})
            return _done(request, TYPES["committee"].url("detail", committee.pk))
    return _render_form(
        request, form=form, title=_g("编辑业委会成员"),
        breadcrumbs=_crumbs(TYPES["committee"], committee, (member.name, None)),
        cancel_url=TYPES["committee"].url("detail", committee.pk),
    )


@require_POST
@login_required
def member_remove(request, pk: int):
    user = request.user
    member = sel.get_for_user(CommitteeMember, user=user, pk=pk, write=True)
    committee_id, name = member.committee_id, member.name
    svc.committee_member_remove(actor=user, member=member)
    messages.success(request, _g("已移除成员“%(name)s”。") % {"name": name})
    return redirect(TYPES["committee"].url("detail", committee_id))


# ---- personal data and pickers --------------------------------------------------------------

REVEAL_MODELS = {"owner": Owner, "staff": Staff, "committeemember": CommitteeMember}


@require_POST
@login_required
def reveal(request, kind: str, pk: int, field: str):
    """The clear value of one masked phone or ID number (audited), or 403 with a DENIED row."""
    user = request.user
    model = REVEAL_MODELS.get(kind)
    if model is None or field not in svc.REVEALABLE.get(model, ()):
        refuse(user=user, model=model or Owner, pk=pk, reason=f"不可查看的字段：{kind}.{field}")
    obj = sel.get_for_user(model, user=user, pk=pk)
    if not sel.can_reveal_personal_data(user):
        refuse(user=user, model=model, pk=pk, reason=f"无权查看完整个人信息（{field}）", status=403)
    value = svc.personal_data_reveal(actor=user, obj=obj, field=field)
    if _is_htmx_partial(request):
        return HttpResponse(format_html('<span class="wy-masked wy-revealed" title="{}">{}</span>',
                                        _g("已显示完整信息，本次查看已记入审计日志"), value or "—"))
    label = model._meta.get_field(field).verbose_name
    return render(request, "registry/revealed.html", {
        "obj": obj, "label": label, "value": value, "back": _detail_url(obj) if type(obj) in BY_MODEL else "/",
        "breadcrumbs": [(str(obj), _detail_url(obj) if type(obj) in BY_MODEL else None), (_g("查看完整信息"), None)],
    })


@require_GET
@login_required
def pick(request, kind: str):
    """Options of a search-select (htmx): scoped by the selectors, at most 50."""
    if kind not in fm.PICKERS:
        return HttpResponse(status=404)
    q = request.GET.get("q") or next((v for k, v in request.GET.items() if k.endswith("_q")), "")
    options = fm.picker_options(kind, request.user, q=q, params=request.GET)
    return render(request, "registry/widgets/options.html", {
        "options": options, "empty": request.GET.get("empty") or _g("请选择"),
    })
