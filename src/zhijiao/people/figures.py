"""Per school and year, the counts the plan's targets need, computed from the registries.

Each function answers for a set of calendar years with ``{(school id, year): Decimal}`` — every
active school gets a figure for every year (0 where it has no record), so a school without a
recognised major shows 0 rather than "no data". A figure that belongs to no school (a base at an
enterprise only) is counted under ``None``, the city as a whole. Stocks (majors, teams, bases)
are counted at 31 December: granted by that year and not revoked by then.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum

from .data import BaseKind, NominationStatus
from .models import (
    Award,
    DualBase,
    EagletNomination,
    InnovationTeam,
    MajorRecognition,
    ThroughEnrolment,
    TrainingRecord,
)
from .selectors import _active_schools

Figures = dict[tuple[int | None, int], Decimal]


def _zeros(years: Sequence[int]) -> tuple[list[int], Figures]:
    schools = _active_schools()
    return schools, {(pk, year): Decimal(0) for pk in schools for year in years}


def _grouped(
    queryset: QuerySet[Any],
    years: Sequence[int],
    *,
    school: str,
    year: str,
    value: Any,
) -> Figures:
    """One query: ``value`` aggregated per school and per the year field."""
    schools, result = _zeros(years)
    if not years:
        return result
    rows = (
        queryset.filter(**{f"{year}__in": list(years)})
        .filter(Q(**{f"{school}__in": schools}) | Q(**{f"{school}__isnull": True}))
        .values(owner=F(school), when=F(year))
        .annotate(total=value)
    )
    for row in rows:
        result[(row["owner"], row["when"])] = Decimal(row["total"] or 0)
    return result


def _standing(
    queryset: QuerySet[Any],
    years: Sequence[int],
    *,
    school: str,
    held: Callable[[int], Q],
) -> Figures:
    """One query: per school, how many records are held at the end of each year."""
    schools, result = _zeros(years)
    if not years:
        return result
    annotations = {f"y{y}": Count("pk", filter=held(y), distinct=True) for y in years}
    rows = (
        queryset.filter(Q(**{f"{school}__in": schools}) | Q(**{f"{school}__isnull": True}))
        .values(owner=F(school))
        .annotate(**annotations)
    )
    for row in rows:
        for y in years:
            if row["owner"] is None and not row[f"y{y}"]:
                continue
            result[(row["owner"], y)] = Decimal(row[f"y{y}"])
    return result


def eaglets_honoured(years: Sequence[int]) -> Figures:
    """Students honoured as 技能雏鹰 in each year's published round, per school."""
    return _grouped(
        EagletNomination.objects.filter(status=NominationStatus.HONOURED),
        years,
        school="school_id",
        year="round__year",
        value=Count("pk"),
    )


def award_winners(years: Sequence[int], level: str = "") -> Figures:
    """Awards won in each year's competitions (of a level, or all), per school."""
    awards = Award.objects.all()
    if level:
        awards = awards.filter(competition__level=level)
    return _grouped(awards, years, school="school_id", year="competition__year", value=Count("pk"))


def incentives_paid(years: Sequence[int]) -> Figures:
    """Incentives paid to winners in each year (by the day paid), per school, in 元."""
    return _grouped(
        Award.objects.filter(incentive_paid_on__isnull=False),
        years,
        school="school_id",
        year="incentive_paid_on__year",
        value=Sum("incentive_amount"),
    )


def training_person_times(years: Sequence[int], group: str = "") -> Figures:
    """Person-times of social training that ended in each year (of one target group, or all)."""
    records = TrainingRecord.objects.all()
    if group:
        records = records.filter(target_group=group)
    return _grouped(
        records, years, school="school_id", year="ends_on__year", value=Sum("person_times")
    )


def training_programmes(years: Sequence[int]) -> Figures:
    """Distinct programmes of social training that ended in each year, per school."""
    return _grouped(
        TrainingRecord.objects.all(),
        years,
        school="school_id",
        year="ends_on__year",
        value=Count("programme", distinct=True),
    )


def recognised_majors(years: Sequence[int], kind: str) -> Figures:
    """Majors holding a recognition of a kind at the end of each year, per school."""
    return _standing(
        MajorRecognition.objects.filter(kind=kind),
        years,
        school="major__school_id",
        held=lambda y: (
            Q(granted_year__lte=y) & (Q(revoked_year__isnull=True) | Q(revoked_year__gt=y))
        ),
    )


def innovation_teams(years: Sequence[int]) -> Figures:
    """Teaching innovation teams (市级 and above) set up by the end of each year, per school."""
    return _standing(
        InnovationTeam.objects.all(),
        years,
        school="school_id",
        held=lambda y: Q(recognised_year__lte=y),
    )


def dual_bases(years: Sequence[int]) -> Figures:
    """双师型 teacher training bases recognised by the end of each year, per school (a base at an
    enterprise only counts for the city as a whole)."""
    return _standing(
        DualBase.objects.filter(kind=BaseKind.TRAINING),
        years,
        school="school_id",
        held=lambda y: Q(recognised_year__lte=y),
    )


def through_enrolled(years: Sequence[int]) -> Figures:
    """Students of 中高职贯通 programmes at the end of each year, per school."""
    return _grouped(
        ThroughEnrolment.objects.all(),
        years,
        school="programme__school_id",
        year="year",
        value=Sum("enrolled"),
    )


def through_intake(years: Sequence[int]) -> Figures:
    """New students of 中高职贯通 programmes in each year, per school."""
    return _grouped(
        ThroughEnrolment.objects.all(),
        years,
        school="programme__school_id",
        year="year",
        value=Sum("intake"),
    )
