"""People and achievements at volume: every school's teachers (with 双师型 grants near the plan's
90% and yearly enterprise practice), its students, the majors it runs, its social training each
year (about twice its enrolment in person-times, as task 9 asks) and the competitions its
students win.

Student ``i`` is the same person as credit-bank learner ``i`` (same name, 身份证号, school and
major; see :meth:`.orgs.World.student`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from zhijiao.people.data import (
    ID_PURPOSE,
    AwardRank,
    CompetitionCategory,
    CompetitionLevel,
    DualLevel,
    MajorLevel,
    SkillLevel,
    TeacherKind,
    Title,
    TraineeGroup,
    TrainingKind,
)
from zhijiao.people.models import (
    Award,
    Competition,
    DualQualification,
    EnterprisePractice,
    Major,
    Student,
    Teacher,
    TrainingRecord,
)

from .base import Context, cumulative, local_at, weighted_index
from .orgs import World

EVIDENCE_NAME = "people/dual/gendata/双师型认定文件.pdf"
EVIDENCE = b"%PDF-1.4\n% zhijiao generated evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FIRST_YEAR = 2021
KINDS = [
    (TeacherKind.PROFESSIONAL, 55),
    (TeacherKind.GENERAL, 25),
    (TeacherKind.PRACTICUM, 8),
    (TeacherKind.PART_TIME, 12),
]
TITLES = [Title.SENIOR_FULL, Title.SENIOR, Title.SENIOR, Title.INTERMEDIATE, Title.INTERMEDIATE]
TITLES += [Title.JUNIOR, Title.NONE]
SKILLS = [SkillLevel.TECHNICIAN, SkillLevel.SENIOR_WORKER, SkillLevel.SENIOR_TECHNICIAN]
SKILLS += [SkillLevel.INTERMEDIATE_WORKER, SkillLevel.NONE, SkillLevel.NONE]
MAJOR_LEVEL = {
    "higher": MajorLevel.HIGHER,
    "secondary": MajorLevel.SECONDARY,
    "technical": MajorLevel.TECHNICAL,
    "open": MajorLevel.HIGHER,
}
TRAINING_PROGRAMMES = [
    "数控加工技能提升",
    "工业机器人操作与运维",
    "电工（中级）",
    "焊工（初级）",
    "汽车维修工（中级）",
    "电子商务运营",
    "育婴员",
    "养老护理员",
    "企业班组长管理",
    "老年人智能技术运用",
    "叉车司机",
    "化工总控工（中级）",
]
GROUP_SHARES = [
    (TraineeGroup.TRANSFER, 0.35),
    (TraineeGroup.MIGRANT, 0.25),
    (TraineeGroup.HARD_TO_EMPLOY, 0.12),
    (TraineeGroup.LAID_OFF, 0.1),
    (TraineeGroup.VETERAN, 0.08),
    (TraineeGroup.OTHER, 0.1),
]
COMPETITIONS: list[tuple[str, str, str, str, list[str], float]] = [
    (
        "全国职业院校技能大赛",
        CompetitionLevel.NATIONAL,
        CompetitionCategory.SKILLS,
        "教育部等",
        ["数控综合应用技术", "工业机器人技术应用", "电子产品设计及制作", "现代物流综合作业"],
        0.7,
    ),
    (
        "江苏省职业院校技能大赛",
        CompetitionLevel.PROVINCIAL,
        CompetitionCategory.SKILLS,
        "江苏省教育厅",
        ["数控车加工技术", "机器人系统集成", "汽车机电维修", "服装设计与工艺", "会计技能"],
        3.0,
    ),
    (
        "江苏省职业院校创新创业大赛",
        CompetitionLevel.PROVINCIAL,
        CompetitionCategory.INNOVATION,
        "江苏省教育厅",
        ["创新创业项目"],
        0.6,
    ),
    (
        "江苏省技工院校技能大赛",
        CompetitionLevel.PROVINCIAL,
        CompetitionCategory.SKILLS,
        "江苏省人力资源和社会保障厅",
        ["焊工", "数控车工"],
        0.6,
    ),
    (
        "职业学校技能大赛（市级）",
        CompetitionLevel.CITY,
        CompetitionCategory.SKILLS,
        "市教育局、市人力资源和社会保障局",
        ["数控车", "电工", "电子商务", "中式烹调", "服装制作", "汽车维修"],
        4.5,
    ),
]
RANKS: dict[str, list[str]] = {
    CompetitionLevel.NATIONAL: [
        AwardRank.FIRST,
        AwardRank.SECOND,
        AwardRank.THIRD,
        AwardRank.THIRD,
    ],
    CompetitionLevel.PROVINCIAL: [
        AwardRank.FIRST,
        AwardRank.SECOND,
        AwardRank.THIRD,
        AwardRank.THIRD,
    ],
    CompetitionLevel.CITY: [AwardRank.FIRST, AwardRank.SECOND, AwardRank.THIRD, AwardRank.THIRD],
}
INCENTIVES: dict[tuple[str, str], int] = {
    (CompetitionLevel.NATIONAL, AwardRank.FIRST): 20_000,
    (CompetitionLevel.NATIONAL, AwardRank.SECOND): 10_000,
    (CompetitionLevel.NATIONAL, AwardRank.THIRD): 5_000,
    (CompetitionLevel.PROVINCIAL, AwardRank.FIRST): 5_000,
    (CompetitionLevel.PROVINCIAL, AwardRank.SECOND): 3_000,
    (CompetitionLevel.PROVINCIAL, AwardRank.THIRD): 1_000,
}
CHUNK = 20_000


def _evidence() -> str:
    if not default_storage.exists(EVIDENCE_NAME):
        return default_storage.save(EVIDENCE_NAME, ContentFile(EVIDENCE))
    return EVIDENCE_NAME


def _teachers(ctx: Context, world: World) -> None:
    scale = ctx.scale
    rng = ctx.rng("people:teachers")
    writer = ctx.writer
    crypto = ctx.crypto
    today = ctx.today
    total = scale.count(scale.teachers, minimum=len(world.schools))
    school_cdf = cumulative([s.weight for s in world.schools])
    kinds = [str(k) for k, _ in KINDS]
    kind_cdf = cumulative([w for _, w in KINDS])
    evidence = _evidence()
    enterprises = world.enterprises
    teacher_columns = [
        "id",
        "school",
        "name",
        "id_number",
        "id_lookup",
        "phone",
        "gender",
        "birth_year",
        "kind",
        "title",
        "skill_level",
        "employer",
        "hired_on",
        "left_on",
        "created_at",
        "updated_at",
    ]
    dual_columns = [
        "id",
        "teacher",
        "granted_on",
        "level",
        "evidence",
        "evidence_name",
        "evidence_type",
        "revoked_on",
        "revoke_reason",
        "recorded_by",
        "recorded_at",
    ]
    practice_columns = [
        "id",
        "teacher",
        "year",
        "enterprise",
        "days",
        "note",
        "recorded_by",
        "recorded_at",
    ]
    dual_id = practice_id = 1
    tick = ctx.ticker("教师", total)
    for start in range(0, total, CHUNK):
        teachers: list[tuple[Any, ...]] = []
        grants: list[tuple[Any, ...]] = []
        practices: list[tuple[Any, ...]] = []
        for index in range(start, min(start + CHUNK, total)):
            pk = index + 1
            person = world.teachers[index]
            school = world.schools[weighted_index(school_cdf, rng.random())]
            kind = kinds[weighted_index(kind_cdf, rng.random())]
            earliest = dt.date(person.birth.year + 23, 9, 1)
            hired = earliest + dt.timedelta(
                days=rng.randrange(0, max(1, (today - earliest).days - 30))
            )
            left = None
            if rng.random() < 0.05 and (today - hired).days > 400:
                left = hired + dt.timedelta(days=rng.randrange(365, (today - hired).days))
            part_time = kind == TeacherKind.PART_TIME
            employer = rng.choice(enterprises).name if part_time and enterprises else ""
            teachers.append(
                (
                    pk,
                    school.id,
                    person.name,
                    crypto.encrypt(person.id_number, "people_teacher", pk, "id_number"),
                    crypto.digest(person.id_number, ID_PURPOSE),
                    crypto.encrypt(person.phone, "people_teacher", pk, "phone"),
                    person.gender,
                    person.birth.year,
                    kind,
                    str(Title.NONE) if part_time else str(rng.choice(TITLES)),
                    str(rng.choice(SKILLS)),
                    employer,
                    hired.isoformat(),
                    left.isoformat() if left else None,
                    local_at(hired, 10),
                    local_at(left or hired, 10),
                )
            )
            if kind == TeacherKind.PROFESSIONAL and rng.random() < 0.88:
                granted = max(hired + dt.timedelta(days=30), dt.date(FIRST_YEAR - 2, 3, 1))
                granted += dt.timedelta(days=rng.randrange(0, 900))
                if granted < today and (left is None or granted <= left):
                    grants.append(
                        (
                            dual_id,
                            pk,
                            granted.isoformat(),
                            str(rng.choice(list(DualLevel))),
                            evidence,
                            "双师型认定文件.pdf",
                            "application/pdf",
                            None,
                            "",
                            school.clerk,
                            local_at(granted, 14),
                        )
                    )
                    dual_id += 1
            if kind in (TeacherKind.PROFESSIONAL, TeacherKind.PRACTICUM) and enterprises:
                for year in range(max(FIRST_YEAR, hired.year + 1), today.year + 1):
                    if left is not None and year > left.year:
                        break
                    if rng.random() < 0.55:
                        practices.append(
                            (
                                practice_id,
                                pk,
                                year,
                                rng.choice(enterprises).name,
                                rng.choice((10, 15, 20, 30, 30, 60)),
                                "",
                                school.clerk,
                                local_at(dt.date(year, rng.randint(7, 8), rng.randint(1, 28)), 16),
                            )
                        )
                        practice_id += 1
        writer.write(Teacher, teacher_columns, teachers, label="教师")
        writer.write(DualQualification, dual_columns, grants, label="双师型认定")
        writer.write(EnterprisePractice, practice_columns, practices, label="企业实践")
        tick(len(teachers))


def _students(ctx: Context, world: World) -> dict[int, list[int]]:
    """Writes the students; returns student ids by school (for awards)."""
    scale = ctx.scale
    writer = ctx.writer
    crypto = ctx.crypto
    total = scale.count(scale.students)
    numbers: dict[int, int] = {}
    by_school: dict[int, list[int]] = {}
    school_numbers = {s.id: n for n, s in enumerate(world.schools, start=1)}
    columns = [
        "id",
        "school",
        "name",
        "id_number",
        "id_lookup",
        "gender",
        "birth_year",
        "student_number",
        "major",
        "class_name",
        "enrolled_year",
        "created_at",
        "updated_at",
    ]
    tick = ctx.ticker("学生", total)
    for start in range(0, total, CHUNK):
        rows: list[tuple[Any, ...]] = []
        for index in range(start, min(start + CHUNK, total)):
            pk = index + 1
            person, school, (_code, major), enrolled = world.student(index)
            n = numbers[school.id] = numbers.get(school.id, 0) + 1
            by_school.setdefault(school.id, []).append(pk)
            registered = local_at(dt.date(enrolled, 9, 5), 10)
            rows.append(
                (
                    pk,
                    school.id,
                    person.name,
                    crypto.encrypt(person.id_number, "people_student", pk, "id_number"),
                    crypto.digest(person.id_number, ID_PURPOSE),
                    person.gender,
                    person.birth.year,
                    f"{enrolled}{school_numbers[school.id]:03d}{n:05d}",
                    major,
                    f"{major}{enrolled % 100:02d}级{n % 4 + 1}班",
                    enrolled,
                    registered,
                    registered,
                )
            )
        writer.write(Student, columns, rows, label="学生")
        tick(len(rows))
    return by_school


def _majors(ctx: Context, world: World) -> None:
    rng = ctx.rng("people:majors")
    rows = []
    pk = 1
    for school in world.schools:
        for code, name in school.majors:
            established = rng.randint(2005, 2021)
            rows.append(
                (
                    pk,
                    school.id,
                    code,
                    name,
                    str(MAJOR_LEVEL[school.kind]),
                    established,
                    True,
                    local_at(dt.date(2021, 9, 1), 10),
                )
            )
            pk += 1
    ctx.writer.write(
        Major,
        ["id", "school", "code", "name", "level", "established_year", "is_active", "created_at"],
        rows,
        label="专业",
    )


def _training(ctx: Context, world: World, students: dict[int, list[int]]) -> None:
    """Social training: each school delivers about twice its enrolment in person-times a year."""
    rng = ctx.rng("people:training")
    today = ctx.today
    rows = []
    pk = 1
    for school in world.schools:
        enrolment = len(students.get(school.id, ())) or 200
        for year in range(FIRST_YEAR, today.year + 1):
            last = today - dt.timedelta(days=1) if year == today.year else dt.date(year, 12, 31)
            goal = enrolment * rng.uniform(1.7, 2.4) * ((last.timetuple().tm_yday) / 365)
            batches = max(2, round(goal / 400))
            used: set[tuple[str, str, dt.date]] = set()
            for batch in range(batches):
                programme = TRAINING_PROGRAMMES[(batch + school.id) % len(TRAINING_PROGRAMMES)]
                ends = dt.date(year, 1, 20) + dt.timedelta(
                    days=rng.randrange(0, max(1, (last - dt.date(year, 1, 20)).days + 1))
                )
                starts = ends - dt.timedelta(days=rng.choice((5, 10, 14, 21, 30)))
                for group, share in GROUP_SHARES:
                    person_times = round(goal / batches * share * rng.uniform(0.8, 1.2))
                    key = (programme, str(group), starts)
                    if person_times < 1 or key in used:
                        continue
                    used.add(key)
                    rows.append(
                        (
                            pk,
                            school.id,
                            programme,
                            str(
                                TrainingKind.UPGRADING
                                if group == TraineeGroup.TRANSFER
                                else TrainingKind.EMPLOYMENT
                            ),
                            str(group),
                            person_times,
                            rng.choice((16, 24, 40, 80)),
                            starts.isoformat(),
                            ends.isoformat(),
                            "",
                            school.clerk,
                            local_at(ends, 16),
                            local_at(ends, 16),
                        )
                    )
                    pk += 1
    ctx.writer.write(
        TrainingRecord,
        [
            "id",
            "school",
            "programme",
            "kind",
            "target_group",
            "person_times",
            "hours",
            "starts_on",
            "ends_on",
            "partner",
            "recorded_by",
            "created_at",
            "updated_at",
        ],
        rows,
        label="社会培训",
    )


def _awards(ctx: Context, world: World, students: dict[int, list[int]]) -> None:
    """Competitions of each year since 2021 and the awards students won in them."""
    rng = ctx.rng("people:awards")
    today = ctx.today
    competitions = []
    awards = []
    c_id = a_id = 1
    schools = [s for s in world.schools if students.get(s.id)]
    school_cdf = cumulative([len(students[s.id]) for s in schools]) if schools else []
    # The city's 40,000 students win about ten awards a track a year in the named competitions.
    per_city = max(0.2, ctx.scale.count(ctx.scale.students) / len(world.cities) / 4_000)
    for year in range(FIRST_YEAR, today.year):
        held_on = dt.date(year, 5, 20)
        for name, level, category, organiser, tracks, per_track in COMPETITIONS:
            for track in tracks:
                competitions.append(
                    (
                        c_id,
                        name,
                        year,
                        track,
                        str(level),
                        str(category),
                        organiser,
                        None,
                        local_at(held_on, 10),
                    )
                )
                count = round(per_track * per_city * rng.uniform(0.6, 1.4)) if schools else 0
                winners: set[int] = set()
                for _ in range(count):
                    school = schools[weighted_index(school_cdf, rng.random())]
                    student = rng.choice(students[school.id])
                    if student in winners:
                        continue
                    winners.add(student)
                    rank = rng.choice(RANKS[level])
                    amount = INCENTIVES.get((level, rank))
                    awards.append(
                        (
                            a_id,
                            c_id,
                            student,
                            None,
                            school.id,
                            str(rank),
                            f"{amount}.00" if amount else None,
                            (held_on + dt.timedelta(days=90)).isoformat() if amount else None,
                            "",
                            school.clerk,
                            local_at(held_on + dt.timedelta(days=14), 10),
                        )
                    )
                    a_id += 1
                c_id += 1
    ctx.writer.write(
        Competition,
        [
            "id",
            "name",
            "year",
            "track",
            "level",
            "category",
            "organiser",
            "registered_by_unit",
            "created_at",
        ],
        competitions,
        label="赛事",
    )
    ctx.writer.write(
        Award,
        [
            "id",
            "competition",
            "student",
            "teacher",
            "school",
            "rank",
            "incentive_amount",
            "incentive_paid_on",
            "note",
            "recorded_by",
            "recorded_at",
        ],
        awards,
        label="获奖",
    )


def generate(ctx: Context) -> None:
    world: World = ctx.world
    ctx.step("人员与成果：教师、学生、专业、社会培训、获奖")
    _teachers(ctx, world)
    students = _students(ctx, world)
    _majors(ctx, world)
    _training(ctx, world, students)
    _awards(ctx, world, students)
