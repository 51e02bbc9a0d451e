"""Benchmark: importing 100,000 data values from the Excel template, and computing target progress.

    .venv/bin/python bench/indicators_import.py                      # SQLite in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/indicators_import.py                  # PostgreSQL

A fresh database every run: SQLite in a temporary directory, or on PostgreSQL a dedicated database
``zhijiao_bench`` created on the server DATABASE_URL names (the URL's own database is only used to
create and drop it). 50 schools report a yearly data set of 20 integer elements and one element
disaggregated by 380 majors for 2021–2025: 50 × 5 × (20 + 380) = 100,000 template rows.

Measured: the first import (all inserts), a second import of changed values (all updates), then
``targets_progress()`` for a target every school must meet over those years and units (median of
20 runs). Goals: an import under 10 s, target progress under 150 ms. Exits 1 when a goal is missed
or the stored rows are not what was imported.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BENCH_DB = "zhijiao_bench"
UNITS = 50
YEARS = [2021, 2022, 2023, 2024, 2025]
ELEMENTS = 20
OPTIONS = 380  # 50 × 5 × (20 + 380) = 100,000 rows
PROGRESS_RUNS = 20
IMPORT_GOAL_S = 10.0
PROGRESS_GOAL_MS = 150.0
# Target progress is read as of a fixed day, so the figures do not move with the calendar.
PROGRESS_TODAY = dt.date(2026, 3, 31)


# ---------------------------------------------------------------- the database, before Django


def database_prepare(keep: bool) -> tuple[str, Any]:
    """Points DATABASE_URL at a fresh database; returns a description and a clean-up callable."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        directory = tempfile.mkdtemp(prefix="zhijiao-bench-")
        path = os.path.join(directory, "bench.sqlite3")
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"

        def sqlite_cleanup() -> None:
            if not keep:
                shutil.rmtree(directory, ignore_errors=True)

        return f"SQLite {path}", sqlite_cleanup
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit(f"DATABASE_URL must be a PostgreSQL URL (or unset for SQLite), not {parts.scheme}")
    import psycopg

    # Connected to the URL's database (or "postgres") to create and drop the benchmark's own.
    maintenance = parts.path.strip("/")
    if maintenance in ("", BENCH_DB):
        maintenance = "postgres"
    admin = urlunsplit(parts._replace(scheme="postgresql", path=f"/{maintenance}"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
        version = conn.execute("SHOW server_version").fetchone()
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DB}"))

    def postgres_cleanup() -> None:
        if keep:
            return
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")

    server = f"{parts.hostname}:{parts.port or 5432}"
    return f"PostgreSQL {version[0] if version else ''} {server}/{BENCH_DB}", postgres_cleanup


# ---------------------------------------------------------------- data


def setup_data() -> dict[str, Any]:
    """50 schools, a user who may import for all of them, the data set, an indicator and a target
    every school must meet."""
    from zhijiao.indicators.models import (
        Aggregation,
        Category,
        CategoryOption,
        Comparator,
        DataElement,
        DataSet,
        DataSetElement,
        Indicator,
        Target,
        TargetScope,
    )
    from zhijiao.orgs.models import Unit, UnitKind, User
    from zhijiao.orgs.roles import Role

    Unit.objects.bulk_create(
        [Unit(name=f"基准职业学校{i:02d}", kind=UnitKind.SCHOOL) for i in range(1, UNITS + 1)]
    )
    units = list(Unit.objects.filter(kind=UnitKind.SCHOOL).order_by("name"))
    user = User.objects.create(username="bench", full_name="基准", role=Role.PLAN_OFFICE)

    majors = Category.objects.create(code="MAJOR", name="专业")
    CategoryOption.objects.bulk_create(
        [
            CategoryOption(category=majors, code=f"M{i:03d}", name=f"专业{i:03d}", position=i)
            for i in range(1, OPTIONS + 1)
        ]
    )
    DataElement.objects.bulk_create(
        [
            DataElement(
                code=f"E{i:02d}",
                name=f"基准数据项{i:02d}",
                unit_of_measure="人",
                aggregation=Aggregation.LATEST,
                min_value=0,
            )
            for i in range(1, ELEMENTS + 1)
        ]
        + [
            DataElement(
                code="BY_MAJOR",
                name="分专业在校生数",
                unit_of_measure="人",
                aggregation=Aggregation.LATEST,
                category=majors,
                min_value=0,
            )
        ]
    )
    data_set = DataSet.objects.create(
        code="BENCH_YEARLY",
        name="基准年度数据",
        first_period=str(YEARS[0]),
        # Every period of 2021–2025 open for entry whenever this runs: never closed, and the
        # current year open from its start.
        opens_before_end_days=366,
        expiry_days=None,
    )
    data_set.units.set(units)
    DataSetElement.objects.bulk_create(
        [
            DataSetElement(data_set=data_set, element=e, position=i)
            for i, e in enumerate(DataElement.objects.order_by("code"))
        ]
    )
    share = Indicator.objects.create(
        code="BENCH_SHARE",
        name="基准比例",
        numerator="#{E02}",
        denominator="#{E01}",
        factor=100,
        unit_of_measure="%",
        decimals=1,
    )
    by_major = Indicator.objects.create(
        code="BENCH_MAJORS", name="分专业在校生合计", numerator="#{BY_MAJOR}", unit_of_measure="人"
    )
    target = Target.objects.create(
        key="bench-share",
        name="每所学校基准比例达到60%",
        indicator=share,
        comparator=Comparator.GE,
        value=60,
        deadline=dt.date(2025, 12, 31),
        scope=TargetScope.EACH_SCHOOL,
        first_year=YEARS[0],
    )
    heavy = Target.objects.create(
        key="bench-majors",
        name="分专业在校生合计达到50万",
        indicator=by_major,
        comparator=Comparator.GE,
        value=500_000,
        deadline=dt.date(2025, 12, 31),
        first_year=YEARS[0],
    )
    return {"user": user, "units": units, "data_set": data_set, "target": target, "heavy": heavy}


def template_rows(data_set: Any, units: Sequence[Any], seed: int) -> Iterator[list[Any]]:
    """The template's data rows in the template's order, every value filled in."""
    from zhijiao.indicators import selectors

    rng = random.Random(seed)
    members = selectors.data_set_elements(data_set)
    for unit in units:
        for year in YEARS:
            for member in members:
                element = member.element
                uom = element.unit_of_measure or element.get_value_type_display()
                for code, name in element.option_list():
                    value = rng.randint(50, 100) if element.code == "E02" else rng.randint(80, 400)
                    yield [
                        unit.name,
                        str(year),
                        element.code,
                        element.name,
                        code,
                        name,
                        uom,
                        value,
                    ]


def workbook_write(data_set: Any, units: Sequence[Any], seed: int) -> tuple[bytes, int]:
    """The filled template, written in openpyxl's streaming mode (template_write styles every
    cell and is meant for downloads of one unit or period, not for 100,000 rows). The layout is
    the template's: row 1 names the data set, row 2 is empty, the header is on row 3."""
    from openpyxl import Workbook

    from zhijiao.indicators.imports import CODE_LABEL, HEADERS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("数据")
    ws.append([CODE_LABEL, data_set.code, "数据集", data_set.name])
    ws.append([])
    ws.append(HEADERS)
    count = 0
    for row in template_rows(data_set, units, seed):
        ws.append(row)
        count += 1
    stream = io.BytesIO()
    wb.save(stream)
    return stream.getvalue(), count


def layout_check(data_set: Any, units: Sequence[Any], content: bytes) -> None:
    """Refuses to go on unless the benchmark file starts exactly as template_write's does."""
    from zhijiao.core.excel import xlsx_rows
    from zhijiao.core.periods import period_parse
    from zhijiao.indicators.imports import MAX_BYTES, export_bytes

    reference = xlsx_rows(
        export_bytes(
            data_set=data_set, units=units[:1], periods=[period_parse("year", str(YEARS[0]))]
        ),
        max_rows=1000,
    )
    ours = xlsx_rows(content, max_rows=200_000, max_bytes=MAX_BYTES)

    def cells(row: list[Any], width: int) -> list[Any]:
        return [None if v == "" else v for v in (row + [None] * width)[:width]]

    assert cells(ours[0], 4) == cells(reference[0], 4), (ours[0], reference[0])
    assert cells(ours[2], 8) == cells(reference[2], 8), (ours[2], reference[2])
    # The same rows in the same order, the value column apart.
    for mine, theirs in zip(ours[3:50], reference[3:50], strict=True):
        assert cells(mine, 7) == cells(theirs, 7), (mine, theirs)


# ---------------------------------------------------------------- measurements


def timed_import(data: dict[str, Any], content: bytes) -> tuple[float, Any]:
    from zhijiao.indicators.imports import values_import

    started = time.perf_counter()
    result = values_import(
        user=data["user"], data_set=data["data_set"], upload=content, name="bench.xlsx"
    )
    return time.perf_counter() - started, result


def stored_check(data_set: Any, content: bytes, rows: int) -> tuple[bool, str]:
    """Whether the database holds every value of the file, no more; and what it holds."""
    from django.db.models import Sum

    from zhijiao.indicators.models import DataValue, Submission

    values = DataValue.objects.filter(submission__data_set=data_set)
    stored = values.count()
    total = values.aggregate(total=Sum("number"))["total"] or Decimal(0)
    submissions = Submission.objects.filter(data_set=data_set).count()
    expected = file_total(content)
    right = stored == rows and submissions == UNITS * len(YEARS) and total == expected
    text = f"{stored:,} values in {submissions} submissions, values adding up to {int(total):,}"
    if not right:
        text += f" — EXPECTED {rows:,} values adding up to {int(expected):,}"
    return right, text


def file_total(content: bytes) -> Decimal:
    from zhijiao.core.excel import xlsx_rows
    from zhijiao.indicators.imports import MAX_BYTES

    rows = xlsx_rows(content, max_rows=200_000, max_bytes=MAX_BYTES)
    return sum((Decimal(int(r[7])) for r in rows[3:] if r and r[7] not in (None, "")), Decimal(0))


def timed_progress(target: Any, runs: int) -> tuple[list[float], int, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhijiao.indicators import selectors

    targets = list(selectors.targets_queryset().filter(pk=target.pk))
    with CaptureQueriesContext(connection) as queries:
        result = selectors.targets_progress(targets, today=PROGRESS_TODAY)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        selectors.targets_progress(targets, today=PROGRESS_TODAY)
        times.append((time.perf_counter() - started) * 1000)
    return times, len(queries), result[0]


def line(label: str, text: str) -> None:
    print(f"  {label:<18}{text}")


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--runs", type=int, default=PROGRESS_RUNS, help="target progress runs")
    args = parser.parse_args(argv)

    where, cleanup = database_prepare(args.keep)
    # Settings: the dev settings (or DJANGO_SETTINGS_MODULE), without DEBUG, which would keep and
    # format every statement's SQL and slow the bulk writes down.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhijiao.settings.dev")
    os.environ["DJANGO_DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    from zhijiao.indicators.models import Submission, SubmissionStatus

    failures = []
    try:
        print(f"zhijiao benchmark: indicator values import and target progress — {where}")
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        data = setup_data()
        line(
            "setup",
            f"migrate, {UNITS} schools, {ELEMENTS} elements + 1 with {OPTIONS} options, "
            f"{len(YEARS)} years ({time.perf_counter() - started:.1f} s)",
        )

        started = time.perf_counter()
        files = [workbook_write(data["data_set"], data["units"], seed=seed) for seed in (1, 2)]
        layout_check(data["data_set"], data["units"], files[0][0])
        rows = files[0][1]
        line(
            "files",
            f"{rows:,} rows, {len(files[0][0]) / 1048576:.1f} MB each, laid out as template_write "
            f"lays out the template (two written in {time.perf_counter() - started:.1f} s)",
        )

        for number, (content, _), kind in ((1, files[0], "insert"), (2, files[1], "update")):
            seconds, result = timed_import(data, content)
            ok = seconds < IMPORT_GOAL_S
            line(
                f"import {number} ({kind})",
                f"{result.rows:,} rows in {seconds:.2f} s = {result.rows / seconds:,.0f} rows/s"
                f"   [goal < {IMPORT_GOAL_S:.0f} s: {verdict(ok)}]",
            )
            right, text = stored_check(data["data_set"], content, rows)
            line("stored", text)
            failures += [] if ok else [f"import {number}"]
            failures += [] if right else [f"stored values after import {number}"]

        # Only reported data counts towards targets.
        Submission.objects.filter(data_set=data["data_set"]).update(
            status=SubmissionStatus.APPROVED
        )
        times, queries, progress = timed_progress(data["target"], args.runs)
        median = statistics.median(times)
        ok = median < PROGRESS_GOAL_MS
        line(
            "targets_progress",
            f"median {median:.1f} ms (min {min(times):.1f}, max {max(times):.1f}) over "
            f"{len(times)} runs, {queries} queries — a target every school must meet: "
            f"{len(progress.units)} schools × {len(YEARS)} years, "
            f"{UNITS * len(YEARS) * 2} values, {progress.status.label}"
            f"   [goal < {PROGRESS_GOAL_MS:.0f} ms: {verdict(ok)}]",
        )
        failures += [] if ok else ["targets_progress"]
        heavy, queries, _ = timed_progress(data["heavy"], max(3, args.runs // 4))
        line(
            "(for scale)",
            f"median {statistics.median(heavy):.0f} ms, {queries} queries — a city target on "
            f"the element with {OPTIONS} options ({UNITS * len(YEARS) * OPTIONS:,} values)",
        )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        line("peak memory", f"{peak:.0f} MB")
    finally:
        cleanup()
    if failures:
        print("MISSED: " + ", ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
