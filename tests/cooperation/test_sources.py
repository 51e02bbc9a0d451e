"""The registries' figures for the indicators: each counted per owning unit and year (on 31
December) from the records, so a target computed from them moves when a record is added."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.cooperation.conftest import D
from zhijiao.cooperation import services
from zhijiao.cooperation.data import BaseLevel, EnterpriseLevel, GroupLevel, PilotLevel, PilotRank
from zhijiao.indicators.models import DataElement, Indicator, Target
from zhijiao.indicators.selectors import indicators_values, targets_progress
from zhijiao.indicators.sources import source_get, sources_all

YEARS = [2021, 2022, 2023, 2024]
KEYS = [
    "famous_projects",
    "x_pilot_demonstrations",
    "demonstration_groups",
    "backbone_groups",
    "provincial_cpe",
    "municipal_cpe",
    "shared_training_bases",
    "apprenticeship_programmes",
    "apprentices",
    "school_charter",
    "school_council",
    "sanquan_pilot_schools",
    "ideology_cases",
]


def compute(key: str, years: list[int] = YEARS) -> dict[tuple[int | None, int], Decimal]:
    source = source_get(key)
    assert source is not None, f"{key} is not registered"
    return dict(source.compute(years))


def city(key: str, years: list[int] = YEARS) -> dict[int, int]:
    figures = compute(key, years)
    return {y: int(sum(v for (_, year), v in figures.items() if year == y)) for y in years}


def unit_years(key: str, unit_id: int | None) -> dict[int, int]:
    figures = compute(key)
    return {y: int(figures[(u, y)]) for u, y in sorted(k for k in figures if k[0] == unit_id)}


def test_every_figure_is_registered_in_the_plug_in_point():
    registered = {s.key: s for s in sources_all()}
    for key in KEYS:
        assert key in registered and registered[key].name, key
        assert registered[key].module in {"校企合作", "学校治理"}


def test_with_no_records_every_figure_is_zero(coop):
    for key in KEYS:
        assert set(compute(key).values()) <= {Decimal(0)}, key
    a = coop.units["甲职校"].pk
    assert unit_years("famous_projects", a) == {y: 0 for y in YEARS}
    assert unit_years("school_charter", a) == {y: 0 for y in YEARS}


def test_projects_count_from_their_start_until_terminated(coop, make):
    make.project(started_on=D(2021, 12, 31))
    ended = make.project(started_on=D(2022, 3, 1))
    make.project(school="乙职校", started_on=D(2023, 5, 1))
    services.project_terminate(
        user=coop.users["office"], project=ended, terminated_on=D(2023, 12, 31), reason="中止"
    )

    assert city("famous_projects") == {2021: 1, 2022: 2, 2023: 2, 2024: 2}
    assert unit_years("famous_projects", coop.units["乙职校"].pk) == {
        2021: 0,
        2022: 0,
        2023: 1,
        2024: 1,
    }


def test_levels_count_as_they_stood_on_31_december(coop, make):
    record = make.cpe()
    make.decide(record, EnterpriseLevel.CULTIVATION, D(2021, 4, 1))
    make.decide(record, EnterpriseLevel.MUNICIPAL, D(2021, 12, 31))
    make.decide(record, EnterpriseLevel.PROVINCIAL, D(2023, 1, 2))
    make.decide(record, EnterpriseLevel.REMOVED, D(2024, 6, 1))

    assert city("municipal_cpe") == {2021: 1, 2022: 1, 2023: 1, 2024: 0}
    assert city("provincial_cpe") == {2021: 0, 2022: 0, 2023: 1, 2024: 0}
    assert unit_years("provincial_cpe", coop.units["某企业"].pk)[2023] == 1


def test_groups_by_level(coop, make):
    group = make.group(founded_on=D(2021, 3, 1))
    other = make.group(lead="乙职校", founded_on=D(2022, 3, 1))
    make.decide(group, GroupLevel.BACKBONE, D(2021, 6, 1))
    make.decide(group, GroupLevel.DEMONSTRATION, D(2022, 9, 1))
    make.decide(other, GroupLevel.BACKBONE, D(2022, 5, 1))
    make.decide(other, GroupLevel.DISSOLVED, D(2024, 1, 1))

    assert city("backbone_groups") == {2021: 1, 2022: 1, 2023: 1, 2024: 0}
    assert city("demonstration_groups") == {2021: 0, 2022: 1, 2023: 1, 2024: 1}


def test_pilots_count_once_selected_and_until_stopped(coop, make):
    pilot = make.pilot(started_on=D(2020, 9, 1))
    make.pilot(started_on=D(2020, 9, 1))  # never selected
    make.decide(pilot, PilotLevel.DEMONSTRATION, D(2021, 10, 22))
    make.decide(pilot, PilotLevel.STOPPED, D(2024, 9, 1))

    assert city("x_pilot_demonstrations") == {2021: 1, 2022: 1, 2023: 1, 2024: 0}


def test_shared_bases_count_while_open(coop, make):
    base = make.base(opened_on=D(2022, 9, 1))
    make.base(opened_on=D(2021, 9, 1), shared=False)
    make.decide(base, BaseLevel.MUNICIPAL, D(2023, 3, 1))
    make.decide(base, BaseLevel.CLOSED, D(2024, 3, 1))

    assert city("shared_training_bases") == {2021: 0, 2022: 1, 2023: 1, 2024: 0}


def test_programmes_and_apprentices_under_agreement(coop, make):
    programme = make.apprenticeship(started_on=D(2021, 9, 1), ended_on=D(2023, 12, 31))
    make.apprentice(programme, signed_on=D(2021, 9, 20), left_on=D(2022, 12, 31))
    make.apprentice(programme, signed_on=D(2022, 9, 20), left_on=D(2022, 12, 30))
    make.apprentice(programme, signed_on=D(2022, 9, 20))

    assert city("apprenticeship_programmes") == {2021: 1, 2022: 1, 2023: 1, 2024: 0}
    assert city("apprentices") == {2021: 1, 2022: 2, 2023: 1, 2024: 1}


def test_governance_figures_per_school(coop, make):
    make.governance(charter_approved_on=D(2021, 6, 1), council_founded_on=D(2022, 3, 1))
    make.sanquan(approved_on=D(2022, 6, 10), ended_on=D(2023, 12, 31))
    make.sanquan(rank=PilotRank.PROVINCIAL, approved_on=D(2022, 9, 1))
    make.case(year=2022)
    make.case(year=2023)
    a = coop.units["甲职校"].pk

    assert unit_years("school_charter", a) == {2021: 1, 2022: 1, 2023: 1, 2024: 1}
    assert unit_years("school_council", a) == {2021: 0, 2022: 1, 2023: 1, 2024: 1}
    assert unit_years("sanquan_pilot_schools", a) == {2021: 0, 2022: 1, 2023: 1, 2024: 1}
    assert unit_years("ideology_cases", a) == {2021: 0, 2022: 1, 2023: 2, 2024: 2}
    assert unit_years("school_charter", coop.units["乙职校"].pk) == {y: 0 for y in YEARS}


def element_and_indicator(code: str, source: str) -> Indicator:
    DataElement.objects.create(
        code=code, name=code, unit_of_measure="个", aggregation="latest", source=source
    )
    return Indicator.objects.create(
        code=f"{code}_IND", name=code, numerator=f"#{{{code}}}", unit_of_measure="个"
    )


@pytest.mark.parametrize(
    ("key", "add"),
    [
        ("famous_projects", lambda make: make.project(school="乙职校", started_on=D(2022, 5, 1))),
        (
            "provincial_cpe",
            lambda make: [
                make.decide(r, level, day)
                for r in [make.cpe("另一企业", applied_on=D(2021, 1, 1))]
                for level, day in (
                    (EnterpriseLevel.CULTIVATION, D(2021, 2, 1)),
                    (EnterpriseLevel.MUNICIPAL, D(2021, 6, 1)),
                    (EnterpriseLevel.PROVINCIAL, D(2022, 5, 1)),
                )
            ],
        ),
        (
            "backbone_groups",
            lambda make: make.decide(make.group(lead="乙职校"), GroupLevel.BACKBONE, D(2022, 5, 1)),
        ),
        (
            "x_pilot_demonstrations",
            lambda make: make.decide(
                make.pilot(school="乙职校"), PilotLevel.DEMONSTRATION, D(2022, 5, 1)
            ),
        ),
    ],
)
def test_a_target_counted_from_a_registry_moves_when_a_record_is_added(coop, make, key, add):
    indicator = element_and_indicator("REG", key)
    before = indicators_values([indicator], [2021, 2022])[indicator.pk]

    add(make)
    after = indicators_values([indicator], [2021, 2022])[indicator.pk]

    assert before.city == {2021: 0, 2022: 0}
    assert after.city == {2021: 0, 2022: 1}


def test_the_city_overview_moves_when_a_record_is_added(coop, make, settings):
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    indicator = element_and_indicator("FAMOUS", "famous_projects")
    Target.objects.create(
        key="famous-enterprise-projects",
        name="打造10个名企名校合作项目",
        indicator=indicator,
        comparator=">=",
        value=10,
        deadline=dt.date(2025, 12, 31),
    )
    make.project(started_on=D(2022, 3, 1))
    before = targets_progress()[0]

    make.project(school="乙职校", started_on=D(2022, 3, 1))  # audited: the cache is renewed
    after = targets_progress()[0]

    assert (before.value, after.value) == (1, 2)
    assert after.gap == 8
    cache.clear()
