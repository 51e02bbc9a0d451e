"""Word documents in the 公文 layout of GB/T 9704-2012 (党政机关公文格式), written with python-docx.

A4 paper, 版心 156 mm × 225 mm (天头 37 mm, 订口 28 mm), body in 3号仿宋 at a fixed line pitch of
22 lines a page, title in 2号小标宋, page numbers "— 1 —" in 4号宋体 outside the 版心 (odd pages
right, even pages left), 落款 right-aligned. Reports, bulletins and notices of every module build on
:class:`GongwenDocument`; nothing here knows about plans or tasks.

Fonts are named as Chinese offices install them (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312).
The font table also lists each one's common Windows name as its alternative (仿宋, 楷体, …) and
its GB2312 character set, so Word finds a near face where the exact one is missing; LibreOffice
falls back to Noto CJK.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, RGBColor, Twips
from docx.styles.style import ParagraphStyle
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class FontSpec:
    """A Chinese face, the name Word may substitute for it, and the face for Latin letters and digits."""

    name: str
    alt_name: str
    latin: str


FANGSONG = FontSpec("仿宋_GB2312", "仿宋", "Times New Roman")
XIAOBIAOSONG = FontSpec("方正小标宋简体", "宋体", "方正小标宋简体")
HEITI = FontSpec("黑体", "SimHei", "黑体")
KAITI = FontSpec("楷体_GB2312", "楷体", "楷体_GB2312")
SONGTI = FontSpec("宋体", "SimSun", "宋体")

PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGIN_TOP_MM = 37  # 天头
MARGIN_BOTTOM_MM = 35
MARGIN_LEFT_MM = 28  # 订口
MARGIN_RIGHT_MM = 26
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156
# The page number's 一字线 sits 7 mm below the 版心; the footer's bottom edge is measured from
# the paper's edge, so 35 − 7 − (one 4号 line) ≈ 22 mm.
FOOTER_DISTANCE_MM = 22

BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
TABLE_SIZE = Pt(12)  # 小四
PAGE_NUMBER_SIZE = Pt(14)  # 4号
# 225 mm of 版心 ÷ 22 lines = 28.95 pt (579 twips): 22 lines of 28 characters a page.
LINE_PITCH = Twips(579)
TITLE_LINE_PITCH = Pt(35)
TABLE_LINE_PITCH = Pt(18)
RED = RGBColor(0xFF, 0x00, 0x00)
BLACK = RGBColor(0x00, 0x00, 0x00)

HEADING_FONTS = {1: HEITI, 2: KAITI, 3: FANGSONG, 4: FANGSONG}
HEADING_STYLES = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3", 4: "Heading 4"}
TABLE_STYLE = "公文表格文字"
TABLE_HEADER_STYLE = "公文表头"
TITLE_STYLE = "公文标题"
ALIGNMENTS = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}

DIGITS = "〇一二三四五六七八九"
# Narrow cell padding (1 mm a side) leaves room for text in a 156 mm table.
CELL_PADDING = Twips(57)
PPR_AFTER_PBDR = (
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


def date_text(day: dt.date) -> str:
    """成文日期 as GB/T 9704-2012 writes it: Arabic numerals, no leading zeros — 2026年11月28日."""
    return _("{year}年{month}月{day}日").format(year=day.year, month=day.month, day=day.day)


def chinese_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 23 → 二十三: the numbers of headings such as 一、 and （十一）."""
    if not 0 < number < 100:
        raise ValueError(f"只支持 1 到 99：{number}")
    tens, ones = divmod(number, 10)
    text = ("" if tens <= 1 else DIGITS[tens]) + ("十" if tens else "")
    return text + (DIGITS[ones] if ones else "")


def text_width_chars(text: str) -> float:
    """Width of a line in full-width characters: Latin letters and digits count half."""
    return sum(0.5 if ord(ch) < 0x2E80 and ch != "—" else 1.0 for ch in text)


@dataclass(frozen=True)
class GroupRow:
    """A table row spanning every column, e.g. the name of a programme above its tasks."""

    text: str


# ---------------------------------------------------------------- low-level XML helpers


