"""The registry's figures for the indicators: counted on 31 December of each year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from zhijiao.indicators.models import DataElement, Indicator
from zhijiao.indicators.selectors import indicators_values
from zhijiao.indicators.sources import source_get
from zhijiao.people import services
from zhijiao.people.data import TeacherKind
from zhijiao.people.models import DualQualification


def compute(key: str, years: list[int]) -> dict[tuple[int | None, int], Decimal]:
    source = source_get(key)
    assert source is not None, f"{key} is not registered"
    return dict(source.compute(years))


def grant(user, teacher, on: dt.date) -> DualQualification:
    return services.dual_grant(
        user=user,
        teacher=teacher,
        granted_on=on,
        evidence=SimpleUploadedFile("a.pdf", b"%PDF-1.4 test"),
    )


def test_professional_teachers_are_counted_at_year_end(register, people):
    a, b = people.units["甲职校"].pk, people.units["乙职校"].pk
    register(hired_on=dt.date(2021, 12, 31))  # counts from 2021
    register(hired_on=dt.date(2022, 1, 1))  # counts from 2022
    leaver = register(hired_on=dt.date(2020, 9, 1))
    services.teacher_leave(
        user=people.users["office"], teacher=leaver, left_on=dt.date(2021, 12, 31)
    )
    gone = register(hired_on=dt.date(2020, 9, 1))
    services.teacher_leave(user=people.users["office"], teacher=gone, left_on=dt.date(2021, 12, 30))
    register(hired_on=dt.date(2020, 9, 1), kind=TeacherKind.GENERAL)  # not professional
    register("乙职校", hired_on=dt.date(2019, 3, 1))

    figures = compute("teacher_professional", [2020, 2021, 2022])

    # 2020: leaver, gone; 2021: +31 Dec hire, leaver still there on the day, gone left the 30th.
    assert {y: figures[(a, y)] for y in (2020, 2021, 2022)} == {2020: 2, 2021: 2, 2022: 2}
    assert {y: figures[(b, y)] for y in (2020, 2021, 2022)} == {2020: 1, 2021: 1, 2022: 1}


def test_dual_teachers_count_from_the_grant_until_revoked_or_gone(register, people):
    office = people.users["office"]
    a = people.units["甲职校"].pk
    late = register(hired_on=dt.date(2015, 9, 1))
    grant(office, late, dt.date(2021, 12, 31))  # counts in 2021
    early = register(hired_on=dt.date(2015, 9, 1))
    grant(office, early, dt.date(2020, 1, 1))
    services.dual_revoke(
        user=office, teacher=early, revoked_on=dt.date(2022, 3, 1), reason="复核不合格"
    )
    general = register(hired_on=dt.date(2015, 9, 1), kind=TeacherKind.GENERAL)
    grant(office, general, dt.date(2020, 1, 1))  # not a professional teacher: not counted
    regranted = register(hired_on=dt.date(2015, 9, 1))
    grant(office, regranted, dt.date(2019, 5, 1))
    services.dual_revoke(
        user=office, teacher=regranted, revoked_on=dt.date(2019, 6, 1), reason="材料不全"
    )
    grant(office, regranted, dt.date(2019, 7, 1))  # history of two grants counts once

    figures = compute("teacher_dual", [2019, 2020, 2021, 2022])

    assert {y: figures[(a, y)] for y in (2019, 2020, 2021, 2022)} == {
        2019: 1,
        2020: 2,
        2021: 3,
        2022: 2,
    }
    assert figures[(people.units["乙职校"].pk, 2021)] == 0


def test_practice_days_are_summed_per_school_and_year(register, people):
    office = people.users["office"]
    t1 = register(hired_on=dt.date(2015, 9, 1))
    t2 = register(hired_on=dt.date(2015, 9, 1))
    services.practice_record(user=office, teacher=t1, year=2021, enterprise="甲公司", days=20)
    services.practice_record(user=office, teacher=t1, year=2021, enterprise="乙公司", days=10)
    services.practice_record(user=office, teacher=t2, year=2021, enterprise="甲公司", days=15)
    services.practice_record(user=office, teacher=t2, year=2022, enterprise="甲公司", days=5)

    figures = compute("teacher_practice_days", [2021, 2022])

    a, b = people.units["甲职校"].pk, people.units["乙职校"].pk
    assert figures[(a, 2021)] == 45 and figures[(a, 2022)] == 5 and figures[(b, 2021)] == 0


def test_the_dual_share_is_computed_from_the_registry(register, people):
    office = people.users["office"]
    DataElement.objects.create(
        code="P", name="专业课教师数", unit_of_measure="人", aggregation="latest",
        source="teacher_professional",
    )  # fmt: skip
    DataElement.objects.create(
        code="D", name="双师型教师数", unit_of_measure="人", aggregation="latest",
        source="teacher_dual",
    )  # fmt: skip
    share = Indicator.objects.create(
        code="DUAL_SHARE_REG",
        name="双师型教师占比",
        numerator="#{D}",
        denominator="#{P}",
        factor=100,
        unit_of_measure="%",
    )
    teachers = [register(hired_on=dt.date(2015, 9, 1)) for _ in range(3)]
    teachers.append(register("乙职校", hired_on=dt.date(2015, 9, 1)))
    grant(office, teachers[0], dt.date(2021, 5, 1))
    grant(office, teachers[3], dt.date(2022, 5, 1))

    before = indicators_values([share], [2021, 2022])[share.pk]
    grant(office, teachers[1], dt.date(2022, 6, 1))  # add a record: the target moves
    after = indicators_values([share], [2021, 2022])[share.pk]

    assert before.city == {2021: Decimal(25), 2022: Decimal(50)}  # 1 of 4, then 2 of 4
    assert after.city == {2021: Decimal(25), 2022: Decimal(75)}
    assert after.units[people.units["乙职校"].pk] == {2021: 0, 2022: 100}
