"""The people registries over the API (added under /api/v1/ by ``zhijiao.api.api``).

Reads list the records the caller may see — the same ``visible_to`` scope as the pages (a school
its own, a bureau its schools', the plan office all) — with the same filters; personal numbers
leave masked. Writes go through the same services as the pages (the same checks, the same Chinese
errors, the same audit rows). Objects are named in the body or the query string by their ``id``.

Who may call a route is decided before its body is read: a signed-in caller whose role lacks the
route's capability gets 403 whatever it sent, and learns nothing about the input it would need.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.decorators import decorate_view

from zhijiao.api.schemas import ErrorOut
from zhijiao.core.errors import ServiceError
from zhijiao.core.pages import window
from zhijiao.core.personal import mask_id_number
from zhijiao.orgs.models import Unit, UnitKind
from zhijiao.orgs.roles import AccessErrorCode, Capability, require_capability

from . import (
    award_services,
    eaglet_selectors,
    eaglet_services,
    record_selectors,
    registry_services,
    selectors,
    services,
    training_services,
)
from .data import AwardeeKind, EagletStage, PeopleErrorCode
from .models import (
    Award,
    Competition,
    DualBase,
    EagletNomination,
    EagletRound,
    InnovationTeam,
    Major,
    Student,
    Teacher,
    ThroughProgramme,
    TrainingRecord,
)

router = Router(tags=["人员与成果"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, **ERRORS}


def capability_first(capability: Capability) -> Callable[[Any], Any]:
    """An operation decorator: a signed-in caller without the capability is refused (403) before
    the operation parses its input. Anonymous callers go on to the authentication (401)."""

    def decorate(run: Any) -> Any:
        @functools.wraps(run)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user: Any = request.user
            if user.is_authenticated and not user.can(capability):
                error = ServiceError(
                    AccessErrorCode.NOT_ALLOWED, _("您没有执行此操作的权限"), status_code=403
                )
                response: HttpResponse = run.__self__.api.on_exception(request, error)
                return response
            result: HttpResponse = run(request, *args, **kwargs)
            return result

        return checked

    return decorate


def _user(request: HttpRequest, capability: Capability) -> Any:
    user: Any = request.user
    require_capability(user, capability)
    return user


def _page(queryset: QuerySet[Any], limit: int, offset: int) -> list[Any]:
    return list(queryset[window(limit, offset)])


def _school(user: Any, school_id: int | None) -> Unit:
    """A school the caller may register records of; a clerk's own school when none is named."""
    schools = selectors.schools_in_scope(user)
    if school_id is None:
        only = list(schools[:2])
        if len(only) == 1:
            return only[0]
        raise ServiceError(PeopleErrorCode.INVALID_INPUT, _("请提供 school_id（学校编号）"))
    school = schools.filter(pk=school_id).first()
    if school is None:
        raise Http404(_("未找到该学校"))
    return school


def _visible(queryset: Any, user: Any, pk: int | None, what: str) -> Any:
    if pk is None:
        raise ServiceError(PeopleErrorCode.INVALID_INPUT, _("请提供{what}编号").format(what=what))
    obj = queryset.visible_to(user).filter(pk=pk).first()
    if obj is None:
        raise Http404(_("未找到该{what}").format(what=what))
    return obj


class Ref(Schema):
    id: int
    name: str


def _ref(unit: Unit | None) -> Ref | None:
    return Ref(id=unit.pk, name=unit.name) if unit is not None else None


# ---------------------------------------------------------------- teachers and students


class TeacherOut(Schema):
    id: int
    school: Ref
    name: str
    gender: str
    birth_year: int
    id_number_masked: str
    kind: str
    title: str
    skill_level: str
    hired_on: dt.date
    left_on: dt.date | None
    dual: bool

    @classmethod
    def of(cls, t: Teacher) -> TeacherOut:
        return cls(
            id=t.pk,
            school=Ref(id=t.school_id, name=t.school.name),
            name=t.name,
            gender=t.gender,
            birth_year=t.birth_year,
            id_number_masked=mask_id_number(t.id_number),
            kind=t.kind,
            title=t.title,
            skill_level=t.skill_level,
            hired_on=t.hired_on,
            left_on=t.left_on,
            dual=bool(getattr(t, "is_dual", False)),
        )


