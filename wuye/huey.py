"""Huey is configured in settings.HUEY (djhuey); tasks live in each app's tasks.py."""

from huey.contrib.djhuey import HUEY as huey  # noqa: F401
