"""Two officers acting on the same complaint at the same moment: exactly one succeeds, the other
gets a clear message (issue 3 §8; DESIGN.md: a transition is a conditional UPDATE that checks
exactly one row changed). PostgreSQL only: it needs two connections and real row locks.

Each test runs the two calls in two threads (each with its own database connection) released
together by a ``threading.Barrier``. The "in lockstep" variants also hold both threads after
they have read the complaint and passed the permission check, so that both really race for the
same row version and the loser is refused by the conditional UPDATE itself, not by re-reading a
status the winner had already committed.

Run with ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/test``.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from wuye.cases import services
from wuye.cases.models import Complaint, Event, Status, Task
from wuye.cases.services import actions
from wuye.core.errors import ConflictError, ServiceError

from .conftest import act, file

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two connections with row locks (PostgreSQL)"),
]


def race(*calls, lockstep: bool = False, monkeypatch=None):
    """Run each ``call(complaint)`` in its own thread, all released at once; returns, per call,
    ("ok", complaint) or ("refused", the ServiceError)."""
    start = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    if lockstep:
        checked = threading.Barrier(len(calls))
        original = actions.permits

        def permits_then_wait(*args, **kwargs):
            allowed = original(*args, **kwargs)
            checked.wait(timeout=10)  # both have read version N and may act: now both UPDATE
            return allowed

        monkeypatch.setattr(actions, "permits", permits_then_wait)

    def run(i, call, pk):
        try:
            seen = Complaint.objects.get(pk=pk)  # both read the same version before either acts
            start.wait(timeout=10)
            results[i] = ("ok", call(seen))
        except ServiceError as exc:
            results[i] = ("refused", exc)
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call, pk)) for i, (call, pk) in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert all(not t.is_alive() for t in threads)
    assert all(r is not None and r[0] != "error" for r in results), results
    return results


def _sign(user):
    return lambda c: services.complaint_act(user=user, complaint=c, action="sign")


def _accept(user):
    return lambda c: services.complaint_act(user=user, complaint=c, action="accept")


@pytest.mark.parametrize("lockstep", [False, True], ids=["released-together", "in-lockstep"])
def test_two_officers_sign_the_same_complaint_at_once(transactional_db, cworld, monkeypatch, lockstep):
    u = cworld.users
    c = file(cworld)
    act(u["district"], c, "dispatch")
    results = race((_sign(u["manager_a"]), c.pk), (_sign(u["staff_a"]), c.pk), lockstep=lockstep,
                   monkeypatch=monkeypatch)
    outcomes = sorted(r[0] for r in results)
    assert outcomes == ["ok", "refused"], results
    loser = next(r[1] for r in results if r[0] == "refused")
    assert loser.messages == ["已被他人签收"]
    if lockstep:
        assert isinstance(loser, ConflictError)  # refused by the conditional UPDATE itself
    c.refresh_from_db()
    assert c.status == Status.SIGNED
    assert Event.objects.filter(complaint=c, action="sign").count() == 1
    task = Task.objects.get(complaint=c)
    assert task.state == Task.State.SIGNED and task.signed_at == c.signed_at


@pytest.mark.parametrize("lockstep", [False, True], ids=["released-together", "in-lockstep"])
def test_two_dispatchers_accept_the_same_complaint_at_once(transactional_db, cworld, monkeypatch, lockstep):
    u = cworld.users
    c = file(cworld)
    results = race((_accept(u["city"]), c.pk), (_accept(u["district"]), c.pk), lockstep=lockstep,
                   monkeypatch=monkeypatch)
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    loser = next(r[1] for r in results if r[0] == "refused")
    assert "已被他人处理" in loser.messages[0]
    if lockstep:
        assert isinstance(loser, ConflictError)
    c.refresh_from_db()
    assert c.status == Status.ACCEPTED and c.version == 1
    assert Event.objects.filter(complaint=c, action="accept").count() == 1
