"""Huey discovers this module: it brings in the periodic tasks of every part of supervision."""

from . import tasks_inspections, tasks_stars  # noqa: F401
