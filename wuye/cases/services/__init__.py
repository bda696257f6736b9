"""Every write to complaints (DESIGN.md: writes go through services), by responsibility:

- ``filing``: taking a complaint in (``complaint_file``, ``complaint_file_idempotent``);
- ``actions``: the workflow actions (``complaint_act``, ``bulk_sign``) on the table of ``workflow.py``;
- ``dispatching``: sending a complaint to a unit, its tasks and clocks;
- ``recipients``: who hears about what (the users come from ``accounts.selectors``);
- ``config``: the city bureau's categories, settings and escalation rules;
- ``common``: the clock, the timeline row, the cached supervision settings.

The names below are the package's interface for the views, the API and other apps.
"""

from __future__ import annotations

from .actions import bulk_sign, complaint_act
from .common import settings_changed
from .config import case_settings_save, category_save, escalation_rule_save
from .filing import complaint_file, complaint_file_idempotent, request_fingerprint

__all__ = [
    "bulk_sign", "case_settings_save", "category_save", "complaint_act", "complaint_file", "complaint_file_idempotent",
    "escalation_rule_save", "request_fingerprint", "settings_changed",
]
