"""Target progress: latest value, gap, status and the projection that explains it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhijiao.indicators.data import TargetStatus
from zhijiao.indicators.models import Comparator, Indicator, Target, TargetScope
from zhijiao.indicators.selectors import project, targets_progress, targets_queryset, trend_fit

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 6, 30)
END_2025 = dt.date(2025, 12, 31)


@pytest.fixture
def target(monitoring):
    def make(indicator: str, comparator: str = Comparator.GE, value: float = 90, **kw) -> Target:
        return Target.objects.create(
            key=kw.pop("key", indicator.lower().replace("_", "-")),
            name=kw.pop("name", f"{indicator} 目标"),
            indicator=monitoring.indicators[indicator],
            comparator=comparator,
            value=Decimal(str(value)),
            deadline=kw.pop("deadline", END_2025),
            first_year=kw.pop("first_year", 2021),
            **kw,
        )

    return make


@pytest.fixture
def dual_share(reported):
    """甲职校's 双师型 share by year: 100 专业课教师, so the share is the number of 双师型."""

    def fill(series: dict[int, int], unit: str = "甲职校") -> None:
        for year, share in series.items():
            reported("SCHOOL_BASIC", unit, str(year), {"TEACHER_PRO": 100, "TEACHER_DUAL": share})

    return fill


def _progress(target, today=TODAY):
    [progress] = targets_progress([target], today=today)
    return progress


def test_met(target, dual_share):
    dual_share({2022: 85, 2023: 92})

    progress = _progress(target("DUAL_SHARE"))

    assert progress.status == TargetStatus.MET and progress.status_label == "已达成"
    assert (progress.value, progress.value_year, progress.gap) == (92, 2023, 0)
    assert progress.series == [(2021, None), (2022, 85), (2023, 92), (2024, None)]
    assert progress.projection.method == "2023 年达到目标（按期），最新为 2023 年数据。"


def test_met_late(target, dual_share):
    dual_share({2022: 85, 2023: 92})

    progress = _progress(target("DUAL_SHARE", deadline=dt.date(2022, 12, 31)))

    assert progress.status == TargetStatus.MET
    assert progress.projection.method == "2023 年达到目标（逾期），最新为 2023 年数据。"


def test_on_track_when_the_trend_reaches_the_target_by_the_deadline(target, dual_share):
    dual_share({2021: 70, 2022: 75, 2023: 80})

    progress = _progress(target("DUAL_SHARE"))

    assert progress.status == TargetStatus.ON_TRACK
    assert (progress.value, progress.gap) == (80, 10)
    assert progress.projection.value == 90  # least squares: 5 a year, 80 + 2 × 5
    method = progress.projection.method
    assert "2021—2023 年 3 个年度值" in method and "最小二乘法" in method
    assert "每年约 +5.0%" in method and "预计 2025 年为 90.0%" in method


def test_at_risk_when_the_trend_falls_short(target, dual_share):
    dual_share({2021: 70, 2022: 71, 2023: 72})

    progress = _progress(target("DUAL_SHARE"))

    assert progress.status == TargetStatus.AT_RISK and progress.status_label == "有风险"
    assert progress.projection.value == 74
    assert progress.gap == 18


def test_at_risk_with_a_single_year_since_no_trend_can_be_drawn(target, dual_share):
    dual_share({2023: 80})

    progress = _progress(target("DUAL_SHARE"))

    assert progress.status == TargetStatus.AT_RISK
    assert progress.projection.value is None
    assert "仅有 2023 年 1 个年度值" in progress.projection.method


def test_not_met_once_the_deadline_has_passed(target, dual_share):
    dual_share({2021: 70, 2022: 80, 2023: 85})

    progress = _progress(target("DUAL_SHARE", deadline=dt.date(2022, 12, 31)))

    assert progress.status == TargetStatus.NOT_MET
    assert (progress.value, progress.gap) == (85, 5)
    assert progress.projection.method == "期限（2022年12月31日）已过，按最新值判断未达成。"


def test_no_data(target):
    progress = _progress(target("DUAL_SHARE"))

    assert progress.status == TargetStatus.NO_DATA
    assert progress.value is progress.gap is progress.value_year is None
    assert progress.projection.value is None and "尚无数据" in progress.projection.method


def test_gap_of_an_upper_limit(target, dual_share):
    dual_share({2023: 35})

    progress = _progress(target("DUAL_SHARE", Comparator.LE, 30))

    assert progress.gap == 5
    assert progress.comparator_label == "不高于"


def test_recurring_target_is_judged_on_the_last_complete_year(target, dual_share):
    # Met in 2021 and 2022, missed in 2023: a target to meet every year is not met.
    dual_share({2021: 95, 2022: 92, 2023: 85})

    progress = _progress(target("DUAL_SHARE", recurring=True))

    assert progress.status == TargetStatus.NOT_MET
    assert progress.value_year == 2023


