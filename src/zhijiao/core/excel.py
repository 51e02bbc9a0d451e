"""Excel in and out: styled sheets written with openpyxl, uploads read fast with python-calamine.

Imports follow one pattern, all or nothing: read the upload (:func:`xlsx_table`, which refuses a
file that is too large, empty or not an .xlsx with a Chinese message), check every row and collect
a :class:`RowError` for each problem, then write inside one transaction and, if any row failed,
raise :class:`ImportRejected` carrying the whole list — the transaction rolls back and the user
sees every error at once, each with its row number and column as Excel shows them.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import (
    CalamineError,
    CalamineSheet,
    CalamineWorkbook,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from .errors import ServiceError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_ROWS = 5000
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls, and password-protected .xlsx
LISTS_SHEET = gettext_lazy("下拉选项")
OLD_EXCEL_MESSAGE = gettext_lazy(
    "这是旧版 Excel（.xls）文件或加密的工作簿，请在 Excel 中另存为 .xlsx 格式（不加密码）后再上传"
)
# Extra empty rows below the data that still get the drop-down lists, for rows a user adds.
VALIDATION_SPARE_ROWS = 200

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
TO_FILL_FILL = PatternFill("solid", fgColor="FFF2CC")  # columns the recipient fills in
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


class ExcelErrorCode(StrEnum):
    # The same values as the apps' own codes for these cases, so either compares equal.
    FILE_TYPE = "file_type"
    FILE_TOO_LARGE = "file_too_large"
    FILE_EMPTY = "file_empty"
    BAD_HEADER = "bad_header"
    TOO_MANY_ROWS = "too_many_rows"


class ExcelError(ServiceError):
    """The upload cannot be read as the expected workbook. Nothing was imported."""


@dataclass(frozen=True, order=True)
class RowError:
    """One problem in one row of an upload; ``column`` is a header, or "" for the whole row."""

    row: int
    column: StrOrPromise
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("第 {row} 行“{column}”：{message}").format(
                row=self.row, column=self.column, message=self.message
            )
        return _("第 {row} 行：{message}").format(row=self.row, message=self.message)


class ImportRejected(ServiceError):
    """An import refused as a whole: ``errors`` lists every row problem; nothing was saved."""

    def __init__(
        self,
        code: StrEnum,
        message: str,
        *,
        errors: Sequence[RowError],
        status_code: int | None = None,
    ) -> None:
        super().__init__(code, message, status_code=status_code)
        self.errors = sorted(errors)


def reject_if_errors(errors: Sequence[RowError], *, code: StrEnum) -> None:
    """Raises :class:`ImportRejected` when any row failed; call it last inside the transaction."""
    if errors:
        rows = len({e.row for e in errors})
        raise ImportRejected(
            code,
            _(
                "导入失败：{rows} 行共 {count} 处错误，未保存任何数据。请按提示修改后重新上传。"
            ).format(rows=rows, count=len(errors)),
            errors=errors,
        )


# ---------------------------------------------------------------- writing


@dataclass(frozen=True)
class Column:
    """A column of a written sheet.

    ``width`` is in Excel's character units (a Chinese character is about two); ``choices`` adds
    a drop-down list; ``to_fill`` marks a column the recipient fills in (its header is highlighted).
    """

    header: StrOrPromise
    width: float = 12
    wrap: bool = False
    choices: Sequence[StrOrPromise] = ()
    to_fill: bool = False
    number_format: str = ""


def _safe(value: Any) -> Any:
    if isinstance(value, Promise):
        value = str(value)  # a label marked for translation, in the active language
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones; callers pass local times
    return value


def sheet_write(
    ws: Worksheet,
    *,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    title: str | None = None,
) -> int:
    """Fills a worksheet: bold header row, frozen; column widths; wrapped text where asked;
    drop-down lists for columns with choices. Returns the number of data rows written.

    Text is always written as text: a value such as "=HYPERLINK(…)" typed by a user stays inert
    when a colleague opens the export (no formula injection).
    """
    if title:
        ws.title = title[:31]
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index, value=str(column.header))
        cell.font = HEADER_FONT
        cell.fill = TO_FILL_FILL if column.to_fill else HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 30

    wrap = Alignment(vertical="top", wrap_text=True)
    top = Alignment(vertical="top")
    count = 0
    for count, values in enumerate(rows, start=1):
        row = count + 1
        for index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            value = _safe(value)
            cell = ws.cell(row=row, column=index, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula
            cell.alignment = wrap if column.wrap else top
            cell.border = BORDER
            if column.number_format:
                cell.number_format = column.number_format
    if columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    for index, column in enumerate(columns, start=1):
        if column.choices:
            _add_choices(ws, index, column, last_row=count + 1 + VALIDATION_SPARE_ROWS)
    return count


def _add_choices(ws: Worksheet, index: int, column: Column, *, last_row: int) -> None:
    choices = [str(c) for c in column.choices]
    inline = ",".join(choices)
    if len(inline) <= 250 and not any("," in c or '"' in c for c in choices):
        formula = f'"{inline}"'
    else:
        # Excel limits an inline list to 255 characters: long lists live on a hidden sheet.
        wb = ws.parent
        sheet = str(LISTS_SHEET)
        lists = wb[sheet] if sheet in wb.sheetnames else wb.create_sheet(sheet)
        lists.sheet_state = "hidden"
        # Each list takes the next free column, starting in row 1.
        list_col = get_column_letter(sum(1 for c in lists[1] if c.value is not None) + 1)
        for i, choice in enumerate(choices, start=1):
            lists[f"{list_col}{i}"] = choice
            lists[f"{list_col}{i}"].data_type = "s"
        formula = f"{quote_sheetname(sheet)}!${list_col}$1:${list_col}${len(column.choices)}"
    validation = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False)
    validation.error = _("请从下拉列表中选择{header}").format(header=column.header)
    validation.errorTitle = _("输入有误")
    validation.showErrorMessage = True
    letter = get_column_letter(index)
    validation.add(f"{letter}2:{letter}{last_row}")
    ws.add_data_validation(validation)


def xlsx_write(
    stream: IO[bytes] | str | Path,
    *,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    title: str = "Sheet1",
) -> int:
    """Writes a one-sheet workbook to a file or stream; returns the number of data rows."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    count = sheet_write(ws, columns=columns, rows=rows, title=title)
    wb.save(stream)  # type: ignore[arg-type]
    return count


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class SheetRow:
    """A data row of an upload: its row number as Excel shows it, and its values by header."""

    number: int
    values: dict[Any, Any]  # by the headers asked for (text, or marked for translation)

    def text(self, header: StrOrPromise) -> str:
        return cell_text(self.values.get(header))


