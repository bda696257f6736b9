"""Heavy read pages from the replica, never a write or a read after a write (issue 18 §4)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import RequestFactory

from wuye.core import dbrouter
from wuye.core.dbrouter import ReplicaReadsMiddleware, ReplicaRouter, replica_reads, view_reads_replica
from wuye.registry.models import Estate


@pytest.fixture
def configured(monkeypatch):
    monkeypatch.setattr(dbrouter, "replica_configured", lambda: True)


def test_reads_go_to_the_replica_only_inside_a_replica_request(configured):
    router = ReplicaRouter()
    assert router.db_for_read(Estate) == "default"
    with replica_reads():
        assert router.db_for_read(Estate) == "replica"
        assert router.db_for_write(Estate) == "default"
        assert router.db_for_read(Estate) == "default"  # after a write: read your own writes
    assert router.db_for_read(Estate) == "default"


@pytest.mark.django_db
def test_reads_inside_a_transaction_stay_on_the_primary(configured):
    router = ReplicaRouter()
    with replica_reads(), transaction.atomic():
        assert router.db_for_read(Estate) == "default"


def test_without_a_replica_everything_is_the_primary():
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Estate) == "default"
    assert router.allow_migrate("replica", "registry") is False and router.allow_migrate("default", "registry")


def test_which_pages_read_the_replica():
    assert view_reads_replica("public:home") and view_reads_replica("cases:metrics_ranking")
    assert view_reads_replica("dashboards:index") and view_reads_replica("credit:public_red")
    assert view_reads_replica("campaign:plan_export")
    assert not view_reads_replica("cases:page_list") and not view_reads_replica("accounts:login")


def test_the_middleware_routes_get_of_named_pages_only(configured):
    seen = {}

    def view(request):
        seen[request.method] = ReplicaRouter().db_for_read(Estate)
        return "ok"

    mw = ReplicaReadsMiddleware(lambda r: None)
    rf = RequestFactory()
    for method in ("get", "post"):
        request = getattr(rf, method)("/overview/")
        request.resolver_match = type("M", (), {"view_name": "dashboards:index"})()
        if mw.process_view(request, view, (), {}) is None:
            view(request)
    assert seen == {"GET": "replica", "POST": "default"}
    other = rf.get("/complaints/")
    other.resolver_match = type("M", (), {"view_name": "cases:page_list"})()
    assert mw.process_view(other, view, (), {}) is None
