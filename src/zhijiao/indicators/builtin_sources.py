"""Figures the platform already holds: the schools themselves, and their 一校一案."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from zhijiao.orgs.models import Unit, UnitKind
from zhijiao.plan import selectors as plan_selectors

from .sources import register


@register(
    "school_count",
    name="职业院校数",
    unit_of_measure="所",
    module="单位",
    description="启用的职业院校（单位类型为职业院校），每校计 1。",
)
def school_count(years: Sequence[int]) -> Mapping[tuple[int | None, int], Decimal]:
    ids = Unit.objects.filter(kind=UnitKind.SCHOOL, is_active=True).values_list("pk", flat=True)
    return {(pk, year): Decimal(1) for pk in ids for year in years}


@register(
    "school_plan_filed",
    name="已制定“一校一案”的学校",
    unit_of_measure="所",
    module="督查督办",
    description="在“一校一案”中保存了实施方案的学校，自保存当年起每校计 1，未制定的学校计 0。",
)
def school_plan_filed(years: Sequence[int]) -> Mapping[tuple[int | None, int], Decimal]:
    first_year = plan_selectors.school_plan_first_years()
    schools = Unit.objects.filter(kind=UnitKind.SCHOOL, is_active=True).values_list("pk", flat=True)
    return {
        (pk, year): Decimal(1 if pk in first_year and year >= first_year[pk] else 0)
        for pk in schools
        for year in years
    }