def test_recurring_target_met_last_year(target, dual_share):
    dual_share({2022: 85, 2023: 91})

    assert _progress(target("DUAL_SHARE", recurring=True)).status == TargetStatus.MET


@pytest.fixture
def training_this_year(reported):
    """甲职校 trained ``per_quarter`` people a quarter in 2024's first ``quarters`` quarters,
    against 100 students last reported in 2023."""

    def fill(per_quarter: int, quarters: int) -> None:
        reported("SCHOOL_BASIC", "甲职校", "2023", {"ENROLMENT": 100})
        reported("SCHOOL_TRAINING", "甲职校", "2023Q1", {"TRAIN_PT.VETERAN": 250})
        for quarter in range(1, quarters + 1):
            reported(
                "SCHOOL_TRAINING", "甲职校", f"2024Q{quarter}", {"TRAIN_PT.VETERAN": per_quarter}
            )

    return fill


def test_recurring_target_this_year_is_judged_at_the_pace_so_far(target, training_this_year):
    training_this_year(per_quarter=50, quarters=2)

    progress = _progress(target("TRAINING_RATIO", value=2, recurring=True), dt.date(2024, 7, 15))

    assert progress.status == TargetStatus.ON_TRACK
    # this year's training so far ÷ the students last reported (2023)
    assert (progress.value, progress.value_year) == (1, 2024)
    assert progress.projection.value == 2
    assert progress.projection.method == "本年度截至第二季度为 1.00倍，按进度折算全年约 2.00倍。"


def test_recurring_target_this_year_behind_pace_is_at_risk(target, training_this_year):
    training_this_year(per_quarter=40, quarters=2)

    progress = _progress(target("TRAINING_RATIO", value=2, recurring=True), dt.date(2024, 7, 15))

    assert progress.status == TargetStatus.AT_RISK
    assert progress.projection.value == Decimal("1.6")


def test_recurring_share_this_year_is_not_scaled_by_pace(target, dual_share):
    dual_share({2023: 95, 2024: 60})

    progress = _progress(target("DUAL_SHARE", recurring=True), dt.date(2024, 6, 30))

    assert progress.status == TargetStatus.AT_RISK
    assert progress.projection.value != 240


def test_recurring_yearly_figure_reported_in_december_is_not_scaled(monitoring, target, reported):
    Indicator.objects.create(code="GRADUATES", name="毕业生数", numerator="#{GRADUATES}")
    monitoring.indicators["GRADUATES"] = Indicator.objects.get(code="GRADUATES")
    reported("SCHOOL_SURVEY", "甲职校", "2024", {"GRADUATES": 90})

    progress = _progress(target("GRADUATES", value=100, recurring=True), dt.date(2024, 12, 20))

    assert progress.status == TargetStatus.AT_RISK  # 90 for the whole of 2024, not 120


def test_increase_is_met_when_the_latest_year_beats_the_one_before(target, reported):
    reported("SCHOOL_BASIC", "甲职校", "2022", {"ENROLMENT": 1000})
    reported("SCHOOL_BASIC", "甲职校", "2023", {"ENROLMENT": 1100})

    progress = _progress(target("ENROLMENT", Comparator.INCREASE, 0, recurring=True))

    assert progress.status == TargetStatus.MET
    assert progress.gap is None  # "逐年增长" has no distance to a fixed value
    assert progress.comparator_label == "逐年增长"


def test_increase_is_not_met_when_the_latest_year_fell(target, reported):
    reported("SCHOOL_BASIC", "甲职校", "2022", {"ENROLMENT": 1100})
    reported("SCHOOL_BASIC", "甲职校", "2023", {"ENROLMENT": 1000})

    progress = _progress(target("ENROLMENT", Comparator.INCREASE, 0, recurring=True))

    assert progress.status == TargetStatus.NOT_MET


def test_increase_on_track_when_the_trend_still_rises(target, reported):
    for year, enrolment in [(2021, 900), (2022, 1100), (2023, 1050)]:
        reported("SCHOOL_BASIC", "甲职校", str(year), {"ENROLMENT": enrolment})

    progress = _progress(target("ENROLMENT", Comparator.INCREASE, 0))

    assert progress.status == TargetStatus.ON_TRACK
    assert progress.projection.value > 1050


@pytest.fixture
def training(reported):
    """Each school's training ratio for 2023: trainees (one quarter) ÷ 100 students."""

    def fill(ratios: dict[str, float]) -> None:
        for school, ratio in ratios.items():
            reported("SCHOOL_BASIC", school, "2023", {"ENROLMENT": 100})
            reported("SCHOOL_TRAINING", school, "2023Q2", {"TRAIN_PT.VETERAN": int(ratio * 100)})

    return fill


