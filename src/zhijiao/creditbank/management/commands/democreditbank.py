"""`zhijiao democreditbank`: the credit bank's demo — the 1+X certificate catalogue with the real
evaluation organisations, majors and courses of Jiangyin's schools, a few hundred learners (one
school's opened by 集体开户 from Excel) with histories of outcomes, versioned rules with caps,
applications in every state, objections, a revocation, a name correction, a mutual recognition,
an erasure, transcript shares, and a signed ledger checkpoint.

Everything goes through the module's services, as a user would; people and numbers are
fictitious (the site says so on every page). A fixed seed makes two demos alike; a second run
says the data is there and changes nothing. Needs the units and accounts of ``zhijiao loadplan``
and ``zhijiao demo``.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from stdnum.cn import ric

from zhijiao.core.errors import ServiceError
from zhijiao.creditbank import imports, ledger, services
from zhijiao.creditbank.data import (
    ApplicationAction,
    ApplicationStatus,
    EducationLevel,
    LearnerData,
    OutcomeData,
    OutcomeType,
    RuleData,
    RuleInputData,
    RuleOutputData,
)
from zhijiao.creditbank.models import (
    Application,
    ApplicationEvent,
    Certificate,
    ConversionRule,
    Course,
    Learner,
    Outcome,
    Programme,
)
from zhijiao.orgs.models import Unit, User

SEED = 2021
X = OutcomeType.CERTIFICATE_1X
Q = OutcomeType.QUALIFICATION

# 1+X 职业技能等级证书 and their 培训评价组织 (as published by the Ministry of Education), and two
# skill-level certificates; codes are the demo's own.
CERTIFICATES: list[tuple[str, str, str, str, list[int]]] = [
    ("1X-GYJQR-CZYW", "工业机器人操作与运维", X, "北京新奥时代科技有限责任公司", [1, 2, 3]),
    ("1X-GYJQR-YYBC", "工业机器人应用编程", X, "北京赛育达科教有限责任公司", [1, 2, 3]),
    ("1X-SKCX", "数控车铣加工", X, "武汉华中数控股份有限公司", [1, 2, 3]),
    ("1X-ZNZZ", "智能制造生产管理与控制", X, "西门子（中国）有限公司", [1, 2, 3]),
    ("1X-WLGL", "物流管理", X, "北京中物联物流采购培训中心", [1, 2, 3]),
    ("1X-DSSJFX", "电子商务数据分析", X, "北京博导前程信息技术股份有限公司", [1, 2, 3]),
    ("1X-WDYY", "网店运营推广", X, "中教畅享（北京）科技有限公司", [1, 2, 3]),
    ("1X-BIM", "建筑信息模型（BIM）", X, "廊坊市中科建筑产业化创新研究中心", [1, 2, 3]),
    ("1X-QCYY", "汽车运用与维修（含智能新能源汽车）", X, "北京中车行高新技术有限公司", [1, 2, 3]),
    ("1X-WEBQD", "Web前端开发", X, "工业和信息化部教育与考试中心", [1, 2, 3]),
    ("1X-MYHL", "母婴护理", X, "济南阳光大姐服务有限责任公司", [1, 2, 3]),
    ("1X-YEZH", "幼儿照护", X, "湖南金职伟业母婴护理有限公司", [1, 2, 3]),
    ("1X-ZNCS", "智能财税", X, "中联集团教育科技有限公司", [1, 2, 3]),
    ("1X-YCYT", "业财一体信息化应用", X, "新道科技股份有限公司", [1, 2, 3]),
    ("1X-TSHJ", "特殊焊接技术", X, "中船舰客教育科技（北京）有限公司", [1, 2, 3]),
    ("ZG-DG", "电工", Q, "江阴市职业技能等级认定机构（演示）", [1, 2, 3, 4, 5]),
    ("ZG-CG", "车工", Q, "江阴市职业技能等级认定机构（演示）", [1, 2, 3, 4, 5]),
]

HIGHER, SECONDARY, OPEN = EducationLevel.HIGHER, EducationLevel.SECONDARY, EducationLevel.OPEN
# School → programmes (《职业教育专业目录（2021年）》 code, name, level, diploma credits, courses).
PROGRAMMES: dict[str, list[tuple[str, str, str, int, list[tuple[str, str, float]]]]] = {
    "江阴职业技术学院": [
        (
            "460305",
            "工业机器人技术",
            HIGHER,
            150,
            [
                ("GY101", "工业机器人编程与调试", 4),
                ("GY102", "工业机器人系统运维", 4),
                ("GY103", "PLC 应用技术", 4),
                ("GY104", "智能制造生产线管控", 3),
                ("GY105", "机械制图与 CAD", 4),
                ("GY106", "电工电子技术", 4),
            ],
        ),
        (
            "460103",
            "数控技术",
            HIGHER,
            150,
            [
                ("SK101", "数控车削编程与加工", 4),
                ("SK102", "数控铣削编程与加工", 4),
                ("SK103", "CAD/CAM 应用", 3),
                ("SK104", "机械制造技术", 4),
            ],
        ),
        (
            "530701",
            "电子商务",
            HIGHER,
            140,
            [
                ("DS101", "电子商务数据分析", 4),
                ("DS102", "网店运营与推广", 4),
                ("DS103", "网络营销", 3),
            ],
        ),
        (
            "530802",
            "现代物流管理",
            HIGHER,
            140,
            [
                ("WL101", "仓储与配送管理", 4),
                ("WL102", "供应链管理", 3),
                ("WL103", "物流信息技术", 3),
            ],
        ),
        (
            "510201",
            "计算机应用技术",
            HIGHER,
            145,
            [
                ("JS101", "Web 前端开发", 4),
                ("JS102", "JavaScript 程序设计", 4),
                ("JS103", "数据库应用", 3),
            ],
        ),
        (
            "440301",
            "建筑工程技术",
            HIGHER,
            145,
            [
                ("JZ101", "建筑信息模型（BIM）建模", 4),
                ("JZ102", "建筑工程识图", 4),
            ],
        ),
    ],
    "江阴中等专业学校": [
        (
            "660301",
            "机电技术应用",
            SECONDARY,
            170,
            [
                ("ZJ101", "电工技术基础与技能", 4),
                ("ZJ102", "机械基础", 3),
                ("ZJ103", "工业机器人基础应用", 4),
                ("ZJ104", "可编程控制器应用", 4),
            ],
        ),
        (
            "700206",
            "汽车运用与维修",
            SECONDARY,
            170,
            [
                ("QC101", "汽车发动机构造与维修", 4),
                ("QC102", "汽车底盘构造与维修", 4),
                ("QC103", "汽车电气设备维修", 4),
            ],
        ),
        (
            "730701",
            "电子商务",
            SECONDARY,
            160,
            [("ZD101", "网店运营", 4), ("ZD102", "电子商务基础", 3)],
        ),
    ],
    "江阴市华姿中等专业学校": [
        (
            "770101",
            "幼儿保育",
            SECONDARY,
            160,
            [
                ("HZ101", "婴幼儿生活照护", 4),
                ("HZ102", "婴幼儿营养与喂养", 3),
                ("HZ103", "幼儿卫生保健", 3),
            ],
        ),
    ],
    "江阴开放大学": [
        (
            "530302",
            "大数据与会计",
            OPEN,
            80,
            [
                ("KD101", "智能财税实务", 4),
                ("KD102", "财务会计", 4),
                ("KD103", "业财一体化应用", 3),
            ],
        ),
    ],
    "澄西技校": [
        (
            "660103",
            "数控技术应用",
            SECONDARY,
            160,
            [
                ("CX101", "数控车床加工", 4),
                ("CX102", "焊接技术", 4),
                ("CX103", "钳工工艺", 3),
            ],
        ),
    ],
}


@dataclass(frozen=True)
class RuleSpecDemo:
    code: str
    school: str  # of the programme
    major: str
    title: str
    inputs: list[tuple[str, int]]  # certificate code, minimum level
    outputs: list[str]
    valid_from: dt.date = dt.date(2021, 9, 1)
    valid_to: dt.date | None = None
    by_school: bool = False
    yearly_cap: int | None = None
    max_age_years: int | None = None


RULES: list[RuleSpecDemo] = [
    # Version 1 converted into one course; version 2 (from the 2023 school year) into two.
    RuleSpecDemo(
        "JYZY-GY-01",
        "江阴职业技术学院",
        "460305",
        "工业机器人操作与运维证书转换",
        [("1X-GYJQR-CZYW", 2)],
        ["GY102"],
        valid_to=dt.date(2023, 8, 31),
        yearly_cap=20,
    ),
    RuleSpecDemo(
        "JYZY-GY-01",
        "江阴职业技术学院",
        "460305",
        "工业机器人操作与运维证书转换",
        [("1X-GYJQR-CZYW", 2)],
        ["GY101", "GY102"],
        valid_from=dt.date(2023, 9, 1),
        yearly_cap=20,
    ),
    RuleSpecDemo(
        "JYZY-GY-02",
        "江阴职业技术学院",
        "460305",
        "应用编程与电工证书组合转换",
        [("1X-GYJQR-YYBC", 1), ("ZG-DG", 2)],
        ["GY103"],
        yearly_cap=20,
    ),
    RuleSpecDemo(
        "JYZY-GY-03",
        "江阴职业技术学院",
        "460305",
        "智能制造生产管理与控制证书转换",
        [("1X-ZNZZ", 1)],
        ["GY104"],
        by_school=True,
    ),
    RuleSpecDemo(
        "JYZY-SK-01",
        "江阴职业技术学院",
        "460103",
        "数控车铣加工证书转换",
        [("1X-SKCX", 2)],
        ["SK101", "SK102"],
        max_age_years=5,
    ),
    RuleSpecDemo(
        "JYZY-DS-01",
        "江阴职业技术学院",
        "530701",
        "电子商务数据分析证书转换",
        [("1X-DSSJFX", 2)],
        ["DS101"],
    ),
    RuleSpecDemo(
        "JYZY-DS-02",
        "江阴职业技术学院",
        "530701",
        "网店运营推广证书转换",
        [("1X-WDYY", 1)],
        ["DS102"],
    ),
    RuleSpecDemo(
        "JYZY-WL-01",
        "江阴职业技术学院",
        "530802",
        "物流管理证书转换",
        [("1X-WLGL", 2)],
        ["WL101", "WL102"],
    ),
    RuleSpecDemo(
        "JYZY-JS-01",
        "江阴职业技术学院",
        "510201",
        "Web前端开发证书转换",
        [("1X-WEBQD", 2)],
        ["JS101", "JS102"],
    ),
    RuleSpecDemo(
        "JYZY-JZ-01", "江阴职业技术学院", "440301", "BIM 证书转换", [("1X-BIM", 1)], ["JZ101"]
    ),
    RuleSpecDemo(
        "JYZZ-JD-01",
        "江阴中等专业学校",
        "660301",
        "工业机器人操作与运维证书转换",
        [("1X-GYJQR-CZYW", 1)],
        ["ZJ103"],
        by_school=True,
    ),
    RuleSpecDemo(
        "JYZZ-JD-02",
        "江阴中等专业学校",
        "660301",
        "电工证书转换",
        [("ZG-DG", 1)],
        ["ZJ101"],
        by_school=True,
    ),
    RuleSpecDemo(
        "JYZZ-QC-01",
        "江阴中等专业学校",
        "700206",
        "汽车运用与维修证书转换",
        [("1X-QCYY", 1)],
        ["QC101", "QC102"],
    ),
    RuleSpecDemo(
        "JYZZ-DS-01",
        "江阴中等专业学校",
        "730701",
        "网店运营推广证书转换",
        [("1X-WDYY", 1)],
        ["ZD101"],
    ),
    RuleSpecDemo(
        "HZZZ-YB-01",
        "江阴市华姿中等专业学校",
        "770101",
        "幼儿照护证书转换",
        [("1X-YEZH", 1)],
        ["HZ101"],
    ),
    RuleSpecDemo(
        "HZZZ-YB-02",
        "江阴市华姿中等专业学校",
        "770101",
        "母婴护理证书转换",
        [("1X-MYHL", 1)],
        ["HZ102"],
    ),
    RuleSpecDemo(
        "JYKD-KJ-01",
        "江阴开放大学",
        "530302",
        "智能财税证书转换",
        [("1X-ZNCS", 2)],
        ["KD101"],
        yearly_cap=12,
    ),
    RuleSpecDemo(
        "JYKD-KJ-02",
        "江阴开放大学",
        "530302",
        "业财一体信息化应用证书转换",
        [("1X-YCYT", 1)],
        ["KD103"],
        yearly_cap=12,
    ),
    RuleSpecDemo(
        "CXJX-SK-01", "澄西技校", "660103", "数控车铣加工证书转换", [("1X-SKCX", 1)], ["CX101"]
    ),
    RuleSpecDemo(
        "CXJX-HJ-01", "澄西技校", "660103", "特殊焊接技术证书转换", [("1X-TSHJ", 1)], ["CX102"]
    ),
]

# Which certificates learners of a major tend to hold.
MAJOR_CERTIFICATES: dict[str, list[str]] = {
    "460305": ["1X-GYJQR-CZYW", "1X-GYJQR-YYBC", "ZG-DG", "1X-ZNZZ"],
    "460103": ["1X-SKCX", "ZG-CG"],
    "530701": ["1X-DSSJFX", "1X-WDYY"],
    "530802": ["1X-WLGL"],
    "510201": ["1X-WEBQD"],
    "440301": ["1X-BIM"],
    "660301": ["1X-GYJQR-CZYW", "ZG-DG"],
    "700206": ["1X-QCYY"],
    "730701": ["1X-WDYY"],
    "770101": ["1X-YEZH", "1X-MYHL"],
    "530302": ["1X-ZNCS", "1X-YCYT"],
    "660103": ["1X-SKCX", "1X-TSHJ", "ZG-CG"],
}
# The schools whose demo clerks (zhijiao demo) review applications.
CLERKS = {"江阴职业技术学院": "jyzy", "江阴中等专业学校": "jyzz", "澄西技校": "cxjx"}
BULK_SCHOOL = "江阴中等专业学校"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺顾毛郝龚邵万钱严覃武戴莫孔向常"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力永林云飞鹏宇浩凯晨欣怡梓涵子轩雨桐佳琪思远嘉懿晓峰志刚海燕春梅振华国庆"

# Weights of where an application's story stops.
STATES = [
    ("credited", 48),
    ("in_notice", 8),
    ("objection", 3),
    ("bank_approved", 6),
    ("school_approved", 6),
    ("submitted", 8),
    ("draft", 5),
    ("returned", 5),
    ("rejected", 5),
    ("withdrawn", 4),
]
RETURN_COMMENTS = [
    "请补充证书扫描件",
    "证书编号与查询结果不一致，请核对",
    "请上传清晰的证书原件照片",
]
REJECT_COMMENTS = ["所选证书与申请专业不对应", "证书等级未达到规则要求", "经核实成果材料不完整"]


@dataclass
class Story:
    learners: list[Learner] = field(default_factory=list)


class Command(BaseCommand):
    help = "载入学分银行演示数据：证书目录、各校专业课程、学习者、成果、规则、各状态申请（数据均为虚构）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--learners", type=int, default=300, help="学习者人数（默认 300）")
        parser.add_argument("--today", help="以该日期为“今天”（YYYY-MM-DD），默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        if Certificate.objects.filter(code=CERTIFICATES[0][0]).exists():
            self.stdout.write(_("学分银行演示数据已存在，未重复载入。"))
            return
        office = User.objects.filter(username="office").first()
        if office is None or not all(
            Unit.objects.filter(name=name).exists() for name in PROGRAMMES
        ):
            raise CommandError(
                _(
                    "请先载入实施方案和演示单位："
                    "zhijiao loadplan data/plans/jiangyin-2021-vet-reform-plan.txt && zhijiao demo"
                )
            )
        today = (
            dt.date.fromisoformat(options["today"])
            if options.get("today")
            else timezone.localdate()
        )
        count = max(20, int(options["learners"]))
        rng = random.Random(SEED)  # noqa: S311 - demo data, not security
        # Mail goes nowhere: the demo's notifications stay in the site.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            services.reproducible_codes(SEED),
            transaction.atomic(),
        ):
            self.office = office
            self.today = today
            self.rng = rng
            self._catalogue()
            self._rules()
            story = self._learners(count)
            self._applications(story)
            self._extras(story)
        checkpoint = ledger.checkpoint_create()
        report = ledger.verify()
        by_status = Counter(Application.objects.values_list("status", flat=True))
        states = "，".join(
            f"{label} {by_status[value]}"
            for value, label in ApplicationStatus.choices
            if by_status[value]
        )
        self.stdout.write(
            _(
                "学分银行演示数据已载入：{learners} 名学习者，{outcomes} 项学习成果，"
                "{rules} 条规则（含版本），{applications} 份申请（{states}），账本 {entries} 条，"
                "检查点第 {checkpoint} 号{verdict}。"
            ).format(
                learners=len(story.learners),
                outcomes=Outcome.objects.count(),
                rules=ConversionRule.objects.count(),
                applications=Application.objects.count(),
                states=states,
                entries=report.entries,
                checkpoint=checkpoint.seq,
                verdict=_("，账本完好") if report.intact else _("，账本校验未通过！"),
            )
        )

    # ------------------------------------------------------------ catalogue and rules

    def _catalogue(self) -> None:
        for code, name, kind, organisation, levels in CERTIFICATES:
            services.certificate_add(
                user=self.office,
                code=code,
                name=name,
                outcome_type=kind,
                organisation=organisation,
                levels=levels,
            )
        for school_name, programmes in PROGRAMMES.items():
            school = Unit.objects.get(name=school_name)
            for major_code, major_name, level, total, courses in programmes:
                programme = services.programme_add(
                    user=self.office,
                    school=school,
                    major_code=major_code,
                    major_name=major_name,
                    education_level=level,
                    total_credits=Decimal(total),
                )
                for code, name, credits in courses:
                    services.course_add(
                        user=self.office,
                        programme=programme,
                        code=code,
                        name=name,
                        credits=Decimal(str(credits)),
                    )

    def _programme(self, school: str, major: str) -> Programme:
        return Programme.objects.select_related("school").get(school__name=school, major_code=major)

    def _rules(self) -> None:
        for spec in RULES:
            programme = self._programme(spec.school, spec.major)
            author = self.office
            publisher = None
            if spec.by_school and spec.school in CLERKS:
                author = User.objects.get(username=CLERKS[spec.school])
                publisher = programme.school.pk
            data = RuleData(
                code=spec.code,
                title=spec.title,
                programme_id=programme.pk,
                valid_from=spec.valid_from,
                valid_to=spec.valid_to,
                inputs=tuple(RuleInputData(certificate=c, min_level=lv) for c, lv in spec.inputs),
                outputs=tuple(
                    RuleOutputData(course_id=Course.objects.get(programme=programme, code=c).pk)
                    for c in spec.outputs
                ),
                publisher_id=publisher,
                yearly_cap=Decimal(spec.yearly_cap) if spec.yearly_cap else None,
                max_age_years=spec.max_age_years,
                note="演示规则" + ("（学校发布）" if publisher else "（学分银行发布）"),
            )
            rule = services.rule_create(user=author, data=data)
            services.rule_publish(user=author, rule=rule)
        # A version drafted for next year, not yet published.
        robot = self._programme("江阴职业技术学院", "460305")
        services.rule_create(
            user=self.office,
            data=RuleData(
                code="JYZY-GY-03",
                title="智能制造生产管理与控制证书转换（修订稿）",
                programme_id=robot.pk,
                valid_from=dt.date(self.today.year + 1, 9, 1),
                inputs=(RuleInputData(certificate="1X-ZNZZ", min_level=2),),
                outputs=(
                    RuleOutputData(course_id=Course.objects.get(programme=robot, code="GY104").pk),
                    RuleOutputData(course_id=Course.objects.get(programme=robot, code="GY103").pk),
                ),
                note="征求意见中",
            ),
        )
        # A mutual recognition rule: 江阴职院 accepts 江阴中专's 电工 course (中高职贯通).
        source = Course.objects.get(
            programme=self._programme("江阴中等专业学校", "660301"), code="ZJ101"
        )
        rule = services.rule_create(
            user=User.objects.get(username="jyzy"),
            data=RuleData(
                code="JYZY-HR-01",
                title="江阴中专电工技术课程学分互认",
                programme_id=robot.pk,
                valid_from=dt.date(2022, 9, 1),
                inputs=(RuleInputData(course_id=source.pk),),
                outputs=(
                    RuleOutputData(course_id=Course.objects.get(programme=robot, code="GY106").pk),
                ),
                publisher_id=robot.school.pk,
                note="中高职贯通培养学分互认",
            ),
        )
        services.rule_publish(user=User.objects.get(username="jyzy"), rule=rule)

    # ------------------------------------------------------------ learners and outcomes

    def _person(self, index: int, used: set[str]) -> tuple[str, str, str]:
        rng = self.rng
        while True:
            born = dt.date(1989, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 19))
            body = f"320281{born:%Y%m%d}{rng.randrange(10, 999):03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in used:
                used.add(number)
                break
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        phone = (
            rng.choice(("138", "139", "151", "158", "187", "189"))
            + f"{rng.randrange(0, 10**8):08d}"
        )
        return name, number, phone

    def _learners(self, count: int) -> Story:
        story = Story()
        used: set[str] = set()
        schools = list(PROGRAMMES)
        people = [self._person(i, used) for i in range(count)]
        # 集体开户: one school opens a quarter of the accounts from an Excel file.
        bulk = people[: count // 4]
        clerk = User.objects.get(username=CLERKS[BULK_SCHOOL])
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.append(imports.headers())
        for name, number, phone in bulk:
            ws.append([BULK_SCHOOL, name, number, phone])
        stream = io.BytesIO()
        wb.save(stream)
        result = imports.learners_import(
            user=clerk, upload=stream.getvalue(), name="集体开户（演示）.xlsx"
        )
        story.learners += list(
            Learner.objects.filter(account_number__in=result.accounts).order_by("pk")
        )
        # Most of the rest study at the schools whose clerks review (see CLERKS).
        weights = [45 if name in CLERKS else 10 for name in schools]
        for name, number, phone in people[count // 4 :]:
            school = Unit.objects.get(name=self.rng.choices(schools, weights)[0])
            story.learners.append(
                services.learner_open(
                    user=self.office,
                    school=school,
                    data=LearnerData(name=name, id_number=number, phone=phone),
                )
            )
        # A learner's major follows their place in the story, not their primary key, so the
        # demo tells the same story on every database (PostgreSQL sequences do not restart).
        self.places = {learner.pk: place for place, learner in enumerate(story.learners)}
        for learner in story.learners:
            self._outcomes(learner)
        self._demo_learner(used)
        return story

    def _demo_learner(self, used: set[str]) -> None:
        """The account of the demo's learner (黄同学, user "xueyuan"): a certificate earned at two
        levels, one credited under the rule's first version, one on public notice now."""
        _name, number, phone = self._person(0, used)
        learner = services.learner_open(
            user=self.office,
            school=Unit.objects.get(name="江阴职业技术学院"),
            data=LearnerData(name="黄雨桐", id_number=number, phone=phone),
        )
        account = User.objects.filter(username="xueyuan").first()
        if account is not None:
            services.learner_link_user(user=self.office, learner=learner, account=account)
        records = [
            ("1X-GYJQR-CZYW", 1, dt.date(2021, 6, 20)),
            ("1X-GYJQR-CZYW", 2, dt.date(2022, 6, 18)),
            ("1X-ZNZZ", 1, min(dt.date(2024, 3, 16), self.today - dt.timedelta(days=60))),
        ]
        outcomes = [
            services.outcome_record(
                user=self.office,
                learner=learner,
                data=OutcomeData(
                    outcome_type=X,
                    certificate=code,
                    level=level,
                    obtained_on=day,
                    certificate_number=f"{code}-{day:%Y}{index:06d}",
                ),
            )
            for index, (code, level, day) in enumerate(records, start=1)
        ]
        self.demo = (learner, outcomes)

    def _major_of(self, learner: Learner) -> Programme:
        assert learner.school is not None
        options = list(
            Programme.objects.filter(school=learner.school)
            .select_related("school")
            .order_by("major_code")
        )
        return options[self.places[learner.pk] % len(options)]

    def _outcomes(self, learner: Learner) -> None:
        rng = self.rng
        programme = self._major_of(learner)
        codes = MAJOR_CERTIFICATES[programme.major_code]
        for code in rng.sample(codes, k=min(len(codes), rng.choice((1, 1, 2, 2, 3)))):
            certificate = Certificate.objects.get(code=code)
            top = rng.choice(certificate.levels[:3])
            obtained = dt.date(2019, 3, 1) + dt.timedelta(days=rng.randrange(0, 365 * 4))
            levels = [top] if top == 1 or rng.random() < 0.6 else [top - 1, top]
            for step, level in enumerate(levels):
                services.outcome_record(
                    user=self.office,
                    learner=learner,
                    data=OutcomeData(
                        outcome_type=certificate.outcome_type,
                        certificate=code,
                        level=level,
                        obtained_on=obtained + dt.timedelta(days=300 * step),
                        certificate_number=f"{code}-{obtained:%Y}{rng.randrange(10**6):06d}",
                    ),
                )
        if rng.random() < 0.3:
            services.outcome_record(
                user=self.office,
                learner=learner,
                data=OutcomeData(
                    outcome_type=OutcomeType.TRAINING,
                    title=rng.choice(["企业新型学徒制培训", "安全生产培训", "数字技能提升培训"]),
                    issuer="江阴市职业技能培训指导中心（演示）",
                    hours=rng.choice((24, 40, 80)),
                    obtained_on=dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(0, 700)),
                ),
            )
        if rng.random() < 0.1:
            services.outcome_record(
                user=self.office,
                learner=learner,
                data=OutcomeData(
                    outcome_type=OutcomeType.AWARD,
                    title="江苏省职业院校技能大赛（演示）",
                    issuer="江苏省教育厅",
                    level=rng.choice((1, 2, 3)),
                    obtained_on=dt.date(2023, 5, 20),
                ),
            )

    # ------------------------------------------------------------ applications

    def _applications(self, story: Story) -> None:
        rng = self.rng
        names = [s for s, _ in STATES]
        weights = [w for _, w in STATES]
        order = 0
        robot = self._programme("江阴职业技术学院", "460305")
        learner, outcomes = self.demo
        self._walk(learner, robot, outcomes[:2], "credited", dt.date(2023, 3, 1))
        self._walk(learner, robot, outcomes[2:], "in_notice", self.today)
        services.transcript_share_create(user=self.office, learner=learner)
        for learner in story.learners:
            programme = self._major_of(learner)
            outcomes = [
                o
                for o in Outcome.objects.filter(learner=learner)
                .exclude(certificate=None)
                .order_by("pk")
            ]
            if not outcomes or rng.random() < 0.25:
                continue
            reviewed = programme.school.name in CLERKS
            # The first applications walk every state, the rest are drawn by weight.
            state = names[order] if order < len(names) else rng.choices(names, weights)[0]
            if not reviewed and state not in ("draft", "submitted", "withdrawn"):
                state = "submitted"
            order += 1
            first = max(o.obtained_on for o in outcomes) + dt.timedelta(days=30)
            latest = self.today - dt.timedelta(days=40)
            if state in ("credited", "rejected", "withdrawn", "returned") and first < latest:
                day = first + dt.timedelta(days=rng.randrange(0, (latest - first).days + 1))
            else:
                day = self.today - dt.timedelta(days=rng.randrange(3, 12))
            try:
                self._walk(learner, programme, outcomes, state, day)
            except ServiceError:
                continue  # the rules convert nothing for this learner's outcomes: no application

    def _walk(
        self,
        learner: Learner,
        programme: Programme,
        outcomes: list[Outcome],
        state: str,
        day: dt.date,
    ) -> str:
        rng = self.rng
        office = self.office
        with transaction.atomic():
            app = services.application_create(
                user=office, learner=learner, programme=programme, outcomes=outcomes
            )
            stamps: dict[str, dt.date] = {ApplicationAction.CREATE: day}
            if state == "draft":
                self._stamp(app, stamps)
                return "draft"
            services.application_submit(user=office, application=app, today=day)
            stamps[ApplicationAction.SUBMIT] = day
            if state == "withdrawn":
                services.application_withdraw(
                    user=office, application=app, reason="本人决定暂不申请"
                )
                stamps[ApplicationAction.WITHDRAW] = day + dt.timedelta(days=2)
                self._stamp(app, stamps)
                return "withdrawn"
            if state == "submitted":
                self._stamp(app, stamps)
                return "submitted"
            clerk = User.objects.get(username=CLERKS[programme.school.name])
            reviewed_on = day + dt.timedelta(days=rng.randrange(1, 5))
            if state in ("returned", "rejected") and rng.random() < 0.6:
                decision = "return" if state == "returned" else "reject"
                comment = rng.choice(RETURN_COMMENTS if decision == "return" else REJECT_COMMENTS)
                services.application_school_review(
                    user=clerk, application=app, decision=decision, comment=comment
                )
                stamps[
                    ApplicationAction.RETURN if decision == "return" else ApplicationAction.REJECT
                ] = reviewed_on
                self._stamp(app, stamps)
                return state
            services.application_school_review(user=clerk, application=app, decision="approve")
            stamps[ApplicationAction.SCHOOL_APPROVE] = reviewed_on
            if state == "school_approved":
                self._stamp(app, stamps)
                return state
            banked_on = reviewed_on + dt.timedelta(days=rng.randrange(1, 5))
            if state in ("returned", "rejected"):
                decision = "return" if state == "returned" else "reject"
                comment = rng.choice(RETURN_COMMENTS if decision == "return" else REJECT_COMMENTS)
                services.application_bank_review(
                    user=office,
                    application=app,
                    decision=decision,
                    comment=comment,
                    today=banked_on,
                )
                stamps[
                    ApplicationAction.RETURN if decision == "return" else ApplicationAction.REJECT
                ] = banked_on
                self._stamp(app, stamps)
                return state
            services.application_bank_review(
                user=office, application=app, decision="approve", today=banked_on
            )
            stamps[ApplicationAction.BANK_APPROVE] = banked_on
            if state == "bank_approved":
                self._stamp(app, stamps)
                return state
            noticed_on = banked_on + dt.timedelta(days=2)
            if state in ("in_notice", "objection"):
                noticed_on = self.today - dt.timedelta(days=2)
            services.application_notice_start(
                user=office, applications=[app], days=7, today=noticed_on
            )
            stamps[ApplicationAction.NOTICE] = noticed_on
            if state == "objection":
                services.objection_record(
                    user=office,
                    application=app,
                    source="公示期间来电反映",
                    text="反映该学习者的证书取得时间与在校时间冲突，请核实",
                )
                stamps[ApplicationAction.OBJECTION] = noticed_on + dt.timedelta(days=1)
                self._stamp(app, stamps)
                return "in_notice（有异议）"
            if state == "in_notice":
                self._stamp(app, stamps)
                return state
            credited_on = noticed_on + dt.timedelta(days=8)
            services.application_credit(user=office, application=app, today=credited_on)
            stamps[ApplicationAction.CREDIT] = credited_on
            self._stamp(app, stamps)
            return "credited"

    def _stamp(self, app: Application, stamps: dict[str, dt.date]) -> None:
        """Places the story in time: each step at nine in the morning of its day."""
        tz = timezone.get_current_timezone()

        def at(day: dt.date) -> dt.datetime:
            return dt.datetime.combine(day, dt.time(9), tzinfo=tz)

        for event in ApplicationEvent.objects.filter(application=app):
            if event.action in stamps:
                ApplicationEvent.objects.filter(pk=event.pk).update(at=at(stamps[event.action]))
        values: dict[str, Any] = {"created_at": at(stamps[ApplicationAction.CREATE])}
        last = max(stamps.values())
        values["updated_at"] = at(last)
        if ApplicationAction.SUBMIT in stamps:
            values["submitted_at"] = at(stamps[ApplicationAction.SUBMIT])
        if ApplicationAction.CREDIT in stamps:
            values["credited_at"] = at(stamps[ApplicationAction.CREDIT])
        if ApplicationAction.WITHDRAW in stamps:
            values["withdrawn_at"] = at(stamps[ApplicationAction.WITHDRAW])
        Application.objects.filter(pk=app.pk).update(**values)

    # ------------------------------------------------------------ the rest of the story

    def _extras(self, story: Story) -> None:
        office = self.office
        credited = list(
            Application.objects.filter(status="credited").select_related("learner").order_by("pk")
        )
        # Two revocations.
        for app, reason in zip(
            credited[-2:],
            ["证书经发证机构核查已注销，撤销相应学分认定", "与已认定课程重复，予以撤销"],
            strict=False,
        ):
            services.credit_revoke(user=office, application=app, reason=reason)
        # A name correction, after the learner shared a transcript.
        if credited:
            learner = credited[0].learner
            services.transcript_share_create(user=office, learner=learner)
            services.learner_name_correct(
                user=office,
                learner=learner,
                new_name=learner.name[0] + "晓" + learner.name[2:]
                if len(learner.name) > 2
                else learner.name + "晨",
                reason="依户籍证明更正姓名用字",
            )
        # Transcript shares, one withdrawn by its owner.
        owners = {a.learner_id: a.learner for a in credited[1:-2]}
        shares = [
            services.transcript_share_create(user=office, learner=learner)
            for learner in list(owners.values())[:20]
        ]
        if shares:
            services.transcript_share_revoke(user=office, share=shares[0], reason="学习者撤回分享")
        # 中高职贯通: 江阴职院 recognises 电工 credits banked at 江阴中专, and refuses one.
        recognised = 0
        clerk = User.objects.get(username="jyzy")
        robot = self._programme("江阴职业技术学院", "460305")
        rule = ConversionRule.objects.get(code="JYZY-HR-01")
        for app in credited[1:-2]:
            if (
                app.programme.major_code != "660301"
                or not app.records.filter(course__code="ZJ101", revoked_at__isnull=True).exists()
            ):
                continue
            share = services.transcript_share_create(user=office, learner=app.learner)
            services.recognition_decide(
                user=clerk,
                share_code=share.code,
                programme=robot,
                accept=recognised < 2,
                rule=rule if recognised < 2 else None,
                reason="" if recognised < 2 else "该课程学时不足本校课程要求，不予互认",
            )
            recognised += 1
            if recognised == 3:
                break
        # An account whose personal data was erased on request (PIPL art. 47).
        untouched = [
            learner
            for learner in story.learners
            if not learner.applications.exists() and learner.user_id is None
        ]
        if untouched:
            services.learner_erase(
                user=office, learner=untouched[0], reason="本人书面申请删除个人信息（演示）"
            )
