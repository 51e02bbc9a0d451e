"""The registries' figures for the indicators: each counted per school and year from the records,
so a target computed from them moves when a record is added."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.people.conftest import CLOSES, OPENS, to_notice
from zhijiao.indicators.models import DataElement, Indicator
from zhijiao.indicators.selectors import indicators_values
from zhijiao.indicators.sources import source_get
from zhijiao.people import award_services, eaglet_services, registry_services, training_services
from zhijiao.people.data import (
    AwardRank,
    BaseKind,
    CompetitionLevel,
    MajorLevel,
    RecognitionKind,
    ThroughMode,
    TraineeGroup,
)

YEARS = [2021, 2022, 2023, 2024]


def compute(key: str, years: list[int] = YEARS) -> dict[tuple[int | None, int], Decimal]:
    source = source_get(key)
    assert source is not None, f"{key} is not registered"
    return dict(source.compute(years))


def by_year(figures, unit_id) -> dict[int, int]:
    return {
        y: int(v) for (u, y), v in sorted(figures.items(), key=lambda i: i[0][1]) if u == unit_id
    }


def test_every_source_answers_with_a_zero_for_every_school_and_year(people):
    keys = [
        "eaglets_honoured",
        "award_winners",
        "award_winners_world",
        "award_winners_national",
        "award_winners_provincial",
        "award_winners_city",
        "award_incentives_paid",
        "training_person_times",
        "training_person_times_veteran",
        "training_programmes",
        "majors_high_level",
        "majors_brand",
        "innovation_teams",
        "dual_bases",
        "through_enrolled",
        "through_intake",
    ]
    a, b = people.units["甲职校"].pk, people.units["乙职校"].pk
    for key in keys:
        assert compute(key) == {(u, y): 0 for u in (a, b) for y in YEARS}, key


def test_the_honoured_eaglets_count_once_the_list_is_published(bureaus, enrol):
    people = bureaus
    office = people.users["office"]
    round_ = eaglet_services.eaglet_round_create(
        user=office,
        data=eaglet_services.RoundData(
            year=2026, nomination_opens=OPENS, nomination_closes=CLOSES, places=3
        ),
    )
    eaglet_services.eaglet_quota_set(
        user=office, round_=round_, school=people.units["甲职校"], places=3
    )
    eaglet_services.eaglet_round_advance(user=office, round_=round_)
    _picked, today = to_notice(people, round_, 2, enrol)
    a = people.units["甲职校"].pk

    assert compute("eaglets_honoured", [2026])[(a, 2026)] == 0  # picked, not yet honoured
    eaglet_services.eaglet_round_advance(
        user=office, round_=round_, today=today + dt.timedelta(days=7)
    )
    assert compute("eaglets_honoured", [2026])[(a, 2026)] == 2


def test_awards_are_counted_by_level_and_incentives_by_the_year_paid(people, enrol):
    office = people.users["office"]
    competitions = {
        level: award_services.competition_create(
            user=office,
            data=award_services.CompetitionData(name=f"{level}赛", year=2023, level=level),
        )
        for level in (CompetitionLevel.NATIONAL, CompetitionLevel.CITY)
    }
    for level, count in ((CompetitionLevel.NATIONAL, 2), (CompetitionLevel.CITY, 3)):
        for _ in range(count):
            award_services.award_create(
                user=office,
                data=award_services.AwardData(
                    competition=competitions[level],
                    rank=AwardRank.FIRST,
                    student=enrol(),
                    incentive_amount=Decimal(10000) if level == CompetitionLevel.NATIONAL else None,
                    incentive_paid_on=dt.date(2024, 3, 1)
                    if level == CompetitionLevel.NATIONAL
                    else None,
                ),
            )
    a = people.units["甲职校"].pk

    assert compute("award_winners")[(a, 2023)] == 5
    assert compute("award_winners_national")[(a, 2023)] == 2
    assert compute("award_winners_city")[(a, 2023)] == 3
    assert by_year(compute("award_incentives_paid"), a) == {2021: 0, 2022: 0, 2023: 0, 2024: 20000}


def test_training_counts_in_the_year_it_ended_in_total_and_by_group(people):
    office = people.users["office"]
    for group, starts, ends, times in (
        (TraineeGroup.VETERAN, dt.date(2022, 12, 20), dt.date(2023, 1, 5), 100),
        (TraineeGroup.MIGRANT, dt.date(2023, 5, 1), dt.date(2023, 5, 9), 40),
        (TraineeGroup.VETERAN, dt.date(2022, 3, 1), dt.date(2022, 3, 9), 7),
    ):
        training_services.training_create(
            user=office,
            school=people.units["乙职校"],
            data=training_services.TrainingData(
                programme="电工",
                target_group=group,
                person_times=times,
                hours=16,
                starts_on=starts,
                ends_on=ends,
            ),
        )
    b = people.units["乙职校"].pk

    assert by_year(compute("training_person_times"), b) == {2021: 0, 2022: 7, 2023: 140, 2024: 0}
    assert compute("training_person_times_veteran")[(b, 2023)] == 100
    assert compute("training_programmes")[(b, 2023)] == 1  # one programme, two groups


def test_recognised_majors_teams_bases_and_through_students_are_stocks(people, register):
    office = people.users["office"]
    school = people.units["甲职校"]
    major = registry_services.major_create(
        user=office,
        school=school,
        data=registry_services.MajorData(code="660103", name="数控", level=MajorLevel.SECONDARY),
    )
    recognition = registry_services.recognition_add(
        user=office,
        major=major,
        data=registry_services.RecognitionData(kind=RecognitionKind.HIGH_LEVEL, granted_year=2022),
    )
    registry_services.recognition_revoke(user=office, recognition=recognition, revoked_year=2024)
    registry_services.team_create(
        user=office,
        school=school,
        data=registry_services.TeamData(name="团队", recognised_year=2023, lead=register()),
    )
    registry_services.base_create(
        user=office,
        data=registry_services.BaseData(name="校内基地", recognised_year=2022, school=school),
    )
    registry_services.base_create(
        user=office,
        data=registry_services.BaseData(
            name="企业基地", recognised_year=2023, enterprise=people.units["某企业"]
        ),
    )
    registry_services.base_create(
        user=office,
        data=registry_services.BaseData(
            name="实践基地", recognised_year=2021, school=school, kind=BaseKind.PRACTICE
        ),
    )
    programme = registry_services.through_create(
        user=office,
        data=registry_services.ThroughData(
            major=major, partner="某学院", mode=ThroughMode.SEGMENTED_3_3, started_year=2021
        ),
    )
    registry_services.through_year_record(
        user=office, programme=programme, year=2023, intake=90, enrolled=250
    )
    a = school.pk

    assert by_year(compute("majors_high_level"), a) == {2021: 0, 2022: 1, 2023: 1, 2024: 0}
    assert by_year(compute("innovation_teams"), a) == {2021: 0, 2022: 0, 2023: 1, 2024: 1}
    bases = compute("dual_bases")
    assert by_year(bases, a) == {2021: 0, 2022: 1, 2023: 1, 2024: 1}  # the practice base: not one
    assert by_year(bases, None) == {2023: 1, 2024: 1}  # the enterprise's own, for the city
    assert compute("through_enrolled")[(a, 2023)] == 250
    assert compute("through_intake")[(a, 2023)] == 90


def test_a_target_counted_from_the_registry_moves_when_a_record_is_added(people):
    office = people.users["office"]
    DataElement.objects.create(
        code="HLM", name="高水平专业（群）数", unit_of_measure="个", aggregation="latest",
        source="majors_high_level",
    )  # fmt: skip
    indicator = Indicator.objects.create(
        code="HIGH_LEVEL_MAJORS_REG",
        name="高水平专业（群）数",
        numerator="#{HLM}",
        unit_of_measure="个",
    )
    majors = [
        registry_services.major_create(
            user=office,
            school=people.units[school],
            data=registry_services.MajorData(code=code, name="专业", level=MajorLevel.SECONDARY),
        )
        for school, code in (("甲职校", "660103"), ("乙职校", "660301"))
    ]

    def recognise(major, year):
        registry_services.recognition_add(
            user=office,
            major=major,
            data=registry_services.RecognitionData(
                kind=RecognitionKind.HIGH_LEVEL, granted_year=year
            ),
        )

    recognise(majors[0], 2021)
    before = indicators_values([indicator], [2021, 2022])[indicator.pk]
    recognise(majors[1], 2022)
    after = indicators_values([indicator], [2021, 2022])[indicator.pk]

    assert before.city == {2021: 1, 2022: 1}
    assert after.city == {2021: 1, 2022: 2}
    assert after.units[people.units["乙职校"].pk] == {2021: 0, 2022: 1}
