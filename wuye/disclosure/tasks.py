"""Periodic jobs of the disclosure app (found by Huey's autodiscovery)."""

from .tasks_income import *  # noqa: F401,F403
from .tasks_parking import *  # noqa: F401,F403
