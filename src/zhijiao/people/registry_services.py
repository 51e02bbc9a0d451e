"""Writes of the simpler registries: majors and their recognitions (高水平专业（群）, 技工教育品牌专业
…, plan (四)1 and task 16), 中高职贯通 programmes and their yearly enrolment ((二)3), teaching
innovation teams and 双师型 training bases ((四)2 and task 18).

Each service checks the user's capability and that the school is theirs (own or supervised; the
plan office all), checks the values in Chinese, leaves uniqueness to the database and writes its
own audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijiao.core import audit
from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditAction
from zhijiao.orgs.models import Unit, UnitKind, User
from zhijiao.orgs.roles import Capability, require_capability

from . import selectors
from .data import (
    MAJOR_CODE_PREFIXES,
    TECHNICAL_CODE_LENGTH,
    BaseKind,
    HonourLevel,
    MajorLevel,
    PeopleErrorCode,
    RecognitionKind,
    RegistryErrorCode,
    ThroughMode,
)
from .models import (
    DualBase,
    InnovationTeam,
    Major,
    MajorRecognition,
    Teacher,
    ThroughEnrolment,
    ThroughProgramme,
)

MAX_TEAM_MEMBERS = 50
MAX_ENROLMENT = 100_000


def _error(code: Any, message: str, status: int = 400) -> ServiceError:
    return ServiceError(code, message, status_code=status)


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


def _year(value: int | None, label: str, *, today: dt.date) -> int:
    if value is None:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请填写{label}").format(label=label))
    if not 1990 <= value <= today.year:
        raise _error(
            PeopleErrorCode.INVALID_INPUT,
            _("{label}应在 1990 至 {year} 年之间").format(label=label, year=today.year),
        )
    return value


def _optional_year(value: int | None, label: str, *, today: dt.date) -> int | None:
    return None if value is None else _year(value, label, today=today)


def check_school(user: User, school: Unit | None, what: str) -> Unit:
    """The school, if the user may register records of it (a 403 otherwise)."""
    require_capability(
        user, Capability.PEOPLE_MANAGE, _("您的角色不能登记{what}").format(what=what)
    )
    if school is None:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请选择学校"))
    if not selectors.schools_in_scope(user).filter(pk=school.pk).exists():
        raise _error(
            PeopleErrorCode.NOT_ALLOWED, _("只能登记本校或所辖学校的{what}").format(what=what), 403
        )
    return school


def _locked(queryset: Any, user: User, pk: int, what: str) -> Any:
    require_capability(
        user, Capability.PEOPLE_MANAGE, _("您的角色不能修改{what}").format(what=what)
    )
    obj = queryset.visible_to(user).select_for_update(of=("self",)).filter(pk=pk).first()
    if obj is None:
        raise _error(PeopleErrorCode.NOT_ALLOWED, _("未找到该{what}").format(what=what), 404)
    return obj


def _created(user: User, obj: Any, fields: Sequence[str], message: str) -> None:
    audit.record(
        AuditAction.CREATE,
        obj=obj,
        actor=user,
        changes={k: [None, v] for k, v in audit.snapshot(obj, fields).items()},
        message=message,
    )


# ---------------------------------------------------------------- majors


def clean_major_code(code: str, level: str) -> str:
    """A 6-digit code of the 职业教育专业目录 whose first two digits match the level (中职 61–79,
    高职专科 41–59, 高职本科 21–39), or a 4-digit code of the 技工院校专业目录."""
    text = "".join(code.split())
    if level not in MajorLevel.values:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请选择专业层次"))
    if level == MajorLevel.TECHNICAL:
        if len(text) != TECHNICAL_CODE_LENGTH or not text.isdecimal():
            raise _error(RegistryErrorCode.BAD_MAJOR_CODE, _("技工院校专业代码应为 4 位数字"))
        return text
    if len(text) != 6 or not text.isdecimal():
        raise _error(
            RegistryErrorCode.BAD_MAJOR_CODE, _("专业代码应为 6 位数字（职业教育专业目录）")
        )
    prefixes = MAJOR_CODE_PREFIXES[level]
    if int(text[:2]) not in prefixes:
        label = MajorLevel(level).label
        raise _error(
            RegistryErrorCode.BAD_MAJOR_CODE,
            _("{label}专业代码应以 {start} 至 {end} 开头，“{text}”不是{label}专业").format(
                label=label, start=prefixes.start, end=prefixes.stop - 1, text=text
            ),
        )
    return text


@dataclass(frozen=True)
class MajorData:
    code: str
    name: str
    level: str
    established_year: int | None = None
    is_active: bool = True


def major_values(data: MajorData, *, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    return {
        "code": clean_major_code(data.code, data.level),
        "name": _text(data.name, _("专业名称"), 100),
        "level": data.level,
        "established_year": _optional_year(data.established_year, _("开设年份"), today=today),
        "is_active": data.is_active,
    }


def major_duplicate(values: dict[str, Any], school: Unit) -> str:
    return _("{school}已登记专业代码为 {code} 的专业").format(school=school, code=values["code"])


MAJOR_AUDITED = ("school", "code", "name", "level", "established_year", "is_active")


@transaction.atomic
def major_create(*, user: User, school: Unit, data: MajorData) -> Major:
    check_school(user, school, _("专业"))
    values = major_values(data)
    major = Major(school=school, **values)
    try:
        with transaction.atomic():
            major.save()
    except IntegrityError as exc:
        raise _error(RegistryErrorCode.DUPLICATE, major_duplicate(values, school)) from exc
    _created(user, major, MAJOR_AUDITED, f"登记专业（{school}）")
    return major


@transaction.atomic
def major_update(*, user: User, major: Major, data: MajorData) -> list[str]:
    locked = _locked(Major.objects.select_related("school"), user, major.pk, _("专业"))
    values = major_values(data)
    if (
        values["level"] != locked.level
        and (values["level"] == MajorLevel.TECHNICAL or locked.level == MajorLevel.TECHNICAL)
        and locked.recognitions.filter(kind=RecognitionKind.BRAND).exists()
    ):
        raise _error(
            PeopleErrorCode.INVALID_INPUT, _("该专业已认定为技工教育品牌专业，层次不能修改")
        )
    try:
        with transaction.atomic():
            return audit.save_changes(locked, values, message="修改专业")
    except IntegrityError as exc:
        raise _error(RegistryErrorCode.DUPLICATE, major_duplicate(values, locked.school)) from exc


@dataclass(frozen=True)
class RecognitionData:
    kind: str
    granted_year: int
    group_name: str = ""
    granted_by: str = ""
    document_number: str = ""


def recognition_values(
    major: Major, data: RecognitionData, *, today: dt.date | None = None
) -> dict[str, Any]:
    today = today or timezone.localdate()
    if data.kind not in RecognitionKind.values:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请选择认定类别"))
    if data.kind == RecognitionKind.BRAND and major.level != MajorLevel.TECHNICAL:
        raise _error(
            PeopleErrorCode.INVALID_INPUT, _("技工教育品牌专业只能认定技工院校专业，请核对专业层次")
        )
    return {
        "kind": data.kind,
        "granted_year": _year(data.granted_year, _("认定年份"), today=today),
        "group_name": _text(data.group_name, _("专业群名称"), 100, required=False),
        "granted_by": _text(data.granted_by, _("认定部门"), 100, required=False),
        "document_number": _text(data.document_number, _("认定文号"), 100, required=False),
    }


def recognition_duplicate(major: Major, kind: str) -> str:
    return _("{major}已认定为{label}").format(major=major, label=RecognitionKind(kind).label)


@transaction.atomic
def recognition_add(*, user: User, major: Major, data: RecognitionData) -> MajorRecognition:
    """Records a recognition of a major (once per kind), with the year it was granted."""
    locked = _locked(Major.objects.all(), user, major.pk, _("专业"))
    values = recognition_values(locked, data)
    recognition = MajorRecognition(major=locked, recorded_by=user, **values)
    try:
        with transaction.atomic():
            recognition.save()
    except IntegrityError as exc:
        raise _error(RegistryErrorCode.DUPLICATE, recognition_duplicate(locked, data.kind)) from exc
    _created(user, recognition, ("major", *values), f"登记专业认定：{locked}")
    return recognition


@transaction.atomic
def recognition_revoke(
    *, user: User, recognition: MajorRecognition, revoked_year: int
) -> MajorRecognition:
    """Ends a recognition from a year on (it stays as history)."""
    locked = _locked(MajorRecognition.objects.all(), user, recognition.pk, _("专业认定"))
    today = timezone.localdate()
    if locked.revoked_year is not None:
        raise _error(
            PeopleErrorCode.INVALID_INPUT,
            _("该认定已于 {year} 年撤销").format(year=locked.revoked_year),
        )
    if not locked.granted_year <= revoked_year <= today.year:
        raise _error(
            PeopleErrorCode.INVALID_INPUT,
            _("撤销年份应在 {granted_year} 至 {year} 年之间").format(
                granted_year=locked.granted_year, year=today.year
            ),
        )
    audit.save_changes(locked, {"revoked_year": revoked_year}, message="撤销专业认定")
    return locked


# ---------------------------------------------------------------- 中高职贯通


@dataclass(frozen=True)
class ThroughData:
    major: Major | None
    partner: str
    mode: str
    started_year: int


@transaction.atomic
def through_create(*, user: User, data: ThroughData) -> ThroughProgramme:
    """Registers a 贯通 programme of one of the user's schools' majors with a partner college."""
    if data.major is None:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请选择专业"))
    major = Major.objects.visible_to(user).select_related("school").filter(pk=data.major.pk).first()
    if major is None:
        raise _error(PeopleErrorCode.NOT_ALLOWED, _("未找到该专业"), 404)
    check_school(user, major.school, _("贯通项目"))
    if data.mode not in ThroughMode.values:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请选择培养模式"))
    programme = ThroughProgramme(
        school=major.school,
        major=major,
        partner=_text(data.partner, _("合作院校"), 200),
        mode=data.mode,
        started_year=_year(data.started_year, _("首次招生年份"), today=timezone.localdate()),
    )
    try:
        with transaction.atomic():
            programme.save()
    except IntegrityError as exc:
        raise _error(
            RegistryErrorCode.DUPLICATE,
            _("{major}与{partner}的该模式贯通项目已经登记").format(
                major=major, partner=programme.partner
            ),
        ) from exc
    _created(
        user, programme, ("school", "major", "partner", "mode", "started_year"), "登记贯通项目"
    )
    return programme


@transaction.atomic
def through_update(*, user: User, programme: ThroughProgramme, data: ThroughData) -> list[str]:
    """Corrects a programme's partner, mode or first intake (its major stays)."""
    locked = _locked(
        ThroughProgramme.objects.select_related("major"), user, programme.pk, _("贯通项目")
    )
    if data.mode not in ThroughMode.values:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请选择培养模式"))
    started = _year(data.started_year, _("首次招生年份"), today=timezone.localdate())
    first_recorded = locked.years.order_by("year").values_list("year", flat=True).first()
    if first_recorded is not None and started > first_recorded:
        raise _error(
            PeopleErrorCode.INVALID_INPUT,
            _("已登记 {year} 年的招生，首次招生年份不能晚于该年").format(year=first_recorded),
        )
    values = {
        "partner": _text(data.partner, _("合作院校"), 200),
        "mode": data.mode,
        "started_year": started,
    }
    try:
        with transaction.atomic():
            return audit.save_changes(locked, values, message="修改贯通项目")
    except IntegrityError as exc:
        raise _error(
            RegistryErrorCode.DUPLICATE,
            _("{major}与{partner}的该模式贯通项目已经登记").format(
                major=locked.major, partner=values["partner"]
            ),
        ) from exc


