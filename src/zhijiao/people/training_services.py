"""Social training (社会培训, plan (二)3 and task 9: 职业学校面向就业困难人员、下岗失业人员和转岗职工、
退役军人、外来劳动者等重点群体开展培训，年培训人次达到全日制在校生规模的2倍以上).

A record is one programme delivered by a school to one target group, with its person-times, hours
and dates; it counts in the year it ended. The same programme for the same group starting the
same day is one record (a unique constraint). Each write is atomic and audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijiao.core import audit
from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditAction
from zhijiao.orgs.models import Unit, User
from zhijiao.orgs.roles import Capability, require_capability

from . import selectors
from .data import PeopleErrorCode, TraineeGroup, TrainingErrorCode, TrainingKind
from .models import TrainingRecord

MAX_PERSON_TIMES = 100_000
MAX_HOURS = 2_000
MAX_DAYS = 366
AUDITED = (
    "school",
    "programme",
    "kind",
    "target_group",
    "person_times",
    "hours",
    "starts_on",
    "ends_on",
    "partner",
)


def _error(code: Any, message: str, status: int = 400) -> ServiceError:
    return ServiceError(code, message, status_code=status)


@dataclass(frozen=True)
class TrainingData:
    programme: str
    target_group: str
    person_times: int
    hours: int
    starts_on: dt.date
    ends_on: dt.date
    kind: str = TrainingKind.EMPLOYMENT
    partner: str = ""


def training_values(data: TrainingData, *, today: dt.date | None = None) -> dict[str, Any]:
    """Checked values of a training record; a Chinese error otherwise."""
    today = today or timezone.localdate()
    programme = " ".join(data.programme.split())
    if not programme:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请填写培训项目"))
    if len(programme) > 200:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("培训项目不能超过 200 个字"))
    if data.target_group not in TraineeGroup.values:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请选择培训对象"))
    if data.kind not in TrainingKind.values:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请选择培训类型"))
    if not 1 <= data.person_times <= MAX_PERSON_TIMES:
        raise _error(
            PeopleErrorCode.INVALID_INPUT,
            _("培训人次应为 1 至 {maximum} 之间的整数").format(maximum=MAX_PERSON_TIMES),
        )
    if not 1 <= data.hours <= MAX_HOURS:
        raise _error(
            PeopleErrorCode.INVALID_INPUT,
            _("学时应为 1 至 {maximum} 之间的整数").format(maximum=MAX_HOURS),
        )
    if data.ends_on < data.starts_on:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("结束日期不能早于开始日期"))
    if data.ends_on > today:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("结束日期不能晚于今天：请在培训结束后登记"))
    if (data.ends_on - data.starts_on).days >= MAX_DAYS:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("一期培训不能超过一年，请分期登记"))
    partner = " ".join(data.partner.split())
    if len(partner) > 200:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("合作企业不能超过 200 个字"))
    return {
        "programme": programme,
        "kind": data.kind,
        "target_group": data.target_group,
        "person_times": data.person_times,
        "hours": data.hours,
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "partner": partner,
    }


def training_duplicate(values: dict[str, Any], school: Unit) -> str:
    group = TraineeGroup(values["target_group"]).label
    return _("{school}已登记 {start} 开始、面向{group}的“{programme}”，请勿重复登记").format(
        school=school, start=values["starts_on"], group=group, programme=values["programme"]
    )


def _check_school(user: User, school: Unit) -> None:
    require_capability(user, Capability.PEOPLE_MANAGE, _("您的角色不能登记社会培训"))
    if not selectors.schools_in_scope(user).filter(pk=school.pk).exists():
        raise _error(PeopleErrorCode.NOT_ALLOWED, _("只能登记本校或所辖学校的培训"), 403)


@transaction.atomic
def training_create(*, user: User, school: Unit, data: TrainingData) -> TrainingRecord:
    """Records a programme of social training delivered by a school in the user's scope."""
    _check_school(user, school)
    values = training_values(data)
    record = TrainingRecord(school=school, recorded_by=user, **values)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:
        raise _error(
            TrainingErrorCode.DUPLICATE_TRAINING, training_duplicate(values, school)
        ) from exc
    audit.record(
        AuditAction.CREATE,
        obj=record,
        actor=user,
        changes={k: [None, v] for k, v in audit.snapshot(record, AUDITED).items()},
        message=f"登记社会培训（{school}）",
    )
    return record


@transaction.atomic
def training_update(
    *, user: User, record: TrainingRecord, data: TrainingData, school: Unit | None = None
) -> list[str]:
    require_capability(user, Capability.PEOPLE_MANAGE, _("您的角色不能修改社会培训"))
    locked = (
        TrainingRecord.objects.visible_to(user)
        .select_for_update(of=("self",))
        .select_related("school")
        .filter(pk=record.pk)
        .first()
    )
    if locked is None:
        raise _error(PeopleErrorCode.NOT_ALLOWED, _("未找到该培训记录"), 404)
    values = training_values(data)
    if school is not None and school.pk != locked.school_id:
        _check_school(user, school)
        values["school"] = school
    if all(getattr(locked, k) == v for k, v in values.items()):
        return []
    values["updated_at"] = timezone.now()
    try:
        with transaction.atomic():
            changed = audit.save_changes(locked, values, message="修改社会培训")
    except IntegrityError as exc:
        raise _error(
            TrainingErrorCode.DUPLICATE_TRAINING,
            training_duplicate(values, values.get("school", locked.school)),
        ) from exc
    return [f for f in changed if f != "updated_at"]
