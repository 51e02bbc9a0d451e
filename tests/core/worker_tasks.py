"""A task for the parallel-workers test: slow enough for workers to overlap, leaving a mark of
which process ran it (appended, so a task run twice leaves two lines)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import task


@task()
def leave_mark(marks: str, number: int) -> int:
    time.sleep(0.05)
    with (Path(marks) / f"{number:03d}").open("a", encoding="utf-8") as mark:
        mark.write(f"{os.getpid()}\n")
    return number
