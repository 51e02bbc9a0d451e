"""Task status, derived — never typed by hand.

A task is *completed* once a completion report from its lead unit is approved; *overdue* when its
(possibly extended) deadline passed without that; *due soon* within the plan's warning window;
*in progress* once any report was submitted; otherwise *not started*. Tasks printed as 持续推进
have no deadline and are *continuous*: a report is due from every responsible unit every period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import F, Max, Min, Q
from django.utils import timezone

from zhijiao.core.dates import local_date

from .data import TaskState, TaskStatus
from .models import ProgressReport, ReportStatus, Task


def derive_status(
    *,
    deadline: dt.date | None,
    completed_on: dt.date | None,
    has_progress: bool,
    today: dt.date,
    due_soon_days: int,
) -> TaskStatus:
    if deadline is None:
        return TaskStatus.CONTINUOUS
    if completed_on is not None and completed_on <= today:
        return TaskStatus.COMPLETED
    if today > deadline:
        return TaskStatus.OVERDUE
    if (deadline - today).days <= due_soon_days:
        return TaskStatus.DUE_SOON
    return TaskStatus.IN_PROGRESS if has_progress else TaskStatus.NOT_STARTED


def task_states(tasks: Iterable[Task], *, today: dt.date) -> dict[int, TaskState]:
    """The state of each task on ``today``, in two queries whatever the number of tasks."""
    tasks = list(tasks)
    ids = [t.pk for t in tasks]
    end_of_day = dt.datetime.combine(
        today + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    completions = dict(
        ProgressReport.objects.filter(
            task_id__in=ids,
            status=ReportStatus.APPROVED,
            claims_completion=True,
            task__responsibilities__unit=F("unit"),
            task__responsibilities__is_lead=True,
            reviewed_at__lt=end_of_day,
        )
        .values_list("task_id")
        .annotate(first=Min("reviewed_at"))
    )
    progress: dict[int, Any] = {
        row["task_id"]: row
        for row in ProgressReport.objects.filter(task_id__in=ids, first_submitted_at__lt=end_of_day)
        .values("task_id")
        .annotate(
            latest=Max("percent", filter=Q(status=ReportStatus.APPROVED)),
            any_submitted=Max("first_submitted_at"),
        )
    }
    states: dict[int, TaskState] = {}
    for task in tasks:
        deadline = task.effective_deadline
        completed_on = local_date(completions.get(task.pk))
        row = progress.get(task.pk)
        status = derive_status(
            deadline=deadline,
            completed_on=completed_on,
            has_progress=row is not None,
            today=today,
            due_soon_days=task.plan.due_soon_days,
        )
        states[task.pk] = TaskState(
            status=status,
            deadline=deadline,
            completed_on=completed_on,
            latest_percent=100
            if status == TaskStatus.COMPLETED
            else int((row or {}).get("latest") or 0),
            days_left=(deadline - today).days if deadline is not None else None,
        )
    return states
