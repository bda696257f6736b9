"""Seed data (written by its owner)."""


def seed(apps) -> None:
    """Idempotent: creates what is missing."""
