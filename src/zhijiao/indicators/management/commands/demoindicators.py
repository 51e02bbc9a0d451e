"""`zhijiao demoindicators`: 2021 onwards of fictitious monitoring data that tells a story.

Most targets are met; the “双师型” share, the brand majors, the teaching teams and 一校一案 fall
short; this year's training at 华姿中专 is behind pace; 华姿中专 also reports late and has not
reported the third quarter yet (it was given an extension). 江阴职院 sends its training data by
Excel. Runs once, after `zhijiao demo` and `zhijiao loadindicators`; values are drawn with a fixed
seed, so two demos look the same.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijiao.core import audit
from zhijiao.core.models import AuditAction
from zhijiao.core.periods import Period, period_parse
from zhijiao.indicators import selectors
from zhijiao.indicators.models import (
    DataElement,
    DataSet,
    DataSetExtension,
    DataValue,
    Submission,
    SubmissionAction,
    SubmissionEvent,
    SubmissionStatus,
    ValueSource,
)
from zhijiao.orgs.models import Unit, User
from zhijiao.orgs.roles import Role

YEARS = [2021, 2022, 2023, 2024, 2025]
ZY, ZZ, HZ, KD, CX = (
    "江阴职业技术学院",
    "江阴中等专业学校",
    "江阴市华姿中等专业学校",
    "江阴开放大学",
    "澄西技校",
)

# Per school and year (2021–2025).
SCHOOL_BASIC: dict[str, dict[str, list[int]]] = {
    ZY: {
        "ENROLMENT": [8600, 8750, 8900, 9050, 9200],
        "THROUGH_ENROLMENT": [820, 930, 1040, 1160, 1290],
        "TEACHER_PRO": [400, 408, 415, 422, 430],
        "DUAL_PCT": [78, 82, 85, 88, 91],
    },
    ZZ: {
        "ENROLMENT": [4000, 4100, 4200, 4300, 4400],
        "THROUGH_ENROLMENT": [600, 680, 760, 880, 1000],
        "TEACHER_PRO": [220, 224, 228, 232, 236],
        "DUAL_PCT": [74, 78, 82, 86, 89],
    },
    HZ: {
        "ENROLMENT": [3000, 3050, 3100, 3150, 3200],
        "THROUGH_ENROLMENT": [300, 350, 400, 460, 520],
        "TEACHER_PRO": [160, 163, 166, 169, 172],
        "DUAL_PCT": [62, 66, 70, 74, 78],
    },
    KD: {
        "ENROLMENT": [1400, 1450, 1500, 1550, 1600],
        "THROUGH_ENROLMENT": [0, 0, 0, 0, 0],
        "TEACHER_PRO": [55, 56, 57, 59, 60],
        "DUAL_PCT": [60, 63, 66, 70, 72],
    },
    CX: {
        "ENROLMENT": [2400, 2480, 2550, 2630, 2700],
        "THROUGH_ENROLMENT": [200, 240, 290, 330, 380],
        "TEACHER_PRO": [140, 142, 145, 147, 150],
        "DUAL_PCT": [70, 74, 78, 83, 87],
    },
}
SCHOOL_ACHIEVE: dict[str, dict[str, list[int]]] = {
    ZY: {
        "HIGH_LEVEL_MAJORS": [2, 4, 5, 5, 5],
        "X_PILOTS": [2, 2, 2, 2, 2],
        "DUAL_BASES": [1, 1, 2, 2, 2],
        "INNOVATION_TEAMS": [1, 2, 3, 4, 4],
        "FAMOUS_PROJECTS": [1, 3, 4, 5, 6],
        "SKILL_EAGLETS": [34, 35, 35, 36, 35],
    },
    ZZ: {
        "HIGH_LEVEL_MAJORS": [1, 2, 3, 3, 3],
        "X_PILOTS": [2, 2, 2, 2, 2],
        "DUAL_BASES": [0, 1, 1, 1, 2],
        "INNOVATION_TEAMS": [1, 1, 2, 2, 3],
        "FAMOUS_PROJECTS": [1, 1, 2, 3, 3],
        "SANQUAN_PILOT": [0, 1, 1, 1, 1],
        "SKILL_EAGLETS": [30, 30, 30, 29, 30],
    },
    HZ: {
        "HIGH_LEVEL_MAJORS": [0, 1, 1, 2, 2],
        "X_PILOTS": [1, 1, 1, 1, 1],
        "DUAL_BASES": [0, 0, 0, 0, 0],
        "INNOVATION_TEAMS": [0, 1, 1, 1, 1],
        "FAMOUS_PROJECTS": [0, 1, 1, 1, 2],
        "SKILL_EAGLETS": [14, 15, 15, 15, 15],
    },
    KD: {"SKILL_EAGLETS": [4, 5, 5, 5, 5]},
    CX: {
        "BRAND_MAJORS": [1, 2, 3, 3, 4],
        "DUAL_BASES": [0, 0, 1, 1, 1],
        "INNOVATION_TEAMS": [0, 0, 1, 1, 1],
        "FAMOUS_PROJECTS": [0, 1, 1, 1, 1],
        "SKILL_EAGLETS": [14, 15, 15, 15, 15],
    },
}
# Yearly training as a multiple of enrolment, and this year's pace (share of the multiple so far).
TRAINING_RATIO = {ZY: 2.4, ZZ: 2.2, HZ: 2.1, KD: 5.5, CX: 3.0}
GROUP_SHARES = {
    "HARD_TO_EMPLOY": 0.12,
    "LAID_OFF": 0.08,
    "TRANSFER": 0.30,
    "VETERAN": 0.05,
    "MIGRANT": 0.25,
    "OTHER": 0.20,
}
SEASON = [0.20, 0.25, 0.25, 0.30]
BUREAUS: dict[str, dict[str, dict[str, list[int]]]] = {
    "EDU_ANNUAL": {
        "教育局": {
            "DEMO_GROUPS": [0, 1, 1, 1, 1],
            "BACKBONE_GROUPS": [1, 2, 3, 4, 4],
            "PRIMARY_SECONDARY_SCHOOLS": [96, 96, 96, 96, 96],
            "ENLIGHT_SCHOOLS": [40, 58, 72, 85, 96],
        }
    },
    "HRSS_ANNUAL": {
        "人社局": {
            "WORKERS": [1_020_000, 1_034_000, 1_041_000, 1_050_000, 1_058_000],
            "HIGH_SKILLED": [61_000, 65_500, 70_200, 74_800, 79_600],
            "TALENT_REPORT": [0, 1, 1, 1, 1],
        }
    },
    "NDRC_ANNUAL": {"发改委": {"PROV_CPE": [1, 2, 3, 4, 4]}},
}
LATE_ANNUAL = {(HZ, 2024): dt.date(2025, 2, 18), (HZ, 2025): dt.date(2026, 3, 20)}


class Command(BaseCommand):
    help = "载入目标监测演示数据（2021年以来，均为虚构）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", help="以该日期为“今天”（YYYY-MM-DD），默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        if not DataSet.objects.exists():
            raise CommandError(
                _(
                    "请先载入目标监测配置：zhijiao loadindicators data/indicators/jiangyin-2021-targets.yaml"
                )
            )
        if Submission.objects.exists():
            self.stdout.write(_("目标监测演示数据已存在，未重复载入。"))
            return
        office = User.objects.filter(role=Role.PLAN_OFFICE, is_active=True).first()
        if office is None:
            raise CommandError(_("请先运行 zhijiao demo 建立演示账号"))
        today = (
            dt.date.fromisoformat(options["today"])
            if options.get("today")
            else timezone.localdate()
        )
        self.rng = random.Random(2025)  # noqa: S311 - demo data, not security
        self.tz = timezone.get_current_timezone()
        self.office = office
        self.units = {u.name: u for u in Unit.objects.all()}
        self.reporters = {
            u.unit_id: u
            for u in User.objects.filter(role__in=[Role.SCHOOL_CLERK, Role.UNIT_LIAISON]).order_by(
                "pk"
            )
            if u.unit_id
        }
        self.bureau_approvers = {
            u.unit_id: u
            for u in User.objects.filter(role=Role.UNIT_LIAISON).order_by("pk")
            if u.unit_id
        }
        self.elements = {e.code: e for e in DataElement.objects.all()}
        self.values: list[DataValue] = []
        self.events: list[SubmissionEvent] = []
        with transaction.atomic():
            count = self._annual(today) + self._training(today)
            DataValue.objects.bulk_create(self.values, batch_size=2000)
            SubmissionEvent.objects.bulk_create(self.events, batch_size=2000)
            DataSetExtension.objects.create(
                data_set=DataSet.objects.get(code="SCHOOL_TRAINING"),
                unit=self.units[HZ],
                period_code=f"{today.year}Q3",
                until=today + dt.timedelta(days=17),
                reason="学校培训台账系统迁移，第三季度数据需重新核对，申请延期报送。",
                granted_by=office,
            )
            audit.record(
                AuditAction.CREATE,
                object_type="indicators.Submission",
                message=f"载入目标监测演示数据：报送 {count} 份，数据值 {len(self.values)} 项",
            )
        self.stdout.write(
            _("目标监测演示数据已载入：报送 {count} 份，数据值 {values} 项。").format(
                count=count, values=len(self.values)
            )
        )

    # ------------------------------------------------------------ helpers

    def _at(self, day: dt.date, hour: int = 10) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, self.rng.randint(0, 59)), tzinfo=self.tz)

    def _submission(
        self,
        data_set: DataSet,
        unit: Unit,
        period: Period,
        completed: dt.date | None,
        *,
        status: str = SubmissionStatus.APPROVED,
        source: str = ValueSource.WEB,
        comment: str = "",
    ) -> Submission:
        reporter = self.reporters.get(unit.pk) or self.office
        if reporter == self.office:
            source = ValueSource.EXCEL  # the office keys in paper returns of units without accounts
        sub = Submission.objects.create(
            data_set=data_set,
            unit=unit,
            period_code=period.code,
            period_start=period.start,
            period_end=period.end,
            status=status,
            source=source,
            first_completed_at=self._at(completed) if completed else None,
            completed_at=self._at(completed) if completed else None,
            completed_by=reporter if completed else None,
            approved_at=self._at(completed + dt.timedelta(days=9), 15)
            if completed and status == SubmissionStatus.APPROVED
            else None,
            updated_at=self._at(completed) if completed else timezone.now(),
        )
        if completed is None:
            return sub
        steps = [(SubmissionAction.COMPLETE, reporter, SubmissionStatus.OPEN, "", 0)]
        bureau = self.bureau_approvers.get(unit.parent_id) if unit.parent_id else None
        first_step = (
            SubmissionStatus.AWAITING_BUREAU if unit.parent_id else SubmissionStatus.AWAITING_OFFICE
        )
        if status == SubmissionStatus.RETURNED:
            steps.append((SubmissionAction.RETURN, bureau or self.office, first_step, comment, 3))
        elif (
            status in (SubmissionStatus.AWAITING_OFFICE, SubmissionStatus.APPROVED)
            and unit.parent_id
        ):
            steps.append((SubmissionAction.APPROVE, bureau or self.office, first_step, "", 4))
        if status == SubmissionStatus.APPROVED:
            steps.append(
                (SubmissionAction.APPROVE, self.office, SubmissionStatus.AWAITING_OFFICE, "", 9)
            )
        before = SubmissionStatus.OPEN
        for action, actor, _from, text, days in steps:
            after = {
                SubmissionAction.COMPLETE: first_step,
                SubmissionAction.RETURN: SubmissionStatus.RETURNED,
            }.get(action)
            if action == SubmissionAction.APPROVE:
                after = (
                    SubmissionStatus.AWAITING_OFFICE
                    if before == SubmissionStatus.AWAITING_BUREAU
                    else SubmissionStatus.APPROVED
                )
            assert after is not None
            self.events.append(
                SubmissionEvent(
                    submission=sub,
                    action=action,
                    actor=actor,
                    from_status=before,
                    to_status=after,
                    comment=text,
                    at=self._at(completed + dt.timedelta(days=days), 11 + days % 5),
                )
            )
            before = after
        return sub

    def _value(self, sub: Submission, code: str, number: float | int, option: str = "") -> None:
        if self.elements[code].source:
            return  # counted from the registries (people, cooperation…), not typed in
        self.values.append(
            DataValue(
                submission=sub,
                element=self.elements[code],
                option_code=option,
                number=Decimal(str(number)),
                updated_at=sub.completed_at or timezone.now(),
            )
        )

    # ------------------------------------------------------------ the data sets

    def _annual(self, today: dt.date) -> int:
        count = 0
        basic = DataSet.objects.get(code="SCHOOL_BASIC")
        achieve = DataSet.objects.get(code="SCHOOL_ACHIEVE")
        for i, year in enumerate(YEARS):
            period = period_parse("year", str(year))
            if selectors.entry_window(basic, period).opens > today:
                continue
            for name, series in SCHOOL_BASIC.items():
                unit = self.units[name]
                day = LATE_ANNUAL.get((name, year)) or dt.date(year + 1, 1, self.rng.randint(6, 27))
                sub = self._submission(basic, unit, period, day)
                pro = series["TEACHER_PRO"][i]
                for code in ("ENROLMENT", "THROUGH_ENROLMENT", "TEACHER_PRO"):
                    self._value(sub, code, series[code][i])
                self._value(sub, "TEACHER_DUAL", round(pro * series["DUAL_PCT"][i] / 100))
                self._value(sub, "HAS_CHARTER", 1)
                self._value(sub, "HAS_COUNCIL", 0 if (name == KD and year == 2021) else 1)
                sub2 = self._submission(achieve, unit, period, day + dt.timedelta(days=1))
                for code in (
                    "HIGH_LEVEL_MAJORS",
                    "BRAND_MAJORS",
                    "X_PILOTS",
                    "DUAL_BASES",
                    "INNOVATION_TEAMS",
                    "FAMOUS_PROJECTS",
                    "SANQUAN_PILOT",
                    "SKILL_EAGLETS",
                ):
                    self._value(sub2, code, SCHOOL_ACHIEVE[name].get(code, [0] * 5)[i])
                count += 2
            for ds_code, by_unit in BUREAUS.items():
                data_set = DataSet.objects.get(code=ds_code)
                for unit_name, series in by_unit.items():
                    day = dt.date(year + 1, 1, self.rng.randint(10, 28))
                    sub = self._submission(data_set, self.units[unit_name], period, day)
                    for code, numbers in series.items():
                        self._value(sub, code, numbers[i])
                    count += 1
        return count

    def _training(self, today: dt.date) -> int:
        data_set = DataSet.objects.get(code="SCHOOL_TRAINING")
        count = 0
        for period in selectors.periods_due(data_set, today=today):
            current = period.code == f"{today.year}Q3"
            quarter = int(period.code[-1])
            year_index = min(period.start.year, YEARS[-1]) - YEARS[0]
            for name, ratio in TRAINING_RATIO.items():
                unit = self.units[name]
                window = selectors.entry_window(data_set, period)
                status, comment, source = SubmissionStatus.APPROVED, "", ValueSource.WEB
                day = period.end + dt.timedelta(days=self.rng.randint(3, 13))
                if name == ZY:
                    source = ValueSource.EXCEL
                if name == HZ and (current or period.code == f"{today.year}Q2"):
                    if current:
                        continue  # not reported yet: an extension was granted
                    day = window.due + dt.timedelta(days=12)
                if current:
                    status = {
                        ZY: SubmissionStatus.AWAITING_OFFICE,
                        ZZ: SubmissionStatus.RETURNED,
                        KD: SubmissionStatus.AWAITING_BUREAU,
                        CX: SubmissionStatus.APPROVED,
                    }[name]
                    if status == SubmissionStatus.RETURNED:
                        comment = "“转岗职工”培训人次与培训台账不符，请核实后重新报送。"
                if day > today:
                    continue
                pace = ratio
                if period.start.year == today.year and name == HZ:
                    pace = ratio * 0.62  # this year's training at 华姿中专 is behind
                enrolment = SCHOOL_BASIC[name]["ENROLMENT"][year_index]
                total = enrolment * pace * SEASON[quarter - 1] * self.rng.uniform(0.95, 1.05)
                sub = self._submission(
                    data_set, unit, period, day, status=status, source=source, comment=comment
                )
                for option, share in GROUP_SHARES.items():
                    self._value(sub, "TRAIN_PT", round(total * share), option)
                self._value(sub, "TRAIN_PROGRAMMES", max(1, round(total / 180)))
                count += 1
        return count
