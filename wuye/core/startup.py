"""What a serving process does once, before its first request.

pypinyin (``core.search.initials``) loads its phrase dictionaries on first use: about 200,000
small lists that then live as long as the process. Every full (generation 2) garbage collection
walks them, which on a busy worker is a pause of about 120 ms in the middle of some request — the
slowest 5 % of the campaign board on ``megacity`` were exactly these pauses (docs/PERFORMANCE.md).
The same holds, on a smaller scale, for what the first requests build: every view module and the
URL resolver's reverse tables (imported and filled on first use), the shared layout's compiled
templates. So the process builds all of these at start-up and moves everything start-up built into
the collector's permanent generation (``gc.freeze``): it is never walked again, and the pauses
shrink to what requests themselves leave behind.
"""

from __future__ import annotations

import gc


def prepare_process() -> int:
    """Load the lazily built dictionaries now and freeze what start-up built; return how many
    objects the collector will no longer walk."""
    from django.template.loader import get_template
    from django.urls import get_resolver

    from .search import initials

    initials("物业服务")  # pypinyin's dictionaries, now rather than on some user's first search
    resolver = get_resolver()
    resolver.reverse_dict  # noqa: B018  (imports every view module and fills the reverse tables)
    for name in ("base.html", "includes/nav.html"):  # the layout every page extends
        get_template(name)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
