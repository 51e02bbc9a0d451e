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
from typing import IO, TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhijiao.core.gongwen import GongwenDocument, GroupRow
from zhijiao.indicators.models import DataElement, Indicator
from zhijiao.indicators.selectors import element_values, indicators_values
from zhijiao.orgs.models import Unit, UnitKind

from . import selectors
from .data import ISSUER, RoundStatus, SchemeKind
from .models import Entry
from .scoring import fmt

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

NOT_COLLECTED = gettext_lazy("平台尚未采集该项数据")
NOT_REPORTED = gettext_lazy("本年度尚未报送或尚无数据")


@dataclass(frozen=True)
class Item:
    """One row of a standard table: where its value comes from. ``kind`` is "element" (a data
    element's figure), "indicator" (an indicator's value), "result" (an evaluation result of the
    year: school_level / social_service), "pay" (the performance-pay coefficient) or "" (not
    collected by the platform). The unit of measure is data, as in the indicator catalogue."""

    label: StrOrPromise
    unit: str = ""
    kind: str = ""
    ref: str = ""
    boolean: bool = False


TABLES: list[tuple[StrOrPromise, list[Item]]] = [
    (
        gettext_lazy("计分卡"),
        [
            Item(gettext_lazy("全日制在校生数"), "人", "element", "ENROLMENT"),
            Item(gettext_lazy("毕业生就业率"), "%"),
            Item(gettext_lazy("毕业生专业对口就业率"), "%"),
            Item(gettext_lazy("毕业生获取职业资格或职业技能等级证书比例"), "%"),
            Item(gettext_lazy("用人单位满意度"), "%"),
            Item(gettext_lazy("办学水平评价得分（等级）"), "分", "result", SchemeKind.SCHOOL_LEVEL),
            Item(
                gettext_lazy("社会服务能力绩效考核得分（等级）"),
                "分",
                "result",
                SchemeKind.SOCIAL_SERVICE,
            ),
        ],
    ),
    (
        gettext_lazy("资源表"),
        [
            Item(gettext_lazy("专业课教师数"), "人", "element", "TEACHER_PRO"),
            Item(gettext_lazy("“双师型”教师数"), "人", "element", "TEACHER_DUAL"),
            Item(gettext_lazy("“双师型”教师占专业课教师比例"), "%", "indicator", "DUAL_SHARE"),
            Item(gettext_lazy("生师比"), ""),
            Item(gettext_lazy("高水平专业（群）数"), "个", "indicator", "HIGH_LEVEL_MAJORS"),
            Item(gettext_lazy("市级教师教学创新团队数"), "个", "indicator", "INNOVATION_TEAMS"),
            Item(gettext_lazy("“双师型”教师培养培训基地数"), "个", "indicator", "DUAL_BASES"),
            Item(gettext_lazy("生均教学科研仪器设备值"), "元"),
            Item(gettext_lazy("生均实践场所面积"), "平方米"),
        ],
    ),
    (
        gettext_lazy("服务贡献表"),
        [
            Item(gettext_lazy("社会培训人次"), "人次", "element", "TRAIN_PT"),
            Item(gettext_lazy("年培训人次与全日制在校生之比"), "倍", "indicator", "TRAINING_RATIO"),
            Item(gettext_lazy("社会培训项目数"), "个", "element", "TRAIN_PROGRAMMES"),
            Item(gettext_lazy("名企名校合作项目数"), "个", "indicator", "FAMOUS_PROJECTS"),
            Item(gettext_lazy("1+X 证书试点示范项目数"), "个", "indicator", "X_PILOTS"),
            Item(gettext_lazy("中高职贯通培养在校生数"), "人", "indicator", "THROUGH_ENROLMENT"),
            Item(gettext_lazy("当年获表彰“技能雏鹰”学生数"), "人", "indicator", "SKILL_EAGLETS"),
            Item(gettext_lazy("横向技术服务到款额"), "万元"),
            Item(gettext_lazy("毕业生本地就业比例"), "%"),
        ],
    ),
    (
        gettext_lazy("落实政策表"),
        [
            Item(gettext_lazy("已依法制定学校章程"), "", "element", "HAS_CHARTER", boolean=True),
            Item(gettext_lazy("已建立理事会"), "", "element", "HAS_COUNCIL", boolean=True),
            Item(
                gettext_lazy("已制定“一校一案”"), "", "element", "SCHOOL_PLAN_FILED", boolean=True
            ),
            Item(
                gettext_lazy("“三全育人”综合改革试点学校"),
                "",
                "element",
                "SANQUAN_PILOT",
                boolean=True,
            ),
            Item(gettext_lazy("教师绩效工资总量核定参考系数"), "", "pay", ""),
            Item(gettext_lazy("生均财政拨款水平"), "元"),
            Item(gettext_lazy("企业兼职教师承担专业课课时比例"), "%"),
        ],
    ),
    (
        gettext_lazy("国际影响表"),
        [
            Item(gettext_lazy("全日制国（境）外留学生人数"), "人"),
            Item(gettext_lazy("非全日制国（境）外人员培训量"), "人日"),
            Item(gettext_lazy("在校生服务“走出去”企业国（境）外实习时间"), "人日"),
            Item(gettext_lazy("专任教师赴国（境）外指导和开展培训时间"), "人日"),
            Item(gettext_lazy("开发并被国（境）外采用的专业教学标准数"), "个"),
            Item(gettext_lazy("国（境）外技能大赛获奖数量"), "项"),
        ],
    ),
]

