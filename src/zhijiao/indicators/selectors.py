"""Reads of the indicators app: who reports what and when, values aggregated over time and the
unit tree, indicator values, target progress with projection, completeness and timeliness.

Aggregation, in one place:

- within a calendar year, an element's values for a unit are combined by its aggregation (sum of
  the year's months, average, or the latest period's value); a period belongs to the year it
  starts in (a school year 2024-2025 counts for 2024);
- across units (school → city), sums and latest values add up, averages are averaged;
- an element with a disaggregation has its total (``#{CODE}``) as the sum of its options;
- an indicator is factor × numerator ÷ denominator, each side computed from those aggregates, so a
  city share is the ratio of sums, never an average of the schools' shares.

Only reported data counts (awaiting approval or approved); drafts and returned data do not.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhijiao.core.cache import until_change
from zhijiao.core.dates import local_date
from zhijiao.core.formula import Formula, FormulaError, FormulaZeroDivision, Ref, formula_parse
from zhijiao.core.periods import Period, PeriodError, PeriodType, period_parse, periods_between
from zhijiao.orgs.models import Unit, UnitKind
from zhijiao.orgs.roles import Capability

from . import sources
from .data import (
    STATUS_SEVERITY,
    Projection,
    RuleResult,
    TargetProgress,
    TargetStatus,
    Timeliness,
    UnitValue,
)
from .models import (
    COUNTED_STATUSES,
    Aggregation,
    Comparator,
    DataElement,
    DataSet,
    DataSetElement,
    DataSetExtension,
    DataValue,
    Indicator,
    Operator,
    Submission,
    SubmissionStatus,
    Target,
    TargetScope,
    ValidationRule,
    ValueSource,
)

CITY = None  # the unit id under which city-wide totals are kept

# ---------------------------------------------------------------- who reports, and when


def reporting_units(data_set: DataSet, within: Q | None = None) -> list[Unit]:
    """The units that report a data set: those named, and the members of the groups named; only
    those ``within`` when given."""
    named = data_set.units.filter(is_active=True)
    units = {u.pk: u for u in (named if within is None else named.filter(within))}
    for group in data_set.unit_groups.all():
        for unit in group.resolve(within):
            units[unit.pk] = unit
    return sorted(units.values(), key=lambda u: (u.kind, u.name))


def reports(data_set: DataSet, unit_id: int) -> bool:
    """Whether the unit reports the data set."""
    return bool(reporting_units(data_set, Q(pk=unit_id)))


def data_sets_for_unit(unit_id: int) -> list[DataSet]:
    return [
        ds
        for ds in DataSet.objects.filter(is_active=True).prefetch_related("unit_groups")
        if reports(ds, unit_id)
    ]


@dataclass(frozen=True)
class Window:
    """When a unit may enter a period's data, and by when it is on time."""

    opens: dt.date
    due: dt.date
    closes: dt.date | None
    extended_until: dt.date | None = None

    def state(self, today: dt.date) -> str:
        if today < self.opens:
            return "not_open"
        last = self.extended_until or self.closes
        if last is not None and today > max(last, self.closes or last):
            return "closed"
        return "open"

    @property
    def last_day(self) -> dt.date | None:
        if self.closes is None:
            return None
        return max(self.closes, self.extended_until or self.closes)


def entry_window(data_set: DataSet, period: Period, unit_id: int | None = None) -> Window:
    extension = None
    if unit_id is not None:
        extension = (
            DataSetExtension.objects.filter(
                data_set=data_set, unit_id=unit_id, period_code=period.code
            )
            .values_list("until", flat=True)
            .first()
        )
    return Window(
        opens=period.end - dt.timedelta(days=data_set.opens_before_end_days),
        due=period.end + dt.timedelta(days=data_set.due_days),
        closes=(
            period.end + dt.timedelta(days=data_set.expiry_days)
            if data_set.expiry_days is not None
            else None
        ),
        extended_until=extension,
    )


# "So far this year" for a quarterly running total, after the first, second or third quarter.
QUARTERS_SO_FAR = (gettext_lazy("第一季度"), gettext_lazy("第二季度"), gettext_lazy("第三季度"))