@router.get(
    "/people/teachers",
    response={200: list[TeacherOut], **ERRORS},
    summary="教师库",
    description="您可见的教师（身份证号已脱敏），可按学校、姓名或完整身份证号筛选；current=yes 只含在职。",
)
@decorate_view(capability_first(Capability.PEOPLE_VIEW))
def teacher_list(
    request: HttpRequest,
    school: int | None = None,
    q: str = "",
    current: str = "yes",
    limit: int = 100,
    offset: int = 0,
) -> list[TeacherOut]:
    user = _user(request, Capability.PEOPLE_VIEW)
    filters = selectors.TeacherFilters(
        school=school, q=q[:50], current=current if current in ("yes", "left", "") else "yes"
    )
    return [
        TeacherOut.of(t) for t in _page(selectors.teachers_visible(user, filters), limit, offset)
    ]


class StudentOut(Schema):
    id: int
    school: Ref
    name: str
    gender: str
    birth_year: int
    id_number_masked: str
    student_number: str
    major: str
    class_name: str
    enrolled_year: int

    @classmethod
    def of(cls, s: Student) -> StudentOut:
        return cls(
            id=s.pk,
            school=Ref(id=s.school_id, name=s.school.name),
            name=s.name,
            gender=s.gender,
            birth_year=s.birth_year,
            id_number_masked=mask_id_number(s.id_number),
            student_number=s.student_number,
            major=s.major,
            class_name=s.class_name,
            enrolled_year=s.enrolled_year,
        )


class StudentIn(Schema):
    school_id: int | None = Field(None, description="学校编号；学校填报员可省略")
    name: str
    id_number: str = Field(description="18 位身份证号（保存后只以脱敏形式返回）")
    major: str
    enrolled_year: int
    student_number: str = ""
    class_name: str = ""


@router.get(
    "/people/students",
    response={200: list[StudentOut], **ERRORS},
    summary="学生库",
    description="您可见的学生（身份证号已脱敏），可按学校、入学年份、姓名、学号或完整身份证号筛选。",
)
@decorate_view(capability_first(Capability.PEOPLE_VIEW))
def student_list(
    request: HttpRequest,
    school: int | None = None,
    enrolled_year: int | None = None,
    q: str = "",
    limit: int = 100,
    offset: int = 0,
) -> list[StudentOut]:
    user = _user(request, Capability.PEOPLE_VIEW)
    filters = selectors.StudentFilters(school=school, enrolled_year=enrolled_year, q=q[:50])
    return [
        StudentOut.of(s) for s in _page(selectors.students_visible(user, filters), limit, offset)
    ]


@router.post(
    "/people/students",
    response={201: StudentOut, **WRITE_ERRORS},
    summary="登记学生",
    description="与网页登记同样校验：身份证号校验位、同一人只能登记一次、学号在本校内唯一。",
)
@decorate_view(capability_first(Capability.PEOPLE_MANAGE))
def student_create(request: HttpRequest, payload: StudentIn) -> Status[StudentOut]:
    user = _user(request, Capability.PEOPLE_MANAGE)
    student = services.student_create(
        user=user,
        school=_school(user, payload.school_id),
        data=services.StudentData(
            name=payload.name,
            id_number=payload.id_number,
            major=payload.major,
            enrolled_year=payload.enrolled_year,
            student_number=payload.student_number,
            class_name=payload.class_name,
        ),
    )
    return Status(201, StudentOut.of(student))


# ---------------------------------------------------------------- 技能雏鹰


class RoundOut(Schema):
    id: int
    year: int
    title: str
    status: str
    status_label: str
    places: int
    selected: int
    nomination_opens: dt.date
    nomination_closes: dt.date
    notice_starts: dt.date | None
    notice_ends: dt.date | None
    published_on: dt.date | None

    @classmethod
    def of(cls, r: EagletRound) -> RoundOut:
        return cls(
            id=r.pk,
            year=r.year,
            title=r.title,
            status=r.status,
            status_label=r.get_status_display(),
            places=r.places,
            selected=r.selected,
            nomination_opens=r.nomination_opens,
            nomination_closes=r.nomination_closes,
            notice_starts=r.notice_starts,
            notice_ends=r.notice_ends,
            published_on=r.published_on,
        )


