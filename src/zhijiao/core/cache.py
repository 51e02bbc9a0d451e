"""Figures kept until the platform next changes.

Every change in zhijiao writes an audit row, so the newest audit row's id tells whether anything a
figure is computed from may have changed since it was cached. The time limit covers anything
written without one (a migration, a direct database edit) and the day turning over.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db.models import Max

from .models import AuditEvent

T = TypeVar("T")
UNTIL_CHANGE_SECONDS = 300


def until_change(name: str, compute: Callable[[], T], *, seconds: int = UNTIL_CHANGE_SECONDS) -> T:
    """``compute()``'s result, cached under ``name`` until the next audit row or ``seconds``."""
    latest = AuditEvent.objects.aggregate(latest=Max("pk"))["latest"] or 0
    key = f"zhijiao:{name}:{latest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value
