"""Data values in Excel: the template (pre-filled with unit and period) and its import.

The template has one row per unit, period, element and disaggregation option. Its first row names
the data set by code, so a template of another data set is refused as a whole. An import is all or
nothing: every row is checked first (unit, period, element, option, value, duplicates, open
window, lock), every problem is listed by row and column, and only a clean file is written — in
one transaction, with bulk statements, so 100,000 rows take seconds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from zhijiao.core import audit
from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import (
    Column,
    ExcelError,
    ExcelErrorCode,
    RowError,
    cell_text,
    normalize_header,
    reject_if_errors,
    sheet_write,
    xlsx_content,
    xlsx_iter_rows,
)
from zhijiao.core.models import AuditAction
from zhijiao.core.periods import Period, PeriodError
from zhijiao.orgs.models import Unit, User
from zhijiao.orgs.roles import Capability, require_capability

from . import selectors, services
from .data import IndicatorErrorCode
from .models import (
    DataElement,
    DataSet,
    DataValue,
    Submission,
    SubmissionAction,
    SubmissionEvent,
    ValueSource,
    ValueType,
)
from .services import unit_in_scope, value_parse

CODE_LABEL = "数据集编码"
H_UNIT, H_PERIOD, H_CODE, H_NAME = "单位", "周期", "数据项编码", "数据项"
H_OPTION, H_OPTION_NAME, H_UOM, H_VALUE = "分类编码", "分类", "计量单位", "值"
HEADERS = [H_UNIT, H_PERIOD, H_CODE, H_NAME, H_OPTION, H_OPTION_NAME, H_UOM, H_VALUE]
REQUIRED = [H_UNIT, H_PERIOD, H_CODE, H_VALUE]
MAX_ROWS = 200_000
HEAD_ROWS = 6  # the template's first row, and the header row among the first six
MAX_BYTES = 40 * 1024 * 1024
BATCH = 5000


def _columns(data_set: DataSet) -> list[Column]:
    return [
        Column(H_UNIT, 26),
        Column(H_PERIOD, 12),
        Column(H_CODE, 18),
        Column(H_NAME, 30, wrap=True),
        Column(H_OPTION, 14),
        Column(H_OPTION_NAME, 14),
        Column(H_UOM, 10),
        Column(H_VALUE, 14, to_fill=True),
    ]


def template_rows(
    data_set: DataSet, units: Sequence[Unit], periods: Sequence[Period]
) -> Iterable[list[Any]]:
    """One row per unit, period, element and option, with the values already reported."""
    members = [m for m in selectors.data_set_elements(data_set) if not m.element.source]
    existing: dict[tuple[int, str, int, str], DataValue] = {}
    for value in DataValue.objects.filter(
        submission__data_set=data_set,
        submission__unit__in=units,
        submission__period_code__in=[p.code for p in periods],
    ).select_related("submission"):
        s = value.submission
        existing[(s.unit_id, s.period_code, value.element_id, value.option_code)] = value
    for unit in units:
        for period in periods:
            for member in members:
                element = member.element
                for code, name in element.option_list():
                    stored = existing.get((unit.pk, period.code, element.pk, code))
                    yield [
                        unit.name,
                        period.code,
                        element.code,
                        element.name,
                        code,
                        name,
                        element.unit_of_measure or element.get_value_type_display(),
                        _cell(element, stored),
                    ]


def _cell(element: DataElement, value: DataValue | None) -> Any:
    if value is None:
        return None
    if element.value_type == ValueType.BOOLEAN:
        return "是" if value.number else "否"
    if value.number is not None:
        n = value.number.normalize()
        return int(n) if n == n.to_integral_value() else float(n)
    return value.text or None


def template_write(
    stream: IO[bytes], *, data_set: DataSet, units: Sequence[Unit], periods: Sequence[Period]
) -> int:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "数据"
    count = sheet_write(
        ws, columns=_columns(data_set), rows=template_rows(data_set, units, periods)
    )
    # The data set's identity above the table; the header then sits on row 3.
    ws.insert_rows(1, 2)
    ws["A1"], ws["B1"], ws["C1"], ws["D1"] = CODE_LABEL, data_set.code, "数据集", data_set.name
    ws["E1"] = "只填“值”列；留空表示不修改。请勿改动第 1 行和表头。"
    ws.freeze_panes = "A4"
    # insert_rows moves cells only: move the filter and the header's height along.
    ws.auto_filter.ref = f"A3:{get_column_letter(len(HEADERS))}{count + 3}"
    ws.row_dimensions[3].height = ws.row_dimensions[1].height
    ws.row_dimensions[1].height = None
    # Percentages typed as "85%" would become 0.85 in a number cell: keep those cells as text.
    percentages = set(
        DataElement.objects.filter(value_type=ValueType.PERCENTAGE).values_list("code", flat=True)
    )
    if percentages:
        for (code_cell,) in ws.iter_rows(min_row=4, min_col=3, max_col=3):
            if code_cell.value in percentages:
                ws.cell(code_cell.row, len(HEADERS)).number_format = "@"
    wb.save(stream)
    return count


@dataclass
class ImportResult:
    rows: int
    values: int
    submissions: int
    unchanged: int = 0


@dataclass(slots=True)  # one per row of the file: no per-instance __dict__
class _Row:
    number: int
    unit: Unit
    period: Period
    element: DataElement
    option: str
    number_value: Decimal | None
    text: str
    key: tuple[int, str]  # the submission's: (unit id, period code)
    element_id: int


def _unit_lookup(data_set: DataSet) -> dict[str, Unit]:
    lookup: dict[str, Unit] = {}
    for unit in selectors.reporting_units(data_set):
        for name in [unit.name, unit.short_name, *(unit.aliases or [])]:
            if name:
                lookup.setdefault(normalize_header(name), unit)
    return lookup


def values_import(
    *, user: User, data_set: DataSet, upload: IO[bytes] | bytes, name: str = ""
) -> ImportResult:
    """Imports a filled template. Raises ImportRejected listing every row problem, or
    ExcelError when the file itself is wrong; in both cases nothing is saved."""
    require_capability(user, Capability.DATA_ENTER, _("您的角色不能导入数据"))
    content = xlsx_content(upload, name=name, max_bytes=MAX_BYTES)
    rows = xlsx_iter_rows(content, max_rows=MAX_ROWS, max_bytes=MAX_BYTES)
    head = list(itertools.islice(rows, HEAD_ROWS))
    _check_template(head, data_set)
    header_index, columns = _header(head)
    body = itertools.chain(head[header_index + 1 :], rows)
    parsed, errors = _check_rows(user, data_set, body, header_index + 2, columns)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        submissions = {
            (s.unit_id, s.period_code): s
            for s in Submission.objects.select_for_update(of=("self",)).filter(
                data_set=data_set, unit_id__in={r.key[0] for r in parsed}
            )
        }
        changed = _drop_unchanged(data_set, parsed)
        errors.extend(_check_windows(data_set, changed, submissions))
        errors.extend(_check_locks(changed, submissions))
        reject_if_errors(errors, code=IndicatorErrorCode.IMPORT_FAILED)
        result = _write(user, data_set, changed, digest)
        result.unchanged = len(parsed) - len(changed)
        return result


def _drop_unchanged(data_set: DataSet, parsed: list[_Row]) -> list[_Row]:
    """The rows that change something. A pre-filled template carries every value already stored
    (including locked ones); sending those back unchanged is not an attempt to change them."""
    keys = {r.key for r in parsed}
    stored_rows = DataValue.objects.filter(
        submission__data_set=data_set, submission__unit_id__in={k[0] for k in keys}
    ).values_list(
        "submission__unit_id",
        "submission__period_code",
        "element_id",
        "option_code",
        "number",
        "text",
    )
    stored = {
        (unit_id, code, element_id, option): (number, text)
        for unit_id, code, element_id, option, number, text in stored_rows.iterator(
            chunk_size=10000
        )
        if (unit_id, code) in keys
    }
    if not stored:
        return parsed
    return [
        r
        for r in parsed
        if stored.get((*r.key, r.element_id, r.option)) != (r.number_value, r.text)
    ]


def _check_windows(
    data_set: DataSet, rows: list[_Row], submissions: dict[tuple[int, str], Submission]
) -> list[RowError]:
    """Rows for periods not open for their unit. Data sent back for correction stays open."""
    today = timezone.localdate()
    states: dict[tuple[int, str], str] = {}
    errors = []
    for r in rows:
        key = r.key
        if key not in states:
            sent_back = submissions.get(key)
            if sent_back is not None and services.correctable(sent_back):
                states[key] = "open"
            else:
                window = selectors.entry_window(data_set, r.period, r.unit.pk)
                states[key] = window.state(today)
        if states[key] == "not_open":
            errors.append(
                RowError(
                    r.number, H_PERIOD, _("{period}尚未开放填报").format(period=r.period.label)
                )
            )
        elif states[key] == "closed":
            errors.append(
                RowError(
                    r.number,
                    H_PERIOD,
                    _("{period}已关闭填报，如需补报请申请延期").format(period=r.period.label),
                )
            )
    return errors


def _check_template(rows: list[list[Any]], data_set: DataSet) -> None:
    first = [cell_text(v) for v in (rows[0] if rows else [])]
    if len(first) < 2 or first[0] != CODE_LABEL:
        raise ServiceError(
            IndicatorErrorCode.WRONG_TEMPLATE,
            _("这不是“{data_set}”的导入模板（第 1 行应为“{label}”），请先下载模板再填写").format(
                data_set=data_set.name, label=CODE_LABEL
            ),
        )
    if first[1] != data_set.code:
        other = DataSet.objects.filter(code=first[1]).values_list("name", flat=True).first()
        raise ServiceError(
            IndicatorErrorCode.WRONG_TEMPLATE,
            _("这是“{other}”的模板，不能导入“{data_set}”，请下载本数据集的模板").format(
                other=other or first[1], data_set=data_set.name
            ),
        )


def _header(rows: list[list[Any]]) -> tuple[int, dict[str, int]]:
    wanted = {normalize_header(h): h for h in HEADERS}
    for index, row in enumerate(rows[:HEAD_ROWS]):
        positions = {normalize_header(v): i for i, v in enumerate(row) if cell_text(v)}
        if all(normalize_header(h) in positions for h in REQUIRED):
            return index, {wanted[n]: i for n, i in positions.items() if n in wanted}
    raise ExcelError(
        ExcelErrorCode.BAD_HEADER,
        _("表头应包含“{columns}”列，请使用系统导出的模板填写").format(columns="”“".join(REQUIRED)),
    )


def _check_rows(
    user: User,
    data_set: DataSet,
    rows: Iterable[list[Any]],
    first: int,
    columns: dict[str, int],
) -> tuple[list[_Row], list[RowError]]:
    """The rows that check out, and every problem; ``rows`` are the data rows, the first of them
    row ``first`` of the sheet. Each row read is let go once checked."""
    units = _unit_lookup(data_set)
    members = {m.element.code: m.element for m in selectors.data_set_elements(data_set)}
    options = {code: e.option_codes() for code, e in members.items()}
    periods: dict[str, Period | str] = {}
    seen: dict[tuple[int, str, int, str], int] = {}
    errors: list[RowError] = []
    parsed: list[_Row] = []
    # Units as written in the file (a few distinct texts over many rows), and whether the user
    # may import for them: (unit, in scope), worked out once per text.
    unit_texts: dict[str, tuple[Unit | None, bool]] = {}
    width = max(columns.values()) + 1
    # Where each column is; a column the file lacks reads the None put after a row's last cell.
    i_unit, i_period, i_code, i_option, i_value = (
        columns.get(h, width) for h in (H_UNIT, H_PERIOD, H_CODE, H_OPTION, H_VALUE)
    )

    def text(value: Any) -> str:
        # cell_text, with the common case (a text cell) first: this runs four times a row.
        return value.strip() if type(value) is str else cell_text(value)

    # One (unit, period) tuple for all the rows of a submission, not one a row.
    keys: dict[tuple[int, str], tuple[int, str]] = {}
    for number, row in enumerate(rows, start=first):
        cells = row[:width]
        if cells.count(None) + cells.count("") == len(cells):
            continue  # an empty row
        cells.extend([None] * (width + 1 - len(cells)))
        unit_text = text(cells[i_unit])
        period_text = text(cells[i_period])
        code = text(cells[i_code]).upper()
        option = text(cells[i_option]).upper()
        raw = cells[i_value]
        row_errors = len(errors)
        if unit_text not in unit_texts:
            found = units.get(normalize_header(unit_text)) if unit_text else None
            unit_texts[unit_text] = (found, found is not None and unit_in_scope(user, found))
        unit, in_scope = unit_texts[unit_text]
        if not unit_text:
            errors.append(RowError(number, H_UNIT, _("单位不能为空")))
        elif unit is None:
            errors.append(
                RowError(
                    number,
                    H_UNIT,
                    _("“{unit}”不是“{data_set}”的填报单位").format(
                        unit=unit_text, data_set=data_set.name
                    ),
                )
            )
        elif not in_scope:
            errors.append(
                RowError(number, H_UNIT, _("您不能填报{unit}的数据").format(unit=unit.name))
            )
            unit = None
        period = periods.get(period_text)
        if period is None:
            try:
                period = (
                    selectors.period_of(data_set, period_text) if period_text else _("周期不能为空")
                )
            except PeriodError as exc:
                period = str(exc)
            periods[period_text] = period
        if isinstance(period, str):
            errors.append(RowError(number, H_PERIOD, period))
            period = None
        element = members.get(code)
        if not code:
            errors.append(RowError(number, H_CODE, _("数据项编码不能为空")))
        elif element is None:
            errors.append(
                RowError(
                    number,
                    H_CODE,
                    _("“{code}”不是“{data_set}”的数据项").format(code=code, data_set=data_set.name),
                )
            )
        elif element.source:
            errors.append(
                RowError(
                    number,
                    H_CODE,
                    _("“{element}”由系统自动计算，不需填报").format(element=element.name),
                )
            )
            element = None
        elif options[code] and option not in options[code]:
            errors.append(
                RowError(
                    number,
                    H_OPTION,
                    _("“{option}”不是“{element}”的分类编码").format(
                        option=option or _("（空）"), element=element.name
                    ),
                )
            )
            element = None
        elif not options[code] and option:
            errors.append(
                RowError(
                    number,
                    H_OPTION,
                    _("“{element}”没有分类，分类编码应留空").format(element=element.name),
                )
            )
            element = None
        value: tuple[Decimal | None, str] = (None, "")
        if element is not None:
            try:
                value = value_parse(element, raw)
            except ValueError as exc:
                errors.append(RowError(number, H_VALUE, str(exc)))
        if len(errors) > row_errors or unit is None or period is None or element is None:
            continue
        key = keys.setdefault((unit.pk, period.code), (unit.pk, period.code))
        dup_key = (*key, element.pk, option)
        if dup_key in seen:
            errors.append(
                RowError(
                    number,
                    "",
                    _("与第 {row} 行重复（同一单位、周期、数据项和分类）").format(
                        row=seen[dup_key]
                    ),
                )
            )
            continue
        seen[dup_key] = number
        if value[0] is None and not value[1]:
            continue  # an empty value leaves what is stored unchanged
        parsed.append(
            _Row(number, unit, period, element, option, value[0], value[1], key, element.pk)
        )
    return parsed, errors


def _check_locks(
    rows: list[_Row], submissions: dict[tuple[int, str], Submission]
) -> list[RowError]:
    errors = []
    for r in rows:
        s = submissions.get(r.key)
        if s is not None and not s.is_editable:
            errors.append(
                RowError(
                    r.number,
                    H_PERIOD,
                    _("{unit}{period}的数据{status}，已锁定，不能导入").format(
                        unit=r.unit.name, period=r.period.label, status=s.get_status_display()
                    ),
                )
            )
    return errors


def _upsert_values(rows: list[tuple[int, int, str, Decimal | None, str]], now: dt.datetime) -> None:
    """Inserts values, or updates those already there: one ``INSERT … ON CONFLICT … DO UPDATE``.

    The ORM's bulk_create would build 100,000 model instances and compile every batch first,
    which costs more than the database's own work. On PostgreSQL the rows are streamed with COPY
    into a temporary table and upserted from there in one statement; on SQLite (3.24 or later)
    the same statement runs with ``executemany``.
    """
    meta = DataValue._meta
    qn = connection.ops.quote_name
    names = ("submission", "element", "option_code", "number", "text", "file", "updated_at")
    col = {name: qn(str(getattr(meta.get_field(name), "column", name))) for name in names}
    columns = ", ".join(col[n] for n in names)
    key = ", ".join(col[n] for n in ("submission", "element", "option_code"))
    update = ", ".join(f"{col[n]} = EXCLUDED.{col[n]}" for n in ("number", "text", "updated_at"))
    table = qn(meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(now)
    # Only quoted names from the model's own metadata go into SQL text; values are parameters.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TABLE IF EXISTS zj_import_values")
            cursor.execute(
                "CREATE TEMP TABLE zj_import_values (submission_id bigint, element_id bigint, "
                "option_code varchar(40), number numeric(20, 4), text text) ON COMMIT DROP"
            )
            with cursor.cursor.copy(
                "COPY zj_import_values (submission_id, element_id, option_code, number, text) "
                "FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT submission_id, element_id, option_code, "  # noqa: S608
                f"number, text, '', %s FROM zj_import_values ON CONFLICT ({key}) DO UPDATE SET {update}",
                [stamp],
            )
            cursor.execute("DROP TABLE zj_import_values")
            return
        marks = ", ".join(["%s"] * len(names))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT ({key}) DO UPDATE SET {update}"  # noqa: E501, S608
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                sql,
                [
                    (sub, el, opt, num, text, "", stamp)
                    for sub, el, opt, num, text in rows[start : start + BATCH]
                ],
            )


def _write(user: User, data_set: DataSet, parsed: list[_Row], digest: str) -> ImportResult:
    now = timezone.now()
    keys = {r.key: r.period for r in parsed}
    existing = {
        (s.unit_id, s.period_code): s.pk
        for s in Submission.objects.filter(data_set=data_set, unit_id__in={k[0] for k in keys})
        if (s.unit_id, s.period_code) in keys
    }
    Submission.objects.bulk_create(
        [
            Submission(
                data_set=data_set,
                unit_id=unit_id,
                period_code=code,
                period_start=period.start,
                period_end=period.end,
                source=ValueSource.EXCEL,
                updated_at=now,
            )
            for (unit_id, code), period in keys.items()
            if (unit_id, code) not in existing
        ],
        batch_size=BATCH,
        ignore_conflicts=True,  # another import may have created it meanwhile; re-read below
    )
    ids = {
        (s.unit_id, s.period_code): s
        for s in Submission.objects.filter(data_set=data_set, unit_id__in={k[0] for k in keys})
        if (s.unit_id, s.period_code) in keys
    }
    _upsert_values(
        [(ids[r.key].pk, r.element_id, r.option, r.number_value, r.text) for r in parsed],
        now,
    )
    touched = [ids[k] for k in keys]
    Submission.objects.filter(pk__in=[s.pk for s in touched]).update(
        source=ValueSource.EXCEL, updated_at=now
    )
    counts: dict[tuple[int, str], int] = {}
    for r in parsed:
        counts[r.key] = counts.get(r.key, 0) + 1
    SubmissionEvent.objects.bulk_create(
        [
            SubmissionEvent(
                submission=s,
                action=SubmissionAction.IMPORT,
                actor=user,
                from_status=s.status,
                to_status=s.status,
                comment=f"Excel 导入 {counts[(s.unit_id, s.period_code)]} 项",
                at=now,
            )
            for s in touched
        ],
        batch_size=BATCH,
    )
    audit.record(
        AuditAction.IMPORT,
        obj=data_set,
        actor=user,
        changes={"values": len(parsed), "submissions": len(touched), "sha256": digest},
        message=f"导入数据 {len(parsed)} 项，涉及 {len(touched)} 份报送",
    )
    return ImportResult(rows=len(parsed), values=len(parsed), submissions=len(touched))


def export_bytes(*, data_set: DataSet, units: Sequence[Unit], periods: Sequence[Period]) -> bytes:
    buffer = io.BytesIO()
    template_write(buffer, data_set=data_set, units=units, periods=periods)
    return buffer.getvalue()


def template_filename(data_set: DataSet, units: Sequence[Unit], periods: Sequence[Period]) -> str:
    who = units[0].short_name or units[0].name if len(units) == 1 else "全部单位"
    when = periods[0].code if len(periods) == 1 else f"{periods[0].code}至{periods[-1].code}"
    return f"{data_set.name}-{who}-{when}-{timezone.localdate():%Y%m%d}.xlsx"