class OpinionOut(Schema):
    stage: str
    bureau: str
    agreed: bool | None = Field(description="null 表示尚未审核")
    comment: str


class NominationOut(Schema):
    id: int
    year: int
    school: Ref
    student_id: int
    student: str
    major: str
    class_name: str
    reasons: str
    achievements: str
    status: str
    status_label: str
    opinions: list[OpinionOut]

    @classmethod
    def of(cls, n: EagletNomination, year: int) -> NominationOut:
        return cls(
            id=n.pk,
            year=year,
            school=Ref(id=n.school_id, name=n.school.name),
            student_id=n.student_id,
            student=n.student.name,
            major=n.student.major,
            class_name=n.student.class_name,
            reasons=n.reasons,
            achievements=n.achievements,
            status=n.status,
            status_label=n.get_status_display(),
            opinions=[
                OpinionOut(
                    stage=stage,
                    bureau=str(EagletStage(stage).label),
                    agreed=o.agreed if o else None,
                    comment=o.comment if o else "",
                )
                for stage, o in eaglet_selectors.opinions(n).items()
            ],
        )


class NominationIn(Schema):
    year: int = Field(description="评选年度")
    student_id: int
    reasons: str = Field(description="推荐理由")
    achievements: str = ""


class ReviewIn(Schema):
    nomination_id: int
    agreed: bool = Field(description="true 同意；false 不同意（须填写 comment）")
    comment: str = ""


def _round(year: int | None) -> EagletRound | None:
    if year is None:
        return eaglet_selectors.round_current()
    return eaglet_selectors.rounds_all().filter(year=year).first()


@router.get(
    "/people/eaglets/rounds",
    response={200: list[RoundOut], **ERRORS},
    summary="“技能雏鹰”评选",
    description="历年评选及其阶段、表彰名额和已确定人数。",
)
@decorate_view(capability_first(Capability.PEOPLE_VIEW))
def round_list(request: HttpRequest) -> list[RoundOut]:
    _user(request, Capability.PEOPLE_VIEW)
    return [RoundOut.of(r) for r in eaglet_selectors.rounds_all().order_by("-year")]


@router.get(
    "/people/eaglets/nominations",
    response={200: list[NominationOut], **ERRORS},
    summary="“技能雏鹰”推荐名单",
    description="一个年度（默认最近一届）您可见的推荐及三部门联审意见；可按学校、状态筛选，"
    "pending=true 只列待本单位审核的推荐。",
)
@decorate_view(capability_first(Capability.PEOPLE_VIEW))
def nomination_list(
    request: HttpRequest,
    year: int | None = None,
    school: int | None = None,
    status: str = "",
    pending: bool = False,
    limit: int = 200,
    offset: int = 0,
) -> list[NominationOut]:
    user = _user(request, Capability.PEOPLE_VIEW)
    round_ = _round(year)
    if round_ is None:
        return []
    filters = eaglet_selectors.NominationFilters(
        school=school, status=status, pending_for_me=pending
    )
    rows = _page(eaglet_selectors.nominations_visible(user, round_, filters), limit, offset)
    return [NominationOut.of(n, round_.year) for n in rows]


def _nomination_out(user: Any, pk: int) -> NominationOut:
    n = eaglet_selectors.nomination_get(user, pk)
    return NominationOut.of(n, n.round.year)


@router.post(
    "/people/eaglets/nominations",
    response={201: NominationOut, **WRITE_ERRORS},
    summary="推荐学生",
    description="学校在本校名额和推荐时间内推荐本校学生；同一学生一届只能推荐一次。",
)
@decorate_view(capability_first(Capability.PEOPLE_MANAGE))
def nominate(request: HttpRequest, payload: NominationIn) -> Status[NominationOut]:
    user = _user(request, Capability.PEOPLE_MANAGE)
    round_ = _round(payload.year)
    if round_ is None:
        raise Http404(_("未找到该年度的评选"))
    nomination = eaglet_services.eaglet_nominate(
        user=user,
        round_=round_,
        student=_visible(Student.objects, user, payload.student_id, _("学生")),
        reasons=payload.reasons,
        achievements=payload.achievements,
    )
    return Status(201, _nomination_out(user, nomination.pk))


