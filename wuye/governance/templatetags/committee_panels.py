"""``{% committee_public_panel estate %}``: the estate's current owners' committee for the public
estate page — members' names masked to surname + 某, position, Party badge, term, filed or not.
Two queries (the committee, then its members)."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string

from wuye.governance.elections.selectors import current_committee_public
from wuye.registry.models import CommitteeMember

register = template.Library()

# Two-character surnames that are common enough to keep whole (欧阳娜娜 → 欧阳某).
COMPOUND_SURNAMES = frozenset({"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙",
                               "宇文", "司徒", "夏侯", "轩辕", "端木", "独孤", "南宫", "西门", "百里"})


def surname_mask(name: str | None) -> str:
    """张三 → 张某; 欧阳娜娜 → 欧阳某; '' → ''."""
    name = (name or "").strip()
    if not name:
        return ""
    surname = name[:2] if len(name) > 2 and name[:2] in COMPOUND_SURNAMES else name[:1]
    return surname + "某"


@register.filter
def surname_only(name) -> str:
    return surname_mask(name)


@register.simple_tag
def committee_public_panel(estate):
    committee, members = current_committee_public(estate.pk)
    rows = [{"name": surname_mask(m.name), "position": m.get_position_display(),
             "is_director": m.position == CommitteeMember.Position.DIRECTOR, "party": m.is_party_member}
            for m in members]
    return render_to_string("governance/elections/_committee_public_panel.html", {
        "estate": estate, "committee": committee, "members": rows,
        "party_count": sum(1 for r in rows if r["party"]),
    })
