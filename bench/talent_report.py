"""Benchmark: the talent analysis and the annual report over many postings and demand lines.

    .venv/bin/python bench/talent_report.py                                   # SQLite, 100 k postings
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/talent_report.py --postings 1000000 --demand 50000
    .venv/bin/python bench/talent_report.py --sizes 250000,1000000           # memory by size

A fresh database every run: SQLite in a temporary directory, or on PostgreSQL a dedicated database
``zhijiao_tal_bench`` created on the server DATABASE_URL names (the URL's own database is only used
to create and drop it; ``--keep`` keeps it). The shipped catalogues are loaded; then, written with
bulk inserts (not timed as a goal, printed for scale): ``--enterprises`` enterprises with
profiles, three years of surveys with ``--demand`` demand lines in all, ``--postings`` classified
postings in the report's year, and every major's supply at ten schools for three years.

Timed: ``analysis.analyse(year)`` (median of 3 runs after a warm-up) — the grouped queries and the
index — and ``reports.report_archive`` once: analysis, five charts, the .docx, the archive row.
Both run in a fresh process, which also reports its peak resident memory (VmHWM) after the
analyses and after the report. ``--sizes 250000,1000000`` measures at each number of postings in
turn (adding postings between), to show whether memory grows with them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
BENCH_DB = "zhijiao_tal_bench"
YEAR = 2025


def database_prepare(keep: bool) -> tuple[str, Any]:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        directory = tempfile.mkdtemp(prefix="zhijiao-tal-bench-")
        path = os.path.join(directory, "bench.sqlite3")
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"

        def sqlite_cleanup() -> None:
            if not keep:
                shutil.rmtree(directory, ignore_errors=True)

        return f"SQLite {path}", sqlite_cleanup
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("DATABASE_URL must be a PostgreSQL URL (or unset for SQLite)")
    import psycopg

    maintenance = parts.path.strip("/")
    if maintenance in ("", BENCH_DB):
        maintenance = "postgres"
    admin = urlunsplit(parts._replace(scheme="postgresql", path=f"/{maintenance}"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DB}"))

    def postgres_cleanup() -> None:
        if keep:
            return
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")

    return f"PostgreSQL {parts.hostname}:{parts.port or 5432}/{BENCH_DB}", postgres_cleanup


def setup_data(args: argparse.Namespace) -> None:
    from zhijiao.core.codes import credit_code_with_check
    from zhijiao.orgs.models import Unit, UnitKind
    from zhijiao.talent.catalogue import catalogue_load, current_edition
    from zhijiao.talent.data import (
        CatalogueKind,
        Cluster,
        Education,
        EnterpriseSize,
        RoundStatus,
        SkillLevel,
        SurveyStatus,
        Town,
        Urgency,
    )
    from zhijiao.talent.models import (
        DemandLine,
        DemandSurvey,
        EnterpriseProfile,
        Major,
        Occupation,
        SupplyRecord,
        SurveyRound,
    )

    rng = random.Random(7)  # noqa: S311 - benchmark data
    data = ROOT / "data" / "talent"
    for kind, name, edition in (
        (CatalogueKind.OCCUPATIONS, "occupations-2022.csv", "2022"),
        (CatalogueKind.MAJORS, "majors-2021.csv", "2021"),
        (CatalogueKind.INDUSTRIES, "industries-2017.csv", "2017"),
        (CatalogueKind.MAPPING, "mapping-2021.csv", "2021"),
    ):
        catalogue_load(kind=kind, content=(data / name).read_bytes(), edition=edition)
    occupations = list(
        Occupation.objects.filter(edition=current_edition(CatalogueKind.OCCUPATIONS), level=4)
    )
    majors = list(Major.objects.filter(edition=current_edition(CatalogueKind.MAJORS), level=3))
    clusters = [c for c in Cluster.values if c != Cluster.OTHER]

    started = time.perf_counter()
    Unit.objects.bulk_create(
        [
            Unit(
                name=f"基准企业{i:05d}",
                kind=UnitKind.ENTERPRISE,
                credit_code=credit_code_with_check(f"91320281MA{i:06d}X"),
            )
            for i in range(args.enterprises)
        ],
        batch_size=2000,
    )
    enterprises = list(Unit.objects.filter(kind=UnitKind.ENTERPRISE).order_by("pk"))
    EnterpriseProfile.objects.bulk_create(
        [
            EnterpriseProfile(
                unit=u,
                industry_code="C3130",
                size=rng.choice(EnterpriseSize.values),
                cluster=rng.choice(clusters),
                town=rng.choice(Town.values),
                staff_count=rng.randint(20, 5000),
            )
            for u in enterprises
        ],
        batch_size=2000,
    )
    years = [YEAR - 2, YEAR - 1, YEAR]
    per_year = args.demand // len(years)
    lines_per_survey = 5
    for year in years:
        survey_round = SurveyRound.objects.create(
            year=year,
            opens_on=f"{year}-03-01",
            closes_on=f"{year}-04-30",
            status=RoundStatus.CLOSED,
        )
        surveys = DemandSurvey.objects.bulk_create(
            [
                DemandSurvey(enterprise=u, round=survey_round, status=SurveyStatus.ACCEPTED)
                for u in enterprises[: max(1, per_year // lines_per_survey)]
            ],
            batch_size=2000,
        )
        lines = []
        for survey in surveys:
            for position, occupation in enumerate(rng.sample(occupations, lines_per_survey)):
                lines.append(
                    DemandLine(
                        survey=survey,
                        position=position,
                        occupation=occupation,
                        headcount=rng.randint(1, 20),
                        education=rng.choice(Education.values),
                        skill_level=rng.choice(SkillLevel.values),
                        urgency=rng.choice(Urgency.values),
                    )
                )
        DemandLine.objects.bulk_create(lines, batch_size=5000)
    demand_rows = DemandLine.objects.count()
    print(
        f"data: {len(enterprises):,} enterprises, {demand_rows:,} demand lines in {time.perf_counter() - started:.1f} s"
    )

    postings_add(0, args.postings)

    schools = Unit.objects.bulk_create(
        [Unit(name=f"基准职业学校{i:02d}", kind=UnitKind.SCHOOL) for i in range(10)]
    )
    records = []
    for school in schools:
        for major in rng.sample(majors, min(len(majors), 30)):
            for year in years:
                graduates = rng.randint(20, 200)
                further = graduates // 4
                local = graduates // 2
                records.append(
                    SupplyRecord(
                        school=school,
                        major=major,
                        year=year,
                        enrolled=graduates,
                        graduates=graduates,
                        local_employed=local,
                        further_study=further,
                        other=graduates - local - further,
                    )
                )
    SupplyRecord.objects.bulk_create(records, batch_size=5000)
    print(f"data: {len(records):,} supply rows")


def postings_add(start: int, stop: int) -> None:
    """Classified postings number ``start`` to ``stop`` in the report's year, in one batch."""
    from zhijiao.talent.catalogue import current_edition
    from zhijiao.talent.data import CatalogueKind, Cluster, Education
    from zhijiao.talent.models import Occupation, Posting, PostingBatch

    rng = random.Random(start)  # noqa: S311 - benchmark data
    occupations = list(
        Occupation.objects.filter(edition=current_edition(CatalogueKind.OCCUPATIONS), level=4)
    )
    clusters = [c for c in Cluster.values if c != Cluster.OTHER]
    started = time.perf_counter()
    batch = PostingBatch.objects.create(source="基准", imported=stop - start)
    skills = ["数控编程", "机械制图", "PLC编程", "焊接", "设备维护", "质量检验", "安全生产", "CAD"]
    certificates = ["焊工证", "电工证", "叉车证", "职业技能等级证书"]
    chunk = 20_000
    for first in range(start, stop, chunk):
        Posting.objects.bulk_create(
            [
                Posting(
                    batch=batch,
                    source="基准",
                    title="焊工",
                    company="基准企业",
                    cluster=rng.choice(clusters),
                    year=YEAR,
                    fingerprint=hashlib.sha1(str(i).encode(), usedforsecurity=False).hexdigest(),
                    occupation=rng.choice(occupations),
                    confidence=0.9,
                    method="alias_title",
                    skills=rng.sample(skills, 2),
                    certificates=rng.sample(certificates, 1),
                    education=rng.choice(Education.values),
                )
                for i in range(first, min(first + chunk, stop))
            ],
            batch_size=chunk,
        )
    print(f"data: {stop - start:,} postings added in {time.perf_counter() - started:.1f} s")