@router.post(
    "/people/eaglets/reviews",
    response={200: NominationOut, **WRITE_ERRORS},
    summary="联审意见",
    description="教育局、科技局、人社局对一项推荐提出意见（由调用者所在单位确定是哪个部门）。",
)
@decorate_view(capability_first(Capability.PEOPLE_DECIDE))
def review(request: HttpRequest, payload: ReviewIn) -> NominationOut:
    user = _user(request, Capability.PEOPLE_DECIDE)
    nomination = _visible(EagletNomination.objects, user, payload.nomination_id, _("推荐"))
    eaglet_services.eaglet_review(
        user=user, nomination=nomination, agreed=payload.agreed, comment=payload.comment
    )
    return _nomination_out(user, nomination.pk)


# ---------------------------------------------------------------- competitions and awards


class CompetitionOut(Schema):
    id: int
    name: str
    year: int
    track: str
    level: str
    level_label: str
    category: str
    organiser: str

    @classmethod
    def of(cls, c: Competition) -> CompetitionOut:
        return cls(
            id=c.pk,
            name=c.name,
            year=c.year,
            track=c.track,
            level=c.level,
            level_label=c.get_level_display(),
            category=c.category,
            organiser=c.organiser,
        )


class CompetitionIn(Schema):
    name: str
    year: int
    level: str = Field(description="world / national / provincial / city")
    track: str = ""
    category: str = Field("skills", description="skills / innovation / teaching / other")
    organiser: str = ""


@router.get(
    "/people/competitions",
    response={200: list[CompetitionOut], **ERRORS},
    summary="赛事目录",
    description="各校共用的赛事目录，可按年度、级别、名称筛选。",
)
@decorate_view(capability_first(Capability.PEOPLE_VIEW))
def competition_list(
    request: HttpRequest,
    year: int | None = None,
    level: str = "",
    q: str = "",
    limit: int = 100,
    offset: int = 0,
) -> list[CompetitionOut]:
    _user(request, Capability.PEOPLE_VIEW)
    filters = record_selectors.RecordFilters(year=year, level=level, q=q[:50])
    return [
        CompetitionOut.of(c) for c in _page(record_selectors.competitions(filters), limit, offset)
    ]


@router.post(
    "/people/competitions",
    response={201: CompetitionOut, **WRITE_ERRORS},
    summary="登记赛事",
    description="名称、年度、赛项相同的赛事只能登记一次。",
)
@decorate_view(capability_first(Capability.PEOPLE_MANAGE))
def competition_create(request: HttpRequest, payload: CompetitionIn) -> Status[CompetitionOut]:
    user = _user(request, Capability.PEOPLE_MANAGE)
    competition = award_services.competition_create(
        user=user, data=award_services.CompetitionData(**payload.dict())
    )
    return Status(201, CompetitionOut.of(competition))


class AwardOut(Schema):
    id: int
    competition: CompetitionOut
    school: Ref
    awardee_kind: str
    awardee_id: int
    awardee: str
    rank: str
    rank_label: str
    incentive_amount: Decimal | None
    incentive_paid_on: dt.date | None
    note: str

    @classmethod
    def of(cls, a: Award) -> AwardOut:
        person = a.student or a.teacher
        assert person is not None
        return cls(
            id=a.pk,
            competition=CompetitionOut.of(a.competition),
            school=Ref(id=a.school_id, name=a.school.name),
            awardee_kind=AwardeeKind.STUDENT if a.student_id else AwardeeKind.TEACHER,
            awardee_id=person.pk,
            awardee=person.name,
            rank=a.rank,
            rank_label=a.get_rank_display(),
            incentive_amount=a.incentive_amount,
            incentive_paid_on=a.incentive_paid_on,
            note=a.note,
        )


class AwardIn(Schema):
    competition_id: int = Field(description="赛事编号：获奖记录必须属于已登记的赛事")
    awardee_kind: str = Field(description="student 或 teacher")
    awardee_id: int = Field(description="学生库或教师库中的编号")
    rank: str = Field(
        description="special / first / second / third / gold / silver / bronze / merit"
    )
    incentive_amount: Decimal | None = None
    incentive_paid_on: dt.date | None = None
    note: str = ""


