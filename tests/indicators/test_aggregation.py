"""Aggregation: over the periods of a year, over units, over disaggregations; indicators as the
ratio of aggregates; only reported data counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from zhijiao.indicators.models import DataElement, Indicator, SubmissionStatus
from zhijiao.indicators.selectors import element_values, indicators_values
from zhijiao.orgs.models import Unit
from zhijiao.plan.models import SchoolPlan

pytestmark = pytest.mark.django_db

YEAR = 2023


def _city(monitoring, code, years=(YEAR,)):
    indicator = monitoring.indicators[code]
    return indicators_values([indicator], list(years))[indicator.pk].city


def _unit(monitoring, code, unit, years=(YEAR,)):
    indicator = monitoring.indicators[code]
    values = indicators_values([indicator], list(years))[indicator.pk]
    return values.units.get(monitoring.units[unit].pk, {})


def test_quarters_of_a_year_add_up_for_a_sum(monitoring, reported):
    for quarter, (veterans, migrants) in enumerate([(10, 100), (20, 200), (30, 300)], start=1):
        reported(
            "SCHOOL_TRAINING",
            "甲职校",
            f"{YEAR}Q{quarter}",
            {"TRAIN_PT.VETERAN": veterans, "TRAIN_PT.MIGRANT": migrants},
        )
    reported("SCHOOL_TRAINING", "甲职校", f"{YEAR + 1}Q1", {"TRAIN_PT.VETERAN": 999})
    school = monitoring.units["甲职校"].pk

    values = element_values(["TRAIN_PT"], [YEAR])

    assert values[(school, YEAR, "TRAIN_PT", "VETERAN")] == 60
    assert values[(school, YEAR, "TRAIN_PT", "MIGRANT")] == 600
    assert values[(school, YEAR, "TRAIN_PT", "")] == 660  # the total over options
    assert {k[1] for k in values} == {YEAR}  # next year's first quarter is not this year's


def test_quarters_of_a_year_are_averaged_for_an_average(monitoring, reported):
    for quarter, score in [(1, 80), (2, 85), (4, 96)]:
        reported("SCHOOL_TRAINING", "甲职校", f"{YEAR}Q{quarter}", {"SATISFACTION": score})

    values = element_values(["SATISFACTION"], [YEAR])

    assert values[(monitoring.units["甲职校"].pk, YEAR, "SATISFACTION", "")] == Decimal(87)


def test_latest_quarter_wins_for_latest_whatever_the_order_it_was_entered_in(monitoring, reported):
    for quarter, trainers in [(3, 12), (1, 8), (2, 10)]:
        reported("SCHOOL_TRAINING", "甲职校", f"{YEAR}Q{quarter}", {"TRAINERS": trainers})

    values = element_values(["TRAINERS"], [YEAR])

    assert values[(monitoring.units["甲职校"].pk, YEAR, "TRAINERS", "")] == 12


def test_units_add_up_for_sums_and_latest_values(monitoring, reported):
    reported("SCHOOL_BASIC", "甲职校", str(YEAR), {"ENROLMENT": 1200})
    reported("SCHOOL_BASIC", "乙职校", str(YEAR), {"ENROLMENT": 3000})

    assert _city(monitoring, "ENROLMENT") == {YEAR: Decimal(4200)}
    assert _unit(monitoring, "ENROLMENT", "甲职校") == {YEAR: Decimal(1200)}


def test_units_are_averaged_for_averages(monitoring, reported):
    reported("SCHOOL_BASIC", "甲职校", str(YEAR), {"PASS_RATE": 80})
    reported("SCHOOL_BASIC", "乙职校", str(YEAR), {"PASS_RATE": 91})

    assert _city(monitoring, "PASS_RATE") == {YEAR: Decimal("85.5")}


def test_a_disaggregation_is_referred_to_alone_or_in_total(monitoring, reported):
    reported(
        "SCHOOL_TRAINING", "甲职校", f"{YEAR}Q1", {"TRAIN_PT.VETERAN": 40, "TRAIN_PT.MIGRANT": 60}
    )
    reported("SCHOOL_TRAINING", "乙职校", f"{YEAR}Q1", {"TRAIN_PT.VETERAN": 5})
    reported("SCHOOL_BASIC", "甲职校", str(YEAR), {"ENROLMENT": 50})
    reported("SCHOOL_BASIC", "乙职校", str(YEAR), {"ENROLMENT": 50})

    assert _city(monitoring, "VETERANS_TRAINED") == {YEAR: Decimal(45)}
    assert _city(monitoring, "TRAINING_RATIO") == {YEAR: Decimal("1.05")}  # 105 / 100
    assert _unit(monitoring, "TRAINING_RATIO", "甲职校") == {YEAR: Decimal(2)}


def test_city_share_is_the_ratio_of_sums_not_the_average_of_school_shares(monitoring, reported):
    reported("SCHOOL_BASIC", "甲职校", str(YEAR), {"TEACHER_PRO": 100, "TEACHER_DUAL": 90})
    reported("SCHOOL_BASIC", "乙职校", str(YEAR), {"TEACHER_PRO": 900, "TEACHER_DUAL": 10})

    city = _city(monitoring, "DUAL_SHARE")[YEAR]

    assert city == Decimal(10)  # 100 × (90 + 10) ÷ (100 + 900)
    assert _unit(monitoring, "DUAL_SHARE", "甲职校")[YEAR] == Decimal(90)
    assert _unit(monitoring, "DUAL_SHARE", "乙职校")[YEAR].quantize(Decimal("0.001")) == Decimal(
        "1.111"
    )
    # the average of the schools' shares would have been about 45.6


@pytest.mark.parametrize(
    ("status", "counted"),
    [
        (SubmissionStatus.OPEN, False),
        (SubmissionStatus.RETURNED, False),
        (SubmissionStatus.AWAITING_BUREAU, True),
        (SubmissionStatus.AWAITING_OFFICE, True),
        (SubmissionStatus.APPROVED, True),
    ],
)
def test_only_reported_data_counts(monitoring, reported, status, counted):
    reported("SCHOOL_BASIC", "甲职校", str(YEAR), {"ENROLMENT": 1000})
    reported("SCHOOL_BASIC", "乙职校", str(YEAR), {"ENROLMENT": 7}, status=status)

    assert _city(monitoring, "ENROLMENT") == {YEAR: Decimal(1007 if counted else 1000)}


def test_a_figure_from_a_registered_source_feeds_a_formula(monitoring, reported):
    # 职业院校数 is not typed in: the school_count source counts the active schools.
    reported("SCHOOL_BASIC", "甲职校", str(YEAR), {"HAS_CHARTER": 1})
    reported("SCHOOL_BASIC", "乙职校", str(YEAR), {"HAS_CHARTER": 0})
    schools = {monitoring.units["甲职校"].pk, monitoring.units["乙职校"].pk}

    counted = element_values(["SCHOOLS"], [YEAR])

    assert counted == {(pk, YEAR, "SCHOOLS", ""): Decimal(1) for pk in schools}
    assert _city(monitoring, "CHARTER_SHARE") == {YEAR: Decimal(50)}  # 100 × 1 ÷ 2
    assert _unit(monitoring, "CHARTER_SHARE", "甲职校") == {YEAR: Decimal(100)}
    assert _unit(monitoring, "CHARTER_SHARE", "乙职校") == {YEAR: Decimal(0)}


def test_an_inactive_school_is_not_counted_by_the_source(monitoring, reported):
    Unit.objects.filter(name="乙职校").update(is_active=False)
    reported("SCHOOL_BASIC", "甲职校", str(YEAR), {"HAS_CHARTER": 1})

    assert _city(monitoring, "CHARTER_SHARE") == {YEAR: Decimal(100)}


def test_a_school_counts_as_having_filed_its_plan_from_the_year_it_did(monitoring, small_plan):
    Indicator.objects.create(
        code="PLAN_SHARE",
        name="制定一校一案的学校比例",
        numerator="#{PLAN_FILED}",
        denominator="#{SCHOOLS}",
        factor=100,
    )
    DataElement.objects.create(code="PLAN_FILED", name="已制定一校一案", source="school_plan_filed")
    filed = SchoolPlan.objects.create(
        plan=small_plan.plan,
        school=monitoring.units["甲职校"],
        title="甲职校实施方案",
        summary="……",
        updated_by=monitoring.users["school"],
    )
    SchoolPlan.objects.filter(pk=filed.pk).update(
        created_at=dt.datetime(2022, 3, 1, 9, tzinfo=timezone.get_current_timezone())
    )
    indicator = Indicator.objects.get(code="PLAN_SHARE")

    values = indicators_values([indicator], [2021, 2022])[indicator.pk]

    assert values.city == {2021: Decimal(0), 2022: Decimal(50)}  # no school, then 1 of 2
    assert values.units[monitoring.units["甲职校"].pk] == {2021: 0, 2022: 100}


def test_zero_denominator_gives_no_value(monitoring, reported):
    reported("SCHOOL_BASIC", "甲职校", str(YEAR), {"TEACHER_PRO": 0, "TEACHER_DUAL": 0})
    reported("SCHOOL_BASIC", "乙职校", str(YEAR), {"TEACHER_PRO": 50, "TEACHER_DUAL": 25})

    assert _unit(monitoring, "DUAL_SHARE", "甲职校") == {YEAR: None}
    assert _unit(monitoring, "DUAL_SHARE", "乙职校") == {YEAR: Decimal(50)}
    assert _city(monitoring, "DUAL_SHARE") == {YEAR: Decimal(50)}


def test_a_year_without_figures_has_no_value(monitoring, reported):
    reported("SCHOOL_BASIC", "甲职校", str(YEAR), {"ENROLMENT": 1000})

    assert _city(monitoring, "ENROLMENT", years=(YEAR - 1, YEAR)) == {
        YEAR - 1: None,
        YEAR: Decimal(1000),
    }


def test_this_years_flows_are_set_against_the_stocks_last_reported(monitoring, reported):
    # 2024's training is reported quarter by quarter; enrolment only once a year.
    for school in ("甲职校", "乙职校"):
        reported("SCHOOL_BASIC", school, "2023", {"ENROLMENT": 100})
        reported("SCHOOL_TRAINING", school, "2024Q1", {"TRAIN_PT.VETERAN": 150})

    assert _city(monitoring, "TRAINING_RATIO", years=(2023, 2024)) == {
        2023: None,  # no training reported for 2023
        2024: Decimal("1.5"),  # 300 ÷ the 200 students of 2023
    }
    assert _unit(monitoring, "TRAINING_RATIO", "甲职校", years=(2023, 2024))[2024] == Decimal("1.5")


def test_an_indicator_of_stocks_only_is_not_carried_forward(monitoring, reported):
    reported("SCHOOL_BASIC", "甲职校", "2023", {"TEACHER_PRO": 100, "TEACHER_DUAL": 80})

    assert _city(monitoring, "DUAL_SHARE", years=(2023, 2024)) == {2023: Decimal(80), 2024: None}


def test_city_ratio_carries_each_schools_own_stock_forward(monitoring, reported):
    for school in ("甲职校", "乙职校"):
        reported("SCHOOL_BASIC", school, "2023", {"ENROLMENT": 100})
        reported("SCHOOL_TRAINING", school, "2024Q1", {"TRAIN_PT.VETERAN": 100})
    reported("SCHOOL_BASIC", "甲职校", "2024", {"ENROLMENT": 100})  # 乙职校 not yet

    assert _unit(monitoring, "TRAINING_RATIO", "乙职校", years=(2023, 2024))[2024] == 1
    assert (
        _city(monitoring, "TRAINING_RATIO", years=(2023, 2024))[2024] == 1
    )  # 200 ÷ 200, not 200 ÷ 100


def test_several_indicators_at_once_in_a_fixed_number_of_queries(
    monitoring, reported, django_assert_max_num_queries
):
    for unit in ("甲职校", "乙职校"):
        reported("SCHOOL_BASIC", unit, str(YEAR), {"ENROLMENT": 100, "TEACHER_PRO": 10})
        for quarter in range(1, 5):
            reported("SCHOOL_TRAINING", unit, f"{YEAR}Q{quarter}", {"TRAIN_PT.VETERAN": 50})
    indicators = list(monitoring.indicators.values())

    with django_assert_max_num_queries(5):
        values = indicators_values(indicators, [YEAR - 1, YEAR])

    assert values[monitoring.indicators["TRAINING_RATIO"].pk].city[YEAR] == 2
