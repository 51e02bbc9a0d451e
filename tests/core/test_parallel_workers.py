"""Background workers on several processes take jobs without running any twice.

Real ``zhijiao db_worker`` processes, started together on the test database, drain one queue:
each job is claimed under a row lock (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, an
exclusive transaction on SQLite), so every job runs exactly once and the work is shared.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from tests.core.worker_tasks import leave_mark

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
JOBS = 30
WORKERS = 3


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
        return f"postgres://{db.get('USER') or 'postgres'}@{host}:{port}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_parallel_workers_run_every_job_exactly_once(tmp_path):
    marks = tmp_path / "marks"
    marks.mkdir()
    for number in range(JOBS):
        leave_mark.enqueue(str(marks), number)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zhijiao.settings.test",
        "DATABASE_URL": _database_url(),
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    # The workers must use the database backend too (test settings run jobs immediately).
    env["ZHIJIAO_TEST_TASKS_DB"] = "1"
    workers = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and command
            [
                sys.executable,
                "-m",
                "zhijiao.manage",
                "db_worker",
                "--batch",
                "--no-startup-delay",
                "--interval",
                "0.05",
                "--skip-checks",
                "--worker-id",
                f"worker-{n}",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        for n in range(WORKERS)
    ]
    outputs = [w.communicate(timeout=120)[0] for w in workers]
    assert [w.returncode for w in workers] == [0] * WORKERS, outputs

    runs = {p.name: p.read_text().split() for p in marks.iterdir()}
    assert sorted(runs) == [f"{n:03d}" for n in range(JOBS)]  # every job ran
    assert all(len(pids) == 1 for pids in runs.values()), runs  # none twice
    results = list(DBTaskResult.objects.all())
    assert len(results) == JOBS
    assert {r.status for r in results} == {"SUCCESSFUL"}
    assert all(len(r.worker_ids) == 1 for r in results)
    # and the work was shared: more than one worker took jobs
    assert len({r.worker_ids[0] for r in results}) > 1
