"""Residents see their own utility readings and the estate totals only (issue 13 §14).

GB/T 22239-2019 8.1.4.11 个人信息保护 b) (no unauthorised access to personal information) and
ASVS 4.0 V4.2.1 / V8.3.1: a household's meter readings are its own; a resident's page of an
allocation lists their own homes' readings and shares, and the totals of the building or estate.
"""

from __future__ import annotations

from decimal import Decimal as D

from django.urls import reverse

from wuye.registry import services as rs

from .test_views import computed


def test_a_resident_sees_only_her_own_readings_and_the_totals(world, login):
    a, units = computed(world, areas=(D("89.50"), D("120.00"), D("75.25")),
                        usages=(D("100"), D("2345"), D("678")), master=(D("0"), D("4000")), publish=True)
    rs.ownership_create(actor=world.users["city"], unit=units[0], owner=world.owner_a)
    url = reverse("disclosure:utility_detail", args=[a.pk])
    response = login(world.users["resident"]).get(url)
    assert response.status_code == 200
    readings = [r.unit_id for r in response.context["rpage"].object_list]
    shares = [s.unit_id for s in response.context["page"].object_list]
    assert readings == [units[0].pk] and shares == [units[0].pk]
    assert response.context["reading_totals"]["n"] == 3  # the estate's totals stay
    body = response.content.decode()
    assert units[1].number not in body and units[2].number not in body
    official = login(world.users["manager_a"]).get(url)
    assert len(official.context["rpage"].object_list) == 3
