"""Competitions and awards (plan task 26: 鼓励职业学校师生参加职业技能大赛、创新创业大赛，对世界、
全国和全省大赛获奖选手给予激励).

A competition — one track of it in one year — is a catalogue entry every school shares; an award
always belongs to one (an award without a competition is refused) and to exactly one awardee, a
student or a teacher of the registries, whose school owns the award. The same person is awarded
once per competition (unique constraints). The incentive paid to the winner is recorded with the
award. Each write is atomic and audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijiao.core import audit
from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditAction
from zhijiao.orgs.models import User
from zhijiao.orgs.roles import Capability, require_capability

from .data import (
    AwardErrorCode,
    AwardRank,
    CompetitionCategory,
    CompetitionLevel,
    PeopleErrorCode,
)
from .models import Award, Competition, Student, Teacher

MAX_INCENTIVE = Decimal("10000000")


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


# ---------------------------------------------------------------- competitions


@dataclass(frozen=True)
class CompetitionData:
    name: str
    year: int
    level: str
    track: str = ""
    category: str = CompetitionCategory.SKILLS
    organiser: str = ""


def competition_values(data: CompetitionData, *, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    if data.level not in CompetitionLevel.values:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请选择赛事级别"))
    if data.category not in CompetitionCategory.values:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请选择赛事类别"))
    if not 1990 <= data.year <= today.year:
        raise _error(
            PeopleErrorCode.INVALID_INPUT,
            _("赛事年度应在 1990 至 {year} 年之间").format(year=today.year),
        )
    return {
        "name": _text(data.name, _("赛事名称"), 200),
        "year": data.year,
        "track": _text(data.track, _("赛项"), 200, required=False),
        "level": data.level,
        "category": data.category,
        "organiser": _text(data.organiser, _("主办单位"), 200, required=False),
    }


def competition_duplicate(values: dict[str, Any]) -> str:
    if values["track"]:
        return _("{year}年“{name}”“{track}”赛项已经登记").format(
            year=values["year"], name=values["name"], track=values["track"]
        )
    return _("{year}年“{name}”已经登记").format(year=values["year"], name=values["name"])


def competition_editable(user: User, competition: Competition) -> bool:
    """The office edits any competition; others those their own unit registered."""
    return user.can(Capability.PEOPLE_MANAGE) and (
        user.sees_all_units
        or (user.unit_id is not None and competition.registered_by_unit_id == user.unit_id)
    )


@transaction.atomic
def competition_create(*, user: User, data: CompetitionData) -> Competition:
    """Registers a competition (one track in one year) in the shared catalogue."""
    require_capability(user, Capability.PEOPLE_MANAGE, _("您的角色不能登记赛事"))
    values = competition_values(data)
    competition = Competition(registered_by_unit_id=user.unit_id, **values)
    try:
        with transaction.atomic():
            competition.save()
    except IntegrityError as exc:
        raise _error(AwardErrorCode.DUPLICATE_COMPETITION, competition_duplicate(values)) from exc
    audit.record(
        AuditAction.CREATE,
        obj=competition,
        actor=user,
        changes={k: [None, v] for k, v in values.items()},
        message="登记赛事",
    )
    return competition


@transaction.atomic
def competition_update(*, user: User, competition: Competition, data: CompetitionData) -> list[str]:
    locked = Competition.objects.select_for_update().get(pk=competition.pk)
    if not competition_editable(user, locked):
        raise _error(PeopleErrorCode.NOT_ALLOWED, _("只有登记该赛事的单位或工作专班可以修改"), 403)
    values = competition_values(data)
    if values["year"] != locked.year and locked.awards.exists():
        raise _error(PeopleErrorCode.INVALID_INPUT, _("该赛事已有获奖记录，年度不能修改"))
    try:
        with transaction.atomic():
            return audit.save_changes(locked, values, message="修改赛事")
    except IntegrityError as exc:
        raise _error(AwardErrorCode.DUPLICATE_COMPETITION, competition_duplicate(values)) from exc


# ---------------------------------------------------------------- awards


@dataclass(frozen=True)
class AwardData:
    """An award as typed: the competition, the awardee (a student or a teacher), the rank and
    the incentive (amount and the day it was paid)."""

    competition: Competition | None
    rank: str
    student: Student | None = None
    teacher: Teacher | None = None
    incentive_amount: Decimal | None = None
    incentive_paid_on: dt.date | None = None
    note: str = ""


def award_values(user: User, data: AwardData, *, today: dt.date | None = None) -> dict[str, Any]:
    """Checked values of an award whose awardee the user may see; a Chinese error otherwise."""
    today = today or timezone.localdate()
    if data.competition is None:
        raise _error(AwardErrorCode.NO_COMPETITION, _("请选择赛事：获奖记录必须属于已登记的赛事"))
    if data.rank not in AwardRank.values:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请选择奖项等级"))
    if (data.student is None) == (data.teacher is None):
        raise _error(AwardErrorCode.NO_AWARDEE, _("请选择获奖者：一名学生或一名教师"))
    awardee: Student | Teacher
    if data.student is not None:
        found = (
            Student.objects.visible_to(user)
            .select_related("school")
            .filter(pk=data.student.pk)
            .first()
        )
        if found is None:
            raise _error(AwardErrorCode.NO_AWARDEE, _("未找到该学生，或该学生不在您可以登记的学校"))
        awardee = found
    else:
        assert data.teacher is not None
        teacher = (
            Teacher.objects.visible_to(user)
            .select_related("school")
            .filter(pk=data.teacher.pk)
            .first()
        )
        if teacher is None:
            raise _error(AwardErrorCode.NO_AWARDEE, _("未找到该教师，或该教师不在您可以登记的学校"))
        awardee = teacher
    amount, paid_on = data.incentive_amount, data.incentive_paid_on
    if amount is not None and not Decimal(0) <= amount < MAX_INCENTIVE:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("奖励金额应为非负数，且小于一千万元"))
    if paid_on is not None:
        if amount is None:
            raise _error(PeopleErrorCode.INVALID_INPUT, _("填写了发放日期，请同时填写奖励金额"))
        if paid_on > today:
            raise _error(PeopleErrorCode.INVALID_INPUT, _("奖励发放日期不能晚于今天"))
        if paid_on.year < data.competition.year:
            raise _error(PeopleErrorCode.INVALID_INPUT, _("奖励发放日期不能早于赛事年度"))
    return {
        "competition": data.competition,
        "student": awardee if isinstance(awardee, Student) else None,
        "teacher": awardee if isinstance(awardee, Teacher) else None,
        "school": awardee.school,
        "rank": data.rank,
        "incentive_amount": amount,
        "incentive_paid_on": paid_on,
        "note": _text(data.note, _("说明"), 300, required=False),
    }


def award_duplicate(values: dict[str, Any]) -> str:
    awardee = values["student"] or values["teacher"]
    return _("{awardee}在“{competition}”中的获奖已经登记").format(
        awardee=awardee, competition=values["competition"]
    )


AUDITED = ("competition", "student", "teacher", "rank", "incentive_amount", "incentive_paid_on")


@transaction.atomic
def award_create(*, user: User, data: AwardData) -> Award:
    """Records an award of a student or teacher the user may register (own or supervised school)."""
    require_capability(user, Capability.PEOPLE_MANAGE, _("您的角色不能登记获奖"))
    values = award_values(user, data)
    award = Award(recorded_by=user, **values)
    try:
        with transaction.atomic():
            award.save()
    except IntegrityError as exc:
        raise _error(AwardErrorCode.DUPLICATE_AWARD, award_duplicate(values)) from exc
    audit.record(
        AuditAction.CREATE,
        obj=award,
        actor=user,
        changes={k: [None, v] for k, v in audit.snapshot(award, AUDITED).items()},
        message="登记获奖",
    )
    return award


@transaction.atomic
def award_update(*, user: User, award: Award, data: AwardData) -> list[str]:
    """Changes an award in the user's scope (a 404 otherwise); the awardee stays in scope."""
    require_capability(user, Capability.PEOPLE_MANAGE, _("您的角色不能修改获奖记录"))
    locked = Award.objects.visible_to(user).select_for_update(of=("self",)).filter(pk=award.pk)
    current = locked.first()
    if current is None:
        raise _error(PeopleErrorCode.NOT_ALLOWED, _("未找到该获奖记录"), 404)
    values = award_values(user, data)
    try:
        with transaction.atomic():
            return audit.save_changes(current, values, message="修改获奖记录")
    except IntegrityError as exc:
        raise _error(AwardErrorCode.DUPLICATE_AWARD, award_duplicate(values)) from exc
