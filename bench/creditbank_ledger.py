"""Benchmark: verifying the credit bank ledger, against the floor of hashing alone; appends; and a
learner's transcript of 500 records.

    .venv/bin/python bench/creditbank_ledger.py                       # SQLite in a temp dir
    .venv/bin/python bench/creditbank_ledger.py --entries 1000000     # a bigger ledger
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/creditbank_ledger.py                   # PostgreSQL

A fresh database every run (as bench/indicators_import.py: SQLite in a temporary directory, or a
database ``zhijiao_bench`` created on the PostgreSQL server DATABASE_URL names and dropped after).

Measured:
- **build**: N entries (default 200,000) shaped like real credit entries (about 600 bytes of
  canonical JSON each), hashed into one chain and written with bulk inserts — how the benchmark
  gets a big ledger quickly, not how the application appends;
- **append**: ``ledger.append`` one entry per transaction through the locked head, as the services
  do (2,000 of them);
- **verify**: ``ledger.verify()`` over the whole chain (with a signed checkpoint), entries per
  minute;
- **floor**: a bare SM3 chain loop over the very same bytes already in memory — what verifying
  would cost if reading the rows and rebuilding the canonical bytes were free; the ratio
  verify ÷ floor says how much the database and Python add;
- **transcript**: ``selectors.learner_transcript()`` for a learner with 500 credit records among
  as many credit records as the ledger has entries (the build writes one for each entry, ten per
  learner, each learner with an application), p95 and median of 40 runs, with its query count.

Goals (issue 9): verify at least 1,000,000 entries per minute (200,000 in under 12 s) and within
2× of the floor (printed), the transcript's p95 under 50 ms in a fixed number of queries. Exits 1
when a goal other than the ratio is missed or the ledger does not verify.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from indicators_import import database_prepare  # noqa: E402 - the same fresh-database helper

ENTRIES = 200_000
APPENDS = 2_000
TRANSCRIPT_RECORDS = 500
TRANSCRIPT_RUNS = 40
VERIFY_GOAL_PER_MIN = 1_000_000
VERIFY_GOAL_RATIO = 2.0
TRANSCRIPT_GOAL_MS = 50.0
BATCH = 5_000
RECORDS_PER_LEARNER = 10


def line(label: str, text: str) -> None:
    print(f"  {label:<16}{text}")


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def per_minute(count: int, seconds: float) -> str:
    return f"{count / seconds * 60:,.0f} entries/min"


def programme_with_courses(
    school: Any, major: tuple[str, str], courses: int, credits: int, prefix: str
) -> tuple[Any, list[Any]]:
    """A higher-vocational programme of the school with ``courses`` courses."""
    from zhijiao.creditbank.data import EducationLevel
    from zhijiao.creditbank.models import Course, Programme

    programme = Programme.objects.create(
        school=school,
        major_code=major[0],
        major_name=major[1],
        education_level=EducationLevel.HIGHER,
        total_credits=Decimal(courses * credits),
    )
    made = Course.objects.bulk_create(
        Course(
            programme=programme,
            code=f"{prefix}{i:04d}",
            name=f"课程{prefix}{i:04d}",
            credits=Decimal(credits),
        )
        for i in range(courses)
    )
    return programme, made


def neighbours_prepare(count: int) -> tuple[Any, list[Any]]:
    """A school's programme of ten courses and ``count`` learners, each with an application
    (ids 1…count): the owners of the credit records the build writes besides the ledger."""
    from zhijiao.creditbank.data import ApplicationStatus
    from zhijiao.creditbank.models import Application, Learner
    from zhijiao.orgs.models import Unit, UnitKind

    school = Unit.objects.create(name="基准邻近学校", kind=UnitKind.SCHOOL)
    programme, courses = programme_with_courses(
        school, ("460301", "机械制造及自动化"), RECORDS_PER_LEARNER, 4, "N"
    )
    for start in range(0, count, BATCH):
        ids = range(start + 1, min(start + BATCH, count) + 1)
        Learner.objects.bulk_create(
            Learner(pk=i, account_number=f"JN{i:010d}", id_lookup=f"neighbour-{i}", school=school)
            for i in ids
        )
        Application.objects.bulk_create(
            Application(
                pk=i,
                number=f"XFN{i:010d}",
                learner_id=i,
                programme=programme,
                school=school,
                status=ApplicationStatus.CREDITED,
                credits=Decimal(4 * RECORDS_PER_LEARNER),
            )
            for i in ids
        )
    return programme, courses


def build_ledger(count: int) -> list[bytes]:
    """Writes ``count`` chained entries with bulk inserts (bypassing the head lock, which is what
    "append" measures) and moves the head, and a credit record for each entry (ten a learner);
    returns the canonical bytes of every entry."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from zhijiao.creditbank import ledger
    from zhijiao.creditbank.data import LedgerKind
    from zhijiao.creditbank.models import (
        Application,
        CreditRecord,
        Learner,
        LedgerEntry,
        LedgerHead,
    )

    learners = -(-count // RECORDS_PER_LEARNER)
    programme, courses = neighbours_prepare(learners)
    records: list[CreditRecord] = []
    canonical: list[bytes] = []
    prev = ledger.GENESIS
    start = timezone.now() - dt.timedelta(days=365)
    pending: list[tuple[Any, ...]] = []
    insert = (
        f"INSERT INTO {LedgerEntry._meta.db_table} "  # noqa: S608 - our own table name
        "(id, seq, kind, account, payload, prev_hash, hash, at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        for seq in range(1, count + 1):
            at = ledger.timestamp(start + dt.timedelta(seconds=seq * 7, microseconds=seq % 997))
            learner = (seq - 1) // RECORDS_PER_LEARNER + 1
            account = f"JN{learner:010d}"
            payload = ledger.canonical_json(
                {
                    "application": f"XF2025{seq:06d}",
                    "programme": {
                        "id": 1 + seq % 15,
                        "school": "江阴职业技术学院",
                        "major_code": "460305",
                        "major_name": "工业机器人技术",
                        "level": "higher",
                    },
                    "courses": [
                        {
                            "programme": 1 + seq % 15,
                            "course_code": "GY101",
                            "course_name": "工业机器人编程与调试",
                            "credits": "4",
                            "rule": "JYZY-GY-01@2",
                        },
                        {
                            "programme": 1 + seq % 15,
                            "course_code": "GY102",
                            "course_name": "工业机器人系统运维",
                            "credits": "4",
                            "rule": "JYZY-GY-01@2",
                        },
                    ],
                    "total": "8",
                    "credited_on": at[:10],
                    "name_on_record": "lk1$" + "A" * 40,
                }
            )
            data = ledger.entry_bytes(seq, LedgerKind.CREDIT, account, at, payload)
            digest = ledger.chain_hash(prev, data)
            canonical.append(data)
            pending.append((seq, seq, str(LedgerKind.CREDIT), account, payload, prev, digest, at))
            records.append(
                CreditRecord(
                    learner_id=learner,
                    application_id=learner,
                    programme=programme,
                    course=courses[(seq - 1) % RECORDS_PER_LEARNER],
                    credits=Decimal(4),
                    rule_code="JYZY-GY-01",
                    rule_version=2,
                    credited_on=dt.date.fromisoformat(at[:10]),
                    entry_id=seq,
                )
            )
            prev = digest
            if len(pending) >= BATCH:
                cursor.executemany(insert, pending)
                CreditRecord.objects.bulk_create(records)
                pending, records = [], []
        if pending:
            cursor.executemany(insert, pending)
            CreditRecord.objects.bulk_create(records)
        # Ids were given explicitly: the sequences move past them (PostgreSQL).
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [LedgerEntry, Learner, Application]
        ):
            cursor.execute(sql)
        LedgerHead.objects.update_or_create(
            pk=ledger.HEAD_PK, defaults={"seq": count, "hash": prev}
        )
    return canonical


def floor_seconds(canonical: Sequence[bytes]) -> float:
    """The bare SM3 chain over bytes in memory."""
    started = time.perf_counter()
    prev = bytes(32)
    for data in canonical:
        prev = hashlib.new("sm3", prev + data).digest()
    return time.perf_counter() - started


def timed_appends(count: int) -> float:
    from django.db import transaction

    from zhijiao.creditbank import ledger
    from zhijiao.creditbank.data import LedgerKind

    started = time.perf_counter()
    for i in range(count):
        with transaction.atomic():
            ledger.append(
                LedgerKind.CREDIT, account="JYAPPEND0001", payload={"n": i, "course": "GY101"}
            )
    return time.perf_counter() - started


def transcript_setup(records: int) -> Any:
    """A learner with ``records`` credit records (one programme of that many courses)."""
    from django.db import transaction

    from zhijiao.creditbank import ledger, services
    from zhijiao.creditbank.data import LearnerData, LedgerKind
    from zhijiao.creditbank.models import Application, CreditRecord
    from zhijiao.orgs.models import Unit, UnitKind, User
    from zhijiao.orgs.roles import Role

    school = Unit.objects.create(name="基准职业学校", kind=UnitKind.SCHOOL)
    office = User.objects.create(username="bench", full_name="基准", role=Role.PLAN_OFFICE)
    learner = services.learner_open(
        user=office,
        school=school,
        data=LearnerData(name="基准学员", id_number="320281199503151017"),
    )
    with transaction.atomic():
        programme, courses = programme_with_courses(
            school, ("460305", "工业机器人技术"), records, 2, "C"
        )
        application = Application.objects.create(
            learner=learner, programme=programme, school=school, number="XFBENCH000001"
        )
        entry = ledger.append(
            LedgerKind.CREDIT,
            account=learner.account_number,
            payload={"application": application.number, "records": records},
        )
        CreditRecord.objects.bulk_create(
            [
                CreditRecord(
                    learner=learner,
                    application=application,
                    programme=programme,
                    course=course,
                    credits=course.credits,
                    rule_code="BENCH",
                    rule_version=1,
                    credited_on=dt.date(2025, 6, 1) + dt.timedelta(days=i % 300),
                    entry=entry,
                )
                for i, course in enumerate(courses)
            ]
        )
    return learner


def timed_transcript(learner: Any, runs: int) -> tuple[list[float], int, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhijiao.creditbank import selectors

    with CaptureQueriesContext(connection) as queries:
        transcript = selectors.learner_transcript(learner)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        selectors.learner_transcript(learner)
        times.append((time.perf_counter() - started) * 1000)
    return times, len(queries), transcript


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--entries", type=int, default=ENTRIES, help="ledger entries to build")
    parser.add_argument("--appends", type=int, default=APPENDS, help="appends through the head")
    parser.add_argument(
        "--parts",
        type=int,
        default=os.cpu_count() or 1,
        help="verify also in this many stretches at once (ledger verify --parts; a process each "
        "on PostgreSQL)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)

    where, cleanup = database_prepare(args.keep)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhijiao.settings.dev")
    os.environ["DJANGO_DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    from zhijiao.creditbank import ledger
    from zhijiao.creditbank.models import CreditRecord

    failures: list[str] = []
    try:
        print(f"zhijiao benchmark: credit bank ledger — {where}")
        call_command("migrate", verbosity=0)

        started = time.perf_counter()
        canonical = build_ledger(args.entries)
        built = time.perf_counter() - started
        size = sum(len(c) for c in canonical) / len(canonical)
        line("build", f"{args.entries:,} entries of {size:.0f} bytes in {built:.1f} s (bulk)")

        seconds = timed_appends(args.appends)
        line(
            "append",
            f"{args.appends:,} appends, one transaction each, in {seconds:.2f} s = "
            f"{args.appends / seconds:,.0f}/s ({seconds / args.appends * 1000:.2f} ms each)",
        )
        checkpoint = ledger.checkpoint_create()
        total = args.entries + args.appends

        timings = {}
        ledger.verify()  # once untimed: every way is then timed with the rows as warm as the floor's
        for parts in sorted({1, args.parts}):
            started = time.perf_counter()
            report = ledger.verify(parts=parts)
            verified = timings[parts] = time.perf_counter() - started
            rate = total / verified * 60
            ok = rate >= VERIFY_GOAL_PER_MIN
            line(
                "verify" if parts == 1 else f"verify, {parts} parts",
                f"{report.entries:,} entries in {verified:.2f} s = "
                f"{per_minute(report.entries, verified)}, checkpoint #{checkpoint.seq}: "
                f"{'intact' if report.intact else 'BROKEN ' + str(report.problem)}"
                f"   [goal ≥ {VERIFY_GOAL_PER_MIN:,}/min: {verdict(ok)}]",
            )
            failures += [] if ok else [f"verify speed ({parts} parts)"]
            failures += [] if report.intact and report.entries == total else ["ledger not intact"]

        hashing = floor_seconds(canonical)
        floor = hashing * total / len(canonical)  # for as many entries as were verified
        line(
            "floor (SM3)",
            f"{len(canonical):,} entries in {hashing:.2f} s = {per_minute(len(canonical), hashing)}; "
            + "; ".join(
                f"verify{'' if parts == 1 else f' in {parts} parts'} takes "
                f"{seconds / floor:.1f}× the bare hashing"
                for parts, seconds in timings.items()
            )
            + f"   [goal ≤ {VERIFY_GOAL_RATIO:.0f}×: "
            f"{verdict(min(timings.values()) / floor <= VERIFY_GOAL_RATIO)}, printed]",
        )
        del canonical

        learner = transcript_setup(TRANSCRIPT_RECORDS)
        times, queries, transcript = timed_transcript(learner, TRANSCRIPT_RUNS)
        p95 = sorted(times)[int(0.95 * (len(times) - 1))]
        ok = p95 < TRANSCRIPT_GOAL_MS and len(transcript.lines) == TRANSCRIPT_RECORDS
        line(
            "transcript",
            f"{len(transcript.lines)} records among {CreditRecord.objects.count():,}: "
            f"p95 {p95:.1f} ms, median {statistics.median(times):.1f} ms (min {min(times):.1f}, "
            f"max {max(times):.1f}) over {len(times)} runs, {queries} queries"
            f"   [goal p95 < {TRANSCRIPT_GOAL_MS:.0f} ms: {verdict(ok)}]",
        )
        failures += [] if ok else ["transcript"]
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
