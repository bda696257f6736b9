"""The 回头看 world fixture for every test of this app."""

from .support import rworld  # noqa: F401
