"""Benchmark: the city overview of the plan's targets, 5 years of data for 50 units.

    .venv/bin/python bench/indicators_overview.py                    # SQLite in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/indicators_overview.py                # PostgreSQL

A fresh database (as bench/indicators_import.py makes it) with the official plan and the official
monitoring configuration (data/indicators/jiangyin-2021-targets.yaml, 19 targets), 50 vocational
schools and the three reporting bureaus, every data set reported and approved for 2021–2025
(quarters for training). Measured: ``targets_progress()`` for all targets computed afresh, and
the whole overview page (/targets/) as the plan office gets it, both on the first view after a
change (cache cleared) and on later views (figures cached until the next audited change), median
of 20 runs each after one warm-up. Goal: the page under 150 ms, and under 300 ms even when
everything is computed afresh. Exits 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

from indicators_import import database_prepare

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "data/plans/jiangyin-2021-vet-reform-plan.txt"
TARGETS = ROOT / "data/indicators/jiangyin-2021-targets.yaml"
SCHOOLS = 50
YEARS = [2021, 2022, 2023, 2024, 2025]
RUNS = 20
GOAL_MS = 150.0
TODAY = dt.date(2026, 3, 31)


def populate() -> int:
    """Schools up to 50, and every data set reported and approved for every unit and period."""
    from zhijiao.core.periods import period_parse, periods_between
    from zhijiao.indicators import selectors
    from zhijiao.indicators.models import DataSet, DataValue, Submission, SubmissionStatus
    from zhijiao.orgs.models import Unit, UnitKind

    education = Unit.objects.get(name="教育局")
    have = Unit.objects.filter(kind=UnitKind.SCHOOL).count()
    Unit.objects.bulk_create(
        Unit(name=f"江阴第{i}职业学校（基准）", kind=UnitKind.SCHOOL, parent=education)
        for i in range(have + 1, SCHOOLS + 1)
    )
    rng = random.Random(50)  # noqa: S311 - benchmark data
    now = dt.datetime(2026, 1, 20, 10, tzinfo=dt.UTC)
    values = []
    for data_set in DataSet.objects.all():
        members = selectors.data_set_elements(data_set)
        periods = periods_between(
            data_set.period_type,
            period_parse(data_set.period_type, data_set.first_period).start,
            dt.date(YEARS[-1], 12, 31),
        )
        units = selectors.reporting_units(data_set)
        for period in periods:
            submissions = Submission.objects.bulk_create(
                Submission(
                    data_set=data_set,
                    unit=unit,
                    period_code=period.code,
                    period_start=period.start,
                    period_end=period.end,
                    status=SubmissionStatus.APPROVED,
                    first_completed_at=now,
                    completed_at=now,
                    approved_at=now,
                )
                for unit in units
            )
            for submission in submissions:
                for member in members:
                    element = member.element
                    if element.source:
                        continue
                    for option, _ in element.option_list():
                        high = 1 if element.value_type == "boolean" else 5000
                        values.append(
                            DataValue(
                                submission=submission,
                                element=element,
                                option_code=option,
                                number=Decimal(rng.randint(0, high)),
                            )
                        )
    DataValue.objects.bulk_create(values, batch_size=5000)
    return len(values)


def timed(func, runs: int) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    func()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times), max(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    described, cleanup = database_prepare(args.keep)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhijiao.settings.dev")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    settings.DEBUG = False
    try:
        print(f"zhijiao benchmark: city overview of the plan's targets — {described}")
        start = time.perf_counter()
        call_command("migrate", verbosity=0)
        with open(os.devnull, "w") as quiet:
            call_command("loadplan", str(PLAN), stdout=quiet)
            call_command("loadindicators", str(TARGETS), stdout=quiet)
        count = populate()
        from zhijiao.indicators import selectors
        from zhijiao.indicators.models import Submission, Target
        from zhijiao.orgs.models import Unit, UnitKind, User
        from zhijiao.orgs.roles import Role

        office = User(
            username="bench_office", role=Role.PLAN_OFFICE, unit=Unit.objects.get(name="教育局")
        )
        office.set_password(os.urandom(16).hex() + "Aa1!")
        office.save()
        schools = Unit.objects.filter(kind=UnitKind.SCHOOL).count()
        print(
            f"  data              {schools} schools + 3 bureaus, {Submission.objects.count():,} "
            f"submissions, {count:,} values, {Target.objects.count()} targets "
            f"({time.perf_counter() - start:.1f} s)"
        )
        from django.core.cache import cache

        def computed() -> None:
            cache.clear()
            selectors.targets_progress(today=TODAY)

        median, low, high = timed(computed, RUNS)
        print(
            f"  targets_progress  median {median:.1f} ms (min {low:.1f}, max {high:.1f}) "
            "computed afresh (cache cleared before each run)"
        )
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(office)

        def page() -> None:
            response = client.get("/targets/")
            assert response.status_code == 200, response.status_code

        def page_cold() -> None:
            cache.clear()
            page()

        cold = timed(page_cold, RUNS)
        print(
            f"  /targets/ cold    median {cold[0]:.1f} ms (min {cold[1]:.1f}, max {cold[2]:.1f}): "
            "the first view after a change, everything computed"
        )
        median, low, high = timed(page, RUNS)
        ok = median < GOAL_MS
        print(
            f"  /targets/ page    median {median:.1f} ms (min {low:.1f}, max {high:.1f}) over {RUNS} "
            f"runs, figures from the cache   [goal < {GOAL_MS:.0f} ms: {'OK' if ok else 'MISSED'}]"
        )
        return 0 if ok and cold[0] < 2 * GOAL_MS else 1
    finally:
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
