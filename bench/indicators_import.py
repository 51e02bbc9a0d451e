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
20 runs). Then the same 100,000 rows of the first file, each time into the emptied value table:
zhijiao's import and the floor — a bare python-calamine read and one bulk insert (COPY on
PostgreSQL, ``executemany`` on SQLite) with no checks at all — three times each, in turn; and
django-import-export, a ``ModelResource`` as its documentation shows it: with its defaults; in bulk
mode as its "bulk imports" page advises (no diff, cached foreign-key look-ups); and, shown but not
judged, bulk mode with an instance loader written here that reads the stored values once. When
10,000 rows say a mode would take more than three minutes, the rest is extrapolated and says so.
Last, the peak memory of zhijiao's import of 25,000, 50,000 and 100,000 rows, each in a fresh
process.

Goals (issue 9): an import under 10 s, at least 10× faster than django-import-export (the faster of
its default and bulk modes), within 3× of the floor; target progress under 150 ms. Exits 1 when a
goal is missed or the stored rows are not what was imported.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
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
LIBRARY_GOAL = 10.0  # at least this many times faster than django-import-export
FLOOR_GOAL = 3.0  # at most this many times the floor
PROGRESS_GOAL_MS = 150.0
# django-import-export's default mode saves row by row: when 10,000 rows say the whole file would
# take longer than this, the rest is extrapolated rather than run (and the output says so).
LIBRARY_SAMPLE = 10_000
LIBRARY_CAP_S = 180.0
COMPARE_RUNS = 3
# django-import-export: (bulk, loader, label, what it is); see library_resource.
LIBRARY_VARIANTS = (
    (False, False, "d-i-e default", "row by row: save() and a diff per row, look-ups per row"),
    (True, False, "d-i-e bulk", "use_bulk, skip_diff, cached foreign-key look-ups"),
    (True, True, "d-i-e bulk+", "and a loader written here that reads the stored values once"),
)
MEMORY_SIZES = (25_000, 50_000, 100_000)
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


def stored_check(data_set: Any, expected: Sequence[int]) -> tuple[bool, str]:
    """Whether the database holds exactly the ``expected`` values (the file's, in order), no
    more; and what it holds."""
    from django.db.models import Sum

    from zhijiao.indicators.models import DataValue, Submission

    values = DataValue.objects.filter(submission__data_set=data_set)
    stored = values.count()
    total = values.aggregate(total=Sum("number"))["total"] or Decimal(0)
    submissions = Submission.objects.filter(data_set=data_set).count()
    right = stored == len(expected) and submissions == UNITS * len(YEARS) and total == sum(expected)
    text = f"{stored:,} values in {submissions} submissions, values adding up to {int(total):,}"
    if not right:
        text += f" — EXPECTED {len(expected):,} values adding up to {sum(expected):,}"
    return right, text


def file_values(content: bytes) -> list[int]:
    """The value column of a benchmark file, row by row."""
    from zhijiao.core.excel import xlsx_rows
    from zhijiao.indicators.imports import MAX_BYTES

    rows = xlsx_rows(content, max_rows=200_000, max_bytes=MAX_BYTES)
    return [int(r[7]) for r in rows[3:] if r and r[7] not in (None, "")]


def values_delete(data_set: Any) -> None:
    """Empties the value table (the submissions stay), so that the next import inserts."""
    from zhijiao.indicators.models import DataValue

    DataValue.objects.filter(submission__data_set=data_set).delete()


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


# ---------------------------------------------------------------- django-import-export


