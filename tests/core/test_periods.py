"""Reporting periods: codes programs use, Chinese labels people type, boundaries, next/previous."""

from __future__ import annotations

import datetime as dt

import pytest

from zhijiao.core.periods import (
    Period,
    PeriodError,
    PeriodType,
    period_example,
    period_for_date,
    period_label,
    period_parse,
    periods_between,
)

D = dt.date

# type, code, label, start, end
PERIODS = [
    (PeriodType.YEAR, "2024", "2024年", D(2024, 1, 1), D(2024, 12, 31)),
    (PeriodType.SCHOOL_YEAR, "2024-2025", "2024—2025学年", D(2024, 9, 1), D(2025, 8, 31)),
    (
        PeriodType.SEMESTER,
        "2024-2025-1",
        "2024—2025学年第一学期",
        D(2024, 9, 1),
        D(2025, 2, 28),
    ),
    (
        PeriodType.SEMESTER,
        "2024-2025-2",
        "2024—2025学年第二学期",
        D(2025, 3, 1),
        D(2025, 8, 31),
    ),
    (PeriodType.QUARTER, "2024Q1", "2024年第一季度", D(2024, 1, 1), D(2024, 3, 31)),
    (PeriodType.QUARTER, "2024Q2", "2024年第二季度", D(2024, 4, 1), D(2024, 6, 30)),
    (PeriodType.QUARTER, "2024Q3", "2024年第三季度", D(2024, 7, 1), D(2024, 9, 30)),
    (PeriodType.QUARTER, "2024Q4", "2024年第四季度", D(2024, 10, 1), D(2024, 12, 31)),
    (PeriodType.MONTH, "2024-03", "2024年3月", D(2024, 3, 1), D(2024, 3, 31)),
    (PeriodType.MONTH, "2024-12", "2024年12月", D(2024, 12, 1), D(2024, 12, 31)),
]


@pytest.mark.parametrize(("kind", "code", "label", "start", "end"), PERIODS)
def test_code_names_the_period_with_its_chinese_label(kind, code, label, start, end):
    period = period_parse(kind, code)

    assert (period.type, period.code, period.start, period.end) == (kind, code, start, end)
    assert period.label == label == str(period) == period_label(kind, code)


@pytest.mark.parametrize(("kind", "code", "label", "start", "end"), PERIODS)
def test_label_reads_back_as_the_same_period(kind, code, label, start, end):
    assert period_parse(kind, label) == period_parse(kind, code)


@pytest.mark.parametrize(
    ("kind", "typed", "code"),
    [
        (PeriodType.YEAR, "2024年", "2024"),
        (PeriodType.YEAR, "2024年度", "2024"),
        (PeriodType.YEAR, " 2024 ", "2024"),
        (PeriodType.SCHOOL_YEAR, "2024—2025学年", "2024-2025"),
        (PeriodType.SCHOOL_YEAR, "2024-2025学年", "2024-2025"),
        (PeriodType.SCHOOL_YEAR, "2024至2025学年", "2024-2025"),
        (PeriodType.SEMESTER, "2024—2025学年第一学期", "2024-2025-1"),
        (PeriodType.SEMESTER, "2024-2025学年第2学期", "2024-2025-2"),
        (PeriodType.QUARTER, "2024年第三季度", "2024Q3"),
        (PeriodType.QUARTER, "2024年第3季度", "2024Q3"),
        (PeriodType.QUARTER, "2024q3", "2024Q3"),
        (PeriodType.MONTH, "2024年3月", "2024-03"),
        (PeriodType.MONTH, "2024年12月", "2024-12"),
    ],
)
def test_what_people_type_is_read_as_a_code(kind, typed, code):
    assert period_parse(kind, typed).code == code


def test_school_year_runs_from_september_to_august():
    assert period_for_date(PeriodType.SCHOOL_YEAR, D(2024, 8, 31)).code == "2023-2024"
    assert period_for_date(PeriodType.SCHOOL_YEAR, D(2024, 9, 1)).code == "2024-2025"
    assert period_for_date(PeriodType.SCHOOL_YEAR, D(2025, 1, 15)).code == "2024-2025"


@pytest.mark.parametrize(
    ("code", "end"),
    [
        ("2023-2024-1", D(2024, 2, 29)),  # 2024 is a leap year
        ("2024-2025-1", D(2025, 2, 28)),
        ("2099-2100-1", D(2100, 2, 28)),  # 2100 is not
        ("1999-2000-1", D(2000, 2, 29)),  # 2000 is
    ],
)
def test_first_semester_ends_on_the_last_day_of_february(code, end):
    period = period_parse(PeriodType.SEMESTER, code)

    assert period.end == end
    assert period_for_date(PeriodType.SEMESTER, end).code == code
    assert period_for_date(PeriodType.SEMESTER, end + dt.timedelta(days=1)).code == code[:-1] + "2"


