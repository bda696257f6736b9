"""Import jobs: creating a job from an upload, and running it (who may import and see which job is
decided in ``selectors.py``; the job's states in ``workflow.py``).

Running a job (``import_job_run``, called by the Huey task) is the import service: it validates
every row first, and writes only when no row has a problem — everything in one transaction,
with bulk inserts, and one IMPORT audit row per job.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from wuye.core.audit import audit_record
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditAction
from wuye.registry.models import ImportJob

from .base import PREVIEW_PROBLEMS, FileUnreadable, Importer, Problems, open_sheet
from .companies import CompanyImporter
from .estates import EstateImporter
from .selectors import can_import
from .units import UnitImporter
from .workbooks import error_report_workbook
from .workflow import IMPORT_JOB, RUNNING, S

logger = logging.getLogger(__name__)

IMPORTERS: dict[str, type[Importer]] = {
    ImportJob.Kind.COMPANIES: CompanyImporter,
    ImportJob.Kind.ESTATES: EstateImporter,
    ImportJob.Kind.UNITS: UnitImporter,
}
MAX_UPLOAD_BYTES = 40 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"


# ---- creating a job -------------------------------------------------------------------------


def check_upload(upload) -> None:
    """A clear Chinese message for a file that is not an .xlsx workbook, before a job exists."""
    name = getattr(upload, "name", "") or ""
    ext = os.path.splitext(name)[1].lower()
    if ext == ".xls":
        raise ServiceError({"file": "不支持旧版 .xls 格式，请在 Excel 或 WPS 中“另存为” .xlsx 后再上传。"})
    if ext in (".csv", ".et", ".numbers", ".ods"):
        raise ServiceError({"file": f"不支持 {ext} 文件，请使用本平台的 Excel 模板，保存为 .xlsx 后上传。"})
    if ext != ".xlsx":
        raise ServiceError({"file": "只能上传 .xlsx 格式的 Excel 文件（请使用本平台提供的模板）。"})
    if upload.size == 0:
        raise ServiceError({"file": "文件是空的。"})
    if upload.size > MAX_UPLOAD_BYTES:
        raise ServiceError({"file": f"文件超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB，请拆分后分批导入。"})
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if head != XLSX_MAGIC:
        raise ServiceError({"file": "文件内容不是 .xlsx 格式的 Excel 工作簿（可能只是改了扩展名），请用 Excel 另存为 .xlsx 后上传。"})


@transaction.atomic
def import_job_create(*, actor, kind: str, upload, ip: str | None = None) -> ImportJob:
    """Store the upload and queue its import. The caller enqueues the task after this returns."""
    if not can_import(actor):
        raise ServiceError("您没有导入数据的权限。")
    if kind not in IMPORTERS:
        raise ServiceError({"kind": "请选择导入类型。"})
    check_upload(upload)
    job = ImportJob(kind=kind, original_name=os.path.basename(upload.name)[:255], file_size=upload.size,
                    created_by=actor, upload_ip=ip)
    job.file.save(f"{kind}.xlsx", upload, save=False)
    job.save(force_insert=True)
    return job


# ---- running a job --------------------------------------------------------------------------

# A running job whose progress has not moved for this long is taken to have lost its worker.
STALLED_AFTER = timedelta(minutes=30)


class _Rollback(Exception):
    def __init__(self, problems: Problems, message: str):
        super().__init__(message)
        self.problems = problems
        self.message = message


def _progress(job_id: int, estimated: int | None):
    """Rows checked so far. Without an estimate of the total (a sheet that does not state its
    size) the total stays 0, and the page shows a count instead of a percentage."""

    def report(done: int) -> None:
        ImportJob.objects.filter(pk=job_id, status=S.VALIDATING).update(
            processed_rows=done, total_rows=max(done, estimated) if estimated else 0, updated_at=timezone.now(),
        )

    return report


def _fail(job: ImportJob, problems: Problems, *, message: str, timings: dict | None = None) -> bool:
    """Record the problems and the error report; nothing of the file has been written."""
    ordered = problems.sorted()
    report = error_report_workbook(ordered, title=job.get_kind_display(), total=problems.count,
                                   file_name=job.original_name)
    job.error_report.save(f"errors-{job.pk}.xlsx", ContentFile(report), save=False)
    # Fail the job from the state it is in now (a worker may have moved it since it was read).
    job.refresh_from_db(fields=["status"])
    with transaction.atomic():
        try:
            IMPORT_JOB.apply(
                job, "fail", actor=None, error_count=problems.count,
                errors_preview=[p.as_list() for p in ordered[:PREVIEW_PROBLEMS]], message=message,
                finished_at=timezone.now(), result={"timings": timings} if timings else {},
                error_report=job.error_report.name,
            )
        except ConflictError:  # finished already (or failed by the sweep)
            job.error_report.delete(save=False)
            return False
        audit_record(
            action=AuditAction.IMPORT, actor=job.created_by, obj=job, ip=job.upload_ip,
            changes={"kind": job.kind, "status": S.FAILED, "rows": job.total_rows, "errors": problems.count},
            detail=f"{job.get_kind_display()}导入未通过：{problems.count} 个问题，未写入任何数据（文件 {job.original_name}）",
        )
    return True


def _discard_upload(job: ImportJob) -> None:
    """The uploaded workbook holds personal data in bulk: it is not kept once the job has finished."""
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Validate, then write all or nothing. Claims the job first so that it runs once."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        return None
    try:
        IMPORT_JOB.apply(job, "claim", actor=None, started_at=timezone.now())
    except ConflictError:  # the task was delivered twice: another worker has it
        return None
    try:
        _run(job)
    except Exception:
        logger.exception("import job %s crashed", job_id)
        problems = Problems()
        problems.add(None, "", "导入过程中发生系统错误，未写入任何数据。请稍后重试，或联系系统管理员。")
        _fail(job, problems, message="系统错误，未写入任何数据。")
    finally:
        _discard_upload(job)
    job.refresh_from_db()
    return job


def _run(job: ImportJob) -> None:
    importer = IMPORTERS[job.kind](user=job.created_by)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    # 1. Validate every row: types, required cells, choices, identifiers, then the database.
    try:
        with job.file.open("rb") as fh:
            workbook, sheet = open_sheet(fh, importer.columns, max_rows=settings.WUYE_IMPORT_MAX_ROWS)
            try:
                if sheet.estimated_rows:
                    ImportJob.objects.filter(pk=job.pk).update(total_rows=sheet.estimated_rows)
                importer.parse(sheet.rows, progress=_progress(job.pk, sheet.estimated_rows))
            finally:
                workbook.close()
    except FileUnreadable as exc:
        _fail(job, exc.problems, message="文件无法导入，未写入任何数据。")
        return
    job.total_rows = job.processed_rows = importer.rows_seen
    ImportJob.objects.filter(pk=job.pk).update(total_rows=job.total_rows, processed_rows=job.processed_rows)
    # Rows that passed their own checks are checked against the database even when other rows
    # failed, so that one report lists every problem of the file.
    problems = importer.problems
    problems.extend(importer.resolve())
    timings["validate_seconds"] = round(time.perf_counter() - started, 2)
    if problems:
        _fail(job, problems, message=f"发现 {problems.count} 个问题，未写入任何数据。", timings=timings)
        return

    # 2. Write everything in one transaction, checking the database again inside it.
    try:
        IMPORT_JOB.apply(job, "write", actor=None)
    except ConflictError:  # given up as stalled meanwhile
        return
    write_started = time.perf_counter()
    try:
        with transaction.atomic():
            conflicts = importer.resolve()
            if conflicts:
                raise _Rollback(conflicts, "写入前发现数据已被他人修改，未写入任何数据，请核对后重新导入。")
            outcome = importer.write(actor=job.created_by)
            timings["write_seconds"] = round(time.perf_counter() - write_started, 2)
            timings["total_seconds"] = round(time.perf_counter() - started, 2)
            try:
                IMPORT_JOB.apply(job, "succeed", actor=None, result={"counts": outcome.counts, "timings": timings},
                                 message=outcome.summary, error_count=0, finished_at=timezone.now())
            except ConflictError:
                problems = Problems()
                problems.add(None, "", "导入任务已被判定为中断，本次写入已撤销。")
                raise _Rollback(problems, "导入任务已中断，未写入任何数据。") from None
            audit_record(
                action=AuditAction.IMPORT, actor=job.created_by, obj=job, ip=job.upload_ip,
                changes={"kind": job.kind, "status": S.SUCCEEDED, "rows": job.total_rows, "created": outcome.counts},
                detail=f"{job.get_kind_display()}导入：{outcome.summary}（文件 {job.original_name}，{job.total_rows} 行）",
            )
    except _Rollback as exc:
        _fail(job, exc.problems, message=exc.message, timings=timings)
    except IntegrityError:
        logger.warning("import job %s conflicted on write", job.pk, exc_info=True)
        problems = Problems()
        problems.add(None, "", "写入时与他人同时登记的数据冲突（如重复的房号或信用代码），未写入任何数据。请重新上传。")
        _fail(job, problems, message="写入冲突，未写入任何数据。", timings=timings)


def import_jobs_fail_stalled(*, now=None) -> int:
    """Give up on running jobs whose worker has gone (no progress for ``STALLED_AFTER``)."""
    now = now or timezone.now()
    count = 0
    stalled = ImportJob.objects.filter(status__in=RUNNING, updated_at__lt=now - STALLED_AFTER).select_related("created_by")
    for job in stalled:
        problems = Problems()
        problems.add(None, "", "导入处理中断（处理进程停止），未写入任何数据，请重新上传。")
        if _fail(job, problems, message="处理中断，未写入任何数据。"):
            _discard_upload(job)
            count += 1
    return count
