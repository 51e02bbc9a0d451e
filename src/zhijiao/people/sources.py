"""The people registries' figures in the indicator plug-in point (registered in ``ready()``).

With a data element's ``source`` set to one of these keys, its value is counted from the records
instead of being typed in — 专业课教师数 and 双师型教师数 from the teachers, 技能雏鹰 from the
published rounds, competition winners, social training person-times, recognised majors,
innovation teams, 双师型 bases and 贯通 enrolment from their registries — so a target moves when
a record is added.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from zhijiao.indicators.sources import register

from . import figures, selectors
from .data import CompetitionLevel, RecognitionKind, TraineeGroup

MODULE = "人员与成果"
Figures = Mapping[tuple[int | None, int], Decimal]


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


@register(
    "eaglets_honoured",
    name="当年获表彰“技能雏鹰”学生数（评选）",
    unit_of_measure="人",
    module=MODULE,
    description="当年度“技能雏鹰”评选名单公布后，各校获表彰的学生人数（未公布的年度为 0）。",
)
def eaglets_honoured(years: Sequence[int]) -> Figures:
    return figures.eaglets_honoured(years)


@register(
    "award_winners",
    name="竞赛获奖人次（全部级别）",
    unit_of_measure="人次",
    module=MODULE,
    description="各校学生和教师在当年度赛事中的获奖记录数（同一人同一赛项计 1 次）。",
)
def award_winners(years: Sequence[int]) -> Figures:
    return figures.award_winners(years)


def _register_level(level: CompetitionLevel) -> None:
    def compute(years: Sequence[int]) -> Figures:
        return figures.award_winners(years, level)

    register(
        f"award_winners_{level.value}",
        name=f"{level.label}赛事获奖人次",
        unit_of_measure="人次",
        module=MODULE,
        description=f"各校学生和教师在当年度{level.label}赛事中的获奖记录数。",
    )(compute)


for _level in CompetitionLevel:
    _register_level(_level)


@register(
    "award_incentives_paid",
    name="获奖激励发放金额",
    unit_of_measure="元",
    module=MODULE,
    description="按发放日期所在年度，各校获奖师生已发放的奖励金额合计。",
)
def award_incentives_paid(years: Sequence[int]) -> Figures:
    return figures.incentives_paid(years)


@register(
    "training_person_times",
    name="社会培训人次（培训记录）",
    unit_of_measure="人次",
    module=MODULE,
    description="各校社会培训记录的培训人次合计，按培训结束日期所在年度计入（全部培训对象）。",
)
def training_person_times(years: Sequence[int]) -> Figures:
    return figures.training_person_times(years)


def _register_group(group: TraineeGroup) -> None:
    def compute(years: Sequence[int]) -> Figures:
        return figures.training_person_times(years, group)

    register(
        f"training_person_times_{group.value.lower()}",
        name=f"社会培训人次：{group.label}",
        unit_of_measure="人次",
        module=MODULE,
        description=f"各校面向{group.label}的社会培训人次，按培训结束日期所在年度计入。",
    )(compute)


for _group in TraineeGroup:
    _register_group(_group)


@register(
    "training_programmes",
    name="社会培训项目数（培训记录）",
    unit_of_measure="个",
    module=MODULE,
    description="各校当年结束的社会培训项目数（同名项目面向多个培训对象计 1 个）。",
)
def training_programmes(years: Sequence[int]) -> Figures:
    return figures.training_programmes(years)


@register(
    "majors_high_level",
    name="高水平专业（群）数（专业库）",
    unit_of_measure="个",
    module=MODULE,
    description="截至当年 12 月 31 日已认定且未撤销的高水平专业（群），按专业所在学校计。",
)
def majors_high_level(years: Sequence[int]) -> Figures:
    return figures.recognised_majors(years, RecognitionKind.HIGH_LEVEL)


@register(
    "majors_brand",
    name="技工教育品牌专业数（专业库）",
    unit_of_measure="个",
    module=MODULE,
    description="截至当年 12 月 31 日已认定且未撤销的技工教育品牌专业，按专业所在学校计。",
)
def majors_brand(years: Sequence[int]) -> Figures:
    return figures.recognised_majors(years, RecognitionKind.BRAND)


@register(
    "innovation_teams",
    name="教师教学创新团队数（团队库）",
    unit_of_measure="个",
    module=MODULE,
    description="截至当年已立项的市级及以上职业学校教师教学创新团队，按学校计。",
)
def innovation_teams(years: Sequence[int]) -> Figures:
    return figures.innovation_teams(years)


@register(
    "dual_bases",
    name="“双师型”教师培养培训基地数（基地库）",
    unit_of_measure="个",
    module=MODULE,
    description="截至当年已认定的“双师型”教师培养培训基地，按依托学校计；只依托企业的基地计入全市。",
)
def dual_bases(years: Sequence[int]) -> Figures:
    return figures.dual_bases(years)


@register(
    "through_enrolled",
    name="中高职贯通培养在校生数（贯通项目）",
    unit_of_measure="人",
    module=MODULE,
    description="各校中高职贯通项目当年年末在校生人数合计。",
)
def through_enrolled(years: Sequence[int]) -> Figures:
    return figures.through_enrolled(years)


@register(
    "through_intake",
    name="中高职贯通当年招生人数（贯通项目）",
    unit_of_measure="人",
    module=MODULE,
    description="各校中高职贯通项目当年招生人数合计。",
)
def through_intake(years: Sequence[int]) -> Figures:
    return figures.through_intake(years)
