"""The demo step: a finished 回头看 with relapses and its bulletin, clue reports in several states —
by the real services, the same seed giving the same sample and results."""

from __future__ import annotations

from django.utils import timezone

from wuye.demo.transition_recheck import MODELS, build_demo_recheck
from wuye.transition.recheck import draw as draw_algo
from wuye.transition.recheck.models import ClueReport, Recheck, RecheckCampaign


def _results(c):
    return list(Recheck.objects.filter(campaign=c).order_by("position").values_list("kind", "order_id", "complaint_id",
                                                                                    "result"))


def test_demo_recheck_is_finished_with_relapses_and_deterministic(rworld):
    assert "recheck.RecheckCampaign" in MODELS
    now = timezone.now()
    counts = build_demo_recheck(scale="small", seed=7, now=now, city_id=rworld.w.city.pk)
    assert counts["recheck.RecheckCampaign"] == 1 and counts["recheck.ClueReport"] == 4
    c = RecheckCampaign.objects.get()
    assert c.status == "finished" and c.bulletin_id and draw_algo.verify(c)
    rows = Recheck.objects.filter(campaign=c)
    assert not rows.filter(result="").exists()
    relapsed = rows.filter(result="relapsed")
    assert relapsed.exists() and all(r.new_order_id or r.new_complaint_id for r in relapsed)
    assert counts["recheck.RecheckPhoto"] == relapsed.count()
    assert set(ClueReport.objects.values_list("status", flat=True)) == {"received", "investigating", "confirmed",
                                                                        "unfounded"}
    first = (c.seed, c.result, _results(c))
    build_demo_recheck(scale="small", seed=7, now=now, city_id=rworld.w.city.pk)
    again = RecheckCampaign.objects.exclude(pk=c.pk).get()
    assert (again.seed, again.result, _results(again)) == first