def period_of(data_set: DataSet, code: str) -> Period:
    """The data set's period for a code or label; raises PeriodError (Chinese) when it is not
    one, or is before the data set's first period."""
    period = period_parse(data_set.period_type, code)
    first = period_parse(data_set.period_type, data_set.first_period)
    if period.start < first.start:
        raise PeriodError(
            _("{data_set}从{first}起填报，没有{period}的数据").format(
                data_set=data_set.name, first=first.label, period=period.label
            )
        )
    return period


def periods_due(data_set: DataSet, *, today: dt.date) -> list[Period]:
    """Periods of the data set from its first up to the last one already open for entry."""
    first = period_parse(data_set.period_type, data_set.first_period)
    result = []
    for period in periods_between(
        data_set.period_type, first.start, today + dt.timedelta(days=400)
    ):
        if entry_window(data_set, period).opens > today:
            break
        result.append(period)
    return result


def data_set_elements(data_set: DataSet) -> list[DataSetElement]:
    return list(
        data_set.members.select_related("element__category")
        .prefetch_related("element__category__options")
        .order_by("position", "pk")
    )


# ---------------------------------------------------------------- one submission


@dataclass
class SheetCell:
    option_code: str
    option_name: str
    value: Any
    display: str


@dataclass
class SheetRow:
    member: DataSetElement
    cells: list[SheetCell]

    @property
    def element(self) -> DataElement:
        return self.member.element


def submission_sheet(data_set: DataSet, submission: Submission | None) -> list[SheetRow]:
    """The entry grid: one row per element, one cell per disaggregation option (or one cell)."""
    values: dict[tuple[int, str], DataValue] = {}
    if submission is not None and submission.pk:
        values = {(v.element_id, v.option_code): v for v in submission.values.all()}
    rows = []
    for member in data_set_elements(data_set):
        element = member.element
        cells = []
        for code, name in element.option_list():
            v = values.get((element.pk, code))
            cells.append(SheetCell(code, name, _raw(element, v), value_display(element, v)))
        rows.append(SheetRow(member, cells))
    return rows


def _raw(element: DataElement, value: DataValue | None) -> Any:
    if value is None:
        return ""
    if element.is_numeric:
        if value.number is None:
            return ""
        return format_number(value.number)
    return (value.file.name or "").rsplit("/", 1)[-1] if value.file else value.text


def value_display(element: DataElement, value: DataValue | None) -> str:
    if value is None:
        return ""
    if element.value_type == "boolean":
        return _("是") if value.number else _("否")
    if element.is_numeric and value.number is not None:
        return format_number(value.number)
    return _raw(element, value)


def format_number(number: Decimal, decimals: int | None = None) -> str:
    if decimals is not None:
        return f"{number:,.{decimals}f}".replace(",", "")
    text = format(number.normalize(), "f")
    return text


def registered_figures(data_set: DataSet, unit_id: int, year: int) -> dict[str, Decimal]:
    """The figures of the data set's elements counted from registries, for one unit and year."""
    figures = {}
    for member in data_set_elements(data_set):
        source = sources.source_get(member.element.source) if member.element.source else None
        if source is not None:
            computed = source.compute([year])
            figures[member.element.code] = Decimal(computed.get((unit_id, year), 0))
    return figures


def submission_numbers(submission: Submission) -> dict[Ref, Decimal | None]:
    """The submission's figures by reference, with totals over disaggregations.

    Elements of the data set counted from a registry (``source``) take the registry's figure for
    the submission's unit and year, so a rule can compare what is typed in with what is
    registered (中高职贯通 students against the enrolment reported).
    """
    result: dict[Ref, Decimal | None] = {
        Ref(code, ""): number
        for code, number in registered_figures(
            submission.data_set, submission.unit_id, submission.period_end.year
        ).items()
    }
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for code, option, number in submission.values.filter(number__isnull=False).values_list(
        "element__code", "option_code", "number"
    ):
        result[Ref(code, option)] = number
        if option and number is not None:
            totals[code] += number
    for code, total in totals.items():
        result.setdefault(Ref(code, ""), total)
    return result


OPERATORS = {
    Operator.EQ: lambda a, b: a == b,
    Operator.NE: lambda a, b: a != b,
    Operator.GT: lambda a, b: a > b,
    Operator.GE: lambda a, b: a >= b,
    Operator.LT: lambda a, b: a < b,
    Operator.LE: lambda a, b: a <= b,
}


