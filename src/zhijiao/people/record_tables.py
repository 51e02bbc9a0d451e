"""The Excel side of the registries beyond teachers: for each, the import (an
:class:`~zhijiao.people.tabular.ImportSpec` run all-or-nothing by ``tabular.run_import``) and the
export of the filtered list (personal numbers masked).

Each row is checked by the same value functions the services use, so a row the page would refuse
is refused here too, with the same Chinese message placed in its column.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhijiao.core import audit
from zhijiao.core.excel import Column, normalize_header
from zhijiao.core.personal import lookup_digest, mask_id_number
from zhijiao.orgs.models import Unit, UnitKind, User

from . import award_services, registry_services, services, training_services
from .data import (
    ID_PURPOSE,
    AwardeeKind,
    AwardRank,
    BaseKind,
    CompetitionCategory,
    CompetitionLevel,
    HonourLevel,
    MajorLevel,
    RecognitionKind,
    ThroughMode,
    TraineeGroup,
    TrainingKind,
)
from .models import (
    Award,
    Competition,
    DualBase,
    InnovationTeam,
    Major,
    MajorRecognition,
    Student,
    Teacher,
    ThroughEnrolment,
    ThroughProgramme,
    TrainingRecord,
)
from .tabular import H_SCHOOL, ImportSpec, RowReader, run_export, school_column

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

YES, NO = gettext_lazy("是"), gettext_lazy("否")
YES_NO = [YES, NO]


# ---------------------------------------------------------------- students

ST_NAME, ST_ID, ST_NUMBER, ST_MAJOR, ST_CLASS, ST_YEAR = (
    gettext_lazy("姓名"),
    gettext_lazy("身份证号"),
    gettext_lazy("学号"),
    gettext_lazy("专业"),
    gettext_lazy("班级"),
    gettext_lazy("入学年份"),
)


def _student_columns(user: User) -> list[Column]:
    return [
        school_column(user),
        Column(ST_NAME, 12, to_fill=True),
        Column(ST_ID, 22, to_fill=True, number_format="@"),
        Column(ST_NUMBER, 14, number_format="@"),
        Column(ST_MAJOR, 20, to_fill=True),
        Column(ST_CLASS, 14),
        Column(ST_YEAR, 10, to_fill=True),
    ]


def _student_parse(r: RowReader) -> Student | None:
    school = r.school()
    data = services.StudentData(
        name=r.text(ST_NAME, required=True, limit=50),
        id_number=r.text(ST_ID, required=True, limit=30),
        student_number=r.text(ST_NUMBER, limit=30),
        major=r.text(ST_MAJOR, required=True, limit=100),
        class_name=r.text(ST_CLASS, limit=50),
        enrolled_year=r.year(ST_YEAR) or 0,
    )
    if r.errors or school is None:
        return None
    return Student(school=school, **services.student_values(data, today=r.context.today))


def _student_conflicts(students: list[Student]) -> list[tuple[StrOrPromise, str] | None]:
    registered = dict(
        Student.objects.filter(id_lookup__in=[s.id_lookup for s in students]).values_list(
            "id_lookup", "school__name"
        )
    )
    numbers = {(s.school_id, s.student_number) for s in students if s.student_number}
    taken = set(
        Student.objects.filter(
            school_id__in={school for school, _ in numbers},
            student_number__in={number for _, number in numbers},
        ).values_list("school_id", "student_number")
    )
    in_file = Counter((s.school_id, s.student_number) for s in students if s.student_number)
    result: list[tuple[StrOrPromise, str] | None] = []
    for s in students:
        key = (s.school_id, s.student_number)
        if s.id_lookup in registered:
            result.append(
                (
                    ST_ID,
                    _("该身份证号已登记为{school}的学生").format(school=registered[s.id_lookup]),
                )
            )
        elif s.student_number and key in taken:
            result.append(
                (
                    ST_NUMBER,
                    _("学号“{number}”在本校已被其他学生使用").format(number=s.student_number),
                )
            )
        elif s.student_number and in_file[key] > 1:
            result.append(
                (
                    ST_NUMBER,
                    _("学号“{number}”在表中出现了 {count} 次").format(
                        number=s.student_number, count=in_file[key]
                    ),
                )
            )
        else:
            result.append(None)
    return result


STUDENTS = ImportSpec(
    what=gettext_lazy("学生"),
    model=Student,
    columns=_student_columns,
    required=[ST_NAME, ST_ID, ST_MAJOR, ST_YEAR],
    parse=_student_parse,
    audit_fields=["school", "name", "student_number", "major", "class_name", "enrolled_year"],
    key=lambda s: s.id_lookup,
    key_column=ST_ID,
    conflicts=_student_conflicts,
    message_columns=[
        (gettext_lazy("身份证号"), ST_ID),
        (gettext_lazy("姓名"), ST_NAME),
        (gettext_lazy("入学年份"), ST_YEAR),
    ],
)

STUDENT_EXPORT = [
    Column(gettext_lazy("学校"), 24),
    Column(gettext_lazy("姓名"), 12),
    Column(gettext_lazy("性别"), 6),
    Column(gettext_lazy("出生年份"), 10),
    Column(gettext_lazy("身份证号（已脱敏）"), 22),
    Column(gettext_lazy("学号"), 14),
    Column(gettext_lazy("专业"), 20),
    Column(gettext_lazy("班级"), 14),
    Column(gettext_lazy("入学年份"), 10),
]


def students_export(*, user: User, students: Iterable[Student]) -> bytes:
    rows = (
        [
            s.school.name,
            s.name,
            s.get_gender_display(),
            s.birth_year,
            mask_id_number(s.id_number),
            s.student_number,
            s.major,
            s.class_name,
            s.enrolled_year,
        ]
        for s in students
    )
    return run_export(
        user=user,
        what=_("学生名单"),
        model=Student,
        columns=STUDENT_EXPORT,
        rows=rows,
        note=_("身份证号已脱敏"),
    )


# ---------------------------------------------------------------- competitions

CP_NAME, CP_YEAR, CP_TRACK, CP_LEVEL, CP_CATEGORY, CP_ORGANISER = (
    gettext_lazy("赛事名称"),
    gettext_lazy("年度"),
    gettext_lazy("赛项"),
    gettext_lazy("级别"),
    gettext_lazy("类别"),
    gettext_lazy("主办单位"),
)


def _competition_columns(user: User) -> list[Column]:
    return [
        Column(CP_NAME, 36, to_fill=True),
        Column(CP_YEAR, 8, to_fill=True),
        Column(CP_TRACK, 24),
        Column(CP_LEVEL, 10, choices=CompetitionLevel.labels, to_fill=True),
        Column(CP_CATEGORY, 14, choices=CompetitionCategory.labels),
        Column(CP_ORGANISER, 30),
    ]


def _competition_parse(r: RowReader) -> Competition | None:
    data = award_services.CompetitionData(
        name=r.text(CP_NAME, required=True),
        year=r.year(CP_YEAR) or 0,
        track=r.text(CP_TRACK),
        level=r.choice(CP_LEVEL, CompetitionLevel),
        category=r.choice(CP_CATEGORY, CompetitionCategory, default=CompetitionCategory.SKILLS),
        organiser=r.text(CP_ORGANISER),
    )
    if r.errors:
        return None
    values = award_services.competition_values(data, today=r.context.today)
    return Competition(registered_by_unit_id=r.context.user.unit_id, **values)


def _competition_key(c: Competition) -> tuple[str, int, str]:
    return (c.name, c.year, c.track)


def _competition_conflicts(items: list[Competition]) -> list[tuple[StrOrPromise, str] | None]:
    years = {c.year for c in items}
    known = set(Competition.objects.filter(year__in=years).values_list("name", "year", "track"))
    return [
        (CP_NAME, _("该赛事（名称、年度、赛项相同）已经登记"))
        if _competition_key(c) in known
        else None
        for c in items
    ]


COMPETITIONS = ImportSpec(
    what=gettext_lazy("赛事"),
    model=Competition,
    columns=_competition_columns,
    required=[CP_NAME, CP_YEAR, CP_LEVEL],
    parse=_competition_parse,
    audit_fields=["name", "year", "track", "level", "category", "organiser"],
    key=_competition_key,
    key_column=CP_NAME,
    conflicts=_competition_conflicts,
    message_columns=[
        (gettext_lazy("年度"), CP_YEAR),
        (gettext_lazy("级别"), CP_LEVEL),
        (gettext_lazy("赛事名称"), CP_NAME),
    ],
)

COMPETITION_EXPORT = [
    Column(gettext_lazy("年度"), 8),
    Column(gettext_lazy("赛事名称"), 36),
    Column(gettext_lazy("赛项"), 24),
    Column(gettext_lazy("级别"), 10),
    Column(gettext_lazy("类别"), 14),
    Column(gettext_lazy("主办单位"), 30),
    Column(gettext_lazy("获奖记录数"), 10),
]


def competitions_export(*, user: User, items: Iterable[Competition]) -> bytes:
    rows = (
        [
            c.year,
            c.name,
            c.track,
            c.get_level_display(),
            c.get_category_display(),
            c.organiser,
            getattr(c, "award_count", 0),
        ]
        for c in items
    )
    return run_export(
        user=user, what=_("赛事"), model=Competition, columns=COMPETITION_EXPORT, rows=rows
    )


# ---------------------------------------------------------------- awards

AW_COMPETITION, AW_YEAR, AW_TRACK, AW_KIND, AW_ID, AW_NAME = (
    gettext_lazy("赛事名称"),
    gettext_lazy("赛事年度"),
    gettext_lazy("赛项"),
    gettext_lazy("获奖者类别"),
    gettext_lazy("获奖者身份证号"),
    gettext_lazy("获奖者姓名"),
)
AW_RANK, AW_AMOUNT, AW_PAID, AW_NOTE = (
    gettext_lazy("奖项等级"),
    gettext_lazy("奖励金额（元）"),
    gettext_lazy("奖励发放日期"),
    gettext_lazy("说明"),
)


def _award_columns(user: User) -> list[Column]:
    return [
        Column(AW_COMPETITION, 36, to_fill=True),
        Column(AW_YEAR, 8, to_fill=True),
        Column(AW_TRACK, 24),
        Column(AW_KIND, 10, choices=AwardeeKind.labels, to_fill=True),
        Column(AW_ID, 22, to_fill=True, number_format="@"),
        Column(AW_NAME, 12, to_fill=True),
        Column(AW_RANK, 10, choices=AwardRank.labels, to_fill=True),
        Column(AW_AMOUNT, 14),
        Column(AW_PAID, 14, number_format="yyyy-mm-dd"),
        Column(AW_NOTE, 24),
    ]


def _award_parse(r: RowReader) -> Award | None:
    name = r.text(AW_COMPETITION, required=True)
    year = r.year(AW_YEAR)
    track = r.text(AW_TRACK)
    kind = r.choice(AW_KIND, AwardeeKind)
    id_number = r.text(AW_ID, required=True, limit=30)
    person_name = r.text(AW_NAME, required=True, limit=50)
    rank = r.choice(AW_RANK, AwardRank)
    amount = r.money(AW_AMOUNT)
    paid_on = r.date(AW_PAID, required=False)
    note = r.text(AW_NOTE, limit=300)
    if r.errors or year is None:
        return None
    competition = Competition.objects.filter(name=name, year=year, track=track).first()
    if competition is None:
        r.problem(
            AW_COMPETITION,
            _(
                "未找到赛事“{year}年{name}{track}”：获奖记录必须属于已登记的赛事，请先登记赛事"
            ).format(year=year, name=name, track="·" + track if track else ""),
        )
        return None
    model = Student if kind == AwardeeKind.STUDENT else Teacher
    person = (
        model.objects.visible_to(r.context.user)
        .filter(id_lookup=lookup_digest(id_number, purpose=ID_PURPOSE))
        .first()
    )
    label = AwardeeKind(kind).label
    if person is None:
        r.problem(
            AW_ID,
            _("{label}库中没有该身份证号（或不在您可以登记的学校），请先登记{label}").format(
                label=label
            ),
        )
        return None
    if normalize_header(person.name) != normalize_header(person_name):
        r.problem(
            AW_NAME,
            _("姓名与身份证号不符（{label}库中为“{person}”）").format(
                label=label, person=person.name
            ),
        )
        return None
    values = award_services.award_values(
        r.context.user,
        award_services.AwardData(
            competition=competition,
            rank=rank,
            student=person if isinstance(person, Student) else None,
            teacher=person if isinstance(person, Teacher) else None,
            incentive_amount=amount,
            incentive_paid_on=paid_on,
            note=note,
        ),
        today=r.context.today,
    )
    return Award(recorded_by=r.context.user, **values)


def _award_key(a: Award) -> tuple[int, int | None, int | None]:
    return (a.competition_id, a.student_id, a.teacher_id)


def _award_conflicts(items: list[Award]) -> list[tuple[StrOrPromise, str] | None]:
    known = set(
        Award.objects.filter(competition_id__in={a.competition_id for a in items}).values_list(
            "competition_id", "student_id", "teacher_id"
        )
    )
    return [
        (AW_ID, _("该获奖者在该赛事中的获奖已经登记")) if _award_key(a) in known else None
        for a in items
    ]


AWARDS = ImportSpec(
    what=gettext_lazy("获奖记录"),
    model=Award,
    columns=_award_columns,
    required=[AW_COMPETITION, AW_YEAR, AW_KIND, AW_ID, AW_RANK],
    parse=_award_parse,
    audit_fields=["competition", "student", "teacher", "school", "rank", "incentive_amount"],
    key=_award_key,
    key_column=AW_ID,
    conflicts=_award_conflicts,
    message_columns=[
        (gettext_lazy("发放日期"), AW_PAID),
        (gettext_lazy("金额"), AW_AMOUNT),
        (gettext_lazy("学生"), AW_ID),
        (gettext_lazy("教师"), AW_ID),
        (gettext_lazy("赛事"), AW_COMPETITION),
    ],
)

AWARD_EXPORT = [
    Column(gettext_lazy("赛事年度"), 8),
    Column(gettext_lazy("赛事名称"), 36),
    Column(gettext_lazy("赛项"), 24),
    Column(gettext_lazy("级别"), 8),
    Column(gettext_lazy("学校"), 24),
    Column(gettext_lazy("获奖者类别"), 8),
    Column(gettext_lazy("获奖者"), 12),
    Column(gettext_lazy("身份证号（已脱敏）"), 22),
    Column(gettext_lazy("奖项等级"), 10),
    Column(gettext_lazy("奖励金额（元）"), 14, number_format="#,##0.00"),
    Column(gettext_lazy("奖励发放日期"), 14, number_format="yyyy-mm-dd"),
    Column(gettext_lazy("说明"), 24),
]


def awards_export(*, user: User, items: Iterable[Award]) -> bytes:
    def row(a: Award) -> list[Any]:
        person = a.student or a.teacher
        assert person is not None
        return [
            a.competition.year,
            a.competition.name,
            a.competition.track,
            a.competition.get_level_display(),
            a.school.name,
            AwardeeKind.STUDENT.label if a.student_id else AwardeeKind.TEACHER.label,
            person.name,
            mask_id_number(person.id_number),
            a.get_rank_display(),
            a.incentive_amount,
            a.incentive_paid_on,
            a.note,
        ]

    return run_export(
        user=user,
        what=_("获奖记录"),
        model=Award,
        columns=AWARD_EXPORT,
        rows=(row(a) for a in items),
        note=_("身份证号已脱敏"),
    )


# ---------------------------------------------------------------- social training

TR_PROGRAMME, TR_KIND, TR_GROUP, TR_PT, TR_HOURS, TR_START, TR_END, TR_PARTNER = (
    gettext_lazy("培训项目"),
    gettext_lazy("培训类型"),
    gettext_lazy("培训对象"),
    gettext_lazy("培训人次"),
    gettext_lazy("学时"),
    gettext_lazy("开始日期"),
    gettext_lazy("结束日期"),
    gettext_lazy("合作企业"),
)


def _training_columns(user: User) -> list[Column]:
    return [
        school_column(user),
        Column(TR_PROGRAMME, 30, to_fill=True),
        Column(TR_KIND, 16, choices=TrainingKind.labels),
        Column(TR_GROUP, 14, choices=TraineeGroup.labels, to_fill=True),
        Column(TR_PT, 10, to_fill=True),
        Column(TR_HOURS, 8, to_fill=True),
        Column(TR_START, 12, to_fill=True, number_format="yyyy-mm-dd"),
        Column(TR_END, 12, to_fill=True, number_format="yyyy-mm-dd"),
        Column(TR_PARTNER, 24),
    ]


def _training_parse(r: RowReader) -> TrainingRecord | None:
    school = r.school()
    programme = r.text(TR_PROGRAMME, required=True)
    kind = r.choice(TR_KIND, TrainingKind, default=TrainingKind.EMPLOYMENT)
    group = r.choice(TR_GROUP, TraineeGroup)
    person_times = r.integer(TR_PT, minimum=1, maximum=training_services.MAX_PERSON_TIMES)
    hours = r.integer(TR_HOURS, minimum=1, maximum=training_services.MAX_HOURS)
    starts_on = r.date(TR_START)
    ends_on = r.date(TR_END)
    partner = r.text(TR_PARTNER)
    if r.errors or school is None:
        return None
    assert person_times is not None and hours is not None
    assert starts_on is not None and ends_on is not None
    values = training_services.training_values(
        training_services.TrainingData(
            programme=programme,
            kind=kind,
            target_group=group,
            person_times=person_times,
            hours=hours,
            starts_on=starts_on,
            ends_on=ends_on,
            partner=partner,
        ),
        today=r.context.today,
    )
    return TrainingRecord(school=school, recorded_by=r.context.user, **values)


def _training_key(t: TrainingRecord) -> tuple[int, str, str, Any]:
    return (t.school_id, t.programme, t.target_group, t.starts_on)


def _training_conflicts(items: list[TrainingRecord]) -> list[tuple[StrOrPromise, str] | None]:
    known = set(
        TrainingRecord.objects.filter(
            school_id__in={t.school_id for t in items},
            starts_on__in={t.starts_on for t in items},
        ).values_list("school_id", "programme", "target_group", "starts_on")
    )
    return [
        (TR_PROGRAMME, _("该培训（同一项目、培训对象和开始日期）已经登记"))
        if _training_key(t) in known
        else None
        for t in items
    ]


TRAINING = ImportSpec(
    what=gettext_lazy("社会培训记录"),
    model=TrainingRecord,
    columns=_training_columns,
    required=[TR_PROGRAMME, TR_GROUP, TR_PT, TR_HOURS, TR_START, TR_END],
    parse=_training_parse,
    audit_fields=[
        "school",
        "programme",
        "kind",
        "target_group",
        "person_times",
        "hours",
        "starts_on",
        "ends_on",
    ],
    key=_training_key,
    key_column=TR_PROGRAMME,
    conflicts=_training_conflicts,
    message_columns=[
        (gettext_lazy("结束日期"), TR_END),
        (gettext_lazy("开始日期"), TR_START),
        (gettext_lazy("一期培训"), TR_END),
        (gettext_lazy("合作企业"), TR_PARTNER),
    ],
)

TRAINING_EXPORT = [
    Column(gettext_lazy("学校"), 24),
    Column(gettext_lazy("培训项目"), 30),
    Column(gettext_lazy("培训类型"), 16),
    Column(gettext_lazy("培训对象"), 14),
    Column(gettext_lazy("培训人次"), 10),
    Column(gettext_lazy("学时"), 8),
    Column(gettext_lazy("开始日期"), 12, number_format="yyyy-mm-dd"),
    Column(gettext_lazy("结束日期"), 12, number_format="yyyy-mm-dd"),
    Column(gettext_lazy("合作企业"), 24),
]


def training_export(*, user: User, items: Iterable[TrainingRecord]) -> bytes:
    rows = (
        [
            t.school.name,
            t.programme,
            t.get_kind_display(),
            t.get_target_group_display(),
            t.person_times,
            t.hours,
            t.starts_on,
            t.ends_on,
            t.partner,
        ]
        for t in items
    )
    return run_export(
        user=user, what=_("社会培训记录"), model=TrainingRecord, columns=TRAINING_EXPORT, rows=rows
    )


# ---------------------------------------------------------------- majors

MJ_CODE, MJ_NAME, MJ_LEVEL, MJ_YEAR, MJ_ACTIVE = (
    gettext_lazy("专业代码"),
    gettext_lazy("专业名称"),
    gettext_lazy("层次"),
    gettext_lazy("开设年份"),
    gettext_lazy("在招"),
)
MJ_RECOGNITION, MJ_GRANTED, MJ_GROUP, MJ_DOC = (
    gettext_lazy("认定类别"),
    gettext_lazy("认定年份"),
    gettext_lazy("专业群名称"),
    gettext_lazy("认定文号"),
)


def _major_columns(user: User) -> list[Column]:
    return [
        school_column(user),
        Column(MJ_CODE, 10, to_fill=True, number_format="@"),
        Column(MJ_NAME, 24, to_fill=True),
        Column(MJ_LEVEL, 10, choices=MajorLevel.labels, to_fill=True),
        Column(MJ_YEAR, 10),
        Column(MJ_ACTIVE, 6, choices=YES_NO),
        Column(MJ_RECOGNITION, 18, choices=RecognitionKind.labels),
        Column(MJ_GRANTED, 10),
        Column(MJ_GROUP, 20),
        Column(MJ_DOC, 20),
    ]


def _major_parse(r: RowReader) -> tuple[Major, Any] | None:
    school = r.school()
    code = r.text(MJ_CODE, required=True, limit=10)
    name = r.text(MJ_NAME, required=True, limit=100)
    level = r.choice(MJ_LEVEL, MajorLevel)
    year = r.year(MJ_YEAR, required=False)
    active = r.row.text(MJ_ACTIVE)
    if active not in ("", *YES_NO):
        r.problem(MJ_ACTIVE, _("“在招”应填“是”或“否”"))
    kind = r.choice(MJ_RECOGNITION, RecognitionKind, default="")
    granted = r.year(MJ_GRANTED, required=bool(kind))
    group = r.text(MJ_GROUP, limit=100)
    document = r.text(MJ_DOC, limit=100)
    if r.errors or school is None:
        return None
    values = registry_services.major_values(
        registry_services.MajorData(
            code=code, name=name, level=level, established_year=year, is_active=active != NO
        ),
        today=r.context.today,
    )
    major = Major(school=school, **values)
    recognition = None
    if kind:
        assert granted is not None
        recognition = registry_services.recognition_values(
            major,
            registry_services.RecognitionData(
                kind=kind, granted_year=granted, group_name=group, document_number=document
            ),
            today=r.context.today,
        )
    return major, recognition


def _major_conflicts(items: list[Major]) -> list[tuple[StrOrPromise, str] | None]:
    known = set(
        Major.objects.filter(school_id__in={m.school_id for m in items}).values_list(
            "school_id", "code"
        )
    )
    return [
        (MJ_CODE, _("本校已登记专业代码为 {code} 的专业").format(code=m.code))
        if (m.school_id, m.code) in known
        else None
        for m in items
    ]


def _major_recognitions(created: list[tuple[Major, Any]], user: User) -> None:
    recognitions = [
        MajorRecognition(major=major, recorded_by=user, **values)
        for major, values in created
        if values is not None
    ]
    MajorRecognition.objects.bulk_create(recognitions)
    audit.record_bulk_create(
        recognitions, ["major", "kind", "granted_year"], actor=user, message="导入专业认定"
    )


MAJORS = ImportSpec(
    what=gettext_lazy("专业"),
    model=Major,
    columns=_major_columns,
    required=[MJ_CODE, MJ_NAME, MJ_LEVEL],
    parse=_major_parse,
    audit_fields=["school", "code", "name", "level", "established_year", "is_active"],
    key=lambda m: (m.school_id, m.code),
    key_column=MJ_CODE,
    conflicts=_major_conflicts,
    message_columns=[
        (gettext_lazy("代码"), MJ_CODE),
        (gettext_lazy("专业名称"), MJ_NAME),
        (gettext_lazy("开设年份"), MJ_YEAR),
        (gettext_lazy("品牌专业"), MJ_RECOGNITION),
        (gettext_lazy("认定年份"), MJ_GRANTED),
    ],
    after_create=_major_recognitions,
)

MAJOR_EXPORT = [
    Column(gettext_lazy("学校"), 24),
    Column(gettext_lazy("专业代码"), 10),
    Column(gettext_lazy("专业名称"), 24),
    Column(gettext_lazy("层次"), 10),
    Column(gettext_lazy("开设年份"), 10),
    Column(gettext_lazy("在招"), 6),
    Column(gettext_lazy("有效认定"), 36),
]


def majors_export(*, user: User, items: Iterable[Major]) -> bytes:
    rows = (
        [
            m.school.name,
            m.code,
            m.name,
            m.get_level_display(),
            m.established_year,
            _("是") if m.is_active else _("否"),
            "、".join(
                f"{r.get_kind_display()}（{r.granted_year}）" for r in getattr(m, "standing", [])
            ),
        ]
        for m in items
    )
    return run_export(user=user, what=_("专业"), model=Major, columns=MAJOR_EXPORT, rows=rows)


# ---------------------------------------------------------------- 贯通 enrolment

TH_CODE, TH_PARTNER, TH_MODE, TH_YEAR, TH_INTAKE, TH_ENROLLED = (
    gettext_lazy("专业代码"),
    gettext_lazy("合作院校"),
    gettext_lazy("培养模式"),
    gettext_lazy("年度"),
    gettext_lazy("当年招生人数"),
    gettext_lazy("年末在校生人数"),
)


def _through_columns(user: User) -> list[Column]:
    return [
        school_column(user),
        Column(TH_CODE, 10, to_fill=True, number_format="@"),
        Column(TH_PARTNER, 28, to_fill=True),
        Column(TH_MODE, 26, choices=ThroughMode.labels, to_fill=True),
        Column(TH_YEAR, 8, to_fill=True),
        Column(TH_INTAKE, 12, to_fill=True),
        Column(TH_ENROLLED, 14, to_fill=True),
    ]


def _through_parse(r: RowReader) -> ThroughEnrolment | None:
    school = r.school()
    code = r.text(TH_CODE, required=True, limit=10)
    partner = r.text(TH_PARTNER, required=True)
    mode = r.choice(TH_MODE, ThroughMode)
    year = r.year(TH_YEAR)
    intake = r.integer(TH_INTAKE, minimum=0, maximum=registry_services.MAX_ENROLMENT)
    enrolled = r.integer(TH_ENROLLED, minimum=0, maximum=registry_services.MAX_ENROLMENT)
    if r.errors or school is None:
        return None
    assert year is not None and intake is not None and enrolled is not None
    programme = ThroughProgramme.objects.filter(
        school=school, major__code="".join(code.split()), partner=partner, mode=mode
    ).first()
    if programme is None:
        r.problem(
            TH_PARTNER, _("未找到该贯通项目（学校、专业代码、合作院校、培养模式），请先登记项目")
        )
        return None
    if not programme.started_year <= year <= r.context.today.year:
        r.problem(
            TH_YEAR,
            _("年度应在 {first}（首次招生）至 {year} 年之间").format(
                first=programme.started_year, year=r.context.today.year
            ),
        )
    if intake > enrolled:
        r.problem(TH_INTAKE, _("当年招生人数不能超过年末在校生人数"))
    if r.errors:
        return None
    return ThroughEnrolment(programme=programme, year=year, intake=intake, enrolled=enrolled)


def _through_conflicts(items: list[ThroughEnrolment]) -> list[tuple[StrOrPromise, str] | None]:
    known = set(
        ThroughEnrolment.objects.filter(
            programme_id__in={e.programme_id for e in items}
        ).values_list("programme_id", "year")
    )
    return [
        (TH_YEAR, _("该项目 {year} 年的招生已登记，如需更正请在项目页面修改").format(year=e.year))
        if (e.programme_id, e.year) in known
        else None
        for e in items
    ]


THROUGH = ImportSpec(
    what=gettext_lazy("贯通项目年度招生"),
    model=ThroughEnrolment,
    columns=_through_columns,
    required=[TH_CODE, TH_PARTNER, TH_MODE, TH_YEAR, TH_INTAKE, TH_ENROLLED],
    parse=_through_parse,
    audit_fields=["programme", "year", "intake", "enrolled"],
    key=lambda e: (e.programme_id, e.year),
    key_column=TH_YEAR,
    conflicts=_through_conflicts,
)

THROUGH_EXPORT = [
    Column(gettext_lazy("学校"), 24),
    Column(gettext_lazy("专业代码"), 10),
    Column(gettext_lazy("专业名称"), 24),
    Column(gettext_lazy("合作院校"), 28),
    Column(gettext_lazy("培养模式"), 26),
    Column(gettext_lazy("年度"), 8),
    Column(gettext_lazy("当年招生人数"), 12),
    Column(gettext_lazy("年末在校生人数"), 14),
]


def through_export(*, user: User, items: Iterable[ThroughEnrolment]) -> bytes:
    rows = (
        [
            e.programme.school.name,
            e.programme.major.code,
            e.programme.major.name,
            e.programme.partner,
            e.programme.get_mode_display(),
            e.year,
            e.intake,
            e.enrolled,
        ]
        for e in items
    )
    return run_export(
        user=user,
        what=_("贯通项目年度招生"),
        model=ThroughEnrolment,
        columns=THROUGH_EXPORT,
        rows=rows,
    )


# ---------------------------------------------------------------- teams

TM_NAME, TM_GROUP, TM_LEVEL, TM_YEAR, TM_LEAD, TM_MEMBERS = (
    gettext_lazy("团队名称"),
    gettext_lazy("所属专业（群）"),
    gettext_lazy("级别"),
    gettext_lazy("立项年份"),
    gettext_lazy("负责人身份证号"),
    gettext_lazy("成员身份证号"),
)


def _team_columns(user: User) -> list[Column]:
    return [
        school_column(user),
        Column(TM_NAME, 30, to_fill=True),
        Column(TM_GROUP, 20),
        Column(TM_LEVEL, 8, choices=HonourLevel.labels),
        Column(TM_YEAR, 10, to_fill=True),
        Column(TM_LEAD, 22, to_fill=True, number_format="@"),
        Column(TM_MEMBERS, 48, wrap=True, number_format="@"),
    ]


def _teachers_by_number(
    r: RowReader, school: Unit, text: str, header: StrOrPromise
) -> list[Teacher]:
    numbers = [
        n
        for n in (
            p.strip()
            for p in text.replace("，", "、").replace(",", "、").replace("\n", "、").split("、")
        )
        if n
    ]
    found: list[Teacher] = []
    for number in numbers:
        teacher = (
            Teacher.objects.visible_to(r.context.user)
            .filter(
                school=school,
                left_on__isnull=True,
                id_lookup=lookup_digest(number, purpose=ID_PURPOSE),
            )
            .first()
        )
        if teacher is None:
            r.problem(
                header,
                _("{id_number} 不是{school}在职教师").format(
                    id_number=mask_id_number(number), school=school
                ),
            )
        else:
            found.append(teacher)
    return found


def _team_parse(r: RowReader) -> tuple[InnovationTeam, list[Teacher]] | None:
    school = r.school()
    name = r.text(TM_NAME, required=True)
    group = r.text(TM_GROUP, limit=100)
    level = r.choice(TM_LEVEL, HonourLevel, default=HonourLevel.CITY)
    year = r.year(TM_YEAR)
    lead_text = r.text(TM_LEAD, required=True, limit=30)
    members_text = r.row.text(TM_MEMBERS)
    if r.errors or school is None:
        return None
    leads = _teachers_by_number(r, school, lead_text, TM_LEAD)
    members = _teachers_by_number(r, school, members_text, TM_MEMBERS)
    if r.errors:
        return None
    assert year is not None
    lead = leads[0]
    members = [m for m in members if m.pk != lead.pk]
    if len(members) > registry_services.MAX_TEAM_MEMBERS:
        r.problem(
            TM_MEMBERS,
            _("团队成员不能超过 {maximum} 人").format(maximum=registry_services.MAX_TEAM_MEMBERS),
        )
        return None
    team = InnovationTeam(
        school=school, name=name, major_group=group, level=level, recognised_year=year, lead=lead
    )
    return team, members


def _team_conflicts(items: list[InnovationTeam]) -> list[tuple[StrOrPromise, str] | None]:
    known = set(
        InnovationTeam.objects.filter(school_id__in={t.school_id for t in items}).values_list(
            "school_id", "name"
        )
    )
    return [
        (TM_NAME, _("本校已登记同名团队")) if (t.school_id, t.name) in known else None
        for t in items
    ]


def _team_members(created: list[tuple[InnovationTeam, Any]], user: User) -> None:
    through = InnovationTeam.members.through
    through.objects.bulk_create(
        [
            through(innovationteam_id=team.pk, teacher_id=member.pk)
            for team, members in created
            for member in members
        ]
    )


TEAMS = ImportSpec(
    what=gettext_lazy("教学创新团队"),
    model=InnovationTeam,
    columns=_team_columns,
    required=[TM_NAME, TM_YEAR, TM_LEAD],
    parse=_team_parse,
    audit_fields=["school", "name", "level", "recognised_year", "lead"],
    key=lambda t: (t.school_id, t.name),
    key_column=TM_NAME,
    conflicts=_team_conflicts,
    after_create=_team_members,
)

TEAM_EXPORT = [
    Column(gettext_lazy("学校"), 24),
    Column(gettext_lazy("团队名称"), 30),
    Column(gettext_lazy("所属专业（群）"), 20),
    Column(gettext_lazy("级别"), 8),
    Column(gettext_lazy("立项年份"), 10),
    Column(gettext_lazy("负责人"), 12),
    Column(gettext_lazy("成员人数"), 10),
]


def teams_export(*, user: User, items: Iterable[InnovationTeam]) -> bytes:
    rows = (
        [
            t.school.name,
            t.name,
            t.major_group,
            t.get_level_display(),
            t.recognised_year,
            t.lead.name,
            getattr(t, "member_count", 0),
        ]
        for t in items
    )
    return run_export(
        user=user, what=_("教学创新团队"), model=InnovationTeam, columns=TEAM_EXPORT, rows=rows
    )


# ---------------------------------------------------------------- bases

BS_NAME, BS_KIND, BS_SCHOOL, BS_ENTERPRISE, BS_LEVEL, BS_YEAR, BS_NOTE = (
    gettext_lazy("基地名称"),
    gettext_lazy("基地类型"),
    gettext_lazy("依托学校"),
    gettext_lazy("合作企业"),
    gettext_lazy("级别"),
    gettext_lazy("认定年份"),
    gettext_lazy("说明"),
)


def _base_columns(user: User) -> list[Column]:
    school = school_column(user)
    return [
        Column(BS_NAME, 36, to_fill=True),
        Column(BS_KIND, 26, choices=BaseKind.labels),
        Column(BS_SCHOOL, school.width, choices=school.choices),
        Column(BS_ENTERPRISE, 30),
        Column(BS_LEVEL, 8, choices=HonourLevel.labels),
        Column(BS_YEAR, 10, to_fill=True),
        Column(BS_NOTE, 24),
    ]


def _enterprise(r: RowReader, text: str) -> Unit | None:
    wanted = normalize_header(text)
    for unit in Unit.objects.filter(kind=UnitKind.ENTERPRISE).only(
        "pk", "name", "short_name", "aliases", "kind"
    ):
        if wanted in {
            normalize_header(n) for n in [unit.name, unit.short_name, *(unit.aliases or [])] if n
        }:
            return unit
    r.problem(BS_ENTERPRISE, _("找不到企业“{text}”，请先在单位中登记该企业").format(text=text))
    return None


def _base_parse(r: RowReader) -> DualBase | None:
    name = r.text(BS_NAME, required=True)
    kind = r.choice(BS_KIND, BaseKind, default=BaseKind.TRAINING)
    school = r.school(BS_SCHOOL) if r.row.text(BS_SCHOOL) else None
    enterprise_text = r.text(BS_ENTERPRISE)
    enterprise = _enterprise(r, enterprise_text) if enterprise_text else None
    level = r.choice(BS_LEVEL, HonourLevel, default=HonourLevel.CITY)
    year = r.year(BS_YEAR)
    note = r.text(BS_NOTE, limit=300)
    if r.errors:
        return None
    assert year is not None
    values = registry_services.base_values(
        r.context.user,
        registry_services.BaseData(
            name=name,
            kind=kind,
            school=school,
            enterprise=enterprise,
            level=level,
            recognised_year=year,
            note=note,
        ),
    )
    return DualBase(**values)


def _base_conflicts(items: list[DualBase]) -> list[tuple[StrOrPromise, str] | None]:
    known = set(
        DualBase.objects.filter(name__in={b.name for b in items}).values_list("name", flat=True)
    )
    return [(BS_NAME, _("同名基地已经登记")) if b.name in known else None for b in items]


BASES = ImportSpec(
    what=gettext_lazy("“双师型”教师培养培训基地"),
    model=DualBase,
    columns=_base_columns,
    required=[BS_NAME, BS_YEAR],
    parse=_base_parse,
    audit_fields=["name", "kind", "school", "enterprise", "level", "recognised_year"],
    key=lambda b: b.name,
    key_column=BS_NAME,
    conflicts=_base_conflicts,
    message_columns=[
        (gettext_lazy("学校"), BS_SCHOOL),
        (gettext_lazy("企业"), BS_ENTERPRISE),
        (gettext_lazy("年份"), BS_YEAR),
    ],
)

BASE_EXPORT = [
    Column(gettext_lazy("基地名称"), 36),
    Column(gettext_lazy("基地类型"), 26),
    Column(gettext_lazy("依托学校"), 24),
    Column(gettext_lazy("合作企业"), 30),
    Column(gettext_lazy("级别"), 8),
    Column(gettext_lazy("认定年份"), 10),
    Column(gettext_lazy("说明"), 24),
]


def bases_export(*, user: User, items: Iterable[DualBase]) -> bytes:
    rows = (
        [
            b.name,
            b.get_kind_display(),
            b.school.name if b.school else "",
            b.enterprise.name if b.enterprise else "",
            b.get_level_display(),
            b.recognised_year,
            b.note,
        ]
        for b in items
    )
    return run_export(
        user=user,
        what=_("“双师型”教师培养培训基地"),
        model=DualBase,
        columns=BASE_EXPORT,
        rows=rows,
    )


__all__ = [
    "AWARDS",
    "BASES",
    "COMPETITIONS",
    "H_SCHOOL",
    "MAJORS",
    "STUDENTS",
    "TEAMS",
    "THROUGH",
    "TRAINING",
]
