"""Plain values of the plan app: statuses, error codes, results. Other apps may import these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy


class TaskStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    CONTINUOUS = "continuous"

    @property
    def label(self) -> str:
        return str(TASK_STATUS_LABELS[self])  # in the active language


TASK_STATUS_LABELS = {
    TaskStatus.NOT_STARTED: gettext_lazy("未启动"),
    TaskStatus.IN_PROGRESS: gettext_lazy("推进中"),
    TaskStatus.COMPLETED: gettext_lazy("已完成"),
    TaskStatus.DUE_SOON: gettext_lazy("即将到期"),
    TaskStatus.OVERDUE: gettext_lazy("已逾期"),
    TaskStatus.CONTINUOUS: gettext_lazy("持续推进"),
}

# Colours of Unfold's label helper for each status.
TASK_STATUS_VARIANTS = {
    TaskStatus.NOT_STARTED: "default",
    TaskStatus.IN_PROGRESS: "info",
    TaskStatus.COMPLETED: "success",
    TaskStatus.DUE_SOON: "warning",
    TaskStatus.OVERDUE: "danger",
    TaskStatus.CONTINUOUS: "primary",
}


class PlanErrorCode(StrEnum):
    NOT_ALLOWED = "not_allowed"
    INVALID_INPUT = "invalid_input"
    CONFLICT = "conflict"
    NOT_RESPONSIBLE = "not_responsible"
    ALREADY_SUBMITTED = "already_submitted"
    NOT_SUBMITTED = "not_submitted"
    COMMENT_REQUIRED = "comment_required"
    BAD_PERIOD = "bad_period"
    TASK_COMPLETED = "task_completed"
    FILE_TYPE = "file_type"
    FILE_TOO_LARGE = "file_too_large"
    FILE_EMPTY = "file_empty"
    EXTENSION_CONTINUOUS = "extension_continuous"
    EXTENSION_NOT_LEAD = "extension_not_lead"
    EXTENSION_PENDING = "extension_pending"
    EXTENSION_DATE = "extension_date"
    EXTENSION_DECIDED = "extension_decided"
    NOT_A_SCHOOL = "not_a_school"
    IMPORT_INVALID = "import_invalid"


@dataclass(frozen=True)
class TaskState:
    """A task's derived status on a given day, with the facts it was derived from."""

    status: TaskStatus
    deadline: dt.date | None
    completed_on: dt.date | None
    latest_percent: int
    days_left: int | None  # negative when overdue


@dataclass
class UnitScore:
    """How punctually one unit reported, over periods already due."""

    unit_id: int
    unit_name: str
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    tasks: int = 0
    overdue_tasks: int = 0
    warnings: dict[int, int] = field(default_factory=dict)

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.expected if self.expected else None
