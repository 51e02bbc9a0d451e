"""The demand survey's figures in the indicator plug-in point (registered in ``ready()``).

A data element whose ``source`` names one of these keys takes its yearly city-wide value from the
surveys (submitted or accepted answers only), e.g. to monitor that the annual 产业人才需求报告
rests on a growing number of answering enterprises.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from zhijiao.indicators.sources import register

from . import selectors


@register(
    "talent_surveyed_enterprises",
    name="报送岗位需求的企业数（需求调查）",
    unit_of_measure="家",
    module="产业人才",
    description="当年岗位需求调查中已报送或已采纳的企业数，全市合计。",
)
def surveyed_enterprises(years: Sequence[int]) -> Mapping[tuple[int | None, int], Decimal]:
    return selectors.surveyed_enterprises_by_year(years)


@register(
    "talent_demand_headcount",
    name="企业岗位需求人数（需求调查）",
    unit_of_measure="人",
    module="产业人才",
    description="当年已报送或已采纳的岗位需求人数合计，全市合计。",
)
def demand_headcount(years: Sequence[int]) -> Mapping[tuple[int | None, int], Decimal]:
    return selectors.demand_headcount_by_year(years)


@register(
    "talent_high_skill_demand",
    name="高技能人才需求人数（需求调查）",
    unit_of_measure="人",
    module="产业人才",
    description="上述需求中要求高级工、技师、高级技师、特级技师或首席技师的人数。",
)
def high_skill_demand(years: Sequence[int]) -> Mapping[tuple[int | None, int], Decimal]:
    return selectors.high_skill_headcount_by_year(years)
