"""Excel import of data values: the exported template, filled in and uploaded — all or nothing.

Every workbook here is a real .xlsx: written by the template export, filled with openpyxl.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import ExcelError, ImportRejected, RowError
from zhijiao.core.models import AuditAction, AuditEvent
from zhijiao.core.periods import period_parse
from zhijiao.indicators import services
from zhijiao.indicators.imports import HEADERS, export_bytes, values_import
from zhijiao.indicators.models import (
    DataValue,
    Submission,
    SubmissionEvent,
    SubmissionStatus,
    ValueSource,
)
from zhijiao.orgs.models import Unit

pytestmark = pytest.mark.django_db

FIRST_ROW = 4  # row 1 names the data set, row 3 holds the header
UNIT, PERIOD, CODE, OPTION, VALUE = 1, 2, 3, 5, 8  # columns


class Sheet:
    """A template opened for filling in, as a person would in Excel."""

    def __init__(self, content: bytes) -> None:
        self.workbook = openpyxl.load_workbook(io.BytesIO(content))
        self.ws = self.workbook.active

    def row_of(self, unit: str, ref: str, period: str | None = None) -> int:
        code, _, option = ref.partition(".")
        for row in range(FIRST_ROW, self.ws.max_row + 1):
            cells = [self.ws.cell(row, c).value or "" for c in (UNIT, PERIOD, CODE, OPTION)]
            if cells[0] == unit and cells[2] == code and cells[3] == option:
                if period is None or cells[1] == period:
                    return row
        raise LookupError(f"{unit} {ref} {period}")

    def fill(self, values: dict[tuple[str, str], Any]) -> Sheet:
        for (unit, ref), value in values.items():
            self.put(self.row_of(unit, ref), VALUE, value)
        return self

    def put(self, row: int, column: int, value: Any) -> Sheet:
        self.ws.cell(row, column).value = value  # cell(row, column, None) would not clear it
        return self

    def append(self, unit: str, period: str, code: str, option: str, value: Any) -> int:
        row = self.ws.max_row + 1
        for column, text in [(UNIT, unit), (PERIOD, period), (CODE, code), (OPTION, option)]:
            self.put(row, column, text)
        self.put(row, VALUE, value)
        return row

    def bytes(self) -> bytes:
        stream = io.BytesIO()
        self.workbook.save(stream)
        return stream.getvalue()


@pytest.fixture
def template(monitoring):
    def export(
        data_set: str = "SCHOOL_BASIC",
        units: tuple[str, ...] = ("甲职校", "乙职校"),
        periods: tuple[str, ...] | None = None,
    ) -> Sheet:
        ds = monitoring.data_sets[data_set]
        content = export_bytes(
            data_set=ds,
            units=[monitoring.units[u] for u in units],
            periods=[period_parse(ds.period_type, p) for p in periods or [monitoring.last_year]],
        )
        return Sheet(content)

    return export


@pytest.fixture
def upload(monitoring):
    def run(content: bytes, *, user: str = "jyj", data_set: str = "SCHOOL_BASIC", name: str = ""):
        return values_import(
            user=monitoring.users[user],
            data_set=monitoring.data_sets[data_set],
            upload=content,
            name=name or "数据.xlsx",
        )

    return run


GOOD = {
    ("甲职校", "ENROLMENT"): 1200,
    ("甲职校", "TEACHER_PRO"): 100,
    ("甲职校", "HAS_CHARTER"): "是",
    ("甲职校", "PASS_RATE"): 85.5,
    ("乙职校", "ENROLMENT"): "3,000",
    ("乙职校", "REMARK"): "含五年制",
}


def _numbers(unit):
    return {
        v.element.code: v.number if v.number is not None else v.text
        for v in DataValue.objects.filter(submission__unit__name=unit).select_related("element")
    }


def _import_audits():
    return AuditEvent.objects.filter(action=AuditAction.IMPORT, object_type="indicators.DataSet")


def _nothing_saved():
    return (
        not Submission.objects.exists()
        and not DataValue.objects.exists()
        and not SubmissionEvent.objects.exists()
        and not _import_audits().exists()
    )


# ---------------------------------------------------------------- the template


def test_template_names_the_data_set_and_lists_every_cell_to_fill(monitoring, template):
    ws = template().ws

    assert [ws.cell(1, c).value for c in (1, 2, 4)] == [
        "数据集编码",
        "SCHOOL_BASIC",
        "职业院校年度基本数据",
    ]
    assert [c.value for c in ws[3]] == HEADERS
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=FIRST_ROW)]
    assert len(rows) == 12  # 2 units × 6 elements
    assert rows[0] == [
        "甲职校",
        monitoring.last_year,
        "ENROLMENT",
        "全日制在校生数",
        None,
        None,
        "人",
        None,
    ]


def test_template_of_a_disaggregated_element_has_a_row_per_option(monitoring, template):
    ws = template("SCHOOL_TRAINING", units=("甲职校",), periods=(f"{monitoring.last_year}Q4",)).ws

    rows = [(r[2].value, r[4].value, r[5].value) for r in ws.iter_rows(min_row=FIRST_ROW)]

    assert rows == [
        ("TRAIN_PT", "VETERAN", "退役军人"),
        ("TRAIN_PT", "MIGRANT", "外来劳动者"),
        ("SATISFACTION", None, None),
        ("TRAINERS", None, None),
    ]


# ---------------------------------------------------------------- a clean file


def test_a_filled_template_is_imported(monitoring, template, upload):
    content = template().fill(GOOD).bytes()

    result = upload(content)

    assert (result.values, result.submissions) == (6, 2)
    assert _numbers("甲职校") == {
        "ENROLMENT": 1200,
        "TEACHER_PRO": 100,
        "HAS_CHARTER": 1,
        "PASS_RATE": Decimal("85.5"),
    }
    assert _numbers("乙职校") == {"ENROLMENT": 3000, "REMARK": "含五年制"}
    for submission in Submission.objects.all():
        assert (submission.source, submission.status) == (ValueSource.EXCEL, SubmissionStatus.OPEN)
    assert sorted(SubmissionEvent.objects.values_list("action", "comment")) == [
        ("import", "Excel 导入 2 项"),
        ("import", "Excel 导入 4 项"),
    ]
    [audit] = _import_audits()
    assert audit.object_type == "indicators.DataSet"
    assert audit.changes["values"] == 6 and len(audit.changes["sha256"]) == 64


def test_imported_data_is_reported_like_data_entered_on_the_web(monitoring, template, upload):
    upload(template().fill(GOOD).fill({("甲职校", "TEACHER_DUAL"): 60}).bytes())
    submission = Submission.objects.get(unit__name="甲职校")

    submission = services.submission_complete(
        user=monitoring.users["school"], submission=submission
    )

    assert submission.status == SubmissionStatus.AWAITING_BUREAU


def test_an_empty_cell_leaves_the_stored_value_alone_and_a_new_one_replaces_it(
    monitoring, template, upload
):
    upload(template().fill(GOOD).bytes())

    upload(template().fill({("甲职校", "ENROLMENT"): None, ("甲职校", "TEACHER_PRO"): 120}).bytes())

    assert _numbers("甲职校")["ENROLMENT"] == 1200
    assert _numbers("甲职校")["TEACHER_PRO"] == 120


def test_the_template_comes_back_filled_with_what_was_stored(monitoring, template, upload):
    upload(template().fill(GOOD).bytes())

    sheet = template()

    values = {
        ref: sheet.ws.cell(sheet.row_of("甲职校", ref), VALUE).value
        for ref in ("ENROLMENT", "HAS_CHARTER", "PASS_RATE", "TEACHER_DUAL")
    }
    assert values == {
        "ENROLMENT": 1200,
        "HAS_CHARTER": "是",
        "PASS_RATE": 85.5,
        "TEACHER_DUAL": None,
    }
    upload(sheet.bytes())  # importing it unchanged is harmless
    assert _numbers("甲职校")["ENROLMENT"] == 1200


def test_rows_typed_in_by_hand_are_read_like_the_templates_own(monitoring, template, upload):
    # A unit by its short name, a year typed as a number, an element code in lower case.
    Unit.objects.filter(name="甲职校").update(short_name="甲校")
    sheet = template(units=("乙职校",))
    sheet.append("甲校", int(monitoring.last_year), "enrolment", "", 1500)

    upload(sheet.bytes())

    assert _numbers("甲职校") == {"ENROLMENT": 1500}


def test_disaggregated_values_are_imported_per_option(monitoring, template, upload):
    quarter = f"{monitoring.last_year}Q4"
    sheet = template("SCHOOL_TRAINING", periods=(quarter,))
    sheet.fill({("甲职校", "TRAIN_PT.VETERAN"): 30, ("甲职校", "TRAIN_PT.MIGRANT"): 70})

    upload(sheet.bytes(), data_set="SCHOOL_TRAINING")

    assert dict(
        DataValue.objects.filter(element__code="TRAIN_PT").values_list("option_code", "number")
    ) == {"VETERAN": 30, "MIGRANT": 70}


# ---------------------------------------------------------------- all or nothing


def _rejected(upload, content, **kw) -> list[RowError]:
    with pytest.raises(ImportRejected) as caught:
        upload(content, **kw)
    assert caught.value.code == "import_failed"
    assert "未保存任何数据" in caught.value.message
    assert _nothing_saved()
    return caught.value.errors


@pytest.mark.parametrize(
    ("ref", "value", "message"),
    [
        ("ENROLMENT", "很多", "“很多”不是数字"),
        ("ENROLMENT", 12.5, "应填整数"),
        ("TEACHER_PRO", -5, "不能小于 0"),
        ("TEACHER_PRO", 5001, "不能大于 5000"),
        ("HAS_CHARTER", "也许", "应填“是”或“否”"),
        ("PASS_RATE", 120, "百分比应在 0 到 100 之间（填 85 表示 85%）"),
    ],
)
def test_a_bad_value_rejects_the_whole_file(monitoring, template, upload, ref, value, message):
    sheet = template().fill(GOOD).fill({("甲职校", ref): value})

    errors = _rejected(upload, sheet.bytes())

    assert errors == [RowError(sheet.row_of("甲职校", ref), "值", message)]


@pytest.mark.parametrize(
    ("unit", "message"),
    [
        ("丙职校", "“丙职校”不是“职业院校年度基本数据”的填报单位"),
        ("人社局", "“人社局”不是“职业院校年度基本数据”的填报单位"),
        ("", "单位不能为空"),
    ],
)
def test_an_unknown_unit_is_named(monitoring, template, upload, unit, message):
    sheet = template().fill(GOOD)
    sheet.put(FIRST_ROW, UNIT, unit or None)

    assert _rejected(upload, sheet.bytes()) == [RowError(FIRST_ROW, "单位", message)]


def test_a_unit_outside_the_importers_scope_is_refused(monitoring, template, upload):
    sheet = template().fill(GOOD)

    errors = _rejected(upload, sheet.bytes(), user="school")

    assert {(e.column, e.message) for e in errors} == {("单位", "您不能填报乙职校的数据")}
    assert {e.row for e in errors} >= {sheet.row_of("乙职校", "ENROLMENT")}


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("明年", "“明年”不是有效的年度周期，应写作如 2024"),
        ("2024Q1", "“2024Q1”不是有效的年度周期，应写作如 2024"),
        ("2019", "职业院校年度基本数据从2020年起填报，没有2019年的数据"),
    ],
)
def test_an_unknown_period_or_one_of_the_wrong_type_is_named(
    monitoring, template, upload, period, message
):
    sheet = template().fill(GOOD)
    sheet.put(FIRST_ROW, PERIOD, period)

    assert _rejected(upload, sheet.bytes()) == [RowError(FIRST_ROW, "周期", message)]


def test_a_closed_period_is_refused(monitoring, template, upload):
    year = monitoring.closed_year
    sheet = template("SCHOOL_SURVEY", periods=(year,)).fill({("甲职校", "GRADUATES"): 300})

    errors = _rejected(upload, sheet.bytes(), data_set="SCHOOL_SURVEY")

    # only the row that changes something is refused; the other school's empty row is left alone
    assert errors == [RowError(FIRST_ROW, "周期", f"{year}年已关闭填报，如需补报请申请延期")]


def test_a_period_not_yet_open_is_refused(monitoring, template, upload):
    year = monitoring.next_year
    sheet = template(units=("甲职校",), periods=(year,)).fill({("甲职校", "ENROLMENT"): 1})

    errors = _rejected(upload, sheet.bytes())

    assert {e.message for e in errors} == {f"{year}年尚未开放填报"}


def test_a_duplicate_row_is_named_with_the_row_it_repeats(monitoring, template, upload):
    sheet = template().fill(GOOD)
    copy = sheet.append("甲职校", monitoring.last_year, "ENROLMENT", "", 1300)

    errors = _rejected(upload, sheet.bytes())

    assert errors == [
        RowError(copy, "", f"与第 {FIRST_ROW} 行重复（同一单位、周期、数据项和分类）")
    ]


def test_an_unknown_element_code_is_named(monitoring, template, upload):
    sheet = template().fill(GOOD)
    sheet.put(FIRST_ROW, CODE, "NOPE")

    errors = _rejected(upload, sheet.bytes())

    assert errors == [RowError(FIRST_ROW, "数据项编码", "“NOPE”不是“职业院校年度基本数据”的数据项")]


@pytest.mark.parametrize(
    ("ref", "option", "message"),
    [
        ("TRAIN_PT.VETERAN", "NOPE", "“NOPE”不是“社会培训人次”的分类编码"),
        ("TRAIN_PT.VETERAN", None, "“（空）”不是“社会培训人次”的分类编码"),
        ("SATISFACTION", "VETERAN", "“培训满意度”没有分类，分类编码应留空"),
    ],
)
def test_a_wrong_option_code_is_named(monitoring, template, upload, ref, option, message):
    sheet = template("SCHOOL_TRAINING", periods=(f"{monitoring.last_year}Q4",))
    sheet.fill({("甲职校", "TRAIN_PT.MIGRANT"): 5, ("甲职校", ref): 10})
    row = sheet.row_of("甲职校", ref)
    sheet.put(row, OPTION, option)

    errors = _rejected(upload, sheet.bytes(), data_set="SCHOOL_TRAINING")

    assert errors == [RowError(row, "分类编码", message)]


def test_every_problem_is_listed_at_once(monitoring, template, upload):
    sheet = (
        template().fill(GOOD).fill({("甲职校", "ENROLMENT"): "很多", ("乙职校", "PASS_RATE"): 101})
    )
    sheet.put(sheet.row_of("乙职校", "REMARK"), CODE, "NOPE")

    errors = _rejected(upload, sheet.bytes())

    assert [(e.row, e.column) for e in errors] == [
        (sheet.row_of("甲职校", "ENROLMENT"), "值"),
        (sheet.row_of("乙职校", "PASS_RATE"), "值"),
        (sheet.row_of("乙职校", "NOPE"), "数据项编码"),
    ]


def test_data_already_reported_is_locked(monitoring, template, upload):
    m = monitoring
    submission = services.values_save(
        user=m.users["school"],
        data_set=m.data_sets["SCHOOL_BASIC"],
        unit=m.units["甲职校"],
        period_code=m.last_year,
        values={("ENROLMENT", ""): 1000, ("TEACHER_PRO", ""): 50, ("TEACHER_DUAL", ""): 20,
                ("HAS_CHARTER", ""): "是", ("PASS_RATE", ""): 80},
    )  # fmt: skip
    services.submission_complete(user=m.users["school"], submission=submission)
    before = (DataValue.objects.count(), SubmissionEvent.objects.count())
    sheet = template().fill({("甲职校", "ENROLMENT"): 1200, ("乙职校", "ENROLMENT"): 3000})

    with pytest.raises(ImportRejected) as caught:
        upload(sheet.bytes())

    locked = f"甲职校{m.last_year}年的数据待主管部门审核，已锁定，不能导入"
    assert RowError(FIRST_ROW, "周期", locked) in caught.value.errors
    assert {e.message for e in caught.value.errors} == {locked}
    assert (DataValue.objects.count(), SubmissionEvent.objects.count()) == before
    assert _numbers("甲职校")["ENROLMENT"] == 1000
    assert not Submission.objects.filter(unit__name="乙职校").exists()
    assert not _import_audits().exists()


def test_unchanged_values_of_locked_data_in_an_all_units_template_are_ignored(
    monitoring, template, upload
):
    m = monitoring
    submission = services.values_save(
        user=m.users["school"],
        data_set=m.data_sets["SCHOOL_BASIC"],
        unit=m.units["甲职校"],
        period_code=m.last_year,
        values={("ENROLMENT", ""): 1000, ("TEACHER_PRO", ""): 50, ("TEACHER_DUAL", ""): 20,
                ("HAS_CHARTER", ""): "是", ("PASS_RATE", ""): 80},
    )  # fmt: skip
    services.submission_complete(user=m.users["school"], submission=submission)
    # 教育局 downloads the template of both its schools: 甲职校's reported data comes pre-filled.
    sheet = template().fill({("乙职校", "ENROLMENT"): 3000})

    upload(sheet.bytes())

    assert _numbers("乙职校") == {"ENROLMENT": 3000}


# ---------------------------------------------------------------- the file itself


def test_a_template_of_another_data_set_is_refused(monitoring, template, upload):
    sheet = template("SCHOOL_TRAINING", periods=(f"{monitoring.last_year}Q4",))
    sheet.fill({("甲职校", "TRAINERS"): 5})

    with pytest.raises(ServiceError) as caught:
        upload(sheet.bytes(), data_set="SCHOOL_BASIC")

    assert caught.value.code == "wrong_template"
    assert caught.value.message == (
        "这是“职业院校社会培训（季度）”的模板，不能导入“职业院校年度基本数据”，请下载本数据集的模板"
    )
    assert _nothing_saved()


def test_a_workbook_that_is_not_a_template_is_refused(monitoring, upload):
    workbook = openpyxl.Workbook()
    workbook.active.append(["单位", "周期", "数据项编码", "值"])
    workbook.active.append(["甲职校", monitoring.last_year, "ENROLMENT", 1200])
    stream = io.BytesIO()
    workbook.save(stream)

    with pytest.raises(ServiceError) as caught:
        upload(stream.getvalue())

    assert caught.value.code == "wrong_template"
    assert "第 1 行应为“数据集编码”" in caught.value.message
    assert _nothing_saved()


def test_a_template_without_its_header_is_refused(monitoring, template, upload):
    sheet = template().fill(GOOD).put(3, VALUE, "数值")

    with pytest.raises(ExcelError) as caught:
        upload(sheet.bytes())

    assert caught.value.code == "bad_header"
    assert _nothing_saved()


@pytest.mark.parametrize(
    ("content", "name", "code", "message"),
    [
        (b"unit,period,value\n", "数据.csv", "file_type", "不支持的文件类型“.csv”"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "数据.xls", "file_type", "旧版 Excel（.xls）"),
        (b"just some text", "数据.xlsx", "file_type", "文件不是 Excel 工作簿（.xlsx）"),
        (b"PK\x03\x04 broken", "数据.xlsx", "file_type", "文件可能已损坏"),
        (b"", "数据.xlsx", "file_empty", "文件是空的"),
    ],
)
def test_a_file_that_is_not_an_xlsx_is_refused(monitoring, upload, content, name, code, message):
    with pytest.raises(ExcelError) as caught:
        upload(content, name=name)

    assert caught.value.code == code
    assert message in caught.value.message
    assert _nothing_saved()


def test_a_role_that_does_not_enter_data_cannot_import(monitoring, template, upload):
    with pytest.raises(ServiceError) as caught:
        upload(template().fill(GOOD).bytes(), user="enterprise")

    assert caught.value.status_code == 403
    assert _nothing_saved()
