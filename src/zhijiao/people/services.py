"""Writes of the people app for persons: register, edit and retire teachers, grant and revoke
双师型 status, record enterprise practice; register and edit students. Each is atomic and writes
its own audit row. (The other registries have their own service modules: ``eaglet_services``,
``award_services``, ``training_services``, ``registry_services``.)

A 身份证号 or phone never reaches the audit trail in the clear: audit rows carry masked values.
Whether a person is already registered is decided by the database (the unique lookup digest),
not by a check before the insert.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijiao.core import audit
from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditAction
from zhijiao.core.personal import (
    clean_id_number,
    clean_phone,
    lookup_digest,
    mask_id_number,
    mask_phone,
)
from zhijiao.orgs.models import Unit, User
from zhijiao.orgs.roles import Capability, require_capability

from . import selectors
from .data import (
    ID_PURPOSE,
    DualLevel,
    Gender,
    PeopleErrorCode,
    SkillLevel,
    StudentErrorCode,
    TeacherKind,
    Title,
)
from .models import DualQualification, EnterprisePractice, Student, Teacher

# Fields written to the audit trail; the personal ones only masked.
AUDITED_FIELDS = (
    "school",
    "name",
    "id_number",
    "phone",
    "gender",
    "birth_year",
    "kind",
    "title",
    "skill_level",
    "employer",
    "hired_on",
    "left_on",
)
MASKS = {"id_number": mask_id_number, "phone": mask_phone}

# Evidence of a 双师型 grant: scanned certificates or the approval document.
EVIDENCE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".ofd": ("application/ofd", (b"PK\x03\x04",)),
}
MAX_PRACTICE_DAYS = 366


def _error(code: StrEnum, message: str, status: int = 400) -> ServiceError:
    return ServiceError(code, message, status_code=status)


@dataclass(frozen=True)
class TeacherData:
    """What a form, the API or an import row says about a teacher (values not yet checked)."""

    name: str
    id_number: str
    kind: str
    hired_on: dt.date
    title: str = Title.NONE
    skill_level: str = SkillLevel.NONE
    phone: str = ""
    employer: str = ""


@dataclass(frozen=True)
class Identity:
    id_number: str
    id_lookup: str
    gender: str
    birth_year: int


def identity_from(id_number: str) -> Identity:
    """The checked 身份证号, its lookup digest, and the gender and birth year it encodes
    (GB 11643: digits 7–14 are the birth date, the 17th is odd for men)."""
    number = clean_id_number(id_number)
    return Identity(
        id_number=number,
        id_lookup=lookup_digest(number, purpose=ID_PURPOSE),
        gender=Gender.MALE if int(number[16]) % 2 else Gender.FEMALE,
        birth_year=int(number[6:10]),
    )


def teacher_values(data: TeacherData, *, today: dt.date | None = None) -> dict[str, Any]:
    """The model values of checked input; raises ServiceError with a Chinese message."""
    today = today or timezone.localdate()
    name = " ".join(data.name.split())
    if not name:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请填写姓名"))
    if len(name) > 50:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("姓名不能超过 50 个字"))
    if data.kind not in TeacherKind.values:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请选择教师类别"))
    if data.title not in Title.values:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请选择职称"))
    if data.skill_level not in SkillLevel.values:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请选择职业技能等级"))
    employer = " ".join(data.employer.split())
    if data.kind == TeacherKind.PART_TIME and not employer:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("兼职教师（企业）请填写所在企业"))
    if len(employer) > 200:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("所在企业不能超过 200 个字"))
    if data.hired_on > today:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("入职日期不能晚于今天"))
    identity = identity_from(data.id_number)
    if data.hired_on.year < identity.birth_year + 16:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("入职日期与身份证号中的出生日期不符"))
    return {
        "name": name,
        "id_number": identity.id_number,
        "id_lookup": identity.id_lookup,
        "gender": identity.gender,
        "birth_year": identity.birth_year,
        "phone": clean_phone(data.phone) if data.phone.strip() else "",
        "kind": data.kind,
        "title": data.title,
        "skill_level": data.skill_level,
        "employer": employer,
        "hired_on": data.hired_on,
    }


def _audit_values(teacher: Teacher, fields: tuple[str, ...] | list[str]) -> dict[str, Any]:
    plain = [f for f in fields if f not in MASKS]
    values = audit.snapshot(teacher, plain)
    for name in fields:
        if name in MASKS:
            raw = getattr(teacher, name) or ""
            values[name] = MASKS[name](raw) if raw else ""
    return values


def _check_school(user: User, school: Unit) -> None:
    require_capability(user, Capability.PEOPLE_MANAGE, _("您的角色不能登记教师"))
    if not selectors.schools_in_scope(user).filter(pk=school.pk).exists():
        raise _error(PeopleErrorCode.NOT_ALLOWED, _("只能登记本校或所辖学校的教师"), 403)


def duplicate_message(id_lookup: str) -> str:
    school = (
        Teacher.objects.filter(id_lookup=id_lookup).values_list("school__name", flat=True).first()
    )
    return _("该身份证号已登记为{school}的教师").format(school=school or _("其他学校"))


def _locked(user: User, teacher: Teacher) -> Teacher:
    """The teacher's row, locked, if it is in the user's scope and the user may edit teachers."""
    require_capability(user, Capability.PEOPLE_MANAGE, _("您的角色不能修改教师信息"))
    locked = (
        Teacher.objects.visible_to(user)
        .select_for_update(of=("self",))
        .select_related("school")
        .filter(pk=teacher.pk)
        .first()
    )
    if locked is None:
        raise _error(PeopleErrorCode.NOT_ALLOWED, _("未找到该教师"), 404)
    return locked


@transaction.atomic
def teacher_create(*, user: User, school: Unit, data: TeacherData) -> Teacher:
    """Registers a teacher of a school in the user's scope. The same person (same 身份证号,
    however typed) cannot be registered twice anywhere in the installation."""
    _check_school(user, school)
    values = teacher_values(data)
    teacher = Teacher(school=school, **values)
    try:
        with transaction.atomic():
            teacher.save()
    except IntegrityError as exc:
        if not Teacher.objects.filter(id_lookup=values["id_lookup"]).exists():
            raise
        raise _error(
            PeopleErrorCode.DUPLICATE_TEACHER, duplicate_message(values["id_lookup"])
        ) from exc
    audit.record(
        AuditAction.CREATE,
        obj=teacher,
        actor=user,
        changes={k: [None, v] for k, v in _audit_values(teacher, AUDITED_FIELDS).items()},
        message=f"登记教师（{school}）",
    )
    return teacher


@transaction.atomic
def teacher_update(
    *, user: User, teacher: Teacher, data: TeacherData, school: Unit | None = None
) -> list[str]:
    """Changes a teacher's record; moving to another school needs that school in scope too.
    Returns the names of the fields that changed (empty: nothing was written)."""
    teacher = _locked(user, teacher)
    values = teacher_values(data)
    if school is not None and school.pk != teacher.school_id:
        _check_school(user, school)
        values["school"] = school
    if teacher.left_on is not None and values["hired_on"] > teacher.left_on:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("入职日期不能晚于离职日期"))
    dirty = [k for k, v in values.items() if getattr(teacher, k) != v]
    if not dirty:
        return []
    audited = [f for f in dirty if f in AUDITED_FIELDS]
    before = _audit_values(teacher, audited)
    for name in dirty:
        setattr(teacher, name, values[name])
    teacher.updated_at = timezone.now()
    try:
        with transaction.atomic():
            teacher.save(update_fields=[*dirty, "updated_at"])
    except IntegrityError as exc:
        raise _error(
            PeopleErrorCode.DUPLICATE_TEACHER, duplicate_message(values["id_lookup"])
        ) from exc
    after = _audit_values(teacher, audited)
    # A corrected number may mask the same way: keep the change visible without showing it.
    changes = {k: [before[k], after[k]] for k in audited}
    audit.record(
        AuditAction.UPDATE, obj=teacher, actor=user, changes=changes, message="修改教师信息"
    )
    return dirty


@transaction.atomic
def teacher_leave(*, user: User, teacher: Teacher, left_on: dt.date, reason: str = "") -> Teacher:
    """Records that a teacher left the school (the record stays; year-end counts drop them)."""
    teacher = _locked(user, teacher)
    if teacher.left_on is not None:
        raise _error(
            PeopleErrorCode.ALREADY_LEFT, _("该教师已于 {day} 离职").format(day=teacher.left_on)
        )
    if left_on < teacher.hired_on:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("离职日期不能早于入职日期"))
    if left_on > timezone.localdate() + dt.timedelta(days=366):
        raise _error(PeopleErrorCode.INVALID_INPUT, _("离职日期过远，请核对"))
    teacher.left_on = left_on
    teacher.updated_at = timezone.now()
    teacher.save(update_fields=["left_on", "updated_at"])
    audit.record(
        AuditAction.UPDATE,
        obj=teacher,
        actor=user,
        changes={"left_on": [None, left_on.isoformat()]},
        message="教师离职" + (f"：{reason}" if reason else ""),
    )
    return teacher


def _evidence_check(upload: UploadedFile) -> tuple[str, str, str]:
    """(original name, suffix, content type) of an acceptable evidence file."""
    name = (upload.name or "").strip()
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in EVIDENCE_TYPES:
        raise _error(
            PeopleErrorCode.FILE_TYPE,
            _("不支持的文件类型“{suffix}”，请上传 PDF、OFD 或图片（PNG/JPG）").format(
                suffix=suffix or _("无扩展名")
            ),
        )
    if not upload.size:
        raise _error(PeopleErrorCode.FILE_EMPTY, _("认定材料文件是空的"))
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise _error(
            PeopleErrorCode.FILE_TOO_LARGE,
            _("文件过大（{size:.1f} MB），不能超过 {limit} MB").format(
                size=upload.size / 1048576, limit=limit // 1048576
            ),
        )
    content_type, magics = EVIDENCE_TYPES[suffix]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(m) for m in magics):
        raise _error(
            PeopleErrorCode.FILE_TYPE,
            _("文件内容与扩展名“{suffix}”不符，请检查文件").format(suffix=suffix),
        )
    return name, suffix, content_type


@transaction.atomic
def dual_grant(
    *,
    user: User,
    teacher: Teacher,
    granted_on: dt.date,
    level: str = "",
    evidence: UploadedFile,
) -> DualQualification:
    """Records a 双师型 grant with its evidence (kept under MEDIA_ROOT, served by a scoped view)."""
    teacher = _locked(user, teacher)
    if level and level not in DualLevel.values:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请选择“双师型”等级"))
    if granted_on > timezone.localdate():
        raise _error(PeopleErrorCode.INVALID_INPUT, _("认定日期不能晚于今天"))
    if teacher.left_on is not None and granted_on > teacher.left_on:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("认定日期晚于该教师的离职日期"))
    name, suffix, content_type = _evidence_check(evidence)
    digest = hashlib.sha256()
    for chunk in evidence.chunks():
        digest.update(chunk)
    evidence.seek(0)
    grant = DualQualification(
        teacher=teacher,
        granted_on=granted_on,
        level=level,
        evidence_name=name[:200],
        evidence_type=content_type,
        recorded_by=user,
    )
    try:
        with transaction.atomic():
            grant.evidence.save(f"{digest.hexdigest()[:16]}{suffix}", evidence, save=False)
            grant.save()
    except IntegrityError as exc:
        grant.evidence.delete(save=False)
        raise _error(
            PeopleErrorCode.ALREADY_DUAL, _("该教师已有有效的“双师型”认定，如需更新请先撤销原认定")
        ) from exc
    stored = grant.evidence.name
    audit.record(
        AuditAction.CREATE,
        obj=grant,
        actor=user,
        changes={
            "granted_on": [None, granted_on.isoformat()],
            "level": [None, level],
            "evidence": [None, stored],
        },
        message=f"认定双师型教师：{teacher}",
    )
    return grant


@transaction.atomic
def dual_revoke(
    *, user: User, teacher: Teacher, revoked_on: dt.date, reason: str
) -> DualQualification:
    """Ends a teacher's standing 双师型 grant; the grant and its evidence stay as history."""
    teacher = _locked(user, teacher)
    reason = reason.strip()
    if not reason:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请填写撤销理由"))
    grant = (
        DualQualification.objects.select_for_update()
        .filter(teacher=teacher, revoked_on__isnull=True)
        .first()
    )
    if grant is None:
        raise _error(PeopleErrorCode.NOT_DUAL, _("该教师当前没有有效的“双师型”认定"))
    if revoked_on < grant.granted_on:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("撤销日期不能早于认定日期"))
    if revoked_on > timezone.localdate():
        raise _error(PeopleErrorCode.INVALID_INPUT, _("撤销日期不能晚于今天"))
    grant.revoked_on = revoked_on
    grant.revoke_reason = reason[:300]
    grant.save(update_fields=["revoked_on", "revoke_reason"])
    audit.record(
        AuditAction.UPDATE,
        obj=grant,
        actor=user,
        changes={"revoked_on": [None, revoked_on.isoformat()]},
        message=f"撤销双师型认定：{reason}",
    )
    return grant


