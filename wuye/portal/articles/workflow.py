"""The one table of an article's life (issue 5 item 9; DESIGN.md: workflows are explicit tables on
``core/workflow``)::

    draft      → published   (publish)
    published  → withdrawn   (withdraw, with a reason)
    withdrawn  → published   (publish again)

Actors: ``publisher`` — the city bureau, or a district authority for its own district's articles
(``selectors.can_manage``). Articles keep no timeline of their own: the audit rows are it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.workflow import Machine, T
from wuye.portal.models import Article

S = Article.Status
PUBLISHER = "publisher"

TRANSITIONS = {
    "publish": T(_("发布"), {S.DRAFT, S.WITHDRAWN}, S.PUBLISHED, {PUBLISHER}),
    "withdraw": T(_("撤下"), {S.PUBLISHED}, S.WITHDRAWN, {PUBLISHER}, needs_note=True),
}

MACHINE = Machine(
    name="article", model=Article, transitions=TRANSITIONS, states=S.values, initial={S.DRAFT},
    noun=_("这篇文章"), version_field=None, event_model=None,
)
