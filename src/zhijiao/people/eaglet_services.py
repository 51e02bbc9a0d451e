"""The yearly 技能雏鹰 selection (plan task 6: 每年表彰100名职业学校学生“技能雏鹰”).

The plan office opens a round for a year with its places (100 by default) and each school's
quota; school clerks nominate students of their school within the quota and the nomination
window; the liaisons of 教育局, 科技局 and 人社局 review every nomination together (the reviewer's
unit decides whose opinion it is; one 不同意 ends a nomination, three 同意 endorse it); the office
picks the honoured among the endorsed, a public notice (公示) follows during which objections are
recorded and resolved, and the office then publishes the list.

Both limits are decided by the database, never by counting first: a school's nominations move a
counter on its quota row and the places taken move a counter on the round, each by a conditional
``UPDATE … WHERE counter < places`` under a check constraint, so two clerks or two office users
acting at the same moment cannot exceed a quota or the 100 places. A student is nominated once a
round (a partial unique constraint).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijiao.core import audit
from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditAction
from zhijiao.core.notify import notify
from zhijiao.core.personal import normalise
from zhijiao.orgs.models import Unit, User
from zhijiao.orgs.roles import Capability, Role, require_capability

from .data import (
    EAGLET_BUREAU_NAMES,
    EagletErrorCode,
    EagletRoundStatus,
    EagletStage,
    NominationStatus,
    ObjectionOutcome,
    PeopleErrorCode,
)
from .models import (
    EagletNomination,
    EagletObjection,
    EagletQuota,
    EagletReview,
    EagletRound,
    Student,
)

MAX_PLACES = 1000
MAX_TEXT = 2000
# The stages a round goes through, and what may happen in each.
NEXT_STATUS = {
    EagletRoundStatus.PREPARING: EagletRoundStatus.NOMINATING,
    EagletRoundStatus.NOMINATING: EagletRoundStatus.REVIEWING,
    EagletRoundStatus.REVIEWING: EagletRoundStatus.NOTICE,
    EagletRoundStatus.NOTICE: EagletRoundStatus.PUBLISHED,
}
REVIEWABLE_ROUND = (EagletRoundStatus.NOMINATING, EagletRoundStatus.REVIEWING)
WITHDRAWABLE = (NominationStatus.NOMINATED, NominationStatus.ENDORSED, NominationStatus.REJECTED)


def _error(code: Any, message: str, status: int = 400) -> ServiceError:
    return ServiceError(code, message, status_code=status)


def _require_office(user: User, message: str) -> None:
    """Decisions on the round itself are the plan office's (it sees every school)."""
    require_capability(user, Capability.PEOPLE_DECIDE, message)
    if not user.sees_all_units:
        raise _error(PeopleErrorCode.NOT_ALLOWED, message, 403)


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _text(value: str, label: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    text = value.strip()
    if required and not text:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请填写{label}").format(label=label))
    if len(text) > limit:
        raise _error(
            PeopleErrorCode.INVALID_INPUT,
            _("{label}不能超过 {limit} 个字").format(label=label, limit=limit),
        )
    return text


def _locked_round(round_: EagletRound) -> EagletRound:
    return EagletRound.objects.select_for_update().get(pk=round_.pk)


# ---------------------------------------------------------------- the round


def bureaus_find() -> dict[str, Unit]:
    """The unit standing for each reviewing bureau, found by its name, short name or other
    names (其他名称) among the active units; a stage is missing when no unit answers to it."""
    units = list(Unit.objects.filter(is_active=True).only("pk", "name", "short_name", "aliases"))
    found: dict[str, Unit] = {}
    for stage, names in EAGLET_BUREAU_NAMES.items():
        wanted = {normalise(n) for n in names}
        for unit in units:
            known = {unit.name, unit.short_name, *(unit.aliases or [])}
            if wanted & {normalise(n) for n in known if n}:
                found[stage] = unit
                break
    return found


@dataclass(frozen=True)
class RoundData:
    year: int
    nomination_opens: dt.date
    nomination_closes: dt.date
    places: int = 100


def _check_round(data: RoundData, *, today: dt.date) -> None:
    if not 2000 <= data.year <= today.year + 1:
        raise _error(
            PeopleErrorCode.INVALID_INPUT,
            _("年度应在 2000 至 {last} 年之间").format(last=today.year + 1),
        )
    if not 1 <= data.places <= MAX_PLACES:
        raise _error(
            PeopleErrorCode.INVALID_INPUT,
            _("表彰名额应为 1 至 {maximum} 之间的整数").format(maximum=MAX_PLACES),
        )
    if data.nomination_closes < data.nomination_opens:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("推荐截止日期不能早于开始日期"))


