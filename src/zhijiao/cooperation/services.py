"""Writes of the cooperation app. Each is atomic, keyword-only, and writes its own audit row.

The rules every writer meets, whatever the door (web form, Excel import, API):

- A user writes only records they own afterwards (``editable_by``): a school its own, a bureau
  its schools' or those it is responsible for (负责部门), the plan office all. A record the user
  may see but not own is refused (403); one they may not see is not found (404).
- Duplicates are decided by the database's unique constraints; the error names what exists.
- Enterprises are registered through :func:`zhijiao.orgs.services.enterprise_register`, by their
  统一社会信用代码: the same code under another name is refused.
- Levels (产教融合型企业, 职教集团, 实训基地, 1+X 示范项目) change only by a decision of the plan
  office (:func:`level_decide`), one step at a time, recorded as history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhijiao.core import audit
from zhijiao.core.codes import clean_credit_code
from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditAction
from zhijiao.core.notify import notify
from zhijiao.core.registry import InvalidField
from zhijiao.orgs import services as orgs_services
from zhijiao.orgs.models import Unit, UnitKind, User
from zhijiao.orgs.roles import Capability, require_capability

from .data import (
    BASE_STEPS,
    ENTERPRISE_STEPS,
    GROUP_STEPS,
    PILOT_STEPS,
    BaseLevel,
    CooperationErrorCode,
    EnterpriseLevel,
    GroupLevel,
    MemberRole,
    PilotLevel,
    PilotRank,
)
from .models import (
    Apprentice,
    Apprenticeship,
    BaseLevelDecision,
    EnterpriseLevelDecision,
    FamousProject,
    GroupActivity,
    GroupLevelDecision,
    GroupMember,
    IdeologyCase,
    IncentiveGrant,
    IntegrationEnterprise,
    LevelDecision,
    Mentor,
    PilotLevelDecision,
    SanquanPilot,
    SchoolGovernance,
    TrainingBase,
    VocationalGroup,
    XPilot,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Code = CooperationErrorCode


def _error(code: Code, message: str, status: int = 400) -> ServiceError:
    return ServiceError(code, message, status_code=status)


def _invalid(field: str, message: str, code: Code = Code.INVALID_INPUT) -> InvalidField:
    return InvalidField(code, message, field=field)


def _text(value: str | None) -> str:
    return " ".join((value or "").split())


def _required(field: str, value: str, label: str, limit: int) -> str:
    text = _text(value)
    if not text:
        raise _invalid(field, _("请填写{label}").format(label=label))
    if len(text) > limit:
        raise _invalid(field, _("{label}不能超过 {limit} 个字").format(label=label, limit=limit))
    return text


def _not_future(field: str, value: dt.date | None, label: str) -> None:
    if value is not None and value > timezone.localdate():
        raise _invalid(field, _("{label}不能晚于今天").format(label=label))


def _not_before(field: str, value: dt.date | None, earlier: dt.date | None, message: str) -> None:
    if value is not None and earlier is not None and value < earlier:
        raise _invalid(field, message)


def _amount(field: str, value: Decimal | None, label: str) -> None:
    if value is not None and value < 0:
        raise _invalid(field, _("{label}不能为负数").format(label=label))


def _kind(field: str, unit: Unit | None, kind: str, label: str) -> None:
    if unit is not None and unit.kind != kind:
        raise _invalid(field, _("“{unit}”不是{label}").format(unit=unit, label=label))


# ---------------------------------------------------------------- ownership and history


def _lock(user: User, model: type[models.Model], obj: Any, what: str) -> Any:
    """The record's row, locked, if the user may change it; 403 if they may only see it."""
    manager: Any = model._default_manager
    locked = manager.editable_by(user).select_for_update(of=("self",)).filter(pk=obj.pk).first()
    if locked is None:
        if manager.visible_to(user).filter(pk=obj.pk).exists():
            raise _error(
                Code.NOT_ALLOWED,
                _("只有该{what}的牵头单位及其主管部门、负责部门或工作专班可以修改").format(
                    what=what
                ),
                403,
            )
        raise _error(Code.NOT_ALLOWED, _("未找到该{what}").format(what=what), 404)
    return locked


def _ensure_owned(user: User, obj: Any, what: str) -> None:
    """After a write: the user must own what they wrote (the transaction rolls back if not)."""
    manager: Any = type(obj)._default_manager
    if not manager.editable_by(user).filter(pk=obj.pk).exists():
        raise _error(
            Code.NOT_ALLOWED,
            _(
                "只能登记本单位（或所辖学校）的{what}；由其他部门负责的，请将“负责部门”设为本单位"
            ).format(what=what),
            403,
        )


def _snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in fields:
        if obj._meta.get_field(name).many_to_many:
            values[name] = sorted(u.pk for u in getattr(obj, name).all())
        else:
            values.update(audit.snapshot(obj, [name]))
    return values