def test_each_school_target_is_decided_by_the_worst_school(target, training):
    training({"甲职校": 2.5, "乙职校": 1.5})

    progress = _progress(
        target(
            "TRAINING_RATIO", value=2, scope=TargetScope.EACH_SCHOOL, deadline=dt.date(2023, 12, 31)
        )
    )

    assert progress.value == 2  # the city as a whole reaches 2 …
    assert progress.status == TargetStatus.NOT_MET  # … but 乙职校 does not
    assert [(u.unit_name, u.value, u.status) for u in progress.units] == [
        ("乙职校", Decimal("1.5"), TargetStatus.NOT_MET),
        ("甲职校", Decimal("2.5"), TargetStatus.MET),
    ]
    assert progress.units_met == 1
    assert progress.note == "1/2 所学校达标"


def test_each_school_target_without_every_school_reporting(target, training):
    training({"甲职校": 3})

    progress = _progress(target("TRAINING_RATIO", value=2, scope=TargetScope.EACH_SCHOOL))

    assert progress.status == TargetStatus.NO_DATA
    assert {u.unit_name: u.status for u in progress.units} == {
        "甲职校": TargetStatus.MET,
        "乙职校": TargetStatus.NO_DATA,
    }
    assert progress.note == "1/2 所学校达标"


def test_each_school_target_met_by_every_school(target, training):
    training({"甲职校": 3, "乙职校": 2})

    progress = _progress(target("TRAINING_RATIO", value=2, scope=TargetScope.EACH_SCHOOL))

    assert progress.status == TargetStatus.MET
    assert progress.note == "2/2 所学校达标"


def test_city_target_lists_only_schools_with_figures(target, dual_share):
    dual_share({2023: 95})

    progress = _progress(target("DUAL_SHARE"))

    assert [u.unit_name for u in progress.units] == ["甲职校"]
    assert progress.note == ""


def test_old_data_is_pointed_out(target, dual_share):
    dual_share({2021: 95})

    progress = _progress(target("DUAL_SHARE"))

    assert progress.status == TargetStatus.MET
    assert progress.note == "最新数据为 2021 年"


def test_every_target_with_its_tasks_in_order(monitoring, target, dual_share):
    dual_share({2023: 95})
    first = target("DUAL_SHARE", key="dual", position=2)
    first.tasks.set([monitoring.tasks[4], monitoring.tasks[1]])
    target("ENROLMENT", key="enrolment", position=1)

    progress = targets_progress(today=TODAY)

    assert [p.key for p in progress] == ["enrolment", "dual"]
    assert progress[1].tasks == [1, 4]
    assert [t.key for t in targets_queryset()] == ["enrolment", "dual"]


def test_trend_fit_is_the_least_squares_line():
    slope, intercept = trend_fit(
        [(2021, Decimal(1)), (2022, None), (2023, Decimal(2)), (2024, Decimal(4))]
    )

    # x̄ = 2022.667, ȳ = 2.333, slope = Σ(x−x̄)(y−ȳ) / Σ(x−x̄)² = 4.333 / 4.667
    assert slope.quantize(Decimal("0.0001")) == Decimal("0.9286")
    assert (intercept + slope * 2025).quantize(Decimal("0.01")) == Decimal("4.50")
    assert trend_fit([(2021, Decimal(1)), (2022, None)]) is None


def test_projection_reads_the_line_at_the_year():
    projection = project([(2022, Decimal(10)), (2023, Decimal(12))], 2025, decimals=0, unit="个")

    assert projection.value == 16
    assert projection.method == (
        "按 2022—2023 年 2 个年度值的线性趋势（最小二乘法）外推：每年约 +2个，预计 2025 年为 16个。"
    )


def test_the_overview_is_cached_until_the_next_audited_change(monitoring, reported, settings):
    from django.core.cache import cache

    from zhijiao.core import audit
    from zhijiao.core.models import AuditAction

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    Target.objects.create(
        key="enrolment",
        name="在校生规模",
        indicator=monitoring.indicators["ENROLMENT"],
        comparator=">=",
        value=1,
        deadline=dt.date(monitoring.today.year + 1, 12, 31),
        first_year=monitoring.today.year - 2,
    )
    audit.record(AuditAction.CREATE, object_type="indicators.Target", message="given")
    before = targets_progress()[0]
    reported("SCHOOL_BASIC", "甲职校", monitoring.last_year, {"ENROLMENT": 1200})

    # written without an audit row: the cached figures stand
    assert targets_progress()[0].value == before.value
    # any audited change lets the next read compute afresh
    audit.record(AuditAction.UPDATE, object_type="indicators.Submission", message="报送")
    assert targets_progress()[0].value == 1200
    cache.clear()