@transaction.atomic
def eaglet_round_create(
    *, user: User, data: RoundData, today: dt.date | None = None
) -> EagletRound:
    """Opens the preparation of a year's selection; the three reviewing bureaus are the units
    named 教育局, 科技局 and 人社局 (or known by such another name). One round a year."""
    _require_office(user, _("只有工作专班可以组织“技能雏鹰”评选"))
    _check_round(data, today=_today(today))
    bureaus = bureaus_find()
    missing = [str(EagletStage(s).label) for s in EagletStage.values if s not in bureaus]
    if missing:
        raise _error(
            EagletErrorCode.BUREAU_MISSING,
            _("未找到联审单位：{items}。请在“单位”中登记，或为已有单位添加其他名称").format(
                items="、".join(missing)
            ),
        )
    round_ = EagletRound(
        year=data.year,
        title=_("{year}年度江阴市职业学校学生“技能雏鹰”评选").format(year=data.year),
        places=data.places,
        nomination_opens=data.nomination_opens,
        nomination_closes=data.nomination_closes,
        education_unit=bureaus[EagletStage.EDUCATION],
        science_unit=bureaus[EagletStage.SCIENCE],
        labour_unit=bureaus[EagletStage.LABOUR],
    )
    try:
        with transaction.atomic():
            round_.save()
    except IntegrityError as exc:
        raise _error(
            EagletErrorCode.DUPLICATE_ROUND,
            _("{year} 年度的“技能雏鹰”评选已经创建").format(year=data.year),
        ) from exc
    audit.record(
        AuditAction.CREATE,
        obj=round_,
        actor=user,
        changes={
            "year": [None, data.year],
            "places": [None, data.places],
            "nomination_opens": [None, data.nomination_opens.isoformat()],
            "nomination_closes": [None, data.nomination_closes.isoformat()],
        },
        message="创建“技能雏鹰”评选",
    )
    return round_


@transaction.atomic
def eaglet_round_update(
    *, user: User, round_: EagletRound, data: RoundData, today: dt.date | None = None
) -> list[str]:
    """Changes the places or the nomination window; the places never drop below those taken."""
    _require_office(user, _("只有工作专班可以修改评选设置"))
    locked = _locked_round(round_)
    if locked.status == EagletRoundStatus.PUBLISHED:
        raise _error(EagletErrorCode.WRONG_STATE, _("名单已公布，评选设置不能再修改"))
    if data.year != locked.year:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("评选年度不能修改"))
    _check_round(data, today=_today(today))
    if data.places < locked.selected:
        raise _error(
            EagletErrorCode.PLACES_FULL,
            _("已确定拟表彰 {selected} 人，表彰名额不能少于该人数").format(
                selected=locked.selected
            ),
        )
    values = {
        "places": data.places,
        "nomination_opens": data.nomination_opens,
        "nomination_closes": data.nomination_closes,
    }
    # The check constraint has the last word should a place be taken meanwhile.
    try:
        with transaction.atomic():
            return audit.save_changes(locked, values, message="修改“技能雏鹰”评选设置")
    except IntegrityError as exc:
        raise _error(EagletErrorCode.PLACES_FULL, _("表彰名额不能少于已确定的人数")) from exc


