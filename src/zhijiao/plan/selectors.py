"""Reads of the plan app. Views, the API and documents use these, never the models' internals."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from zhijiao.core.cache import until_change
from zhijiao.core.dates import local_date

from .data import TaskState, TaskStatus, UnitScore
from .models import (
    Assignee,
    Plan,
    ProgressReport,
    ReportingPeriod,
    ReportStatus,
    Responsibility,
    SchoolPlan,
    Task,
    TaskWarning,
)
from .status import task_states


def current_plan() -> Plan | None:
    """The plan the platform supervises: the most recently issued one."""
    return Plan.objects.order_by("-issued_on", "-pk").first()


def tasks_visible(user: Any, plan: Plan | None = None) -> QuerySet[Task]:
    qs = Task.objects.visible_to(user)
    if plan is not None:
        qs = qs.filter(plan=plan)
    return (
        qs.select_related("programme", "plan")
        .prefetch_related(Prefetch("assignees", queryset=Assignee.objects.order_by("position")))
        .order_by("plan", "number")
    )


@dataclass(frozen=True)
class TaskRow:
    task: Task
    state: TaskState

    @property
    def printed_units(self) -> list[str]:
        return [a.printed_name for a in self.task.assignees.all()]

    @property
    def lead_unit(self) -> str:
        names = self.printed_units
        return names[0] if names else ""


def _rows(tasks: QuerySet[Task], today: dt.date) -> list[TaskRow]:
    listed = list(
        tasks.select_related("programme", "plan")
        .prefetch_related(Prefetch("assignees", queryset=Assignee.objects.order_by("position")))
        .order_by("number")
    )
    states = task_states(listed, today=today)
    return [TaskRow(task=t, state=states[t.pk]) for t in listed]


def task_rows(user: Any, plan: Plan, *, today: dt.date) -> list[TaskRow]:
    """The plan's tasks the user may see, with their state on ``today``."""
    return _rows(Task.objects.visible_to(user).filter(plan=plan), today)


def plan_task_rows(plan: Plan, *, today: dt.date) -> list[TaskRow]:
    """Every task of the plan, whoever asks (documents that cover the whole plan)."""
    return _rows(Task.objects.filter(plan=plan), today)


def task_state(task: Task, *, today: dt.date) -> TaskState:
    return task_states([task], today=today)[task.pk]


def unit_task_rows(unit_id: int, plan: Plan, *, today: dt.date) -> list[TaskRow]:
    """The tasks a unit itself is responsible for, whoever is looking."""
    return _rows(Task.objects.filter(plan=plan, responsibilities__unit_id=unit_id), today)


def periods_due(plan: Plan, *, today: dt.date) -> list[ReportingPeriod]:
    return list(plan.periods.filter(start__lte=today).order_by("start"))


def period_current(plan: Plan, *, today: dt.date) -> ReportingPeriod | None:
    """The period whose reports are being written now: the latest one already ended and still open,
    else the one running today."""
    return (
        plan.periods.filter(end__lt=today, due__gte=today).order_by("-start").first()
        or plan.periods.filter(start__lte=today, end__gte=today).first()
    )


