"""Huey discovers this module: it brings in the periodic tasks of every part of supervision."""

from .orders import tasks as orders_tasks  # noqa: F401
from .stars import tasks as stars_tasks  # noqa: F401