@transaction.atomic
def eaglet_quota_set(*, user: User, round_: EagletRound, school: Unit, places: int) -> EagletQuota:
    """Sets how many students a school may nominate; never below what it has nominated."""
    _require_office(user, _("只有工作专班可以分配推荐名额"))
    locked = _locked_round(round_)
    if locked.status not in (EagletRoundStatus.PREPARING, EagletRoundStatus.NOMINATING):
        raise _error(EagletErrorCode.WRONG_STATE, _("推荐已截止，名额不能再调整"))
    if school.kind != "school":
        raise _error(
            PeopleErrorCode.INVALID_INPUT, _("“{school}”不是职业院校").format(school=school)
        )
    if not 0 <= places <= locked.places:
        raise _error(
            PeopleErrorCode.INVALID_INPUT,
            _("推荐名额应为 0 至 {places} 之间的整数").format(places=locked.places),
        )
    quota, created = EagletQuota.objects.get_or_create(
        round=locked, school=school, defaults={"places": places}
    )
    if created:
        audit.record(
            AuditAction.CREATE,
            obj=quota,
            actor=user,
            changes={"places": [None, places]},
            message=f"分配推荐名额：{school}",
        )
        return quota
    before = quota.places
    # Conditional update: a nomination made meanwhile is counted before the new number is set.
    changed = EagletQuota.objects.filter(pk=quota.pk, nominated__lte=places).update(places=places)
    if not changed:
        quota.refresh_from_db()
        raise _error(
            EagletErrorCode.QUOTA_FULL,
            _("{school}已推荐 {nominated} 人，名额不能少于已推荐人数").format(
                school=school, nominated=quota.nominated
            ),
        )
    quota.refresh_from_db()
    if before != places:
        audit.record(
            AuditAction.UPDATE,
            obj=quota,
            actor=user,
            changes={"places": [before, places]},
            message=f"调整推荐名额：{school}",
        )
    return quota


def _liaisons(units: list[Unit]) -> list[User]:
    return list(User.objects.filter(unit__in=units, role=Role.UNIT_LIAISON, is_active=True))


def _clerks(school_ids: list[int]) -> list[User]:
    return list(User.objects.filter(unit_id__in=school_ids, role=Role.SCHOOL_CLERK, is_active=True))


@transaction.atomic
def eaglet_round_advance(
    *,
    user: User,
    round_: EagletRound,
    notice_starts: dt.date | None = None,
    notice_ends: dt.date | None = None,
    today: dt.date | None = None,
) -> EagletRound:
    """Moves a round to its next stage: 筹备 → 学校推荐 → 部门联审 → 公示 → 公布.

    Opening nominations needs quotas; the notice needs at least one student picked and its
    dates; publishing needs the notice period over and every objection resolved, and turns the
    picked (拟表彰) into the honoured (已表彰)."""
    _require_office(user, _("只有工作专班可以推进评选阶段"))
    today = _today(today)
    locked = _locked_round(round_)
    current = EagletRoundStatus(locked.status)
    if current not in NEXT_STATUS:
        raise _error(EagletErrorCode.WRONG_STATE, _("名单已公布，评选已结束"))
    target = NEXT_STATUS[current]
    fields = ["status"]
    link = reverse("admin:people-eaglet-round", args=[locked.pk])
    if target == EagletRoundStatus.NOMINATING:
        if not locked.quotas.filter(places__gt=0).exists():
            raise _error(EagletErrorCode.NO_QUOTA, _("请先为各学校分配推荐名额"))
        notify(
            _clerks(list(locked.quotas.filter(places__gt=0).values_list("school_id", flat=True))),
            title=_("{title}开始推荐").format(title=locked.title),
            body=_("推荐时间：{opens} 至 {closes}。").format(
                opens=locked.nomination_opens, closes=locked.nomination_closes
            ),
            link=link,
        )
    elif target == EagletRoundStatus.REVIEWING:
        notify(
            _liaisons([locked.education_unit, locked.science_unit, locked.labour_unit]),
            title=_("{title}：请开展联审").format(title=locked.title),
            body=_("学校推荐已截止，请对推荐名单逐一提出审核意见。"),
            link=link,
        )
    elif target == EagletRoundStatus.NOTICE:
        if locked.selected == 0:
            raise _error(EagletErrorCode.WRONG_STATE, _("还没有确定拟表彰学生，不能开始公示"))
        if notice_starts is None or notice_ends is None:
            raise _error(PeopleErrorCode.INVALID_INPUT, _("请填写公示开始和结束日期"))
        if notice_ends < notice_starts:
            raise _error(PeopleErrorCode.INVALID_INPUT, _("公示结束日期不能早于开始日期"))
        if notice_starts < today:
            raise _error(PeopleErrorCode.INVALID_INPUT, _("公示开始日期不能早于今天"))
        locked.notice_starts, locked.notice_ends = notice_starts, notice_ends
        fields += ["notice_starts", "notice_ends"]
    elif target == EagletRoundStatus.PUBLISHED:
        assert locked.notice_ends is not None
        if today <= locked.notice_ends:
            raise _error(
                EagletErrorCode.WRONG_STATE,
                _("公示期至 {ends} 结束，届满后才能公布").format(ends=locked.notice_ends),
            )
        if EagletObjection.objects.filter(
            nomination__round=locked, outcome=ObjectionOutcome.PENDING
        ).exists():
            raise _error(EagletErrorCode.OPEN_OBJECTIONS, _("还有公示异议尚未核查，请先处理"))
        now = timezone.now()
        EagletNomination.objects.filter(round=locked, status=NominationStatus.PROPOSED).update(
            status=NominationStatus.HONOURED, decided_at=now
        )
        locked.published_on = today
        fields.append("published_on")
        schools = list(
            EagletNomination.objects.filter(round=locked, status=NominationStatus.HONOURED)
            .values_list("school_id", flat=True)
            .distinct()
        )
        notify(
            _clerks(schools),
            title=_("{title}名单已公布").format(title=locked.title),
            body=_("共表彰 {selected} 名学生。").format(selected=locked.selected),
            link=link,
        )
    locked.status = target
    locked.save(update_fields=fields)
    audit.record(
        AuditAction.UPDATE,
        obj=locked,
        actor=user,
        changes={"status": [current.value, target.value]},
        message=f"评选进入“{target.label}”阶段",
    )
    return locked


