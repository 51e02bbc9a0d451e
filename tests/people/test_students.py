"""Registering students: checked ID numbers, one person once, 学号 unique per school, scope."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.people.conftest import bad_check_digit, student_id
from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditAction, AuditEvent
from zhijiao.core.personal import mask_id_number
from zhijiao.people import selectors, services
from zhijiao.people.data import Gender
from zhijiao.people.models import Student


def data(**overrides):
    values = {
        "name": "李华",
        "id_number": student_id(11),
        "major": "机电技术应用",
        "enrolled_year": 2023,
        "student_number": "2023001",
        "class_name": "机电2301",
    }
    values.update(overrides)
    return services.StudentData(**values)


def test_a_student_is_registered_encrypted_with_a_masked_audit(people):
    number = student_id(12, birth="20080101")

    student = services.student_create(
        user=people.users["school"], school=people.units["甲职校"], data=data(id_number=number)
    )

    student.refresh_from_db()
    assert student.birth_year == 2008 and student.gender == Gender.FEMALE  # sequence 012: even
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM people_student WHERE id = %s", [student.pk])
        stored = cursor.fetchone()[0]
    assert number not in stored
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="people.Student")
    assert event.changes["id_number"] == [None, mask_id_number(number)]
    assert number not in str(event.changes)


def test_the_same_person_is_refused_with_the_school_named(people):
    number = student_id(13)
    services.student_create(
        user=people.users["office"], school=people.units["乙职校"], data=data(id_number=number)
    )

    with pytest.raises(ServiceError, match="该身份证号已登记为乙职校的学生"):
        services.student_create(
            user=people.users["office"],
            school=people.units["甲职校"],
            data=data(id_number=number.lower(), name="别名", student_number=""),
        )

    assert Student.objects.count() == 1


def test_a_student_number_is_unique_within_a_school_only(people):
    services.student_create(user=people.users["office"], school=people.units["甲职校"], data=data())
    services.student_create(
        user=people.users["office"],
        school=people.units["乙职校"],
        data=data(id_number=student_id(14)),
    )  # the same 学号 at another school is fine

    with pytest.raises(ServiceError, match="学号“2023001”在甲职校已被其他学生使用"):
        services.student_create(
            user=people.users["office"],
            school=people.units["甲职校"],
            data=data(id_number=student_id(15)),
        )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"id_number": bad_check_digit(student_id(16))}, "校验位不正确"),
        ({"name": "  "}, "请填写姓名"),
        ({"major": ""}, "请填写专业"),
        ({"enrolled_year": 2099}, "入学年份不能晚于今年"),
        ({"enrolled_year": 2010}, "入学年份与身份证号中的出生日期不符"),
    ],
)
def test_bad_input_is_refused_in_chinese(people, overrides, message):
    with pytest.raises(ServiceError, match=message):
        services.student_create(
            user=people.users["office"], school=people.units["甲职校"], data=data(**overrides)
        )
    assert not Student.objects.exists()


def test_a_clerk_registers_only_at_their_own_school(people):
    with pytest.raises(ServiceError) as refused:
        services.student_create(
            user=people.users["school"], school=people.units["乙职校"], data=data()
        )
    assert refused.value.status_code == 403
    with pytest.raises(ServiceError) as no_role:
        services.student_create(
            user=people.users["enterprise"], school=people.units["甲职校"], data=data()
        )
    assert no_role.value.status_code == 403


def test_an_update_keeps_its_own_number_and_audits_the_change(people, enrol):
    student = enrol(student_number="S1")

    changed = services.student_update(
        user=people.users["school"],
        student=student,
        data=data(id_number=student.id_number, student_number="S1", class_name="机电2302"),
    )

    assert "class_name" in changed and "id_number" not in changed
    student.refresh_from_db()
    assert student.class_name == "机电2302"
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(student.pk)).exists()


def test_another_schools_student_cannot_be_updated(people, enrol):
    theirs = enrol("乙职校")

    with pytest.raises(ServiceError) as refused:
        services.student_update(
            user=people.users["school"], student=theirs, data=data(id_number=theirs.id_number)
        )

    assert refused.value.status_code == 404


def test_students_are_found_by_name_number_or_full_id(people, enrol):
    number = student_id(17)
    found = enrol(name="赵六", id_number=number, student_number="X9")
    enrol(name="孙七")
    office = people.users["office"]

    by = lambda q: list(selectors.students_visible(office, selectors.StudentFilters(q=q)))  # noqa: E731

    assert by("赵") == [found] and by("X9") == [found] and by(number.lower()) == [found]
    assert list(selectors.students_visible(people.users["school"])) != []
    assert list(selectors.students_visible(people.users["rsj"])) == []