def _set_fonts(rpr: Any, font: FontSpec) -> None:
    rfonts = rpr.get_or_add_rFonts()
    # Theme fonts win over named fonts in Word, so the template's theme references must go.
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), font.latin)
    rfonts.set(qn("w:hAnsi"), font.latin)
    rfonts.set(qn("w:eastAsia"), font.name)
    rfonts.set(qn("w:cs"), font.latin)


def _run_font(
    run: Run,
    font: FontSpec,
    size: Length | None = None,
    *,
    bold: bool | None = None,
    color: RGBColor | None = None,
) -> Run:
    _set_fonts(run._element.get_or_add_rPr(), font)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    return run


def _exact_spacing(fmt: Any, pitch: Length) -> None:
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = pitch
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def _indent_chars(paragraph_or_style: Any, attr: str, chars: float, size: Length) -> None:
    """Indents by whole characters: Word reads the *Chars attribute, others the length."""
    fmt = paragraph_or_style.paragraph_format
    setattr(
        fmt,
        {"firstLine": "first_line_indent", "left": "left_indent", "right": "right_indent"}[attr],
        Pt(size.pt * chars),
    )
    ind = paragraph_or_style._element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn(f"w:{attr}Chars"), str(int(round(chars * 100))))


def _bottom_border(paragraph: Paragraph, *, color: str, size_eighths: int, space_pt: int) -> None:
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(size_eighths))
    bottom.set(qn("w:space"), str(space_pt))
    bottom.set(qn("w:color"), color)
    borders.append(bottom)
    # Word refuses a pPr whose children are out of schema order.
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *PPR_AFTER_PBDR)


def _page_field(paragraph: Paragraph, font: FontSpec, size: Length) -> None:
    """Appends a PAGE field: Word and LibreOffice put the current page number there."""
    begin, instr, separate, value, end = (
        _run_font(paragraph.add_run(), font, size) for _ in range(5)
    )
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "begin")
    begin._r.append(fld)
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = " PAGE "
    instr._r.append(text)
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "separate")
    separate._r.append(fld)
    value.text = "1"
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "end")
    end._r.append(fld)


def _register_fonts(document: Any, fonts: Iterable[FontSpec]) -> None:
    """Lists each Chinese face in the font table with its alternative name and GB2312 charset."""
    part = document.part.part_related_by(RT.FONT_TABLE)
    root = parse_xml(part.blob)
    present = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for spec in fonts:
        if spec.name in present:
            continue
        font = OxmlElement("w:font")
        font.set(qn("w:name"), spec.name)
        for tag, value in (
            ("w:altName", spec.alt_name),
            ("w:charset", "86"),
            ("w:family", "modern"),
            ("w:pitch", "fixed"),
        ):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            font.append(child)
        root.append(font)
        present.add(spec.name)
    # The font table is a plain part in python-docx: replace its bytes.
    from lxml import etree

    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ---------------------------------------------------------------- the document


