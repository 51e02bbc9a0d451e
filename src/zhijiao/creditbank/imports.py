"""集体开户: a school opens many learners' accounts from one Excel file, all or nothing.

Every row is checked first — school in the user's scope, name, the 身份证号's GB 11643 check digit,
phone, the same person twice in the file, a person who already has an account — and every problem
is listed by row and column; only a clean file is written, in one transaction with bulk
statements. The unique digest in the database still has the last word if someone opens the same
person's account meanwhile.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zhijiao.core import audit
from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import (
    Column,
    RowError,
    normalize_header,
    reject_if_errors,
    xlsx_table,
    xlsx_write,
)
from zhijiao.core.models import AuditAction
from zhijiao.orgs.models import Unit, User
from zhijiao.orgs.roles import Capability

from . import selectors, services
from .data import CreditErrorCode, LearnerData
from .models import Learner

# The template's headers, as msgids: the file is written and read in the active language
# (:func:`headers`).
H_SCHOOL = gettext_noop("开户学校")
H_NAME = gettext_noop("姓名")
H_ID = gettext_noop("身份证号")
H_PHONE = gettext_noop("手机号")
HEADERS = [H_SCHOOL, H_NAME, H_ID, H_PHONE]
REQUIRED = [H_NAME, H_ID]
MAX_ROWS = 5000
# Audit rows of opened accounts: never the 身份证号, phone or name, not even masked (one row each).
CREATED_AUDIT_FIELDS = ["account_number", "school"]


def headers() -> list[str]:
    """The template's header row, in the active language."""
    return [_(h) for h in HEADERS]


def template_bytes(user: User) -> bytes:
    """The blank 集体开户 template, with the user's schools as a drop-down list."""
    schools = [s.name for s in selectors.schools_in_scope(user).order_by("name")]
    school, name, id_number, phone = headers()
    columns = [
        Column(school, 26, choices=schools, to_fill=True),
        Column(name, 12, to_fill=True),
        Column(id_number, 22, to_fill=True, number_format="@"),
        Column(phone, 15, number_format="@"),
    ]
    stream = io.BytesIO()
    xlsx_write(stream, columns=columns, rows=[], title=_("集体开户"))
    return stream.getvalue()


@dataclass(frozen=True)
class ImportResult:
    opened: int
    accounts: tuple[str, ...]


def _column_of(message: str) -> str:
    """The header of the column a learner's value problem is about (its message names it)."""
    for header in (H_ID, H_PHONE, H_NAME):
        if _(header) in message:
            return _(header)
    return ""


def learners_import(*, user: User, upload: IO[bytes] | bytes, name: str = "") -> ImportResult:
    """Opens an account for every row of a filled template, or for none: raises ImportRejected
    listing every row problem (or ExcelError when the file itself cannot be read)."""
    if not (user.can(Capability.CREDIT_SUBMIT) or user.can(Capability.CREDIT_BANK)):
        raise ServiceError(CreditErrorCode.NOT_ALLOWED, _("您的角色不能集体开户"), status_code=403)
    h_school, h_name, h_id, h_phone = headers()
    rows = xlsx_table(
        upload, columns=headers(), required=[_(h) for h in REQUIRED], name=name, max_rows=MAX_ROWS
    )
    allowed = {
        normalize_header(n): u
        for u in selectors.schools_in_scope(user)
        for n in [u.name, u.short_name, *(u.aliases or [])]
        if n
    }
    only_school = (
        next(iter(allowed.values())) if len({u.pk for u in allowed.values()}) == 1 else None
    )
    errors: list[RowError] = []
    checked: list[tuple[int, Unit, services.CheckedLearner]] = []
    first_row_of: dict[str, int] = {}
    for row in rows:
        school_text = row.text(h_school)
        school = allowed.get(normalize_header(school_text)) if school_text else only_school
        if school is None:
            message = (
                _("“{school}”不是您可以开户的学校").format(school=school_text)
                if school_text
                else _("请填写开户学校")
            )
            errors.append(RowError(row.number, h_school, message))
        try:
            values = services.learner_values(
                LearnerData(
                    name=row.text(h_name), id_number=row.text(h_id), phone=row.text(h_phone)
                )
            )
        except ServiceError as exc:
            errors.append(RowError(row.number, _column_of(exc.message), exc.message))
            continue
        if values.id_lookup in first_row_of:
            errors.append(
                RowError(
                    row.number,
                    h_id,
                    _("与第 {row} 行的身份证号相同").format(row=first_row_of[values.id_lookup]),
                )
            )
            continue
        first_row_of[values.id_lookup] = row.number
        if school is not None:
            checked.append((row.number, school, values))
    registered = dict(
        Learner.objects.filter(id_lookup__in=list(first_row_of)).values_list(
            "id_lookup", "school__name"
        )
    )
    for number, _school, values in checked:
        if values.id_lookup in registered:
            where = registered[values.id_lookup]
            message = (
                _("该身份证号已在{school}开立学习账户，不能重复开户").format(school=where)
                if where
                else _("该身份证号已开立学习账户，不能重复开户")
            )
            errors.append(RowError(number, h_id, message))
    if not rows:
        errors.append(RowError(2, "", _("表中没有学习者数据")))
    reject_if_errors(errors, code=CreditErrorCode.IMPORT_FAILED)
    learners = [services.new_learner(v, school=s, user=user) for _row, s, v in checked]
    with transaction.atomic():
        try:
            with transaction.atomic():
                Learner.objects.bulk_create(learners, batch_size=500)
        except IntegrityError as exc:
            raise ServiceError(
                CreditErrorCode.DUPLICATE_LEARNER,
                _(
                    "导入期间有相同身份证号的学习者被他人开户，未保存任何数据，"
                    "请重新上传以查看是哪一行"
                ),
            ) from exc
        audit.record_bulk_create(learners, CREATED_AUDIT_FIELDS, actor=user, message="集体开户")
        audit.record(
            AuditAction.IMPORT,
            actor=user,
            object_type=Learner._meta.label,
            message=f"集体开户 {len(learners)} 人（{name or '上传文件'}）",
        )
    return ImportResult(opened=len(learners), accounts=tuple(x.account_number for x in learners))