@transaction.atomic
def through_year_record(
    *, user: User, programme: ThroughProgramme, year: int, intake: int, enrolled: int
) -> ThroughEnrolment:
    """A programme's intake and year-end students for a year; a second entry for the same year
    corrects the first (audited as a change)."""
    locked = _locked(ThroughProgramme.objects.all(), user, programme.pk, _("贯通项目"))
    today = timezone.localdate()
    if not locked.started_year <= year <= today.year:
        raise _error(
            PeopleErrorCode.INVALID_INPUT,
            _("年度应在 {started_year}（首次招生）至 {year} 年之间").format(
                started_year=locked.started_year, year=today.year
            ),
        )
    for value, label in ((intake, _("当年招生人数")), (enrolled, _("年末在校生人数"))):
        if not 0 <= value <= MAX_ENROLMENT:
            raise _error(
                PeopleErrorCode.INVALID_INPUT,
                _("{label}应为 0 至 {maximum} 的整数").format(label=label, maximum=MAX_ENROLMENT),
            )
    if intake > enrolled:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("当年招生人数不能超过年末在校生人数"))
    entry, created = ThroughEnrolment.objects.select_for_update().get_or_create(
        programme=locked, year=year, defaults={"intake": intake, "enrolled": enrolled}
    )
    if created:
        _created(user, entry, ("programme", "year", "intake", "enrolled"), "登记贯通招生")
    else:
        audit.save_changes(entry, {"intake": intake, "enrolled": enrolled}, message="更正贯通招生")
    return entry


