"""Each school's 质量年度报告 for a year, and the city-level summary across schools.

The five standard tables (计分卡, 资源表, 服务贡献表, 落实政策表, 国际影响表) are filled from what
the platform holds: indicator values of the ``indicators`` app (typed in by schools or computed
from the registries) and the year's evaluation results. An item the platform does not collect,
or that the school has not reported for the year, is left blank in its table and listed under
"数据缺失清单" with the reason — never estimated. A narrative outline follows the tables: what
the data already say, and what the school must write itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from zhijiao.core.gongwen import GongwenDocument, GroupRow
from zhijiao.indicators.models import DataElement, Indicator
from zhijiao.indicators.selectors import element_values, indicators_values
from zhijiao.orgs.models import Unit, UnitKind

from . import selectors
from .data import ISSUER, RoundStatus, SchemeKind
from .models import Entry
from .scoring import fmt

NOT_COLLECTED = "平台尚未采集该项数据"
NOT_REPORTED = "本年度尚未报送或尚无数据"


@dataclass(frozen=True)
class Item:
    """One row of a standard table: where its value comes from. ``kind`` is "element" (a data
    element's figure), "indicator" (an indicator's value), "result" (an evaluation result of the
    year: school_level / social_service), "pay" (the performance-pay coefficient) or "" (not
    collected by the platform)."""

    label: str
    unit: str = ""
    kind: str = ""
    ref: str = ""
    boolean: bool = False


TABLES: list[tuple[str, list[Item]]] = [
    (
        "计分卡",
        [
            Item("全日制在校生数", "人", "element", "ENROLMENT"),
            Item("毕业生就业率", "%"),
            Item("毕业生专业对口就业率", "%"),
            Item("毕业生获取职业资格或职业技能等级证书比例", "%"),
            Item("用人单位满意度", "%"),
            Item("办学水平评价得分（等级）", "分", "result", SchemeKind.SCHOOL_LEVEL),
            Item("社会服务能力绩效考核得分（等级）", "分", "result", SchemeKind.SOCIAL_SERVICE),
        ],
    ),
    (
        "资源表",
        [
            Item("专业课教师数", "人", "element", "TEACHER_PRO"),
            Item("“双师型”教师数", "人", "element", "TEACHER_DUAL"),
            Item("“双师型”教师占专业课教师比例", "%", "indicator", "DUAL_SHARE"),
            Item("生师比", ""),
            Item("高水平专业（群）数", "个", "indicator", "HIGH_LEVEL_MAJORS"),
            Item("市级教师教学创新团队数", "个", "indicator", "INNOVATION_TEAMS"),
            Item("“双师型”教师培养培训基地数", "个", "indicator", "DUAL_BASES"),
            Item("生均教学科研仪器设备值", "元"),
            Item("生均实践场所面积", "平方米"),
        ],
    ),
    (
        "服务贡献表",
        [
            Item("社会培训人次", "人次", "element", "TRAIN_PT"),
            Item("年培训人次与全日制在校生之比", "倍", "indicator", "TRAINING_RATIO"),
            Item("社会培训项目数", "个", "element", "TRAIN_PROGRAMMES"),
            Item("名企名校合作项目数", "个", "indicator", "FAMOUS_PROJECTS"),
            Item("1+X 证书试点示范项目数", "个", "indicator", "X_PILOTS"),
            Item("中高职贯通培养在校生数", "人", "indicator", "THROUGH_ENROLMENT"),
            Item("当年获表彰“技能雏鹰”学生数", "人", "indicator", "SKILL_EAGLETS"),
            Item("横向技术服务到款额", "万元"),
            Item("毕业生本地就业比例", "%"),
        ],
    ),
    (
        "落实政策表",
        [
            Item("已依法制定学校章程", "", "element", "HAS_CHARTER", boolean=True),
            Item("已建立理事会", "", "element", "HAS_COUNCIL", boolean=True),
            Item("已制定一校一案", "", "element", "SCHOOL_PLAN_FILED", boolean=True),
            Item("“三全育人”综合改革试点学校", "", "element", "SANQUAN_PILOT", boolean=True),
            Item("教师绩效工资总量核定参考系数", "", "pay", ""),
            Item("生均财政拨款水平", "元"),
            Item("企业兼职教师承担专业课课时比例", "%"),
        ],
    ),
    (
        "国际影响表",
        [
            Item("全日制国（境）外留学生人数", "人"),
            Item("非全日制国（境）外人员培训量", "人日"),
            Item("在校生服务“走出去”企业国（境）外实习时间", "人日"),
            Item("专任教师赴国（境）外指导和开展培训时间", "人日"),
            Item("开发并被国（境）外采用的专业教学标准数", "个"),
            Item("国（境）外技能大赛获奖数量", "项"),
        ],
    ),
]

OUTLINE = [
    ("一、学校概况", "办学定位、专业设置、在校生与教师规模、年度重点工作。"),
    ("二、学生发展", "德技并修、“三全育人”、证书获取、技能竞赛、就业质量与用人单位评价。"),
    ("三、教育教学改革", "专业（群）建设、“三教”改革、“双师型”教师队伍、教学创新团队。"),
    ("四、服务贡献", "社会培训、技术服务与成果转化、服务区域产业集群。"),
    ("五、政策落实", "章程与理事会、一校一案、经费投入、教师绩效工资核定与分配。"),
    ("六、国际合作", "合作办学、国（境）外培训与标准输出。"),
    ("七、面临挑战与改进措施", "对照评价结果的短板弱项与下一年度整改安排。"),
]


@dataclass(frozen=True)
class Cell:
    item: Item
    text: str  # "" when missing
    missing_reason: str = ""


@dataclass(frozen=True)
class SchoolFacts:
    school: Unit
    year: int
    tables: list[tuple[str, list[Cell]]]
    results: dict[str, Entry]

    @property
    def missing(self) -> list[tuple[str, Cell]]:
        return [(title, c) for title, cells in self.tables for c in cells if c.missing_reason]

    def value(self, label: str) -> str:
        for _, cells in self.tables:
            for c in cells:
                if c.item.label == label:
                    return c.text
        return ""


def _number(value: Decimal, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def facts(schools: Sequence[Unit], year: int) -> list[SchoolFacts]:
    """The five tables of each school for the year (one query per kind of source)."""
    element_codes = {i.ref for _, items in TABLES for i in items if i.kind == "element"}
    indicator_codes = {i.ref for _, items in TABLES for i in items if i.kind == "indicator"}
    known_elements = set(
        DataElement.objects.filter(code__in=element_codes).values_list("code", flat=True)
    )
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=indicator_codes)}
    figures = element_values(known_elements, [year])
    values = indicators_values(list(indicators.values()), [year]) if indicators else {}
    visible = [RoundStatus.NOTICE, RoundStatus.PUBLISHED]
    entries = Entry.objects.filter(
        school__in=schools, round__year=year, round__status__in=visible
    ).select_related("round__scheme")
    results: dict[int, dict[str, Entry]] = {}
    for e in entries:
        results.setdefault(e.school_id, {})[e.round.scheme.kind] = e
    pay: dict[int, Decimal | None] = {}
    for e in entries:
        if e.round.scheme.kind == SchemeKind.SOCIAL_SERVICE:
            for row in selectors.pay_basis(e.round):
                pay[row.entry.school_id] = row.coefficient
    result = []
    for school in schools:
        tables = []
        for title, items in TABLES:
            cells = []
            for item in items:
                text, reason = "", ""
                if item.kind == "element":
                    if item.ref not in known_elements:
                        reason = NOT_COLLECTED
                    else:
                        v = figures.get((school.pk, year, item.ref, ""))
                        if v is None:
                            reason = NOT_REPORTED
                        elif item.boolean:
                            text = "是" if v else "否"
                        else:
                            text = _number(v, 0)
                elif item.kind == "indicator":
                    indicator = indicators.get(item.ref)
                    if indicator is None:
                        reason = NOT_COLLECTED
                    else:
                        v = values[indicator.pk].units.get(school.pk, {}).get(year)
                        if v is None:
                            reason = NOT_REPORTED
                        else:
                            text = _number(v, indicator.decimals)
                elif item.kind == "result":
                    found = results.get(school.pk, {}).get(item.ref)
                    if found is None or found.total is None:
                        reason = "本年度尚无公示或公布的评价结果"
                    else:
                        text = f"{fmt(found.total)}（{found.grade}）"
                elif item.kind == "pay":
                    coefficient = pay.get(school.pk)
                    if coefficient is None:
                        reason = "本年度尚无社会服务能力绩效考核结果或培训数据"
                    else:
                        text = f"{coefficient}"
                else:
                    reason = NOT_COLLECTED
                cells.append(Cell(item, text, reason))
            tables.append((title, cells))
        result.append(SchoolFacts(school, year, tables, results.get(school.pk, {})))
    return result


def schools_all() -> list[Unit]:
    return list(Unit.objects.filter(kind=UnitKind.SCHOOL, is_active=True).order_by("name"))


def _tables(doc: GongwenDocument, f: SchoolFacts) -> None:
    for number, (title, cells) in enumerate(f.tables, start=1):
        doc.table(
            ["序号", "项目", "单位", "数值"],
            [
                [i, c.item.label, c.item.unit or "—", c.text or "（缺）"]
                for i, c in enumerate(cells, start=1)
            ],
            widths_mm=[14, 92, 20, 30],
            align=["center", "left", "center", "center"],
            caption=f"表{number}  {f.school.name}{f.year}年{title}",
        )
        doc.blank_line()


def school_report_build(f: SchoolFacts, stream: IO[bytes]) -> None:
    """A school's 质量年度报告 (data tables and outline) as .docx."""
    doc = GongwenDocument(
        title=f"{f.school.name}\n{f.year}年质量年度报告",
        issuer=f.school.name,
        date=None,
    )
    doc.paragraph(
        f"本报告由江阴市职业教育改革创新数字化平台根据{f.school.name}{f.year}年度报送和登记的数据生成，"
        "包括质量年度报告的五张标准数据表、数据缺失清单和编写提纲。表中标注“（缺）”的项目平台没有数据，"
        "未作估算，请学校核实补充后再发布。"
    )
    doc.heading("一、标准数据表", 1)
    _tables(doc, f)
    doc.heading("二、数据缺失清单", 1)
    missing = f.missing
    if missing:
        doc.paragraph(f"以下 {len(missing)} 项平台没有数据，需学校补充并留存佐证：")
        doc.table(
            ["序号", "所在表", "项目", "原因"],
            [
                [i, title, c.item.label, c.missing_reason]
                for i, (title, c) in enumerate(missing, start=1)
            ],
            widths_mm=[14, 26, 62, 54],
            align=["center", "center", "left", "left"],
        )
    else:
        doc.paragraph("五张标准数据表的全部项目平台均有数据。")
    doc.heading("三、编写提纲", 1)
    hints = _outline_facts(f)
    for title, scope in OUTLINE:
        doc.heading(title, 2)
        doc.paragraph(f"编写要点：{scope}")
        for text in hints.get(title, []):
            doc.paragraph(text)
        doc.paragraph("【待学校补充：典型案例、具体做法与成效。】")
    doc.save(stream)