def library_resource(data_set: Any, *, bulk: bool, loader: bool = False) -> Any:
    """A ``ModelResource`` for the value model as django-import-export's documentation shows it:
    the natural keys of the template (unit and period, element code) resolved through
    ``ForeignKeyWidget``; the submission, named by two columns, through a widget whose
    ``get_queryset`` reads the row (the documented ``FullNameForeignKeyWidget`` pattern).

    ``bulk``: what the documentation's "bulk imports" page advises for a large file that may both
    create and update — bulk mode (``use_bulk``, its default batch of 1,000), no diff
    (``skip_diff``), and foreign-key widgets that cache their look-ups (its caveat on
    ``ForeignKeyWidget``). ``force_init_instance`` is not used: the same file may update values
    already there. The library's ``ModelInstanceLoader`` still looks each row's value up.

    ``loader``: beyond that, an instance loader written for this benchmark that reads the stored
    values once — the library's ``CachedInstanceLoader`` does this for a single key field, and
    the value's key has three.
    """
    from import_export import fields, resources, widgets
    from import_export.instance_loaders import ModelInstanceLoader

    from zhijiao.indicators.imports import H_CODE, H_OPTION, H_PERIOD, H_UNIT, H_VALUE
    from zhijiao.indicators.models import DataElement, DataValue, Submission

    class SubmissionWidget(widgets.ForeignKeyWidget):
        """The data set's submission of the row's unit (by name) for the period in the cell."""

        def get_queryset(self, value: Any, row: Any, *args: Any, **kwargs: Any) -> Any:
            return Submission.objects.filter(data_set=data_set, unit__name=row[H_UNIT])

    class CachedSubmissionWidget(SubmissionWidget):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.cache: dict[tuple[Any, Any], Any] = {}

        def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
            key = (row[H_UNIT], value)
            if key not in self.cache:
                self.cache[key] = super().clean(value, row, **kwargs)
            return self.cache[key]

    class CachedForeignKeyWidget(widgets.ForeignKeyWidget):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.cache: dict[Any, Any] = {}

        def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
            if value not in self.cache:
                self.cache[value] = super().clean(value, row, **kwargs)
            return self.cache[value]

    class CachedValueLoader(ModelInstanceLoader):
        """The stored values of the data set, read once, found by their three key fields."""

        def __init__(self, resource: Any, dataset: Any = None) -> None:
            super().__init__(resource, dataset)
            self.instances = {
                (v.submission_id, v.element_id, v.option_code): v
                for v in self.get_queryset().filter(submission__data_set=data_set)
            }

        def get_instance(self, row: Any) -> Any:
            f = self.resource.fields
            submission = f["submission"].clean(row)
            element = f["element"].clean(row)
            option = f["option_code"].clean(row)
            return self.instances.get((submission.pk, element.pk, option))

    submission_widget = CachedSubmissionWidget if bulk else SubmissionWidget
    element_widget = CachedForeignKeyWidget if bulk else widgets.ForeignKeyWidget

    class DataValueResource(resources.ModelResource):
        submission = fields.Field(
            attribute="submission",
            column_name=H_PERIOD,
            widget=submission_widget(Submission, field="period_code"),
        )
        element = fields.Field(
            attribute="element", column_name=H_CODE, widget=element_widget(DataElement, "code")
        )
        option_code = fields.Field(
            attribute="option_code", column_name=H_OPTION, widget=widgets.CharWidget()
        )
        number = fields.Field(
            attribute="number", column_name=H_VALUE, widget=widgets.DecimalWidget()
        )

        class Meta:
            model = DataValue
            fields = ("submission", "element", "option_code", "number")
            import_id_fields = ("submission", "element", "option_code")
            if bulk:
                use_bulk = True
                skip_diff = True
            if loader:
                instance_loader_class = CachedValueLoader

    return DataValueResource()


def library_dataset(content: bytes) -> Any:
    """The file as a tablib Dataset, headers from row 3 (the template's), as a team would load it."""
    import tablib

    return tablib.Dataset().load(io.BytesIO(content), format="xlsx", skip_lines=2)


def library_run(resource: Any, dataset: Any) -> float:
    started = time.perf_counter()
    result = resource.import_data(dataset, dry_run=False, use_transactions=True)
    elapsed = time.perf_counter() - started
    if result.has_errors() or result.has_validation_errors():
        errors = [e.error for _, row_errors in result.row_errors()[:3] for e in row_errors]
        raise RuntimeError(f"django-import-export reported errors: {errors}")
    return elapsed


def timed_library(
    data: dict[str, Any], content: bytes, *, bulk: bool, loader: bool, cap: float
) -> dict[str, Any]:
    """Imports the file through django-import-export into the emptied table. Reading it into a
    Dataset is timed as part of the import. When the first LIBRARY_SAMPLE rows say the whole file
    would take longer than ``cap``, the rest is extrapolated from them and not run."""
    started = time.perf_counter()
    dataset = library_dataset(content)
    load = time.perf_counter() - started
    rows = len(dataset)
    resource = library_resource(data["data_set"], bulk=bulk, loader=loader)
    sample = min(LIBRARY_SAMPLE, rows)
    first = library_run(resource, dataset.subset(rows=list(range(sample))))
    projected = load + first * rows / sample
    if sample == rows or projected <= cap:
        rest = library_run(
            library_resource(data["data_set"], bulk=bulk, loader=loader),
            dataset.subset(rows=list(range(sample, rows))),
        )
        return {"seconds": load + first + rest, "load": load, "imported": rows, "rows": rows}
    return {
        "seconds": projected,
        "load": load,
        "imported": sample,
        "rows": rows,
        "sample": first,
    }


# ---------------------------------------------------------------- the floor


