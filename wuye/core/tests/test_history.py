from decimal import Decimal

from wuye.core.history import object_history
from wuye.registry import services as rs


def test_history_lists_changes_with_labels_and_masks_phones(world):
    rs.estate_update(actor=world.users["district"], estate=world.estate_a, floor_area=Decimal("53000.00"))
    rs.owner_update(actor=world.users["city"], owner=world.owner_a, phone="13900001111")
    estate_history = object_history(world.estate_a)
    assert estate_history[0].row.actor_username == "p_district"
    change = estate_history[0].changes[0]
    assert (change.field, change.before, change.after) == ("floor_area", "52000.00", "53000.00")
    assert "总建筑面积" in change.label
    owner_change = object_history(world.owner_a)[0].changes[0]
    assert (owner_change.before, owner_change.after) == ("138****5678", "139****1111")