def _insert(obj: models.Model, *, unique: Iterable[str], field: str, message: str) -> None:
    """Saves a new row; a unique constraint's refusal becomes the Chinese ``message``."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        lookup = {name: getattr(obj, f"{name}_id", None) or getattr(obj, name) for name in unique}
        if not type(obj)._default_manager.filter(**lookup).exists():
            raise
        raise _invalid(field, message, Code.DUPLICATE) from exc


def _create(
    *,
    user: User,
    obj: models.Model,
    sets: dict[str, Iterable[Unit]],
    what: str,
    unique: Iterable[str],
    field: str,
    duplicate: str,
    fields: Iterable[str],
) -> Any:
    _insert(obj, unique=unique, field=field, message=duplicate)
    for name, units in sets.items():
        getattr(obj, name).set(list(units))
    _ensure_owned(user, obj, what)
    audit.record(
        AuditAction.CREATE,
        obj=obj,
        actor=user,
        changes={k: [None, v] for k, v in _snapshot(obj, [*fields, *sets]).items()},
        message=f"登记{what}",
    )
    return obj


def _update(
    *,
    user: User,
    obj: Any,
    values: dict[str, Any],
    sets: dict[str, Iterable[Unit]],
    what: str,
    unique: Iterable[str] = (),
    field: str = "",
    duplicate: str = "",
) -> list[str]:
    """Saves the values that differ (and the to-many sets), checks ownership, audits before and
    after. Returns the names of what changed."""
    dirty = [k for k, v in values.items() if getattr(obj, k) != v]
    changed_sets = {
        name: list(units)
        for name, units in sets.items()
        if {u.pk for u in units} != {u.pk for u in getattr(obj, name).all()}
    }
    if not dirty and not changed_sets:
        return []
    before = _snapshot(obj, [*dirty, *changed_sets])
    for name in dirty:
        setattr(obj, name, values[name])
    obj.updated_at = timezone.now()
    try:
        with transaction.atomic():
            obj.save(update_fields=[*dirty, "updated_at"])
    except IntegrityError as exc:
        if not unique:
            raise
        raise _invalid(field, duplicate, Code.DUPLICATE) from exc
    for name, units in changed_sets.items():
        getattr(obj, name).set(units)
    _ensure_owned(user, obj, what)
    audit.record(
        AuditAction.UPDATE,
        obj=obj,
        actor=user,
        changes=audit.changes_between(before, _snapshot(obj, [*dirty, *changed_sets])),
        message=f"修改{what}",
    )
    return [*dirty, *changed_sets]


def _manage(user: User, what: str) -> None:
    require_capability(
        user, Capability.COOPERATION_MANAGE, _("您的角色不能登记或修改{what}").format(what=what)
    )


def _enterprise(user: User, name: str, credit_code: str) -> Unit:
    """The enterprise with this 统一社会信用代码, registered if new (refused under another name)."""
    name = _required("enterprise_name", name, _("企业名称"), 200)

    def register() -> Unit:
        try:
            with transaction.atomic():
                unit, _created = orgs_services.enterprise_register(
                    name=name, credit_code=credit_code
                )
        except ServiceError as error:
            field = (
                "enterprise_name"
                if error.code == orgs_services.EnterpriseErrorCode.NAME_TAKEN
                else "credit_code"
            )
            raise InvalidField(error.code, error.message, field=field) from error
        return unit

    try:
        unit = register()
    except IntegrityError:
        # Registered by another request meanwhile: the unique code decided; a second look
        # finds that enterprise (and the record's own rules then apply to it).
        unit = register()
    if unit.kind != UnitKind.ENTERPRISE:
        raise _invalid(
            "enterprise_name",
            _("“{unit}”已登记为{kind}，不是企业").format(unit=unit, kind=unit.get_kind_display()),
        )
    return unit


# ---------------------------------------------------------------- 名企名校合作项目

PROJECT_FIELDS = (
    "name",
    "school",
    "industry",
    "content",
    "outputs",
    "started_on",
    "planned_end_on",
    "department",
)


def _project_values(
    *,
    name: str,
    school: Unit,
    enterprises: Iterable[Unit],
    industry: str,
    content: str,
    started_on: dt.date,
    outputs: str = "",
    planned_end_on: dt.date | None = None,
    department: Unit | None = None,
) -> dict[str, Any]:
    _kind("school", school, UnitKind.SCHOOL, _("学校"))
    units = list(enterprises)
    if not units:
        raise _invalid("enterprises", _("请至少选择一家合作企业"))
    for unit in units:
        _kind("enterprises", unit, UnitKind.ENTERPRISE, _("企业"))
    _not_future("started_on", started_on, _("启动日期"))
    _not_before("planned_end_on", planned_end_on, started_on, _("计划完成日期不能早于启动日期"))
    return {
        "name": _required("name", name, _("项目名称"), 200),
        "school": school,
        "industry": industry,
        "content": _required("content", content, _("合作内容"), 5000),
        "outputs": (outputs or "").strip()[:5000],
        "started_on": started_on,
        "planned_end_on": planned_end_on,
        "department": department,
    }


@transaction.atomic
def project_create(*, user: User, enterprises: Iterable[Unit], **data: Any) -> FamousProject:
    """Registers a 名企名校 project led by a school with its partner enterprises."""
    _manage(user, _("合作项目"))
    units = list(enterprises)
    values = _project_values(enterprises=units, **data)
    project = FamousProject(**values, created_by=user)
    return _create(
        user=user,
        obj=project,
        sets={"enterprises": units},
        what=_("名企名校合作项目"),
        unique=("school", "name"),
        field="name",
        duplicate=_("{school}已登记名为“{name}”的合作项目").format(
            school=values["school"], name=values["name"]
        ),
        fields=PROJECT_FIELDS,
    )


@transaction.atomic
def project_update(
    *, user: User, project: FamousProject, enterprises: Iterable[Unit], **data: Any
) -> list[str]:
    _manage(user, _("合作项目"))
    project = _lock(user, FamousProject, project, _("合作项目"))
    units = list(enterprises)
    values = _project_values(enterprises=units, **data)
    _not_before(
        "started_on", project.terminated_on, values["started_on"], _("启动日期不能晚于终止日期")
    )
    return _update(
        user=user,
        obj=project,
        values=values,
        sets={"enterprises": units},
        what=_("名企名校合作项目"),
        unique=("school", "name"),
        field="name",
        duplicate=_("{school}已登记名为“{name}”的合作项目").format(
            school=values["school"], name=values["name"]
        ),
    )


@transaction.atomic
def project_terminate(
    *, user: User, project: FamousProject, terminated_on: dt.date, reason: str
) -> FamousProject:
    """Ends a project early; it no longer counts from that day. The record stays."""
    _manage(user, _("合作项目"))
    project = _lock(user, FamousProject, project, _("合作项目"))
    if project.terminated_on is not None:
        raise _error(
            Code.INVALID_INPUT, _("该项目已于 {day} 终止").format(day=project.terminated_on)
        )
    reason = _required("reason", reason, _("终止原因"), 300)
    _not_future("terminated_on", terminated_on, _("终止日期"))
    _not_before("terminated_on", terminated_on, project.started_on, _("终止日期不能早于启动日期"))
    project.terminated_on = terminated_on
    project.termination_reason = reason
    project.updated_at = timezone.now()
    project.save(update_fields=["terminated_on", "termination_reason", "updated_at"])
    audit.record(
        AuditAction.UPDATE,
        obj=project,
        actor=user,
        changes={"terminated_on": [None, terminated_on.isoformat()]},
        message=f"终止合作项目：{reason}",
    )
    return project


# ---------------------------------------------------------------- 职教集团

GROUP_FIELDS = ("name", "lead", "industry", "founded_on", "description", "department")


def _group_values(
    *,
    name: str,
    lead: Unit,
    industry: str,
    founded_on: dt.date,
    description: str = "",
    department: Unit | None = None,
) -> dict[str, Any]:
    _not_future("founded_on", founded_on, _("成立日期"))
    return {
        "name": _required("name", name, _("集团名称"), 200),
        "lead": lead,
        "industry": industry,
        "founded_on": founded_on,
        "description": (description or "").strip()[:5000],
        "department": department,
    }


@transaction.atomic
def group_create(*, user: User, **data: Any) -> VocationalGroup:
    """Registers a 职教集团; its lead unit joins as 理事长单位. Its level starts at 一般."""
    _manage(user, _("职教集团"))
    values = _group_values(**data)
    group = VocationalGroup(**values, created_by=user)
    _create(
        user=user,
        obj=group,
        sets={},
        what=_("职教集团"),
        unique=("name",),
        field="name",
        duplicate=_("已有名为“{name}”的职教集团").format(name=values["name"]),
        fields=GROUP_FIELDS,
    )
    GroupMember.objects.create(
        group=group,
        unit=values["lead"],
        role=MemberRole.CHAIR,
        joined_on=values["founded_on"],
        recorded_by=user,
    )
    return group


@transaction.atomic
def group_update(*, user: User, group: VocationalGroup, **data: Any) -> list[str]:
    _manage(user, _("职教集团"))
    group = _lock(user, VocationalGroup, group, _("职教集团"))
    values = _group_values(**data)
    first_join = group.members.order_by("joined_on").values_list("joined_on", flat=True).first()
    if first_join is not None and values["founded_on"] > first_join:
        raise _invalid(
            "founded_on", _("成立日期不能晚于最早成员的加入日期（{day}）").format(day=first_join)
        )
    return _update(
        user=user,
        obj=group,
        values=values,
        sets={},
        what=_("职教集团"),
        unique=("name",),
        field="name",
        duplicate=_("已有名为“{name}”的职教集团").format(name=values["name"]),
    )


@transaction.atomic
def member_add(
    *, user: User, group: VocationalGroup, unit: Unit, role: str, joined_on: dt.date
) -> GroupMember:
    """A unit joins a group; the same unit cannot be a current member twice."""
    _manage(user, _("职教集团成员"))
    group = _lock(user, VocationalGroup, group, _("职教集团"))
    if group.level == GroupLevel.DISSOLVED:
        raise _error(
            Code.WRONG_LEVEL,
            _("该职教集团已于 {day} 撤销，不能登记新成员").format(day=group.level_since),
        )
    if unit.kind in (UnitKind.GOVERNMENT, UnitKind.PARTY):
        raise _invalid("unit", _("党政部门不作为职教集团成员单位登记"))
    _not_future("joined_on", joined_on, _("加入日期"))
    _not_before("joined_on", joined_on, group.founded_on, _("加入日期不能早于集团成立日期"))
    member = GroupMember(group=group, unit=unit, role=role, joined_on=joined_on, recorded_by=user)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        raise _invalid(
            "unit", _("“{unit}”已是该集团的成员").format(unit=unit), Code.ALREADY_MEMBER
        ) from exc
    audit.record(
        AuditAction.CREATE,
        obj=member,
        actor=user,
        changes={
            "unit": [None, unit.pk],
            "role": [None, role],
            "joined_on": [None, joined_on.isoformat()],
        },
        message=f"{unit}加入职教集团“{group}”",
    )
    return member


@transaction.atomic
def member_leave(
    *, user: User, group: VocationalGroup, member: GroupMember, left_on: dt.date
) -> GroupMember:
    """A member leaves; the lead unit cannot leave its own group."""
    _manage(user, _("职教集团成员"))
    group = _lock(user, VocationalGroup, group, _("职教集团"))
    locked = (
        GroupMember.objects.select_for_update()
        .filter(pk=member.pk, group=group, left_on__isnull=True)
        .select_related("unit")
        .first()
    )
    if locked is None:
        raise _invalid("member", _("该单位不是集团的现有成员"), Code.NOT_MEMBER)
    if locked.unit_id == group.lead_id:
        raise _invalid("member", _("牵头单位不能退出本集团；如需更换牵头单位，请先修改集团信息"))
    _not_future("left_on", left_on, _("退出日期"))
    _not_before("left_on", left_on, locked.joined_on, _("退出日期不能早于加入日期"))
    locked.left_on = left_on
    locked.save(update_fields=["left_on"])
    audit.record(
        AuditAction.UPDATE,
        obj=locked,
        actor=user,
        changes={"left_on": [None, left_on.isoformat()]},
        message=f"{locked.unit}退出职教集团“{group}”",
    )
    return locked


@transaction.atomic
def activity_record(
    *,
    user: User,
    group: VocationalGroup,
    held_on: dt.date,
    kind: str,
    title: str,
    participants: int | None = None,
    summary: str = "",
) -> GroupActivity:
    _manage(user, _("职教集团活动"))
    group = _lock(user, VocationalGroup, group, _("职教集团"))
    _not_future("held_on", held_on, _("活动日期"))
    _not_before("held_on", held_on, group.founded_on, _("活动日期不能早于集团成立日期"))
    if group.level == GroupLevel.DISSOLVED and held_on > (group.level_since or held_on):
        raise _invalid(
            "held_on",
            _("该职教集团已于 {day} 撤销，不能登记撤销后的活动").format(day=group.level_since),
        )
    activity = GroupActivity.objects.create(
        group=group,
        held_on=held_on,
        kind=kind,
        title=_required("title", title, _("活动名称"), 200),
        participants=participants,
        summary=(summary or "").strip()[:5000],
        recorded_by=user,
    )
    audit.record(
        AuditAction.CREATE,
        obj=activity,
        actor=user,
        changes=audit.snapshot(activity, ["held_on", "kind", "title", "participants"]),
        message=f"登记职教集团活动：{group}",
    )
    return activity


# ---------------------------------------------------------------- 产教融合型企业

CPE_FIELDS = ("enterprise", "industry", "applied_on", "vet_investment", "description", "department")


def _cpe_values(
    *,
    user: User,
    enterprise_name: str,
    credit_code: str,
    industry: str,
    applied_on: dt.date,
    vet_investment: Decimal | None = None,
    description: str = "",
    department: Unit | None = None,
) -> dict[str, Any]:
    _not_future("applied_on", applied_on, _("申报日期"))
    _amount("vet_investment", vet_investment, _("职业教育投入"))
    return {
        "enterprise": _enterprise(user, enterprise_name, credit_code),
        "industry": industry,
        "applied_on": applied_on,
        "vet_investment": vet_investment,
        "description": (description or "").strip()[:5000],
        "department": department,
    }


def _cpe_duplicate(enterprise: Unit) -> str:
    return _("“{enterprise}”（统一社会信用代码 {credit_code}）已在产教融合型企业名单中").format(
        enterprise=enterprise, credit_code=enterprise.credit_code
    )


@transaction.atomic
def cpe_create(*, user: User, schools: Iterable[Unit] = (), **data: Any) -> IntegrationEnterprise:
    """Puts an enterprise on the 产教融合型企业 track (registering the enterprise if new, by its
    统一社会信用代码). The same enterprise cannot be on it twice; it starts as 已申报."""
    _manage(user, _("产教融合型企业"))
    values = _cpe_values(user=user, **data)
    record = IntegrationEnterprise(**values, created_by=user)
    return _create(
        user=user,
        obj=record,
        sets={"schools": list(schools)},
        what=_("产教融合型企业"),
        unique=("enterprise",),
        field="credit_code",
        duplicate=_cpe_duplicate(values["enterprise"]),
        fields=CPE_FIELDS,
    )


@transaction.atomic
def cpe_update(
    *, user: User, record: IntegrationEnterprise, schools: Iterable[Unit] = (), **data: Any
) -> list[str]:
    _manage(user, _("产教融合型企业"))
    record = _lock(user, IntegrationEnterprise, record, _("产教融合型企业"))
    values = _cpe_values(user=user, **data)
    _not_before(
        "applied_on",
        record.level_since,
        values["applied_on"],
        _("申报日期不能晚于已有的级别认定日期"),
    )
    return _update(
        user=user,
        obj=record,
        values=values,
        sets={"schools": list(schools)},
        what=_("产教融合型企业"),
        unique=("enterprise",),
        field="credit_code",
        duplicate=_cpe_duplicate(values["enterprise"]),
    )


@transaction.atomic
def incentive_record(
    *,
    user: User,
    record: IntegrationEnterprise,
    policy: str,
    granted_on: dt.date,
    authority: str,
    description: str,
    amount: Decimal | None = None,
) -> IncentiveGrant:
    """Records an incentive applied to a 产教融合型企业 on the cultivation list or recognised."""
    _manage(user, _("激励政策落实"))
    record = _lock(user, IntegrationEnterprise, record, _("产教融合型企业"))
    if record.level in (EnterpriseLevel.CANDIDATE, EnterpriseLevel.REMOVED):
        raise _error(
            Code.WRONG_LEVEL,
            _("该企业当前为“{level}”，不能享受产教融合型企业激励政策").format(
                level=record.get_level_display()
            ),
        )
    _amount("amount", amount, _("金额"))
    _not_future("granted_on", granted_on, _("落实日期"))
    _not_before("granted_on", granted_on, record.applied_on, _("落实日期不能早于申报日期"))
    grant = IncentiveGrant.objects.create(
        record=record,
        policy=policy,
        amount=amount,
        granted_on=granted_on,
        authority=_required("authority", authority, _("实施部门"), 100),
        description=_required("description", description, _("内容"), 300),
        recorded_by=user,
    )
    audit.record(
        AuditAction.CREATE,
        obj=grant,
        actor=user,
        changes=audit.snapshot(grant, ["policy", "amount", "granted_on", "authority"]),
        message=f"登记激励政策落实：{record}",
    )
    return grant


# ---------------------------------------------------------------- 实训基地

BASE_FIELDS = (
    "name",
    "school",
    "industry",
    "shared",
    *TrainingBase.FUNCTION_FIELDS,
    "opened_on",
    "workstations",
    "area",
    "investment",
    "description",
    "department",
)


def _base_values(
    *,
    name: str,
    school: Unit,
    industry: str,
    opened_on: dt.date,
    shared: bool = False,
    for_talent: bool = True,
    for_research: bool = False,
    for_production: bool = False,
    for_staff: bool = False,
    for_assessment: bool = False,
    workstations: int | None = None,
    area: int | None = None,
    investment: Decimal | None = None,
    description: str = "",
    department: Unit | None = None,
) -> dict[str, Any]:
    _kind("school", school, UnitKind.SCHOOL, _("学校"))
    functions = [for_talent, for_research, for_production, for_staff, for_assessment]
    if not any(functions):
        raise _invalid("for_talent", _("请至少选择一项基地功能"))
    if shared and sum(functions) < 2:
        raise _invalid("shared", _("资源共享型实训基地应至少具备两项功能（如人才培养与员工培训）"))
    _not_future("opened_on", opened_on, _("建成日期"))
    _amount("investment", investment, _("总投入"))
    return {
        "name": _required("name", name, _("基地名称"), 200),
        "school": school,
        "industry": industry,
        "shared": shared,
        "for_talent": for_talent,
        "for_research": for_research,
        "for_production": for_production,
        "for_staff": for_staff,
        "for_assessment": for_assessment,
        "opened_on": opened_on,
        "workstations": workstations,
        "area": area,
        "investment": investment,
        "description": (description or "").strip()[:5000],
        "department": department,
    }


@transaction.atomic
def base_create(*, user: User, enterprises: Iterable[Unit] = (), **data: Any) -> TrainingBase:
    """Registers a training base of a school, with the enterprises that built it; its level
    starts at 校级 until the office recognises it."""
    _manage(user, _("实训基地"))
    values = _base_values(**data)
    units = list(enterprises)
    for unit in units:
        _kind("enterprises", unit, UnitKind.ENTERPRISE, _("企业"))
    base = TrainingBase(**values, created_by=user)
    return _create(
        user=user,
        obj=base,
        sets={"enterprises": units},
        what=_("实训基地"),
        unique=("school", "name"),
        field="name",
        duplicate=_("{school}已登记名为“{name}”的实训基地").format(
            school=values["school"], name=values["name"]
        ),
        fields=BASE_FIELDS,
    )


@transaction.atomic
def base_update(
    *, user: User, base: TrainingBase, enterprises: Iterable[Unit] = (), **data: Any
) -> list[str]:
    _manage(user, _("实训基地"))
    base = _lock(user, TrainingBase, base, _("实训基地"))
    values = _base_values(**data)
    units = list(enterprises)
    for unit in units:
        _kind("enterprises", unit, UnitKind.ENTERPRISE, _("企业"))
    _not_before(
        "opened_on", base.level_since, values["opened_on"], _("建成日期不能晚于级别认定日期")
    )
    return _update(
        user=user,
        obj=base,
        values=values,
        sets={"enterprises": units},
        what=_("实训基地"),
        unique=("school", "name"),
        field="name",
        duplicate=_("{school}已登记名为“{name}”的实训基地").format(
            school=values["school"], name=values["name"]
        ),
    )


# ---------------------------------------------------------------- 现代学徒制

PROGRAMME_FIELDS = (
    "name",
    "school",
    "enterprise",
    "major",
    "started_on",
    "ended_on",
    "description",
    "department",
)


def _programme_values(
    *,
    user: User,
    name: str,
    school: Unit,
    enterprise_name: str,
    credit_code: str,
    major: str,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    description: str = "",
    department: Unit | None = None,
) -> dict[str, Any]:
    _kind("school", school, UnitKind.SCHOOL, _("学校"))
    _not_future("started_on", started_on, _("开班日期"))
    _not_before("ended_on", ended_on, started_on, _("结束日期不能早于开班日期"))
    return {
        "name": _required("name", name, _("项目名称"), 200),
        "school": school,
        "enterprise": _enterprise(user, enterprise_name, credit_code),
        "major": _required("major", major, _("专业"), 100),
        "started_on": started_on,
        "ended_on": ended_on,
        "description": (description or "").strip()[:5000],
        "department": department,
    }


@transaction.atomic
def apprenticeship_create(*, user: User, **data: Any) -> Apprenticeship:
    """Registers a 现代学徒制 programme of a school and an enterprise (registered if new)."""
    _manage(user, _("现代学徒制项目"))
    values = _programme_values(user=user, **data)
    programme = Apprenticeship(**values, created_by=user)
    return _create(
        user=user,
        obj=programme,
        sets={},
        what=_("现代学徒制项目"),
        unique=("school", "name"),
        field="name",
        duplicate=_("{school}已登记名为“{name}”的学徒制项目").format(
            school=values["school"], name=values["name"]
        ),
        fields=PROGRAMME_FIELDS,
    )


@transaction.atomic
def apprenticeship_update(*, user: User, programme: Apprenticeship, **data: Any) -> list[str]:
    _manage(user, _("现代学徒制项目"))
    programme = _lock(user, Apprenticeship, programme, _("现代学徒制项目"))
    values = _programme_values(user=user, **data)
    first = programme.apprentices.order_by("signed_on").values_list("signed_on", flat=True).first()
    if first is not None and values["started_on"] > first:
        raise _invalid(
            "started_on", _("开班日期不能晚于最早的学徒签约日期（{first}）").format(first=first)
        )
    return _update(
        user=user,
        obj=programme,
        values=values,
        sets={},
        what=_("现代学徒制项目"),
        unique=("school", "name"),
        field="name",
        duplicate=_("{school}已登记名为“{name}”的学徒制项目").format(
            school=values["school"], name=values["name"]
        ),
    )


@transaction.atomic
def mentor_add(
    *,
    user: User,
    programme: Apprenticeship,
    name: str,
    position: str,
    since: dt.date,
    qualification: str = "",
) -> Mentor:
    _manage(user, _("企业导师"))
    programme = _lock(user, Apprenticeship, programme, _("现代学徒制项目"))
    _not_future("since", since, _("聘任日期"))
    mentor = Mentor(
        programme=programme,
        name=_required("name", name, _("姓名"), 50),
        position=_required("position", position, _("岗位或职务"), 100),
        qualification=_text(qualification)[:100],
        since=since,
        recorded_by=user,
    )
    _insert(
        mentor,
        unique=("programme", "name"),
        field="name",
        message=_("该项目已有导师“{mentor}”").format(mentor=mentor.name),
    )
    audit.record(
        AuditAction.CREATE,
        obj=mentor,
        actor=user,
        changes=audit.snapshot(mentor, ["programme", "name", "position", "qualification", "since"]),
        message=f"聘任企业导师：{programme}",
    )
    return mentor


APPRENTICE_FIELDS = ("programme", "name", "student_number", "signed_on", "mentor", "left_on")


def _apprentice_values(
    *,
    programme: Apprenticeship,
    name: str,
    student_number: str,
    signed_on: dt.date,
    mentor: Mentor | None = None,
    left_on: dt.date | None = None,
) -> dict[str, Any]:
    if mentor is not None and mentor.programme_id != programme.pk:
        raise _invalid(
            "mentor",
            _("导师“{mentor}”不属于项目“{programme}”").format(
                mentor=mentor.name, programme=programme
            ),
        )
    _not_future("signed_on", signed_on, _("签订协议日期"))
    _not_before("signed_on", signed_on, programme.started_on, _("签订协议日期不能早于项目开班日期"))
    _not_before("left_on", left_on, signed_on, _("结业或退出日期不能早于签订协议日期"))
    number = "".join((student_number or "").split())
    if not number:
        raise _invalid("student_number", _("请填写学号"))
    if len(number) > 30:
        raise _invalid("student_number", _("学号不能超过 30 个字符"))
    return {
        "programme": programme,
        "name": _required("name", name, _("姓名"), 50),
        "student_number": number,
        "signed_on": signed_on,
        "mentor": mentor,
        "left_on": left_on,
    }


def _own_programme(user: User, programme: Apprenticeship) -> Apprenticeship:
    manager: Any = Apprenticeship._default_manager
    if not manager.editable_by(user).filter(pk=programme.pk).exists():
        raise _invalid("programme", _("只能为本单位（或所辖学校）的学徒制项目登记学徒"))
    return programme


@transaction.atomic
def apprentice_create(*, user: User, **data: Any) -> Apprentice:
    """Registers an apprentice of a programme the user owns; one student number once per
    programme."""
    _manage(user, _("学徒"))
    values = _apprentice_values(**data)
    _own_programme(user, values["programme"])
    apprentice = Apprentice(**values, created_by=user)
    _insert(
        apprentice,
        unique=("programme", "student_number"),
        field="student_number",
        message=_("学号 {number} 已登记为项目“{programme}”的学徒").format(
            number=values["student_number"], programme=values["programme"]
        ),
    )
    audit.record(
        AuditAction.CREATE,
        obj=apprentice,
        actor=user,
        changes={k: [None, v] for k, v in audit.snapshot(apprentice, APPRENTICE_FIELDS).items()},
        message="登记学徒",
    )
    return apprentice


@transaction.atomic
def apprentice_update(*, user: User, apprentice: Apprentice, **data: Any) -> list[str]:
    _manage(user, _("学徒"))
    apprentice = _lock(user, Apprentice, apprentice, _("学徒"))
    values = _apprentice_values(**data)
    _own_programme(user, values["programme"])
    return _update(
        user=user,
        obj=apprentice,
        values=values,
        sets={},
        what=_("学徒"),
        unique=("programme", "student_number"),
        field="student_number",
        duplicate=_("学号 {number} 已登记为项目“{programme}”的学徒").format(
            number=values["student_number"], programme=values["programme"]
        ),
    )


# ---------------------------------------------------------------- 1+X 证书试点

PILOT_FIELDS = (
    "school",
    "certificate",
    "certificate_level",
    "organisation",
    "major",
    "started_on",
    "candidates",
    "certified",
    "department",
)


def _pilot_values(
    *,
    school: Unit,
    certificate: str,
    certificate_level: str,
    organisation: str,
    major: str,
    started_on: dt.date,
    candidates: int | None = 0,
    certified: int | None = 0,
    department: Unit | None = None,
) -> dict[str, Any]:
    _kind("school", school, UnitKind.SCHOOL, _("学校"))
    candidates, certified = candidates or 0, certified or 0
    if certified > candidates:
        raise _invalid("certified", _("取证人数不能超过参加考核人数"))
    _not_future("started_on", started_on, _("试点开始日期"))
    return {
        "school": school,
        "certificate": _required("certificate", certificate, _("职业技能等级证书"), 200),
        "certificate_level": certificate_level,
        "organisation": _required("organisation", organisation, _("培训评价组织"), 200),
        "major": _required("major", major, _("试点专业"), 100),
        "started_on": started_on,
        "candidates": candidates,
        "certified": certified,
        "department": department,
    }


def _pilot_duplicate(values: dict[str, Any]) -> str:
    return _("{school}已登记“{certificate}”同一等级的试点").format(
        school=values["school"], certificate=values["certificate"]
    )


@transaction.atomic
def pilot_create(*, user: User, **data: Any) -> XPilot:
    """Registers a school's 1+X pilot; it counts toward the target once the office selects it
    as a 示范项目."""
    _manage(user, _("1+X 证书试点项目"))
    values = _pilot_values(**data)
    pilot = XPilot(**values, created_by=user)
    return _create(
        user=user,
        obj=pilot,
        sets={},
        what=_("1+X 证书试点项目"),
        unique=("school", "certificate", "certificate_level"),
        field="certificate",
        duplicate=_pilot_duplicate(values),
        fields=PILOT_FIELDS,
    )


@transaction.atomic
def pilot_update(*, user: User, pilot: XPilot, **data: Any) -> list[str]:
    _manage(user, _("1+X 证书试点项目"))
    pilot = _lock(user, XPilot, pilot, _("1+X 证书试点项目"))
    values = _pilot_values(**data)
    if values["candidates"] < pilot.candidates or values["certified"] < pilot.certified:
        raise _invalid("candidates", _("参加考核人数和取证人数是累计数，不能比已登记的少"))
    _not_before(
        "started_on", pilot.level_since, values["started_on"], _("试点开始日期不能晚于遴选日期")
    )
    return _update(
        user=user,
        obj=pilot,
        values=values,
        sets={},
        what=_("1+X 证书试点项目"),
        unique=("school", "certificate", "certificate_level"),
        field="certificate",
        duplicate=_pilot_duplicate(values),
    )


# ---------------------------------------------------------------- levels


LEVELS: dict[
    type[models.Model],
    tuple[type[LevelDecision], type[models.TextChoices], dict[str, set[str]], str, StrOrPromise],
] = {
    IntegrationEnterprise: (
        EnterpriseLevelDecision,
        EnterpriseLevel,
        ENTERPRISE_STEPS,
        "applied_on",
        gettext_lazy("产教融合型企业"),
    ),
    VocationalGroup: (
        GroupLevelDecision,
        GroupLevel,
        GROUP_STEPS,
        "founded_on",
        gettext_lazy("职教集团"),
    ),
    TrainingBase: (BaseLevelDecision, BaseLevel, BASE_STEPS, "opened_on", gettext_lazy("实训基地")),
    XPilot: (
        PilotLevelDecision,
        PilotLevel,
        PILOT_STEPS,
        "started_on",
        gettext_lazy("1+X 证书试点"),
    ),
}


@transaction.atomic
def level_decide(
    *,
    user: User,
    record: Any,
    level: str,
    decided_on: dt.date,
    authority: str,
    document_no: str = "",
    note: str = "",
) -> LevelDecision:
    """The plan office records a level decision (认定、升级、降级、移出) on a record.

    One step at a time (see ``data.*_STEPS``), never back in time; the record's row is locked, so
    of two decisions made at once on the same record the second sees the first.
    """
    require_capability(user, Capability.COOPERATION_DECIDE, _("只有工作专班可以认定级别"))
    model = type(record)
    decision_model, choices, steps, start_field, what = LEVELS[model]
    manager: Any = model._default_manager
    locked = manager.visible_to(user).select_for_update(of=("self",)).filter(pk=record.pk).first()
    if locked is None:
        raise _error(Code.NOT_ALLOWED, _("未找到该{what}").format(what=what), 404)
    labels = dict(choices.choices)
    if level not in labels:
        raise _invalid("level", _("请选择级别"))
    current = locked.level
    if level == current:
        raise _invalid(
            "level",
            _("该{what}当前已是“{current}”").format(what=what, current=labels[current]),
            Code.WRONG_LEVEL,
        )
    if level not in steps[current]:
        allowed = "、".join(str(labels[s]) for s in choices.values if s in steps[current]) or _(
            "无"
        )
        raise _invalid(
            "level",
            _("不能从“{current}”直接调整为“{target}”；当前可调整为：{allowed}").format(
                current=labels[current], target=labels[level], allowed=allowed
            ),
            Code.WRONG_LEVEL,
        )
    _not_future("decided_on", decided_on, _("认定日期"))
    start = getattr(locked, start_field)
    _not_before(
        "decided_on",
        decided_on,
        start,
        _("认定日期不能早于{field}").format(field=locked._meta.get_field(start_field).verbose_name),
    )
    _not_before(
        "decided_on",
        decided_on,
        locked.level_since,
        _("认定日期不能早于上一次认定日期（{day}）").format(day=locked.level_since),
    )
    decision = decision_model.objects.create(  # type: ignore[attr-defined]
        record=locked,
        level=level,
        previous=current,
        decided_on=decided_on,
        authority=_required("authority", authority, _("认定机关"), 100),
        document_no=_text(document_no)[:100],
        note=_text(note)[:300],
        decided_by=user,
    )
    locked.level = level
    locked.level_since = decided_on
    locked.updated_at = timezone.now()
    locked.save(update_fields=["level", "level_since", "updated_at"])
    audit.record(
        AuditAction.UPDATE,
        obj=locked,
        actor=user,
        changes={"level": [current, level], "level_since": [None, decided_on.isoformat()]},
        message=f"{what}级别：{labels[current]} → {labels[level]}（{decision.authority}"
        + (f" {decision.document_no}" if decision.document_no else "")
        + "）",
    )
    if isinstance(locked, IntegrationEnterprise):
        notify(
            User.objects.filter(unit_id=locked.enterprise_id, is_active=True),
            title=_("产教融合型企业认定：{level}").format(level=labels[level]),
            body=_(
                "{enterprise}的产教融合型企业级别已由“{current}”调整为“{target}”（{authority}，{decided_on}）。"
            ).format(
                enterprise=locked.enterprise,
                current=labels[current],
                target=labels[level],
                authority=decision.authority,
                decided_on=decided_on,
            ),
            link=reverse("admin:cooperation-enterprises-detail", args=[locked.pk]),
        )
    return decision


# ---------------------------------------------------------------- school governance

GOVERNANCE_FIELDS = (
    "school",
    "charter_approved_on",
    "charter_authority",
    "charter_document_no",
    "council_founded_on",
    "council_chair",
    "council_members",
    "enterprise_members",
)


def _governance_values(
    *,
    school: Unit,
    charter_approved_on: dt.date | None = None,
    charter_authority: str = "",
    charter_document_no: str = "",
    council_founded_on: dt.date | None = None,
    council_chair: str = "",
    council_members: int | None = None,
    enterprise_members: int | None = None,
) -> dict[str, Any]:
    _kind("school", school, UnitKind.SCHOOL, _("学校"))
    _not_future("charter_approved_on", charter_approved_on, _("章程核准日期"))
    _not_future("council_founded_on", council_founded_on, _("理事会成立日期"))
    if charter_approved_on is not None and not _text(charter_authority):
        raise _invalid("charter_authority", _("已核准的章程请填写核准机关"))
    if council_founded_on is not None and not council_members:
        raise _invalid("council_members", _("已成立理事会的，请填写理事会成员数"))
    if council_founded_on is None and (
        council_members or enterprise_members or _text(council_chair)
    ):
        raise _invalid("council_founded_on", _("请填写理事会成立日期"))
    if (
        enterprise_members is not None
        and council_members is not None
        and enterprise_members > council_members
    ):
        raise _invalid("enterprise_members", _("行业企业代表数不能超过理事会成员数"))
    return {
        "school": school,
        "charter_approved_on": charter_approved_on,
        "charter_authority": _text(charter_authority)[:100],
        "charter_document_no": _text(charter_document_no)[:100],
        "council_founded_on": council_founded_on,
        "council_chair": _text(council_chair)[:50],
        "council_members": council_members,
        "enterprise_members": enterprise_members,
    }


@transaction.atomic
def governance_create(*, user: User, **data: Any) -> SchoolGovernance:
    """Records a school's charter and council; one record per school."""
    _manage(user, _("学校章程与理事会"))
    values = _governance_values(**data)
    record = SchoolGovernance(**values, created_by=user)
    return _create(
        user=user,
        obj=record,
        sets={},
        what=_("学校章程与理事会"),
        unique=("school",),
        field="school",
        duplicate=_("{school}的章程与理事会已登记，请在原记录上修改").format(
            school=values["school"]
        ),
        fields=GOVERNANCE_FIELDS,
    )