# ---------------------------------------------------------------- nominations


def _take_quota_place(round_: EagletRound, school: Unit) -> None:
    took = EagletQuota.objects.filter(
        round=round_, school=school, nominated__lt=F("places")
    ).update(nominated=F("nominated") + 1)
    if took:
        return
    quota = EagletQuota.objects.filter(round=round_, school=school).first()
    if quota is None or quota.places == 0:
        raise _error(
            EagletErrorCode.NO_QUOTA, _("{school}在本次评选中没有推荐名额").format(school=school)
        )
    raise _error(
        EagletErrorCode.QUOTA_FULL,
        _("{school}的推荐名额（{places} 名）已用完").format(school=school, places=quota.places),
    )


@transaction.atomic
def eaglet_nominate(
    *,
    user: User,
    round_: EagletRound,
    student: Student,
    reasons: str,
    achievements: str = "",
    today: dt.date | None = None,
) -> EagletNomination:
    """A school nominates one of its students, within its quota and the nomination window."""
    require_capability(user, Capability.PEOPLE_MANAGE, _("您的角色不能推荐学生"))
    found = Student.objects.visible_to(user).select_related("school").filter(pk=student.pk).first()
    if found is None:
        raise _error(PeopleErrorCode.NOT_ALLOWED, _("未找到该学生"), 404)
    student = found
    reasons = _text(reasons, _("推荐理由"))
    achievements = _text(achievements, _("主要事迹"), required=False)
    today = _today(today)
    locked = EagletRound.objects.select_for_update().get(pk=round_.pk)
    if locked.status != EagletRoundStatus.NOMINATING:
        raise _error(
            EagletErrorCode.WRONG_STATE,
            _("本次评选处于“{status}”阶段，不能推荐").format(status=locked.get_status_display()),
        )
    if not locked.nomination_opens <= today <= locked.nomination_closes:
        raise _error(
            EagletErrorCode.OUT_OF_WINDOW,
            _("推荐时间为 {opens} 至 {closes}").format(
                opens=locked.nomination_opens, closes=locked.nomination_closes
            ),
        )
    nomination = EagletNomination(
        round=locked,
        student=student,
        school=student.school,
        reasons=reasons,
        achievements=achievements,
        nominated_by=user,
    )
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError as exc:
        raise _error(
            EagletErrorCode.ALREADY_NOMINATED,
            _("{student}已被推荐参加{year}年度评选，不能重复推荐").format(
                student=student.name, year=locked.year
            ),
        ) from exc
    _take_quota_place(locked, student.school)
    audit.record(
        AuditAction.CREATE,
        obj=nomination,
        actor=user,
        changes={"round": [None, locked.year], "student": [None, student.pk]},
        message=f"推荐“技能雏鹰”：{student.school}",
    )
    return nomination


