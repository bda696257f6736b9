"""The import job's state machine (on ``core/workflow``): a job is claimed once, validated, then
written all at once or failed. Only the platform itself moves a job (the Huey task and the sweep
of stalled jobs), so every action's actor is ``SYSTEM``.

Each transition is the core's conditional UPDATE on the job's state: a job runs once even if its
task is delivered twice, and a job given up as stalled is not later overwritten by a worker that
was merely slow. The job keeps no timeline of its own: its IMPORT audit row (one per job, written
by ``jobs.py`` when it succeeds or fails) is its record, as the machine's own audit rows would
only repeat it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.workflow import SYSTEM, Machine, T
from wuye.registry.models import ImportJob

S = ImportJob.Status

IMPORT_JOB = Machine(
    name="import_job",
    model=ImportJob,
    noun=_("该导入任务"),
    states=S.values,
    initial={S.PENDING},
    terminal={S.SUCCEEDED, S.FAILED},
    version_field=None,
    audit=False,
    transitions={
        "claim": T(_("开始校验"), {S.PENDING}, S.VALIDATING, {SYSTEM}),
        "write": T(_("开始写入"), {S.VALIDATING}, S.IMPORTING, {SYSTEM}),
        "succeed": T(_("导入成功"), {S.IMPORTING}, S.SUCCEEDED, {SYSTEM}),
        "fail": T(_("导入失败"), {S.VALIDATING, S.IMPORTING}, S.FAILED, {SYSTEM}),
    },
)

# States in which a worker holds the job.
RUNNING = (S.VALIDATING, S.IMPORTING)
