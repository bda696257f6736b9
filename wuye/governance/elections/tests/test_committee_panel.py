"""``{% committee_public_panel estate %}``: the public estate page's committee panel."""

from __future__ import annotations

from datetime import date

import pytest
from django.template import Context, Template

from wuye.governance.elections import services as svc
from wuye.governance.templatetags.committee_panels import surname_mask
from wuye.registry import services as rs
from wuye.registry.models import OwnersCommittee

from .election_support import declare, voting_election

pytestmark = pytest.mark.django_db
TPL = Template("{% load committee_panels %}{% committee_public_panel estate %}")


@pytest.mark.parametrize("name, masked", [("孙丽", "孙某"), ("欧阳娜娜", "欧阳某"), ("王", "王某"), ("", ""),
                                          ("欧阳", "欧某")])
def test_surname_mask(name, masked):
    assert surname_mask(name) == masked


def test_panel_masks_names_and_shows_party_and_filing(world, django_assert_num_queries):
    root = world.users["city"]
    rs.committee_member_add(actor=root, committee=world.committee_a, name="周建国", position="member")
    with django_assert_num_queries(2):
        html = TPL.render(Context({"estate": world.estate_a}))
    assert "孙某" in html and "周某" in html
    assert "孙丽" not in html and "周建国" not in html
    assert "主任" in html and "党员" in html
    assert "尚未备案" in html and "2024-01-01" in html and "2028-12-31" in html
    assert html.count('data-testid="committee-member"') == 2


def test_panel_after_election_and_filing(world):
    e, cands = voting_election(world, n_candidates=5, party=(0, 1, 2))
    declare(world, e, cands, passing=5, elected_on=date(2026, 11, 1))
    e.refresh_from_db()
    svc.election_file(actor=world.users["street"], election=e, filed_on=date(2026, 11, 10))
    html = TPL.render(Context({"estate": world.estate_a}))
    assert "已备案（2026-11-10）" in html and "共 5 人，中共党员 3 人" in html
    assert "孙某" not in html  # the old committee is gone
    assert all(c.name not in html for c in cands)


def test_panel_without_committee(world):
    OwnersCommittee.objects.filter(estate=world.estate_a).update(is_current=False)
    html = TPL.render(Context({"estate": world.estate_a}))
    assert 'data-testid="committee-none"' in html
