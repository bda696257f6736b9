"""The demo owners' votes (``wuye.demo.governance_votes``) on the small demo city: scenario 9 in the
featured estate, an open vote the ``resident`` login can still cast, a major matter in its notice
period, closed votes elsewhere, results consistent with the ballots, and the same rows for a seed."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from wuye.accounts.models import User
from wuye.demo.generator import build_demo_city
from wuye.demo.governance_votes import build_demo_votes
from wuye.governance.models import Ballot, Motion, RollEntry
from wuye.governance.votes.selectors import entry_for_owner, motion_status
from wuye.governance.votes.tally import decide, motion_counts

NOW = datetime(2026, 11, 20, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
pytestmark = pytest.mark.django_db


def _fingerprint():
    return sorted(
        (m.estate_id, m.title, m.matter, m.total_heads, str(m.total_area), m.voting_opens_at.isoformat(),
         tuple(sorted(Ballot.objects.filter(motion=m).values_list("entry__name", "choice", "channel"))),
         (m.final_result or {}).get("explanation", ""))
        for m in Motion.objects.all())


def test_demo_votes_small():
    city = build_demo_city(scale="small", seed=3, complaints=False, supervision=False, transparency=False, now=NOW)
    with transaction.atomic():
        sid = transaction.savepoint()
        counts = build_demo_votes(scale="small", seed=3, now=NOW, city_id=city.city_id)
        first = _fingerprint()
        transaction.savepoint_rollback(sid)
        again = build_demo_votes(scale="small", seed=3, now=NOW, city_id=city.city_id)
    assert counts == again and _fingerprint() == first
    assert counts["motion"] >= 4 and counts["ballot"] > 0 and counts["rollentry"] == RollEntry.objects.count()

    featured = list(Motion.objects.filter(estate_id=city.estate_id).order_by("voting_opens_at"))
    assert [motion_status(m, NOW) for m in featured] == ["closed", "voting", "notice"]
    done, live, notice = featured
    assert done.final_result["passed"] and done.final_result["quorum_met"]
    assert "第二百七十八条" in done.final_result["explanation"]
    assert notice.rule == "major" and live.rule == "ordinary"
    resident = User.objects.get(username="resident")
    entry = entry_for_owner(live, resident.owner_id)
    assert entry is not None and not Ballot.objects.filter(motion=live, entry=entry).exists()
    assert User.objects.get(username="committee").estate_id == city.estate_id
    assert Ballot.objects.filter(motion=done, channel="paper").exists() and Ballot.objects.filter(motion=done, channel="online").exists()
    # every stored result agrees with its ballots
    for m in Motion.objects.filter(final_result__isnull=False):
        result = decide(rule=m.rule, total_area=m.total_area, total_heads=m.total_heads, counts=motion_counts(m))
        assert {k: v for k, v in result.items() if k != "final"} == {k: v for k, v in m.final_result.items() if k != "final"}
        assert not Ballot.objects.filter(motion=m, cast_at__gte=m.voting_closes_at).exists()
    assert Ballot.objects.exclude(ballot_no="").values("motion", "ballot_no").distinct().count() == \
        Ballot.objects.exclude(ballot_no="").count()