@transaction.atomic
def practice_record(
    *, user: User, teacher: Teacher, year: int, enterprise: str, days: int, note: str = ""
) -> EnterprisePractice:
    """Records days of enterprise practice; a teacher's days in one year cannot exceed 366."""
    teacher = _locked(user, teacher)  # locked: concurrent records add up under the cap
    enterprise = " ".join(enterprise.split())
    if not enterprise:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请填写实践企业"))
    today = timezone.localdate()
    if year < teacher.hired_on.year or year > today.year:
        raise _error(
            PeopleErrorCode.INVALID_INPUT,
            _("年度应在 {first} 至 {last} 年之间").format(
                first=teacher.hired_on.year, last=today.year
            ),
        )
    if not 1 <= days <= MAX_PRACTICE_DAYS:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("天数应为 1 至 366 之间的整数"))
    so_far = teacher.practices.filter(year=year).aggregate(total=Sum("days"))["total"] or 0
    if so_far + days > MAX_PRACTICE_DAYS:
        raise _error(
            PeopleErrorCode.INVALID_INPUT,
            _("{year} 年已登记 {so_far} 天，再加 {days} 天将超过全年天数").format(
                year=year, so_far=so_far, days=days
            ),
        )
    practice = EnterprisePractice.objects.create(
        teacher=teacher,
        year=year,
        enterprise=enterprise[:200],
        days=days,
        note=note.strip()[:300],
        recorded_by=user,
    )
    audit.record(
        AuditAction.CREATE,
        obj=practice,
        actor=user,
        changes={"year": [None, year], "enterprise": [None, enterprise], "days": [None, days]},
        message=f"登记企业实践：{teacher}",
    )
    return practice


