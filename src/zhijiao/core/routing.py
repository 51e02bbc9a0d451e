"""Reporting reads on a read replica, when one is configured.

With ``DATABASE_REPLICA_URL`` set, the settings add a database alias ``replica`` (a PostgreSQL
streaming replica of ``default``). Views that only report — the dashboards, the target overview,
timeliness — are marked with :func:`replica_reads`; while such a view runs, the router sends its
reads to the replica. Everything else, and every write anywhere, uses the primary. Without a
replica the decorator changes nothing.

A replica lags the primary by a moment: only pages that show figures, never a form that is about
to be saved, read there. Sign-in and session checks run in middleware, before the view, so they
always read the primary.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from django.conf import settings

REPLICA = "replica"
_reporting: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_reads", default=False)

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def reporting() -> Iterator[None]:
    """Within the block, reads go to the replica (if there is one)."""
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def replica_reads(view: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        with reporting():
            return view(*args, **kwargs)

    return wrapped


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    """Reads inside :func:`reporting` go to the replica; all else to the primary."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if _reporting.get() and replica_configured():
            return REPLICA
        return "default"

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the same data on both

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == "default"