@router.get(
    "/people/awards",
    response={200: list[AwardOut], **ERRORS},
    summary="获奖记录",
    description="您可见学校的师生获奖，可按学校、赛事年度、级别筛选。",
)
@decorate_view(capability_first(Capability.PEOPLE_VIEW))
def award_list(
    request: HttpRequest,
    school: int | None = None,
    year: int | None = None,
    level: str = "",
    limit: int = 100,
    offset: int = 0,
) -> list[AwardOut]:
    user = _user(request, Capability.PEOPLE_VIEW)
    filters = record_selectors.RecordFilters(school=school, year=year, level=level)
    return [
        AwardOut.of(a) for a in _page(record_selectors.awards_visible(user, filters), limit, offset)
    ]


@router.post(
    "/people/awards",
    response={201: AwardOut, **WRITE_ERRORS},
    summary="登记获奖",
    description="赛事必须已登记；获奖者为您可以登记的学校的学生或教师；同一人同一赛事只登记一次。",
)
@decorate_view(capability_first(Capability.PEOPLE_MANAGE))
def award_create(request: HttpRequest, payload: AwardIn) -> Status[AwardOut]:
    user = _user(request, Capability.PEOPLE_MANAGE)
    competition = Competition.objects.filter(pk=payload.competition_id).first()
    if payload.awardee_kind not in AwardeeKind.values:
        raise ServiceError(PeopleErrorCode.INVALID_INPUT, _("awardee_kind 应为 student 或 teacher"))
    student = teacher = None
    if payload.awardee_kind == AwardeeKind.STUDENT:
        student = _visible(Student.objects, user, payload.awardee_id, _("学生"))
    else:
        teacher = _visible(Teacher.objects, user, payload.awardee_id, _("教师"))
    award = award_services.award_create(
        user=user,
        data=award_services.AwardData(
            competition=competition,
            rank=payload.rank,
            student=student,
            teacher=teacher,
            incentive_amount=payload.incentive_amount,
            incentive_paid_on=payload.incentive_paid_on,
            note=payload.note,
        ),
    )
    return Status(201, AwardOut.of(record_selectors.award_get(user, award.pk)))


# ---------------------------------------------------------------- social training


class TrainingOut(Schema):
    id: int
    school: Ref
    programme: str
    kind: str
    target_group: str
    target_group_label: str
    person_times: int
    hours: int
    starts_on: dt.date
    ends_on: dt.date
    partner: str

    @classmethod
    def of(cls, t: TrainingRecord) -> TrainingOut:
        return cls(
            id=t.pk,
            school=Ref(id=t.school_id, name=t.school.name),
            programme=t.programme,
            kind=t.kind,
            target_group=t.target_group,
            target_group_label=t.get_target_group_display(),
            person_times=t.person_times,
            hours=t.hours,
            starts_on=t.starts_on,
            ends_on=t.ends_on,
            partner=t.partner,
        )


class TrainingIn(Schema):
    school_id: int | None = Field(None, description="学校编号；学校填报员可省略")
    programme: str
    target_group: str = Field(
        description="HARD_TO_EMPLOY / LAID_OFF / TRANSFER / VETERAN / MIGRANT / OTHER"
    )
    person_times: int
    hours: int
    starts_on: dt.date
    ends_on: dt.date
    kind: str = Field("employment", description="employment / entrepreneurship / upgrading / other")
    partner: str = ""


@router.get(
    "/people/training",
    response={200: list[TrainingOut], **ERRORS},
    summary="社会培训记录",
    description="您可见学校的社会培训，可按学校、结束年度、培训对象筛选。",
)
@decorate_view(capability_first(Capability.PEOPLE_VIEW))
def training_list(
    request: HttpRequest,
    school: int | None = None,
    year: int | None = None,
    group: str = "",
    limit: int = 100,
    offset: int = 0,
) -> list[TrainingOut]:
    user = _user(request, Capability.PEOPLE_VIEW)
    filters = record_selectors.RecordFilters(school=school, year=year, group=group)
    return [
        TrainingOut.of(t)
        for t in _page(record_selectors.training_visible(user, filters), limit, offset)
    ]