# ---------------------------------------------------------------- teams


@dataclass(frozen=True)
class TeamData:
    name: str
    recognised_year: int
    lead: Teacher | None
    members: Sequence[Teacher] = field(default_factory=tuple)
    major_group: str = ""
    level: str = HonourLevel.CITY


def _team_values(user: User, school: Unit, data: TeamData) -> tuple[dict[str, Any], list[Teacher]]:
    if data.level not in HonourLevel.values:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请选择团队级别"))
    if data.lead is None:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请选择团队负责人"))
    ids = {data.lead.pk, *(m.pk for m in data.members)}
    teachers = {
        t.pk: t
        for t in Teacher.objects.visible_to(user).filter(
            pk__in=ids, school=school, left_on__isnull=True
        )
    }
    if data.lead.pk not in teachers:
        raise _error(
            PeopleErrorCode.INVALID_INPUT, _("团队负责人应为{school}在职教师").format(school=school)
        )
    wanted = list(dict.fromkeys(m.pk for m in data.members if m.pk != data.lead.pk))
    if any(pk not in teachers for pk in wanted):
        raise _error(
            PeopleErrorCode.INVALID_INPUT, _("团队成员应为{school}在职教师").format(school=school)
        )
    members = [teachers[pk] for pk in wanted]
    if len(members) > MAX_TEAM_MEMBERS:
        raise _error(
            PeopleErrorCode.INVALID_INPUT,
            _("团队成员不能超过 {maximum} 人").format(maximum=MAX_TEAM_MEMBERS),
        )
    values = {
        "name": _text(data.name, _("团队名称"), 200),
        "major_group": _text(data.major_group, _("所属专业（群）"), 100, required=False),
        "level": data.level,
        "recognised_year": _year(data.recognised_year, _("立项年份"), today=timezone.localdate()),
        "lead": teachers[data.lead.pk],
    }
    return values, members