@transaction.atomic
def governance_update(*, user: User, record: SchoolGovernance, **data: Any) -> list[str]:
    _manage(user, _("学校章程与理事会"))
    record = _lock(user, SchoolGovernance, record, _("学校章程与理事会"))
    values = _governance_values(**data)
    return _update(
        user=user,
        obj=record,
        values=values,
        sets={},
        what=_("学校章程与理事会"),
        unique=("school",),
        field="school",
        duplicate=_("{school}的章程与理事会已登记，请在原记录上修改").format(
            school=values["school"]
        ),
    )


SANQUAN_FIELDS = ("school", "rank", "approved_on", "authority", "document_no", "ended_on")


def _sanquan_values(
    *,
    school: Unit,
    rank: str,
    approved_on: dt.date,
    authority: str,
    document_no: str = "",
    ended_on: dt.date | None = None,
) -> dict[str, Any]:
    _kind("school", school, UnitKind.SCHOOL, _("学校"))
    _not_future("approved_on", approved_on, _("认定日期"))
    _not_before("ended_on", ended_on, approved_on, _("终止日期不能早于认定日期"))
    return {
        "school": school,
        "rank": rank,
        "approved_on": approved_on,
        "authority": _required("authority", authority, _("认定机关"), 100),
        "document_no": _text(document_no)[:100],
        "ended_on": ended_on,
    }


