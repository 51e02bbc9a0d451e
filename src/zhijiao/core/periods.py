"""Reporting periods by type: a code programs use, a Chinese label people read, start and end.

Codes are stable and sort in time order within a type:

=============  ==============  =====================================
type           code            label
=============  ==============  =====================================
year           ``2024``        2024年
school_year    ``2024-2025``   2024—2025学年 (1 September – 31 August)
semester       ``2024-2025-1`` 2024—2025学年第一学期 (September – February)
quarter        ``2024Q3``      2024年第三季度
month          ``2024-03``     2024年3月
=============  ==============  =====================================
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .dates import add_months, month_end


class PeriodType(models.TextChoices):
    YEAR = "year", gettext_lazy("年度")
    SCHOOL_YEAR = "school_year", gettext_lazy("学年")
    SEMESTER = "semester", gettext_lazy("学期")
    QUARTER = "quarter", gettext_lazy("季度")
    MONTH = "month", gettext_lazy("月度")


QUARTER_NAMES = "一二三四"  # as written in labels people type in (parsed back to codes)
QUARTER_LABELS = (
    gettext_lazy("{year}年第一季度"),
    gettext_lazy("{year}年第二季度"),
    gettext_lazy("{year}年第三季度"),
    gettext_lazy("{year}年第四季度"),
)
SCHOOL_YEAR_START_MONTH = 9


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date
    type: str
    code: str

    @property
    def label(self) -> str:
        return period_label(self.type, self.code)

    def __str__(self) -> str:
        return self.label

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def next(self) -> Period:
        return period_for_date(self.type, self.end + dt.timedelta(days=1))

    def previous(self) -> Period:
        return period_for_date(self.type, self.start - dt.timedelta(days=1))


class PeriodError(ValueError):
    """A period code that does not name a period of the type; the message is Chinese."""


_PATTERNS = {
    PeriodType.YEAR: re.compile(r"(\d{4})"),
    PeriodType.SCHOOL_YEAR: re.compile(r"(\d{4})-(\d{4})"),
    PeriodType.SEMESTER: re.compile(r"(\d{4})-(\d{4})-([12])"),
    PeriodType.QUARTER: re.compile(r"(\d{4})Q([1-4])"),
    PeriodType.MONTH: re.compile(r"(\d{4})-(\d{2})"),
}

# Labels people type, read back into codes: 2024年, 2024-2025学年, 2024—2025学年第一学期 …
_LABEL_PATTERNS = [
    (
        PeriodType.SEMESTER,
        re.compile(r"(\d{4})\s*[-—–至]\s*(\d{4})\s*学年\s*第?\s*([一二12])\s*学期"),
    ),
    (PeriodType.SCHOOL_YEAR, re.compile(r"(\d{4})\s*[-—–至]\s*(\d{4})\s*学年")),
    (PeriodType.QUARTER, re.compile(r"(\d{4})\s*年\s*第?\s*([一二三四1-4])\s*季度")),
    (PeriodType.MONTH, re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")),
    (PeriodType.YEAR, re.compile(r"(\d{4})\s*年(?:度)?")),
]


def period_parse(period_type: str, code: str) -> Period:
    """The period a code (or its Chinese label) names; raises :class:`PeriodError`."""
    text = str(code).strip().upper()
    kind = PeriodType(period_type)
    match = _PATTERNS[kind].fullmatch(text)
    if match is None:
        text = _code_from_label(kind, str(code).strip())
        match = _PATTERNS[kind].fullmatch(text) if text else None
    if match is None:
        raise PeriodError(
            _("“{code}”不是有效的{kind}周期，应写作如 {example}").format(
                code=code, kind=kind.label, example=period_example(kind)
            )
        )
    groups = [int(g) for g in match.groups()]
    try:
        start = _start(kind, groups)
    except ValueError as exc:
        raise PeriodError(
            _("“{code}”不是有效的{kind}周期").format(code=code, kind=kind.label)
        ) from exc
    period = period_for_date(kind, start)
    if period.code != text:
        raise PeriodError(_("“{code}”不是有效的{kind}周期").format(code=code, kind=kind.label))
    return period


def _code_from_label(kind: PeriodType, text: str) -> str:
    for label_kind, pattern in _LABEL_PATTERNS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        if label_kind != kind:
            return ""
        g = match.groups()
        if kind == PeriodType.SEMESTER:
            return f"{g[0]}-{g[1]}-{'1' if g[2] in '一1' else '2'}"
        if kind == PeriodType.SCHOOL_YEAR:
            return f"{g[0]}-{g[1]}"
        if kind == PeriodType.QUARTER:
            q = QUARTER_NAMES.index(g[1]) + 1 if g[1] in QUARTER_NAMES else int(g[1])
            return f"{g[0]}Q{q}"
        if kind == PeriodType.MONTH:
            return f"{g[0]}-{int(g[1]):02d}"
        return g[0]
    return ""


def _start(kind: PeriodType, g: list[int]) -> dt.date:
    if kind == PeriodType.YEAR:
        return dt.date(g[0], 1, 1)
    if kind == PeriodType.SCHOOL_YEAR:
        if g[1] != g[0] + 1:
            raise ValueError("school year spans two consecutive years")
        return dt.date(g[0], SCHOOL_YEAR_START_MONTH, 1)
    if kind == PeriodType.SEMESTER:
        if g[1] != g[0] + 1:
            raise ValueError("school year spans two consecutive years")
        return dt.date(g[0], 9, 1) if g[2] == 1 else dt.date(g[1], 3, 1)
    if kind == PeriodType.QUARTER:
        return dt.date(g[0], 3 * (g[1] - 1) + 1, 1)
    return dt.date(g[0], g[1], 1)


def period_for_date(period_type: str, day: dt.date) -> Period:
    """The period of the type that contains the day."""
    kind = PeriodType(period_type)
    y, m = day.year, day.month
    if kind == PeriodType.YEAR:
        return Period(dt.date(y, 1, 1), dt.date(y, 12, 31), kind, f"{y}")
    if kind == PeriodType.SCHOOL_YEAR:
        first = y if m >= SCHOOL_YEAR_START_MONTH else y - 1
        return Period(dt.date(first, 9, 1), dt.date(first + 1, 8, 31), kind, f"{first}-{first + 1}")
    if kind == PeriodType.SEMESTER:
        if m >= 9 or m <= 2:
            first = y if m >= 9 else y - 1
            end = month_end(dt.date(first + 1, 2, 1))
            return Period(dt.date(first, 9, 1), end, kind, f"{first}-{first + 1}-1")
        return Period(dt.date(y, 3, 1), dt.date(y, 8, 31), kind, f"{y - 1}-{y}-2")
    if kind == PeriodType.QUARTER:
        q = (m - 1) // 3 + 1
        start = dt.date(y, 3 * (q - 1) + 1, 1)
        return Period(start, month_end(add_months(start, 2)), kind, f"{y}Q{q}")
    start = dt.date(y, m, 1)
    return Period(start, month_end(start), kind, f"{y}-{m:02d}")


def periods_between(period_type: str, first: dt.date, last: dt.date) -> Iterator[Period]:
    """Every period of the type from the one containing ``first`` to the one containing ``last``."""
    period = period_for_date(period_type, first)
    while period.start <= last:
        yield period
        period = period.next()


def period_label(period_type: str, code: str) -> str:
    kind = PeriodType(period_type)
    if kind == PeriodType.YEAR:
        return _("{year}年").format(year=code)
    if kind == PeriodType.SCHOOL_YEAR:
        a, b = code.split("-")
        return _("{first}—{second}学年").format(first=a, second=b)
    if kind == PeriodType.SEMESTER:
        a, b, s = code.split("-")
        if s == "1":
            return _("{first}—{second}学年第一学期").format(first=a, second=b)
        return _("{first}—{second}学年第二学期").format(first=a, second=b)
    if kind == PeriodType.QUARTER:
        y, q = code.split("Q")
        return str(QUARTER_LABELS[int(q) - 1]).format(year=y)
    y, m = code.split("-")
    return _("{year}年{month}月").format(year=y, month=int(m))


def period_example(period_type: str) -> str:
    return {
        PeriodType.YEAR: "2024",
        PeriodType.SCHOOL_YEAR: "2024-2025",
        PeriodType.SEMESTER: "2024-2025-1",
        PeriodType.QUARTER: "2024Q3",
        PeriodType.MONTH: "2024-03",
    }[PeriodType(period_type)]
