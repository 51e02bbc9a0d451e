"""Supply (毕业生供给): each school's enrolment, graduates and their destinations by major and year.

A school records its own majors (its clerk), the office any school's. One row per school, major
and year — the database decides; saving again updates it. Destinations must add up to the
graduates (a check constraint too). An import (CSV or Excel) is all or nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhijiao.core import audit
from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import RowError, cell_int, reject_if_errors, xlsx_table
from zhijiao.core.models import AuditAction
from zhijiao.orgs.models import Unit, UnitKind, User
from zhijiao.orgs.roles import Capability, require_capability

from . import codes
from .catalogue import current_edition
from .data import CatalogueKind, PostingErrorCode, TalentErrorCode
from .models import Major, SupplyRecord

FIELDS = ("enrolled", "graduates", "local_employed", "further_study", "other")
LABELS = {
    "enrolled": gettext_lazy("招生人数"),
    "graduates": gettext_lazy("毕业生人数"),
    "local_employed": gettext_lazy("本地就业"),
    "further_study": gettext_lazy("升学"),
    "other": gettext_lazy("其他去向"),
}
H_SCHOOL, H_MAJOR, H_YEAR = gettext_lazy("学校"), gettext_lazy("专业代码"), gettext_lazy("年度")
COLUMNS = [H_SCHOOL, H_MAJOR, H_YEAR, *LABELS.values()]
MAX_COUNT = 100_000
MIN_YEAR, MAX_YEAR = 2000, 2100


def _error(code: Any, message: str, status: int = 400) -> ServiceError:
    return ServiceError(code, message, status_code=status)


@dataclass(frozen=True)
class SupplyData:
    major_code: str
    year: Any
    enrolled: Any = 0
    graduates: Any = 0
    local_employed: Any = 0
    further_study: Any = 0
    other: Any = 0


def _majors() -> dict[str, int]:
    edition = current_edition(CatalogueKind.MAJORS)
    if edition is None:
        raise _error(
            TalentErrorCode.NO_CATALOGUE, _("尚未载入职业教育专业目录，不能填报毕业生供给")
        )
    return dict(Major.objects.filter(edition=edition, level=3).values_list("code", "pk"))


def check_supply(
    data: SupplyData, majors: dict[str, int]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Checked values (major id, year, counts) and the problems as (field, Chinese message)."""
    problems: list[tuple[str, str]] = []
    values: dict[str, Any] = {}
    try:
        code = codes.clean_major_code(data.major_code)
    except ServiceError as exc:
        problems.append(("major", exc.message))
    else:
        if codes.major_level(code) != 3:
            problems.append(("major", _("专业代码 {code} 不是 6 位的专业代码").format(code=code)))
        elif code not in majors:
            problems.append(
                ("major", _("专业代码 {code} 不在现行的职业教育专业目录中").format(code=code))
            )
        else:
            values["major_id"] = majors[code]
    try:
        year = cell_int(data.year)
    except ValueError:
        year = None
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        problems.append(
            ("year", _("年度应为 {low}–{high} 之间的年份").format(low=MIN_YEAR, high=MAX_YEAR))
        )
    else:
        values["year"] = year
    for name in FIELDS:
        try:
            number = cell_int(getattr(data, name))
        except ValueError:
            number = -1
        number = 0 if number is None else number
        if not 0 <= number <= MAX_COUNT:
            problems.append(
                (
                    name,
                    _("{label}应为 0 到 {limit} 之间的整数").format(
                        label=LABELS[name], limit=MAX_COUNT
                    ),
                )
            )
        values[name] = number
    if not problems and values["graduates"] != (
        values["local_employed"] + values["further_study"] + values["other"]
    ):
        problems.append(
            (
                "graduates",
                _("毕业去向合计（{total}）应等于毕业生人数（{graduates}）").format(
                    total=values["local_employed"] + values["further_study"] + values["other"],
                    graduates=values["graduates"],
                ),
            )
        )
    return values, problems


def _school_for(user: User | None, school: Unit) -> None:
    if school.kind != UnitKind.SCHOOL:
        raise _error(TalentErrorCode.INVALID_INPUT, _("“{unit}”不是学校").format(unit=school))
    if user is None or user.can(Capability.TALENT_MANAGE):
        return
    require_capability(user, Capability.SCHOOL_PLAN, _("只有学校和工作专班可以填报毕业生供给"))
    if user.unit_id != school.pk:
        raise _error(TalentErrorCode.NOT_FOUND, _("未找到该学校"), status=404)


