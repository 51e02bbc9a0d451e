"""Teachers in Excel: all-or-nothing import with per-row Chinese errors; masked, audited export."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from tests.people.conftest import bad_check_digit, make_id
from zhijiao.core.excel import ImportRejected
from zhijiao.core.models import AuditAction, AuditEvent
from zhijiao.core.personal import mask_id_number
from zhijiao.people import imports
from zhijiao.people.models import Teacher


def workbook(rows: list[list[Any]], headers: list[str] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append([str(h) for h in headers or imports.HEADERS])  # headers are marked for translation
    for row in rows:
        ws.append(row)
    stream = io.BytesIO()
    wb.save(stream)
    return stream.getvalue()


def row(school: str, name: str, number: str, **extra: Any) -> list[Any]:
    values = {
        "phone": "13800138000",
        "kind": "专业课教师",
        "title": "中级",
        "skill": "技师",
        "employer": "",
        "hired": dt.date(2018, 9, 1),
    }
    values.update(extra)
    return [school, name, number, values["phone"], values["kind"], values["title"],
            values["skill"], values["employer"], values["hired"]]  # fmt: skip


def test_a_clean_file_registers_everyone_and_audits_without_numbers(people):
    numbers = [make_id(sequence=f"{i:03d}") for i in range(3)]
    content = workbook(
        [
            row("甲职校", "甲一", numbers[0]),
            row("乙职校", "乙一", numbers[1], hired="2019/09/01", title=""),
            row("甲职校", "兼一", numbers[2], kind="兼职教师（企业）", employer="某企业"),
        ]
    )

    result = imports.teachers_import(user=people.users["jyj"], upload=content, name="教师.xlsx")

    assert result.created == 3
    assert Teacher.objects.get(name="乙一").hired_on == dt.date(2019, 9, 1)
    assert Teacher.objects.get(name="乙一").title == "none"
    events = AuditEvent.objects.filter(object_type="people.Teacher")
    assert events.filter(action=AuditAction.CREATE).count() == 3
    assert events.filter(action=AuditAction.IMPORT).count() == 1
    text = " ".join(str(e.changes) + e.message for e in events)
    assert not any(n in text for n in numbers) and "13800138000" not in text


def test_one_bad_row_saves_nothing_and_every_problem_is_listed(people, register):
    existing = register(school="乙职校", id_number=make_id(sequence="900"))
    good = make_id(sequence="001")
    content = workbook(
        [
            row("甲职校", "好人", good),  # row 2: fine
            row("甲职校", "校验错", bad_check_digit(make_id(sequence="002"))),  # row 3
            row("甲职校", "重复一", good),  # row 4: same as row 2
            row("甲职校", "已登记", existing.id_number),  # row 5: in the registry
            row("甲职校", "职称错", make_id(sequence="005"), title="教授"),  # row 6
            row("乙职校", "越权", make_id(sequence="006")),  # row 7: not the clerk's school
            row("丙职校", "无此校", make_id(sequence="007"), hired="明年"),  # row 8
        ]
    )

    with pytest.raises(ImportRejected) as rejected:
        imports.teachers_import(user=people.users["school"], upload=content, name="t.xlsx")

    errors = {(e.row, e.column): e.message for e in rejected.value.errors}
    assert errors[(3, "身份证号")] == "身份证号校验位不正确，请核对最后一位"
    assert errors[(4, "身份证号")] == "与第 2 行的身份证号相同"
    assert errors[(5, "身份证号")] == "该身份证号已登记为乙职校的教师"
    assert errors[(6, "职称")].startswith("未知的职称“教授”，应为：正高级、副高级")
    assert errors[(7, "学校")] == "“乙职校”不是您可以登记教师的学校"
    assert errors[(8, "学校")] == "找不到学校“丙职校”"
    assert "无法识别" in errors[(8, "入职日期")]
    assert 2 not in {e.row for e in rejected.value.errors}
    assert "未保存任何数据" in rejected.value.message
    assert list(Teacher.objects.all()) == [existing]


def test_a_clerk_may_leave_the_school_column_empty(people):
    content = workbook([row("", "本校", make_id(sequence="011"))])

    imports.teachers_import(user=people.users["school"], upload=content, name="t.xlsx")

    assert Teacher.objects.get().school == people.units["甲职校"]


def test_the_template_opens_with_the_headers_and_the_users_schools(people):
    wb = load_workbook(io.BytesIO(imports.template_bytes(people.users["school"])))
    ws = wb.active
    assert ws is not None

    assert [c.value for c in ws[1]] == imports.HEADERS
    assert any("甲职校" in str(v.formula1) for v in ws.data_validations.dataValidation)
    assert not any("乙职校" in str(v.formula1) for v in ws.data_validations.dataValidation)


def test_the_export_masks_numbers_and_phones_and_is_audited(people, register):
    number = make_id(sequence="021")
    register(name="甲老师", id_number=number, phone="13912345678")
    register(school="乙职校", name="乙老师")

    content = imports.teachers_export(user=people.users["school"])

    ws = load_workbook(io.BytesIO(content)).active
    assert ws is not None
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert [r[1] for r in rows] == ["甲老师"]  # only the clerk's own school
    assert rows[0][4] == mask_id_number(number) and rows[0][5] == "139****5678"
    flat = " ".join(str(v) for r in rows for v in r)
    assert number not in flat and "13912345678" not in flat
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor_username == "school" and "1 人" in event.message
