"""Excel for the registries beyond teachers: one all-or-nothing import and one audited export.

A registry describes its import as an :class:`ImportSpec` — the template's columns, how a row
becomes an unsaved model object (:class:`RowReader` collects every problem of a row), what makes
two rows the same record, which records already exist — and :func:`run_import` does the rest the
way the teachers' import does: every row is checked before anything is written, every problem is
listed by row and column, a clean file is written in one transaction with bulk statements and one
audit row per record, and the database's unique constraints have the last word.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, TYPE_CHECKING, Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhijiao.core import audit
from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import (
    Column,
    RowError,
    SheetRow,
    cell_int,
    normalize_header,
    reject_if_errors,
    xlsx_table,
    xlsx_write,
)
from zhijiao.core.models import AuditAction
from zhijiao.orgs.models import Unit, UnitKind, User
from zhijiao.orgs.roles import Capability, require_capability

from . import selectors
from .data import PeopleErrorCode
from .imports import parse_date

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

H_SCHOOL = gettext_lazy("学校")
MAX_ROWS = 20_000


@dataclass
class ImportContext:
    """What every row of one import shares: the user, today, the schools by every name."""

    user: User
    today: dt.date
    schools: dict[str, Unit]
    allowed: set[int]
    only: Unit | None  # a school clerk's own school: rows may leave the school empty

    @classmethod
    def for_user(cls, user: User) -> ImportContext:
        schools: dict[str, Unit] = {}
        for unit in Unit.objects.filter(kind=UnitKind.SCHOOL):
            for name in [unit.name, unit.short_name, *(unit.aliases or [])]:
                if name:
                    schools.setdefault(normalize_header(name), unit)
        allowed = set(selectors.schools_in_scope(user).values_list("pk", flat=True))
        only = Unit.objects.get(pk=next(iter(allowed))) if len(allowed) == 1 else None
        return cls(user, timezone.localdate(), schools, allowed, only)


class RowReader:
    """Reads one row's cells as checked values, noting a Chinese problem per bad cell."""

    def __init__(self, row: SheetRow, context: ImportContext) -> None:
        self.row = row
        self.context = context
        self.errors: list[RowError] = []

    def problem(self, header: StrOrPromise, message: str) -> None:
        self.errors.append(RowError(self.row.number, header, message))

    def text(self, header: StrOrPromise, *, required: bool = False, limit: int = 200) -> str:
        value = " ".join(self.row.text(header).split())
        if required and not value:
            self.problem(header, _("请填写{header}").format(header=header))
        elif len(value) > limit:
            self.problem(
                header, _("{header}不能超过 {limit} 个字").format(header=header, limit=limit)
            )
            return value[:limit]
        return value

    def choice(self, header: StrOrPromise, choices: Any, *, default: str | None = None) -> str:
        label = self.row.text(header)
        if not label:
            if default is None:
                self.problem(header, _("请填写{header}").format(header=header))
                return ""
            return default
        by_label = {normalize_header(lbl): value for value, lbl in choices.choices}
        by_label.update({normalize_header(value): value for value in choices.values})
        value = by_label.get(normalize_header(label))
        if value is None:
            self.problem(
                header,
                _("未知的{header}“{label}”，应为：{items}").format(
                    header=header, label=label, items="、".join(str(c) for c in choices.labels)
                ),
            )
            return ""
        return str(value)

    def integer(
        self,
        header: StrOrPromise,
        *,
        required: bool = True,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        try:
            value = cell_int(self.row.values.get(header))
        except ValueError:
            self.problem(
                header,
                _("{header}应为整数，现在是“{text}”").format(
                    header=header, text=self.row.text(header)
                ),
            )
            return None
        if value is None:
            if required:
                self.problem(header, _("请填写{header}").format(header=header))
            return None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            low = "" if minimum is None else f"{minimum} "
            high = "" if maximum is None else f" {maximum}"
            self.problem(
                header,
                _("{header}应在 {low}至{high} 之间，现在是 {value}").format(
                    header=header, low=low, high=high, value=value
                ),
            )
            return None
        return value

    def year(self, header: StrOrPromise, *, required: bool = True) -> int | None:
        return self.integer(
            header, required=required, minimum=1990, maximum=self.context.today.year + 1
        )

    def date(self, header: StrOrPromise, *, required: bool = True) -> dt.date | None:
        value = self.row.values.get(header)
        if value is None:
            if required:
                self.problem(header, _("请填写{header}").format(header=header))
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            self.problem(header, str(exc))
            return None

    def money(self, header: StrOrPromise) -> Decimal | None:
        text = self.row.text(header).replace(",", "").replace("，", "").removesuffix("元")
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            self.problem(
                header,
                _("{header}应为金额（元），现在是“{text}”").format(
                    header=header, text=self.row.text(header)
                ),
            )
            return None
        if value < 0 or value >= Decimal("100000000") or value != value.quantize(Decimal("0.01")):
            self.problem(header, _("{header}应为不超过两位小数的非负金额").format(header=header))
            return None
        return value

    def school(self, header: StrOrPromise = H_SCHOOL) -> Unit | None:
        """The school named in the row (any of its names), which must be in the user's scope;
        may be left empty by the clerk of one school."""
        text = self.row.text(header)
        if not text:
            if self.context.only is not None:
                return self.context.only
            self.problem(header, _("请填写{header}").format(header=header))
            return None
        school = self.context.schools.get(normalize_header(text))
        if school is None:
            self.problem(header, _("找不到学校“{text}”").format(text=text))
            return None
        if school.pk not in self.context.allowed:
            self.problem(header, _("“{text}”不是您可以登记的学校").format(text=text))
            return None
        return school


@dataclass(frozen=True)
class ImportSpec:
    """How one registry is imported; see the module docstring."""

    what: StrOrPromise  # 学生, 社会培训记录 …
    model: type[models.Model]
    columns: Callable[[User], Sequence[Column]]  # the template (with drop-down choices)
    required: Sequence[StrOrPromise]
    # A row as an unsaved object, or (object, extra) where ``after_create`` needs more of the row.
    parse: Callable[[RowReader], Any]
    audit_fields: Sequence[str]
    # Two rows, or a row and a registered record, are the same record when their keys are equal.
    key: Callable[[Any], Hashable] | None = None
    key_column: StrOrPromise = ""
    # For each parsed object (in order), a clash with registered records: (column, message).
    conflicts: Callable[[list[Any]], list[tuple[StrOrPromise, str] | None]] | None = None
    # Which column a service's message is about, by a word it contains.
    message_columns: Sequence[tuple[StrOrPromise, StrOrPromise]] = ()
    # Writes rows that hang off the created records (after their keys are known): it gets each
    # created object with the extra its row parsed to.
    after_create: Callable[[list[tuple[Any, Any]], User], None] | None = None
    capability: Capability = Capability.PEOPLE_MANAGE
    max_rows: int = MAX_ROWS
    extra_headers: Sequence[StrOrPromise] = field(default_factory=tuple)

    def headers(self, user: User) -> list[StrOrPromise]:
        return [c.header for c in self.columns(user)] + list(self.extra_headers)


def template_bytes(spec: ImportSpec, user: User) -> bytes:
    stream = io.BytesIO()
    xlsx_write(stream, columns=spec.columns(user), rows=[], title=str(spec.what)[:31])
    return stream.getvalue()


def _column_of(spec: ImportSpec, message: str) -> StrOrPromise:
    return next((header for word, header in spec.message_columns if str(word) in message), "")


def run_import(spec: ImportSpec, *, user: User, upload: IO[bytes] | bytes, name: str = "") -> int:
    """Creates every record of a filled template, or none: raises ImportRejected listing every
    row problem (or ExcelError when the file itself cannot be read). Returns how many."""
    require_capability(user, spec.capability, _("您的角色不能导入{what}").format(what=spec.what))
    rows = xlsx_table(
        upload,
        columns=spec.headers(user),
        required=spec.required,
        name=name,
        max_rows=spec.max_rows,
    )
    context = ImportContext.for_user(user)
    errors: list[RowError] = []
    parsed: list[tuple[int, Any]] = []
    extras: list[Any] = []
    first_row_of: dict[Hashable, int] = {}
    for row in rows:
        reader = RowReader(row, context)
        extra = None
        try:
            obj = spec.parse(reader)
        except ServiceError as exc:
            reader.problem(_column_of(spec, exc.message), exc.message)
            obj = None
        if isinstance(obj, tuple):
            obj, extra = obj
        errors.extend(reader.errors)
        if obj is None or reader.errors:
            continue
        if spec.key is not None:
            key = spec.key(obj)
            if key in first_row_of:
                errors.append(
                    RowError(
                        row.number,
                        spec.key_column,
                        _("与第 {row} 行重复").format(row=first_row_of[key]),
                    )
                )
                continue
            first_row_of[key] = row.number
        parsed.append((row.number, obj))
        extras.append(extra)
    if spec.conflicts is not None and parsed:
        clashes = spec.conflicts([obj for _, obj in parsed])
        for (number, _obj), clash in zip(parsed, clashes, strict=True):
            if clash is not None:
                errors.append(RowError(number, *clash))
    if not rows:
        errors.append(RowError(2, "", _("表中没有{what}数据").format(what=spec.what)))
    reject_if_errors(errors, code=PeopleErrorCode.IMPORT_FAILED)
    objs = [obj for _, obj in parsed]
    with transaction.atomic():
        try:
            with transaction.atomic():
                spec.model._default_manager.bulk_create(objs, batch_size=1000)
                if spec.after_create is not None:
                    spec.after_create(list(zip(objs, extras, strict=True)), user)
        except IntegrityError as exc:
            raise ServiceError(
                PeopleErrorCode.IMPORT_FAILED,
                _(
                    "导入期间有相同的{what}被他人登记，未保存任何数据，请重新上传以查看是哪一行"
                ).format(what=spec.what),
            ) from exc
        audit.record_bulk_create(objs, spec.audit_fields, actor=user, message=f"导入{spec.what}")
        audit.record(
            AuditAction.IMPORT,
            actor=user,
            object_type=spec.model._meta.label,
            message=f"导入{spec.what} {len(objs)} 条（{name or '上传文件'}）",
        )
    return len(objs)


def run_export(
    *,
    user: User,
    what: str,
    model: type[models.Model],
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    note: str = "",
) -> bytes:
    """A list as .xlsx for a user who may see the registries; audited."""
    require_capability(user, Capability.PEOPLE_VIEW, _("您的角色不能导出{what}").format(what=what))
    stream = io.BytesIO()
    count = xlsx_write(stream, columns=columns, rows=rows, title=what[:31])
    audit.record(
        AuditAction.EXPORT,
        actor=user,
        object_type=model._meta.label,
        message=f"导出{what} {count} 条" + (f"（{note}）" if note else ""),
    )
    return stream.getvalue()


def school_column(user: User) -> Column:
    schools = [s.name for s in selectors.schools_in_scope(user).order_by("name")]
    return Column(H_SCHOOL, 24, choices=schools, to_fill=len(schools) > 1)
