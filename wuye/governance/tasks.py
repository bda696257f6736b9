"""Periodic jobs of the governance app (found by Huey's autodiscovery)."""

from .tasks_elections import *  # noqa: F401,F403
from .tasks_votes import *  # noqa: F401,F403
