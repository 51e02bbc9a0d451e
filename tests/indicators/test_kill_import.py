"""An import killed at any moment (kill -9, a crashed worker, a power cut) leaves either nothing
or everything: the database, not the application, guarantees it."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection
from openpyxl import Workbook

from tests.factories import UnitFactory
from zhijiao.core.periods import periods_between
from zhijiao.indicators.imports import CODE_LABEL, HEADERS
from zhijiao.indicators.models import DataValue
from zhijiao.orgs.models import UnitKind

EXTRA_SCHOOLS = 120


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _big_template(monitoring, path) -> int:
    """Quarterly training of every school since 2020: tens of thousands of rows."""
    schools = sorted(
        u.name for u in type(monitoring.units["甲职校"]).objects.filter(kind=UnitKind.SCHOOL)
    )
    quarters = list(
        periods_between("quarter", dt.date(2020, 1, 1), dt.date(monitoring.today.year - 1, 12, 31))
    )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("数据")
    sheet.append([CODE_LABEL, "SCHOOL_TRAINING"])
    sheet.append([])
    sheet.append(HEADERS)
    rows = 0
    for school in schools:
        for quarter in quarters:
            for code, option in (
                ("TRAIN_PT", "VETERAN"),
                ("TRAIN_PT", "MIGRANT"),
                ("TRAINERS", ""),
            ):
                sheet.append([school, quarter.code, code, "", option, "", "", 7])
                rows += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return rows


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_midway_leaves_nothing_half_saved(monitoring, tmp_path):
    for i in range(EXTRA_SCHOOLS):
        UnitFactory(name=f"测试学校{i:03d}", kind=UnitKind.SCHOOL)
    upload = tmp_path / "training.xlsx"
    expected = _big_template(monitoring, upload)
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "zhijiao.settings.dev",
        "DATABASE_URL": _database_url(),
        "ZHIJIAO_DATA_DIR": str(tmp_path),
    }
    command = [sys.executable, "-m", "zhijiao.manage", "importvalues", "SCHOOL_TRAINING",
               str(upload), "--user", "office"]  # fmt: skip

    stored = set()
    for delay in (1.2, 2.0, 2.8):
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603
        time.sleep(delay)
        finished = process.poll() is not None
        if not finished:
            process.send_signal(signal.SIGKILL)
        process.wait(30)
        count = DataValue.objects.count()
        stored.add(count)
        assert count in (0, expected), (delay, count)
        if finished or count == expected:
            break

    # Then, run to the end, it imports everything once.
    done = subprocess.run(  # noqa: S603 - our own interpreter and command
        command, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert DataValue.objects.count() == expected
    assert 0 in stored  # at least one run was cut short before it committed
