"""Excel helpers: styled sheets out, uploads in — with Chinese errors for files that are not right."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from zhijiao.core.excel import (
    LISTS_SHEET,
    Column,
    ExcelError,
    ExcelErrorCode,
    ImportRejected,
    RowError,
    cell_int,
    normalize_header,
    reject_if_errors,
    xlsx_iter_rows,
    xlsx_rows,
    xlsx_table,
    xlsx_write,
)
from zhijiao.plan.data import PlanErrorCode

COLUMNS = [
    Column("序号", 6),
    Column("名称", 30, wrap=True),
    Column("日期", 12, number_format="yyyy-mm-dd"),
    Column("是否完成", 10, choices=["是", "否"], to_fill=True),
]


def _workbook(rows, columns=COLUMNS) -> bytes:
    stream = io.BytesIO()
    xlsx_write(stream, title="清单", columns=columns, rows=rows)
    return stream.getvalue()


def test_written_sheet_has_a_bold_frozen_header_widths_and_lists():
    content = _workbook([[1, "甲", dt.date(2026, 1, 2), None], [2, "乙", None, "是"]])
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    assert ws.title == "清单"
    assert [c.value for c in ws[1]] == ["序号", "名称", "日期", "是否完成"]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width == 30
    assert ws["B2"].alignment.wrap_text
    assert ws["C2"].value.date() == dt.date(2026, 1, 2) and ws["C2"].number_format == "yyyy-mm-dd"
    assert ws["D1"].fill.fgColor.rgb.endswith("FFF2CC")  # a column to fill in stands out
    validations = ws.data_validations.dataValidation
    assert len(validations) == 1 and validations[0].formula1 == '"是,否"'
    assert str(validations[0].sqref).startswith("D2:D")


def test_long_choice_lists_go_to_a_hidden_sheet():
    labels = [f"2026年{m}月第{w}周" for m in range(1, 13) for w in range(1, 5)]
    content = _workbook(
        [[1, "甲", None, None]], columns=[*COLUMNS[:3], Column("周期", 14, choices=labels)]
    )
    wb = openpyxl.load_workbook(io.BytesIO(content))
    lists = wb[LISTS_SHEET]
    assert lists.sheet_state == "hidden"
    assert [lists.cell(row=i, column=1).value for i in (1, 48)] == [labels[0], labels[-1]]
    formula = wb.active.data_validations.dataValidation[0].formula1
    assert formula == f"'{LISTS_SHEET}'!$A$1:$A$48"


def test_text_that_looks_like_a_formula_stays_text():
    content = _workbook([[1, '=HYPERLINK("http://evil","点我")', None, None]])
    cell = openpyxl.load_workbook(io.BytesIO(content)).active["B2"]
    assert cell.data_type == "s"
    rows = xlsx_table(content, columns=["序号", "名称"])
    assert rows[0].values["名称"] == '=HYPERLINK("http://evil","点我")'


def test_reading_keys_rows_by_header_with_excel_row_numbers():
    content = _workbook(
        [[1, "甲", dt.date(2026, 1, 2), "是"], [None, None, None, None], [3, " 丙 ", None, None]]
    )
    rows = xlsx_table(
        SimpleUploadedFile("清单.xlsx", content), columns=["序号", "名称", "是否完成"]
    )
    assert [r.number for r in rows] == [2, 4]  # the blank row 3 is skipped, numbering kept
    assert rows[0].values == {"序号": 1.0, "名称": "甲", "是否完成": "是"}
    assert rows[1].text("名称") == "丙" and rows[1].values["是否完成"] is None


def test_header_is_found_below_a_title_row_and_compared_loosely():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["任务进展填报表"])
    ws.append(["序 号", "完成进度（%）"])
    ws.append([5, 60])
    stream = io.BytesIO()
    wb.save(stream)
    rows = xlsx_table(stream.getvalue(), columns=["序号", "完成进度(%)"])
    assert rows[0].number == 3 and rows[0].values == {"序号": 5.0, "完成进度(%)": 60.0}
    assert normalize_header(" 完成进度（％）\n") == "完成进度(%)"


def test_missing_columns_are_named():
    content = _workbook([[1, "甲", None, None]])
    with pytest.raises(ExcelError) as err:
        xlsx_table(content, columns=["序号", "进展情况", "报送周期"])
    assert err.value.code == ExcelErrorCode.BAD_HEADER
    assert "表头缺少“进展情况”“报送周期”列" in err.value.message


@pytest.mark.parametrize(
    ("name", "content", "code", "words"),
    [
        ("进展.xlsx", b"", ExcelErrorCode.FILE_EMPTY, "文件是空的"),
        (
            "进展.xls",
            b"\xd0\xcf\x11\xe0" + b"\0" * 100,
            ExcelErrorCode.FILE_TYPE,
            "旧版 Excel（.xls）",
        ),
        ("进展.xlsx", b"\xd0\xcf\x11\xe0" + b"\0" * 100, ExcelErrorCode.FILE_TYPE, "另存为 .xlsx"),
        (
            "进展.xlsx",
            "序号,进展情况\n1,好".encode(),
            ExcelErrorCode.FILE_TYPE,
            "不是 Excel 工作簿",
        ),
        ("进展.xlsx", b"PK\x03\x04broken zip", ExcelErrorCode.FILE_TYPE, "可能已损坏"),
        (
            "进展.pdf",
            b"%PDF-1.4",
            ExcelErrorCode.FILE_TYPE,
            "不支持的文件类型“.pdf”，请上传 Excel 工作簿（.xlsx）",
        ),
    ],
)
def test_files_that_are_not_xlsx_are_refused_in_chinese(name, content, code, words):
    with pytest.raises(ExcelError) as err:
        xlsx_table(SimpleUploadedFile(name, content), columns=["序号"])
    assert err.value.code == code
    assert words in err.value.message


def test_a_word_document_renamed_to_xlsx_is_refused():
    import docx

    stream = io.BytesIO()
    docx.Document().save(stream)
    with pytest.raises(ExcelError) as err:
        xlsx_table(SimpleUploadedFile("进展.xlsx", stream.getvalue()), columns=["序号"])
    assert err.value.code == ExcelErrorCode.FILE_TYPE


def test_size_limit_from_settings():
    content = _workbook([[i, "甲" * 50, None, None] for i in range(200)])
    with override_settings(ZHIJIAO_IMPORT_MAX_BYTES=1024):
        with pytest.raises(ExcelError) as err:
            xlsx_table(SimpleUploadedFile("大.xlsx", content), columns=["序号"])
        assert err.value.code == ExcelErrorCode.FILE_TOO_LARGE == PlanErrorCode.FILE_TOO_LARGE
        assert "不能超过" in err.value.message
        # a stream without a size is read only up to the limit
        with pytest.raises(ExcelError, match="文件过大"):
            xlsx_table(io.BytesIO(content), columns=["序号"])
    assert len(xlsx_table(content, columns=["序号"])) == 200


def test_row_limit():
    content = _workbook([[i, "甲", None, None] for i in range(30)])
    with pytest.raises(ExcelError, match="一次最多导入 20 行"):
        xlsx_table(content, columns=["序号"], max_rows=20)


def test_rows_are_read_one_at_a_time_in_excel_positions():
    """A sheet whose first used cell is C3 reads from A1 as Excel numbers it: the columns and rows
    before it come back empty, lazily, and the same as the whole-sheet read."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C3"] = "序号"
    ws["D3"] = "名称"
    ws["C4"] = 7
    ws["D5"] = "乙"
    stream = io.BytesIO()
    wb.save(stream)

    rows = xlsx_iter_rows(stream.getvalue())

    assert iter(rows) is rows  # an iterator, not a list of the sheet
    read = list(rows)
    assert read == [
        ["", "", "", ""],
        ["", "", "", ""],
        ["", "", "序号", "名称"],
        ["", "", 7.0, ""],
        ["", "", "", "乙"],
    ]
    assert xlsx_rows(stream.getvalue()) == read
    table = xlsx_table(stream.getvalue(), columns=["序号", "名称"])
    assert [(r.number, r.values) for r in table] == [
        (4, {"序号": 7.0, "名称": None}),
        (5, {"序号": None, "名称": "乙"}),
    ]