@transaction.atomic
def sanquan_create(*, user: User, **data: Any) -> SanquanPilot:
    """Records that a school became a 三全育人 comprehensive-reform pilot."""
    _manage(user, _("“三全育人”试点学校"))
    values = _sanquan_values(**data)
    pilot = SanquanPilot(**values, created_by=user)
    return _create(
        user=user,
        obj=pilot,
        sets={},
        what=_("“三全育人”试点学校"),
        unique=("school", "rank"),
        field="rank",
        duplicate=_("{school}已登记为{label}“三全育人”试点").format(
            school=values["school"], label=PilotRank(values["rank"]).label
        ),
        fields=SANQUAN_FIELDS,
    )


@transaction.atomic
def sanquan_update(*, user: User, pilot: SanquanPilot, **data: Any) -> list[str]:
    _manage(user, _("“三全育人”试点学校"))
    pilot = _lock(user, SanquanPilot, pilot, _("“三全育人”试点学校"))
    values = _sanquan_values(**data)
    return _update(
        user=user,
        obj=pilot,
        values=values,
        sets={},
        what=_("“三全育人”试点学校"),
        unique=("school", "rank"),
        field="rank",
        duplicate=_("{school}已登记同一级别的“三全育人”试点").format(school=values["school"]),
    )


CASE_FIELDS = ("school", "kind", "title", "course", "teachers", "rank", "year")