def status_mb(key: str) -> float:
    """A figure of /proc/self/status in MB: VmRSS (resident now) or VmHWM (peak so far). Not
    getrusage's ru_maxrss, which a child started by subprocess inherits from its parent."""
    with open("/proc/self/status") as status:
        for text in status:
            if text.startswith(key + ":"):
                return int(text.split()[1]) / 1024
    raise RuntimeError(f"no {key} in /proc/self/status")


def measure_child(media: str) -> None:
    """Run in a fresh process on the database DATABASE_URL names: times the analysis and the
    report and prints them, with the process's memory, as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhijiao.settings.dev")
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False
    settings.MEDIA_ROOT = media
    from zhijiao.talent import analysis, reports

    before = status_mb("VmRSS")
    analysis.analyse(YEAR)  # warm-up
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        result = analysis.analyse(YEAR)
        runs.append(time.perf_counter() - started)
    after_analyse = status_mb("VmHWM")
    started = time.perf_counter()
    report = reports.report_archive(user=None, year=YEAR)
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "analyse": statistics.median(runs),
                "occupations": len(result.occupations),
                "postings": result.totals["postings"],
                "shortage": len(result.shortage),
                "report": elapsed,
                "size": reports.report_file(report).stat().st_size,
                "before": before,
                "peak_analyse": after_analyse,
                "peak": status_mb("VmHWM"),
            }
        )
    )


def measure(media: str) -> dict[str, Any]:
    from django.db import connections

    connections.close_all()  # SQLite: nothing held open while the child reads
    child = subprocess.run(  # noqa: S603 - this script, with a folder it made
        [sys.executable, os.path.abspath(__file__), "--measure-child", media],
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode != 0:
        raise RuntimeError(f"the measuring process failed:\n{child.stderr}")
    return dict(json.loads(child.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postings", type=int, default=100_000)
    parser.add_argument(
        "--sizes",
        help="numbers of postings to measure at in turn, e.g. 250000,1000000 (overrides --postings)",
    )
    parser.add_argument("--demand", type=int, default=50_000)
    parser.add_argument("--enterprises", type=int, default=5_000)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--measure-child", metavar="MEDIA", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_child:
        measure_child(args.measure_child)
        return
    sizes = sorted(int(n) for n in args.sizes.split(",")) if args.sizes else [args.postings]
    args.postings = sizes[0]

    where, cleanup = database_prepare(args.keep)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhijiao.settings.dev")
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False
    media = tempfile.mkdtemp(prefix="zhijiao-tal-media-")
    settings.MEDIA_ROOT = media
    try:
        from django.core.management import call_command

        print(f"database: {where}")
        call_command("migrate", verbosity=0)
        setup_data(args)
        results = []
        for number, size in enumerate(sizes):
            if number:
                postings_add(sizes[number - 1], size)
            m = measure(media)
            results.append(m)
            print(f"— {size:,} postings (a fresh process for the analysis and the report)")
            print(
                f"analyse({YEAR}): median {m['analyse']:.2f} s over 3 runs "
                f"({m['occupations']} occupations, {m['postings']:,} postings counted, "
                f"{m['shortage']} in the shortage list)"
            )
            print(
                f"report_archive({YEAR}): {m['report']:.2f} s "
                f"(.docx {m['size'] / 1024:.0f} KB, charts included)"
            )
            print(
                f"memory: {m['before']:.0f} MB before; peak {m['peak_analyse']:.0f} MB after the "
                f"analyses, {m['peak']:.0f} MB after the report"
            )
        if len(results) > 1:
            first, last = results[0], results[-1]
            growth = last["peak"] - first["peak"]
            print(
                f"memory from {sizes[0]:,} to {sizes[-1]:,} postings: peak "
                f"{first['peak']:.0f} → {last['peak']:.0f} MB ({growth:+.0f} MB)"
                + (" — flat" if abs(growth) < 0.1 * first["peak"] else " — NOT flat")
            )
    finally:
        shutil.rmtree(media, ignore_errors=True)
        cleanup()


if __name__ == "__main__":
    main()
