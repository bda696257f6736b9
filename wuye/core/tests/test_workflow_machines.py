"""Every state machine of the platform is a table on the one workflow core (``core/workflow.py``),
and every table keeps the core's invariants: each state reachable from an initial state, no
action without an actor, no action out of a terminal state."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import wuye
from wuye.core.workflow import MACHINES, Machine, T

# The machines the platform has; a new one is added here when it is built.
EXPECTED = {
    "complaint",
    "credit_event",
    "rectification_order",
    "inspection",
    "inspection_plan",
    "star_application",
    "survey",
    "motion",
    "committee_election",
    "income_report",
    "utility_allocation",
    "rent_request",
    "parking_violation",
    "article",
    "bulletin",
    "import_job",
    "notice_receipt",
    "campaign_report",
    "meeting_followup",
    "committee_decision",
    "owner_question",
    "consultation_draft",
    "admin_proposal",
    "handover_case",
    "quasi_contract",
    "quasi_rectification",
    "renovation_project",
    "developer_violation",
    "recheck_campaign",
    "clue_report",
}


def load_all_workflows() -> dict[str, Machine]:
    """Import every ``workflow`` module under ``wuye`` (apps and sub-domain packages)."""
    for info in pkgutil.walk_packages(wuye.__path__, "wuye."):
        if info.name.rsplit(".", 1)[-1] == "workflow" and ".tests" not in info.name:
            importlib.import_module(info.name)
    return MACHINES


def test_every_state_machine_is_declared_on_the_core():
    machines = load_all_workflows()
    assert EXPECTED <= set(machines), sorted(EXPECTED - set(machines))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_table_keeps_the_invariants(name):
    machine = load_all_workflows()[name]
    assert machine.problems() == []
    assert machine.transitions, name
    # The model's status choices are the machine's states (no state outside the table's world).
    field = machine.model._meta.get_field(machine.status_field)
    if field.choices:
        assert {str(v) for v, _label in field.choices} == set(machine.states), name


def test_the_invariant_check_finds_each_kind_of_fault():
    bad = Machine(
        name="probe", model=object, register=False,
        states={"a", "b", "c", "z"}, initial={"a"}, terminal={"z"},
        transitions={
            "go": T("go", {"a"}, "b", set()),  # no actor
            "undo": T("undo", {"z"}, "a", {"x"}),  # leaves a terminal state
            "end": T("end", {"b"}, "z", {"x"}),
        },
    )
    found = "\n".join(bad.problems())
    assert "probe.go: no actor" in found
    assert "probe.undo: starts from terminal" in found
    assert "state 'c' cannot be reached" in found
    assert "probe" not in MACHINES