def rules_check(
    rules: Iterable[ValidationRule], numbers: dict[Ref, Decimal | None]
) -> list[RuleResult]:
    """Each rule evaluated on a submission's figures. A side without any figure yet is not
    checked; a side that divides by zero fails with a message saying so."""
    results = []
    for rule in rules:
        try:
            left = formula_parse(rule.left).evaluate(numbers)
            right = formula_parse(rule.right).evaluate(numbers)
        except FormulaZeroDivision as exc:
            results.append(
                RuleResult(
                    rule.pk, rule.name, rule.severity, False, f"{rule.message}（{exc}）", None, None
                )
            )
            continue
        except FormulaError as exc:
            results.append(
                RuleResult(
                    rule.pk,
                    rule.name,
                    rule.severity,
                    False,
                    _("规则有误：{error}").format(error=exc),
                    None,
                    None,
                )
            )
            continue
        if left is None or right is None:
            continue
        passed = OPERATORS[Operator(rule.operator)](left, right)
        message = "" if passed else rule.message
        results.append(RuleResult(rule.pk, rule.name, rule.severity, passed, message, left, right))
    return results


def submission_check(submission: Submission) -> list[RuleResult]:
    return rules_check(submission.data_set.rules.all(), submission_numbers(submission))


def submission_events(submission: Submission) -> QuerySet[Any]:
    return submission.events.select_related("actor").order_by("at", "pk")


# ---------------------------------------------------------------- aggregation


Key = tuple[int | None, int, str, str]  # unit id (None = city-wide), year, element code, option


