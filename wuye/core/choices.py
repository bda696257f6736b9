"""Choice labels for list pages, translated once per language instead of once per row.

``instance.get_FOO_display()`` rebuilds a dict of the field's choices on every call, hashing
each lazy label (one gettext each); on a page of 25 rows with three such columns that is several
hundred translations. ``labels(Status)`` gives ``{code: label}`` for the active language.
"""

from __future__ import annotations

from django.utils.translation import get_language

_cache: dict[tuple[type, str | None], dict] = {}


def labels(choices) -> dict:
    key = (choices, get_language())
    found = _cache.get(key)
    if found is None:
        found = _cache[key] = {value: str(label) for value, label in choices.choices}
    return found
