"""`zhijiao demopeople`: the people registries filled from 2021 on, so that the counted targets are
computed from records that tell a story. Everything is fictitious; names and 身份证号 are generated
(valid check digits, region 320281, born from 1989 on), with a fixed seed, so two demos look alike.

- Teachers of every school: the 双师型 share climbs from about 70–80% in 2021 to 90% or just above
  by 2025 at 江阴职院, 江阴中专 and 澄西技校, while 华姿中专 and 江阴开大 stay behind.
- Students; competitions and awards 2021 onwards with the incentives paid for provincial, national
  and world awards.
- The 技能雏鹰 rounds: every past year published with 100 honoured; this year's round in the joint
  review, 教育局 done, 科技局 part way, 人社局 just begun.
- Social training: 华姿中专 falls short of 2 × its full-time enrolment every year.
- Majors with their recognitions (10 高水平专业（群） reached only in 2025, 4 of the 5 brand majors),
  中高职贯通 programmes, 9 of the 10 innovation teams, the 5 双师型 bases.

Runs after `zhijiao loadplan` and `zhijiao demo`; a second run says so and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django.utils.translation import gettext
from stdnum.cn import ric

from zhijiao.core import audit
from zhijiao.core.models import AuditAction
from zhijiao.core.personal import lookup_digest
from zhijiao.orgs.models import Unit, UnitKind, User
from zhijiao.orgs.roles import Role
from zhijiao.people import eaglet_services
from zhijiao.people.data import (
    ID_PURPOSE,
    AwardRank,
    BaseKind,
    CompetitionCategory,
    CompetitionLevel,
    EagletRoundStatus,
    EagletStage,
    Gender,
    HonourLevel,
    MajorLevel,
    NominationStatus,
    ObjectionOutcome,
    RecognitionKind,
    SkillLevel,
    TeacherKind,
    ThroughMode,
    Title,
    TraineeGroup,
    TrainingKind,
)
from zhijiao.people.eaglet_services import bureaus_find
from zhijiao.people.models import (
    Award,
    Competition,
    DualBase,
    DualQualification,
    EagletNomination,
    EagletObjection,
    EagletQuota,
    EagletReview,
    EagletRound,
    EnterprisePractice,
    InnovationTeam,
    Major,
    MajorRecognition,
    Student,
    Teacher,
    ThroughEnrolment,
    ThroughProgramme,
    TrainingRecord,
)

DEMO_PASSWORD = "Zhijiao#2026demo"  # noqa: S105 - the demo accounts' published password
REGION = "320281"  # 江阴市 (since 1987): born from 1989 on, the code is right for everyone
FIRST_YEAR = 2021
ZY, ZZ, HZ, KD, CX = (
    "江阴职业技术学院",
    "江阴中等专业学校",
    "江阴市华姿中等专业学校",
    "江阴开放大学",
    "澄西技校",
)
SCHOOLS = [ZY, ZZ, HZ, KD, CX]

# Professional teachers on the staff at the end of 2021…2025, and the 双师型 share aimed at (%).
STAFF: dict[str, tuple[list[int], list[int]]] = {
    ZY: ([400, 408, 415, 422, 430], [78, 82, 86, 89, 92]),
    ZZ: ([220, 224, 228, 232, 236], [75, 79, 83, 87, 91]),
    HZ: ([160, 163, 166, 169, 172], [64, 68, 73, 78, 83]),
    KD: ([55, 56, 57, 59, 60], [60, 63, 66, 70, 75]),
    CX: ([140, 142, 145, 147, 150], [72, 76, 80, 85, 90]),
}
# Full-time enrolment (as the schools report it) and social training as a multiple of it.
ENROLMENT = {
    ZY: [8600, 8750, 8900, 9050, 9200],
    ZZ: [4000, 4100, 4200, 4300, 4400],
    HZ: [3000, 3050, 3100, 3150, 3200],
    KD: [1400, 1450, 1500, 1550, 1600],
    CX: [2400, 2480, 2550, 2630, 2700],
}
TRAINING_RATIO = {ZY: 2.4, ZZ: 2.25, HZ: 1.7, KD: 5.5, CX: 3.0}
GROUP_SHARES = [
    (TraineeGroup.HARD_TO_EMPLOY, 0.12),
    (TraineeGroup.LAID_OFF, 0.08),
    (TraineeGroup.TRANSFER, 0.30),
    (TraineeGroup.VETERAN, 0.05),
    (TraineeGroup.MIGRANT, 0.25),
    (TraineeGroup.OTHER, 0.20),
]
PROGRAMMES = {
    ZY: [
        "数控加工技能提升",
        "工业机器人操作与运维",
        "电工（中级）",
        "智能制造产线运维",
        "跨境电商实务",
    ],
    ZZ: ["汽车维修工（中级）", "电子商务运营", "计算机操作员", "焊工（初级）", "育婴员"],
    HZ: ["服装制版与工艺", "西式面点师", "茶艺师", "养老护理员"],
    KD: ["社区治理能力提升", "家庭教育指导", "老年人智能技术运用", "企业班组长管理"],
    CX: ["焊工（高级）", "钳工（中级）", "船舶涂装工", "数控车工（中级）", "起重装卸机械操作工"],
}
PARTNERS = [
    "澄江特钢股份有限公司（演示）",
    "长江新材料科技有限公司（演示）",
    "",
    "",
    "",
]
# Majors of each school: (code, name, level, year opened).
MAJORS: dict[str, list[tuple[str, str, str, int]]] = {
    ZY: [
        ("460103", "数控技术", MajorLevel.HIGHER, 2003),
        ("460301", "机电一体化技术", MajorLevel.HIGHER, 2002),
        ("460305", "工业机器人技术", MajorLevel.HIGHER, 2016),
        ("460701", "汽车制造与试验技术", MajorLevel.HIGHER, 2012),
        ("470201", "应用化工技术", MajorLevel.HIGHER, 2008),
        ("480405", "服装设计与工艺", MajorLevel.HIGHER, 2005),
        ("510101", "电子信息工程技术", MajorLevel.HIGHER, 2006),
        ("510201", "计算机应用技术", MajorLevel.HIGHER, 2002),
        ("530302", "大数据与会计", MajorLevel.HIGHER, 2004),
        ("530802", "现代物流管理", MajorLevel.HIGHER, 2010),
    ],
    ZZ: [
        ("660103", "数控技术应用", MajorLevel.SECONDARY, 1998),
        ("660301", "机电技术应用", MajorLevel.SECONDARY, 2000),
        ("700206", "汽车运用与维修", MajorLevel.SECONDARY, 2004),
        ("710201", "计算机应用", MajorLevel.SECONDARY, 1999),
        ("730302", "会计事务", MajorLevel.SECONDARY, 1996),
        ("730701", "电子商务", MajorLevel.SECONDARY, 2014),
    ],
    HZ: [
        ("680403", "服装设计与工艺", MajorLevel.SECONDARY, 1995),
        ("740201", "中餐烹饪", MajorLevel.SECONDARY, 2006),
        ("750101", "艺术设计与制作", MajorLevel.SECONDARY, 2011),
        ("730701", "电子商务", MajorLevel.SECONDARY, 2016),
    ],
    KD: [
        ("530302", "大数据与会计", MajorLevel.HIGHER, 2010),
        ("530701", "电子商务", MajorLevel.HIGHER, 2015),
    ],
    CX: [
        ("0102", "数控加工（数控车工）", MajorLevel.TECHNICAL, 2001),
        ("0107", "焊接加工", MajorLevel.TECHNICAL, 1999),
        ("0201", "电气自动化设备安装与维修", MajorLevel.TECHNICAL, 2003),
        ("0401", "汽车维修", MajorLevel.TECHNICAL, 2008),
        ("0307", "船舶修造", MajorLevel.TECHNICAL, 2005),
    ],
}
# Recognitions: school → [(major code, kind, year granted, group name)].
RECOGNITIONS: dict[str, list[tuple[str, str, int, str]]] = {
    ZY: [
        ("460301", RecognitionKind.HIGH_LEVEL, 2021, "智能制造专业群"),
        ("510101", RecognitionKind.HIGH_LEVEL, 2021, "电子信息专业群"),
        ("460305", RecognitionKind.HIGH_LEVEL, 2022, "工业机器人专业群"),
        ("470201", RecognitionKind.HIGH_LEVEL, 2022, "精细化工专业群"),
        ("530802", RecognitionKind.HIGH_LEVEL, 2023, "现代物流专业群"),
        ("460103", RecognitionKind.PROVINCIAL_BRAND, 2019, ""),
    ],
    ZZ: [
        ("660103", RecognitionKind.HIGH_LEVEL, 2021, "数控技术专业群"),
        ("700206", RecognitionKind.HIGH_LEVEL, 2022, "汽车运用专业群"),
        ("730701", RecognitionKind.HIGH_LEVEL, 2023, "电子商务专业群"),
    ],
    HZ: [
        ("680403", RecognitionKind.HIGH_LEVEL, 2022, "服装设计专业群"),
        ("740201", RecognitionKind.HIGH_LEVEL, 2025, "烹饪专业群"),
    ],
    CX: [
        ("0107", RecognitionKind.BRAND, 2021, ""),
        ("0102", RecognitionKind.BRAND, 2022, ""),
        ("0307", RecognitionKind.BRAND, 2023, ""),
        ("0201", RecognitionKind.BRAND, 2025, ""),
    ],
}
# 贯通 programmes: school → [(major code, partner college, mode, first intake, intake per year)].
THROUGH: dict[str, list[tuple[str, str, str, int, int]]] = {
    ZY: [
        ("460301", "江阴职业技术学院（五年制）", ThroughMode.FIVE_YEAR, 2016, 160),
        ("510201", "江阴职业技术学院（五年制）", ThroughMode.FIVE_YEAR, 2018, 110),
    ],
    ZZ: [
        ("660103", "江阴职业技术学院", ThroughMode.SEGMENTED_3_3, 2017, 120),
        ("700206", "无锡职业技术学院", ThroughMode.SEGMENTED_3_3, 2018, 90),
        ("730701", "江苏理工学院", ThroughMode.SEGMENTED_3_4, 2021, 40),
    ],
    HZ: [("680403", "无锡工艺职业技术学院", ThroughMode.SEGMENTED_3_3, 2017, 100)],
    CX: [("0107", "无锡职业技术学院", ThroughMode.SEGMENTED_3_2, 2019, 90)],
}
# Teaching innovation teams: school → [(name, major group, year)].
TEAMS: dict[str, list[tuple[str, str, int]]] = {
    ZY: [
        ("智能制造教师教学创新团队", "智能制造专业群", 2021),
        ("电子信息教师教学创新团队", "电子信息专业群", 2022),
        ("精细化工教师教学创新团队", "精细化工专业群", 2023),
        ("现代物流教师教学创新团队", "现代物流专业群", 2024),
    ],
    ZZ: [
        ("数控技术应用教学创新团队", "数控技术专业群", 2021),
        ("汽车运用与维修教学创新团队", "汽车运用专业群", 2023),
        ("电子商务教学创新团队", "电子商务专业群", 2025),
    ],
    HZ: [("服装设计与工艺教学创新团队", "服装设计专业群", 2022)],
    CX: [("焊接加工教学创新团队", "焊接加工", 2023)],
}
# 双师型 bases: (name, school, enterprise, kind, year).
BASES: list[tuple[str, str | None, str | None, str, int]] = [
    ("江阴职院智能制造“双师型”教师培养培训基地", ZY, None, BaseKind.TRAINING, 2021),
    ("江阴中专汽车运用“双师型”教师培养培训基地", ZZ, None, BaseKind.TRAINING, 2022),
    ("江阴职院—澄江特钢“双师型”教师培养培训基地", ZY, PARTNERS[0], BaseKind.TRAINING, 2023),
    ("澄西技校船舶修造“双师型”教师培养培训基地", CX, None, BaseKind.TRAINING, 2023),
    ("江阴中专电子商务“双师型”教师培养培训基地", ZZ, None, BaseKind.TRAINING, 2025),
    ("长江新材料教师企业实践基地", None, PARTNERS[1], BaseKind.PRACTICE, 2022),
]
# 技能雏鹰: each school's quota and how many of its nominees are honoured each year.
EAGLET_QUOTAS = {ZY: 38, ZZ: 33, HZ: 17, KD: 6, CX: 17}
EAGLET_HONOURED = {ZY: 35, ZZ: 30, HZ: 15, KD: 5, CX: 15}
# Competitions: (name, level, category, organiser, tracks, awards a year across the city).
COMPETITIONS: list[tuple[str, str, str, str, list[str], int]] = [
    (
        "全国职业院校技能大赛",
        CompetitionLevel.NATIONAL,
        CompetitionCategory.SKILLS,
        "教育部等",
        ["数控综合应用技术", "工业机器人技术应用", "电子产品设计及制作", "现代物流综合作业"],
        7,
    ),
    (
        "全国职业院校技能大赛教学能力比赛",
        CompetitionLevel.NATIONAL,
        CompetitionCategory.TEACHING,
        "教育部",
        ["专业课程一组"],
        1,
    ),
    (
        "江苏省职业院校技能大赛",
        CompetitionLevel.PROVINCIAL,
        CompetitionCategory.SKILLS,
        "江苏省教育厅",
        [
            "数控车加工技术",
            "机器人系统集成",
            "汽车机电维修",
            "服装设计与工艺",
            "会计技能",
            "焊接技术",
        ],
        30,
    ),
    (
        "江苏省职业院校创新创业大赛",
        CompetitionLevel.PROVINCIAL,
        CompetitionCategory.INNOVATION,
        "江苏省教育厅",
        ["创新创业项目"],
        6,
    ),
    (
        "江苏省技工院校技能大赛",
        CompetitionLevel.PROVINCIAL,
        CompetitionCategory.SKILLS,
        "江苏省人力资源和社会保障厅",
        ["焊工", "数控车工"],
        6,
    ),
    (
        "江阴市职业学校技能大赛",
        CompetitionLevel.CITY,
        CompetitionCategory.SKILLS,
        "江阴市教育局、江阴市人力资源和社会保障局",
        ["数控车", "电工", "电子商务", "中式烹调", "服装制作", "汽车维修"],
        45,
    ),
]
RANKS: dict[str, list[str]] = {
    CompetitionLevel.WORLD: [AwardRank.SILVER, AwardRank.MERIT],
    CompetitionLevel.NATIONAL: [
        AwardRank.FIRST,
        AwardRank.SECOND,
        AwardRank.THIRD,
        AwardRank.THIRD,
    ],
    CompetitionLevel.PROVINCIAL: [
        AwardRank.FIRST,
        AwardRank.SECOND,
        AwardRank.SECOND,
        AwardRank.THIRD,
        AwardRank.THIRD,
    ],
    CompetitionLevel.CITY: [AwardRank.FIRST, AwardRank.SECOND, AwardRank.THIRD, AwardRank.THIRD],
}
# The incentive (元) by level and rank; the plan rewards world, national and provincial winners.
INCENTIVES: dict[tuple[str, str], int] = {
    (CompetitionLevel.WORLD, AwardRank.SILVER): 100_000,
    (CompetitionLevel.WORLD, AwardRank.MERIT): 30_000,
    (CompetitionLevel.NATIONAL, AwardRank.FIRST): 20_000,
    (CompetitionLevel.NATIONAL, AwardRank.SECOND): 10_000,
    (CompetitionLevel.NATIONAL, AwardRank.THIRD): 5_000,
    (CompetitionLevel.PROVINCIAL, AwardRank.FIRST): 5_000,
    (CompetitionLevel.PROVINCIAL, AwardRank.SECOND): 3_000,
    (CompetitionLevel.PROVINCIAL, AwardRank.THIRD): 1_000,
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏宇浩凯健俊帆帅旭宁欣悦晨阳婷雪琳晶颖倩瑶佳怡梓涵子轩浩然一诺雨泽思远嘉懿梦琪天佑诗雨俊杰文博梓萱"
REASONS = [
    "刻苦钻研专业技能，在省级职业院校技能大赛中获奖，多次参加学校技能节展示。",
    "专业成绩名列前茅，取得相关职业技能等级证书，积极参加志愿服务和社会实践。",
    "在企业跟岗实习中表现突出，获得合作企业好评，具有良好的职业素养和工匠精神。",
    "担任班级技能兴趣小组负责人，带动同学共同进步，参加市级技能大赛获一等奖。",
    "勤学苦练、精益求精，在创新创业大赛中带领团队完成项目并获奖。",
]


class Command(BaseCommand):
    help = (
        "载入人员与成果演示数据：教师、学生、获奖、技能雏鹰、社会培训、专业、团队、基地（均为虚构）"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", help="以该日期为“今天”（YYYY-MM-DD），默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        if Student.objects.exists() or EagletRound.objects.exists():
            self.stdout.write(gettext("人员与成果演示数据已存在，未重复载入。"))
            return
        office = User.objects.filter(username="office", role=Role.PLAN_OFFICE).first()
        if office is None:
            raise CommandError(
                gettext("请先运行 zhijiao loadplan 和 zhijiao demo 建立单位和演示账号")
            )
        missing = [name for name in SCHOOLS if not Unit.objects.filter(name=name).exists()]
        if missing:
            raise CommandError(
                gettext("缺少学校单位：{schools}（请先运行 zhijiao demo）").format(
                    schools="、".join(missing)
                )
            )
        self.today = (
            dt.date.fromisoformat(options["today"])
            if options.get("today")
            else timezone.localdate()
        )
        self.current = self.today.year
        self.years = list(range(FIRST_YEAR, self.current + 1))
        self.rng = random.Random(2021)  # noqa: S311 - demo data, not security
        self.tz = timezone.get_current_timezone()
        self.office = office
        self.schools = {name: Unit.objects.get(name=name) for name in SCHOOLS}
        self.used_ids: set[str] = set()
        self.phone_seq = 0
        # The notices the services send go to the in-app inbox; no mail from a demo load (mail
        # leaves when the transaction commits, so the whole load runs under the setting).
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            self.users = self._users()
            teachers = self._teachers()
            students = self._students()
            awards = self._awards(teachers, students)
            rounds = self._eaglets(students)
            training = self._training()
            majors = self._majors()
            teams = self._teams(teachers)
            bases = self._bases()
            self._current_round(students)
            audit.record(
                AuditAction.CREATE,
                actor=office,
                object_type=Teacher._meta.label,
                message="载入人员与成果演示数据",
            )
        self.stdout.write(
            gettext(
                "人员与成果演示数据已载入：教师 {teachers} 人，学生 {students} 人，"
                "获奖 {awards} 条，技能雏鹰 {rounds} 届，社会培训 {training} 条，专业 {majors} 个，"
                "教学创新团队 {teams} 个，双师型基地 {bases} 个。"
            ).format(
                teachers=sum(len(t) for t in teachers.values()),
                students=sum(len(s) for s in students.values()),
                awards=awards,
                rounds=rounds,
                training=training,
                majors=majors,
                teams=teams,
                bases=bases,
            )
        )

    # ---------------------------------------------------------------- helpers

    def _when(self, day: dt.date, hour: int = 10) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, self.rng.randint(0, 59)), tzinfo=self.tz)

    def _day(
        self, year: int, first: tuple[int, int] = (1, 1), last: tuple[int, int] = (12, 31)
    ) -> dt.date:
        start, end = dt.date(year, *first), dt.date(year, *last)
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def _id_number(self, born: dt.date, male: bool) -> str:
        while True:
            sequence = self.rng.randint(0, 99) * 10 + int(
                self.rng.choice("13579" if male else "02468")
            )
            body = f"{REGION}{born:%Y%m%d}{sequence:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def _name(self) -> str:
        given = self.rng.choice(GIVEN) + (self.rng.choice(GIVEN) if self.rng.random() < 0.7 else "")
        return self.rng.choice(SURNAMES) + given

    def _person(self, born_from: int, born_to: int) -> dict[str, Any]:
        born = self._day(self.rng.randint(born_from, born_to))
        male = self.rng.random() < 0.55
        number = self._id_number(born, male)
        return {
            "name": self._name(),
            "id_number": number,
            "id_lookup": lookup_digest(number, purpose=ID_PURPOSE),
            "gender": Gender.MALE if male else Gender.FEMALE,
            "birth_year": born.year,
        }

    def _users(self) -> dict[str, User]:
        """The reviewing bureaus' liaisons: 教育局 and 人社局 exist; 科技局 gets one."""
        science = Unit.objects.filter(name="科技局").first()
        if science is not None and not User.objects.filter(username="kjj").exists():
            user = User(
                username="kjj",
                full_name="徐联络员",
                role=Role.UNIT_LIAISON,
                unit=science,
                email="kjj@demo.zhijiao.invalid",
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            audit.record(AuditAction.CREATE, obj=user, actor=self.office, message="演示账号")
        return {u.username: u for u in User.objects.filter(username__in=["jyj", "kjj", "rsj"])}

    # ---------------------------------------------------------------- teachers

    def _teachers(self) -> dict[str, list[Teacher]]:
        evidence = default_storage.save(
            "people/dual/demo/双师型认定文件.pdf",
            ContentFile(
                b"%PDF-1.4\n% zhijiao demo evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
            ),
        )
        by_school: dict[str, list[Teacher]] = {}
        grants: list[DualQualification] = []
        practices: list[EnterprisePractice] = []
        for name in SCHOOLS:
            school = self.schools[name]
            counts, shares = STAFF[name]
            pros: list[Teacher] = []
            # The staff of 2021, then each year's hires (growth and replacements) and leavers.
            for _ in range(counts[0] + 3):
                pros.append(
                    self._teacher(school, TeacherKind.PROFESSIONAL, self.rng.randint(2012, 2021))
                )
            for i, year in enumerate(range(FIRST_YEAR, FIRST_YEAR + len(counts))):
                staff = [t for t in pros if t.left_on is None and t.hired_on.year < year]
                for t in self.rng.sample(staff, max(1, len(staff) // 70)):
                    t.left_on = dt.date(year, 7, 15)  # leaves in summer; replaced in September
                on_staff = sum(1 for t in pros if t.left_on is None)
                for _ in range(max(0, counts[i] - on_staff)):
                    pros.append(
                        self._teacher(
                            school, TeacherKind.PROFESSIONAL, year, hired=dt.date(year, 9, 1)
                        )
                    )
            for year in range(FIRST_YEAR + len(counts), self.current + 1):
                for _ in range(2):
                    pros.append(
                        self._teacher(
                            school, TeacherKind.PROFESSIONAL, year, hired=dt.date(year, 9, 1)
                        )
                    )
            grants += self._grants(pros, counts, shares, evidence)
            others = [
                self._teacher(school, kind, self.rng.randint(2012, 2024))
                for kind, share in (
                    (TeacherKind.GENERAL, 0.22),
                    (TeacherKind.PRACTICUM, 0.05),
                    (TeacherKind.PART_TIME, 0.06),
                )
                for _ in range(round(counts[-1] * share))
            ]
            by_school[name] = pros + others
        every = [t for ts in by_school.values() for t in ts]
        Teacher.objects.bulk_create(every, batch_size=1000)
        audit.record_bulk_create(
            every,
            ["school", "name", "kind", "title", "hired_on"],
            actor=self.office,
            message="演示数据",
        )
        for g in grants:
            g.teacher_id = g.teacher.pk
        DualQualification.objects.bulk_create(grants, batch_size=1000)
        for year in self.years:
            for t in every:
                if (
                    t.kind == TeacherKind.PROFESSIONAL
                    and t.hired_on.year < year
                    and (t.left_on is None or t.left_on.year > year)
                    and self.rng.random() < 0.3
                    and year < self.current + (1 if self.today.month > 8 else 0)
                ):
                    practices.append(
                        EnterprisePractice(
                            teacher=t,
                            year=year,
                            enterprise=self.rng.choice(PARTNERS[:2]),
                            days=self.rng.choice([10, 15, 20, 30]),
                            recorded_by=self.office,
                            recorded_at=self._when(dt.date(year, 8, 31)),
                        )
                    )
        EnterprisePractice.objects.bulk_create(practices, batch_size=2000)
        return by_school

    def _teacher(self, school: Unit, kind: str, year: int, hired: dt.date | None = None) -> Teacher:
        person = self._person(1989, min(2000, year - 22))
        hired_on = hired or max(dt.date(year, 9, 1), dt.date(person["birth_year"] + 22, 9, 1))
        self.phone_seq += 1
        title = self.rng.choice(
            [
                Title.SENIOR_FULL,
                Title.SENIOR,
                Title.SENIOR,
                Title.INTERMEDIATE,
                Title.INTERMEDIATE,
                Title.JUNIOR,
            ]
        )
        return Teacher(
            school=school,
            phone=f"139{(self.phone_seq * 7919) % 100_000_000:08d}",
            kind=kind,
            title=title if kind != TeacherKind.PART_TIME else Title.NONE,
            skill_level=self.rng.choice(
                [
                    SkillLevel.TECHNICIAN,
                    SkillLevel.SENIOR_WORKER,
                    SkillLevel.SENIOR_TECHNICIAN,
                    SkillLevel.NONE,
                ]
            ),
            employer=self.rng.choice(PARTNERS[:2]) if kind == TeacherKind.PART_TIME else "",
            hired_on=hired_on,
            created_at=self._when(hired_on),
            updated_at=self._when(hired_on),
            **person,
        )

    def _grants(
        self, pros: list[Teacher], counts: list[int], shares: list[int], evidence: str
    ) -> list[DualQualification]:
        """双师型 grants so that each year's share at 31 December is the one aimed at."""
        grants: list[DualQualification] = []
        dual: set[int] = set()  # indexes into pros
        for i, share in enumerate(shares):
            year = FIRST_YEAR + i
            end = dt.date(year, 12, 31)
            employed = [
                k
                for k, t in enumerate(pros)
                if t.hired_on <= end and (t.left_on is None or t.left_on >= end)
            ]
            held = [k for k in employed if k in dual]
            wanted = round(len(employed) * share / 100)
            candidates = [k for k in employed if k not in dual]
            for k in sorted(candidates, key=lambda k: pros[k].hired_on)[
                : max(0, wanted - len(held))
            ]:
                t = pros[k]
                granted = max(t.hired_on + dt.timedelta(days=30), self._day(year, (3, 1), (11, 30)))
                if year == FIRST_YEAR and t.hired_on.year < FIRST_YEAR - 1:
                    granted = max(
                        t.hired_on + dt.timedelta(days=30),
                        self._day(
                            self.rng.randint(t.hired_on.year + 1, FIRST_YEAR), (3, 1), (11, 30)
                        ),
                    )
                grants.append(
                    DualQualification(
                        teacher=t,
                        granted_on=min(granted, end),
                        level=self.rng.choice(["junior", "intermediate", "senior"]),
                        evidence=evidence,
                        evidence_name="双师型认定文件.pdf",
                        evidence_type="application/pdf",
                        recorded_by=self.office,
                        recorded_at=self._when(min(granted, end)),
                    )
                )
                dual.add(k)
        return grants

    # ---------------------------------------------------------------- students

    def _students(self) -> dict[str, list[Student]]:
        """Students of each school enrolled 2018 onwards: enough for the awards and nominations."""
        result: dict[str, list[Student]] = {}
        for name in SCHOOLS:
            school = self.schools[name]
            majors = [m[1] for m in MAJORS[name]]
            age = 18 if name in (ZY, KD) else 15
            students = []
            per_year = EAGLET_QUOTAS[name] + 30
            for year in range(FIRST_YEAR - 3, self.current + 1):
                for n in range(per_year):
                    person = self._person(max(1989, year - age - 1), max(1989, year - age))
                    major = self.rng.choice(majors)
                    students.append(
                        Student(
                            school=school,
                            student_number=f"{year}{n + 1:04d}",
                            major=major,
                            class_name=f"{major[:2]}{str(year)[2:]}{self.rng.randint(1, 4):02d}",
                            enrolled_year=year,
                            created_at=self._when(dt.date(year, 9, 10)),
                            updated_at=self._when(dt.date(year, 9, 10)),
                            **person,
                        )
                    )
            result[name] = students
        every = [s for ss in result.values() for s in ss]
        Student.objects.bulk_create(every, batch_size=1000)
        audit.record_bulk_create(
            every,
            ["school", "name", "major", "enrolled_year"],
            actor=self.office,
            message="演示数据",
        )
        return result

    def _in_school(self, students: list[Student], year: int) -> list[Student]:
        return [s for s in students if year - 2 <= s.enrolled_year <= year]

    # ---------------------------------------------------------------- competitions and awards

    def _awards(
        self, teachers: dict[str, list[Teacher]], students: dict[str, list[Student]]
    ) -> int:
        weights = {ZY: 0.38, ZZ: 0.27, HZ: 0.13, KD: 0.04, CX: 0.18}
        awards: list[Award] = []
        for year in self.years:
            held = dt.date(year, 5, 20)
            if held > self.today:
                continue
            catalogue = list(COMPETITIONS)
            if year == 2022:
                catalogue.append(
                    (
                        "世界技能大赛特别赛",
                        CompetitionLevel.WORLD,
                        CompetitionCategory.SKILLS,
                        "世界技能组织",
                        ["数控铣", "焊接"],
                        2,
                    )
                )
            for name, level, category, organiser, tracks, count in catalogue:
                comps = [
                    Competition(
                        name=f"{year}年{name}" if level != CompetitionLevel.WORLD else name,
                        year=year,
                        track=track,
                        level=level,
                        category=category,
                        organiser=organiser,
                        registered_by_unit=self.office.unit,
                        created_at=self._when(held),
                    )
                    for track in tracks
                ]
                Competition.objects.bulk_create(comps)
                taken: set[tuple[int, int]] = set()
                for _ in range(count):
                    school = self.rng.choices(SCHOOLS, weights=[weights[s] for s in SCHOOLS])[0]
                    if name.startswith("江苏省技工") and school != CX:
                        school = CX
                    competition = self.rng.choice(comps)
                    if category == CompetitionCategory.TEACHING:
                        pool: Sequence[Any] = [
                            t
                            for t in teachers[school]
                            if t.kind == TeacherKind.PROFESSIONAL
                            and t.hired_on.year < year
                            and (t.left_on is None or t.left_on.year > year)
                        ]
                    else:
                        pool = self._in_school(students[school], year)
                    person = self.rng.choice(list(pool))
                    if (competition.pk, person.pk) in taken:
                        continue
                    taken.add((competition.pk, person.pk))
                    rank = self.rng.choice(RANKS[level])
                    amount = INCENTIVES.get((level, rank))
                    paid = (
                        dt.date(year + 1, 3, 15)
                        if amount and dt.date(year + 1, 3, 15) <= self.today
                        else None
                    )
                    awards.append(
                        Award(
                            competition=competition,
                            student=person if isinstance(person, Student) else None,
                            teacher=person if isinstance(person, Teacher) else None,
                            school=self.schools[school],
                            rank=rank,
                            incentive_amount=Decimal(amount) if amount else None,
                            incentive_paid_on=paid,
                            recorded_by=self.office,
                            recorded_at=self._when(held + dt.timedelta(days=30)),
                        )
                    )
        Award.objects.bulk_create(awards, batch_size=1000)
        audit.record_bulk_create(
            awards, ["competition", "school", "rank"], actor=self.office, message="演示数据"
        )
        return len(awards)

    # ---------------------------------------------------------------- 技能雏鹰

    def _round(self, year: int, status: str) -> EagletRound:
        bureaus = bureaus_find()
        if len(bureaus) < len(EagletStage.values):
            raise CommandError(
                gettext("未找到教育局、科技局、人社局单位（请先运行 zhijiao loadplan）")
            )
        return EagletRound.objects.create(
            year=year,
            title=f"{year}年度江阴市职业学校学生“技能雏鹰”评选",
            places=100,
            status=status,
            nomination_opens=dt.date(year, 9, 1),
            nomination_closes=dt.date(year, 10, 31),
            education_unit=bureaus[EagletStage.EDUCATION],
            science_unit=bureaus[EagletStage.SCIENCE],
            labour_unit=bureaus[EagletStage.LABOUR],
            created_at=self._when(dt.date(year, 8, 20)),
        )

    def _eaglets(self, students: dict[str, list[Student]]) -> int:
        """Every past year's round, published with 100 honoured (written as history)."""
        reviewers = {
            EagletStage.EDUCATION: self.users["jyj"],
            EagletStage.SCIENCE: self.users.get("kjj") or self.office,
            EagletStage.LABOUR: self.users["rsj"],
        }
        past = [y for y in self.years if y < self.current]
        for year in past:
            round_ = self._round(year, EagletRoundStatus.PUBLISHED)
            notice = dt.date(year, 12, 1)
            nominations: list[EagletNomination] = []
            honoured_by_school: dict[str, int] = {}
            for name in SCHOOLS:
                pool = self._in_school(students[name], year)
                chosen = self.rng.sample(pool, EAGLET_QUOTAS[name])
                EagletQuota.objects.create(
                    round=round_,
                    school=self.schools[name],
                    places=EAGLET_QUOTAS[name],
                    nominated=len(chosen),
                )
                honoured_by_school[name] = 0
                for k, s in enumerate(chosen):
                    rejected = k >= EAGLET_QUOTAS[name] - 1 and name in (ZY, ZZ)
                    if rejected:
                        status = NominationStatus.REJECTED
                    elif honoured_by_school[name] < EAGLET_HONOURED[name]:
                        status = NominationStatus.HONOURED
                        honoured_by_school[name] += 1
                    else:
                        status = NominationStatus.ENDORSED
                    nominations.append(
                        EagletNomination(
                            round=round_,
                            student=s,
                            school=self.schools[name],
                            reasons=self.rng.choice(REASONS),
                            achievements=f"{year}年参加市级以上技能竞赛并获奖；取得职业技能等级证书。",
                            status=status,
                            nominated_by=self.office,
                            nominated_at=self._when(dt.date(year, 10, self.rng.randint(8, 30))),
                            decided_at=self._when(dt.date(year, 11, 20)),
                        )
                    )
            EagletNomination.objects.bulk_create(nominations)
            reviews = []
            for n in nominations:
                for stage, reviewer in reviewers.items():
                    disagree = (
                        n.status == NominationStatus.REJECTED and stage == EagletStage.SCIENCE
                    )
                    reviews.append(
                        EagletReview(
                            nomination=n,
                            stage=stage,
                            agreed=not disagree,
                            comment="推荐材料中的获奖证书无法核实" if disagree else "",
                            reviewer=reviewer,
                            reviewed_at=self._when(dt.date(year, 11, self.rng.randint(3, 15))),
                        )
                    )
            EagletReview.objects.bulk_create(reviews)
            if year == past[-1]:
                objected = next(n for n in nominations if n.status == NominationStatus.HONOURED)
                EagletObjection.objects.create(
                    nomination=objected,
                    received_on=notice + dt.timedelta(days=2),
                    content="反映该生获奖证书为团体赛证书，个人事迹有夸大。",
                    outcome=ObjectionOutcome.DISMISSED,
                    finding="经核实，该生为团体赛主力队员，个人事迹属实，异议不成立。",
                    recorded_by=self.office,
                    resolved_by=self.office,
                    resolved_at=self._when(notice + dt.timedelta(days=4)),
                )
            EagletRound.objects.filter(pk=round_.pk).update(
                selected=sum(honoured_by_school.values()),
                notice_starts=notice,
                notice_ends=notice + dt.timedelta(days=6),
                published_on=notice + dt.timedelta(days=10),
            )
        return len(past)

    def _current_round(self, students: dict[str, list[Student]]) -> None:
        """This year's round, run through the services: nominations made in the window, the joint
        review under way (教育局 done, 科技局 part way, 人社局 just begun)."""
        year = self.current
        opens, closes = dt.date(year, 9, 1), dt.date(year, 10, 31)
        if self.today < opens:
            return
        round_ = eaglet_services.eaglet_round_create(
            user=self.office,
            data=eaglet_services.RoundData(
                year=year, nomination_opens=opens, nomination_closes=closes
            ),
            today=self.today,
        )
        for name in SCHOOLS:
            eaglet_services.eaglet_quota_set(
                user=self.office,
                round_=round_,
                school=self.schools[name],
                places=EAGLET_QUOTAS[name],
            )
        eaglet_services.eaglet_round_advance(user=self.office, round_=round_, today=self.today)
        nominated: list[EagletNomination] = []
        during = min(self.today, dt.date(year, 10, 20))
        for name in SCHOOLS:
            pool = self._in_school(students[name], year)
            for s in self.rng.sample(pool, EAGLET_QUOTAS[name] - (2 if name == HZ else 0)):
                nominated.append(
                    eaglet_services.eaglet_nominate(
                        user=self.office,
                        round_=round_,
                        student=s,
                        reasons=self.rng.choice(REASONS),
                        achievements=f"{year}年参加市级以上技能竞赛并获奖。",
                        today=during,
                    )
                )
        if self.today <= closes:
            return
        eaglet_services.eaglet_round_advance(user=self.office, round_=round_, today=self.today)
        shares = {"jyj": 1.0, "kjj": 0.6, "rsj": 0.25}
        for username, share in shares.items():
            user = self.users.get(username)
            if user is None:
                continue
            for n in nominated[: round(len(nominated) * share)]:
                n.refresh_from_db()
                if n.status != NominationStatus.NOMINATED:
                    continue
                if username == "kjj" and self.rng.random() < 0.03:
                    eaglet_services.eaglet_review(
                        user=user,
                        nomination=n,
                        agreed=False,
                        comment="推荐材料中的获奖证书无法核实，请学校补充。",
                    )
                else:
                    eaglet_services.eaglet_review(user=user, nomination=n, agreed=True)

    # ---------------------------------------------------------------- social training

    def _training(self) -> int:
        records: list[TrainingRecord] = []
        for name in SCHOOLS:
            school = self.schools[name]
            for i, year in enumerate(self.years):
                enrolment = ENROLMENT[name][min(i, len(ENROLMENT[name]) - 1)]
                total = enrolment * TRAINING_RATIO[name] * (1 + self.rng.uniform(-0.04, 0.04))
                last = dt.date(year, 12, 31) if year < self.current else self.today
                if last < dt.date(year, 2, 1):
                    continue
                if year == self.current:
                    total *= last.timetuple().tm_yday / 366
                programmes = PROGRAMMES[name]
                batches = max(4, round(total / 600))
                for b in range(batches):
                    ends = self._day(
                        year, (1, 20), (last.month, last.day) if year == self.current else (12, 31)
                    )
                    ends = min(ends, last)
                    starts = ends - dt.timedelta(days=self.rng.choice([5, 10, 14, 21, 30]))
                    programme = programmes[b % len(programmes)]
                    for group, share in GROUP_SHARES:
                        person_times = round(total / batches * share * self.rng.uniform(0.8, 1.2))
                        if person_times < 1:
                            continue
                        records.append(
                            TrainingRecord(
                                school=school,
                                programme=f"{programme}（第{b // len(programmes) + 1}期）",
                                kind=TrainingKind.EMPLOYMENT
                                if group != TraineeGroup.OTHER
                                else TrainingKind.UPGRADING,
                                target_group=group,
                                person_times=person_times,
                                hours=self.rng.choice([16, 24, 40, 56, 80]),
                                starts_on=starts,
                                ends_on=ends,
                                partner=self.rng.choice(PARTNERS),
                                recorded_by=self.office,
                                created_at=self._when(min(ends + dt.timedelta(days=3), self.today)),
                            )
                        )
        seen: set[tuple[Any, ...]] = set()
        unique = []
        for r in records:
            key = (r.school_id, r.programme, r.target_group, r.starts_on)
            if key not in seen:
                seen.add(key)
                unique.append(r)
        TrainingRecord.objects.bulk_create(unique, batch_size=2000)
        return len(unique)

    # ---------------------------------------------------------------- majors, teams, bases

    def _majors(self) -> int:
        count = 0
        for name in SCHOOLS:
            school = self.schools[name]
            majors = {
                code: Major.objects.create(
                    school=school, code=code, name=title, level=level, established_year=opened
                )
                for code, title, level, opened in MAJORS[name]
            }
            count += len(majors)
            for code, kind, year, group in RECOGNITIONS.get(name, []):
                if year > self.current:
                    continue
                MajorRecognition.objects.create(
                    major=majors[code],
                    kind=kind,
                    group_name=group,
                    granted_year=year,
                    granted_by="江苏省教育厅"
                    if kind != RecognitionKind.BRAND
                    else "江苏省人力资源和社会保障厅",
                    recorded_by=self.office,
                )
            for code, partner, mode, first, intake in THROUGH.get(name, []):
                programme = ThroughProgramme.objects.create(
                    school=school,
                    major=majors[code],
                    partner=partner,
                    mode=mode,
                    started_year=first,
                )
                length = 5 if mode == ThroughMode.FIVE_YEAR else 3
                intakes = {
                    y: round(intake * (1 + 0.06 * (y - FIRST_YEAR)))
                    for y in range(first, self.current + 1)
                }
                ThroughEnrolment.objects.bulk_create(
                    [
                        ThroughEnrolment(
                            programme=programme,
                            year=y,
                            intake=intakes[y],
                            enrolled=round(
                                sum(intakes[z] for z in intakes if y - length < z <= y) * 0.97
                            ),
                        )
                        for y in range(max(first, FIRST_YEAR), self.current + 1)
                    ]
                )
        return count

    def _teams(self, teachers: dict[str, list[Teacher]]) -> int:
        count = 0
        for name, teams in TEAMS.items():
            pool = [
                t
                for t in teachers[name]
                if t.kind == TeacherKind.PROFESSIONAL and t.left_on is None
            ]
            for team_name, group, year in teams:
                if year > self.current:
                    continue
                members = self.rng.sample(pool, 7)
                team = InnovationTeam.objects.create(
                    school=self.schools[name],
                    name=team_name,
                    major_group=group,
                    level=HonourLevel.CITY,
                    recognised_year=year,
                    lead=members[0],
                )
                team.members.set(members[1:])
                count += 1
        return count

    def _bases(self) -> int:
        enterprises = {u.name: u for u in Unit.objects.filter(kind=UnitKind.ENTERPRISE)}
        bases = [
            DualBase(
                name=name,
                school=self.schools[school] if school else None,
                enterprise=enterprises.get(enterprise) if enterprise else None,
                kind=kind,
                level=HonourLevel.CITY,
                recognised_year=year,
            )
            for name, school, enterprise, kind, year in BASES
            if year <= self.current and (school or enterprises.get(enterprise or ""))
        ]
        DualBase.objects.bulk_create(bases)
        return len(bases)
