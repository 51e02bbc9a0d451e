"""Documents of target monitoring: the 目标监测进展报告 in the 公文 layout, and the same tables as
workbooks (targets, reporting completeness and timeliness).

Everything here writes what the selectors computed (:func:`selectors.targets_progress`,
:func:`selectors.timeliness`); nothing is queried, so a caller builds the facts once and may
write them in any format.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx.table import Table

from zhijiao.core.excel import Column, xlsx_write
from zhijiao.core.gongwen import GongwenDocument, chinese_numeral, date_text

from .data import TargetProgress, TargetStatus, Timeliness
from .models import Comparator, TargetScope
from .selectors import format_number

REPORT_ISSUER = gettext_lazy("江阴市推进职业教育改革创新工作专班")
REPORT_TITLE = gettext_lazy("江阴市职业教育改革创新\n目标监测进展报告")
DASH = "—"

# The order the overview counts statuses in.
SUMMARY_ORDER = [
    TargetStatus.MET,
    TargetStatus.ON_TRACK,
    TargetStatus.AT_RISK,
    TargetStatus.NOT_MET,
    TargetStatus.NO_DATA,
]
# Targets that get a section of their own.
ATTENTION = (TargetStatus.AT_RISK, TargetStatus.NOT_MET)

TARGET_HEADERS = [
    gettext_lazy("序号"),
    gettext_lazy("目标"),
    gettext_lazy("目标值"),
    gettext_lazy("最新值\n（年度）"),
    gettext_lazy("差距"),
    gettext_lazy("状态"),
    gettext_lazy("期限"),
]
# At 小四 (4.2 mm a character, digits half) each of these holds on one line: 序号; 逐年增长;
# 100.0% above 2025年; 进展正常; 至2025年. Cells break lines where the text says.
TARGET_WIDTHS_MM = [11, 45, 19, 20, 21, 19, 21]
TARGET_ALIGN = ["center", "left", "center", "center", "center", "center", "center"]
TIMELINESS_HEADERS = [
    gettext_lazy("数据集"),
    gettext_lazy("周期"),
    gettext_lazy("应报"),
    gettext_lazy("已报"),
    gettext_lazy("按时"),
    gettext_lazy("导入"),
]
TIMELINESS_WIDTHS_MM = [58, 38, 15, 15, 15, 15]
TIMELINESS_ALIGN = ["left", "center", "center", "center", "center", "center"]
SCHOOL_HEADERS = [
    gettext_lazy("序号"),
    gettext_lazy("学校"),
    gettext_lazy("最新值"),
    gettext_lazy("状态"),
]
SCHOOL_WIDTHS_MM = [14, 70, 40, 32]
SCHOOL_ALIGN = ["center", "left", "center", "center"]


# ---------------------------------------------------------------- formatting


def tight(text: str) -> str:
    """Text of the web pages (2/5 所学校达标) set as a document sets it: no spaces beside Chinese."""
    return re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", text)


def amount(value: Decimal | None, progress: TargetProgress) -> str:
    """A figure of the target's indicator with its decimals and unit, e.g. 85.3%, 12个; — if none."""
    if value is None:
        return DASH
    return f"{format_number(value, progress.decimals)}{progress.unit_of_measure}"


def _plain(value: Decimal | None, decimals: int) -> Decimal | None:
    """A figure rounded to the indicator's decimals, for a spreadsheet cell."""
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-decimals))


def target_text(progress: TargetProgress, *, sep: str = "") -> str:
    """不低于90.0%, 不高于…, 等于…, or 逐年增长 (whose value means nothing); ``sep`` goes between
    the comparison and the value."""
    if progress.comparator == Comparator.INCREASE:
        return progress.comparator_label
    return f"{progress.comparator_label}{sep}{amount(progress.target, progress)}"


def latest_text(progress: TargetProgress) -> str:
    """The latest value above its year."""
    if progress.value is None:
        return DASH
    return _("{amount}\n{year}年").format(
        amount=amount(progress.value, progress), year=progress.value_year
    )


def _previous(progress: TargetProgress) -> Decimal | None:
    """The last known value before the latest one."""
    if progress.value_year is None:
        return None
    earlier = [v for y, v in progress.series if v is not None and y < progress.value_year]
    return earlier[-1] if earlier else None


