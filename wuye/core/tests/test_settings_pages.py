"""The city bureau's settings pages for transparency and self-governance."""

from decimal import Decimal

import pytest
from django.urls import reverse

from wuye.core.models import AuditLog
from wuye.disclosure.models import DisclosureSettings
from wuye.governance.models import GovernanceSettings

PAGES = [
    ("disclosure:settings", DisclosureSettings, "disclosure.disclosuresettings",
     {"income_deadline_month": 4, "income_public_days": 20, "utility_public_days": 15, "utility_loss_threshold": "12.50"}),
    ("governance:settings", GovernanceSettings, "governance.governancesettings",
     {"notice_days": 20, "ballots_changeable": "", "filing_days": 30, "term_reminder_months": 3,
      "committee_min": 5, "committee_max": 9, "max_term_years": 5, "party_share_percent": 50}),
]


@pytest.mark.parametrize(("name", "model", "object_type", "data"), PAGES)
def test_the_city_bureau_edits_the_settings(world, client, name, model, object_type, data):
    client.force_login(world.users["city"])
    assert client.get(reverse(name)).status_code == 200
    response = client.post(reverse(name), data)
    assert response.status_code == 302, response.content.decode()[:500]
    obj = model.current()
    first = next(iter(data))
    assert getattr(obj, first) == data[first]
    entry = AuditLog.objects.filter(object_type=object_type).latest("id")
    assert entry.actor_id == world.users["city"].pk and first in entry.changes


@pytest.mark.parametrize(("name", "model", "object_type", "data"), PAGES)
@pytest.mark.parametrize("who", ["district", "street", "committee", "manager_a", "resident"])
def test_nobody_else_may(world, client, name, model, object_type, data, who):
    client.force_login(world.users[who])
    assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse(name), data).status_code == 403
    assert not AuditLog.objects.filter(object_type=object_type, action="update").exists()


def test_anonymous_goes_to_login(client):
    assert client.get(reverse("disclosure:settings")).status_code == 302


def test_settings_are_validated_and_nothing_is_lost(world, client):
    client.force_login(world.users["city"])
    data = dict(PAGES[1][3], committee_min=6)
    response = client.post(reverse("governance:settings"), data)
    assert response.status_code == 200
    assert "须为奇数" in response.content.decode()
    assert GovernanceSettings.current().committee_min == 5
    response = client.post(reverse("disclosure:settings"), dict(PAGES[0][3], utility_loss_threshold="-1"))
    assert response.status_code == 200 and DisclosureSettings.current().utility_loss_threshold == Decimal("10.00")