def timed_floor(data_set: Any, content: bytes) -> float:
    """A bare python-calamine read and one bulk insert of the rows into the value table, with no
    checks: the unit, period and element names resolved to ids through dicts, nothing else."""
    from django.db import connection, transaction
    from django.utils import timezone
    from python_calamine import CalamineWorkbook

    from zhijiao.indicators.models import DataElement, DataValue, Submission

    started = time.perf_counter()
    submissions = {
        (name, code): pk
        for name, code, pk in Submission.objects.filter(data_set=data_set).values_list(
            "unit__name", "period_code", "pk"
        )
    }
    elements = dict(DataElement.objects.values_list("code", "pk"))
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = [
        (submissions[(r[0], r[1])], elements[r[2]], r[4] or "", r[7], "", "", stamp)
        for r in sheet.to_python(skip_empty_area=False)[3:]
    ]
    table = connection.ops.quote_name(DataValue._meta.db_table)
    columns = "submission_id, element_id, option_code, number, text, file, updated_at"
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * 7)
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608
    return time.perf_counter() - started


# ---------------------------------------------------------------- memory, in a fresh process


def memory_child(path: str) -> int:
    """Run in a child process: imports the file at ``path`` with zhijiao's importer and prints,
    as JSON, the resident memory before the import and the process's peak."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhijiao.settings.dev")
    os.environ["DJANGO_DEBUG"] = "0"
    import django

    django.setup()
    from zhijiao.indicators.imports import values_import
    from zhijiao.indicators.models import DataSet
    from zhijiao.orgs.models import User

    user = User.objects.get(username="bench")
    data_set = DataSet.objects.get(code="BENCH_YEARLY")
    with open(path, "rb") as stream:
        content = stream.read()
    before = status_mb("VmRSS")
    started = time.perf_counter()
    result = values_import(user=user, data_set=data_set, upload=content, name="bench.xlsx")
    seconds = time.perf_counter() - started
    peak = status_mb("VmHWM")
    print(json.dumps({"rows": result.rows, "seconds": seconds, "before": before, "peak": peak}))
    return 0


def status_mb(key: str) -> float:
    """A figure of /proc/self/status in MB: VmRSS (resident now) or VmHWM (peak). Not
    getrusage's ru_maxrss, which a child started by subprocess inherits from its parent."""
    with open("/proc/self/status") as status:
        for text in status:
            if text.startswith(key + ":"):
                return int(text.split()[1]) / 1024
    raise RuntimeError(f"no {key} in /proc/self/status")


def workbook_head(content: bytes, rows: int) -> bytes:
    """The benchmark file cut to its first ``rows`` data rows, in the same layout."""
    from openpyxl import Workbook
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    cells = sheet.to_python(skip_empty_area=False, nrows=rows + 3)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("数据")
    for index, row in enumerate(cells):
        if index == 1:
            ws.append([])
        elif index > 2:
            ws.append([*row[:7], int(row[7])])
        else:
            ws.append(row)
    stream = io.BytesIO()
    wb.save(stream)
    return stream.getvalue()


def memory_profile(data_set: Any, content: bytes) -> list[dict[str, Any]]:
    """zhijiao's import of the first 25,000, 50,000 and 100,000 rows, each in a fresh process
    into the emptied table."""
    directory = tempfile.mkdtemp(prefix="zhijiao-bench-mem-")
    results = []
    try:
        for size in MEMORY_SIZES:
            path = os.path.join(directory, f"head-{size}.xlsx")
            with open(path, "wb") as stream:
                stream.write(workbook_head(content, size))
            values_delete(data_set)
            child = subprocess.run(  # noqa: S603 - this script, with a path it wrote
                [sys.executable, os.path.abspath(__file__), "--memory-child", path],
                capture_output=True,
                text=True,
                check=False,
            )
            if child.returncode != 0:
                raise RuntimeError(f"memory run of {size:,} rows failed:\n{child.stderr}")
            results.append(json.loads(child.stdout.strip().splitlines()[-1]))
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return results