def cell_text(value: Any) -> str:
    """A cell as trimmed text: 12.0 → "12", dates → 2026-01-02, empty → ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def cell_int(value: Any) -> int | None:
    """A cell as a whole number, or None when empty; raises ValueError for anything else.

    Accepts 60, 60.0, "60", "60%" and a percentage cell (0.6 shown as 60%) is *not* guessed at.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(_("不是整数"))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(_("不是整数"))
    text = str(value).strip().rstrip("%％").strip()
    if re.fullmatch(r"[+-]?\d+(\.0+)?", text):
        return int(float(text))
    raise ValueError(_("不是整数"))


def normalize_header(text: Any) -> str:
    """Header text compared loosely: no spaces or line breaks, half-width brackets and %."""
    value = cell_text(text)
    for full, half in (("（", "("), ("）", ")"), ("％", "%"), ("：", ":")):
        value = value.replace(full, half)
    return re.sub(r"\s+", "", value)


def _max_bytes(max_bytes: int | None) -> int:
    if max_bytes is not None:
        return max_bytes
    return int(getattr(settings, "ZHIJIAO_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def xlsx_content(
    upload: IO[bytes] | bytes, *, max_bytes: int | None = None, name: str = ""
) -> bytes:
    """The bytes of an uploaded workbook after checking name, size and signature.

    Raises :class:`ExcelError` with a Chinese message for an empty file, one over the limit,
    an old .xls or encrypted file, or anything that is not an .xlsx.
    """
    limit = _max_bytes(max_bytes)
    name = name or str(getattr(upload, "name", "") or "")
    if name and not name.lower().endswith(".xlsx"):
        suffix = Path(name).suffix.lower()
        if suffix == ".xls":
            raise ExcelError(ExcelErrorCode.FILE_TYPE, str(OLD_EXCEL_MESSAGE))
        raise ExcelError(
            ExcelErrorCode.FILE_TYPE,
            _("不支持的文件类型“{suffix}”，请上传 Excel 工作簿（.xlsx）").format(
                suffix=suffix or _("无扩展名")
            ),
        )
    size = getattr(upload, "size", None)
    if isinstance(size, int) and size > limit:
        raise _too_large(size, limit)
    if isinstance(upload, bytes | bytearray):
        content = bytes(upload)
    else:
        if hasattr(upload, "seek"):
            upload.seek(0)
        content = upload.read(limit + 1)
    if len(content) > limit:
        raise _too_large(len(content), limit)
    if not content:
        raise ExcelError(ExcelErrorCode.FILE_EMPTY, _("文件是空的，请重新选择文件"))
    if content.startswith(OLE_MAGIC):
        raise ExcelError(ExcelErrorCode.FILE_TYPE, str(OLD_EXCEL_MESSAGE))
    if not content.startswith(ZIP_MAGIC):
        raise ExcelError(
            ExcelErrorCode.FILE_TYPE, _("文件不是 Excel 工作簿（.xlsx），请检查后重新上传")
        )
    _refuse_zip_bomb(content, limit)
    return content


def _refuse_zip_bomb(content: bytes, limit: int) -> None:
    """An .xlsx is a zip: refuse one that would unpack to far more than any real workbook."""
    unpacked_limit = int(getattr(settings, "ZHIJIAO_IMPORT_MAX_UNPACKED_BYTES", 0) or limit * 20)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ExcelError(
            ExcelErrorCode.FILE_TYPE,
            _("文件可能已损坏，无法作为 Excel 工作簿打开，请重新导出后上传"),
        ) from exc
    if total > unpacked_limit:
        raise ExcelError(
            ExcelErrorCode.FILE_TOO_LARGE,
            _(
                "文件解压后过大（{size:.0f} MB），超过 {limit:.0f} MB 的上限，可能不是正常的 Excel 工作簿"
            ).format(size=total / 1048576, limit=unpacked_limit / 1048576),
        )


def _too_large(size: int, limit: int) -> ExcelError:
    return ExcelError(
        ExcelErrorCode.FILE_TOO_LARGE,
        _("文件过大（{size:.1f} MB），不能超过 {limit:.0f} MB").format(
            size=size / 1048576, limit=limit / 1048576
        ),
    )


def xlsx_iter_rows(
    upload: IO[bytes] | bytes,
    *,
    max_bytes: int | None = None,
    name: str = "",
    max_rows: int = DEFAULT_MAX_ROWS,
) -> Iterator[list[Any]]:
    """The cells of the first visible worksheet, from A1, as Python values (numbers as float),
    one row at a time.

    The file is checked, opened and counted at once (every refusal is raised by this call, not
    by the iteration); the rows become Python lists only as they are read, so an import that
    checks a row and lets it go holds one row, not the sheet. python-calamine itself keeps the
    parsed sheet until the iteration ends: it has no row-by-row reader for .xlsx.
    """
    content = xlsx_content(upload, max_bytes=max_bytes, name=name)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheets = [
            m.name
            for m in workbook.sheets_metadata
            if m.typ == SheetTypeEnum.WorkSheet and m.visible == SheetVisibleEnum.Visible
        ]
        if not sheets:
            raise ExcelError(ExcelErrorCode.FILE_EMPTY, _("工作簿中没有可读取的工作表"))
        sheet = workbook.get_sheet_by_name(sheets[0])
    except CalamineError as exc:
        raise ExcelError(
            ExcelErrorCode.FILE_TYPE, _("无法读取该文件，它可能已损坏或不是 Excel 工作簿（.xlsx）")
        ) from exc
    if sheet.end is not None and sheet.end[0] + 1 > max_rows + 1:
        raise ExcelError(
            ExcelErrorCode.TOO_MANY_ROWS,
            _("数据行过多，一次最多导入 {max_rows} 行，请分批上传").format(max_rows=max_rows),
        )
    return _sheet_rows(sheet)


def _sheet_rows(sheet: CalamineSheet) -> Iterator[list[Any]]:
    # iter_rows() starts at row 1 but at the first used column: put the columns before it back,
    # so that a cell's index is its column as Excel numbers it, as to_python(skip_empty_area=
    # False) gives it.
    if sheet.start is None:
        return
    before = [""] * sheet.start[1]
    for row in sheet.iter_rows():
        yield before + row if before else row


def xlsx_rows(
    upload: IO[bytes] | bytes,
    *,
    max_bytes: int | None = None,
    name: str = "",
    max_rows: int = DEFAULT_MAX_ROWS,
) -> list[list[Any]]:
    """Every row of :func:`xlsx_iter_rows` at once, for files small enough to hold."""
    return list(xlsx_iter_rows(upload, max_bytes=max_bytes, name=name, max_rows=max_rows))


def _find_header(
    rows: list[list[Any]], needed: list[str], renamed: Mapping[str, str] | None = None
) -> tuple[int, dict[str, int]] | None:
    renamed = renamed or {}
    for index, row in enumerate(rows):
        positions: dict[str, int] = {}
        for i, v in enumerate(row):
            if cell_text(v):
                name = normalize_header(v)
                # A former header stands for its column unless the row also has the current one.
                positions.setdefault(renamed.get(name, name), i)
                positions[name] = i
        if all(n in positions for n in needed):
            return index, positions
    return None


def xlsx_table(
    upload: IO[bytes] | bytes,
    *,
    columns: Sequence[StrOrPromise],
    required: Sequence[StrOrPromise] = (),
    max_bytes: int | None = None,
    name: str = "",
    max_rows: int = DEFAULT_MAX_ROWS,
    header_search_rows: int = 5,
    former: Mapping[StrOrPromise, Sequence[str]] | None = None,
) -> list[SheetRow]:
    """The data rows of an upload, keyed by the headers in ``columns``.

    The header row is found among the first few rows (the first holding every ``required``
    header, compared loosely — full-width brackets and spaces do not matter). ``former`` gives
    a column's earlier headers, read as that column, so that templates downloaded before a
    column was renamed still import. Columns not asked for are ignored; rows with every
    asked-for cell empty are skipped.
    """
    rows = xlsx_iter_rows(upload, max_bytes=max_bytes, name=name, max_rows=max_rows)
    head = list(itertools.islice(rows, header_search_rows))
    wanted = {normalize_header(c): c for c in columns}
    needed = [normalize_header(c) for c in (required or columns)]
    renamed = {
        normalize_header(old): normalize_header(column)
        for column, olds in (former or {}).items()
        for old in olds
    }
    found = _find_header(head, needed, renamed)
    if found is None:
        present = {normalize_header(v) for v in (head[0] if head else [])}
        present |= {renamed[n] for n in present if n in renamed}
        missing = [c for c in (required or columns) if normalize_header(c) not in present]
        raise ExcelError(
            ExcelErrorCode.BAD_HEADER,
            _("表头缺少“{columns}”列，请使用系统导出的模板填写").format(
                columns="”“".join(str(c) for c in missing)
            ),
        )
    header_index, positions = found
    index = {wanted[n]: i for n, i in positions.items() if n in wanted}
    result: list[SheetRow] = []
    body = itertools.chain(head[header_index + 1 :], rows)
    for offset, row in enumerate(body, start=header_index + 2):
        values = {c: (row[i] if i < len(row) else None) for c, i in index.items()}
        values = {
            c: (None if isinstance(v, str) and not v.strip() else v) for c, v in values.items()
        }
        if all(v is None for v in values.values()):
            continue
        result.append(SheetRow(number=offset, values=values))
    return result
