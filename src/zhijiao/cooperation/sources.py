"""The cooperation registries' figures in the indicator plug-in point (registered in ``ready()``).

With a data element's ``source`` set to one of these keys, the target it feeds is counted from
the records instead of being typed in: register a 名企名校 project, recognise an enterprise as
provincial, and the target moves. Every figure is taken on 31 December of the year; records are
attributed to the unit that owns them (the lead school, the group's lead unit, the enterprise),
so the city figure — the sum over units — counts each record once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from zhijiao.indicators.sources import register

from . import selectors
from .data import EnterpriseLevel, GroupLevel

MODULE = "校企合作"
Figures = Mapping[tuple[int | None, int], Decimal]


@register(
    "famous_projects",
    name="名企名校合作项目数（合作项目库）",
    unit_of_measure="个",
    module=MODULE,
    description="按牵头学校统计截至每年 12 月 31 日已启动且未终止的名企名校合作项目。",
)
def famous_projects(years: Sequence[int]) -> Figures:
    return selectors.projects_by_year(years)


@register(
    "x_pilot_demonstrations",
    name="1+X 证书试点示范项目数（试点项目库）",
    unit_of_measure="个",
    module=MODULE,
    description="按试点学校统计截至每年 12 月 31 日遴选为示范项目且未停止的 1+X 证书试点。",
)
def x_pilot_demonstrations(years: Sequence[int]) -> Figures:
    return selectors.pilots_by_year(years)


@register(
    "demonstration_groups",
    name="示范性职教集团数（职教集团库）",
    unit_of_measure="个",
    module=MODULE,
    description="每年 12 月 31 日级别为“示范性”的职教集团，计入牵头单位。",
)
def demonstration_groups(years: Sequence[int]) -> Figures:
    return selectors.groups_by_year(years, GroupLevel.DEMONSTRATION)


@register(
    "backbone_groups",
    name="骨干职教集团数（职教集团库）",
    unit_of_measure="个",
    module=MODULE,
    description="每年 12 月 31 日级别为“骨干”的职教集团，计入牵头单位（示范性集团另计）。",
)
def backbone_groups(years: Sequence[int]) -> Figures:
    return selectors.groups_by_year(years, GroupLevel.BACKBONE)


@register(
    "provincial_cpe",
    name="省级产教融合型企业数（产教融合型企业库）",
    unit_of_measure="家",
    module=MODULE,
    description="每年 12 月 31 日认定级别为“省级”的产教融合型企业，每家企业计 1。",
)
def provincial_cpe(years: Sequence[int]) -> Figures:
    return selectors.enterprises_by_year(years, {EnterpriseLevel.PROVINCIAL})


@register(
    "municipal_cpe",
    name="市级及以上产教融合型企业数（产教融合型企业库）",
    unit_of_measure="家",
    module=MODULE,
    description="每年 12 月 31 日认定级别为“市级”或“省级”的产教融合型企业（挂牌企业）。",
)
def municipal_cpe(years: Sequence[int]) -> Figures:
    return selectors.enterprises_by_year(
        years, {EnterpriseLevel.MUNICIPAL, EnterpriseLevel.PROVINCIAL}
    )


@register(
    "shared_training_bases",
    name="资源共享型实训基地数（实训基地库）",
    unit_of_measure="个",
    module=MODULE,
    description="按承建学校统计截至每年 12 月 31 日已建成、未停用的资源共享型实训基地。",
)
def shared_training_bases(years: Sequence[int]) -> Figures:
    return selectors.shared_bases_by_year(years)


@register(
    "apprenticeship_programmes",
    name="现代学徒制项目数（学徒制项目库）",
    unit_of_measure="个",
    module=MODULE,
    description="按学校统计每年 12 月 31 日在办（已开班、未结束）的现代学徒制项目。",
)
def apprenticeship_programmes(years: Sequence[int]) -> Figures:
    return selectors.programmes_by_year(years)


@register(
    "apprentices",
    name="在册学徒人数（学徒名册）",
    unit_of_measure="人",
    module=MODULE,
    description="按学校统计每年 12 月 31 日已签订学徒协议、尚未结业或退出的学徒。",
)
def apprentices(years: Sequence[int]) -> Figures:
    return selectors.apprentices_by_year(years)


@register(
    "school_charter",
    name="已依法制定章程（学校治理）",
    module="学校治理",
    description="章程在当年 12 月 31 日前已核准的学校计 1，其余学校计 0。",
)
def school_charter(years: Sequence[int]) -> Figures:
    return selectors.governance_by_year(years, "charter_approved_on")


@register(
    "school_council",
    name="已建立理事会（学校治理）",
    module="学校治理",
    description="理事会在当年 12 月 31 日前已成立的学校计 1，其余学校计 0。",
)
def school_council(years: Sequence[int]) -> Figures:
    return selectors.governance_by_year(years, "council_founded_on")


@register(
    "sanquan_pilot_schools",
    name="“三全育人”综合改革试点学校（学校治理）",
    unit_of_measure="所",
    module="学校治理",
    description="当年 12 月 31 日为“三全育人”综合改革试点（任一级别、未终止）的学校计 1，其余计 0。",
)
def sanquan_pilot_schools(years: Sequence[int]) -> Figures:
    return selectors.sanquan_by_year(years)


@register(
    "ideology_cases",
    name="思政示范课堂与课程思政典型案例数（学校治理）",
    unit_of_measure="项",
    module="学校治理",
    description="按学校累计截至当年认定的思政教育示范课堂和课程思政典型案例。",
)
def ideology_cases(years: Sequence[int]) -> Figures:
    return selectors.cases_by_year(years)