@router.post(
    "/people/training",
    response={201: TrainingOut, **WRITE_ERRORS},
    summary="登记社会培训",
    description="培训结束后登记；同一项目、培训对象和开始日期的培训只能登记一次。",
)
@decorate_view(capability_first(Capability.PEOPLE_MANAGE))
def training_create(request: HttpRequest, payload: TrainingIn) -> Status[TrainingOut]:
    user = _user(request, Capability.PEOPLE_MANAGE)
    values = payload.dict()
    school = _school(user, values.pop("school_id"))
    record = training_services.training_create(
        user=user, school=school, data=training_services.TrainingData(**values)
    )
    return Status(201, TrainingOut.of(record))


# ---------------------------------------------------------------- majors and 贯通


class RecognitionOut(Schema):
    kind: str
    kind_label: str
    granted_year: int
    revoked_year: int | None
    group_name: str


class MajorOut(Schema):
    id: int
    school: Ref
    code: str
    name: str
    level: str
    established_year: int | None
    is_active: bool
    recognitions: list[RecognitionOut]

    @classmethod
    def of(cls, m: Major) -> MajorOut:
        return cls(
            id=m.pk,
            school=Ref(id=m.school_id, name=m.school.name),
            code=m.code,
            name=m.name,
            level=m.level,
            established_year=m.established_year,
            is_active=m.is_active,
            recognitions=[
                RecognitionOut(
                    kind=r.kind,
                    kind_label=r.get_kind_display(),
                    granted_year=r.granted_year,
                    revoked_year=r.revoked_year,
                    group_name=r.group_name,
                )
                for r in m.recognitions.all()
            ],
        )


class MajorIn(Schema):
    school_id: int | None = Field(None, description="学校编号；学校填报员可省略")
    code: str = Field(
        description="6 位专业代码（中职 61–79、高职专科 41–59、高职本科 21–39），技工院校 4 位"
    )
    name: str
    level: str = Field(description="secondary / higher / bachelor / technical")
    established_year: int | None = None
    is_active: bool = True


class RecognitionIn(Schema):
    major_id: int
    kind: str = Field(description="high_level / brand / provincial_brand / other")
    granted_year: int
    group_name: str = ""
    granted_by: str = ""
    document_number: str = ""


@router.get(
    "/people/majors",
    response={200: list[MajorOut], **ERRORS},
    summary="专业",
    description="您可见学校的专业及其认定（高水平专业（群）、技工教育品牌专业等）。",
)
@decorate_view(capability_first(Capability.PEOPLE_VIEW))
def major_list(
    request: HttpRequest,
    school: int | None = None,
    level: str = "",
    recognition: str = "",
    limit: int = 100,
    offset: int = 0,
) -> list[MajorOut]:
    user = _user(request, Capability.PEOPLE_VIEW)
    filters = record_selectors.RecordFilters(school=school, level=level, kind=recognition)
    majors = (
        record_selectors.majors_visible(user, filters).distinct().prefetch_related("recognitions")
    )
    return [MajorOut.of(m) for m in _page(majors, limit, offset)]


@router.post(
    "/people/majors",
    response={201: MajorOut, **WRITE_ERRORS},
    summary="登记专业",
    description="专业代码按层次校验；同一学校的专业代码只能登记一次。",
)
@decorate_view(capability_first(Capability.PEOPLE_MANAGE))
def major_create(request: HttpRequest, payload: MajorIn) -> Status[MajorOut]:
    user = _user(request, Capability.PEOPLE_MANAGE)
    values = payload.dict()
    school = _school(user, values.pop("school_id"))
    major = registry_services.major_create(
        user=user, school=school, data=registry_services.MajorData(**values)
    )
    return Status(201, MajorOut.of(major))


@router.post(
    "/people/majors/recognitions",
    response={201: MajorOut, **WRITE_ERRORS},
    summary="登记专业认定",
    description="一个专业每类认定只登记一次；技工教育品牌专业只能认定技工院校专业。",
)
@decorate_view(capability_first(Capability.PEOPLE_MANAGE))
def recognition_create(request: HttpRequest, payload: RecognitionIn) -> Status[MajorOut]:
    user = _user(request, Capability.PEOPLE_MANAGE)
    values = payload.dict()
    major = _visible(
        Major.objects.select_related("school"), user, values.pop("major_id"), _("专业")
    )
    registry_services.recognition_add(
        user=user, major=major, data=registry_services.RecognitionData(**values)
    )
    return Status(201, MajorOut.of(major))


class ThroughYearOut(Schema):
    year: int
    intake: int
    enrolled: int