# ---------------------------------------------------------------- students

STUDENT_AUDITED_FIELDS = (
    "school",
    "name",
    "id_number",
    "student_number",
    "major",
    "class_name",
    "enrolled_year",
)
# The earliest and latest age at which someone enrols in a vocational school.
ENROL_AGE = range(12, 61)


@dataclass(frozen=True)
class StudentData:
    """What a form, the API or an import row says about a student (values not yet checked)."""

    name: str
    id_number: str
    major: str
    enrolled_year: int
    student_number: str = ""
    class_name: str = ""


def _text(value: str, label: str, limit: int, *, required: bool = True) -> str:
    text = " ".join(value.split())
    if required and not text:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请填写{label}").format(label=label))
    if len(text) > limit:
        raise _error(
            PeopleErrorCode.INVALID_INPUT,
            _("{label}不能超过 {limit} 个字").format(label=label, limit=limit),
        )
    return text


def student_values(data: StudentData, *, today: dt.date | None = None) -> dict[str, Any]:
    """The model values of checked input; raises ServiceError with a Chinese message."""
    today = today or timezone.localdate()
    name = _text(data.name, _("姓名"), 50)
    major = _text(data.major, _("专业"), 100)
    class_name = _text(data.class_name, _("班级"), 50, required=False)
    number = "".join(data.student_number.split())
    if len(number) > 30:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("学号不能超过 30 个字符"))
    identity = identity_from(data.id_number)
    if data.enrolled_year > today.year:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("入学年份不能晚于今年"))
    if data.enrolled_year - identity.birth_year not in ENROL_AGE:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("入学年份与身份证号中的出生日期不符"))
    return {
        "name": name,
        "id_number": identity.id_number,
        "id_lookup": identity.id_lookup,
        "gender": identity.gender,
        "birth_year": identity.birth_year,
        "student_number": number,
        "major": major,
        "class_name": class_name,
        "enrolled_year": data.enrolled_year,
    }


