"""Registering teachers: checked ID numbers, one person once, encrypted at rest, masked audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import Http404

from tests.people.conftest import bad_check_digit, make_id
from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditAction, AuditEvent
from zhijiao.core.personal import lookup_digest
from zhijiao.people import selectors, services
from zhijiao.people.data import ID_PURPOSE, DualLevel, Gender, TeacherKind, Title
from zhijiao.people.models import DualQualification, Teacher

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"


def pdf(name: str = "认定文件.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_a_teacher_is_registered_with_gender_and_birth_year_from_the_id(people, teacher_data):
    number = make_id(birth="19850615", sequence="002")  # 17th digit even: female

    teacher = services.teacher_create(
        user=people.users["school"],
        school=people.units["甲职校"],
        data=teacher_data(name=" 李 四 ", id_number=number.lower()),
    )

    teacher.refresh_from_db()
    assert teacher.name == "李 四"
    assert teacher.id_number == number
    assert teacher.gender == Gender.FEMALE and teacher.birth_year == 1985
    assert teacher.id_lookup == lookup_digest(number, purpose=ID_PURPOSE)
    assert teacher.phone == "13800138000"


def test_an_id_number_with_a_wrong_check_digit_is_refused(people, teacher_data):
    with pytest.raises(ServiceError, match="校验位不正确"):
        services.teacher_create(
            user=people.users["office"],
            school=people.units["甲职校"],
            data=teacher_data(id_number="11010519491231002X"[:17] + "1"),
        )

    assert not Teacher.objects.exists()


@pytest.mark.parametrize(
    "typed",
    [
        lambda n: n,
        lambda n: n.lower(),
        lambda n: f" {n[:6]} {n[6:14]} {n[14:]} ",
    ],
    ids=["same", "lowercase-x", "spaces"],
)
def test_the_same_person_cannot_be_registered_twice(people, teacher_data, typed):
    number = "11010519491231002X"  # GB 11643's own example, ending in X
    services.teacher_create(
        user=people.users["office"],
        school=people.units["甲职校"],
        data=teacher_data(id_number=number),
    )

    with pytest.raises(ServiceError) as refused:
        services.teacher_create(
            user=people.users["office"],
            school=people.units["乙职校"],
            data=teacher_data(name="另一个名字", id_number=typed(number)),
        )

    assert refused.value.message == "该身份证号已登记为甲职校的教师"
    assert Teacher.objects.count() == 1


def test_the_database_holds_ciphertext_only(register):
    number = make_id(birth="19900202", sequence="123")
    teacher = register(id_number=number, phone="13912345678")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone, id_lookup FROM people_teacher WHERE id = %s", [teacher.pk]
        )
        stored_id, stored_phone, digest = cursor.fetchone()

    assert number not in stored_id and number[-8:] not in stored_id
    assert "13912345678" not in stored_phone
    assert stored_id.count("$") == 1 and stored_phone.count("$") == 1
    assert number not in digest and len(digest) == 64


def test_audit_rows_carry_masked_values_only(register, people, teacher_data):
    number = make_id(birth="19900202", sequence="125")
    teacher = register(id_number=number, phone="13912345678")
    corrected = make_id(birth="19900202", sequence="127")

    changed = services.teacher_update(
        user=people.users["office"],
        teacher=teacher,
        data=teacher_data(id_number=corrected, phone="13700000000", title=Title.SENIOR),
    )

    assert set(changed) >= {"id_number", "id_lookup", "phone", "title"}
    events = AuditEvent.objects.filter(object_type="people.Teacher").order_by("pk")
    assert [e.action for e in events] == [AuditAction.CREATE, AuditAction.UPDATE]
    text = " ".join(str(e.changes) + e.message for e in events)
    for secret in (number, corrected, "13912345678", "13700000000"):
        assert secret not in text
    update = events[1].changes
    assert update["id_number"] == [
        "110105********" + number[-4:],
        "110105********" + corrected[-4:],
    ]
    assert update["phone"] == ["139****5678", "137****0000"]
    assert update["title"] == ["intermediate", "senior"]
    assert "id_lookup" not in update


def test_an_update_to_anothers_id_number_is_refused(register, people, teacher_data):
    first = register(id_number=make_id(sequence="201"))
    second = register(school="乙职校", id_number=make_id(sequence="203"))

    with pytest.raises(ServiceError, match="已登记为甲职校的教师"):
        services.teacher_update(
            user=people.users["office"],
            teacher=second,
            data=teacher_data(id_number=first.id_number),
        )


def test_a_part_time_teacher_needs_an_employer(people, teacher_data):
    with pytest.raises(ServiceError, match="所在企业"):
        services.teacher_create(
            user=people.users["office"],
            school=people.units["甲职校"],
            data=teacher_data(kind=TeacherKind.PART_TIME),
        )


def test_a_school_clerk_registers_only_for_their_own_school(people, teacher_data):
    with pytest.raises(ServiceError) as refused:
        services.teacher_create(
            user=people.users["school"], school=people.units["乙职校"], data=teacher_data()
        )

    assert refused.value.status_code == 403
    assert not Teacher.objects.exists()


def test_scope_own_school_bureau_sees_its_schools_office_all(register, people):
    a = register("甲职校")
    b = register("乙职校")

    assert list(selectors.teachers_visible(people.users["school"])) == [a]
    assert set(selectors.teachers_visible(people.users["jyj"])) == {a, b}
    assert set(selectors.teachers_visible(people.users["office"])) == {a, b}
    assert list(selectors.teachers_visible(people.users["rsj"])) == []
    assert selectors.teacher_get(people.users["school"], a.pk) == a
    with pytest.raises(Http404):
        selectors.teacher_get(people.users["school"], b.pk)
    with pytest.raises(ServiceError) as refused:
        services.teacher_leave(user=people.users["school"], teacher=b, left_on=dt.date(2022, 1, 1))
    assert refused.value.status_code == 404


def test_search_by_name_or_exact_id_number(register, people):
    number = make_id(birth="19881111", sequence="301")
    wang = register(name="王五", id_number=number)
    register(name="赵六")
    office = people.users["office"]

    def found(q: str) -> list[Teacher]:
        return list(selectors.teachers_visible(office, selectors.TeacherFilters(q=q)))

    assert found("王") == [wang]
    assert found(number.lower()) == [wang]
    assert found(number[:10]) == []  # no partial matches on the number


def test_leaving_is_recorded_once_and_not_before_hiring(register, people):
    teacher = register(hired_on=dt.date(2019, 9, 1))
    office = people.users["office"]

    with pytest.raises(ServiceError, match="早于入职日期"):
        services.teacher_leave(user=office, teacher=teacher, left_on=dt.date(2019, 8, 31))
    services.teacher_leave(user=office, teacher=teacher, left_on=dt.date(2022, 7, 31))
    with pytest.raises(ServiceError, match="已于 2022-07-31 离职"):
        services.teacher_leave(user=office, teacher=teacher, left_on=dt.date(2023, 1, 1))

    assert Teacher.objects.get().left_on == dt.date(2022, 7, 31)


def test_dual_status_is_granted_with_evidence_once_and_revoked_keeping_history(register, people):
    teacher = register()
    office = people.users["office"]

    grant = services.dual_grant(
        user=office,
        teacher=teacher,
        granted_on=dt.date(2021, 6, 1),
        level=DualLevel.INTERMEDIATE,
        evidence=pdf(),
    )
    with pytest.raises(ServiceError, match="已有有效的“双师型”认定"):
        services.dual_grant(
            user=office, teacher=teacher, granted_on=dt.date(2022, 6, 1), evidence=pdf()
        )
    with pytest.raises(ServiceError, match="撤销理由"):
        services.dual_revoke(
            user=office, teacher=teacher, revoked_on=dt.date(2023, 1, 1), reason=""
        )
    services.dual_revoke(
        user=office, teacher=teacher, revoked_on=dt.date(2023, 1, 1), reason="复核不合格"
    )

    grant.refresh_from_db()
    assert grant.evidence_name == "认定文件.pdf" and grant.evidence.read() == PDF
    assert grant.revoked_on == dt.date(2023, 1, 1)
    assert DualQualification.objects.count() == 1
    assert selectors.teacher_dual_current(teacher) is None


def test_evidence_must_be_what_it_claims(register, people):
    teacher = register()

    with pytest.raises(ServiceError, match="内容与扩展名"):
        services.dual_grant(
            user=people.users["office"],
            teacher=teacher,
            granted_on=dt.date(2021, 6, 1),
            evidence=SimpleUploadedFile("x.pdf", b"MZ\x90\x00not a pdf"),
        )
    with pytest.raises(ServiceError, match="不支持的文件类型"):
        services.dual_grant(
            user=people.users["office"],
            teacher=teacher,
            granted_on=dt.date(2021, 6, 1),
            evidence=SimpleUploadedFile("x.exe", PDF),
        )
    assert not DualQualification.objects.exists()


def test_practice_days_add_up_to_at_most_a_year(register, people):
    teacher = register(hired_on=dt.date(2015, 9, 1))
    office = people.users["office"]

    services.practice_record(user=office, teacher=teacher, year=2021, enterprise="某企业", days=300)
    with pytest.raises(ServiceError, match="已登记 300 天"):
        services.practice_record(
            user=office, teacher=teacher, year=2021, enterprise="某企业", days=70
        )
    with pytest.raises(ServiceError, match="年度应在 2015"):
        services.practice_record(
            user=office, teacher=teacher, year=2014, enterprise="某企业", days=5
        )
    assert teacher.practices.count() == 1


def test_a_bad_check_digit_helper_really_is_bad():
    number = make_id()
    assert bad_check_digit(number) != number


def test_filter_by_dual_status_and_by_staff_status(register, people):
    office = people.users["office"]
    dual = register(name="双师")
    plain = register(name="普通")
    gone = register(name="离职", hired_on=dt.date(2015, 9, 1))
    services.dual_grant(user=office, teacher=dual, granted_on=dt.date(2021, 1, 1), evidence=pdf())
    services.teacher_leave(user=office, teacher=gone, left_on=dt.date(2021, 1, 1))

    def names(**kw: Any) -> set[str]:
        return {t.name for t in selectors.teachers_visible(office, selectors.TeacherFilters(**kw))}

    assert names(dual="yes") == {"双师"}
    assert names(dual="no") == {"普通"}
    assert names(current="left") == {"离职"}
    assert names(current="") == {"双师", "普通", "离职"}
    assert plain.pk