@transaction.atomic
def team_create(*, user: User, school: Unit, data: TeamData) -> InnovationTeam:
    """Registers a teaching innovation team of a school, led by one of its teachers."""
    check_school(user, school, _("教学创新团队"))
    values, members = _team_values(user, school, data)
    team = InnovationTeam(school=school, **values)
    try:
        with transaction.atomic():
            team.save()
    except IntegrityError as exc:
        raise _error(
            RegistryErrorCode.DUPLICATE,
            _("{school}已登记“{name}”").format(school=school, name=values["name"]),
        ) from exc
    team.members.set(members)
    _created(user, team, ("school", *values), f"登记教学创新团队（{school}）")
    audit.record(
        AuditAction.UPDATE,
        obj=team,
        actor=user,
        changes={"members": [[], [m.pk for m in members]]},
        message="团队成员",
    )
    return team


@transaction.atomic
def team_update(*, user: User, team: InnovationTeam, data: TeamData) -> list[str]:
    locked = _locked(
        InnovationTeam.objects.select_related("school"), user, team.pk, _("教学创新团队")
    )
    values, members = _team_values(user, locked.school, data)
    before = sorted(locked.members.values_list("pk", flat=True))
    try:
        with transaction.atomic():
            changed = audit.save_changes(locked, values, message="修改教学创新团队")
    except IntegrityError as exc:
        raise _error(
            RegistryErrorCode.DUPLICATE,
            _("{school}已登记“{name}”").format(school=locked.school, name=values["name"]),
        ) from exc
    after = sorted(m.pk for m in members)
    if before != after:
        locked.members.set(members)
        audit.record(
            AuditAction.UPDATE,
            obj=locked,
            actor=user,
            changes={"members": [before, after]},
            message="修改团队成员",
        )
        changed.append("members")
    return changed


