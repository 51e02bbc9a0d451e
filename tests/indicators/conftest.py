"""A small monitoring configuration on top of ``small_plan``.

甲职校 and 乙职校 report to their supervising bureau 教育局 (two-level approval); 人社局 reports
straight to the plan office. Windows depend on today (the services ask timezone.localdate()), so
periods are chosen relative to it: last year is open (no closing date), three years ago is closed,
next year is not open yet.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from zhijiao.core.periods import period_parse
from zhijiao.indicators.config import config_load
from zhijiao.indicators.models import (
    DataElement,
    DataSet,
    DataSetElement,
    DataValue,
    Indicator,
    Submission,
    SubmissionStatus,
)
from zhijiao.indicators.sources import register
from zhijiao.orgs.models import Unit, User
from zhijiao.orgs.roles import Role


@register("test_registered_dual", name="测试：登记在册的双师型教师数", unit_of_measure="人")
def registered_dual(years):
    """A registry's figure for tests: 甲职校 has 120 双师型 teachers on record every year."""
    school = Unit.objects.get(name="甲职校")
    return {(school.pk, year): Decimal(120) for year in years}


CONFIG: dict[str, Any] = {
    "categories": [
        {
            "code": "TRAINEE",
            "name": "培训对象",
            "options": [
                {"code": "VETERAN", "name": "退役军人"},
                {"code": "MIGRANT", "name": "外来劳动者"},
            ],
        }
    ],
    "elements": [
        {"code": "ENROLMENT", "name": "全日制在校生数", "unit_of_measure": "人",
         "aggregation": "latest", "min_value": 0},
        {"code": "TEACHER_PRO", "name": "专业课教师数", "unit_of_measure": "人",
         "aggregation": "latest", "min_value": 0, "max_value": 5000},
        {"code": "TEACHER_DUAL", "name": "双师型教师数", "unit_of_measure": "人",
         "aggregation": "latest", "min_value": 0},
        {"code": "HAS_CHARTER", "name": "已制定学校章程", "value_type": "boolean",
         "aggregation": "latest"},
        {"code": "PASS_RATE", "name": "证书获取率", "unit_of_measure": "%",
         "value_type": "percentage", "aggregation": "average"},
        {"code": "REMARK", "name": "填报说明", "value_type": "text", "aggregation": "latest"},
        {"code": "TRAIN_PT", "name": "社会培训人次", "unit_of_measure": "人次",
         "aggregation": "sum", "min_value": 0, "category": "TRAINEE"},
        {"code": "SATISFACTION", "name": "培训满意度", "unit_of_measure": "分",
         "value_type": "number", "aggregation": "average", "min_value": 0, "max_value": 100},
        {"code": "TRAINERS", "name": "在岗培训师数", "unit_of_measure": "人",
         "aggregation": "latest", "min_value": 0},
        {"code": "GRADUATES", "name": "毕业生数", "unit_of_measure": "人",
         "aggregation": "sum", "min_value": 0},
        {"code": "WORKERS", "name": "全市从业人员数", "unit_of_measure": "人",
         "aggregation": "latest", "min_value": 0},
        {"code": "HIGH_SKILLED", "name": "高技能人才数", "unit_of_measure": "人",
         "aggregation": "latest", "min_value": 0},
        {"code": "SCHOOLS", "name": "职业院校数", "unit_of_measure": "所",
         "aggregation": "latest", "source": "school_count"},
    ],
    "data_sets": [
        {
            "code": "SCHOOL_BASIC",
            "name": "职业院校年度基本数据",
            "period_type": "year",
            "first_period": "2020",
            "expiry_days": None,
            "unit_groups": ["各职业院校"],
            "elements": ["ENROLMENT", "TEACHER_PRO", "TEACHER_DUAL", "HAS_CHARTER",
                         "PASS_RATE", "REMARK"],
            "rules": [
                {"name": "双师型教师不超过专业课教师", "left": "#{TEACHER_DUAL}",
                 "operator": "<=", "right": "#{TEACHER_PRO}", "severity": "error",
                 "message": "双师型教师数不能超过专业课教师数"},
                {"name": "生师比不高于30", "left": "#{ENROLMENT} / #{TEACHER_PRO}",
                 "operator": "<=", "right": "30", "severity": "warning",
                 "message": "生师比超过 30，请核实"},
            ],
        },
        {
            "code": "SCHOOL_TRAINING",
            "name": "职业院校社会培训（季度）",
            "period_type": "quarter",
            "first_period": "2020Q1",
            "opens_before_end_days": 15,
            "expiry_days": None,
            "unit_groups": ["各职业院校"],
            "elements": ["TRAIN_PT", "SATISFACTION", "TRAINERS"],
        },
        {
            "code": "SCHOOL_SURVEY",
            "name": "毕业生调查",
            "period_type": "year",
            "first_period": "2020",
            "expiry_days": 120,
            "unit_groups": ["各职业院校"],
            "elements": ["GRADUATES"],
        },
        {
            "code": "HRSS_ANNUAL",
            "name": "人社局年度数据",
            "period_type": "year",
            "first_period": "2020",
            "expiry_days": None,
            "units": ["人社局"],
            "elements": ["WORKERS", "HIGH_SKILLED"],
            "rules": [
                {"name": "高技能人才不超过从业人员", "left": "#{HIGH_SKILLED}",
                 "operator": "<=", "right": "#{WORKERS}", "severity": "error",
                 "message": "高技能人才数不能超过从业人员数"},
            ],
        },
    ],
    "indicators": [
        {"code": "DUAL_SHARE", "name": "双师型教师占比", "numerator": "#{TEACHER_DUAL}",
         "denominator": "#{TEACHER_PRO}", "factor": 100, "unit_of_measure": "%", "decimals": 1},
        {"code": "TRAINING_RATIO", "name": "培训人次与在校生之比", "numerator": "#{TRAIN_PT}",
         "denominator": "#{ENROLMENT}", "unit_of_measure": "倍", "decimals": 2},
        {"code": "VETERANS_TRAINED", "name": "退役军人培训人次",
         "numerator": "#{TRAIN_PT.VETERAN}", "unit_of_measure": "人次"},
        {"code": "CHARTER_SHARE", "name": "章程制定率", "numerator": "#{HAS_CHARTER}",
         "denominator": "#{SCHOOLS}", "factor": 100, "unit_of_measure": "%"},
        {"code": "ENROLMENT", "name": "全日制在校生数", "numerator": "#{ENROLMENT}",
         "unit_of_measure": "人"},
        {"code": "PASS_RATE", "name": "证书获取率", "numerator": "#{PASS_RATE}",
         "unit_of_measure": "%", "decimals": 1},
        {"code": "SATISFACTION", "name": "培训满意度", "numerator": "#{SATISFACTION}"},
        {"code": "TRAINERS", "name": "在岗培训师数", "numerator": "#{TRAINERS}"},
        {"code": "HIGH_SKILLED_PER_10K", "name": "每万名从业人员中高技能人才数",
         "numerator": "#{HIGH_SKILLED}", "denominator": "#{WORKERS}", "factor": 10000,
         "unit_of_measure": "人"},
    ],
}  # fmt: skip


