"""Demand aggregates on a small example computed by hand, and the indicator figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhijiao.indicators.sources import source_get
from zhijiao.talent import selectors, services
from zhijiao.talent.data import Education, SkillLevel

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(talent, line, closed_round):
    """This year: 某企业 (冶金) submitted, 乙企业 (装备) accepted; a third enterprise only drafted.
    Last year: 乙企业 accepted (written directly, the round being closed).

    | year | enterprise | occupation | skill | education | headcount |
    | this | 某企业 | 6-18-02-04 焊工 | 高级工 | 高中 | 5 |
    | this | 某企业 | 6-31-01-03 电工 | 中级工 | 大专 | 3 |
    | this | 乙企业 | 6-18-02-04 焊工 | 高级工 | 高中 | 7 |
    | this | 乙企业 | 6-18-01-01 车工 | 技师   | 不限 | 2 |
    | last | 乙企业 | 6-18-02-04 焊工 | 中级工 | 不限 | 4 |
    """
    services.survey_save(
        user=talent.users["enterprise"],
        year=talent.year,
        lines=[
            line(
                "6-18-02-04", 5, skill_level=SkillLevel.SENIOR_WORKER, education=Education.SECONDARY
            ),
            line(
                "6-31-01-03",
                3,
                skill_level=SkillLevel.INTERMEDIATE_WORKER,
                education=Education.COLLEGE,
            ),
        ],
        submit=True,
    )
    theirs = services.survey_save(
        user=talent.users["enterprise2"],
        year=talent.year,
        lines=[
            line(
                "6-18-02-04", 7, skill_level=SkillLevel.SENIOR_WORKER, education=Education.SECONDARY
            ),
            line("6-18-01-01", 2, skill_level=SkillLevel.TECHNICIAN),
        ],
        submit=True,
    )
    services.survey_decide(user=talent.users["office"], survey=theirs, accept=True)
    # A draft does not count
    from zhijiao.core.codes import credit_code_with_check
    from zhijiao.orgs.models import User
    from zhijiao.orgs.roles import Role
    from zhijiao.orgs.services import enterprise_register

    third, _ = enterprise_register(
        name="丙企业", credit_code=credit_code_with_check("91320281MA1XYW09K")
    )
    drafter = User.objects.create(username="enterprise3", role=Role.ENTERPRISE, unit=third)
    services.survey_save(user=drafter, year=talent.year, lines=[line("6-18-02-04", 100)])
    # Last year
    from zhijiao.talent.models import DemandLine, DemandSurvey, Occupation

    old = DemandSurvey.objects.create(
        enterprise=talent.units["乙企业"], round=closed_round, status="accepted"
    )
    DemandLine.objects.create(
        survey=old,
        occupation=Occupation.objects.get(code="6-18-02-04"),
        headcount=4,
        skill_level=SkillLevel.INTERMEDIATE_WORKER,
    )
    return talent


def rows(by, **filters):
    return {
        r.key: (r.headcount, r.enterprises, r.lines)
        for r in selectors.demand_by(by, selectors.DemandFilters(**filters))
    }


def test_demand_by_each_dimension(answered):
    year = answered.year
    assert rows("occupation", year=year) == {
        "6-18-02-04": (12, 2, 2),
        "6-31-01-03": (3, 1, 1),
        "6-18-01-01": (2, 1, 1),
    }
    assert [
        r.key for r in selectors.demand_by("occupation", selectors.DemandFilters(year=year))
    ] == [
        "6-18-02-04",
        "6-31-01-03",
        "6-18-01-01",
    ]
    assert rows("cluster", year=year) == {"metallurgy": (8, 1, 2), "equipment": (9, 1, 2)}
    assert rows("skill_level", year=year) == {
        "intermediate_worker": (3, 1, 1),
        "senior_worker": (12, 2, 2),
        "technician": (2, 1, 1),
    }
    assert rows("education", year=year) == {
        "any": (2, 1, 1),
        "secondary": (12, 2, 2),
        "college": (3, 1, 1),
    }
    assert rows("year") == {str(year - 1): (4, 1, 1), str(year): (17, 2, 4)}
    assert rows("occupation", year=year, cluster="equipment", skill_level="senior_worker") == {
        "6-18-02-04": (7, 1, 1)
    }
    totals = selectors.demand_totals(selectors.DemandFilters(year=year))
    assert (totals.headcount, totals.enterprises, totals.lines, totals.high_skill) == (17, 2, 4, 14)


def test_a_returned_survey_leaves_the_figures(answered):
    survey = selectors.own_survey(answered.users["enterprise"], answered.year)
    services.survey_decide(
        user=answered.users["office"], survey=survey, accept=False, comment="核实"
    )
    assert rows("cluster", year=answered.year) == {"equipment": (9, 1, 2)}


def test_the_indicator_figures(answered):
    years = [answered.year - 1, answered.year]
    for key, expected in [
        ("talent_surveyed_enterprises", [1, 2]),
        ("talent_demand_headcount", [4, 17]),
        ("talent_high_skill_demand", [0, 14]),
    ]:
        source = source_get(key)
        assert source is not None and source.module == "产业人才"
        assert source.compute(years) == {
            (None, y): Decimal(v) for y, v in zip(years, expected, strict=True)
        }