def element_values(codes: Iterable[str], years: Sequence[int]) -> dict[Key, Decimal]:
    """Every reported figure of the elements for the years, per unit: (unit, year, code, option).

    Options are kept and each element also gets its total under option "". Elements computed by a
    registered source are asked of that source.
    """
    wanted = set(codes)
    elements = {e.code: e for e in DataElement.objects.filter(code__in=wanted)}
    if not elements or not years:
        return {}
    # (unit, year, code, option) -> [(period_start, number)]
    raw: dict[Key, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    entered = [c for c, e in elements.items() if not e.source]
    if entered:
        rows = DataValue.objects.filter(
            element__code__in=entered,
            number__isnull=False,
            submission__status__in=COUNTED_STATUSES,
            submission__period_start__gte=dt.date(min(years), 1, 1),
            submission__period_start__lte=dt.date(max(years), 12, 31),
        ).values_list(
            "submission__unit_id",
            "submission__period_start",
            "element__code",
            "option_code",
            "number",
        )
        for unit_id, start, code, option, number in rows.iterator(chunk_size=5000):
            if number is None:
                continue
            raw[(unit_id, start.year, code, option)].append((start, number))
    result: dict[Key, Decimal] = {}
    for key, points in raw.items():
        result[key] = _over_time(elements[key[2]].aggregation, points)
    totals: dict[Key, Decimal] = defaultdict(Decimal)
    for (owner, year, code, option), figure in result.items():
        if option:
            totals[(owner, year, code, "")] += figure
    for key, number in totals.items():
        result.setdefault(key, number)
    for code, element in elements.items():
        source = sources.source_get(element.source) if element.source else None
        if source is None:
            continue
        for (source_unit, year), computed in source.compute(list(years)).items():
            result[(source_unit, year, code, "")] = Decimal(computed)
    return result


def _over_time(aggregation: str, points: list[tuple[dt.date, Decimal]]) -> Decimal:
    if aggregation == Aggregation.LATEST:
        return max(points, key=lambda p: p[0])[1]
    total = sum((p[1] for p in points), Decimal(0))
    if aggregation == Aggregation.AVERAGE:
        return total / len(points)
    return total


@dataclass(frozen=True)
class CompiledIndicator:
    indicator: Indicator
    numerator: Formula
    denominator: Formula

    @property
    def codes(self) -> set[str]:
        return {r.code for r in self.numerator.refs + self.denominator.refs}

    def evaluate(self, figures: dict[Ref, Decimal]) -> Decimal | None:
        """factor × numerator ÷ denominator; None without data or with a zero denominator."""
        try:
            numerator = self.numerator.evaluate(figures)
            denominator = self.denominator.evaluate(figures)
        except FormulaZeroDivision:
            return None
        if numerator is None or denominator is None or denominator == 0:
            return None
        return self.indicator.factor * numerator / denominator


def indicator_compile(indicator: Indicator) -> CompiledIndicator:
    return CompiledIndicator(
        indicator, formula_parse(indicator.numerator), formula_parse(indicator.denominator or "1")
    )


@dataclass
class IndicatorValues:
    """An indicator's values per year for the city and for each unit that has figures."""

    city: dict[int, Decimal | None]
    units: dict[int, dict[int, Decimal | None]]


def indicators_values(
    indicators: Sequence[Indicator], years: Sequence[int]
) -> dict[int, IndicatorValues]:
    """Values of several indicators at once (one query for all their elements).

    Each unit's figures are completed first (stocks carried forward, see :func:`_carried`), then
    added up to the city, so the city is always the sum of what its units count.
    """
    compiled = {i.pk: indicator_compile(i) for i in indicators}
    codes = set().union(*(c.codes for c in compiled.values())) if compiled else set()
    values = element_values(codes, years)
    aggregations = dict(
        DataElement.objects.filter(code__in=codes).values_list("code", "aggregation")
    )
    stocks = {code for code, how in aggregations.items() if how == Aggregation.LATEST}
    # code → unit → year → {ref: figure}, so each indicator touches only its own elements.
    by_code: dict[str, dict[int | None, dict[int, dict[Ref, Decimal]]]] = defaultdict(dict)
    for (unit_id, year, code, option), number in values.items():
        by_code[code].setdefault(unit_id, {}).setdefault(year, {})[Ref(code, option)] = number
    result = {}
    for pk, comp in compiled.items():
        own: dict[int | None, dict[int, dict[Ref, Decimal]]] = defaultdict(
            lambda: {y: {} for y in years}
        )
        for code in comp.codes:
            for unit_id, by_year in by_code.get(code, {}).items():
                for year, figures in by_year.items():
                    if year in own[unit_id]:
                        own[unit_id][year].update(figures)
        completed = {u: _carried(comp, figures, years, stocks) for u, figures in own.items()}
        city = {y: _combine([f[y] for f in completed.values()], aggregations) for y in years}
        result[pk] = IndicatorValues(
            {y: comp.evaluate(city[y]) for y in years},
            {
                unit_id: {y: comp.evaluate(figures[y]) for y in years}
                for unit_id, figures in completed.items()
                if unit_id is not None
            },
        )
    return result


def _carried(
    comp: CompiledIndicator,
    figures: dict[int, dict[Ref, Decimal]],
    years: Sequence[int],
    stocks: set[str],
) -> dict[int, dict[Ref, Decimal]]:
    """One unit's figures per year for an indicator. When a year has the unit's figures for the
    indicator's flows (such as training person-times) but not yet its stocks (elements taken at
    their latest value, such as enrolment), the unit's stocks last reported are used, so this
    year's training is set against the enrolment last reported. Indicators made only of stocks
    are never carried forward."""
    refs = comp.numerator.refs + comp.denominator.refs
    flows = [r for r in refs if r.code not in stocks]
    carried: dict[Ref, Decimal] = {}
    result: dict[int, dict[Ref, Decimal]] = {}
    for year in sorted(years):
        actual = figures[year]
        if flows and any(r in actual for r in flows):
            result[year] = {**carried, **actual}
        else:
            result[year] = actual
        carried.update({r: n for r, n in actual.items() if r.code in stocks})
    return result


def _combine(
    figures: Iterable[dict[Ref, Decimal]], aggregations: dict[str, str]
) -> dict[Ref, Decimal]:
    """Units' figures added up to one: sums and latest values add, averages are averaged."""
    sums: dict[Ref, Decimal] = defaultdict(Decimal)
    counts: dict[Ref, int] = defaultdict(int)
    for unit_figures in figures:
        for ref, number in unit_figures.items():
            sums[ref] += number
            counts[ref] += 1
    return {
        ref: total / counts[ref] if aggregations.get(ref.code) == Aggregation.AVERAGE else total
        for ref, total in sums.items()
    }


# ---------------------------------------------------------------- targets


def _meets(comparator: str, value: Decimal, target: Decimal, previous: Decimal | None) -> bool:
    if comparator == Comparator.GE:
        return value >= target
    if comparator == Comparator.LE:
        return value <= target
    if comparator == Comparator.EQ:
        return value == target
    return previous is not None and value > previous


def _gap(comparator: str, value: Decimal | None, target: Decimal) -> Decimal | None:
    if value is None:
        return None
    if comparator == Comparator.GE:
        return max(Decimal(0), target - value)
    if comparator == Comparator.LE:
        return max(Decimal(0), value - target)
    if comparator == Comparator.EQ:
        return abs(target - value)
    return None


def trend_fit(series: Sequence[tuple[int, Decimal | None]]) -> tuple[Decimal, Decimal] | None:
    """The least-squares line through the yearly values as (slope per year, value at year 0);
    None with fewer than two values."""
    points = [(Decimal(y), v) for y, v in series if v is not None]
    if len(points) < 2:
        return None
    zero, n = Decimal(0), Decimal(len(points))
    mean_x = sum((x for x, _ in points), zero) / n
    mean_y = sum((y for _, y in points), zero) / n
    sxx = sum(((x - mean_x) ** 2 for x, _ in points), zero)
    slope = sum(((x - mean_x) * (y - mean_y) for x, y in points), zero) / sxx
    return slope, mean_y - slope * mean_x


def project(
    series: Sequence[tuple[int, Decimal | None]], year: int, *, decimals: int, unit: str
) -> Projection:
    """The least-squares line through the yearly values, read at ``year``; with its explanation."""
    points = [(y, v) for y, v in series if v is not None]
    if not points:
        return Projection(None, _("尚无数据，无法推算。"))
    fit = trend_fit(points)
    if fit is None:
        return Projection(
            None,
            _("仅有 {year} 年 1 个年度值，至少需要 2 个年度才能推算趋势。").format(
                year=points[0][0]
            ),
        )
    slope, intercept = fit
    value = intercept + slope * year
    first, last = points[0][0], points[-1][0]
    return Projection(
        value,
        _(
            "按 {first}—{last} 年 {count} 个年度值的线性趋势（最小二乘法）外推："
            "每年约 {slope:+.{decimals}f}{unit}，预计 {year} 年为 {value:.{decimals}f}{unit}。"
        ).format(
            first=first,
            last=last,
            count=len(points),
            slope=slope,
            decimals=decimals,
            unit=unit,
            year=year,
            value=value,
        ),
    )


def _status_of(
    target: Target,
    series: list[tuple[int, Decimal | None]],
    *,
    today: dt.date,
    decimals: int,
    unit: str,
    pace: tuple[int, int] | None = None,
) -> tuple[TargetStatus, Decimal | None, int | None, Projection]:
    known = [(y, v) for y, v in series if v is not None]
    horizon = today.year if target.recurring else target.deadline.year
    projection = project(series, horizon, decimals=decimals, unit=unit)
    if not known:
        return TargetStatus.NO_DATA, None, None, projection
    year, value = known[-1]
    previous = known[-2][1] if len(known) > 1 else None
    if _meets(target.comparator, value, target.value, previous):
        if not target.recurring:
            first = next(
                (y for y, v in known if _meets(target.comparator, v, target.value, None)), year
            )
            if first <= target.deadline.year:
                note = _("{first} 年达到目标（按期），最新为 {year} 年数据。")
            else:
                note = _("{first} 年达到目标（逾期），最新为 {year} 年数据。")
            projection = Projection(None, note.format(first=first, year=year))
        return TargetStatus.MET, value, year, projection
    if target.recurring and year == today.year and pace is not None:
        # This year is not over and the figure is a running total (a sum of quarters or months):
        # scale what was reported so far to the whole year by the share of the year already due.
        ended, per_year = pace
        if ended == 0:
            return (
                TargetStatus.ON_TRACK,
                value,
                year,
                Projection(None, _("本年度刚开始，暂不推算。")),
            )
        whole = value * per_year / ended
        if per_year == 4:
            so_far = str(QUARTERS_SO_FAR[ended - 1])
        else:
            so_far = _("{month}月").format(month=ended)
        projection = Projection(
            whole,
            _(
                "本年度截至{so_far}为 {value:.{decimals}f}{unit}，"
                "按进度折算全年约 {whole:.{decimals}f}{unit}。"
            ).format(so_far=so_far, value=value, decimals=decimals, unit=unit, whole=whole),
        )
        ok = _meets(target.comparator, whole, target.value, None)
        return (TargetStatus.ON_TRACK if ok else TargetStatus.AT_RISK), value, year, projection
    period_over = (year < today.year) if target.recurring else (today > target.deadline)
    if period_over:
        if not target.recurring:
            projection = Projection(
                None,
                _("期限（{deadline}）已过，按最新值判断未达成。").format(
                    deadline=_("{year}年{month}月{day}日").format(
                        year=target.deadline.year,
                        month=target.deadline.month,
                        day=target.deadline.day,
                    )
                ),
            )
        return TargetStatus.NOT_MET, value, year, projection
    if target.comparator == Comparator.INCREASE:
        on_track = projection.value is not None and projection.value > value
    else:
        on_track = projection.value is not None and _meets(
            target.comparator, projection.value, target.value, None
        )
    return (TargetStatus.ON_TRACK if on_track else TargetStatus.AT_RISK), value, year, projection


SUB_YEAR = {PeriodType.QUARTER: 4, PeriodType.MONTH: 12}


def year_share_due(
    indicators: Iterable[Indicator], today: dt.date
) -> dict[int, tuple[int, int] | None]:
    """For each indicator whose numerator is a running total collected by quarter or month: the
    periods of this year that have ended and the periods in a year, e.g. (3, 4) in November for
    quarterly data. None for any other indicator — a share, a stock or a yearly figure is never
    scaled."""
    compiled = [indicator_compile(i) for i in indicators]
    codes = {r.code for c in compiled for r in c.numerator.refs}
    elements = {
        e.code: e
        for e in DataElement.objects.filter(code__in=codes).only("code", "aggregation", "source")
    }
    types: dict[str, set[str]] = defaultdict(set)
    for code, period_type in DataSetElement.objects.filter(element__code__in=codes).values_list(
        "element__code", "data_set__period_type"
    ):
        types[code].add(period_type)
    result: dict[int, tuple[int, int] | None] = {}
    for comp in compiled:
        refs = {r.code for r in comp.numerator.refs}
        running = bool(refs) and all(
            code in elements
            and elements[code].aggregation == Aggregation.SUM
            and not elements[code].source
            and types[code]
            and types[code] <= set(SUB_YEAR)
            for code in refs
        )
        if not running:
            result[comp.indicator.pk] = None
            continue
        per_year = min(SUB_YEAR[PeriodType(t)] for c in refs for t in types[c])
        result[comp.indicator.pk] = ((today.month - 1) * per_year // 12, per_year)
    return result


def targets_queryset() -> QuerySet[Target]:
    return Target.objects.select_related("indicator").prefetch_related(
        Prefetch("tasks", to_attr="task_list")
    )


def target_years(targets: Sequence[Target], today: dt.date) -> list[int]:
    first = min((t.first_year for t in targets), default=today.year)
    return list(range(first, today.year + 1))


def targets_progress(
    targets: Sequence[Target] | None = None, *, today: dt.date | None = None
) -> list[TargetProgress]:
    """Every target's latest value, gap, status and projection, computed together.

    The full list (what the overview, the report and the API show) is kept in the cache until
    the next change anywhere in the platform (the next audit row) or for five minutes.
    """
    today = today or timezone.localdate()
    if targets is None:
        return list(
            until_change(
                f"targets-progress:{today.isoformat()}",
                lambda: _targets_progress(list(targets_queryset()), today),
            )
        )
    return _targets_progress(list(targets), today)


def _targets_progress(targets: list[Target], today: dt.date) -> list[TargetProgress]:
    years = target_years(targets, today)
    indicators = {t.indicator_id: t.indicator for t in targets}
    values = indicators_values(list(indicators.values()), years)
    schools = {
        u.pk: u.short_name or u.name
        for u in Unit.objects.filter(kind=UnitKind.SCHOOL, is_active=True)
    }
    paces = year_share_due(list(indicators.values()), today)
    return [
        _progress(
            target, values[target.indicator_id], schools, years, today, paces[target.indicator_id]
        )
        for target in targets
    ]


def _progress(
    target: Target,
    values: IndicatorValues,
    schools: dict[int, str],
    years: list[int],
    today: dt.date,
    pace: tuple[int, int] | None = None,
) -> TargetProgress:
    indicator = target.indicator
    decimals, unit = indicator.decimals, indicator.unit_of_measure
    shown = [y for y in years if y >= target.first_year]
    series = [(y, values.city.get(y)) for y in shown]
    status, value, year, projection = _status_of(
        target, series, today=today, decimals=decimals, unit=unit, pace=pace
    )
    unit_rows = []
    for unit_id, name in sorted(schools.items(), key=lambda kv: kv[1]):
        unit_series = [(y, values.units.get(unit_id, {}).get(y)) for y in shown]
        unit_status, unit_value, _year, _projection = _status_of(
            target, unit_series, today=today, decimals=decimals, unit=unit, pace=pace
        )
        if target.scope == TargetScope.EACH_SCHOOL or unit_value is not None:
            unit_rows.append(UnitValue(unit_id, name, unit_value, unit_status))
    note = ""
    if target.scope == TargetScope.EACH_SCHOOL:
        if unit_rows:
            status = min((u.status for u in unit_rows), key=STATUS_SEVERITY.index)
            met = sum(1 for u in unit_rows if u.status == TargetStatus.MET)
            note = _("{met}/{count} 所学校达标").format(met=met, count=len(unit_rows))
        else:
            status = TargetStatus.NO_DATA
    if year is not None and year < today.year - 1 and status != TargetStatus.NO_DATA:
        note = "；".join(filter(None, [note, _("最新数据为 {year} 年").format(year=year)]))
    return TargetProgress(
        key=target.key,
        name=target.name,
        comparator=target.comparator,
        comparator_label=target.get_comparator_display(),
        target=target.value,
        deadline=target.deadline,
        scope=target.scope,
        scope_label=target.get_scope_display(),
        recurring=target.recurring,
        unit_of_measure=unit,
        decimals=decimals,
        value=value,
        value_year=year,
        gap=_gap(target.comparator, value, target.value),
        status=status,
        projection=projection,
        series=series,
        units=unit_rows,
        tasks=sorted(t.number for t in getattr(target, "task_list", target.tasks.all())),
        source_text=target.source_text,
        note=note,
    )


# ---------------------------------------------------------------- completeness and timeliness


def timeliness(
    data_sets: Sequence[DataSet] | None = None, *, today: dt.date | None = None
) -> list[Timeliness]:
    """Per data set and period already due: how many units were expected, reported, on time,
    by import; which are late or missing. Extensions do not make late data on time."""
    today = today or timezone.localdate()
    data_sets = list(
        data_sets
        if data_sets is not None
        else DataSet.objects.filter(is_active=True).prefetch_related("units", "unit_groups")
    )
    received: dict[tuple[int, str, int], tuple[dt.datetime, str]] = {}
    for ds_id, code, unit_id, first, source in Submission.objects.filter(
        data_set__in=data_sets, first_completed_at__isnull=False
    ).values_list("data_set_id", "period_code", "unit_id", "first_completed_at", "source"):
        if first is not None:
            received[(ds_id, code, unit_id)] = (first, source)
    rows = []
    for ds in data_sets:
        units = reporting_units(ds)
        for period in periods_due(ds, today=today):
            window = entry_window(ds, period)
            row = Timeliness(
                ds.code, ds.name, period.code, period.label, window.due, len(units), 0, 0, 0
            )
            for unit in units:
                got = received.get((ds.pk, period.code, unit.pk))
                name = unit.short_name or unit.name
                if got is None:
                    if today > window.due:
                        row.missing_units.append(name)
                    continue
                row.received += 1
                if got[1] == ValueSource.EXCEL:
                    row.imported += 1
                if (local_date(got[0]) or today) <= window.due:
                    row.on_time += 1
                else:
                    row.late_units.append(name)
            rows.append(row)
    return rows


def submissions_awaiting(user: Any) -> QuerySet[Submission]:
    """What the user can approve now: the office the final step, a bureau its units' first."""
    qs = Submission.objects.visible_to(user).select_related("data_set", "unit")
    if user.can(Capability.INDICATORS_MANAGE):
        return qs.filter(status=SubmissionStatus.AWAITING_OFFICE)
    if user.can(Capability.DATA_APPROVE) and user.unit_id:
        return qs.filter(status=SubmissionStatus.AWAITING_BUREAU, unit__parent_id=user.unit_id)
    return qs.none()


def period_or_none(data_set: DataSet, code: str) -> Period | None:
    try:
        return period_of(data_set, code)
    except PeriodError:
        return None


def targets_for_task(task_id: int, *, today: dt.date | None = None) -> list[TargetProgress]:
    """The targets a task of the plan serves, with their progress (for the task's page)."""
    targets = list(targets_queryset().filter(tasks__pk=task_id).distinct())
    return targets_progress(targets, today=today) if targets else []