@dataclass
class Monitoring:
    units: dict[str, Unit]
    users: dict[str, User]
    data_sets: dict[str, DataSet]
    indicators: dict[str, Indicator]
    tasks: dict[int, Any]
    today: dt.date

    @property
    def last_year(self) -> str:
        """A yearly period open for entry whatever today is (those data sets never close)."""
        return str(self.today.year - 1)

    @property
    def closed_year(self) -> str:
        """Closed in SCHOOL_SURVEY (it closes 120 days after the year ends)."""
        return str(self.today.year - 3)

    @property
    def next_year(self) -> str:
        """Not open yet (yearly data sets open 31 days before the year ends)."""
        return str(self.today.year + 1)


@pytest.fixture
def monitoring(small_plan) -> Monitoring:
    units = small_plan.units
    for name in ("甲职校", "乙职校"):
        units[name].parent = units["教育局"]
        units[name].save(update_fields=["parent"])
    users = dict(small_plan.users)
    users["school_b"] = UserFactory(
        username="school_b", role=Role.SCHOOL_CLERK, unit=units["乙职校"]
    )
    config_load(copy.deepcopy(CONFIG))
    DataSetElement.objects.filter(element__code="REMARK").update(required=False)
    return Monitoring(
        units=units,
        users=users,
        data_sets={d.code: d for d in DataSet.objects.all()},
        indicators={i.code: i for i in Indicator.objects.all()},
        tasks=small_plan.tasks,
        today=timezone.localdate(),
    )


Reporter = Callable[..., Submission]


@pytest.fixture
def reported(monitoring) -> Reporter:
    """Stores a unit's figures for a period directly, as if reported (approval pending).

    ``values`` maps "CODE" or "CODE.OPTION" to a number. Used by the read-side tests, which need
    figures for any past year without going through entry windows.
    """

    def report(
        data_set: str,
        unit: str,
        period: str,
        values: dict[str, Any],
        *,
        status: str = SubmissionStatus.AWAITING_OFFICE,
    ) -> Submission:
        ds = monitoring.data_sets[data_set]
        p = period_parse(ds.period_type, period)
        submission = Submission.objects.create(
            data_set=ds,
            unit=monitoring.units[unit],
            period_code=p.code,
            period_start=p.start,
            period_end=p.end,
            status=status,
        )
        elements = {e.code: e for e in DataElement.objects.all()}
        DataValue.objects.bulk_create(
            DataValue(
                submission=submission,
                element=elements[key.partition(".")[0]],
                option_code=key.partition(".")[2],
                number=Decimal(str(number)),
            )
            for key, number in values.items()
        )
        return submission

    return report
