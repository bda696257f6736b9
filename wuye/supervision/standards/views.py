"""Pages of the versioned service standards (issue 4 §1): list, one version with its sections
and items and their total, and — for the city bureau — new version, editing a draft, publishing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from wuye.core.access import get_visible_or_404, refuse
from wuye.core.errors import ServiceError

from . import selectors as sel
from . import services as svc
from .forms import ItemForm, SectionForm, StandardForm
from .models import Standard


def _standard(request, pk, *, write: bool = False) -> Standard:
    standard = get_visible_or_404(sel.standards_visible_to(request.user), user=request.user, pk=pk)
    if write and not sel.can_edit_standards(request.user):
        refuse(user=request.user, model=Standard, pk=pk, reason=_("只有市住房保障房产局可以编制服务标准"), status=403)
    return standard


def _crumbs(standard: Standard | None = None, *extra):
    out = [(_("监督检查"), None), (_("服务标准"), reverse("supervision:standard_list"))]
    if standard is not None:
        out.append((str(standard), reverse("supervision:standard_detail", args=[standard.pk])))
    return out + list(extra)


@require_http_methods(["GET"])
@login_required
def standard_list(request):
    if not sel.can_read_standards(request.user):
        refuse(user=request.user, model=Standard, pk="", reason=_("该角色不使用服务标准页面"), status=403)
    rows = sel.standards_with_totals(request.user)
    return render(request, "supervision/standard_list.html", {
        "rows": rows, "can_edit": sel.can_edit_standards(request.user), "breadcrumbs": _crumbs(),
    })


@require_http_methods(["GET"])
@login_required
def standard_detail(request, pk):
    standard = _standard(request, pk)
    sections, items, total = sel.standard_outline(standard)
    can_edit = sel.can_edit_standards(request.user)
    return render(request, "supervision/standard_detail.html", {
        "standard": standard, "sections": sections, "item_count": len(items), "total": total,
        "total_ok": total == sel.FULL_MARKS, "can_edit": can_edit and standard.is_editable,
        "can_copy": can_edit and standard.status == Standard.Status.PUBLISHED,
        "has_draft": sel.has_draft(standard),
        "inspection_count": sel.inspection_count(standard), "breadcrumbs": _crumbs(None, (str(standard), None)),
    })


@require_POST
@login_required
def standard_new_version(request, pk):
    standard = _standard(request, pk, write=True)
    try:
        draft = svc.standard_new_version(actor=request.user, standard=standard)
    except ServiceError as e:
        messages.error(request, e.message)
        return redirect("supervision:standard_detail", pk=standard.pk)
    messages.success(request, _g("已复制为第 %(v)s 版草稿，可修改后发布。") % {"v": draft.version})
    return redirect("supervision:standard_detail", pk=draft.pk)


@require_POST
@login_required
def standard_publish(request, pk):
    standard = _standard(request, pk, write=True)
    try:
        svc.standard_publish(actor=request.user, standard=standard)
    except ServiceError as e:
        messages.error(request, e.message)
        return redirect("supervision:standard_detail", pk=standard.pk)
    messages.success(request, _g("第 %(v)s 版已发布为现行版本，原现行版本已废止。") % {"v": standard.version})
    return redirect("supervision:standard_detail", pk=standard.pk)


@require_POST
@login_required
def standard_delete(request, pk):
    standard = _standard(request, pk, write=True)
    try:
        svc.standard_delete_draft(actor=request.user, standard=standard)
    except ServiceError as e:
        messages.error(request, e.message)
        return redirect("supervision:standard_detail", pk=standard.pk)
    messages.success(request, _g("草稿已删除。"))
    return redirect("supervision:standard_list")


def _form_page(request, *, form, title, standard, back):
    return render(request, "supervision/standard_form.html", {
        "form": form, "title": title, "standard": standard, "back": back,
        "breadcrumbs": _crumbs(standard, (title, None)),
    })


@require_http_methods(["GET", "POST"])
@login_required
def standard_edit(request, pk):
    standard = _standard(request, pk, write=True)
    back = reverse("supervision:standard_detail", args=[standard.pk])
    form = StandardForm(request.POST or None, initial={"name": standard.name, "basis": standard.basis, "note": standard.note})
    if request.method == "POST" and form.is_valid():
        try:
            svc.standard_update(actor=request.user, standard=standard, **form.cleaned_data)
        except ServiceError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _g("已保存。"))
            return redirect(back)
    return _form_page(request, form=form, title=_g("修改版本信息"), standard=standard, back=back)


@require_http_methods(["GET", "POST"])
@login_required
def section_edit(request, pk, section_pk=None):
    standard = _standard(request, pk, write=True)
    section = None
    if section_pk is not None:
        section = sel.section_get_for_user(user=request.user, standard=standard, pk=section_pk)
    back = reverse("supervision:standard_detail", args=[standard.pk])
    initial = {"name": section.name, "order": section.order} if section else {}
    form = SectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            svc.section_save(actor=request.user, standard=standard, section=section, name=form.cleaned_data["name"],
                             order=form.cleaned_data["order"])
        except ServiceError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _g("章节已保存。"))
            return redirect(back)
    return _form_page(request, form=form, title=_g("修改章节") if section else _g("新增章节"), standard=standard, back=back)


@require_POST
@login_required
def section_delete(request, pk, section_pk):
    standard = _standard(request, pk, write=True)
    section = sel.section_get_for_user(user=request.user, standard=standard, pk=section_pk)
    try:
        svc.section_delete(actor=request.user, section=section)
    except ServiceError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _g("章节已删除。"))
    return redirect("supervision:standard_detail", pk=standard.pk)


@require_http_methods(["GET", "POST"])
@login_required
def item_edit(request, pk, item_pk=None):
    standard = _standard(request, pk, write=True)
    item = None
    if item_pk is not None:
        item = sel.item_get_for_user(user=request.user, standard=standard, pk=item_pk)
    back = reverse("supervision:standard_detail", args=[standard.pk])
    if item:
        initial = {f: getattr(item, f) for f in ("code", "text", "max_points", "deduction_rule", "evidence", "order")}
        initial.update(section=item.section_id, star_levels=item.star_levels)
    else:
        initial = {"section": request.GET.get("section"), "star_levels": [1, 2, 3, 4, 5]}
    form = ItemForm(request.POST or None, initial=initial, standard=standard)
    if request.method == "POST" and form.is_valid():
        try:
            svc.item_save(actor=request.user, standard=standard, item=item, **form.cleaned_data)
        except ServiceError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _g("条目已保存。"))
            return redirect(back)
    return _form_page(request, form=form, title=_g("修改条目") if item else _g("新增条目"), standard=standard, back=back)


@require_POST
@login_required
def item_delete(request, pk, item_pk):
    standard = _standard(request, pk, write=True)
    item = sel.item_get_for_user(user=request.user, standard=standard, pk=item_pk)
    try:
        svc.item_delete(actor=request.user, item=item)
    except ServiceError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _g("条目已删除。"))
    return redirect("supervision:standard_detail", pk=standard.pk)
