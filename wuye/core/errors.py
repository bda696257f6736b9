"""Errors raised by services. Messages are in Chinese and shown to users as they are."""

from django.core.exceptions import ValidationError


class ServiceError(ValidationError):
    """A rule of the domain refused the write. ``message`` is shown to the user."""


class ConflictError(ServiceError):
    """Somebody else changed the record first (a conditional UPDATE touched no row)."""


def error_text(exc: ValidationError) -> str:
    """All of a refusal's messages as one Chinese line, e.g. for ``messages.error``."""
    return "；".join(str(m) for m in exc.messages)