def student_duplicate_message(id_lookup: str) -> str:
    school = (
        Student.objects.filter(id_lookup=id_lookup).values_list("school__name", flat=True).first()
    )
    return _("该身份证号已登记为{school}的学生").format(school=school or _("其他学校"))


def _student_conflict(
    values: dict[str, Any], school: Unit, exc: IntegrityError, *, itself: int | None = None
) -> ServiceError:
    """Which uniqueness rule an insert or update broke, in Chinese."""
    others = Student.objects.exclude(pk=itself) if itself else Student.objects.all()
    if others.filter(id_lookup=values["id_lookup"]).exists():
        return _error(
            StudentErrorCode.DUPLICATE_STUDENT, student_duplicate_message(values["id_lookup"])
        )
    if (
        values["student_number"]
        and others.filter(school=school, student_number=values["student_number"]).exists()
    ):
        return _error(
            StudentErrorCode.DUPLICATE_NUMBER,
            _("学号“{student_number}”在{school}已被其他学生使用").format(
                student_number=values["student_number"], school=school
            ),
        )
    raise exc


def _student_audit(student: Student, fields: tuple[str, ...] | list[str]) -> dict[str, Any]:
    plain = [f for f in fields if f != "id_number"]
    values = audit.snapshot(student, plain)
    if "id_number" in fields:
        values["id_number"] = mask_id_number(student.id_number) if student.id_number else ""
    return values


