"""The annual 产业人才需求报告: a .docx in the 公文 layout with tables and charts, the same content as
a web page, archived per year and published by the office to the public page.

:func:`report_build` writes the document from an :class:`~zhijiao.talent.analysis.Analysis`;
:func:`report_archive` computes, builds and stores the year's report (the command ``zhijiao
report talent --year Y`` and the background job both call it); :func:`report_generate` starts the
job from the page; :func:`report_publish` makes it public. Charts are matplotlib PNGs drawn with a
CJK font found on the machine (Noto CJK, WenQuanYi, SimHei …); without one the labels would be
boxes, so the report says in the log which font it used.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import shutil
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from zhijiao.core import audit
from zhijiao.core.errors import ServiceError
from zhijiao.core.gongwen import TEXT_WIDTH_MM, GongwenDocument, date_text
from zhijiao.core.jobs import job_progress, job_result_path, job_running, job_start, job_succeed
from zhijiao.core.models import AuditAction, Job
from zhijiao.orgs.models import User
from zhijiao.orgs.roles import Capability, require_capability

from .analysis import BANDS, Analysis, analyse
from .data import (
    GRADE_NORMAL,
    GRADE_SHORTAGE,
    GRADE_TIGHT,
    INDEX_COMPONENTS,
    INDEX_VERSIONS,
    PostingErrorCode,
    ReportStatus,
    Suggestion,
    TalentErrorCode,
)
from .models import TalentReport

logger = logging.getLogger(__name__)

REPORT_JOB_KIND = "talent.report"
ISSUER = gettext_lazy("江阴市推进职业教育改革创新工作专班")
REPORTS_DIR = "talent/reports"
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "AR PL UMing CN",
)
CHARTS = {
    "clusters": gettext_lazy("图1 各产业集群人才需求与供给"),
    "occupations": gettext_lazy("图2 需求人数最多的职业"),
    "trend": gettext_lazy("图3 历年需求人数与毕业生人数"),
    "bands": gettext_lazy("图4 技能层次需求与供给"),
    "shortage": gettext_lazy("图5 紧缺职业的紧缺指数"),
}
Progress = Callable[[int, str], None]


def _no_progress(percent: int, message: str) -> None:
    return None


def title_of(year: int) -> str:
    return _("{year}年江阴市产业人才需求报告").format(year=year)


def filename_of(year: int) -> str:
    return f"{title_of(year)}.docx"


# ---------------------------------------------------------------- charts


@cache
def cjk_font() -> str | None:
    """The family name of a CJK font matplotlib can use here, or None."""
    from matplotlib import font_manager

    available = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in available:
            return family
    # fonts-noto-cjk installs .ttc collections that older caches miss: look on disk.
    for path in ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/wqy"):
        for candidate in sorted(Path(path).glob("*.tt[cf]")) if Path(path).is_dir() else []:
            if "Bold" in candidate.name:
                continue
            font_manager.fontManager.addfont(str(candidate))
            name = font_manager.FontProperties(fname=str(candidate)).get_name()
            if name:
                return name
    logger.warning("No CJK font found for charts: Chinese labels will not render")
    return None


def _figure(width_mm: float = 150, height_mm: float = 85) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    family = cjk_font()
    plt.rcParams["font.family"] = [family] if family else ["sans-serif"]
    plt.rcParams["axes.unicode_minus"] = False
    fig, ax = plt.subplots(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=200)
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.tick_params(labelsize=8)
    return fig, ax


def _png(fig: Any) -> bytes:
    from matplotlib import pyplot as plt

    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def charts(analysis: Analysis) -> dict[str, bytes]:
    """The report's charts as PNG bytes, by key (see :data:`CHARTS`)."""
    result: dict[str, bytes] = {}
    clusters = analysis.clusters[:8]
    fig, ax = _figure()
    labels = [c.label for c in clusters]
    xs = range(len(clusters))
    demand, available, people = _("需求人数"), _("可供毕业生"), _("人")
    ax.bar([x - 0.2 for x in xs], [c.demand for c in clusters], 0.4, label=demand, color="#2563eb")
    ax.bar(
        [x + 0.2 for x in xs],
        [c.supply for c in clusters],
        0.4,
        label=available,
        color="#16a34a",
    )
    ax.set_xticks(list(xs), labels, fontsize=8)
    ax.set_ylabel(people, fontsize=8)
    ax.legend(fontsize=8, frameon=False)
    result["clusters"] = _png(fig)

    top = analysis.occupations and sorted(analysis.occupations, key=lambda o: -o.demand)[:12]
    fig, ax = _figure(height_mm=100)
    top = list(reversed(top or []))
    ax.barh([o.name for o in top], [o.demand for o in top], color="#2563eb", label=demand)
    ax.barh(
        [o.name for o in top],
        [o.supply for o in top],
        color="#16a34a",
        height=0.4,
        label=available,
    )
    ax.set_xlabel(people, fontsize=8)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    result["occupations"] = _png(fig)

    fig, ax = _figure(height_mm=70)
    years = sorted(set(analysis.demand_by_year) | set(analysis.supply_by_year))
    xs = range(len(years))
    ax.set_xticks(list(xs), [_("{year}年").format(year=y) for y in years], fontsize=8)
    ax.plot(
        list(xs),
        [analysis.demand_by_year.get(y, 0) for y in years],
        marker="o",
        label=demand,
        color="#2563eb",
    )
    ax.plot(
        list(xs),
        [analysis.supply_by_year.get(y, 0) for y in years],
        marker="s",
        label=_("毕业生人数"),
        color="#16a34a",
    )
    ax.set_ylabel(people, fontsize=8)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, frameon=False)
    result["trend"] = _png(fig)

    fig, ax = _figure(height_mm=70)
    bands = analysis.bands
    xs = range(len(bands))
    ax.bar([x - 0.2 for x in xs], [b.demand for b in bands], 0.4, label=demand, color="#2563eb")
    ax.bar([x + 0.2 for x in xs], [b.supply for b in bands], 0.4, label=available, color="#16a34a")
    ax.set_xticks(list(xs), [b.label.split("（")[0] for b in bands], fontsize=8)
    ax.legend(fontsize=8, frameon=False)
    result["bands"] = _png(fig)

    shortage = list(reversed(analysis.shortage[:12]))
    fig, ax = _figure(height_mm=max(50, 8 * len(shortage) + 20))
    version = INDEX_VERSIONS[analysis.version]
    ax.barh(
        [o.name for o in shortage],
        [o.index for o in shortage],
        color=["#dc2626" if o.grade == GRADE_SHORTAGE else "#d97706" for o in shortage],
    )
    ax.axvline(version.shortage_at, color="#dc2626", linestyle="--", linewidth=0.8)
    ax.axvline(version.tight_at, color="#d97706", linestyle="--", linewidth=0.8)
    ax.set_xlim(0, 100)
    ax.set_xlabel(_("紧缺指数"), fontsize=8)
    result["shortage"] = _png(fig)
    return result