class ObligationState(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    OPEN = "open"  # not yet due


OBLIGATION_LABELS = {
    ObligationState.ON_TIME: gettext_lazy("按时报送"),
    ObligationState.LATE: gettext_lazy("逾期报送"),
    ObligationState.MISSING: gettext_lazy("未报送"),
    ObligationState.OPEN: gettext_lazy("待报送"),
}


@dataclass(frozen=True)
class Obligation:
    task_id: int
    unit_id: int
    period: ReportingPeriod
    state: ObligationState


def obligations(
    plan: Plan, *, today: dt.date, unit_ids: set[int] | None = None
) -> list[Obligation]:
    """Every (task, unit, period) report owed up to ``today`` and whether it came on time.

    A unit owes a report every period for every task it is responsible for, until the task is
    completed; for 持续推进 tasks, every period without end.
    """
    tasks = list(plan.tasks.select_related("plan"))
    states = task_states(tasks, today=today)
    periods = periods_due(plan, today=today)
    responsibilities = Responsibility.objects.filter(task__plan=plan).values_list(
        "task_id", "unit_id"
    )
    if unit_ids is not None:
        responsibilities = responsibilities.filter(unit_id__in=unit_ids)
    firsts: dict[tuple[int, int, int], dt.date | None] = {
        (t, u, p): local_date(first)
        for t, u, p, first in ProgressReport.objects.filter(task__plan=plan)
        .exclude(first_submitted_at__isnull=True)
        .values_list("task_id", "unit_id", "period_id", "first_submitted_at")
    }
    result: list[Obligation] = []
    for task_id, unit_id in responsibilities:
        completed_on = states[task_id].completed_on
        for period in periods:
            if completed_on is not None and completed_on < period.start:
                break
            first = firsts.get((task_id, unit_id, period.pk))
            if first is not None:
                state = ObligationState.ON_TIME if first <= period.due else ObligationState.LATE
            elif today > period.due:
                state = ObligationState.MISSING
            else:
                state = ObligationState.OPEN
            result.append(Obligation(task_id, unit_id, period, state))
    return result


def missed_streaks(items: list[Obligation]) -> dict[tuple[int, int], int]:
    """For each (task, unit), how many of the latest due periods in a row went unreported."""
    by_pair: dict[tuple[int, int], list[Obligation]] = defaultdict(list)
    for item in items:
        if item.state != ObligationState.OPEN:
            by_pair[(item.task_id, item.unit_id)].append(item)
    streaks: dict[tuple[int, int], int] = {}
    for pair, rows in by_pair.items():
        rows.sort(key=lambda o: o.period.start, reverse=True)
        count = 0
        for row in rows:
            if row.state != ObligationState.MISSING:
                break
            count += 1
        streaks[pair] = count
    return streaks


def unit_scorecards(plan: Plan, *, today: dt.date, user: Any = None) -> list[UnitScore]:
    """On-time reporting per responsible unit, with overdue tasks and open warnings.

    The city-wide scorecard (no user) is kept until the platform next changes (core.cache).
    """
    if user is None:
        return until_change(
            f"plan-scorecards:{plan.pk}:{today.isoformat()}",
            lambda: _unit_scorecards(plan, today=today, user=None),
        )
    return _unit_scorecards(plan, today=today, user=user)


def _unit_scorecards(plan: Plan, *, today: dt.date, user: Any) -> list[UnitScore]:
    responsibilities = Responsibility.objects.filter(task__plan=plan).select_related("unit")
    if user is not None and not user.sees_all_units:
        responsibilities = responsibilities.filter(unit_id=user.unit_id)
    scores: dict[int, UnitScore] = {}
    lead_tasks: dict[int, set[int]] = defaultdict(set)
    for r in responsibilities:
        score = scores.setdefault(r.unit_id, UnitScore(unit_id=r.unit_id, unit_name=r.unit.name))
        score.tasks += 1
        if r.is_lead:
            lead_tasks[r.unit_id].add(r.task_id)
    states = task_states(plan.tasks.select_related("plan"), today=today)
    for unit_id, task_ids in lead_tasks.items():
        scores[unit_id].overdue_tasks = sum(
            1 for t in task_ids if states[t].status == TaskStatus.OVERDUE
        )
    for item in obligations(plan, today=today, unit_ids=set(scores)):
        score = scores[item.unit_id]
        if item.state == ObligationState.OPEN:
            continue
        score.expected += 1
        if item.state == ObligationState.ON_TIME:
            score.on_time += 1
        elif item.state == ObligationState.LATE:
            score.late += 1
        else:
            score.missing += 1
    for unit_id, level in TaskWarning.objects.filter(
        task__plan=plan, resolved_at__isnull=True, unit_id__in=scores
    ).values_list("unit_id", "level"):
        scores[unit_id].warnings[level] = scores[unit_id].warnings.get(level, 0) + 1
    return sorted(
        scores.values(),
        key=lambda s: (-(s.on_time_rate if s.on_time_rate is not None else 1.0), s.unit_name),
        reverse=False,
    )


def reports_for_task(user: Any, task: Task) -> QuerySet[ProgressReport]:
    return (
        ProgressReport.objects.visible_to(user)
        .filter(task=task)
        .select_related("unit", "period", "author", "reviewer")
        .prefetch_related("evidence", "events__actor")
        .order_by("-period__start", "unit__name")
    )


def reports_awaiting_review(user: Any, plan: Plan) -> QuerySet[ProgressReport]:
    return (
        ProgressReport.objects.visible_to(user)
        .filter(task__plan=plan, status=ReportStatus.SUBMITTED)
        .select_related("task", "unit", "period")
        .order_by("submitted_at")
    )


def school_plan_first_years() -> dict[int, int]:
    """For each school that filed a 一校一案 under the current plan: the year it was first filed."""
    plan = current_plan()
    if plan is None:
        return {}
    return {
        school_id: timezone.localtime(created).year
        for school_id, created in SchoolPlan.objects.filter(plan=plan).values_list(
            "school_id", "created_at"
        )
    }
