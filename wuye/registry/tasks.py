"""Background work of the registry (Huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .importing import import_job_run, import_jobs_fail_stalled


@db_task()
def import_job_process(job_id: int) -> None:
    """Run one Excel import job; safe to run twice (the job is claimed with a conditional UPDATE)."""
    import_job_run(job_id=job_id)


@db_periodic_task(crontab(minute="*/10"))
def import_jobs_sweep() -> None:
    """Fail import jobs whose worker stopped midway, so that their page stops waiting."""
    import_jobs_fail_stalled()