class ThroughOut(Schema):
    id: int
    school: Ref
    major_id: int
    major: str
    partner: str
    mode: str
    started_year: int
    years: list[ThroughYearOut]

    @classmethod
    def of(cls, p: ThroughProgramme) -> ThroughOut:
        return cls(
            id=p.pk,
            school=Ref(id=p.school_id, name=p.school.name),
            major_id=p.major_id,
            major=p.major.name,
            partner=p.partner,
            mode=p.mode,
            started_year=p.started_year,
            years=[
                ThroughYearOut(year=y.year, intake=y.intake, enrolled=y.enrolled)
                for y in p.years.order_by("year")
            ],
        )


class ThroughIn(Schema):
    major_id: int
    partner: str = Field(description="合作院校")
    mode: str = Field(description="3+3 / 5 / 3+2 / 3+4")
    started_year: int


class ThroughYearIn(Schema):
    programme_id: int
    year: int
    intake: int = Field(description="当年招生人数")
    enrolled: int = Field(description="年末在校生人数")


@router.get(
    "/people/through",
    response={200: list[ThroughOut], **ERRORS},
    summary="中高职贯通项目",
    description="您可见学校的贯通项目及各年度招生、在校生人数。",
)
@decorate_view(capability_first(Capability.PEOPLE_VIEW))
def through_list(
    request: HttpRequest, school: int | None = None, limit: int = 100, offset: int = 0
) -> list[ThroughOut]:
    user = _user(request, Capability.PEOPLE_VIEW)
    filters = record_selectors.RecordFilters(school=school)
    programmes = record_selectors.through_visible(user, filters).prefetch_related("years")
    return [ThroughOut.of(p) for p in _page(programmes, limit, offset)]


@router.post(
    "/people/through",
    response={201: ThroughOut, **WRITE_ERRORS},
    summary="登记贯通项目",
)
@decorate_view(capability_first(Capability.PEOPLE_MANAGE))
def through_create(request: HttpRequest, payload: ThroughIn) -> Status[ThroughOut]:
    user = _user(request, Capability.PEOPLE_MANAGE)
    major = _visible(Major.objects, user, payload.major_id, _("专业"))
    programme = registry_services.through_create(
        user=user,
        data=registry_services.ThroughData(
            major=major,
            partner=payload.partner,
            mode=payload.mode,
            started_year=payload.started_year,
        ),
    )
    return Status(201, ThroughOut.of(programme))


@router.post(
    "/people/through/enrolment",
    response={200: ThroughOut, **WRITE_ERRORS},
    summary="登记贯通年度招生",
    description="同一项目同一年度再次提交即更正（记入审计）。",
)
@decorate_view(capability_first(Capability.PEOPLE_MANAGE))
def through_year(request: HttpRequest, payload: ThroughYearIn) -> ThroughOut:
    user = _user(request, Capability.PEOPLE_MANAGE)
    programme = _visible(
        ThroughProgramme.objects.select_related("school", "major"),
        user,
        payload.programme_id,
        _("贯通项目"),
    )
    registry_services.through_year_record(
        user=user,
        programme=programme,
        year=payload.year,
        intake=payload.intake,
        enrolled=payload.enrolled,
    )
    return ThroughOut.of(programme)


# ---------------------------------------------------------------- teams and bases


class TeamOut(Schema):
    id: int
    school: Ref
    name: str
    major_group: str
    level: str
    recognised_year: int
    lead_id: int
    lead: str
    member_ids: list[int]

    @classmethod
    def of(cls, t: InnovationTeam) -> TeamOut:
        return cls(
            id=t.pk,
            school=Ref(id=t.school_id, name=t.school.name),
            name=t.name,
            major_group=t.major_group,
            level=t.level,
            recognised_year=t.recognised_year,
            lead_id=t.lead_id,
            lead=t.lead.name,
            member_ids=[m.pk for m in t.members.all()],
        )


class TeamIn(Schema):
    school_id: int | None = Field(None, description="学校编号；学校填报员可省略")
    name: str
    recognised_year: int
    lead_id: int = Field(description="教师库中的编号（本校在职教师）")
    member_ids: list[int] = []
    major_group: str = ""
    level: str = Field("city", description="city / provincial / national")