def _case_values(
    *, school: Unit, kind: str, title: str, course: str, teachers: str, rank: str, year: int
) -> dict[str, Any]:
    _kind("school", school, UnitKind.SCHOOL, _("学校"))
    if not 2000 <= year <= timezone.localdate().year:
        raise _invalid(
            "year", _("认定年度应在 2000 至 {year} 年之间").format(year=timezone.localdate().year)
        )
    return {
        "school": school,
        "kind": kind,
        "title": _required("title", title, _("名称"), 200),
        "course": _required("course", course, _("课程"), 100),
        "teachers": _required("teachers", teachers, _("主讲或完成教师"), 200),
        "rank": rank,
        "year": year,
    }


@transaction.atomic
def case_create(*, user: User, **data: Any) -> IdeologyCase:
    """Records a 思政教育示范课堂 or 课程思政典型案例 of a school."""
    _manage(user, _("思政示范课堂与典型案例"))
    values = _case_values(**data)
    case = IdeologyCase(**values, created_by=user)
    return _create(
        user=user,
        obj=case,
        sets={},
        what=_("思政示范课堂与典型案例"),
        unique=("school", "kind", "title"),
        field="title",
        duplicate=_("{school}已登记同名的同类案例“{title}”").format(
            school=values["school"], title=values["title"]
        ),
        fields=CASE_FIELDS,
    )


