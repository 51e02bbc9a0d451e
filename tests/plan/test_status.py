"""Task status is derived from reports and deadlines, including across period boundaries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zhijiao.plan import selectors, services
from zhijiao.plan.data import TaskStatus
from zhijiao.plan.models import ProgressReport, ReportStatus, TaskWarning, WarningLevel
from zhijiao.plan.status import derive_status, task_states

D = dt.date


@pytest.mark.parametrize(
    ("deadline", "completed_on", "has_progress", "today", "expected"),
    [
        (None, None, False, D(2022, 1, 1), TaskStatus.CONTINUOUS),
        (None, D(2021, 12, 1), True, D(2022, 1, 1), TaskStatus.CONTINUOUS),
        (D(2021, 12, 31), None, False, D(2021, 11, 4), TaskStatus.NOT_STARTED),
        (D(2021, 12, 31), None, True, D(2021, 11, 4), TaskStatus.IN_PROGRESS),
        # the last day of the warning window and the first day outside it
        (D(2021, 12, 31), None, True, D(2021, 12, 1), TaskStatus.DUE_SOON),
        (D(2021, 12, 31), None, True, D(2021, 11, 30), TaskStatus.IN_PROGRESS),
        # the deadline day itself is not yet overdue; the day after is
        (D(2021, 12, 31), None, True, D(2021, 12, 31), TaskStatus.DUE_SOON),
        (D(2021, 12, 31), None, True, D(2022, 1, 1), TaskStatus.OVERDUE),
        (D(2021, 12, 31), D(2021, 12, 31), True, D(2022, 1, 1), TaskStatus.COMPLETED),
        # completed late: overdue until the approval, completed after it
        (D(2021, 12, 31), D(2022, 3, 1), True, D(2022, 2, 28), TaskStatus.OVERDUE),
        (D(2021, 12, 31), D(2022, 3, 1), True, D(2022, 3, 1), TaskStatus.COMPLETED),
    ],
)
def test_derive_status(deadline, completed_on, has_progress, today, expected):
    assert (
        derive_status(
            deadline=deadline,
            completed_on=completed_on,
            has_progress=has_progress,
            today=today,
            due_soon_days=30,
        )
        == expected
    )


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _report(
    sp,
    task_no,
    unit,
    period,
    *,
    submitted,
    status=ReportStatus.SUBMITTED,
    reviewed=None,
    completion=False,
):
    return ProgressReport.objects.create(
        task=sp.tasks[task_no],
        unit=sp.units[unit],
        period=period,
        status=status,
        narrative="进展",
        percent=100 if completion else 50,
        claims_completion=completion,
        author=sp.users["office"],
        submitted_at=_at(submitted) if submitted else None,
        first_submitted_at=_at(submitted) if submitted else None,
        reviewed_at=_at(reviewed) if reviewed else None,
    )


@pytest.mark.django_db
def test_states_follow_reports_over_time(small_plan):
    sp = small_plan
    services.periods_ensure(plan=sp.plan, through=D(2022, 3, 31))
    nov, dec, jan = sp.plan.periods.order_by("start")[:3]
    tasks = list(sp.plan.tasks.select_related("plan"))

    states = task_states(tasks, today=D(2021, 11, 10))
    assert states[sp.tasks[1].pk].status == TaskStatus.NOT_STARTED
    assert states[sp.tasks[3].pk].status == TaskStatus.CONTINUOUS

    _report(sp, 1, "教育局", nov, submitted=D(2021, 11, 30))
    assert (
        task_states(tasks, today=D(2021, 11, 29))[sp.tasks[1].pk].status == TaskStatus.NOT_STARTED
    )
    assert (
        task_states(tasks, today=D(2021, 11, 30))[sp.tasks[1].pk].status == TaskStatus.IN_PROGRESS
    )
    assert task_states(tasks, today=D(2021, 12, 1))[sp.tasks[1].pk].status == TaskStatus.DUE_SOON

    # A completion claimed by a co-unit does not complete the task; the lead's does, once approved.
    _report(
        sp,
        1,
        "人社局",
        dec,
        submitted=D(2021, 12, 20),
        status=ReportStatus.APPROVED,
        reviewed=D(2021, 12, 22),
        completion=True,
    )
    assert task_states(tasks, today=D(2022, 1, 1))[sp.tasks[1].pk].status == TaskStatus.OVERDUE
    _report(
        sp,
        1,
        "教育局",
        jan,
        submitted=D(2022, 1, 5),
        status=ReportStatus.APPROVED,
        reviewed=D(2022, 1, 7),
        completion=True,
    )
    assert task_states(tasks, today=D(2022, 1, 6))[sp.tasks[1].pk].status == TaskStatus.OVERDUE
    state = task_states(tasks, today=D(2022, 1, 7))[sp.tasks[1].pk]
    assert state.status == TaskStatus.COMPLETED
    assert state.completed_on == D(2022, 1, 7)


@pytest.mark.django_db
def test_extension_moves_the_deadline(small_plan):
    sp = small_plan
    task = sp.tasks[2]
    assert selectors.task_state(task, today=D(2023, 1, 1)).status == TaskStatus.OVERDUE
    task.extended_deadline = D(2023, 1, 20)
    task.save(update_fields=["extended_deadline"])
    assert selectors.task_state(task, today=D(2023, 1, 1)).status == TaskStatus.DUE_SOON


@pytest.mark.django_db
def test_obligations_judge_timeliness_on_the_due_date(small_plan):
    sp = small_plan
    services.periods_ensure(plan=sp.plan, through=D(2021, 12, 31))
    nov = sp.plan.periods.order_by("start").first()
    assert (nov.start, nov.end, nov.due) == (D(2021, 11, 1), D(2021, 11, 30), D(2021, 12, 5))
    _report(sp, 3, "教育局", nov, submitted=D(2021, 12, 5))  # on the due date: on time
    _report(sp, 3, "人社局", nov, submitted=D(2021, 12, 6))  # a day late
    items = {
        (o.task_id, o.unit_id, o.period.pk): o.state
        for o in selectors.obligations(sp.plan, today=D(2021, 12, 6))
    }
    assert (
        items[(sp.tasks[3].pk, sp.units["教育局"].pk, nov.pk)] == selectors.ObligationState.ON_TIME
    )
    assert items[(sp.tasks[3].pk, sp.units["人社局"].pk, nov.pk)] == selectors.ObligationState.LATE
    assert (
        items[(sp.tasks[4].pk, sp.units["甲职校"].pk, nov.pk)] == selectors.ObligationState.MISSING
    )
    # December is running: owed, not yet missed.
    dec = sp.plan.periods.order_by("start")[1]
    assert items[(sp.tasks[4].pk, sp.units["甲职校"].pk, dec.pk)] == selectors.ObligationState.OPEN


@pytest.mark.django_db
def test_warnings_escalate_and_lift(small_plan):
    sp = small_plan
    plan = sp.plan
    services.periods_ensure(plan=plan, through=D(2022, 4, 30))
    # 2022-02-10: Nov, Dec and Jan are past due for the continuous tasks; nobody reported.
    services.warnings_refresh(plan=plan, today=D(2022, 2, 10))
    school_task4 = TaskWarning.objects.get(
        task=sp.tasks[4], unit=sp.units["甲职校"], resolved_at__isnull=True
    )
    assert school_task4.level == WarningLevel.RED  # three periods in a row
    overdue = TaskWarning.objects.get(
        task=sp.tasks[1], unit=sp.units["教育局"], resolved_at__isnull=True
    )
    assert (
        overdue.level == WarningLevel.RED
    )  # also missed three periods; overdue 41 days alone is yellow
    assert "连续 3 期" in overdue.reason
    # The school reports for January: the streak is broken and its warning lifts.
    jan = plan.periods.get(start=D(2022, 1, 1))
    _report(sp, 4, "甲职校", jan, submitted=D(2022, 2, 11))
    services.warnings_refresh(plan=plan, today=D(2022, 2, 12))
    assert not TaskWarning.objects.filter(
        task=sp.tasks[4], unit=sp.units["甲职校"], resolved_at__isnull=True
    ).exists()
    # The lifted warning stays on record.
    assert TaskWarning.objects.filter(task=sp.tasks[4], unit=sp.units["甲职校"]).count() == 1
    # Unit users were told when the warning was issued.
    assert sp.users["school"].notifications.filter(title__contains="红牌").exists()
