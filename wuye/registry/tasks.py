"""Background work of the registry (Huey)."""

from huey.contrib.djhuey import db_task

from .importing import import_job_run


@db_task()
def import_job_process(job_id: int) -> None:
    """Run one Excel import job; safe to run twice (the job is claimed with a conditional UPDATE)."""
    import_job_run(job_id=job_id)
