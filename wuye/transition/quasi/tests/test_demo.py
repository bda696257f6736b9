"""The demo's 准物业: contracts with a year of monthly checks (some failed and rectified), the
covered compounds under 准物业, the same rows from the same seed."""

from __future__ import annotations

from django.db import transaction

from wuye.demo.transition_quasi import MODELS, build_demo_quasi
from wuye.registry.models import Estate
from wuye.transition.quasi.models import MonthlyCheck, QuasiContract, Rectification
from wuye.transition.quasi.selectors import contract_payment


def _summary():
    return [(c.number, c.street_id, c.company_id, c.organisation_id is not None, c.amount,
             sorted(ce.estate_id for ce in c.coverage.all()),
             list(MonthlyCheck.objects.filter(contract=c).order_by("estate_id", "month", "duty")
                  .values_list("estate_id", "month", "duty", "passed")),
             list(Rectification.objects.filter(contract=c).order_by("id").values_list("status", "deadline")))
            for c in QuasiContract.objects.order_by("number")]


def test_demo_quasi_is_realistic_and_deterministic(quasi):
    from django.apps import apps

    city_id = quasi.world.city.pk
    before = {label: apps.get_model(label).objects.count() for label in MODELS}
    sid = transaction.savepoint()
    counts = build_demo_quasi(scale="small", seed=7, city_id=city_id)
    first = _summary()
    assert counts["quasi.QuasiContract"] == QuasiContract.objects.count() >= 1
    assert counts["quasi.MonthlyCheck"] == MonthlyCheck.objects.count() >= 30
    for label in MODELS:
        assert apps.get_model(label).objects.count() - before[label] == counts[label], label
    contract = QuasiContract.objects.order_by("number").first()
    for ce in contract.coverage.select_related("estate"):
        assert ce.estate.management_mode == Estate.ManagementMode.QUASI
    p = contract_payment(contract)
    assert p.checked == MonthlyCheck.objects.filter(contract=contract).count()
    transaction.savepoint_rollback(sid)
    assert QuasiContract.objects.count() == 0
    build_demo_quasi(scale="small", seed=7, city_id=city_id)
    assert _summary() == first