# ---------------------------------------------------------------- the document


def _num(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:+.1f}%"


def _picture(doc: GongwenDocument, png: bytes, caption: str) -> None:
    p = doc.paragraph(indent=False, align="center")
    p.paragraph_format.line_spacing = 1.0  # single: a fixed pitch would clip the picture
    p.paragraph_format.keep_with_next = True  # the picture stays with its caption
    p.add_run().add_picture(io.BytesIO(png), width=Mm(TEXT_WIDTH_MM - 6))
    cap = doc.paragraph(caption, indent=False, align="center")
    cap.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _table(doc: GongwenDocument, headers: Sequence[str], rows: Any, **kwargs: Any) -> None:
    """A 公文 table whose caption stays on the page of the table's first rows."""
    table = doc.table(headers, rows, **kwargs)
    caption = table._tbl.getprevious()
    if caption is not None and caption.tag == qn("w:p"):
        ppr = caption.get_or_add_pPr()
        ppr.insert_element_before(OxmlElement("w:keepNext"), *KEEP_NEXT_SUCCESSORS)


KEEP_NEXT_SUCCESSORS = (
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def summary_sentences(a: Analysis) -> list[str]:
    """The 摘要: a few sentences the web page and the document share."""
    t = a.totals
    shortage = [o for o in a.occupations if o.grade == GRADE_SHORTAGE]
    tight = [o for o in a.occupations if o.grade == GRADE_TIGHT]
    growth = (t["demand"] / t["previous_demand"] - 1) if t.get("previous_demand") else None
    figures = {
        "year": a.year,
        "demand": f"{t['demand']:,}",
        "occupations": t["occupations"],
        "high_skill": f"{t['high_skill']:,}",
    }
    if growth is None:
        first = _(
            "{year}年，全市报送岗位需求 {demand} 人，涉及职业 {occupations} 个；"
            "其中高技能（高级工及以上）需求 {high_skill} 人。"
        ).format(**figures)
    elif growth >= 0:
        first = _(
            "{year}年，全市报送岗位需求 {demand} 人，涉及职业 {occupations} 个，较上年增长 "
            "{percent}%；其中高技能（高级工及以上）需求 {high_skill} 人。"
        ).format(**figures, percent=f"{abs(growth) * 100:.1f}")
    else:
        first = _(
            "{year}年，全市报送岗位需求 {demand} 人，涉及职业 {occupations} 个，较上年下降 "
            "{percent}%；其中高技能（高级工及以上）需求 {high_skill} 人。"
        ).format(**figures, percent=f"{abs(growth) * 100:.1f}")
    second = _(
        "全市职业院校毕业生 {graduates} 人，扣除升学后进入就业市场 {available} 人，"
        "总体求人倍率 {ratio}。"
    ).format(
        graduates=f"{t['graduates']:,}",
        available=f"{t['available']:,}",
        ratio=_num(t["ratio"], 2),
    )
    shortage_figures = {
        "cluster": a.clusters[0].label if a.clusters else "—",
        "version": a.version,
        "shortage": len(shortage),
        "tight": len(tight),
    }
    if a.shortage:
        third = _(
            "需求最多的产业集群是{cluster}。按紧缺指数（{version} 版），紧缺职业 {shortage} 个、"
            "较紧缺职业 {tight} 个，最紧缺的是{names}。"
        ).format(**shortage_figures, names="、".join(o.name for o in a.shortage[:3]))
    else:
        third = _(
            "需求最多的产业集群是{cluster}。按紧缺指数（{version} 版），紧缺职业 {shortage} 个、"
            "较紧缺职业 {tight} 个。"
        ).format(**shortage_figures)
    fourth = _(
        "毕业生供给超过需求的专业 {surplus} 个，有需求但无对口专业的职业 {unserved} 个。"
    ).format(surplus=len(a.surplus_majors), unserved=len(a.unserved))
    return [first, second, third, fourth]


def report_build(
    analysis: Analysis,
    *,
    stream: Any,
    today: dt.date,
    progress: Progress = _no_progress,
    pictures: dict[str, bytes] | None = None,
) -> None:
    """Writes the report as a .docx to ``stream`` (drawing the charts unless given)."""
    a = analysis
    version = INDEX_VERSIONS[a.version]
    if pictures is None:
        progress(55, _("正在绘制图表"))
        pictures = charts(a)
    progress(70, _("正在生成文档"))
    doc = GongwenDocument(title=title_of(a.year), issuer=str(ISSUER), date=today)
    doc.heading(_("一、摘要"), 1)
    for sentence in summary_sentences(a):
        doc.paragraph(sentence)

    doc.heading(_("二、数据来源与方法"), 1)
    doc.paragraph(
        _(
            "需求数据来自{year}年企业岗位需求调查中已报送、已采纳的填报；招聘信息 {postings} 条"
            "按职业分类大典自动归类（别名词典最长匹配、相似度补充，低置信度经人工校正），用于技能、证书结构"
            "和招聘活跃度；供给数据来自各职业院校填报的分专业招生、毕业和毕业去向。"
        ).format(year=a.year, postings=f"{a.totals['postings']:,}"),
        lead=_("（一）数据来源。"),
    )
    doc.paragraph(
        _(
            "毕业生扣除升学后为可供就业的毕业生。每个专业按其职业面向对应职业，其可供毕业生按各对应职业的"
            "需求人数比例分配，汇总为各职业的供给。求人倍率＝需求人数÷供给人数。"
        ),
        lead=_("（二）供需测算。"),
    )
    doc.paragraph(
        _(
            "紧缺指数（{version} 版）＝100×Σ权重×分项得分，分项得分均在 0 到 1 之间。指数不低于 "
            "{shortage_at} 为紧缺，不低于 {tight_at} 为较紧缺；需求不足 "
            "{min_demand} 人的职业不列入。各分项及权重见表1。"
        ).format(
            version=version.name,
            shortage_at=f"{version.shortage_at:g}",
            tight_at=f"{version.tight_at:g}",
            min_demand=version.min_demand,
        ),
        lead=_("（三）紧缺指数。"),
    )
    _table(
        doc,
        [_("分项"), _("计算方法"), _("权重")],
        [[key_label(k), str(INDEX_COMPONENTS[k]), f"{w:.2f}"] for k, w in version.weights.items()],
        widths_mm=[26, 110, 20],
        align=["center", "left", "center"],
        caption=_("表1 紧缺指数的分项和权重"),
    )

    progress(75, _("正在生成需求分析"))
    doc.heading(_("三、人才需求情况"), 1)
    doc.paragraph(_("各产业集群的需求和供给见表2、图1。"), lead=_("（一）分产业集群。"))
    _table(
        doc,
        [_("产业集群"), _("需求人数"), _("较上年"), _("可供毕业生"), _("缺口"), _("求人倍率")],
        [
            [c.label, _num(c.demand), _pct(c.growth), _num(c.supply), _num(c.gap), _num(c.ratio, 2)]
            for c in a.clusters
        ],
        widths_mm=[36, 24, 22, 26, 24, 24],
        align=["left", "right", "right", "right", "right", "right"],
        caption=_("表2 分产业集群人才需求与供给"),
    )
    _picture(doc, pictures["clusters"], str(CHARTS["clusters"]))
    doc.paragraph(_("需求人数居前的职业见表3、图2。"), lead=_("（二）分职业。"))
    top = sorted(a.occupations, key=lambda o: -o.demand)[:20]
    _table(
        doc,
        [_("职业"), _("需求人数"), _("较上年"), _("可供毕业生"), _("求人倍率"), _("招聘信息")],
        [
            [
                f"{o.name}\n{o.code}",
                _num(o.demand),
                _pct(o.growth),
                _num(o.supply),
                _num(o.ratio, 2),
                _num(o.postings),
            ]
            for o in top
        ],
        widths_mm=[46, 22, 22, 24, 20, 22],
        align=["left", "right", "right", "right", "right", "right"],
        caption=_("表3 需求人数居前 20 位的职业"),
    )
    _picture(doc, pictures["occupations"], str(CHARTS["occupations"]))
    doc.paragraph(_("历年需求与毕业生人数见图3。"), lead=_("（三）变化趋势。"))
    _picture(doc, pictures["trend"], str(CHARTS["trend"]))

    progress(80, _("正在生成结构分析"))
    doc.heading(_("四、技能和学历结构"), 1)
    _table(
        doc,
        [_("技能层次"), _("需求人数"), _("可供毕业生"), _("缺口"), _("求人倍率")],
        [[b.label, _num(b.demand), _num(b.supply), _num(b.gap), _num(b.ratio, 2)] for b in a.bands],
        widths_mm=[64, 22, 26, 22, 22],
        align=["left", "right", "right", "right", "right"],
        caption=_(
            "表4 技能层次需求与供给（中职对应初中级，高职专科对应高技能，高职本科对应专业技术）"
        ),
    )
    _picture(doc, pictures["bands"], str(CHARTS["bands"]))
    total = sum(n for _l, n in a.education) or 1
    _table(
        doc,
        [_("学历要求"), _("需求人数"), _("占比")],
        [[label, _num(n), f"{n / total * 100:.1f}%"] for label, n in a.education],
        widths_mm=[80, 38, 38],
        align=["left", "right", "right"],
        caption=_("表5 岗位需求的学历要求"),
    )
    if a.skills or a.certificates:
        rows = []
        for i in range(max(len(a.skills), len(a.certificates))):
            skill = a.skills[i] if i < len(a.skills) else ("", 0)
            cert = a.certificates[i] if i < len(a.certificates) else ("", 0)
            rows.append(
                [
                    skill[0],
                    _num(skill[1]) if skill[0] else "",
                    cert[0],
                    _num(cert[1]) if cert[0] else "",
                ]
            )
        _table(
            doc,
            [_("技能要求"), _("招聘信息（条）"), _("证书要求"), _("招聘信息（条）")],
            rows,
            widths_mm=[42, 36, 42, 36],
            align=["left", "right", "left", "right"],
            caption=_("表6 招聘信息中最常见的技能和证书要求"),
        )

    progress(85, _("正在生成供需对比和紧缺职业目录"))
    doc.heading(_("五、供需对比"), 1)
    t = a.totals
    doc.paragraph(
        _(
            "全市职业院校{year}年招生 {enrolled} 人，毕业 {graduates} 人，其中本地就业 "
            "{local_employed} 人、升学 {further_study} 人。"
        ).format(
            year=a.year,
            enrolled=f"{t['enrolled']:,}",
            graduates=f"{t['graduates']:,}",
            local_employed=f"{t['local_employed']:,}",
            further_study=f"{t['further_study']:,}",
        ),
    )
    surplus = a.surplus_majors
    if surplus:
        doc.paragraph(
            _("毕业生供给超过对口需求的专业 {count} 个，见表7。").format(count=len(surplus)),
            lead=_("（一）供给过剩的专业。"),
        )
        _table(
            doc,
            [_("专业"), _("层次"), _("可供毕业生"), _("对口需求"), _("匹配度")],
            [
                [
                    f"{m.name}\n{m.code}",
                    stage_label(m.stage),
                    _num(m.available),
                    _num(m.met_demand),
                    f"{m.match:.2f}",
                ]
                for m in surplus
            ],
            widths_mm=[60, 24, 26, 24, 22],
            align=["left", "center", "right", "right", "right"],
            caption=_("表7 毕业生供给超过需求的专业"),
        )
    else:
        doc.paragraph(_("无。"), lead=_("（一）供给过剩的专业。"))
    if a.unserved:
        doc.paragraph(
            _("有需求但没有对口专业的职业 {count} 个：{occupations}。").format(
                count=len(a.unserved),
                occupations="、".join(
                    _("{name}（需求 {demand} 人）").format(name=o.name, demand=o.demand)
                    for o in a.unserved
                ),
            ),
            lead=_("（二）无对口专业的职业。"),
        )
    else:
        doc.paragraph(_("需求达到统计门槛的职业均有对口专业。"), lead=_("（二）无对口专业的职业。"))

    doc.heading(_("六、紧缺职业目录"), 1)
    doc.paragraph(
        _(
            "按紧缺指数（{version} 版，权重：{weights}），{year}年紧缺和较紧缺职业见表8、图5。"
        ).format(
            version=version.name,
            weights="，".join(f"{key_label(k)} {w:.2f}" for k, w in version.weights.items()),
            year=a.year,
        )
    )
    _table(
        doc,
        [
            _("序号"),
            _("职业"),
            _("紧缺程度"),
            _("紧缺指数"),
            _("需求人数"),
            _("求人倍率"),
            _("主要集群"),
        ],
        [
            [
                i,
                f"{o.name}\n{o.code}",
                _(o.grade),
                f"{o.index:.1f}",
                _num(o.demand),
                _num(o.ratio, 2) if o.ratio is not None else _("无供给"),
                "、".join(cluster_label(c) for c in o.clusters[:2]),
            ]
            for i, o in enumerate(a.shortage, start=1)
        ],
        widths_mm=[11, 42, 18, 18, 18, 18, 31],
        align=["center", "left", "center", "right", "right", "right", "left"],
        caption=_("表8 {year}年紧缺职业目录").format(year=a.year),
    )
    if a.shortage:
        _picture(doc, pictures["shortage"], str(CHARTS["shortage"]))

    progress(90, _("正在生成建议"))
    doc.heading(_("七、对策建议"), 1)
    expand = [m for m in a.majors if m.suggestion == Suggestion.EXPAND]
    reduce_ = [m for m in a.majors if m.suggestion in (Suggestion.REDUCE, Suggestion.ADJUST)]
    doc.paragraph(
        _("对紧缺职业对应的专业，建议扩大招生规模：{majors}。").format(
            majors="、".join(m.name for m in expand)
        )
        if expand
        else _("各专业的对口需求与供给大体相当，暂无须扩大招生规模的专业。"),
        lead=_("（一）扩大紧缺专业规模。"),
    )
    doc.paragraph(
        _("对毕业生供给超过需求的专业，建议调减规模或优化专业方向：{majors}。").format(
            majors="、".join(m.name for m in reduce_)
        )
        if reduce_
        else _("暂无须调减规模的专业。"),
        lead=_("（二）调整供给过剩专业。"),
    )
    doc.paragraph(
        _("对有需求而无对口专业的职业，建议相关院校论证增设专业或专业方向：{occupations}。").format(
            occupations="、".join(o.name for o in a.unserved)
        )
        if a.unserved
        else _("继续跟踪新职业、新业态的人才需求，适时增设专业方向。"),
        lead=_("（三）增设对口专业。"),
    )
    doc.paragraph(
        _(
            "围绕紧缺职业开展订单培养、现代学徒制和职业技能等级认定，扩大高技能人才培养规模；"
            "持续开展企业岗位需求调查和招聘信息监测，每年发布本报告。"
        ),
        lead=_("（四）加强校企协同。"),
    )
    doc.heading(_("附表：专业设置调整建议"), 1)
    _table(
        doc,
        [_("专业"), _("层次"), _("开设学校"), _("可供毕业生"), _("匹配度"), _("建议")],
        [
            [
                f"{m.name}\n{m.code}",
                stage_label(m.stage),
                m.schools,
                _num(m.available),
                f"{m.match:.2f}",
                str(Suggestion(m.suggestion).label),
            ]
            for m in sorted(a.majors, key=lambda m: (m.suggestion, m.code))
        ],
        widths_mm=[50, 20, 18, 22, 18, 28],
        align=["left", "center", "center", "right", "right", "left"],
        caption=_("附表 专业设置调整建议"),
    )
    doc.signature()
    doc.save(stream)
    progress(95, _("文档已生成"))


def key_label(key: str) -> str:
    return {
        "ratio": _("求人倍率"),
        "growth": _("需求增长"),
        "urgency": _("用工紧迫度"),
        "postings": _("招聘活跃度"),
    }[key]


def stage_label(stage: str) -> str:
    from .data import MajorStage

    return str(dict(MajorStage.choices).get(stage, stage))


def cluster_label(cluster: str) -> str:
    from .data import Cluster

    return str(dict(Cluster.choices).get(cluster, _("未登记")))


# ---------------------------------------------------------------- archive, job, publication


def _archive_path(year: int) -> Path:
    folder = Path(settings.MEDIA_ROOT) / REPORTS_DIR / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"talent-report-{year}.docx"


def report_file(report: TalentReport) -> Path:
    return Path(settings.MEDIA_ROOT) / report.file


def chart_files(report: TalentReport) -> dict[str, Path]:
    folder = report_file(report).parent
    return {key: folder / f"{key}.png" for key in CHARTS if (folder / f"{key}.png").exists()}


def report_archive(
    *,
    user: User | None,
    year: int,
    output: Path | None = None,
    today: dt.date | None = None,
    progress: Progress = _no_progress,
) -> TalentReport:
    """Computes the year's analysis, writes the report and archives it (replacing the year's
    earlier version, which goes back to unpublished). ``output``: also copy the .docx there."""
    progress(10, _("正在汇总需求、供给和招聘信息"))
    analysis = analyse(year)
    if analysis.totals["demand"] == 0:
        raise ServiceError(
            PostingErrorCode.NO_DATA,
            _("{year}年没有已报送的岗位需求，无法生成产业人才需求报告").format(year=year),
        )
    today = today or timezone.localdate()
    target = _archive_path(year)
    partial = target.with_suffix(".part")
    progress(50, _("正在绘制图表"))
    pictures = charts(analysis)
    try:
        with partial.open("wb") as stream:
            report_build(analysis, stream=stream, today=today, progress=progress, pictures=pictures)
        for key, png in pictures.items():
            (target.parent / f"{key}.png").write_bytes(png)
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if output is not None:
        shutil.copyfile(target, output)
    facts = analysis.as_json()
    facts["summary"] = summary_sentences(analysis)
    facts["generated_on"] = today.isoformat()
    with transaction.atomic():
        report = TalentReport.objects.select_for_update().filter(year=year).first()
        values = {
            "status": ReportStatus.GENERATED,
            "index_version": analysis.version,
            "weights": analysis.weights,
            "facts": facts,
            "file": target.relative_to(Path(settings.MEDIA_ROOT)).as_posix(),
            "generated_at": timezone.now(),
            "generated_by": user,
            "published_at": None,
            "published_by": None,
        }
        if report is None:
            report = TalentReport.objects.create(year=year, **values)
            audit.record(AuditAction.CREATE, obj=report, actor=user, message="生成产业人才需求报告")
        else:
            for key, value in values.items():
                setattr(report, key, value)
            report.save(update_fields=list(values))
            audit.record(
                AuditAction.UPDATE,
                obj=report,
                actor=user,
                message="重新生成产业人才需求报告（需重新发布）",
            )
    return report


@task()
def report_job(job_id: int, year: int) -> None:
    """Background task: generates and archives a year's report; the job's result is the .docx."""
    with job_running(job_id):
        job = Job.objects.select_related("started_by").get(pk=job_id)
        report = report_archive(
            user=job.started_by,
            year=year,
            progress=lambda percent, message: job_progress(job_id, percent, message),
        )
        path = job_result_path(job_id, ".docx")
        shutil.copyfile(report_file(report), path)
        job_succeed(job_id, path, filename_of(year), message=_("产业人才需求报告已生成并存档"))


@transaction.atomic
def report_generate(*, user: User, year: int) -> Job:
    """Starts generating a year's report in the background (the office)."""
    require_capability(user, Capability.TALENT_MANAGE, _("只有工作专班可以生成产业人才需求报告"))
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise ServiceError(TalentErrorCode.INVALID_INPUT, _("年度不正确"))
    job = job_start(
        user=user,
        kind=REPORT_JOB_KIND,
        title=title_of(year),
        task_func=report_job,
        params={"year": year},
    )
    audit.record(AuditAction.EXPORT, obj=job, actor=user, message=f"生成{title_of(year)}")
    return job


@transaction.atomic
def report_publish(*, user: User | None, year: int, publish: bool = True) -> TalentReport:
    """Publishes (or withdraws) the archived report of a year on the public page (the office, or a
    command run by the operator: no user)."""
    if user is not None:
        require_capability(
            user, Capability.TALENT_MANAGE, _("只有工作专班可以发布产业人才需求报告")
        )
    report = TalentReport.objects.select_for_update().filter(year=year).first()
    if report is None:
        raise ServiceError(
            PostingErrorCode.REPORT_NOT_READY,
            _("{year}年的产业人才需求报告尚未生成，请先生成").format(year=year),
            status_code=404,
        )
    values: dict[str, Any] = (
        {"status": ReportStatus.PUBLISHED, "published_at": timezone.now(), "published_by": user}
        if publish
        else {"status": ReportStatus.GENERATED, "published_at": None, "published_by": None}
    )
    audit.save_changes(
        report, values, message="发布产业人才需求报告" if publish else "撤回产业人才需求报告"
    )
    return report


def published() -> Sequence[TalentReport]:
    return list(TalentReport.objects.filter(status=ReportStatus.PUBLISHED).order_by("-year"))


def page_context(report: TalentReport) -> dict[str, Any]:
    """What the web page of a report shows: its stored facts and its charts (as data URIs)."""
    import base64

    facts = dict(report.facts)
    version = INDEX_VERSIONS.get(report.index_version)
    images = {
        key: "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
        for key, path in chart_files(report).items()
    }
    top = sorted(facts.get("occupations", []), key=lambda o: -o["demand"])[:20]
    shortage = [o for o in facts.get("occupations", []) if o["grade"] != GRADE_NORMAL]
    return {
        "report": report,
        "title": title_of(report.year),
        "facts": facts,
        "summary": facts.get("summary", []),
        "weights": [
            (key_label(k), INDEX_COMPONENTS.get(k, ""), w) for k, w in report.weights.items()
        ],
        "version": version,
        "top": top,
        "shortage": shortage,
        "surplus": [
            m
            for m in facts.get("majors", [])
            if m["suggestion"] in (Suggestion.REDUCE, Suggestion.ADJUST)
        ],
        "suggestions": [
            {
                **m,
                "suggestion_label": Suggestion(m["suggestion"]).label,
                "stage_label": stage_label(m["stage"]),
            }
            for m in facts.get("majors", [])
        ],
        "images": images,
        "charts": CHARTS,
        "bands": facts.get("bands", []),
        "band_labels": BANDS,
        "issuer": ISSUER,
        "date": date_text(dt.date.fromisoformat(facts["generated_on"]))
        if facts.get("generated_on")
        else "",
        "download_url": f"/api/v1/talent/report/document?year={report.year}",
    }


def generate_for_command(
    *,
    year: int,
    output: Path | None = None,
    progress: Progress = _no_progress,
    publish: bool = False,
) -> Path:
    """``zhijiao report talent --year Y [--publish]``: generates and archives the report, and
    publishes it when asked (no user: the audit rows name no one, as for other commands)."""
    report = report_archive(user=None, year=year, output=output, progress=progress)
    if publish:
        report_publish(user=None, year=year)
    return output or report_file(report)


REPORT_KINDS = {"talent": generate_for_command}
