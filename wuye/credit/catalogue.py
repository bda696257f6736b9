"""Seed data (written by its owner)."""


def seed(apps=None) -> None:
    """Idempotent: creates what is missing. ``apps`` is the migration state (None: the real models)."""