def _outline_facts(f: SchoolFacts) -> dict[str, list[str]]:
    """Sentences the data already support, by outline section."""
    hints: dict[str, list[str]] = {}
    enrolment = f.value("全日制在校生数")
    teachers = f.value("专业课教师数")
    if enrolment or teachers:
        hints["一、学校概况"] = [
            "平台数据："
            + "，".join(
                p
                for p in (
                    f"全日制在校生 {enrolment} 人" if enrolment else "",
                    f"专业课教师 {teachers} 人" if teachers else "",
                )
                if p
            )
            + "。"
        ]
    dual = f.value("“双师型”教师占专业课教师比例")
    if dual:
        hints["三、教育教学改革"] = [
            f"平台数据：“双师型”教师占专业课教师比例 {dual}%（方案目标：到“十四五”末达到 90%）。"
        ]
    ratio = f.value("年培训人次与全日制在校生之比")
    training = f.value("社会培训人次")
    if ratio or training:
        hints["四、服务贡献"] = [
            f"平台数据：年社会培训 {training or '（缺）'} 人次，为全日制在校生的 {ratio or '（缺）'} 倍"
            "（方案目标：2 倍以上）。"
        ]
    notes: list[str] = []
    for kind, entry in f.results.items():
        name = entry.round.scheme.name
        sw = selectors.strengths_weaknesses(entry)
        notes.append(
            f"{f.year}年度{name}：{fmt(entry.total)} 分，{entry.grade}，全市第 {entry.rank} 名。"
        )
        if sw.strengths:
            notes.append("优势项目：" + "、".join(r.criterion.name for r in sw.strengths) + "。")
        if sw.weaknesses:
            notes.append("短板弱项：" + "、".join(r.criterion.name for r in sw.weaknesses) + "。")
        del kind
    if notes:
        hints["七、面临挑战与改进措施"] = notes
    return hints