def _locked_nomination(
    user: User, nomination: EagletNomination, *, lock_round: bool = False
) -> EagletNomination:
    """The nomination's row, locked, if the user may see it. With ``lock_round`` the round's row
    is locked first (always in that order, as the round's own stage changes do)."""
    if lock_round:
        round_id = (
            EagletNomination.objects.visible_to(user)
            .filter(pk=nomination.pk)
            .values_list("round_id", flat=True)
            .first()
        )
        if round_id is not None:
            EagletRound.objects.select_for_update().filter(pk=round_id).first()
    locked = (
        EagletNomination.objects.visible_to(user)
        .select_for_update(of=("self",))
        .select_related("round", "student", "school")
        .filter(pk=nomination.pk)
        .first()
    )
    if locked is None:
        raise _error(PeopleErrorCode.NOT_ALLOWED, _("未找到该推荐"), 404)
    return locked


def _set_status(
    nomination: EagletNomination, to: NominationStatus, *, expected: tuple[str, ...]
) -> None:
    """A status change that happens only from the expected states (decided by the UPDATE)."""
    changed = EagletNomination.objects.filter(pk=nomination.pk, status__in=expected).update(
        status=to, decided_at=timezone.now()
    )
    if not changed:
        raise _error(EagletErrorCode.WRONG_STATE, _("该推荐的状态已变化，请刷新后重试"))
    nomination.status = to


@transaction.atomic
def eaglet_withdraw(*, user: User, nomination: EagletNomination, reason: str = "") -> None:
    """The school takes a nomination back before the list is settled; its quota place is free."""
    require_capability(user, Capability.PEOPLE_MANAGE, _("您的角色不能撤回推荐"))
    locked = _locked_nomination(user, nomination, lock_round=True)
    if locked.round.status not in REVIEWABLE_ROUND:
        raise _error(EagletErrorCode.WRONG_STATE, _("拟表彰名单已确定，不能撤回推荐"))
    before = locked.status
    _set_status(locked, NominationStatus.WITHDRAWN, expected=WITHDRAWABLE)
    EagletQuota.objects.filter(round_id=locked.round_id, school_id=locked.school_id).update(
        nominated=F("nominated") - 1
    )
    audit.record(
        AuditAction.UPDATE,
        obj=locked,
        actor=user,
        changes={"status": [before, NominationStatus.WITHDRAWN.value]},
        message="撤回“技能雏鹰”推荐" + (f"：{reason.strip()[:200]}" if reason.strip() else ""),
    )


def _review_one(
    user: User, nomination: EagletNomination, *, agreed: bool, comment: str
) -> EagletReview:
    locked = _locked_nomination(user, nomination)
    round_ = locked.round
    stage = round_.stage_of(user.unit_id)
    if stage is None:
        raise _error(
            EagletErrorCode.NOT_A_REVIEWER,
            _("只有教育局、科技局、人社局可以对“技能雏鹰”推荐提出联审意见"),
            403,
        )
    if round_.status not in REVIEWABLE_ROUND:
        raise _error(EagletErrorCode.WRONG_STATE, _("联审已结束"))
    if locked.status != NominationStatus.NOMINATED:
        raise _error(
            EagletErrorCode.WRONG_STATE,
            _("该推荐已是“{status}”，无需再审").format(status=locked.get_status_display()),
        )
    comment = comment.strip()
    if not agreed and not comment:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("不同意时请填写理由"))
    review = EagletReview(
        nomination=locked, stage=stage, agreed=agreed, comment=comment[:300], reviewer=user
    )
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError as exc:
        raise _error(
            EagletErrorCode.ALREADY_REVIEWED,
            _("{label}已对{student}的推荐提出过意见").format(
                label=EagletStage(stage).label, student=locked.student.name
            ),
        ) from exc
    if not agreed:
        _set_status(locked, NominationStatus.REJECTED, expected=(NominationStatus.NOMINATED,))
    elif locked.reviews.filter(agreed=True).count() == len(EagletStage.values):
        _set_status(locked, NominationStatus.ENDORSED, expected=(NominationStatus.NOMINATED,))
    audit.record(
        AuditAction.CREATE,
        obj=review,
        actor=user,
        changes={"stage": [None, stage], "agreed": [None, agreed], "comment": [None, comment]},
        message=f"联审意见：{locked.student.name}（{locked.school}）",
    )
    return review


