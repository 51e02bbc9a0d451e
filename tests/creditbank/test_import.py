"""集体开户 from Excel: all or nothing, every row problem listed in Chinese with its row and
column — a bad check digit, the same person twice in the file, a person already registered, a
school outside the user's scope."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import ExcelError, ImportRejected
from zhijiao.core.models import AuditAction, AuditEvent
from zhijiao.creditbank import imports
from zhijiao.creditbank.models import Learner

from .conftest import bad_check_digit, make_id

pytestmark = pytest.mark.django_db


def workbook(rows: list[list[object]], headers=imports.HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    stream = io.BytesIO()
    wb.save(stream)
    return stream.getvalue()


def test_the_template_offers_the_users_schools(bank):
    content = imports.template_bytes(bank.users["school"])

    ws = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in ws[1]] == imports.HEADERS
    assert '"甲职校"' in ws.data_validations.dataValidation[0].formula1


def test_a_clean_file_opens_every_account_in_one_go(bank):
    content = workbook(
        [
            ["甲职校", "张三", make_id(1), "13800000001"],
            ["", "李四", make_id(2), ""],  # the clerk's only school is implied
            ["甲职校", "王五", make_id(3).lower()[:17] + make_id(3)[17], "138 0000 0003"],
        ]
    )

    result = imports.learners_import(user=bank.users["school"], upload=content, name="开户.xlsx")

    assert result.opened == 3
    learners = list(Learner.objects.order_by("pk"))
    assert [learner.name for learner in learners] == ["张三", "李四", "王五"]
    assert {learner.school for learner in learners} == {bank.units["甲职校"]}
    assert all(learner.account_number.startswith("JY") and learner.data_key for learner in learners)
    assert learners[2].phone == "13800000003"
    created = AuditEvent.objects.filter(object_type="creditbank.Learner", action=AuditAction.CREATE)
    assert created.count() == 3
    assert all(make_id(1) not in str(e.changes) and "张三" not in str(e.changes) for e in created)
    assert AuditEvent.objects.filter(
        action=AuditAction.IMPORT, message__contains="集体开户 3 人"
    ).exists()


def test_every_row_problem_is_listed_and_nothing_is_saved(bank):
    bank.open(id_number=make_id(50))  # already registered by the bank at 甲职校
    content = workbook(
        [
            ["甲职校", "张三", make_id(1), "13800000001"],
            ["甲职校", "李四", bad_check_digit(make_id(2)), ""],
            ["甲职校", "王五", make_id(1), ""],
            ["甲职校", "赵六", make_id(50), ""],
            ["乙职校", "钱七", make_id(5), ""],
            ["甲职校", "", make_id(6), "1380000"],
        ]
    )

    with pytest.raises(ImportRejected) as rejected:
        imports.learners_import(user=bank.users["school"], upload=content)

    assert [str(e) for e in rejected.value.errors] == [
        "第 3 行“身份证号”：身份证号校验位不正确，请核对最后一位",
        "第 4 行“身份证号”：与第 2 行的身份证号相同",
        "第 5 行“身份证号”：该身份证号已在甲职校开立学习账户，不能重复开户",
        "第 6 行“开户学校”：“乙职校”不是您可以开户的学校",
        "第 7 行“姓名”：请填写姓名",
    ]
    assert "未保存任何数据" in rejected.value.message
    assert Learner.objects.count() == 1


def test_a_file_that_is_not_the_template_is_refused(bank):
    with pytest.raises(ExcelError, match="表头缺少“姓名”“身份证号”列"):
        imports.learners_import(
            user=bank.users["school"], upload=workbook([["x"]], headers=["学号"])
        )
    with pytest.raises(ExcelError):
        imports.learners_import(user=bank.users["school"], upload=b"not excel", name="a.xls")


def test_roles_without_the_capability_cannot_import(bank):
    with pytest.raises(ServiceError) as refused:
        imports.learners_import(user=bank.users["learner"], upload=workbook([]))
    assert refused.value.status_code == 403


def test_the_bank_names_the_school_on_each_row(bank):
    content = workbook([["乙职校", "张三", make_id(1), ""], ["", "李四", make_id(2), ""]])

    with pytest.raises(ImportRejected) as rejected:
        imports.learners_import(user=bank.office, upload=content)

    assert [str(e) for e in rejected.value.errors] == ["第 3 行“开户学校”：请填写开户学校"]