def gap_text(progress: TargetProgress) -> str:
    """The distance still to go; for a target of growth, the change on the previous value."""
    if progress.comparator == Comparator.INCREASE:
        previous = _previous(progress)
        if progress.value is None or previous is None:
            return DASH
        change = format_number(progress.value - previous, progress.decimals)
        sign = "" if change.startswith("-") else "+"
        return _("较上年\n{sign}{change}{unit}").format(
            sign=sign, change=change, unit=progress.unit_of_measure
        )
    if progress.scope == TargetScope.EACH_SCHOOL and progress.units:
        # The city figure may meet the target while a school does not: count the schools.
        short = sum(1 for u in progress.units if u.status != TargetStatus.MET)
        return (
            _("{short}所\n未达标").format(short=short) if short else amount(progress.gap, progress)
        )
    return amount(progress.gap, progress)


def deadline_text(progress: TargetProgress) -> str:
    """2025年 for a deadline at the end of a year (as the plan words it), else the full date."""
    day = progress.deadline
    end = (
        _("{year}年").format(year=day.year) if (day.month, day.day) == (12, 31) else date_text(day)
    )
    return _("每年\n至{end}").format(end=end) if progress.recurring else end


def _percent(part: int, whole: int) -> str:
    return f"{part / whole * 100:.1f}%" if whole else DASH


# ---------------------------------------------------------------- the report


def targets_report_build(
    progress: list[TargetProgress], *, today: dt.date, timeliness: list[Timeliness]
) -> bytes:
    """The 目标监测进展报告 as .docx bytes.

    Sections: 一、总体情况 (targets by status, in prose); 二、各项目标进展 (every target with its
    target value, latest value and year, gap, status and deadline); 三、有风险和未达成的目标 (each
    such target's yearly values, projection and, for a target every school must meet, each
    school's value); 四、数据报送情况 (per data set and period: expected, reported, on time,
    imported).
    """
    doc = GongwenDocument(
        title=str(REPORT_TITLE), issuer=str(REPORT_ISSUER), date=today, mark=str(REPORT_ISSUER)
    )
    doc.paragraph(
        _(
            "为掌握职业教育改革创新各项量化目标的完成情况，工作专班依据各单位报送的监测数据，对截至{today}的目标进展进行了分析。现将有关情况报告如下："
        ).format(today=date_text(today))
    )
    _overview(doc, progress, today)
    _targets_table(doc, progress)
    _attention(doc, progress)
    _reporting(doc, timeliness, today)
    doc.signature()
    stream = io.BytesIO()
    doc.save(stream)
    return stream.getvalue()


def _overview(doc: GongwenDocument, progress: list[TargetProgress], today: dt.date) -> None:
    doc.heading(_("一、总体情况"), 1)
    if not progress:
        doc.paragraph(_("尚未设定量化目标。"))
        return
    counts = Counter(p.status for p in progress)
    parts = [
        _("{status} {count} 项").format(status=status.label, count=counts[status])
        for status in SUMMARY_ORDER
        if counts[status]
    ]
    doc.paragraph(
        _("实施方案确定的量化目标共 {count} 项。截至{today}，{items}。").format(
            count=len(progress), today=date_text(today), items="、".join(parts)
        )
    )
    attention = [p for p in progress if p.status in ATTENTION]
    if attention:
        names = "；".join(f"“{p.name}”（{p.status_label}）" for p in attention)
        doc.paragraph(_("需要重点关注的目标：{names}，具体情况见第三部分。").format(names=names))
    doc.paragraph(
        _(
            "目标进展按各单位已报送的数据（含审核中的数据）计算；全市比例类指标按全市合计数计算，"
            "不是各单位比例的平均数。尚未达成且期限未到的目标，按历年数据的线性趋势推算至期限，"
            "推算值达到目标的为“进展正常”，达不到的为“有风险”。"
        )
    )


def _targets_table(doc: GongwenDocument, progress: list[TargetProgress]) -> None:
    doc.heading(_("二、各项目标进展"), 1)
    if not progress:
        doc.paragraph(_("无。"))
        return
    doc.paragraph(_("各项目标的最新进展见下表。")).paragraph_format.keep_with_next = True
    rows = []
    for number, p in enumerate(progress, start=1):
        name = p.name + (f"\n（{tight(p.note)}）" if p.note else "")
        rows.append(
            [
                number,
                name,
                target_text(p, sep="\n"),
                latest_text(p),
                gap_text(p),
                p.status_label,
                deadline_text(p),
            ]
        )
    doc.table(TARGET_HEADERS, rows, widths_mm=TARGET_WIDTHS_MM, align=TARGET_ALIGN)