@transaction.atomic
def eaglet_review(
    *, user: User, nomination: EagletNomination, agreed: bool, comment: str = ""
) -> EagletReview:
    """One bureau's opinion on a nomination (the reviewer's unit says which bureau). A 不同意
    ends the nomination; once all three bureaus agree it is endorsed (联审通过)."""
    require_capability(user, Capability.PEOPLE_DECIDE, _("您的角色不能审核推荐"))
    return _review_one(user, nomination, agreed=agreed, comment=comment)


@transaction.atomic
def eaglet_review_many(
    *, user: User, nominations: list[EagletNomination], agreed: bool, comment: str = ""
) -> int:
    """The same opinion on several nominations at once: all are recorded, or none."""
    require_capability(user, Capability.PEOPLE_DECIDE, _("您的角色不能审核推荐"))
    if not nominations:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请勾选要审核的推荐"))
    for nomination in nominations:
        _review_one(user, nomination, agreed=agreed, comment=comment)
    return len(nominations)


@transaction.atomic
def eaglet_propose(*, user: User, nomination: EagletNomination) -> EagletNomination:
    """The office picks an endorsed nomination for honouring (拟表彰); it takes one of the
    round's places, or is refused when they are all taken — decided by the database."""
    _require_office(user, _("只有工作专班可以确定拟表彰名单"))
    return _propose_one(user, nomination)


@transaction.atomic
def eaglet_propose_many(*, user: User, nominations: list[EagletNomination]) -> int:
    """Picks several endorsed nominations at once: all of them, or none."""
    _require_office(user, _("只有工作专班可以确定拟表彰名单"))
    if not nominations:
        raise _error(PeopleErrorCode.INVALID_INPUT, _("请勾选要确定为拟表彰的推荐"))
    for nomination in nominations:
        _propose_one(user, nomination)
    return len(nominations)


def _propose_one(user: User, nomination: EagletNomination) -> EagletNomination:
    locked = _locked_nomination(user, nomination, lock_round=True)
    if locked.round.status != EagletRoundStatus.REVIEWING:
        raise _error(EagletErrorCode.WRONG_STATE, _("部门联审阶段才能确定拟表彰名单"))
    try:
        with transaction.atomic():
            took = EagletRound.objects.filter(pk=locked.round_id, selected__lt=F("places")).update(
                selected=F("selected") + 1
            )
    except IntegrityError:  # the check constraint, should the places have been lowered meanwhile
        took = 0
    if not took:
        raise _error(
            EagletErrorCode.PLACES_FULL,
            _("{year}年度表彰名额（{places} 名）已满").format(
                year=locked.round.year, places=locked.round.places
            ),
        )
    _set_status(locked, NominationStatus.PROPOSED, expected=(NominationStatus.ENDORSED,))
    audit.record(
        AuditAction.UPDATE,
        obj=locked,
        actor=user,
        changes={"status": [NominationStatus.ENDORSED.value, NominationStatus.PROPOSED.value]},
        message=f"确定拟表彰：{locked.student.name}（{locked.school}）",
    )
    return locked


def _free_place(nomination: EagletNomination) -> None:
    EagletRound.objects.filter(pk=nomination.round_id).update(selected=F("selected") - 1)


