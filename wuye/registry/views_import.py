"""Excel import pages: templates to download, the upload form, a job's progress (polled with htmx
every second) and its downloadable error report.

Only the city bureau and district authorities import; for everybody else these pages do not
exist (404, audited). A job and its error report are seen by the uploader and the city bureau.
"""

from __future__ import annotations

import io
import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from wuye.core.access import get_visible_or_404, refuse
from wuye.core.errors import ServiceError
from wuye.core.request_context import client_ip

from .importing import IMPORTERS, import_job_create, template_workbook
from .importing.selectors import can_import, can_see_every_import, import_jobs_visible_to
from .models import ImportJob
from .tasks import import_job_process

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COUNT_LABELS = {
    "companies": _("物业企业"),
    "estates": _("住宅小区"),
    "contracts": _("物业服务合同"),
    "buildings": _("新增楼栋"),
    "units": _("房屋"),
    "owners": _("新增业主"),
    "owners_matched": _("关联已登记业主"),
    "ownerships": _("产权关系"),
}
KIND_HELP = {
    ImportJob.Kind.COMPANIES: _("企业名称、统一社会信用代码、法定代表人、注册地址、服务电话、备案状态"),
    ImportJob.Kind.ESTATES: _("小区基本信息、所属社区，以及现行物业服务合同（企业、期限、等级、收费标准）"),
    ImportJob.Kind.UNITS: _("楼栋、房号、面积、销售状态，以及业主（多行同一房屋为共有人）"),
}


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("导入类型"), choices=ImportJob.Kind.choices, widget=forms.RadioSelect,
                             error_messages={"required": _("请选择导入类型。")})
    file = forms.FileField(
        label=_("Excel 文件"),
        error_messages={"required": _("请选择要上传的 .xlsx 文件。"), "empty": _("文件是空的。")},
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX}", "class": "form-control"}),
    )


def _require_importer(user, pk="") -> None:
    if not can_import(user):
        refuse(user=user, model=ImportJob, pk=pk, reason="无数据导入权限")


def _job_for(request, pk) -> ImportJob:
    _require_importer(request.user, pk)
    return get_visible_or_404(import_jobs_visible_to(request.user), user=request.user, pk=pk)


def _job_context(job: ImportJob) -> dict:
    counts = (job.result or {}).get("counts", {})
    return {
        "job": job,
        "counts": [(COUNT_LABELS.get(key, key), value) for key, value in counts.items()],
        "preview_truncated": job.error_count > len(job.errors_preview or []),
    }


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request):
    _require_importer(request.user)
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    if form.is_bound and form.is_valid():
        try:
            job = import_job_create(actor=request.user, kind=form.cleaned_data["kind"],
                                    upload=form.cleaned_data["file"], ip=client_ip(request))
        except ServiceError as exc:
            for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            import_job_process(job.pk)
            messages.info(request, _("文件已上传。平台先逐行校验，全部通过后才写入数据；处理结果见下方。"))
            return redirect("registry:import_detail", pk=job.pk)
    page = Paginator(import_jobs_visible_to(request.user), 20).get_page(request.GET.get("page"))
    kinds = [(value, label, KIND_HELP[value]) for value, label in ImportJob.Kind.choices]
    return render(request, "registry/imports/list.html", {
        "form": form, "page": page, "kinds": kinds, "is_city": can_see_every_import(request.user),
    })


@login_required
@require_GET
def import_template(request, kind: str):
    _require_importer(request.user)
    importer = IMPORTERS.get(kind)
    if importer is None:
        raise Http404("没有这种导入模板。")
    data = template_workbook(importer)
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=f"{importer.title}导入模板.xlsx",
                        content_type=XLSX)


@login_required
@require_GET
def import_detail(request, pk: int):
    job = _job_for(request, pk)
    return render(request, "registry/imports/detail.html", _job_context(job))


@login_required
@require_GET
def import_progress(request, pk: int):
    """The progress block for htmx polling; JSON for any other client."""
    job = _job_for(request, pk)
    if request.htmx:
        return render(request, "registry/imports/_progress.html", _job_context(job))
    return JsonResponse({
        "id": job.pk,
        "status": job.status,
        "status_display": job.get_status_display(),
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "percent": job.percent,
        "error_count": job.error_count,
        "finished": job.is_finished,
        "message": job.message,
    })


@login_required
@require_GET
def import_error_report(request, pk: int):
    job = _job_for(request, pk)
    if not job.error_report:
        raise Http404("该导入任务没有错误报告。")
    try:
        handle = job.error_report.open("rb")
    except FileNotFoundError:
        logger.warning("error report of import job %s is missing", job.pk)
        raise Http404("错误报告文件已不存在。") from None
    return FileResponse(handle, as_attachment=True, filename=f"导入错误报告-{job.pk}.xlsx", content_type=XLSX)