def test_row_limit_is_checked_before_any_row_is_read():
    content = _workbook([[i, "甲", None, None] for i in range(30)])
    with pytest.raises(ExcelError, match="一次最多导入 20 行"):
        xlsx_iter_rows(content, max_rows=20)  # raised by the call, not by the iteration
    assert len(list(xlsx_iter_rows(content, max_rows=30))) == 31


@pytest.mark.parametrize(
    ("value", "expected"),
    [(60, 60), (60.0, 60), ("60", 60), (" 60% ", 60), ("", None), (None, None)],
)
def test_cell_int_accepts_whole_numbers(value, expected):
    assert cell_int(value) == expected


@pytest.mark.parametrize("value", [60.5, "六十", "60.5", True])
def test_cell_int_refuses_the_rest(value):
    with pytest.raises(ValueError):
        cell_int(value)


def test_row_errors_read_in_chinese_and_reject_all_at_once():
    errors = [
        RowError(5, "完成进度(%)", "应在 0 到 100 之间"),
        RowError(3, "", "该报告已报送"),
        RowError(5, "报送周期", "请填写报送周期"),
    ]
    assert str(errors[0]) == "第 5 行“完成进度(%)”：应在 0 到 100 之间"
    assert str(errors[1]) == "第 3 行：该报告已报送"
    reject_if_errors([], code=PlanErrorCode.IMPORT_INVALID)
    with pytest.raises(ImportRejected) as err:
        reject_if_errors(errors, code=PlanErrorCode.IMPORT_INVALID)
    assert err.value.code == PlanErrorCode.IMPORT_INVALID
    assert [e.row for e in err.value.errors] == [3, 5, 5]
    assert "2 行共 3 处错误，未保存任何数据" in err.value.message


def test_zip_bomb_is_refused(settings):
    import io as _io
    import zipfile as _zipfile

    from zhijiao.core.excel import ExcelError, xlsx_content

    settings.ZHIJIAO_IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024
    buffer = _io.BytesIO()
    with _zipfile.ZipFile(buffer, "w", compression=_zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (5 * 1024 * 1024))
    packed = buffer.getvalue()
    assert len(packed) < 64 * 1024  # small on the wire, huge when unpacked
    with pytest.raises(ExcelError) as err:
        xlsx_content(packed, name="炸弹.xlsx")
    assert "解压后过大" in err.value.message
