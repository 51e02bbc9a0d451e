"""Plain values of the indicators app: error codes, target statuses, computed results."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy


class IndicatorErrorCode(StrEnum):
    NOT_ALLOWED = "not_allowed"
    INVALID_INPUT = "invalid_input"
    INVALID_VALUE = "invalid_value"
    NOT_REPORTING_UNIT = "not_reporting_unit"
    BAD_PERIOD = "bad_period"
    PERIOD_NOT_OPEN = "period_not_open"
    PERIOD_CLOSED = "period_closed"
    LOCKED = "locked"
    VALIDATION_FAILED = "validation_failed"
    WRONG_STATE = "wrong_state"
    COMMENT_REQUIRED = "comment_required"
    WRONG_TEMPLATE = "wrong_template"
    IMPORT_FAILED = "import_failed"
    BAD_FORMULA = "bad_formula"
    # Shared with core.excel's codes so either compares equal.
    FILE_TYPE = "file_type"
    FILE_TOO_LARGE = "file_too_large"
    FILE_EMPTY = "file_empty"
    BAD_HEADER = "bad_header"
    TOO_MANY_ROWS = "too_many_rows"


class TargetStatus(StrEnum):
    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    NOT_MET = "not_met"
    NO_DATA = "no_data"

    @property
    def label(self) -> str:
        return str(TARGET_STATUS_LABELS[self])  # in the active language

    @property
    def variant(self) -> str:
        return TARGET_STATUS_VARIANTS[self]


TARGET_STATUS_LABELS = {
    TargetStatus.MET: gettext_lazy("已达成"),
    TargetStatus.ON_TRACK: gettext_lazy("进展正常"),
    TargetStatus.AT_RISK: gettext_lazy("有风险"),
    TargetStatus.NOT_MET: gettext_lazy("未达成"),
    TargetStatus.NO_DATA: gettext_lazy("暂无数据"),
}
TARGET_STATUS_VARIANTS = {
    TargetStatus.MET: "success",
    TargetStatus.ON_TRACK: "info",
    TargetStatus.AT_RISK: "warning",
    TargetStatus.NOT_MET: "danger",
    TargetStatus.NO_DATA: "default",
}
TARGET_STATUS_COLORS = {
    TargetStatus.MET: "#16a34a",
    TargetStatus.ON_TRACK: "#3b82f6",
    TargetStatus.AT_RISK: "#f97316",
    TargetStatus.NOT_MET: "#dc2626",
    TargetStatus.NO_DATA: "#9ca3af",
}
# Worst first: the order a city overview sorts by and the order a scope's status is combined in.
STATUS_SEVERITY = [
    TargetStatus.NOT_MET,
    TargetStatus.AT_RISK,
    TargetStatus.NO_DATA,
    TargetStatus.ON_TRACK,
    TargetStatus.MET,
]


@dataclass(frozen=True)
class CellError:
    """A problem with one value of a form or an API call: which element/option, and why."""

    element: str
    option: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class RuleResult:
    rule_id: int
    name: str
    severity: str
    passed: bool
    message: str
    left: Decimal | None
    right: Decimal | None


@dataclass
class Projection:
    """Where the trend leads by the deadline, and how that was worked out (shown to users)."""

    value: Decimal | None
    method: str


@dataclass
class UnitValue:
    unit_id: int
    unit_name: str
    value: Decimal | None
    status: TargetStatus


@dataclass
class TargetProgress:
    key: str
    name: str
    comparator: str
    comparator_label: str
    target: Decimal
    deadline: dt.date
    scope: str
    scope_label: str
    recurring: bool
    unit_of_measure: str
    decimals: int
    value: Decimal | None  # latest city value
    value_year: int | None
    gap: Decimal | None  # how far the value still is from the target (0 when met)
    status: TargetStatus
    projection: Projection
    series: list[tuple[int, Decimal | None]] = field(default_factory=list)
    units: list[UnitValue] = field(default_factory=list)
    tasks: list[int] = field(default_factory=list)
    source_text: str = ""
    note: str = ""

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def units_met(self) -> int:
        return sum(1 for u in self.units if u.status == TargetStatus.MET)


@dataclass
class Timeliness:
    data_set_code: str
    data_set_name: str
    period_code: str
    period_label: str
    due: dt.date
    expected: int
    received: int
    on_time: int
    imported: int
    late_units: list[str] = field(default_factory=list)
    missing_units: list[str] = field(default_factory=list)

    @property
    def completeness(self) -> float:
        return 100 * self.received / self.expected if self.expected else 0.0

    @property
    def timeliness(self) -> float:
        return 100 * self.on_time / self.expected if self.expected else 0.0
