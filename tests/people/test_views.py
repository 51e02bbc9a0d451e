"""The teachers pages."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from tests.people.conftest import bad_check_digit, make_id
from zhijiao.core.models import AuditAction, AuditEvent
from zhijiao.core.personal import mask_id_number
from zhijiao.people import services
from zhijiao.people.models import Teacher


def test_the_list_shows_masked_numbers_only(client, register, people):
    number = make_id(sequence="401")
    register(name="钱七", id_number=number, phone="13912345678")
    client.force_login(people.users["school"])

    page = client.get(reverse("admin:people-teachers"))

    text = page.content.decode()
    assert page.status_code == 200
    assert "钱七" in text and mask_id_number(number) in text and "139****5678" in text
    assert number not in text and "13912345678" not in text


def test_an_empty_list_says_what_to_do(client, people):
    client.force_login(people.users["school"])

    text = client.get(reverse("admin:people-teachers")).content.decode()

    assert "还没有登记教师" in text and "Excel 导入" in text


def test_the_list_pins_its_query_count(client, register, people, django_assert_max_num_queries):
    for _ in range(12):
        register()
    client.force_login(people.users["office"])
    client.get(reverse("admin:people-teachers"))  # warm up session and caches

    with django_assert_max_num_queries(12):
        page = client.get(reverse("admin:people-teachers"))

    assert page.status_code == 200 and page.content.decode().count("zj-link") >= 12


def test_unmask_shows_the_number_to_the_office_and_is_audited(client, register, people):
    number = make_id(sequence="403")
    teacher = register(id_number=number)
    client.force_login(people.users["office"])

    page = client.post(
        reverse("admin:people-teacher-unmask", args=[teacher.pk]), {"reason": "核对社保"}
    )

    assert page.status_code == 200 and number in page.content.decode()
    assert page["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action=AuditAction.UNMASK)
    assert event.succeeded and "核对社保" in event.message and event.object_id == str(teacher.pk)


def test_unmask_is_refused_for_a_school_clerk_and_audited(client, register, people):
    number = make_id(sequence="405")
    teacher = register(id_number=number)
    client.force_login(people.users["school"])

    page = client.post(reverse("admin:people-teacher-unmask", args=[teacher.pk]))

    assert page.status_code == 403 and number not in page.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.UNMASK)
    assert not event.succeeded and event.actor_username == "school"
    assert client.get(reverse("admin:people-teacher-unmask", args=[teacher.pk])).status_code == 405


def test_another_schools_teacher_is_not_found(client, register, people):
    theirs = register("乙职校", name="乙校老师")
    ours = register("甲职校", name="甲校老师")
    client.force_login(people.users["school"])

    assert client.get(reverse("admin:people-teacher", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("admin:people-teacher-edit", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("admin:people-teacher", args=[ours.pk])).status_code == 200
    client.force_login(people.users["jyj"])
    text = client.get(reverse("admin:people-teachers")).content.decode()
    assert "乙校老师" in text and "甲校老师" in text


def test_a_clerk_registers_a_teacher_of_their_school(client, people):
    client.force_login(people.users["school"])
    number = make_id(sequence="407")

    response = client.post(
        reverse("admin:people-teacher-new"),
        {
            "school": people.units["乙职校"].pk,  # ignored: the clerk's school is fixed
            "name": "孙八",
            "id_number": number,
            "kind": "professional",
            "title": "junior",
            "skill_level": "none",
            "hired_on": "2020-09-01",
        },
    )

    teacher = Teacher.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:people-teacher", args=[teacher.pk])
    assert teacher.school == people.units["甲职校"]


def test_a_duplicate_on_the_form_is_refused_in_chinese(client, register, people):
    existing = register("乙职校")
    client.force_login(people.users["office"])

    page = client.post(
        reverse("admin:people-teacher-new"),
        {
            "school": people.units["甲职校"].pk,
            "name": "重复",
            "id_number": existing.id_number.lower(),
            "kind": "professional",
            "title": "none",
            "skill_level": "none",
            "hired_on": "2020-09-01",
        },
        follow=True,
    )

    assert "该身份证号已登记为乙职校的教师" in page.content.decode()
    assert Teacher.objects.count() == 1


def test_the_import_page_lists_row_errors(client, people):
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["学校", "姓名", "身份证号", "教师类别", "职称", "入职日期"])
    ws.append(["甲职校", "周九", bad_check_digit(make_id(sequence="409")), "专业课教师", "中级", "2020-09-01"])  # fmt: skip
    stream = io.BytesIO()
    wb.save(stream)
    client.force_login(people.users["school"])

    page = client.post(
        reverse("admin:people-teachers-import"),
        {"file": SimpleUploadedFile("t.xlsx", stream.getvalue())},
    )

    text = page.content.decode()
    assert page.status_code == 200 and "校验位不正确" in text and "未导入任何数据" in text
    template = client.get(reverse("admin:people-teachers-import") + "?template=xlsx")
    assert template.status_code == 200 and template.content.startswith(b"PK")


def test_evidence_is_served_only_within_scope(client, register, people):
    teacher = register("乙职校")
    grant = services.dual_grant(
        user=people.users["office"],
        teacher=teacher,
        granted_on=dt.date(2021, 1, 1),
        evidence=SimpleUploadedFile("证书.pdf", b"%PDF-1.4 x"),
    )
    url = reverse("admin:people-teacher-evidence", args=[grant.pk])

    client.force_login(people.users["school"])
    assert client.get(url).status_code == 404
    client.force_login(people.users["jyj"])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 x"


def test_the_export_download_is_masked(client, register, people):
    number = make_id(sequence="411")
    register(id_number=number)
    client.force_login(people.users["office"])

    response = client.get(reverse("admin:people-teachers-export"))

    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1