@transaction.atomic
def eaglet_unpropose(*, user: User, nomination: EagletNomination) -> EagletNomination:
    """Takes a nomination off the 拟表彰 list before the notice; its place is free again."""
    _require_office(user, _("只有工作专班可以调整拟表彰名单"))
    locked = _locked_nomination(user, nomination, lock_round=True)
    if locked.round.status != EagletRoundStatus.REVIEWING:
        raise _error(EagletErrorCode.WRONG_STATE, _("公示开始后不能再调整拟表彰名单"))
    _set_status(locked, NominationStatus.ENDORSED, expected=(NominationStatus.PROPOSED,))
    _free_place(locked)
    audit.record(
        AuditAction.UPDATE,
        obj=locked,
        actor=user,
        changes={"status": [NominationStatus.PROPOSED.value, NominationStatus.ENDORSED.value]},
        message=f"取消拟表彰：{locked.student.name}（{locked.school}）",
    )
    return locked


# ---------------------------------------------------------------- the public notice


@transaction.atomic
def eaglet_objection_record(
    *,
    user: User,
    nomination: EagletNomination,
    received_on: dt.date,
    content: str,
    today: dt.date | None = None,
) -> EagletObjection:
    """Records an objection received during the notice against one of the picked students."""
    _require_office(user, _("只有工作专班可以登记公示异议"))
    locked = _locked_nomination(user, nomination, lock_round=True)
    round_ = locked.round
    if round_.status != EagletRoundStatus.NOTICE:
        raise _error(EagletErrorCode.WRONG_STATE, _("只能在公示期间登记异议"))
    if locked.status != NominationStatus.PROPOSED:
        raise _error(EagletErrorCode.WRONG_STATE, _("只能对拟表彰学生登记异议"))
    assert round_.notice_starts is not None and round_.notice_ends is not None
    if not round_.notice_starts <= received_on <= min(round_.notice_ends, _today(today)):
        raise _error(
            EagletErrorCode.OUT_OF_WINDOW,
            _("收到日期应在公示期内（{starts} 至 {ends}），且不晚于今天").format(
                starts=round_.notice_starts, ends=round_.notice_ends
            ),
        )
    objection = EagletObjection.objects.create(
        nomination=locked,
        received_on=received_on,
        content=_text(content, _("异议内容")),
        recorded_by=user,
    )
    audit.record(
        AuditAction.CREATE,
        obj=objection,
        actor=user,
        changes={"received_on": [None, received_on.isoformat()]},
        message=f"登记公示异议：{locked.student.name}（{locked.school}）",
    )
    return objection


@transaction.atomic
def eaglet_objection_resolve(
    *, user: User, objection: EagletObjection, upheld: bool, finding: str
) -> EagletObjection:
    """Records the finding on an objection; if it is upheld the student is taken off the list
    and the place is freed."""
    _require_office(user, _("只有工作专班可以核查公示异议"))
    finding = _text(finding, _("核查情况"), limit=500)
    nomination = _locked_nomination(user, objection.nomination, lock_round=True)
    locked = EagletObjection.objects.select_for_update().get(pk=objection.pk)
    if locked.outcome != ObjectionOutcome.PENDING:
        raise _error(EagletErrorCode.WRONG_STATE, _("该异议已核查"))
    if nomination.round.status != EagletRoundStatus.NOTICE:
        raise _error(EagletErrorCode.WRONG_STATE, _("公示已结束"))
    locked.outcome = ObjectionOutcome.UPHELD if upheld else ObjectionOutcome.DISMISSED
    locked.finding = finding
    locked.resolved_by = user
    locked.resolved_at = timezone.now()
    locked.save(update_fields=["outcome", "finding", "resolved_by", "resolved_at"])
    if upheld and nomination.status == NominationStatus.PROPOSED:
        _set_status(nomination, NominationStatus.REVOKED, expected=(NominationStatus.PROPOSED,))
        _free_place(nomination)
    audit.record(
        AuditAction.UPDATE,
        obj=locked,
        actor=user,
        changes={"outcome": [ObjectionOutcome.PENDING.value, locked.outcome]},
        message=f"核查公示异议：{locked.get_outcome_display()}",
    )
    return locked