@transaction.atomic
def case_update(*, user: User, case: IdeologyCase, **data: Any) -> list[str]:
    _manage(user, _("思政示范课堂与典型案例"))
    case = _lock(user, IdeologyCase, case, _("思政示范课堂与典型案例"))
    values = _case_values(**data)
    return _update(
        user=user,
        obj=case,
        values=values,
        sets={},
        what=_("思政示范课堂与典型案例"),
        unique=("school", "kind", "title"),
        field="title",
        duplicate=_("{school}已登记同名的同类案例“{title}”").format(
            school=values["school"], title=values["title"]
        ),
    )


# ---------------------------------------------------------------- the enterprise directory


@transaction.atomic
def enterprise_add(*, user: User, name: str, credit_code: str, short_name: str = "") -> Unit:
    """Registers an enterprise by its 统一社会信用代码 (GB 32100). An enterprise already
    registered — the same code — is refused, naming the record that exists."""
    _manage(user, _("企业"))
    name = _required("name", name, _("企业名称"), 200)
    try:
        code = clean_credit_code(credit_code)
    except ServiceError as error:
        raise InvalidField(error.code, error.message, field="credit_code") from error
    existing = Unit.objects.filter(credit_code=code).first()
    if existing is not None:
        raise _invalid(
            "credit_code",
            _("该企业已登记：“{existing}”（统一社会信用代码 {code}）").format(
                existing=existing, code=code
            ),
            Code.DUPLICATE_ENTERPRISE,
        )
    try:
        # A unit of this name registered before its code was known gets the code.
        unit, _created = orgs_services.enterprise_register(
            name=name, credit_code=code, short_name=_text(short_name)[:50]
        )
    except ServiceError as error:
        field = (
            "name" if error.code == orgs_services.EnterpriseErrorCode.NAME_TAKEN else "credit_code"
        )
        raise InvalidField(error.code, error.message, field=field) from error
    except IntegrityError as exc:
        # Registered by someone else meanwhile: the unique code decided.
        raise _invalid(
            "credit_code",
            _("统一社会信用代码 {code} 刚被登记，请刷新后查看").format(code=code),
            Code.DUPLICATE_ENTERPRISE,
        ) from exc
    if unit.kind != UnitKind.ENTERPRISE:
        raise _invalid(
            "name",
            _("“{unit}”已登记为{kind}，不是企业").format(unit=unit, kind=unit.get_kind_display()),
        )
    return unit
