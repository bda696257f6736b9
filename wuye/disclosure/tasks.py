"""Periodic jobs of the disclosure app (found by Huey's autodiscovery of each app's ``tasks``)."""

from .income.tasks import income_overdue_daily
from .parking.tasks import parking_violation_daily

__all__ = ["income_overdue_daily", "parking_violation_daily"]