def _attention(doc: GongwenDocument, progress: list[TargetProgress]) -> None:
    doc.heading(_("三、有风险和未达成的目标"), 1)
    attention = [p for p in progress if p.status in ATTENTION]
    if not attention:
        doc.paragraph(_("目前没有有风险或未达成的目标。"))
        return
    for number, p in enumerate(attention, start=1):
        doc.heading(f"（{chinese_numeral(number)}）{p.name}", 2)
        facts = _("目标为{target}，期限为{deadline}。").format(
            target=target_text(p), deadline=deadline_text(p).replace(chr(10), "")
        )
        if p.value is not None:
            facts += _("最新值为{amount}（{year}年）").format(
                amount=amount(p.value, p), year=p.value_year
            )
            facts += _gap_phrase(p) + "，"
        if p.note:
            facts += _("目前{status}（{note}）。").format(status=p.status_label, note=tight(p.note))
        else:
            facts += _("目前{status}。").format(status=p.status_label)
        doc.paragraph(facts)
        series = [
            _("{year}年{amount}").format(year=year, amount=amount(value, p))
            for year, value in p.series
            if value is not None
        ]
        if series:
            doc.paragraph(f"{'，'.join(series)}。", lead=_("历年数值："))
        doc.paragraph(tight(p.projection.method), lead=_("趋势推算："))
        where = [_("方案出处为{source}").format(source=p.source_text)] if p.source_text else []
        if p.tasks:
            where.append(
                _("相关任务为任务{items}").format(items="、".join(str(t) for t in p.tasks))
            )
        if where:
            doc.paragraph("；".join(where) + "。")
        if p.scope == TargetScope.EACH_SCHOOL and p.units:
            intro = doc.paragraph(
                _("本目标要求{scope}均达到，各校情况如下：").format(scope=p.scope_label)
            )
            intro.paragraph_format.keep_with_next = True
            table = doc.table(
                SCHOOL_HEADERS,
                [
                    [i, u.unit_name, amount(u.value, p), u.status.label]
                    for i, u in enumerate(p.units, start=1)
                ],
                widths_mm=SCHOOL_WIDTHS_MM,
                align=SCHOOL_ALIGN,
            )
            _keep_together(table)


def _gap_phrase(progress: TargetProgress) -> str:
    """，差距2个 / ，较上年减少5人 — or nothing when there is nothing to compare."""
    if progress.comparator == Comparator.INCREASE:
        previous = _previous(progress)
        if progress.value is None or previous is None:
            return ""
        change = progress.value - previous
        verb = _("增加") if change > 0 else (_("减少") if change < 0 else _("持平"))
        size = amount(abs(change), progress) if change else ""
        return _("，较上年{verb}{size}").format(verb=verb, size=size)
    gap = gap_text(progress).replace("\n", "")
    return _("，差距{gap}").format(gap=gap) if gap != DASH else ""


def _keep_together(table: Table) -> None:
    """Keeps a short table on one page: every row but the last keeps with the next."""
    for row in table.rows[:-1]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def _reporting(doc: GongwenDocument, rows: list[Timeliness], today: dt.date) -> None:
    doc.heading(_("四、数据报送情况"), 1)
    if not rows:
        doc.paragraph(_("暂无应报送的监测数据。"))
        return
    due = [r for r in rows if r.due < today]
    if due:
        expected = sum(r.expected for r in due)
        received = sum(r.received for r in due)
        on_time = sum(r.on_time for r in due)
        imported = sum(r.imported for r in due)
        doc.paragraph(
            _(
                "截至{today}，已过报送截止日期的监测数据应报 {expected} 份，已报 {received} 份（完整率 {complete}），其中按时报送 {on_time} 份（及时率 {timely}），通过 Excel 导入 {imported} 份。"
            ).format(
                today=date_text(today),
                expected=expected,
                received=received,
                complete=_percent(received, expected),
                on_time=on_time,
                timely=_percent(on_time, expected),
                imported=imported,
            )
        )
    else:
        doc.paragraph(
            _("截至{today}，各数据集尚无已过报送截止日期的周期。").format(today=date_text(today))
        )
    # Who is still missing, for each data set's latest period already past its due date.
    latest: dict[str, Timeliness] = {}
    for r in due:
        if r.data_set_code not in latest or r.due > latest[r.data_set_code].due:
            latest[r.data_set_code] = r
    missing = [r for r in latest.values() if r.missing_units]
    if missing:
        doc.paragraph(
            "；".join(
                f"{r.data_set_name}{r.period_label}：{'、'.join(r.missing_units)}" for r in missing
            )
            + "。",
            lead=_("尚未报送："),
        )
    doc.paragraph(
        _("各数据集分周期的报送情况见下表（“导入”为通过 Excel 模板导入的份数）。")
    ).paragraph_format.keep_with_next = True
    doc.table(
        TIMELINESS_HEADERS,
        [
            [
                r.data_set_name,
                r.period_label + ("" if r.due < today else _("\n（报送中）")),
                r.expected,
                r.received,
                r.on_time,
                r.imported,
            ]
            for r in rows
        ],
        widths_mm=TIMELINESS_WIDTHS_MM,
        align=TIMELINESS_ALIGN,
    )


