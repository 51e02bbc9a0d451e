"""Supply: a school records its own majors; destinations add up; imports are all or nothing; the
scope of reads."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import ImportRejected
from zhijiao.talent import supply
from zhijiao.talent.models import SupplyRecord


def data(**more):
    values = {
        "major_code": "460501",
        "year": 2025,
        "enrolled": 60,
        "graduates": 50,
        "local_employed": 30,
        "further_study": 15,
        "other": 5,
    }
    values.update(more)
    return supply.SupplyData(**values)


def test_a_school_records_and_corrects_its_supply(talent):
    school = talent.units["甲职校"]
    record = supply.supply_save(user=talent.users["school"], school=school, data=data())
    assert (record.major.code, record.graduates, record.local_employed) == ("460501", 50, 30)
    again = supply.supply_save(user=talent.users["school"], school=school, data=data(enrolled=70))
    assert again.pk == record.pk and SupplyRecord.objects.get().enrolled == 70


@pytest.mark.parametrize(
    ("more", "message"),
    [
        ({"local_employed": 31}, "毕业去向合计（51）应等于毕业生人数（50）"),
        ({"major_code": "4605"}, "不是 6 位的专业代码"),
        ({"major_code": "469999"}, "不在现行的职业教育专业目录中"),
        ({"major_code": "A1"}, "专业代码"),
        ({"year": 1999}, "年度"),
        ({"enrolled": -1}, "招生人数"),
    ],
)
def test_bad_supply_is_refused(talent, more, message):
    with pytest.raises(ServiceError) as caught:
        supply.supply_save(
            user=talent.users["school"], school=talent.units["甲职校"], data=data(**more)
        )
    assert message in caught.value.message
    assert not SupplyRecord.objects.exists()


def test_the_database_checks_the_destinations(talent):
    supply.supply_save(user=None, school=talent.units["甲职校"], data=data())
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplyRecord.objects.update(other=99)


def test_a_school_cannot_record_another_school_nor_an_enterprise_any(talent):
    with pytest.raises(ServiceError) as caught:
        supply.supply_save(user=talent.users["school"], school=talent.units["乙职校"], data=data())
    assert caught.value.status_code == 404
    with pytest.raises(ServiceError) as caught:
        supply.supply_save(
            user=talent.users["enterprise"], school=talent.units["甲职校"], data=data()
        )
    assert caught.value.status_code == 403
    assert not SupplyRecord.objects.exists()


def test_an_import_is_all_or_nothing(talent):
    head = "学校,专业代码,年度,招生人数,毕业生人数,本地就业,升学,其他去向\n"
    good = "甲职校,460501,2025,60,50,30,15,5\n"
    bad = head + good + "甲职校,460301,2025,60,50,30,15,6\n" + good
    with pytest.raises(ImportRejected) as caught:
        supply.supply_import(
            user=talent.users["office"], rows=supply.read_supply_file(bad.encode(), "s.csv")
        )
    assert [e.row for e in caught.value.errors] == [3, 4]  # the sum, then the repeated row
    assert not SupplyRecord.objects.exists()
    count = supply.supply_import(
        user=talent.users["office"], rows=supply.read_supply_file((head + good).encode(), "s.csv")
    )
    assert count == 1 and SupplyRecord.objects.get().school == talent.units["甲职校"]
    # A school's clerk may not import another school's rows.
    other = head + "乙职校,460501,2025,60,50,30,15,5\n"
    with pytest.raises(ImportRejected):
        supply.supply_import(
            user=talent.users["school"],
            rows=supply.read_supply_file(other.encode(), "s.csv"),
            school=talent.units["甲职校"],
        )


def test_reads_are_scoped(talent):
    supply.supply_save(user=None, school=talent.units["甲职校"], data=data())
    supply.supply_save(user=None, school=talent.units["乙职校"], data=data())
    assert supply.supply_visible(talent.users["office"]).count() == 2
    assert [r.school.name for r in supply.supply_visible(talent.users["school"])] == ["甲职校"]
    assert supply.supply_visible(talent.users["enterprise"]).count() == 0
