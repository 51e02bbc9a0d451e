"""Reporting reads go to the read replica when one is configured; nothing else does."""

from __future__ import annotations

import pytest

from zhijiao.core import routing
from zhijiao.core.routing import ReplicaRouter, replica_reads, reporting
from zhijiao.plan import views as plan_views
from zhijiao.plan.models import Task

router = ReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch):
    monkeypatch.setattr(routing, "replica_configured", lambda: True)


def test_without_a_replica_everything_uses_the_primary():
    with reporting():
        assert router.db_for_read(Task) == "default"
    assert router.db_for_write(Task) == "default"


def test_reporting_reads_use_the_replica_and_writes_never_do(with_replica):
    assert router.db_for_read(Task) == "default"
    with reporting():
        assert router.db_for_read(Task) == "replica"
        assert router.db_for_write(Task) == "default"
    assert router.db_for_read(Task) == "default"  # the block ended


def test_a_reporting_view_reads_from_the_replica_only_while_it_runs(with_replica):
    seen = []

    @replica_reads
    def view():
        seen.append(router.db_for_read(Task))
        raise RuntimeError("even when the view fails")

    with pytest.raises(RuntimeError):
        view()
    assert seen == ["replica"]
    assert router.db_for_read(Task) == "default"


def test_the_dashboards_are_reporting_views_and_migrations_stay_on_the_primary():
    assert plan_views.dashboard.__wrapped__  # type: ignore[attr-defined]
    assert router.allow_migrate("default", "plan") is True
    assert router.allow_migrate("replica", "plan") is False