# ---------------------------------------------------------------- workbooks


TARGET_COLUMNS = [
    Column(gettext_lazy("序号"), 6),
    Column(gettext_lazy("目标"), 40, wrap=True),
    Column(gettext_lazy("范围"), 14),
    Column(gettext_lazy("比较"), 10),
    Column(gettext_lazy("目标值"), 10),
    Column(gettext_lazy("计量单位"), 10),
    Column(gettext_lazy("最新值"), 10),
    Column(gettext_lazy("年度"), 8),
    Column(gettext_lazy("差距"), 10),
    Column(gettext_lazy("状态"), 10),
    Column(gettext_lazy("期限"), 12, number_format="yyyy-mm-dd"),
    Column(gettext_lazy("每年考核"), 10),
    Column(gettext_lazy("推算值"), 10),
    Column(gettext_lazy("推算方法"), 50, wrap=True),
    Column(gettext_lazy("说明"), 24, wrap=True),
    Column(gettext_lazy("方案出处"), 24, wrap=True),
    Column(gettext_lazy("相关任务"), 12),
]


def targets_xlsx(progress: Sequence[TargetProgress]) -> bytes:
    """The targets table as a workbook: figures are numbers (rounded to the indicator's decimals)
    so they can be computed with, the unit of measure in a column of its own."""
    stream = io.BytesIO()
    xlsx_write(
        stream,
        title=_("目标进展"),
        columns=TARGET_COLUMNS,
        rows=(
            [
                number,
                p.name,
                p.scope_label,
                p.comparator_label,
                None if p.comparator == Comparator.INCREASE else _plain(p.target, p.decimals),
                p.unit_of_measure,
                _plain(p.value, p.decimals),
                p.value_year,
                _plain(p.gap, p.decimals),
                p.status_label,
                p.deadline,
                _("是") if p.recurring else _("否"),
                _plain(p.projection.value, p.decimals),
                p.projection.method,
                p.note or None,
                p.source_text or None,
                "、".join(str(t) for t in p.tasks) or None,
            ]
            for number, p in enumerate(progress, start=1)
        ),
    )
    return stream.getvalue()


TIMELINESS_COLUMNS = [
    Column(gettext_lazy("数据集"), 26, wrap=True),
    Column(gettext_lazy("周期"), 22),
    Column(gettext_lazy("报送截止"), 12, number_format="yyyy-mm-dd"),
    Column(gettext_lazy("应报"), 8),
    Column(gettext_lazy("已报"), 8),
    Column(gettext_lazy("按时"), 8),
    Column(gettext_lazy("导入"), 8),
    Column(gettext_lazy("完整率（%）"), 10, number_format="0.0"),
    Column(gettext_lazy("及时率（%）"), 10, number_format="0.0"),
    Column(gettext_lazy("逾期报送单位"), 30, wrap=True),
    Column(gettext_lazy("未报送单位"), 30, wrap=True),
]


def timeliness_xlsx(rows: Sequence[Timeliness]) -> bytes:
    """Reporting completeness and timeliness per data set and period, with the units late or
    missing by name."""
    stream = io.BytesIO()
    xlsx_write(
        stream,
        title=_("报送情况"),
        columns=TIMELINESS_COLUMNS,
        rows=(
            [
                r.data_set_name,
                r.period_label,
                r.due,
                r.expected,
                r.received,
                r.on_time,
                r.imported,
                round(r.completeness, 1),
                round(r.timeliness, 1),
                "、".join(r.late_units) or None,
                "、".join(r.missing_units) or None,
            ]
            for r in rows
        ),
    )
    return stream.getvalue()
