"""Query discipline: no list page, export or API list asks the database once per row.

Every page that takes no object id (lists, dashboards, exports, forms) and every API list is opened
by one user of every role allowed to use it, on ``gendata --scale tiny`` data, twice: at 70 % size
(rolled back) and at full size. Two checks:

- the number of queries is the same at both sizes: a query per row (N+1) grows with the rows shown;
- the counts at full size equal those pinned in ``query_counts.json``. This also catches a query per
  row on a list whose page is full (50 rows) at both sizes — the first check cannot see that one. A
  change that adds or removes queries updates the pins on purpose: ``UPDATE_QUERY_PINS=1``.

The clock stands at the generated data's last day, so that the pins hold whatever the date. Counted
with a cursor wrapper: Django's query log keeps only the last 9,000 queries.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from tests.generated import TODAY, generate, walkers
from zhijiao.core.access import API, PAGES
from zhijiao.evaluation.models import Round
from zhijiao.urls import shell_urlpatterns

pytestmark = pytest.mark.django_db

YEAR = 2025
PINS = Path(__file__).with_name("query_counts.json")


def list_pages() -> list[str]:
    return sorted(
        p.name
        for p in shell_urlpatterns
        if not p.pattern.converters  # type: ignore[attr-defined]
        and "GET" in PAGES[p.name].methods
    )


# GET routes that read one record by a query parameter rather than a path.
ONE_RECORD = {"/api/v1/talent/survey"}


def api_lists() -> list[str]:
    """GET routes without an id (``…/item?id=`` reads one record)."""
    return sorted(
        route
        for method, route in API
        if method == "GET"
        and "{" not in route
        and not route.endswith("/item")
        and route not in ONE_RECORD
    )


def api_query(route: str) -> dict[str, object]:
    """The query an API list cannot do without."""
    if route.startswith(("/api/v1/talent/shortage", "/api/v1/talent/report")):
        return {"year": YEAR}
    if route == "/api/v1/evaluation/results":
        published = Round.objects.filter(published_on__isnull=False).order_by("-pk")
        return {"round": published.values_list("pk", flat=True).first()}
    return {}


class Counter:
    """Counts the statements sent to the database."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def counts() -> dict[str, int]:
    """Queries of every list page and API list, per ``page role``."""
    found: dict[str, int] = {}
    users = walkers()
    client = Client()
    targets = [(name, reverse(f"admin:{name}"), PAGES[name].roles) for name in list_pages()]
    targets += [(route, route, API[("GET", route)].roles) for route in api_lists()]
    for label, user in users.items():
        client.force_login(user)
        for name, url, roles in targets:
            if user.role not in roles:
                continue
            counter = Counter()
            with connection.execute_wrapper(counter):
                response = client.get(url, api_query(url))
            assert response.status_code == 200, (name, label, response.status_code)
            found[f"{name} {label}"] = counter.count
    return found


def filled(fraction: float) -> dict[str, int]:
    generate(fraction)
    call_command("report", "talent", "--year", str(YEAR), "--publish", verbosity=0)
    return counts()


# Pages count periods, deadlines and overdue tasks from today: the clock stands where the data ends.
NOW = dt.datetime.fromisoformat(f"{TODAY}T10:00:00+08:00")


@time_machine.travel(NOW, tick=True)
def test_no_list_asks_once_per_row():
    with transaction.atomic():
        half = filled(0.7)
        transaction.set_rollback(True)
    full = filled(1.0)
    grown = {key: (half.get(key), full[key]) for key in full if full[key] != half.get(key)}
    assert not grown, "随数据量增长的查询：\n" + "\n".join(
        f"{k}: {a} → {b}" for k, (a, b) in sorted(grown.items())
    )

    if os.environ.get("UPDATE_QUERY_PINS"):
        PINS.write_text(json.dumps(full, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    pinned = json.loads(PINS.read_text(encoding="utf-8"))
    changed = {key: (pinned.get(key), full.get(key)) for key in pinned.keys() | full.keys()}
    changed = {key: pair for key, pair in changed.items() if pair[0] != pair[1]}
    assert not changed, (
        "查询次数与 query_counts.json 不符（页面 角色: 固定值 → 实测）：\n"
        + "\n".join(f"{k}: {a} → {b}" for k, (a, b) in sorted(changed.items()))
    )