# ---------------------------------------------------------------- bases


@dataclass(frozen=True)
class BaseData:
    name: str
    recognised_year: int
    school: Unit | None = None
    enterprise: Unit | None = None
    kind: str = BaseKind.TRAINING
    level: str = HonourLevel.CITY
    note: str = ""


def base_values(user: User, data: BaseData) -> dict[str, Any]:
    require_capability(user, Capability.PEOPLE_MANAGE, _("您的角色不能登记基地"))
    if data.kind not in BaseKind.values:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请选择基地类型"))
    if data.level not in HonourLevel.values:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请选择基地级别"))
    if data.school is None and data.enterprise is None:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请选择依托学校或合作企业（至少一项）"))
    if data.school is not None:
        check_school(user, data.school, _("基地"))
    elif not user.sees_all_units:
        raise _error(
            PeopleErrorCode.NOT_ALLOWED, _("只有工作专班可以登记不依托学校的企业基地"), 403
        )
    if data.enterprise is not None and data.enterprise.kind != UnitKind.ENTERPRISE:
        raise _error(
            PeopleErrorCode.INVALID_INPUT,
            _("“{enterprise}”不是企业").format(enterprise=data.enterprise),
        )
    return {
        "name": _text(data.name, _("基地名称"), 200),
        "kind": data.kind,
        "school": data.school,
        "enterprise": data.enterprise,
        "level": data.level,
        "recognised_year": _year(data.recognised_year, _("认定年份"), today=timezone.localdate()),
        "note": _text(data.note, _("说明"), 300, required=False),
    }


BASE_AUDITED = ("name", "kind", "school", "enterprise", "level", "recognised_year")


@transaction.atomic
def base_create(*, user: User, data: BaseData) -> DualBase:
    """Registers a 双师型 teacher training base (at a school and/or an enterprise)."""
    values = base_values(user, data)
    base = DualBase(**values)
    try:
        with transaction.atomic():
            base.save()
    except IntegrityError as exc:
        raise _error(
            RegistryErrorCode.DUPLICATE, _("基地“{name}”已经登记").format(name=values["name"])
        ) from exc
    _created(user, base, BASE_AUDITED, "登记双师型教师培养培训基地")
    return base


@transaction.atomic
def base_update(*, user: User, base: DualBase, data: BaseData) -> list[str]:
    locked = _locked(DualBase.objects.all(), user, base.pk, _("基地"))
    values = base_values(user, data)
    try:
        with transaction.atomic():
            return audit.save_changes(locked, values, message="修改基地")
    except IntegrityError as exc:
        raise _error(
            RegistryErrorCode.DUPLICATE, _("基地“{name}”已经登记").format(name=values["name"])
        ) from exc