def _upsert(
    *, user: User | None, school: Unit, values: dict[str, Any]
) -> tuple[SupplyRecord, bool]:
    record = (
        SupplyRecord.objects.select_for_update()
        .filter(school=school, major_id=values["major_id"], year=values["year"])
        .first()
    )
    counts = {name: values[name] for name in FIELDS}
    if record is None:
        record = SupplyRecord.objects.create(
            school=school, major_id=values["major_id"], year=values["year"], **counts
        )
        audit.record(
            AuditAction.CREATE,
            obj=record,
            actor=user,
            changes={k: [None, v] for k, v in counts.items()},
            message="填报毕业生供给",
        )
        return record, True
    changed = audit.save_changes(record, counts, message="修改毕业生供给")
    if changed:
        record.updated_at = timezone.now()
        record.save(update_fields=["updated_at"])
    return record, False


@transaction.atomic
def supply_save(*, user: User | None, school: Unit, data: SupplyData) -> SupplyRecord:
    """Records (or updates) one school's major in one year."""
    _school_for(user, school)
    values, problems = check_supply(data, _majors())
    if problems:
        raise _error(TalentErrorCode.INVALID_INPUT, "；".join(message for _f, message in problems))
    record, _created = _upsert(user=user, school=school, values=values)
    return record


def read_supply_file(content: bytes, filename: str) -> list[tuple[int, dict[Any, Any]]]:
    """Rows of a supply file (.csv or .xlsx) as (row number, values by header)."""
    name = filename.lower()
    if not content:
        raise _error(PostingErrorCode.BAD_FILE, _("文件是空的，请重新选择文件"))
    if name.endswith(".xlsx"):
        return [
            (row.number, row.values)
            for row in xlsx_table(
                content, columns=COLUMNS, required=[H_MAJOR, H_YEAR], name=filename
            )
        ]
    if not name.endswith(".csv"):
        raise _error(PostingErrorCode.BAD_FILE, _("请上传 CSV（.csv）或 Excel（.xlsx）文件"))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("gb18030", errors="replace")
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    missing = [h for h in (H_MAJOR, H_YEAR) if h not in header]
    if missing:
        raise _error(
            PostingErrorCode.BAD_FILE,
            _("表头缺少“{columns}”列").format(columns="”“".join(str(h) for h in missing)),
        )
    return [
        (n, {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)})
        for n, cells in enumerate(reader, start=2)
        if any(c.strip() for c in cells)
    ]


@transaction.atomic
def supply_import(
    *, user: User | None, rows: Iterable[tuple[int, dict[Any, Any]]], school: Unit | None = None
) -> int:
    """Imports supply rows, all or nothing. A school's clerk imports for the own school only (the
    学校 column, when present, must name it); the office names the school on each row."""
    majors = _majors()
    schools = {u.name: u for u in Unit.objects.filter(kind=UnitKind.SCHOOL)}
    errors: list[RowError] = []
    ready: list[tuple[Unit, dict[str, Any]]] = []
    seen: set[tuple[int, int, int]] = set()
    for number, row in rows:
        name = str(row.get(H_SCHOOL) or "").strip()
        target = school
        if name:
            target = schools.get(name)
            if target is None:
                errors.append(RowError(number, H_SCHOOL, _("未找到学校“{name}”").format(name=name)))
                continue
        if target is None:
            errors.append(RowError(number, H_SCHOOL, _("请填写学校名称")))
            continue
        try:
            _school_for(user, target)
        except ServiceError:
            errors.append(
                RowError(number, H_SCHOOL, _("不能填报“{unit}”的数据").format(unit=target))
            )
            continue
        values, problems = check_supply(
            SupplyData(
                major_code=str(row.get(H_MAJOR) or ""),
                year=row.get(H_YEAR),
                **{f: row.get(LABELS[f]) for f in FIELDS},
            ),
            majors,
        )
        errors.extend(RowError(number, LABELS.get(f, ""), m) for f, m in problems)
        if problems:
            continue
        key = (target.pk, values["major_id"], values["year"])
        if key in seen:
            errors.append(RowError(number, "", _("与前面的行重复（同一学校、专业、年度）")))
            continue
        seen.add(key)
        ready.append((target, values))
    if not ready and not errors:
        raise _error(PostingErrorCode.BAD_FILE, _("文件中没有数据"))
    reject_if_errors(errors, code=TalentErrorCode.IMPORT_FAILED)
    for target, values in ready:
        _upsert(user=user, school=target, values=values)
    return len(ready)


def supply_visible(
    user: Any, *, year: int | None = None, school_id: int | None = None
) -> QuerySet[SupplyRecord]:
    qs = SupplyRecord.objects.visible_to(user).select_related("school", "major")
    if year:
        qs = qs.filter(year=year)
    if school_id:
        qs = qs.filter(school_id=school_id)
    return qs.order_by("-year", "school__name", "major__code")
