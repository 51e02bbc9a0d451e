"""Teachers in Excel: the blank template, the all-or-nothing import and the masked export.

An import checks every row first — school in the user's scope, 身份证号 check digit, duplicates
within the file and against the registry, choices, dates — and lists every problem by row and
column; only a clean file is written, in one transaction with bulk statements. The unique digest
in the database still has the last word if someone registers the same person meanwhile.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhijiao.core import audit
from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import (
    Column,
    RowError,
    SheetRow,
    normalize_header,
    reject_if_errors,
    xlsx_table,
    xlsx_write,
)
from zhijiao.core.models import AuditAction
from zhijiao.core.personal import mask_id_number, mask_phone
from zhijiao.orgs.models import Unit, UnitKind, User
from zhijiao.orgs.roles import Capability, require_capability

from . import selectors, services
from .data import (
    DualLevel,
    PeopleErrorCode,
    SkillLevel,
    TeacherKind,
    Title,
)
from .models import DualQualification, Teacher

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

H_SCHOOL, H_NAME, H_ID, H_PHONE = (
    gettext_lazy("学校"),
    gettext_lazy("姓名"),
    gettext_lazy("身份证号"),
    gettext_lazy("手机号"),
)
H_KIND, H_TITLE, H_SKILL, H_EMPLOYER, H_HIRED = (
    gettext_lazy("教师类别"),
    gettext_lazy("职称"),
    gettext_lazy("职业技能等级"),
    gettext_lazy("所在企业（兼职教师）"),
    gettext_lazy("入职日期"),
)
HEADERS = [H_SCHOOL, H_NAME, H_ID, H_PHONE, H_KIND, H_TITLE, H_SKILL, H_EMPLOYER, H_HIRED]
REQUIRED = [H_NAME, H_ID, H_KIND, H_HIRED]
MAX_ROWS = 20_000
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
# Audit rows of created teachers: never the 身份证号 or phone, not even masked (one row each).
CREATED_AUDIT_FIELDS = ["school", "name", "kind", "title", "skill_level", "hired_on"]


def template_bytes(user: User) -> bytes:
    """The blank import template, with drop-down lists for the choices."""
    schools = [s.name for s in selectors.schools_in_scope(user).order_by("name")]
    columns = [
        Column(H_SCHOOL, 24, choices=schools, to_fill=True),
        Column(H_NAME, 12, to_fill=True),
        Column(H_ID, 22, to_fill=True, number_format="@"),
        Column(H_PHONE, 15, number_format="@"),
        Column(H_KIND, 18, choices=TeacherKind.labels, to_fill=True),
        Column(H_TITLE, 10, choices=Title.labels),
        Column(H_SKILL, 14, choices=SkillLevel.labels),
        Column(H_EMPLOYER, 24),
        Column(H_HIRED, 14, to_fill=True, number_format="yyyy-mm-dd"),
    ]
    stream = io.BytesIO()
    xlsx_write(stream, columns=columns, rows=[], title=_("教师"))
    return stream.getvalue()


@dataclass
class ImportResult:
    created: int


def _school_lookup(user: User) -> tuple[dict[str, Unit], set[int]]:
    lookup: dict[str, Unit] = {}
    for unit in Unit.objects.filter(kind=UnitKind.SCHOOL):
        for name in [unit.name, unit.short_name, *(unit.aliases or [])]:
            if name:
                lookup.setdefault(normalize_header(name), unit)
    allowed = set(selectors.schools_in_scope(user).values_list("pk", flat=True))
    return lookup, allowed


def _choice(label: str, choices: Any, header: StrOrPromise, default: str | None) -> str:
    if not label:
        if default is None:
            raise ValueError(_("请填写{header}").format(header=header))
        return default
    by_label = {normalize_header(lbl): value for value, lbl in choices.choices}
    value = by_label.get(normalize_header(label))
    if value is None:
        raise ValueError(
            _("未知的{header}“{label}”，应为：{labels}").format(
                header=header, label=label, labels="、".join(str(c) for c in choices.labels)
            )
        )
    return str(value)


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 — a date, no time
        except ValueError:
            continue
    raise ValueError(_("日期“{text}”无法识别，请写成 2021-09-01 的形式").format(text=text))


def _row_data(row: SheetRow) -> tuple[services.TeacherData | None, list[RowError]]:
    errors: list[RowError] = []
    fields: dict[str, Any] = {
        "name": row.text(H_NAME),
        "id_number": row.text(H_ID),
        "phone": row.text(H_PHONE),
        "employer": row.text(H_EMPLOYER),
    }
    for key, header, choices, default in (
        ("kind", H_KIND, TeacherKind, None),
        ("title", H_TITLE, Title, Title.NONE),
        ("skill_level", H_SKILL, SkillLevel, SkillLevel.NONE),
    ):
        try:
            fields[key] = _choice(row.text(header), choices, header, default)
        except ValueError as exc:
            errors.append(RowError(row.number, header, str(exc)))
    hired = row.values.get(H_HIRED)
    if hired is None:
        errors.append(RowError(row.number, H_HIRED, _("请填写入职日期")))
    else:
        try:
            fields["hired_on"] = parse_date(hired)
        except ValueError as exc:
            errors.append(RowError(row.number, H_HIRED, str(exc)))
    if errors:
        return None, errors
    return services.TeacherData(**fields), []


# Which column a service message is about, by a word it contains.
_MESSAGE_COLUMNS = (
    (gettext_lazy("身份证号"), H_ID),
    (gettext_lazy("手机号"), H_PHONE),
    (gettext_lazy("姓名"), H_NAME),
    (gettext_lazy("所在企业"), H_EMPLOYER),
    (gettext_lazy("入职日期"), H_HIRED),
)


def _column_of(message: str) -> StrOrPromise:
    return next((header for word, header in _MESSAGE_COLUMNS if str(word) in message), "")


def teachers_import(*, user: User, upload: IO[bytes] | bytes, name: str = "") -> ImportResult:
    """Registers every teacher of a filled template, or none: raises ImportRejected listing
    every row problem (or ExcelError when the file itself cannot be read)."""
    require_capability(user, Capability.PEOPLE_MANAGE, _("您的角色不能导入教师"))
    rows = xlsx_table(upload, columns=HEADERS, required=REQUIRED, name=name, max_rows=MAX_ROWS)
    lookup, allowed = _school_lookup(user)
    only_school = next(iter(allowed)) if len(allowed) == 1 else None
    today = timezone.localdate()
    errors: list[RowError] = []
    new: list[tuple[int, Teacher]] = []
    first_row_of: dict[str, int] = {}
    for row in rows:
        school_text = row.text(H_SCHOOL)
        school: Unit | None = None
        if not school_text:
            if only_school is None:
                errors.append(RowError(row.number, H_SCHOOL, _("请填写学校")))
            else:
                school = Unit.objects.get(pk=only_school)
        else:
            school = lookup.get(normalize_header(school_text))
            if school is None:
                errors.append(
                    RowError(
                        row.number, H_SCHOOL, _("找不到学校“{school}”").format(school=school_text)
                    )
                )
            elif school.pk not in allowed:
                errors.append(
                    RowError(
                        row.number,
                        H_SCHOOL,
                        _("“{school}”不是您可以登记教师的学校").format(school=school_text),
                    )
                )
                school = None
        data, row_errors = _row_data(row)
        errors.extend(row_errors)
        if data is None:
            continue
        try:
            values = services.teacher_values(data, today=today)
        except ServiceError as exc:
            errors.append(RowError(row.number, _column_of(exc.message), exc.message))
            continue
        digest = values["id_lookup"]
        if digest in first_row_of:
            errors.append(
                RowError(
                    row.number,
                    H_ID,
                    _("与第 {row} 行的身份证号相同").format(row=first_row_of[digest]),
                )
            )
            continue
        first_row_of[digest] = row.number
        if school is not None:
            new.append((row.number, Teacher(school=school, **values)))
    registered = dict(
        Teacher.objects.filter(id_lookup__in=list(first_row_of)).values_list(
            "id_lookup", "school__name"
        )
    )
    for number, teacher in new:
        if teacher.id_lookup in registered:
            errors.append(
                RowError(
                    number,
                    H_ID,
                    _("该身份证号已登记为{school}的教师").format(
                        school=registered[teacher.id_lookup]
                    ),
                )
            )
    if not rows:
        errors.append(RowError(2, "", _("表中没有教师数据")))
    reject_if_errors(errors, code=PeopleErrorCode.IMPORT_FAILED)
    teachers = [t for _, t in new]
    with transaction.atomic():
        try:
            with transaction.atomic():
                Teacher.objects.bulk_create(teachers, batch_size=1000)
        except IntegrityError as exc:
            raise ServiceError(
                PeopleErrorCode.DUPLICATE_TEACHER,
                _(
                    "导入期间有相同身份证号的教师被他人登记，未保存任何数据，请重新上传以查看是哪一行"
                ),
            ) from exc
        audit.record_bulk_create(teachers, CREATED_AUDIT_FIELDS, actor=user, message="导入教师")
        audit.record(
            AuditAction.IMPORT,
            actor=user,
            object_type=Teacher._meta.label,
            message=f"导入教师 {len(teachers)} 人（{name or '上传文件'}）",
        )
    return ImportResult(created=len(teachers))


# ---------------------------------------------------------------- export

EXPORT_COLUMNS = [
    Column(gettext_lazy("学校"), 24),
    Column(gettext_lazy("姓名"), 12),
    Column(gettext_lazy("性别"), 6),
    Column(gettext_lazy("出生年份"), 10),
    Column(gettext_lazy("身份证号（已脱敏）"), 22),
    Column(gettext_lazy("手机号（已脱敏）"), 15),
    Column(gettext_lazy("教师类别"), 16),
    Column(gettext_lazy("职称"), 10),
    Column(gettext_lazy("职业技能等级"), 14),
    Column(gettext_lazy("所在企业"), 24),
    Column(gettext_lazy("入职日期"), 12, number_format="yyyy-mm-dd"),
    Column(gettext_lazy("离职日期"), 12, number_format="yyyy-mm-dd"),
    Column(gettext_lazy("“双师型”"), 8),
    Column(gettext_lazy("“双师型”认定日期"), 14, number_format="yyyy-mm-dd"),
    Column(gettext_lazy("“双师型”等级"), 10),
]


def export_rows(teachers: Iterable[Teacher]) -> Iterable[list[Any]]:
    for t in teachers:
        granted = getattr(t, "dual_granted_on", None)
        yield [
            t.school.name,
            t.name,
            t.get_gender_display(),
            t.birth_year,
            mask_id_number(t.id_number),
            mask_phone(t.phone) if t.phone else "",
            t.get_kind_display(),
            t.get_title_display(),
            t.get_skill_level_display(),
            t.employer,
            t.hired_on,
            t.left_on,
            _("是") if granted else _("否"),
            granted,
            dict(DualLevel.choices).get(getattr(t, "dual_level", "") or "", ""),
        ]


def teachers_export(*, user: User, filters: selectors.TeacherFilters | None = None) -> bytes:
    """The teachers in the user's scope (filtered) as .xlsx, 身份证号 and phone masked; audited."""
    require_capability(user, Capability.PEOPLE_VIEW, _("您的角色不能导出教师名单"))
    standing = DualQualification.objects.filter(teacher=OuterRef("pk"), revoked_on__isnull=True)
    teachers = selectors.teachers_visible(user, filters).annotate(
        dual_granted_on=Subquery(standing.values("granted_on")[:1]),
        dual_level=Subquery(standing.values("level")[:1]),
    )
    stream = io.BytesIO()
    count = xlsx_write(
        stream,
        columns=EXPORT_COLUMNS,
        rows=export_rows(teachers.iterator(chunk_size=2000)),
        title=_("教师名单"),
    )
    audit.record(
        AuditAction.EXPORT,
        actor=user,
        object_type=Teacher._meta.label,
        message=f"导出教师名单 {count} 人（身份证号、手机号已脱敏）",
    )
    return stream.getvalue()
