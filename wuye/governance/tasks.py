"""Periodic jobs of the governance app (found by Huey's autodiscovery)."""

from .elections.tasks import *  # noqa: F401,F403
from .votes.tasks import *  # noqa: F401,F403