@router.get(
    "/people/teams",
    response={200: list[TeamOut], **ERRORS},
    summary="教师教学创新团队",
)
@decorate_view(capability_first(Capability.PEOPLE_VIEW))
def team_list(
    request: HttpRequest,
    school: int | None = None,
    year: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[TeamOut]:
    user = _user(request, Capability.PEOPLE_VIEW)
    filters = record_selectors.RecordFilters(school=school, year=year)
    teams = record_selectors.teams_visible(user, filters).prefetch_related("members")
    return [TeamOut.of(t) for t in _page(teams, limit, offset)]


@router.post(
    "/people/teams",
    response={201: TeamOut, **WRITE_ERRORS},
    summary="登记教学创新团队",
    description="负责人和成员须为该校在职教师；同一学校的团队名称只能登记一次。",
)
@decorate_view(capability_first(Capability.PEOPLE_MANAGE))
def team_create(request: HttpRequest, payload: TeamIn) -> Status[TeamOut]:
    user = _user(request, Capability.PEOPLE_MANAGE)
    school = _school(user, payload.school_id)
    teachers = {
        t.pk: t
        for t in Teacher.objects.visible_to(user).filter(
            pk__in=[payload.lead_id, *payload.member_ids]
        )
    }
    if payload.lead_id not in teachers or any(m not in teachers for m in payload.member_ids):
        raise Http404(_("未找到该教师"))
    team = registry_services.team_create(
        user=user,
        school=school,
        data=registry_services.TeamData(
            name=payload.name,
            recognised_year=payload.recognised_year,
            lead=teachers[payload.lead_id],
            members=[teachers[m] for m in payload.member_ids],
            major_group=payload.major_group,
            level=payload.level,
        ),
    )
    return Status(201, TeamOut.of(team))


class BaseOut(Schema):
    id: int
    name: str
    kind: str
    school: Ref | None
    enterprise: Ref | None
    level: str
    recognised_year: int
    note: str

    @classmethod
    def of(cls, b: DualBase) -> BaseOut:
        return cls(
            id=b.pk,
            name=b.name,
            kind=b.kind,
            school=_ref(b.school),
            enterprise=_ref(b.enterprise),
            level=b.level,
            recognised_year=b.recognised_year,
            note=b.note,
        )


class BaseIn(Schema):
    name: str
    recognised_year: int
    school_id: int | None = Field(None, description="依托学校编号")
    enterprise_id: int | None = Field(None, description="合作企业（单位）编号")
    kind: str = Field("training", description="training / practice")
    level: str = Field("city", description="city / provincial / national")
    note: str = ""


@router.get(
    "/people/bases",
    response={200: list[BaseOut], **ERRORS},
    summary="“双师型”教师培养培训基地",
)
@decorate_view(capability_first(Capability.PEOPLE_VIEW))
def base_list(
    request: HttpRequest,
    school: int | None = None,
    year: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[BaseOut]:
    user = _user(request, Capability.PEOPLE_VIEW)
    filters = record_selectors.RecordFilters(school=school, year=year)
    return [
        BaseOut.of(b) for b in _page(record_selectors.bases_visible(user, filters), limit, offset)
    ]


@router.post(
    "/people/bases",
    response={201: BaseOut, **WRITE_ERRORS},
    summary="登记基地",
    description="依托学校和合作企业至少一项；不依托学校的企业基地只有工作专班可以登记。",
)
@decorate_view(capability_first(Capability.PEOPLE_MANAGE))
def base_create(request: HttpRequest, payload: BaseIn) -> Status[BaseOut]:
    user = _user(request, Capability.PEOPLE_MANAGE)
    school = _school(user, payload.school_id) if payload.school_id is not None else None
    enterprise = None
    if payload.enterprise_id is not None:
        enterprise = Unit.objects.filter(pk=payload.enterprise_id, kind=UnitKind.ENTERPRISE).first()
        if enterprise is None:
            raise Http404(_("未找到该企业"))
    base = registry_services.base_create(
        user=user,
        data=registry_services.BaseData(
            name=payload.name,
            recognised_year=payload.recognised_year,
            school=school,
            enterprise=enterprise,
            kind=payload.kind,
            level=payload.level,
            note=payload.note,
        ),
    )
    return Status(201, BaseOut.of(base))
