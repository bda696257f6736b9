"""Excel import of companies, estates, and units with owners: all-or-nothing, with a row-by-row
Chinese error report. ``jobs.import_job_run`` is the service; ``tasks.import_job_process`` runs
it in the background."""

from .jobs import (
    IMPORTERS,
    check_upload,
    import_job_create,
    import_job_run,
    import_jobs_fail_stalled,
)
from .selectors import can_import, import_jobs_visible_to
from .workbooks import template_workbook

__all__ = [
    "IMPORTERS",
    "can_import",
    "check_upload",
    "import_job_create",
    "import_job_run",
    "import_jobs_fail_stalled",
    "import_jobs_visible_to",
    "template_workbook",
]
