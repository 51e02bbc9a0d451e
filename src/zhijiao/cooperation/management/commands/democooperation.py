"""`zhijiao democooperation`: the cooperation and school-governance registries filled from 2021 on,
so that the targets they feed are computed from records that tell a story. Everything is
fictitious (enterprise names carry “（演示）”; their 统一社会信用代码 are generated with valid check
characters); it is written through the services, with a fixed seed, so two demos look alike.

- 名企名校 projects: 2 in 2021, 10 reached in 2024, 12 by 2025 (one of 华姿中专's ended early).
- 职教集团: the special-steel group, backbone from 2021, becomes the demonstration group in 2022;
  the backbone groups are only two at the 2022 deadline (three in 2023, four in 2024).
- 产教融合型企业: a cultivation list from 2021, municipal listings, provincial recognitions —
  one in 2021, two at the 2022 deadline, the third in 2023; one enterprise removed after review;
  incentives of each kind (金融、财政、土地、信用、教育费附加抵免).
- Shared training bases, apprenticeship programmes with mentors and apprentices, 1+X pilots
  (the five 示范项目 selected in 2021; one stopped in 2024 and another selected).
- Every school's charter by 2021; 江阴开大's council only in 2022 (the 2021 target is missed);
  江阴中专 becomes the 三全育人 pilot in 2022; 思政 model classes and cases.

Runs after `zhijiao loadplan` and `zhijiao demo`; a second run says so and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings
from django.utils.translation import gettext

from zhijiao.cooperation import services
from zhijiao.cooperation.data import (
    ActivityKind,
    BaseLevel,
    CaseKind,
    CertificateLevel,
    EnterpriseLevel,
    GroupLevel,
    IncentivePolicy,
    Industry,
    MemberRole,
    PilotLevel,
    PilotRank,
)
from zhijiao.cooperation.models import (
    Apprenticeship,
    FamousProject,
    IntegrationEnterprise,
    TrainingBase,
    VocationalGroup,
    XPilot,
)
from zhijiao.core.codes import credit_code_with_check
from zhijiao.orgs.models import Unit, User
from zhijiao.orgs.roles import Role
from zhijiao.orgs.services import enterprise_register

D = dt.date
ZY, ZZ, HZ, KD, CX = (
    "江阴职业技术学院",
    "江阴中等专业学校",
    "江阴市华姿中等专业学校",
    "江阴开放大学",
    "澄西技校",
)
STEEL, MATERIALS = "澄江特钢股份有限公司（演示）", "长江新材料科技有限公司（演示）"
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# (name, short name, industry); the first two are the units `zhijiao demo` created.
ENTERPRISES: list[tuple[str, str, str]] = [
    (STEEL, "澄江特钢", Industry.SPECIAL_STEEL),
    (MATERIALS, "长江新材", Industry.PETROCHEMICAL),
    ("江阴澄锋特钢科技有限公司（演示）", "澄锋特钢", Industry.SPECIAL_STEEL),
    ("江阴华澄纺织服饰有限公司（演示）", "华澄纺织", Industry.TEXTILE),
    ("江阴澄南服装有限公司（演示）", "澄南服装", Industry.TEXTILE),
    ("江阴璜塘纺织印染有限公司（演示）", "璜塘印染", Industry.TEXTILE),
    ("江阴临港石化新材料有限公司（演示）", "临港石化", Industry.PETROCHEMICAL),
    ("江阴长芯半导体封测有限公司（演示）", "长芯封测", Industry.CHIP),
    ("江阴澄江微电子封装有限公司（演示）", "澄江微电子", Industry.CHIP),
    ("江阴远航船舶重工有限公司（演示）", "远航船舶", Industry.EQUIPMENT),
    ("江阴恒鑫精密装备有限公司（演示）", "恒鑫装备", Industry.EQUIPMENT),
    ("江阴澄东智能制造有限公司（演示）", "澄东智造", Industry.EQUIPMENT),
    ("江阴绿源光伏科技有限公司（演示）", "绿源光伏", Industry.NEW_ENERGY),
    ("江阴锂澄新能源电池有限公司（演示）", "锂澄电池", Industry.NEW_ENERGY),
    ("江阴港通现代物流有限公司（演示）", "港通物流", Industry.LOGISTICS),
]

# (school, name, enterprises by short name, industry, started, terminated, department, outputs)
PROJECTS: list[tuple[str, str, list[str], str, dt.date, dt.date | None, str, str]] = [
    (
        ZY,
        "特钢新材料现代产业学院",
        ["澄江特钢", "澄锋特钢"],
        Industry.SPECIAL_STEEL,
        D(2021, 3, 18),
        None,
        "教育局",
        "共建冶金技术专业群，年订单培养120人；联合攻关轴承钢洁净度控制课题2项。",
    ),
    (
        ZZ,
        "智能制造订单班",
        ["恒鑫装备", "澄东智造"],
        Industry.EQUIPMENT,
        D(2021, 9, 1),
        None,
        "教育局",
        "三届订单班共培养学生156人，留企率78%。",
    ),
    (
        ZY,
        "集成电路封测工程师学院",
        ["长芯封测", "澄江微电子"],
        Industry.CHIP,
        D(2022, 3, 10),
        None,
        "工信局",
        "共建封装测试实训线1条，企业工程师授课1200学时。",
    ),
    (
        ZY,
        "新能源电池技术协同创新中心",
        ["锂澄电池", "绿源光伏"],
        Industry.NEW_ENERGY,
        D(2022, 6, 20),
        None,
        "科技局",
        "获授权实用新型专利6项，为企业培训员工860人次。",
    ),
    (
        HZ,
        "纺织服装设计工作室",
        ["华澄纺织"],
        Industry.TEXTILE,
        D(2022, 4, 8),
        None,
        "教育局",
        "学生作品入选省职业院校技能大赛服装设计赛项。",
    ),
    (
        CX,
        "船舶焊接技能大师工作室",
        ["远航船舶"],
        Industry.EQUIPMENT,
        D(2022, 9, 5),
        None,
        "人社局",
        "培养高级焊工42名，承接企业焊接工艺改进项目3项。",
    ),
    (
        ZY,
        "石化新材料检测技术服务平台",
        ["临港石化", "长江新材"],
        Industry.PETROCHEMICAL,
        D(2023, 5, 16),
        None,
        "工信局",
        "对外检测服务年收入180万元。",
    ),
    (
        ZZ,
        "工业机器人应用订单班",
        ["澄东智造"],
        Industry.EQUIPMENT,
        D(2023, 9, 1),
        None,
        "教育局",
        "",
    ),
    (
        ZY,
        "港口物流数字化产业学院",
        ["港通物流"],
        Industry.LOGISTICS,
        D(2024, 3, 12),
        None,
        "教育局",
        "",
    ),
    (
        ZZ,
        "特钢装备运维现代学徒班",
        ["澄江特钢"],
        Industry.SPECIAL_STEEL,
        D(2024, 9, 2),
        None,
        "人社局",
        "",
    ),
    (
        HZ,
        "印染工艺改进校企合作项目",
        ["璜塘印染"],
        Industry.TEXTILE,
        D(2023, 3, 1),
        D(2024, 6, 30),
        "教育局",
        "企业转产，项目中止。",
    ),
    (
        ZY,
        "光伏运维技术技能培训中心",
        ["绿源光伏"],
        Industry.NEW_ENERGY,
        D(2025, 4, 22),
        None,
        "人社局",
        "",
    ),
    (
        HZ,
        "服装智能制造产教融合项目",
        ["澄南服装", "华澄纺织"],
        Industry.TEXTILE,
        D(2025, 9, 1),
        None,
        "教育局",
        "",
    ),
]

# (name, lead school, industry, founded, department, members by short name or school, levels)
GROUPS: list[tuple[str, str, str, dt.date, list[str], list[tuple[str, dt.date, str]]]] = [
    (
        "江阴特钢新材料职业教育集团",
        ZY,
        Industry.SPECIAL_STEEL,
        D(2020, 12, 8),
        ["澄江特钢", "澄锋特钢", "长江新材", ZZ],
        [
            (GroupLevel.BACKBONE, D(2021, 6, 18), "澄教职〔2021〕23号"),
            (GroupLevel.DEMONSTRATION, D(2022, 9, 26), "澄教职〔2022〕41号"),
        ],
    ),
    (
        "江阴智能制造职业教育集团",
        ZZ,
        Industry.EQUIPMENT,
        D(2021, 4, 20),
        ["恒鑫装备", "澄东智造", CX],
        [(GroupLevel.BACKBONE, D(2021, 11, 30), "澄教职〔2021〕52号")],
    ),
    (
        "江阴纺织服装职业教育集团",
        HZ,
        Industry.TEXTILE,
        D(2021, 10, 15),
        ["华澄纺织", "澄南服装", "璜塘印染"],
        [(GroupLevel.BACKBONE, D(2022, 5, 20), "澄教职〔2022〕18号")],
    ),
    (
        "江阴船舶与海工装备职业教育集团",
        CX,
        Industry.EQUIPMENT,
        D(2022, 6, 1),
        ["远航船舶", "恒鑫装备"],
        [(GroupLevel.BACKBONE, D(2023, 4, 25), "澄教职〔2023〕15号")],
    ),
    (
        "江阴新能源产业职业教育集团",
        ZY,
        Industry.NEW_ENERGY,
        D(2023, 3, 28),
        ["绿源光伏", "锂澄电池", KD],
        [(GroupLevel.BACKBONE, D(2024, 6, 14), "澄教职〔2024〕27号")],
    ),
    ("江阴集成电路职业教育集团", ZY, Industry.CHIP, D(2024, 11, 6), ["长芯封测", "澄江微电子"], []),
]

MUNICIPAL_AUTHORITY = "江阴市发展和改革委员会"
PROVINCIAL_AUTHORITY = "江苏省发展和改革委员会"
# (enterprise short name, applied, [(level, day)], schools)
CPE: list[tuple[str, dt.date, list[tuple[str, dt.date]], list[str]]] = [
    (
        "澄江特钢",
        D(2021, 3, 1),
        [
            (EnterpriseLevel.CULTIVATION, D(2021, 4, 16)),
            (EnterpriseLevel.MUNICIPAL, D(2021, 7, 9)),
            (EnterpriseLevel.PROVINCIAL, D(2021, 12, 20)),
        ],
        [ZY, ZZ],
    ),
    (
        "长芯封测",
        D(2021, 3, 5),
        [
            (EnterpriseLevel.CULTIVATION, D(2021, 4, 16)),
            (EnterpriseLevel.MUNICIPAL, D(2021, 12, 10)),
            (EnterpriseLevel.PROVINCIAL, D(2022, 11, 18)),
        ],
        [ZY],
    ),
    (
        "远航船舶",
        D(2021, 3, 8),
        [
            (EnterpriseLevel.CULTIVATION, D(2021, 4, 16)),
            (EnterpriseLevel.MUNICIPAL, D(2022, 7, 8)),
            (EnterpriseLevel.PROVINCIAL, D(2023, 10, 27)),
        ],
        [CX],
    ),
    (
        "恒鑫装备",
        D(2021, 9, 10),
        [
            (EnterpriseLevel.CULTIVATION, D(2021, 10, 22)),
            (EnterpriseLevel.MUNICIPAL, D(2022, 12, 2)),
        ],
        [ZZ],
    ),
    (
        "锂澄电池",
        D(2022, 3, 15),
        [
            (EnterpriseLevel.CULTIVATION, D(2022, 4, 29)),
            (EnterpriseLevel.MUNICIPAL, D(2023, 12, 8)),
        ],
        [ZY],
    ),
    (
        "澄南服装",
        D(2022, 3, 20),
        [(EnterpriseLevel.CULTIVATION, D(2022, 4, 29)), (EnterpriseLevel.REMOVED, D(2024, 5, 17))],
        [HZ],
    ),
    (
        "港通物流",
        D(2023, 3, 10),
        [
            (EnterpriseLevel.CULTIVATION, D(2023, 5, 5)),
            (EnterpriseLevel.MUNICIPAL, D(2024, 11, 29)),
        ],
        [ZY, CX],
    ),
    ("华澄纺织", D(2024, 3, 12), [(EnterpriseLevel.CULTIVATION, D(2024, 5, 17))], [HZ]),
    ("绿源光伏", D(2025, 3, 18), [], [ZY]),
]
# (enterprise short name, policy, amount in 10k yuan or None, day, authority, description)
INCENTIVES: list[tuple[str, str, Decimal | None, dt.date, str, str]] = [
    (
        "澄江特钢",
        IncentivePolicy.FINANCE,
        Decimal("1500"),
        D(2022, 4, 20),
        "江阴市地方金融监督管理局",
        "产教融合专项贷款贴息",
    ),
    (
        "澄江特钢",
        IncentivePolicy.EDUCATION_LEVY,
        Decimal("86.4"),
        D(2022, 6, 15),
        "国家税务总局江阴市税务局",
        "职业教育投入按30%抵免教育费附加",
    ),
    (
        "澄江特钢",
        IncentivePolicy.CREDIT,
        None,
        D(2022, 1, 10),
        "江阴市发展和改革委员会",
        "纳入守信激励对象名单",
    ),
    (
        "长芯封测",
        IncentivePolicy.FISCAL,
        Decimal("200"),
        D(2023, 3, 28),
        "江阴市财政局",
        "省级产教融合型企业奖补资金",
    ),
    (
        "长芯封测",
        IncentivePolicy.EDUCATION_LEVY,
        Decimal("42.8"),
        D(2023, 6, 12),
        "国家税务总局江阴市税务局",
        "职业教育投入抵免教育费附加",
    ),
    (
        "远航船舶",
        IncentivePolicy.LAND,
        None,
        D(2024, 2, 26),
        "江阴市自然资源和规划局",
        "实训基地建设用地指标优先保障",
    ),
    (
        "远航船舶",
        IncentivePolicy.FISCAL,
        Decimal("200"),
        D(2024, 3, 22),
        "江阴市财政局",
        "省级产教融合型企业奖补资金",
    ),
    (
        "恒鑫装备",
        IncentivePolicy.FINANCE,
        Decimal("800"),
        D(2023, 5, 9),
        "江阴市地方金融监督管理局",
        "产教融合专项贷款贴息",
    ),
    (
        "锂澄电池",
        IncentivePolicy.CREDIT,
        None,
        D(2024, 4, 1),
        "江阴市发展和改革委员会",
        "信用评价加分",
    ),
]

# (school, name, enterprises, industry, shared, functions, opened, workstations, levels)
BASES: list[
    tuple[str, str, list[str], str, bool, list[str], dt.date, int, list[tuple[str, dt.date]]]
] = [
    (
        ZY,
        "特钢材料检测公共实训基地",
        ["澄江特钢", "澄锋特钢"],
        Industry.SPECIAL_STEEL,
        True,
        ["talent", "research", "staff", "assessment"],
        D(2021, 9, 1),
        120,
        [(BaseLevel.MUNICIPAL, D(2022, 3, 18))],
    ),
    (
        ZY,
        "集成电路封装测试实训中心",
        ["长芯封测", "澄江微电子"],
        Industry.CHIP,
        True,
        ["talent", "research", "production", "staff"],
        D(2023, 6, 1),
        96,
        [(BaseLevel.MUNICIPAL, D(2023, 12, 15)), (BaseLevel.PROVINCIAL, D(2024, 10, 30))],
    ),
    (
        ZZ,
        "智能制造公共实训基地",
        ["恒鑫装备", "澄东智造"],
        Industry.EQUIPMENT,
        True,
        ["talent", "production", "staff", "assessment"],
        D(2022, 3, 1),
        150,
        [(BaseLevel.MUNICIPAL, D(2022, 11, 25))],
    ),
    (
        HZ,
        "服装设计与制作实训基地",
        ["华澄纺织"],
        Industry.TEXTILE,
        False,
        ["talent"],
        D(2021, 9, 1),
        80,
        [],
    ),
    (
        CX,
        "船舶焊接公共实训基地",
        ["远航船舶"],
        Industry.EQUIPMENT,
        True,
        ["talent", "staff", "assessment"],
        D(2022, 9, 1),
        64,
        [(BaseLevel.MUNICIPAL, D(2023, 6, 20))],
    ),
    (
        KD,
        "新能源运维社会培训基地",
        ["绿源光伏"],
        Industry.NEW_ENERGY,
        True,
        ["staff", "assessment"],
        D(2024, 9, 1),
        40,
        [],
    ),
]

# (school, name, enterprise, major, started, ended, mentors, apprentices per year of intake)
APPRENTICESHIPS: list[
    tuple[str, str, str, str, dt.date, dt.date | None, list[tuple[str, str, str]], list[int]]
] = [
    (
        ZZ,
        "特钢冶炼现代学徒制班",
        "澄江特钢",
        "钢铁冶炼技术",
        D(2021, 9, 6),
        None,
        [("周建国", "炼钢车间主任", "高级技师"), ("陆志强", "连铸首席技师", "技师")],
        [12, 12, 14, 14, 15],
    ),
    (
        CX,
        "船舶焊接学徒制班",
        "远航船舶",
        "焊接技术应用",
        D(2022, 9, 5),
        None,
        [("顾永兴", "焊接工艺师", "高级技师"), ("缪文斌", "船体车间班长", "技师")],
        [0, 10, 12, 12, 14],
    ),
    (
        HZ,
        "服装制版学徒制班",
        "华澄纺织",
        "服装设计与工艺",
        D(2022, 9, 5),
        D(2024, 7, 10),
        [("沈丽华", "首席制版师", "高级工")],
        [0, 8, 8, 0, 0],
    ),
    (
        ZY,
        "集成电路封测学徒制项目",
        "长芯封测",
        "集成电路技术",
        D(2023, 9, 4),
        None,
        [("黄晓东", "封装工艺工程师", "高级工程师"), ("朱海峰", "测试设备主管", "工程师")],
        [0, 0, 16, 18, 20],
    ),
]

# (school, certificate, level, organisation, major, started, candidates, certified, selected, stopped)
PILOTS: list[tuple[str, str, str, str, str, dt.date, int, int, dt.date | None, dt.date | None]] = [
    (
        ZY,
        "工业机器人操作与运维",
        CertificateLevel.INTERMEDIATE,
        "北京新奥时代科技有限责任公司",
        "工业机器人技术",
        D(2020, 3, 1),
        420,
        371,
        D(2021, 10, 22),
        None,
    ),
    (
        ZY,
        "集成电路开发与测试",
        CertificateLevel.INTERMEDIATE,
        "杭州朗迅科技有限公司",
        "集成电路技术",
        D(2020, 9, 1),
        260,
        221,
        D(2021, 10, 22),
        None,
    ),
    (
        ZZ,
        "数控车铣加工",
        CertificateLevel.INTERMEDIATE,
        "武汉华中数控股份有限公司",
        "数控技术应用",
        D(2020, 3, 1),
        380,
        338,
        D(2021, 10, 22),
        None,
    ),
    (
        ZZ,
        "汽车运用与维修",
        CertificateLevel.JUNIOR,
        "北京中车行高新技术有限公司",
        "汽车运用与维修",
        D(2020, 9, 1),
        300,
        279,
        D(2021, 10, 22),
        D(2024, 9, 1),
    ),
    (
        HZ,
        "服装陈列设计",
        CertificateLevel.JUNIOR,
        "北京博导前程信息技术股份有限公司",
        "服装设计与工艺",
        D(2021, 3, 1),
        140,
        117,
        D(2021, 10, 22),
        None,
    ),
    (
        CX,
        "物流管理",
        CertificateLevel.INTERMEDIATE,
        "北京中物联物流采购培训中心",
        "物流服务与管理",
        D(2021, 9, 1),
        160,
        132,
        D(2024, 10, 18),
        None,
    ),
    (
        KD,
        "老年照护",
        CertificateLevel.JUNIOR,
        "北京中福长者文化科技有限公司",
        "老年服务与管理",
        D(2022, 3, 1),
        90,
        74,
        None,
        None,
    ),
]

# (school, charter approved, authority, document, council founded, chair, members, enterprise)
GOVERNANCE: list[tuple[str, dt.date, str, str, dt.date | None, str, int, int]] = [
    (ZY, D(2021, 6, 28), "江苏省教育厅", "苏教法〔2021〕12号", D(2021, 9, 16), "钱卫东", 31, 12),
    (ZZ, D(2021, 5, 20), "江阴市教育局", "澄教法〔2021〕8号", D(2021, 7, 2), "吴建平", 25, 10),
    (HZ, D(2021, 7, 6), "江阴市教育局", "澄教法〔2021〕9号", D(2021, 10, 12), "许慧敏", 19, 7),
    (KD, D(2021, 9, 3), "江阴市教育局", "澄教法〔2021〕15号", D(2022, 3, 25), "蒋国良", 17, 5),
    (
        CX,
        D(2021, 4, 30),
        "江阴市人力资源和社会保障局",
        "澄人社〔2021〕21号",
        D(2021, 8, 20),
        "陈立新",
        21,
        9,
    ),
]

CASES: list[tuple[str, str, str, str, str, str, int]] = [
    (
        ZZ,
        CaseKind.MODEL_CLASS,
        "钢铁脊梁：工匠精神进课堂",
        "职业道德与法治",
        "王丽、赵强",
        PilotRank.MUNICIPAL,
        2022,
    ),
    (
        ZY,
        CaseKind.COURSE_CASE,
        "芯片里的家国情怀",
        "集成电路制造工艺",
        "孙海燕",
        PilotRank.PROVINCIAL,
        2022,
    ),
    (HZ, CaseKind.COURSE_CASE, "一针一线传承非遗", "服装工艺", "许静", PilotRank.MUNICIPAL, 2023),
    (CX, CaseKind.MODEL_CLASS, "焊花里的大国重器", "焊接工艺", "顾勇", PilotRank.MUNICIPAL, 2023),
    (
        ZY,
        CaseKind.MODEL_CLASS,
        "长江大保护与绿色化工",
        "化工安全技术",
        "周文",
        PilotRank.MUNICIPAL,
        2024,
    ),
    (
        ZZ,
        CaseKind.COURSE_CASE,
        "数控精度与责任担当",
        "数控加工技术",
        "陈刚",
        PilotRank.SCHOOL,
        2024,
    ),
    (
        KD,
        CaseKind.COURSE_CASE,
        "终身学习与社区服务",
        "社区治理实务",
        "杨敏",
        PilotRank.MUNICIPAL,
        2025,
    ),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱马胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏飞浩宇轩然博文子晨思雨欣怡佳琪俊杰宏"
)


class Command(BaseCommand):
    help = "载入校企合作与学校治理演示数据（2021年以来，均为虚构）"

    def handle(self, *args: Any, **options: Any) -> None:
        if FamousProject.objects.exists() or IntegrationEnterprise.objects.exists():
            self.stdout.write(gettext("校企合作演示数据已存在，未重复载入。"))
            return
        office = User.objects.filter(role=Role.PLAN_OFFICE, is_active=True).order_by("pk").first()
        missing = [n for n in (ZY, ZZ, HZ, KD, CX) if not Unit.objects.filter(name=n).exists()]
        if office is None or missing:
            raise CommandError(
                gettext(
                    "请先载入实施方案和演示单位："
                    "zhijiao loadplan data/plans/jiangyin-2021-vet-reform-plan.txt && zhijiao demo"
                )
            )
        self.office = office
        self.rng = random.Random(2021)  # noqa: S311 - demo data, not security
        self.units = {u.name: u for u in Unit.objects.all()}
        # Notifications to enterprise users are part of the story; their e-mails stay local.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            with transaction.atomic():
                self._enterprises()
                self._projects()
                self._groups()
                self._cpe()
                self._bases()
                self._apprenticeships()
                self._pilots()
                self._governance()
        self.stdout.write(
            gettext(
                "校企合作演示数据已载入：企业 {enterprises} 家，名企名校合作项目 {projects} 个，"
                "职教集团 {groups} 个，产教融合型企业 {cpes} 家，实训基地 {bases} 个，"
                "学徒制项目 {apprenticeships} 个，1+X证书试点 {pilots} 个。"
            ).format(
                enterprises=len(self.enterprises),
                projects=FamousProject.objects.count(),
                groups=VocationalGroup.objects.count(),
                cpes=IntegrationEnterprise.objects.count(),
                bases=TrainingBase.objects.count(),
                apprenticeships=Apprenticeship.objects.count(),
                pilots=XPilot.objects.count(),
            )
        )

    # ------------------------------------------------------------ helpers

    def _unit(self, name: str) -> Unit | None:
        unit = self.units.get(name)
        if unit is None:
            unit = Unit.objects.filter(name=name).first()
        return unit

    def _school(self, name: str) -> Unit:
        unit = self._unit(name)
        assert unit is not None, name
        return unit

    def _party(self, name: str) -> Unit:
        """A school by its name, or an enterprise by its short name."""
        return self.enterprises.get(name) or self._school(name)

    def _credit_code(self) -> str:
        """A 统一社会信用代码 of a Jiangyin company (9 工商, 1 企业, region 320281)."""
        body = "".join(self.rng.choice(ALPHABET) for _ in range(7))
        return credit_code_with_check(f"91320281MA{body}")

    # ------------------------------------------------------------ the registries

    def _enterprises(self) -> None:
        self.enterprises: dict[str, Unit] = {}
        for name, short, _industry in ENTERPRISES:
            code = self._credit_code()
            existing = Unit.objects.filter(name=name).first()
            if existing is None:
                unit = services.enterprise_add(
                    user=self.office, name=name, credit_code=code, short_name=short
                )
            elif not existing.credit_code:
                # `zhijiao demo` created it before its code was known: complete it.
                unit, _ = enterprise_register(name=name, credit_code=code, short_name=short)
            else:
                unit = existing
            self.enterprises[short] = unit

    def _projects(self) -> None:
        for school, name, partners, industry, started, ended, department, outputs in PROJECTS:
            project = services.project_create(
                user=self.office,
                name=name,
                school=self._school(school),
                enterprises=[self.enterprises[p] for p in partners],
                industry=industry,
                content=f"{name}：校企共同制定人才培养方案、共建课程与实训条件、互派教师与技术人员。",
                outputs=outputs,
                started_on=started,
                department=self._unit(department),
            )
            if ended is not None:
                services.project_terminate(
                    user=self.office, project=project, terminated_on=ended, reason=outputs
                )

    def _groups(self) -> None:
        for name, lead, industry, founded, members, levels in GROUPS:
            group = services.group_create(
                user=self.office,
                name=name,
                lead=self._school(lead),
                industry=industry,
                founded_on=founded,
                description=f"由{lead}牵头，联合行业龙头企业和相关院校组建，服务江阴{Industry(industry).label}产业集群。",
                department=self._unit("教育局"),
            )
            for offset, member in enumerate(members):
                services.member_add(
                    user=self.office,
                    group=group,
                    unit=self._party(member),
                    role=MemberRole.VICE_CHAIR if offset == 0 else MemberRole.MEMBER,
                    joined_on=founded,
                )
            for level, day, document in levels:
                services.level_decide(
                    user=self.office,
                    record=group,
                    level=level,
                    decided_on=day,
                    authority="江阴市教育局",
                    document_no=document,
                )
            for year in range(max(founded.year, 2021), 2026):
                services.activity_record(
                    user=self.office,
                    group=group,
                    held_on=D(year, 12, 10),
                    kind=ActivityKind.MEETING,
                    title=f"{year}年度理事会会议",
                    participants=20 + self.rng.randint(0, 30),
                    summary="审议年度工作报告和下一年度校企合作计划。",
                )

    def _cpe(self) -> None:
        records: dict[str, IntegrationEnterprise] = {}
        for short, applied, levels, schools in CPE:
            unit = self.enterprises[short]
            industry = next(i for _n, s, i in ENTERPRISES if s == short)
            record = services.cpe_create(
                user=self.office,
                enterprise_name=unit.name,
                credit_code=unit.credit_code,
                industry=industry,
                schools=[self._school(s) for s in schools],
                applied_on=applied,
                vet_investment=Decimal(self.rng.randint(80, 900)),
                description=f"{unit.short_name or unit.name}与{'、'.join(schools)}开展订单培养、共建实训基地和企业实践岗位。",
                department=self._unit("发改委"),
            )
            for level, day in levels:
                provincial = level == EnterpriseLevel.PROVINCIAL
                services.level_decide(
                    user=self.office,
                    record=record,
                    level=level,
                    decided_on=day,
                    authority=PROVINCIAL_AUTHORITY if provincial else MUNICIPAL_AUTHORITY,
                    document_no=f"{'苏发改社会发' if provincial else '澄发改'}〔{day.year}〕{day.month * 3 + day.day}号",
                    note="年度复核未通过" if level == EnterpriseLevel.REMOVED else "",
                )
            records[short] = record
        for short, policy, amount, day, authority, description in INCENTIVES:
            services.incentive_record(
                user=self.office,
                record=records[short],
                policy=policy,
                amount=amount,
                granted_on=day,
                authority=authority,
                description=description,
            )

    def _bases(self) -> None:
        for school, name, partners, industry, shared, functions, opened, seats, levels in BASES:
            base = services.base_create(
                user=self.office,
                name=name,
                school=self._school(school),
                enterprises=[self.enterprises[p] for p in partners],
                industry=industry,
                shared=shared,
                opened_on=opened,
                workstations=seats,
                area=seats * 25,
                investment=Decimal(seats * 6),
                description="面向校内外开放，承担学生实训、企业员工培训和职业技能等级认定。",
                department=self._unit("人社局" if school == CX else "教育局"),
                **{
                    f"for_{f}": f in functions
                    for f in ("talent", "research", "production", "staff", "assessment")
                },
            )
            for level, day in levels:
                services.level_decide(
                    user=self.office,
                    record=base,
                    level=level,
                    decided_on=day,
                    authority="江苏省人力资源和社会保障厅"
                    if level == BaseLevel.PROVINCIAL
                    else "江阴市人力资源和社会保障局",
                )

    def _apprenticeships(self) -> None:
        number = 0
        for school, name, enterprise, major, started, ended, mentors, intakes in APPRENTICESHIPS:
            unit = self.enterprises[enterprise]
            programme = services.apprenticeship_create(
                user=self.office,
                name=name,
                school=self._school(school),
                enterprise_name=unit.name,
                credit_code=unit.credit_code,
                major=major,
                started_on=started,
                ended_on=ended,
                description="招生即招工、入校即入企，校企双导师共同培养。",
                department=self._unit("人社局"),
            )
            hired = [
                services.mentor_add(
                    user=self.office,
                    programme=programme,
                    name=mentor_name,
                    position=position,
                    qualification=qualification,
                    since=started,
                )
                for mentor_name, position, qualification in mentors
            ]
            for offset, count in enumerate(intakes):
                year = 2021 + offset
                signed = D(year, 9, 20)
                if count == 0 or signed < started:
                    continue
                for _ in range(count):
                    number += 1
                    leaves = D(year + 3, 6, 30)
                    left_on = leaves if leaves <= D(2026, 6, 30) else None
                    if ended is not None:
                        left_on = min(left_on or ended, ended)
                    services.apprentice_create(
                        user=self.office,
                        programme=programme,
                        name=self.rng.choice(SURNAMES) + "".join(self.rng.sample(GIVEN, 2)),
                        student_number=f"{year}{number:05d}",
                        signed_on=signed,
                        mentor=hired[number % len(hired)],
                        left_on=left_on,
                    )

    def _pilots(self) -> None:
        for (
            school,
            certificate,
            level,
            organisation,
            major,
            started,
            seats,
            certified,
            selected,
            stopped,
        ) in PILOTS:
            pilot = services.pilot_create(
                user=self.office,
                school=self._school(school),
                certificate=certificate,
                certificate_level=level,
                organisation=organisation,
                major=major,
                started_on=started,
                candidates=seats,
                certified=certified,
                department=self._unit("教育局"),
            )
            if selected is not None:
                services.level_decide(
                    user=self.office,
                    record=pilot,
                    level=PilotLevel.DEMONSTRATION,
                    decided_on=selected,
                    authority="江阴市教育局、江阴市人力资源和社会保障局",
                    document_no=f"澄教职〔{selected.year}〕{selected.day + 30}号",
                )
            if stopped is not None:
                services.level_decide(
                    user=self.office,
                    record=pilot,
                    level=PilotLevel.STOPPED,
                    decided_on=stopped,
                    authority="江阴市教育局",
                    note="证书退出1+X证书目录，试点停止",
                )

    def _governance(self) -> None:
        for (
            school,
            approved,
            authority,
            document,
            founded,
            chair,
            members,
            enterprise,
        ) in GOVERNANCE:
            services.governance_create(
                user=self.office,
                school=self._school(school),
                charter_approved_on=approved,
                charter_authority=authority,
                charter_document_no=document,
                council_founded_on=founded,
                council_chair=chair,
                council_members=members,
                enterprise_members=enterprise,
            )
        services.sanquan_create(
            user=self.office,
            school=self._school(ZZ),
            rank=PilotRank.MUNICIPAL,
            approved_on=D(2022, 6, 10),
            authority="中共江阴市委教育工作委员会、江阴市教育局",
            document_no="澄教工委〔2022〕19号",
        )
        services.sanquan_create(
            user=self.office,
            school=self._school(ZY),
            rank=PilotRank.PROVINCIAL,
            approved_on=D(2024, 5, 28),
            authority="江苏省教育厅",
            document_no="苏教思政〔2024〕6号",
        )
        for school, kind, title, course, teachers, rank, year in CASES:
            services.case_create(
                user=self.office,
                school=self._school(school),
                kind=kind,
                title=title,
                course=course,
                teachers=teachers,
                rank=rank,
                year=year,
            )