def _check_student_school(user: User, school: Unit) -> None:
    require_capability(user, Capability.PEOPLE_MANAGE, _("您的角色不能登记学生"))
    if not selectors.schools_in_scope(user).filter(pk=school.pk).exists():
        raise _error(PeopleErrorCode.NOT_ALLOWED, _("只能登记本校或所辖学校的学生"), 403)


@transaction.atomic
def student_create(*, user: User, school: Unit, data: StudentData) -> Student:
    """Registers a student of a school in the user's scope; the same person (same 身份证号)
    cannot be registered twice, and a 学号 is unique within its school."""
    _check_student_school(user, school)
    values = student_values(data)
    student = Student(school=school, **values)
    try:
        with transaction.atomic():
            student.save()
    except IntegrityError as exc:
        raise _student_conflict(values, school, exc) from exc
    audit.record(
        AuditAction.CREATE,
        obj=student,
        actor=user,
        changes={k: [None, v] for k, v in _student_audit(student, STUDENT_AUDITED_FIELDS).items()},
        message=f"登记学生（{school}）",
    )
    return student


@transaction.atomic
def student_update(
    *, user: User, student: Student, data: StudentData, school: Unit | None = None
) -> list[str]:
    """Changes a student's record (a move to another school needs that school in scope too).
    Returns the names of the fields that changed."""
    require_capability(user, Capability.PEOPLE_MANAGE, _("您的角色不能修改学生信息"))
    locked = (
        Student.objects.visible_to(user)
        .select_for_update(of=("self",))
        .select_related("school")
        .filter(pk=student.pk)
        .first()
    )
    if locked is None:
        raise _error(PeopleErrorCode.NOT_ALLOWED, _("未找到该学生"), 404)
    values = student_values(data)
    if school is not None and school.pk != locked.school_id:
        _check_student_school(user, school)
        values["school"] = school
    dirty = [k for k, v in values.items() if getattr(locked, k) != v]
    if not dirty:
        return []
    audited = [f for f in dirty if f in STUDENT_AUDITED_FIELDS]
    before = _student_audit(locked, audited)
    for name in dirty:
        setattr(locked, name, values[name])
    locked.updated_at = timezone.now()
    try:
        with transaction.atomic():
            locked.save(update_fields=[*dirty, "updated_at"])
    except IntegrityError as exc:
        raise _student_conflict(
            values, values.get("school", locked.school), exc, itself=locked.pk
        ) from exc
    after = _student_audit(locked, audited)
    audit.record(
        AuditAction.UPDATE,
        obj=locked,
        actor=user,
        changes={k: [before[k], after[k]] for k in audited},
        message="修改学生信息",
    )
    return dirty