# The outline's sections that sentences from the data go under.
OVERVIEW = gettext_lazy("一、学校概况")
TEACHING = gettext_lazy("三、教育教学改革")
SERVICE = gettext_lazy("四、服务贡献")
CHALLENGES = gettext_lazy("七、面临挑战与改进措施")

OUTLINE: list[tuple[StrOrPromise, StrOrPromise]] = [
    (OVERVIEW, gettext_lazy("办学定位、专业设置、在校生与教师规模、年度重点工作。")),
    (
        gettext_lazy("二、学生发展"),
        gettext_lazy("德技并修、“三全育人”、证书获取、技能竞赛、就业质量与用人单位评价。"),
    ),
    (TEACHING, gettext_lazy("专业（群）建设、“三教”改革、“双师型”教师队伍、教学创新团队。")),
    (SERVICE, gettext_lazy("社会培训、技术服务与成果转化、服务区域产业集群。")),
    (
        gettext_lazy("五、政策落实"),
        gettext_lazy("章程与理事会、一校一案、经费投入、教师绩效工资核定与分配。"),
    ),
    (gettext_lazy("六、国际合作"), gettext_lazy("合作办学、国（境）外培训与标准输出。")),
    (CHALLENGES, gettext_lazy("对照评价结果的短板弱项与下一年度整改安排。")),
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
    tables: list[tuple[StrOrPromise, list[Cell]]]
    results: dict[str, Entry]

    @property
    def missing(self) -> list[tuple[StrOrPromise, Cell]]:
        return [(title, c) for title, cells in self.tables for c in cells if c.missing_reason]

    def value(self, label: StrOrPromise) -> str:
        """The text of the item of this label (in the active language)."""
        for _title, cells in self.tables:
            for c in cells:
                if str(c.item.label) == str(label):
                    return c.text
        return ""


def _number(value: Decimal, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def facts(schools: Sequence[Unit], year: int) -> list[SchoolFacts]:
    """The five tables of each school for the year (one query per kind of source)."""
    element_codes = {i.ref for _title, items in TABLES for i in items if i.kind == "element"}
    indicator_codes = {i.ref for _title, items in TABLES for i in items if i.kind == "indicator"}
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
                        reason = str(NOT_COLLECTED)
                    else:
                        v = figures.get((school.pk, year, item.ref, ""))
                        if v is None:
                            reason = str(NOT_REPORTED)
                        elif item.boolean:
                            text = _("是") if v else _("否")
                        else:
                            text = _number(v, 0)
                elif item.kind == "indicator":
                    indicator = indicators.get(item.ref)
                    if indicator is None:
                        reason = str(NOT_COLLECTED)
                    else:
                        v = values[indicator.pk].units.get(school.pk, {}).get(year)
                        if v is None:
                            reason = str(NOT_REPORTED)
                        else:
                            text = _number(v, indicator.decimals)
                elif item.kind == "result":
                    found = results.get(school.pk, {}).get(item.ref)
                    if found is None or found.total is None:
                        reason = _("本年度尚无公示或公布的评价结果")
                    else:
                        text = f"{fmt(found.total)}（{found.grade}）"
                elif item.kind == "pay":
                    coefficient = pay.get(school.pk)
                    if coefficient is None:
                        reason = _("本年度尚无社会服务能力绩效考核结果或培训数据")
                    else:
                        text = f"{coefficient}"
                else:
                    reason = str(NOT_COLLECTED)
                cells.append(Cell(item, text, reason))
            tables.append((title, cells))
        result.append(SchoolFacts(school, year, tables, results.get(school.pk, {})))
    return result


def schools_all() -> list[Unit]:
    return list(Unit.objects.filter(kind=UnitKind.SCHOOL, is_active=True).order_by("name"))


def _tables(doc: GongwenDocument, f: SchoolFacts) -> None:
    for number, (title, cells) in enumerate(f.tables, start=1):
        doc.table(
            [_("序号"), _("项目"), _("单位"), _("数值")],
            [
                [i, str(c.item.label), c.item.unit or "—", c.text or _("（缺）")]
                for i, c in enumerate(cells, start=1)
            ],
            widths_mm=[14, 92, 20, 30],
            align=["center", "left", "center", "center"],
            caption=_("表{number}  {school}{year}年{title}").format(
                number=number, school=f.school.name, year=f.year, title=title
            ),
        )
        doc.blank_line()


def school_report_build(f: SchoolFacts, stream: IO[bytes]) -> None:
    """A school's 质量年度报告 (data tables and outline) as .docx."""
    doc = GongwenDocument(
        title=_("{school}\n{year}年质量年度报告").format(school=f.school.name, year=f.year),
        issuer=f.school.name,
        date=None,
    )
    doc.paragraph(
        _(
            "本报告由江阴市职业教育改革创新数字化平台根据{school}{year}年度报送和登记的数据生成，"
            "包括质量年度报告的五张标准数据表、数据缺失清单和编写提纲。表中标注“（缺）”的项目平台没有数据，"
            "未作估算，请学校核实补充后再发布。"
        ).format(school=f.school.name, year=f.year)
    )
    doc.heading(_("一、标准数据表"), 1)
    _tables(doc, f)
    doc.heading(_("二、数据缺失清单"), 1)
    missing = f.missing
    if missing:
        doc.paragraph(
            _("以下 {count} 项平台没有数据，需学校补充并留存佐证：").format(count=len(missing))
        )
        doc.table(
            [_("序号"), _("所在表"), _("项目"), _("原因")],
            [
                [i, str(title), str(c.item.label), c.missing_reason]
                for i, (title, c) in enumerate(missing, start=1)
            ],
            widths_mm=[14, 26, 62, 54],
            align=["center", "center", "left", "left"],
        )
    else:
        doc.paragraph(_("五张标准数据表的全部项目平台均有数据。"))
    doc.heading(_("三、编写提纲"), 1)
    hints = _outline_facts(f)
    for title, scope in OUTLINE:
        doc.heading(str(title), 2)
        doc.paragraph(_("编写要点：{scope}").format(scope=scope))
        for text in hints.get(str(title), []):
            doc.paragraph(text)
        doc.paragraph(_("【待学校补充：典型案例、具体做法与成效。】"))
    doc.save(stream)


def _outline_facts(f: SchoolFacts) -> dict[str, list[str]]:
    """Sentences the data already support, by outline section (its heading in the active
    language)."""
    hints: dict[str, list[str]] = {}
    enrolment = f.value(_("全日制在校生数"))
    teachers = f.value(_("专业课教师数"))
    if enrolment or teachers:
        hints[str(OVERVIEW)] = [
            _("平台数据：{facts}。").format(
                facts="，".join(
                    p
                    for p in (
                        _("全日制在校生 {count} 人").format(count=enrolment) if enrolment else "",
                        _("专业课教师 {count} 人").format(count=teachers) if teachers else "",
                    )
                    if p
                )
            )
        ]
    dual = f.value(_("“双师型”教师占专业课教师比例"))
    if dual:
        hints[str(TEACHING)] = [
            _(
                "平台数据：“双师型”教师占专业课教师比例 {share}%（方案目标：到“十四五”末达到 90%）。"
            ).format(share=dual)
        ]
    ratio = f.value(_("年培训人次与全日制在校生之比"))
    training = f.value(_("社会培训人次"))
    if ratio or training:
        hints[str(SERVICE)] = [
            _(
                "平台数据：年社会培训 {training} 人次，为全日制在校生的 {ratio} 倍"
                "（方案目标：2 倍以上）。"
            ).format(training=training or _("（缺）"), ratio=ratio or _("（缺）"))
        ]
    notes: list[str] = []
    for kind, entry in f.results.items():
        name = entry.round.scheme.name
        sw = selectors.strengths_weaknesses(entry)
        notes.append(
            _("{year}年度{name}：{total} 分，{grade}，全市第 {rank} 名。").format(
                year=f.year, name=name, total=fmt(entry.total), grade=entry.grade, rank=entry.rank
            )
        )
        if sw.strengths:
            notes.append(
                _("优势项目：{items}。").format(
                    items="、".join(r.criterion.name for r in sw.strengths)
                )
            )
        if sw.weaknesses:
            notes.append(
                _("短板弱项：{items}。").format(
                    items="、".join(r.criterion.name for r in sw.weaknesses)
                )
            )
        del kind
    if notes:
        hints[str(CHALLENGES)] = notes
    return hints


def city_summary_build(all_facts: list[SchoolFacts], year: int, stream: IO[bytes]) -> None:
    """The city-level summary across schools: key figures and results side by side, and how
    complete each school's tables are."""
    doc = GongwenDocument(
        title=_("江阴市职业教育{year}年\n质量年度报告（汇总）").format(year=year),
        issuer=str(ISSUER),
        date=None,
    )
    count = len(all_facts)
    doc.paragraph(
        _(
            "本汇总根据平台中 {count} 所职业院校{year}年度的数据生成，列示各校质量年度报告标准数据表的"
            "关键指标和评价结果；平台没有数据的项目留空并计入缺失项，未作估算。"
        ).format(count=count, year=year)
    )
    doc.heading(_("一、各校关键指标"), 1)
    key_labels = [
        _("全日制在校生数"),
        _("“双师型”教师占专业课教师比例"),
        _("年培训人次与全日制在校生之比"),
        _("名企名校合作项目数"),
    ]
    missing_text = _("（缺）")
    doc.table(
        [
            _("学校"),
            _("在校生（人）"),
            _("“双师型”比例（%）"),
            _("培训人次/在校生"),
            _("名企名校项目"),
        ],
        [
            [
                f.school.short_name or f.school.name,
                *[f.value(lbl) or missing_text for lbl in key_labels],
            ]
            for f in all_facts
        ],
        widths_mm=[36, 30, 30, 30, 30],
        align=["left", "center", "center", "center", "center"],
    )
    doc.heading(_("二、评价结果"), 1)
    doc.table(
        [_("学校"), _("办学水平评价"), _("社会服务能力考核"), _("绩效工资参考系数")],
        [
            [
                f.school.short_name or f.school.name,
                f.value(_("办学水平评价得分（等级）")) or missing_text,
                f.value(_("社会服务能力绩效考核得分（等级）")) or missing_text,
                f.value(_("教师绩效工资总量核定参考系数")) or missing_text,
            ]
            for f in all_facts
        ],
        widths_mm=[36, 40, 40, 40],
        align=["left", "center", "center", "center"],
    )
    doc.heading(_("三、数据完整情况"), 1)
    total_items = sum(len(items) for _title, items in TABLES)
    rows: list[list[str] | GroupRow] = []
    for f in all_facts:
        rows.append(
            [
                f.school.short_name or f.school.name,
                str(total_items - len(f.missing)),
                str(len(f.missing)),
                "、".join(str(c.item.label) for _title, c in f.missing[:6])
                + (_("等") if len(f.missing) > 6 else ""),
            ]
        )
    doc.table(
        [_("学校"), _("有数据项"), _("缺失项"), _("主要缺失项目")],
        rows,
        widths_mm=[30, 20, 18, 88],
        align=["left", "center", "center", "left"],
    )
    doc.paragraph(
        _(
            "平台尚未采集毕业生就业、用人单位满意度、经费和国际合作等数据，建议在下一年度的数据集中增设，"
            "由学校按期报送、主管部门审核。"
        )
    )
    doc.signature(date=None)
    doc.save(stream)


def filename(school: Unit | None, year: int) -> str:
    if school is None:
        return _("江阴市职业教育{year}年质量年度报告（汇总）.docx").format(year=year)
    return _("{school}{year}年质量年度报告.docx").format(school=school.name, year=year)