class GongwenDocument:
    """A document in the 公文 layout. Build it top to bottom, then :meth:`save`.

    ``mark`` is the 发文机关标志 printed in red above a red rule (omit it for a plain document);
    ``doc_number`` the 发文字号 under it; ``addressee`` the 主送机关 line after the title, e.g.
    "各责任单位：". Use "\\n" in ``title`` to choose where a long title breaks (GB/T 9704 asks for a
    trapezoid or diamond shape, words unbroken).
    """

    def __init__(
        self,
        *,
        title: str,
        issuer: str = "",
        date: dt.date | None = None,
        mark: str = "",
        doc_number: str = "",
        addressee: str = "",
    ) -> None:
        self.title = title
        self.issuer = issuer
        self.date = date
        self.document = Document()
        self._setup_page()
        self._setup_styles()
        self._setup_footers()
        _register_fonts(self.document, (FANGSONG, XIAOBIAOSONG, HEITI, KAITI, SONGTI))
        props = self.document.core_properties
        props.title = title.replace("\n", "")
        props.author = issuer
        props.last_modified_by = issuer
        props.comments = ""
        props.language = "zh-CN"
        # A fresh python-docx document starts with one empty paragraph; use it, don't leave it.
        self._first: Paragraph | None = (
            self.document.paragraphs[0] if self.document.paragraphs else None
        )
        if mark:
            self._mark(mark, doc_number)
        self._title(title)
        if addressee:
            self.blank_line()
            p = self._new_paragraph()
            p.add_run(addressee)
            _indent_chars(p, "firstLine", 0, BODY_SIZE)  # 主送机关 starts at the left edge

    # ---- setup

    def _setup_page(self) -> None:
        section = self.document.sections[0]
        section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
        section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
        section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
        section.header_distance = Mm(15)
        section.footer_distance = Mm(FOOTER_DISTANCE_MM)
        section.gutter = Mm(0)
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is not None:
            grid.set(qn("w:linePitch"), str(LINE_PITCH.twips))

    def _setup_styles(self) -> None:
        styles = self.document.styles
        # Document defaults: Chinese language and fonts, no spacing after paragraphs.
        defaults = styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
            _set_fonts(rpr, FANGSONG)
            lang = rpr.find(qn("w:lang"))
            if lang is not None:
                lang.set(qn("w:val"), "en-US")
                lang.set(qn("w:eastAsia"), "zh-CN")
            spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
            if spacing is not None:
                spacing.set(qn("w:after"), "0")
                spacing.set(qn("w:line"), "240")
        normal = styles["Normal"]
        _set_fonts(normal.element.get_or_add_rPr(), FANGSONG)
        normal.font.size = BODY_SIZE
        normal.font.color.rgb = BLACK
        _exact_spacing(normal.paragraph_format, LINE_PITCH)
        normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        normal.paragraph_format.widow_control = False  # keep the 22-line grid exact
        _indent_chars(normal, "firstLine", 2, BODY_SIZE)

        for level, name in HEADING_STYLES.items():
            style = styles[name]
            assert isinstance(style, ParagraphStyle)
            _set_fonts(style.element.get_or_add_rPr(), HEADING_FONTS[level])
            style.font.size = BODY_SIZE
            style.font.bold = level == 3
            style.font.italic = False
            style.font.color.rgb = BLACK
            _exact_spacing(style.paragraph_format, LINE_PITCH)
            style.paragraph_format.keep_with_next = True
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            _indent_chars(style, "firstLine", 2, BODY_SIZE)

        title = styles.add_style(TITLE_STYLE, 1)  # 1: paragraph style
        title.base_style = normal
        _set_fonts(title.element.get_or_add_rPr(), XIAOBIAOSONG)
        title.font.size = TITLE_SIZE
        _exact_spacing(title.paragraph_format, TITLE_LINE_PITCH)
        title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _indent_chars(title, "firstLine", 0, TITLE_SIZE)

        for name, font in ((TABLE_STYLE, FANGSONG), (TABLE_HEADER_STYLE, HEITI)):
            style = styles.add_style(name, 1)
            style.base_style = normal
            _set_fonts(style.element.get_or_add_rPr(), font)
            style.font.size = TABLE_SIZE
            _exact_spacing(style.paragraph_format, TABLE_LINE_PITCH)
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
            _indent_chars(style, "firstLine", 0, TABLE_SIZE)

    def _setup_footers(self) -> None:
        self.document.settings.odd_and_even_pages_header_footer = True  # w:evenAndOddHeaders
        section = self.document.sections[0]
        for footer, align, side in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),  # odd pages
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left"),
        ):
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0]
            p.style = self.document.styles["Normal"]
            p.paragraph_format.alignment = align
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            _indent_chars(p, "firstLine", 0, PAGE_NUMBER_SIZE)
            # 单页码居右空一字，双页码居左空一字: one 4号 character, as a length (Word would
            # measure a character unit in the paragraph style's 3号).
            setattr(p.paragraph_format, f"{side}_indent", PAGE_NUMBER_SIZE)
            _run_font(p.add_run("— "), SONGTI, PAGE_NUMBER_SIZE)
            _page_field(p, SONGTI, PAGE_NUMBER_SIZE)
            _run_font(p.add_run(" —"), SONGTI, PAGE_NUMBER_SIZE)

    # ---- blocks

    def _new_paragraph(self, style: str | None = None) -> Paragraph:
        if self._first is not None:
            p, self._first = self._first, None
            if style:
                p.style = self.document.styles[style]
            return p
        return self.document.add_paragraph(style=style)

    def _mark(self, mark: str, doc_number: str) -> None:
        p = self._new_paragraph()
        p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _indent_chars(p, "firstLine", 0, BODY_SIZE)
        # As large as fits on one line, at most 小初 (36 pt).
        width_pt = TEXT_WIDTH_MM / 25.4 * 72
        size = Pt(min(36, int(width_pt / max(text_width_chars(mark), 1) * 0.95)))
        _exact_spacing(p.paragraph_format, Pt(max(size.pt * 1.3, LINE_PITCH.pt)))
        _run_font(p.add_run(mark), XIAOBIAOSONG, size, color=RED)
        rule_above = p
        if doc_number:
            self.blank_line()
            rule_above = self._new_paragraph()
            rule_above.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _indent_chars(rule_above, "firstLine", 0, BODY_SIZE)
            rule_above.add_run(doc_number)
        # 发文字号之下 4 mm 处印一条与版心等宽的红色分隔线; then the title two lines below.
        _bottom_border(rule_above, color="FF0000", size_eighths=12, space_pt=11)
        self.blank_line()
        self.blank_line()

    def _title(self, title: str) -> None:
        p = self._new_paragraph(TITLE_STYLE)
        _add_lines(p, title)
        self.blank_line()

    def blank_line(self, count: int = 1) -> None:
        """Empty lines on the body's line pitch."""
        for _line in range(count):
            self._new_paragraph()

    def heading(self, text: str, level: int = 1) -> Paragraph:
        """一级标题 (一、) in 黑体, 二级 (（一）) in 楷体, 三级 (1.) in bold 仿宋, 四级 (（1）) in 仿宋."""
        if level not in HEADING_STYLES:
            raise ValueError(f"标题级别应为 1 到 4：{level}")
        p = self._new_paragraph(HEADING_STYLES[level])
        p.add_run(text)
        return p

    def paragraph(
        self,
        text: str = "",
        *,
        lead: str = "",
        indent: bool = True,
        align: str | None = None,
        bold: bool = False,
    ) -> Paragraph:
        """A body paragraph, first line indented two characters.

        ``lead`` is an in-line heading in 楷体 before the text, as in "（一）压实工作责任。各单位要…".
        """
        p = self._new_paragraph()
        if lead:
            _run_font(p.add_run(lead), KAITI)
        run = p.add_run(text)
        if bold:
            run.font.bold = True
        if not indent:
            _indent_chars(p, "firstLine", 0, BODY_SIZE)
        if align is not None:
            p.paragraph_format.alignment = ALIGNMENTS[align]
        return p

    def table(
        self,
        headers: Sequence[StrOrPromise],
        rows: Iterable[Sequence[Any] | GroupRow],
        *,
        widths_mm: Sequence[float] | None = None,
        align: Sequence[str] | None = None,
        caption: str = "",
    ) -> Table:
        """A bordered table in 小四仿宋 as wide as the 版心 at most, the header row repeated on
        every page. Widths are fixed (no autofit) so Word and LibreOffice lay it out alike; if they
        add up to more than the 版心 they are scaled down. ``align`` gives each column's alignment
        (left, center, right); ``rows`` may hold :class:`GroupRow` items spanning all columns.
        """
        columns = len(headers)
        widths = list(widths_mm) if widths_mm is not None else [TEXT_WIDTH_MM / columns] * columns
        if len(widths) != columns:
            raise ValueError("列宽的个数应与表头一致")
        total = sum(widths)
        if total > TEXT_WIDTH_MM:
            widths = [w * TEXT_WIDTH_MM / total for w in widths]
        twips = [int(Mm(w).twips) for w in widths]
        aligns = (
            [ALIGNMENTS[a] for a in align] if align is not None else [ALIGNMENTS["left"]] * columns
        )

        if caption:
            p = self._new_paragraph(TABLE_HEADER_STYLE)
            p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _exact_spacing(p.paragraph_format, LINE_PITCH)
            p.add_run(caption)
        elif self._first is not None:
            self._new_paragraph()  # a table cannot take the place of the first paragraph

        table = self.document.add_table(rows=1, cols=columns)
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False  # w:tblLayout fixed
        tbl_pr = table._tbl.tblPr
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            margin = OxmlElement(f"w:{side}")
            margin.set(qn("w:w"), str(CELL_PADDING.twips))
            margin.set(qn("w:type"), "dxa")
            margins.append(margin)
        tbl_pr.insert_element_before(
            margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange"
        )
        width = tbl_pr.find(qn("w:tblW"))
        if width is None:
            width = OxmlElement("w:tblW")
            tbl_pr.insert_element_before(
                width,
                "w:jc",
                "w:tblCellSpacing",
                "w:tblInd",
                "w:tblBorders",
                "w:shd",
                "w:tblLayout",
                "w:tblCellMar",
                "w:tblLook",
            )
        width.set(qn("w:type"), "dxa")
        width.set(qn("w:w"), str(sum(twips)))
        for col, w in zip(table.columns, twips, strict=True):
            col.width = Twips(w)

        # Style ids looked up once and set on the XML: python-docx's ``paragraph.style = …`` walks
        # every style of the document for each cell (about 2 ms a cell, most of a big report).
        header_style = self.document.styles[TABLE_HEADER_STYLE].style_id
        body_style = self.document.styles[TABLE_STYLE].style_id
        header = table.rows[0]
        _row_flags(header, repeat=True)
        for cell, text, w in zip(header.cells, headers, twips, strict=True):
            cell.width = Twips(w)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            p._p.style = header_style
            p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(str(text))

        for values in rows:
            row = table.add_row()
            _row_flags(row, repeat=False)
            cells = row.cells
            for cell, w in zip(cells, twips, strict=True):
                cell.width = Twips(w)
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            if isinstance(values, GroupRow):
                merged = cells[0].merge(cells[-1])
                p = merged.paragraphs[0]
                p._p.style = header_style
                p.add_run(values.text)
                for extra in merged.paragraphs[1:]:
                    extra._p.getparent().remove(extra._p)
                continue
            if len(values) != columns:
                raise ValueError("每行的单元格个数应与表头一致")
            for cell, value, alignment in zip(cells, values, aligns, strict=True):
                p = cell.paragraphs[0]
                p._p.style = body_style
                p.paragraph_format.alignment = alignment
                _add_lines(p, "" if value is None else str(value))
        return table

    def signature(self, issuer: str | None = None, date: dt.date | None = None) -> None:
        """落款 without a seal: the issuer one blank line below the text, two characters from the
        right edge; the date below it, starting two characters right of the issuer's first character
        (if the date is the longer, the issuer moves left instead)."""
        issuer = self.issuer if issuer is None else issuer
        date = self.date if date is None else date
        if not issuer and date is None:
            return
        self.blank_line()
        issuer_chars = text_width_chars(issuer)
        date_str = date_text(date) if date is not None else ""
        date_chars = text_width_chars(date_str)
        if issuer_chars >= date_chars:
            issuer_right = 2.0
            date_right = issuer_chars - date_chars
        else:
            date_right = 2.0
            issuer_right = 4.0 + date_chars - issuer_chars
        for text, right in ((issuer, issuer_right), (date_str, date_right)):
            if not text:
                continue
            p = self._new_paragraph()
            p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _indent_chars(p, "firstLine", 0, BODY_SIZE)
            _indent_chars(p, "right", right, BODY_SIZE)
            p.add_run(text)

    def page_break(self) -> None:
        self._new_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def save(self, target: str | Path | IO[bytes]) -> None:
        self.document.save(target)  # type: ignore[arg-type]


def _row_flags(row: Any, *, repeat: bool) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    tr_pr.append(cant_split)
    if repeat:
        header = OxmlElement("w:tblHeader")
        tr_pr.append(header)


def _add_lines(p: Paragraph, text: str) -> None:
    """Adds text to a paragraph, each "\n" a line break within it."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        run = p.add_run(line)
        if i < len(lines) - 1:
            run.add_break(WD_BREAK.LINE)