def city_summary_build(all_facts: list[SchoolFacts], year: int, stream: IO[bytes]) -> None:
    """The city-level summary across schools: key figures and results side by side, and how
    complete each school's tables are."""
    doc = GongwenDocument(
        title=f"江阴市职业教育{year}年\n质量年度报告（汇总）",
        issuer=ISSUER,
        date=None,
    )
    count = len(all_facts)
    doc.paragraph(
        f"本汇总根据平台中 {count} 所职业院校{year}年度的数据生成，列示各校质量年度报告标准数据表的"
        "关键指标和评价结果；平台没有数据的项目留空并计入缺失项，未作估算。"
    )
    doc.heading("一、各校关键指标", 1)
    key_labels = [
        "全日制在校生数",
        "“双师型”教师占专业课教师比例",
        "年培训人次与全日制在校生之比",
        "名企名校合作项目数",
    ]
    doc.table(
        ["学校", "在校生（人）", "双师型比例（%）", "培训人次/在校生", "名企名校项目"],
        [
            [
                f.school.short_name or f.school.name,
                *[f.value(lbl) or "（缺）" for lbl in key_labels],
            ]
            for f in all_facts
        ],
        widths_mm=[36, 30, 30, 30, 30],
        align=["left", "center", "center", "center", "center"],
    )
    doc.heading("二、评价结果", 1)
    doc.table(
        ["学校", "办学水平评价", "社会服务能力考核", "绩效工资参考系数"],
        [
            [
                f.school.short_name or f.school.name,
                f.value("办学水平评价得分（等级）") or "（缺）",
                f.value("社会服务能力绩效考核得分（等级）") or "（缺）",
                f.value("教师绩效工资总量核定参考系数") or "（缺）",
            ]
            for f in all_facts
        ],
        widths_mm=[36, 40, 40, 40],
        align=["left", "center", "center", "center"],
    )
    doc.heading("三、数据完整情况", 1)
    total_items = sum(len(items) for _, items in TABLES)
    rows: list[list[str] | GroupRow] = []
    for f in all_facts:
        rows.append(
            [
                f.school.short_name or f.school.name,
                str(total_items - len(f.missing)),
                str(len(f.missing)),
                "、".join(c.item.label for _, c in f.missing[:6])
                + ("等" if len(f.missing) > 6 else ""),
            ]
        )
    doc.table(
        ["学校", "有数据项", "缺失项", "主要缺失项目"],
        rows,
        widths_mm=[30, 20, 18, 88],
        align=["left", "center", "center", "left"],
    )
    doc.paragraph(
        "平台尚未采集毕业生就业、用人单位满意度、经费和国际合作等数据，建议在下一年度的数据集中增设，"
        "由学校按期报送、主管部门审核。"
    )
    doc.signature(date=None)
    doc.save(stream)


def filename(school: Unit | None, year: int) -> str:
    return f"{school.name if school else '江阴市职业教育'}{year}年质量年度报告{'（汇总）' if school is None else ''}.docx"
