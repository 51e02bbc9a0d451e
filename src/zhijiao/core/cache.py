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
recomputing never takes more than about one part in fifty of the time; while one request computes
them again, the others show the figures kept. Pages that use it say when
their figures were computed (:attr:`Snapshot.computed_at`, ``core/_computed_at.html``).

The cache is the one in ``CACHES`` (a database table in production, so that every process and
every app server shares the figures and computes each once).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from .models import AuditEvent

T = TypeVar("T")
UNTIL_CHANGE_SECONDS = 300
COST_FACTOR = 50
MOST_SECONDS = 600


@dataclass(frozen=True)
class Snapshot(Generic[T]):
    value: T
    computed_at: dt.datetime
    audit: int  # the newest audit row when it was computed
    cost: float  # seconds it took

    def serves(self, latest: int, now: dt.datetime, *, throttled: bool) -> bool:
        age = (now - self.computed_at).total_seconds()
        if self.audit == latest and age < UNTIL_CHANGE_SECONDS:
            return True
        return throttled and age < min(self.cost * COST_FACTOR, MOST_SECONDS)


def _kept(name: str, compute: Callable[[], T], *, throttled: bool) -> Snapshot[T]:
    latest = AuditEvent.objects.aggregate(latest=Max("pk"))["latest"] or 0
    key = f"zhijiao:{name}"
    kept = cache.get(key)
    now = timezone.now()
    if not isinstance(kept, Snapshot):
        kept = None
    elif kept.serves(latest, now, throttled=throttled):
        return kept
    elif throttled and not cache.add(f"{key}:computing", 1, int(kept.cost * 2) + 30):
        return kept  # another request is computing it: this one shows the figures kept
    started = time.perf_counter()
    try:
        value = compute()
    finally:
        if throttled and kept is not None:
            cache.delete(f"{key}:computing")
    fresh = Snapshot(value, now, latest, time.perf_counter() - started)
    cache.set(key, fresh, MOST_SECONDS)
    return fresh


def until_change(name: str, compute: Callable[[], T]) -> T:
    """``compute()``'s result, kept under ``name`` until the next audit row or five minutes."""
    return _kept(name, compute, throttled=False).value


def snapshot(name: str, compute: Callable[[], T]) -> Snapshot[T]:
    """``compute()``'s result kept under ``name``, with when it was computed: computed again
    after the next audit row once its cost allows (see above), or after five minutes."""
    return _kept(name, compute, throttled=True)
