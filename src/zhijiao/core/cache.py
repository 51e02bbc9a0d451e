"""Figures kept until the platform next changes — or, for the costly statistics pages, until a
change and no more often than their cost allows.

Every change in zhijiao writes an audit row, so the newest audit row's id tells whether anything a
figure is computed from may have changed since it was kept. The time limit covers anything
written without one (a migration, a direct database edit) and the day turning over. That is
:func:`until_change`: what a page shows is never older than the last change.

A statistics page that reads millions of rows (the credit bank's statistics at province scale
take seconds) would be computed again after every change, and on a busy platform something
changes every second. :func:`snapshot` therefore also serves a kept figure after a change while it
is younger than :data:`COST_FACTOR` times what computing it cost, up to :data:`MOST_SECONDS`: a
figure of 20 ms is computed again one second after a change, one of 20 s ten minutes after —
recomputing never takes more than about one part in fifty of the time. One request computes them
while the others show the figures kept — or, when there are none yet, wait up to
:data:`WAIT_SECONDS` for the first ones and else say they are being computed. Pages that use it
say when
their figures were computed (:attr:`Snapshot.computed_at`, ``core/_computed_at.html``).

The cache is the one in ``CACHES`` (a database table in production, so that every process and
every app server shares the figures and computes each once). Each process also keeps, unpickled,
the figures it last read, with the stamp they were stored under: a request reads the small stamp
and, while it is unchanged, uses the figures at hand. The targets of a province's thousands of
schools fill megabytes, and reading and unpickling them on every request cost more than the
page around them.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from .models import AuditEvent

T = TypeVar("T")
UNTIL_CHANGE_SECONDS = 300
COST_FACTOR = 50
MOST_SECONDS = 600
KEEP_SECONDS = 86400  # a snapshot stays at hand, to be shown while the next one is computed
LOCK_SECONDS = 90  # one request computes; longer than a web worker may run (gunicorn's 60 s)
WAIT_SECONDS = 3  # how long the others wait for the first figures (each holds a web worker)
HELD_IN_PROCESS = 64  # figures each process keeps unpickled, the most recently used


@dataclass(frozen=True)
class Snapshot(Generic[T]):
    value: T
    computed_at: dt.datetime
    audit: int  # the newest audit row when it was computed
    cost: float  # seconds it took
    stamp: str = field(default_factory=lambda: uuid.uuid4().hex)  # stored beside it, to compare

    def serves(self, latest: int, now: dt.datetime, *, throttled: bool) -> bool:
        age = (now - self.computed_at).total_seconds()
        if self.audit == latest and age < UNTIL_CHANGE_SECONDS:
            return True
        return throttled and age < min(self.cost * COST_FACTOR, MOST_SECONDS)


_held: OrderedDict[str, Snapshot[Any]] = OrderedDict()
_held_lock = threading.Lock()


def _read(key: str) -> Snapshot[Any] | None:
    """The figures stored under ``key``: the process's own copy while the stored stamp is its
    stamp, else read from the cache (and held)."""
    stamp = cache.get(f"{key}:stamp")
    if stamp is None:
        return None
    with _held_lock:
        held = _held.get(key)
        if held is not None and held.stamp == stamp:
            _held.move_to_end(key)
            return held
    kept = cache.get(key)
    if not isinstance(kept, Snapshot):
        return None
    _hold(key, kept)
    return kept


def _hold(key: str, kept: Snapshot[Any]) -> None:
    with _held_lock:
        _held[key] = kept
        _held.move_to_end(key)
        while len(_held) > HELD_IN_PROCESS:
            _held.popitem(last=False)


def _kept(name: str, compute: Callable[[], T], *, throttled: bool) -> Snapshot[T] | None:
    latest = AuditEvent.objects.aggregate(latest=Max("pk"))["latest"] or 0
    key = f"zhijiao:{name}"
    lock = f"{key}:computing"
    kept = _read(key)
    now = timezone.now()
    if kept is not None and kept.serves(latest, now, throttled=throttled):
        return kept
    if throttled and not cache.add(lock, 1, LOCK_SECONDS):
        # Another request is computing them: show the figures kept, or wait a little for the
        # first ones rather than compute them again alongside (a dozen requests at once would
        # each take the machine's whole time).
        return kept if kept is not None else _awaited(key)
    started = time.perf_counter()
    try:
        value = compute()
        fresh = Snapshot(value, now, latest, time.perf_counter() - started)
        timeout = KEEP_SECONDS if throttled else UNTIL_CHANGE_SECONDS
        cache.set(key, fresh, timeout)
        cache.set(f"{key}:stamp", fresh.stamp, timeout)
        _hold(key, fresh)
    finally:
        if throttled:
            cache.delete(lock)
    return fresh


def _awaited(key: str) -> Snapshot[Any] | None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.25)
        kept = _read(key)
        if kept is not None:
            return kept
    return None


def until_change(name: str, compute: Callable[[], T]) -> T:
    """``compute()``'s result, kept under ``name`` until the next audit row or five minutes."""
    kept = _kept(name, compute, throttled=False)
    assert kept is not None  # noqa: S101 - only a throttled figure can be left to another request
    return kept.value


def snapshot(name: str, compute: Callable[[], T]) -> Snapshot[T] | None:
    """``compute()``'s result kept under ``name``, with when it was computed: computed again
    after the next audit row once its cost allows (see above), or after five minutes. ``None``
    when another request is computing the first figures and they are not ready within
    :data:`WAIT_SECONDS`: the page then says so and looks again shortly."""
    return _kept(name, compute, throttled=True)
