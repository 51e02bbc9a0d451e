"""The teachers registry's figures in the indicator plug-in point (registered in ``ready()``).

With a data element's ``source`` set to one of these keys, 专业课教师数 and 双师型教师数 are
counted from the registry instead of being typed in, so the 双师型 share target moves when a
teacher is registered, leaves or is granted the status.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from zhijiao.indicators.sources import register

from . import selectors


@register(
    "teacher_professional",
    name="专业课教师数（教师库）",
    unit_of_measure="人",
    module="人员与成果",
    description="教师库中每校在职的专业课教师人数，按每年 12 月 31 日在职计算"
    "（入职日期不晚于当日、且当日未离职）。",
)
def teacher_professional(years: Sequence[int]) -> Mapping[tuple[int | None, int], Decimal]:
    return selectors.professional_teachers_by_year(years)


@register(
    "teacher_dual",
    name="双师型教师数（教师库）",
    unit_of_measure="人",
    module="人员与成果",
    description="上述专业课教师中，截至当年 12 月 31 日已认定为双师型且未被撤销的人数。",
)
def teacher_dual(years: Sequence[int]) -> Mapping[tuple[int | None, int], Decimal]:
    return selectors.dual_teachers_by_year(years)


@register(
    "teacher_practice_days",
    name="教师企业实践天数（教师库）",
    unit_of_measure="天",
    module="人员与成果",
    description="每校教师当年登记的企业实践天数合计（含已离职教师当年的实践）。",
)
def teacher_practice_days(years: Sequence[int]) -> Mapping[tuple[int | None, int], Decimal]:
    return selectors.practice_days_by_year(years)