def test_semesters_split_the_school_year():
    school_year = period_parse(PeriodType.SCHOOL_YEAR, "2023-2024")
    first = period_parse(PeriodType.SEMESTER, "2023-2024-1")
    second = period_parse(PeriodType.SEMESTER, "2023-2024-2")

    assert first.start == school_year.start
    assert second.start == first.end + dt.timedelta(days=1) == D(2024, 3, 1)
    assert second.end == school_year.end
    assert period_for_date(PeriodType.SEMESTER, D(2023, 12, 31)).code == "2023-2024-1"
    assert period_for_date(PeriodType.SEMESTER, D(2024, 1, 1)).code == "2023-2024-1"


@pytest.mark.parametrize(
    ("month", "quarter"),
    [(1, "2024Q1"), (3, "2024Q1"), (4, "2024Q2"), (6, "2024Q2"), (7, "2024Q3"), (12, "2024Q4")],
)
def test_quarter_of_a_month(month, quarter):
    assert period_for_date(PeriodType.QUARTER, D(2024, month, 15)).code == quarter


@pytest.mark.parametrize(
    ("code", "end"),
    [("2024-02", D(2024, 2, 29)), ("2023-02", D(2023, 2, 28)), ("2024-04", D(2024, 4, 30))],
)
def test_month_ends_on_its_last_day(code, end):
    assert period_parse(PeriodType.MONTH, code).end == end


@pytest.mark.parametrize(
    ("kind", "code", "following"),
    [
        (PeriodType.YEAR, "2024", "2025"),
        (PeriodType.SCHOOL_YEAR, "2024-2025", "2025-2026"),
        (PeriodType.SEMESTER, "2024-2025-1", "2024-2025-2"),
        (PeriodType.SEMESTER, "2024-2025-2", "2025-2026-1"),
        (PeriodType.QUARTER, "2024Q3", "2024Q4"),
        (PeriodType.QUARTER, "2024Q4", "2025Q1"),
        (PeriodType.MONTH, "2024-02", "2024-03"),
        (PeriodType.MONTH, "2024-12", "2025-01"),
    ],
)
def test_next_and_previous(kind, code, following):
    period = period_parse(kind, code)

    assert period.next().code == following
    assert period.next().start == period.end + dt.timedelta(days=1)
    assert period.next().previous() == period


def test_periods_between_lists_every_period_in_order():
    quarters = list(periods_between(PeriodType.QUARTER, D(2023, 11, 5), D(2024, 7, 1)))

    assert [q.code for q in quarters] == ["2023Q4", "2024Q1", "2024Q2", "2024Q3"]
    assert quarters == sorted(quarters)


def test_contains_includes_both_ends():
    period = period_parse(PeriodType.MONTH, "2024-03")

    assert period.contains(D(2024, 3, 1)) and period.contains(D(2024, 3, 31))
    assert not period.contains(D(2024, 2, 29)) and not period.contains(D(2024, 4, 1))


@pytest.mark.parametrize(
    ("kind", "code", "name"),
    [
        (PeriodType.SCHOOL_YEAR, "2024-2026", "学年"),  # not two consecutive years
        (PeriodType.SCHOOL_YEAR, "2025-2024", "学年"),
        (PeriodType.SEMESTER, "2024-2026-1", "学期"),
        (PeriodType.SEMESTER, "2024-2025-3", "学期"),
        (PeriodType.QUARTER, "2024Q5", "季度"),
        (PeriodType.QUARTER, "2024Q0", "季度"),
        (PeriodType.MONTH, "2024-13", "月度"),
        (PeriodType.MONTH, "2024-00", "月度"),
        (PeriodType.MONTH, "2024年13月", "月度"),
        (PeriodType.YEAR, "24", "年度"),
        (PeriodType.YEAR, "二〇二四年", "年度"),
        (PeriodType.YEAR, "", "年度"),
    ],
)
def test_invalid_code_is_refused_in_chinese(kind, code, name):
    with pytest.raises(PeriodError) as caught:
        period_parse(kind, code)

    assert f"“{code}”不是有效的{name}周期" in str(caught.value)


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        (PeriodType.YEAR, "2024Q3"),
        (PeriodType.YEAR, "2024年3月"),
        (PeriodType.QUARTER, "2024"),
        (PeriodType.QUARTER, "2024年"),
        (PeriodType.MONTH, "2024Q1"),
        (PeriodType.SCHOOL_YEAR, "2024—2025学年第一学期"),
        (PeriodType.SEMESTER, "2024—2025学年"),
    ],
)
def test_a_period_of_another_type_is_refused(kind, code):
    with pytest.raises(PeriodError, match=period_example(kind)):
        period_parse(kind, code)


def test_unknown_period_type_is_refused():
    with pytest.raises(ValueError):
        period_parse("week", "2024-W01")


def test_periods_of_a_type_sort_in_time_order():
    codes = ["2024Q2", "2023Q4", "2024Q1"]

    ordered = sorted(period_parse(PeriodType.QUARTER, c) for c in codes)

    assert [p.code for p in ordered] == ["2023Q4", "2024Q1", "2024Q2"]
    assert isinstance(ordered[0], Period)
