"""Figures kept until the platform next changes (core/cache.py)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from zhijiao.core import audit
from zhijiao.core import cache as kept_figures
from zhijiao.core.cache import snapshot, until_change
from zhijiao.core.models import AuditAction

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DATABASE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "zhijiao_cache_test",
    }
}


def counter():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return compute


def change():
    audit.record(AuditAction.UPDATE, message="某项数据已修改", object_type="test.Thing")


@pytest.fixture
def clock(monkeypatch):
    """Wall time (timezone.now) and the cost of computing (perf_counter), both set by the test."""
    now = [timezone.now()]
    costs = []

    def perf_counter():
        # compute() is timed by two readings: 0, then the cost the test set for this run.
        return costs.pop(0) if costs else 0.0

    monkeypatch.setattr(kept_figures.timezone, "now", lambda: now[0])
    monkeypatch.setattr(kept_figures.time, "perf_counter", perf_counter)

    class Clock:
        def cost(self, seconds):
            costs.extend([0.0, seconds])

        def advance(self, seconds):
            now[0] += dt.timedelta(seconds=seconds)

    return Clock()


@pytest.mark.django_db
@override_settings(CACHES=LOCMEM)
def test_a_figure_is_computed_once_until_an_audit_row_is_written():
    cache.clear()
    compute = counter()
    first = until_change("test-figure", compute)
    again = until_change("test-figure", compute)
    change()
    after = until_change("test-figure", compute)

    assert (first, again, after) == (1, 1, 2)


@pytest.mark.django_db
@override_settings(CACHES=LOCMEM)
def test_the_process_reads_only_the_stamp_of_figures_it_holds(monkeypatch):
    """Large figures are not read back and unpickled on every request: the process keeps its own
    copy while the stamp stored beside them is unchanged."""
    cache.clear()
    until_change("test-held", lambda: list(range(10_000)))
    read = []
    backend = caches["default"]
    real_get = backend.get
    monkeypatch.setattr(backend, "get", lambda key, *a: read.append(key) or real_get(key, *a))

    assert until_change("test-held", lambda: pytest.fail("computed again")) == list(range(10_000))
    assert read == ["zhijiao:test-held:stamp"]


@pytest.mark.django_db
@override_settings(CACHES=LOCMEM)
def test_figures_another_process_stored_replace_the_ones_held():
    cache.clear()
    assert until_change("test-shared", lambda: "本进程算出的") == "本进程算出的"
    # Another process (another server) computes them again and stores them with a new stamp.
    held = cache.get("zhijiao:test-shared")
    theirs = kept_figures.Snapshot("另一进程算出的", held.computed_at, held.audit, held.cost)
    cache.set("zhijiao:test-shared", theirs)
    cache.set("zhijiao:test-shared:stamp", theirs.stamp)

    assert until_change("test-shared", lambda: pytest.fail("computed again")) == "另一进程算出的"


@pytest.mark.django_db
@override_settings(CACHES=LOCMEM)
def test_figures_dropped_from_the_cache_are_not_served_from_the_process():
    cache.clear()
    compute = counter()
    assert until_change("test-dropped", compute) == 1
    cache.clear()  # e.g. `zhijiao clearcache`, or the table culled

    assert until_change("test-dropped", compute) == 2


@pytest.mark.django_db
@override_settings(CACHES=LOCMEM)
def test_until_change_never_serves_figures_older_than_the_last_change_however_costly(clock):
    cache.clear()
    compute = counter()
    clock.cost(20.0)
    assert until_change("test-costly", compute) == 1
    change()
    assert until_change("test-costly", compute) == 2


@pytest.mark.django_db
@override_settings(CACHES=LOCMEM)
def test_a_snapshot_is_kept_after_a_change_for_fifty_times_what_it_cost(clock):
    cache.clear()
    compute = counter()
    clock.cost(2.0)  # a figure of 2 s: kept up to 100 s after a change
    first = snapshot("test-stats", compute)
    change()
    clock.advance(99)
    kept = snapshot("test-stats", compute)
    clock.advance(2)
    fresh = snapshot("test-stats", compute)

    assert (first.value, kept.value, fresh.value) == (1, 1, 2)
    assert kept.computed_at == first.computed_at
    assert fresh.computed_at == first.computed_at + dt.timedelta(seconds=101)


@pytest.mark.django_db
@override_settings(CACHES=LOCMEM)
def test_a_cheap_snapshot_follows_a_change_at_once_and_a_costly_one_within_ten_minutes(clock):
    cache.clear()
    cheap, costly = counter(), counter()
    clock.cost(0.001)
    snapshot("test-cheap", cheap)
    clock.cost(3600.0)  # an hour's computation is still redone ten minutes after a change
    snapshot("test-costly", costly)
    change()
    clock.advance(1)
    assert snapshot("test-cheap", cheap).value == 2
    assert snapshot("test-costly", costly).value == 1
    clock.advance(kept_figures.MOST_SECONDS)
    assert snapshot("test-costly", costly).value == 2


@pytest.mark.django_db
@override_settings(CACHES=LOCMEM)
def test_unchanged_figures_are_computed_again_after_five_minutes(clock):
    cache.clear()
    compute = counter()
    snapshot("test-quiet", compute)
    clock.advance(kept_figures.UNTIL_CHANGE_SECONDS - 1)
    assert snapshot("test-quiet", compute).value == 1
    clock.advance(2)
    assert snapshot("test-quiet", compute).value == 2


@pytest.mark.django_db
@override_settings(CACHES=LOCMEM)
def test_while_one_request_computes_a_snapshot_again_the_others_show_the_one_kept(clock):
    cache.clear()
    compute = counter()
    clock.cost(1.0)
    snapshot("test-busy", compute)
    change()
    clock.advance(60)  # older than 50 × 1 s: due again
    assert cache.add("zhijiao:test-busy:computing", 1, 30)  # as a request computing it would
    assert snapshot("test-busy", compute).value == 1
    cache.delete("zhijiao:test-busy:computing")
    assert snapshot("test-busy", compute).value == 2
    assert cache.get("zhijiao:test-busy:computing") is None


@pytest.mark.django_db
@override_settings(CACHES=LOCMEM)
def test_the_first_figures_are_computed_once_while_the_other_requests_wait(monkeypatch):
    cache.clear()
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        if len(waits) == 3:  # the request computing them stores its figures and lets go
            cache.delete("zhijiao:test-first:computing")
            snapshot("test-first", lambda: "它算出的")

    monkeypatch.setattr(kept_figures.time, "sleep", sleep)
    assert cache.add("zhijiao:test-first:computing", 1, 30)  # another request is computing
    got = snapshot("test-first", lambda: pytest.fail("computed a second time"))

    assert got is not None and got.value == "它算出的" and len(waits) == 3


@pytest.mark.django_db
@override_settings(CACHES=LOCMEM)
def test_when_the_first_figures_take_too_long_the_page_is_told_they_are_being_computed(
    monkeypatch,
):
    cache.clear()
    monkeypatch.setattr(kept_figures, "WAIT_SECONDS", 0.01)
    monkeypatch.setattr(kept_figures.time, "sleep", lambda s: None)
    assert cache.add("zhijiao:test-slow:computing", 1, 30)

    assert snapshot("test-slow", lambda: pytest.fail("computed alongside")) is None


@pytest.mark.django_db
@override_settings(CACHES=LOCMEM)
def test_a_failed_computation_lets_the_next_request_try():
    cache.clear()

    def fail():
        raise RuntimeError("数据库连接中断")

    with pytest.raises(RuntimeError):
        snapshot("test-fail", fail)
    assert cache.get("zhijiao:test-fail:computing") is None
    assert snapshot("test-fail", lambda: 7).value == 7


@pytest.mark.django_db
def test_figures_go_through_the_database_cache_of_the_production_settings():
    from zhijiao.creditbank.selectors import Statistics, StatRow

    figures = Statistics(
        outcomes=(StatRow(("职业技能等级证书", "2025"), 12, Decimal(0)),),
        credits=(StatRow(("江阴中等专业学校", "2025"), 3, Decimal("7.5")),),
        applications=(),
    )
    with override_settings(CACHES=DATABASE):
        call_command("createcachetable", verbosity=0)
        first = snapshot("test-db", lambda: figures)
        again = snapshot("test-db", lambda: pytest.fail("computed twice"))

    assert again.value == figures
    assert again.computed_at == first.computed_at