def line(label: str, text: str) -> None:
    print(f"  {label:<18}{text}")


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--runs", type=int, default=PROGRESS_RUNS, help="target progress runs")
    parser.add_argument(
        "--library-cap",
        type=float,
        default=LIBRARY_CAP_S,
        help="seconds above which django-import-export's time is extrapolated from "
        f"{LIBRARY_SAMPLE:,} rows (default {LIBRARY_CAP_S:.0f})",
    )
    parser.add_argument("--memory-child", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        return memory_child(args.memory_child)

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
        expected = [file_values(content) for content, _ in files]
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
            right, text = stored_check(data["data_set"], expected[number - 1])
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
        # Editable again, for the comparison and memory runs.
        Submission.objects.filter(data_set=data["data_set"]).update(status=SubmissionStatus.OPEN)
        failures += compare(data, files[0][0], expected[0], args.library_cap)
        failures += memory(data, files[0][0])
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        line("peak memory", f"{peak:.0f} MB (this process, all of the above)")
    finally:
        cleanup()
    if failures:
        print("MISSED: " + ", ".join(failures))
        return 1
    return 0


def compare(data: dict[str, Any], content: bytes, expected: list[int], cap: float) -> list[str]:
    """The first file again, each time into the emptied value table: zhijiao's import and the
    floor in turn, COMPARE_RUNS times each (medians: a busy machine moves single runs a lot);
    then django-import-export, default and bulk; and the issue's ratios."""
    data_set = data["data_set"]
    failures: list[str] = []
    print(f"  the same {len(expected):,} rows, each time into the emptied value table:")
    ours: list[float] = []
    floors: list[float] = []
    for _ in range(COMPARE_RUNS):
        for label, times in (("zhijiao", ours), ("floor", floors)):
            values_delete(data_set)
            times.append(
                timed_import(data, content)[0]
                if label == "zhijiao"
                else timed_floor(data_set, content)
            )
            right, _text = stored_check(data_set, expected)
            failures += [] if right else [f"stored values after {label}"]
    zhijiao, floor = statistics.median(ours), statistics.median(floors)
    line(
        "zhijiao",
        f"median {zhijiao:.2f} s = {len(expected) / zhijiao:,.0f} rows/s "
        f"({', '.join(f'{t:.2f}' for t in ours)} s)",
    )
    line(
        "floor",
        f"median {floor:.2f} s = {len(expected) / floor:,.0f} rows/s "
        f"({', '.join(f'{t:.2f}' for t in floors)} s: calamine read, one "
        f"{'COPY' if is_postgres() else 'executemany'}, no checks)",
    )
    library: dict[str, float] = {}
    for bulk, loader, label, how in LIBRARY_VARIANTS:
        values_delete(data_set)
        run = timed_library(data, content, bulk=bulk, loader=loader, cap=cap)
        library[label] = run["seconds"]
        if run["imported"] == run["rows"]:
            text = f"{run['seconds']:.1f} s = {run['rows'] / run['seconds']:,.0f} rows/s"
        else:
            text = (
                f"~{run['seconds']:.0f} s = {run['rows'] / run['seconds']:,.0f} rows/s, "
                f"EXTRAPOLATED: {run['imported']:,} rows imported in {run['sample']:.1f} s, "
                f"× {run['rows'] / run['imported']:.0f}"
            )
        line(label, f"{text} (Dataset from the .xlsx {run['load']:.1f} s of it; {how})")
        right, stored = stored_check(data_set, expected[: run["imported"]])
        line("stored", stored)
        failures += [] if right else [f"stored values after {label}"]

    # Judged against the library as documented; the loader written here is shown, not judged.
    documented = min(library[label] for _b, loader, label, _h in LIBRARY_VARIANTS if not loader)
    ok_library = documented / zhijiao >= LIBRARY_GOAL
    ok_floor = zhijiao / floor <= FLOOR_GOAL
    line(
        "ratios",
        "zhijiao is "
        + ", ".join(f"{v / zhijiao:.1f}× faster than {k}" for k, v in library.items())
        + f"   [goal ≥ {LIBRARY_GOAL:.0f}× the library as documented (the faster of default "
        f"and bulk): {verdict(ok_library)}]",
    )
    line(
        "",
        f"zhijiao takes {zhijiao / floor:.1f}× the floor's time"
        f"   [goal ≤ {FLOOR_GOAL:.0f}×: {verdict(ok_floor)}]",
    )
    failures += [] if ok_library else ["10× django-import-export"]
    failures += [] if ok_floor else ["3× the floor"]
    return failures


def memory(data: dict[str, Any], content: bytes) -> list[str]:
    """Peak memory of zhijiao's import by size of file, each in a fresh process; printed."""
    runs = memory_profile(data["data_set"], content)
    for run in runs:
        line(
            f"memory {run['rows'] // 1000}k",
            f"peak {run['peak']:.0f} MB, {run['peak'] - run['before']:.0f} MB above the "
            f"{run['before']:.0f} MB of the process before the import "
            f"(import {run['seconds']:.2f} s)",
        )
    first, last = runs[0], runs[-1]
    per_row = (last["peak"] - first["peak"]) * 1024 / (last["rows"] - first["rows"])
    line(
        "",
        f"grows by {per_row:.2f} KB per row from {first['rows']:,} to {last['rows']:,} rows"
        + (
            " — not flat: the import holds the whole file in memory" if per_row > 0.1 else " — flat"
        ),
    )
    return []


def is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


if __name__ == "__main__":
    sys.exit(main())
