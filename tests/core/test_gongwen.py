"""The 公文 layout: page, fonts, title, headings, tables, page numbers and 落款 as GB/T 9704 sets them."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn

from zhijiao.core.gongwen import (
    TEXT_WIDTH_MM,
    GongwenDocument,
    GroupRow,
    chinese_numeral,
    date_text,
    text_width_chars,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _east_asia(element) -> str | None:
    rfonts = element.find(f".//{W}rFonts")
    return rfonts.get(qn("w:eastAsia")) if rfonts is not None else None


def _build(**kwargs) -> docx.document.Document:
    doc = GongwenDocument(
        title="关于做好年度工作的通知\n（征求意见稿）",
        issuer="江阴市推进职业教育改革创新工作专班",
        date=dt.date(2026, 11, 28),
        addressee="各责任单位：",
        **kwargs,
    )
    doc.heading("一、总体情况", 1)
    doc.paragraph("正文第一段。")
    doc.heading("（一）任务推进", 2)
    doc.paragraph("各单位要压实责任。", lead="（一）压实责任。")
    doc.table(
        ["序号", "任务", "单位"],
        [GroupRow("（一）立德树人基础工程"), [1, "任务甲\n第二行", "教育局"]],
        widths_mm=[20, 100, 36],
        align=["center", "left", "center"],
    )
    doc.signature()
    stream = io.BytesIO()
    doc.save(stream)
    stream.seek(0)
    return docx.Document(stream)


def test_page_is_a4_with_the_standard_margins():
    section = _build().sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert (round(section.top_margin.mm), round(section.bottom_margin.mm)) == (37, 35)
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (28, 26)


def test_body_is_3hao_fangsong_on_a_22_line_grid():
    document = _build()
    normal = document.styles["Normal"]
    assert normal.font.size.pt == 16
    assert _east_asia(normal.element) == "仿宋_GB2312"
    rfonts = normal.element.find(f".//{W}rFonts")
    assert rfonts.get(qn("w:asciiTheme")) is None  # theme fonts would override the named ones
    fmt = normal.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert 28 <= fmt.line_spacing.pt <= 29
    assert round(225 / 25.4 * 72 / fmt.line_spacing.pt) == 22
    assert normal.element.find(f".//{W}ind").get(qn("w:firstLineChars")) == "200"
    # The fallback name is declared in the font table for Word to substitute.
    fonts = document.part.part_related_by(
        docx.opc.constants.RELATIONSHIP_TYPE.FONT_TABLE
    ).blob.decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/><w:charset w:val="86"/>' in fonts


def test_title_is_2hao_xiaobiaosong_centred():
    document = _build()
    title = next(p for p in document.paragraphs if p.text.startswith("关于做好"))
    assert title.text == "关于做好年度工作的通知\n（征求意见稿）"
    assert title.style.name == "公文标题"
    assert title.style.font.size.pt == 22
    assert _east_asia(title.style.element) == "方正小标宋简体"
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert document.core_properties.title == "关于做好年度工作的通知（征求意见稿）"
    addressee = next(p for p in document.paragraphs if p.text == "各责任单位：")
    assert addressee.paragraph_format.first_line_indent == 0
    # Word reads the character count before the length: both must say "no indent".
    assert addressee._p.pPr.ind.get(qn("w:firstLineChars")) == "0"


def test_headings_use_heiti_then_kaiti():
    document = _build()
    h1 = next(p for p in document.paragraphs if p.text == "一、总体情况")
    h2 = next(p for p in document.paragraphs if p.text == "（一）任务推进")
    assert _east_asia(h1.style.element) == "黑体" and h1.style.font.size.pt == 16
    assert _east_asia(h2.style.element) == "楷体_GB2312" and h2.style.font.size.pt == 16
    assert not h1.style.font.bold and h1.style.font.color.rgb == docx.shared.RGBColor(0, 0, 0)
    lead = next(p for p in document.paragraphs if p.text.startswith("（一）压实责任。"))
    assert _east_asia(lead.runs[0]._r) == "楷体_GB2312"


def test_red_mark_and_rule_are_optional():
    plain = _build()
    assert "FF0000" not in plain.element.xml
    marked = _build(mark="江阴市推进职业教育改革创新工作专班")
    mark = marked.paragraphs[0]
    assert mark.text == "江阴市推进职业教育改革创新工作专班"
    assert str(mark.runs[0].font.color.rgb) == "FF0000"
    assert mark.alignment == WD_ALIGN_PARAGRAPH.CENTER
    border = mark._p.find(f".//{W}pBdr/{W}bottom")
    assert border.get(qn("w:color")) == "FF0000"


def test_table_fits_the_page_with_fixed_widths_and_a_repeated_header():
    table = _build().tables[0]
    tbl_pr = table._tbl.tblPr
    assert tbl_pr.find(f"{W}tblLayout").get(qn("w:type")) == "fixed"
    assert len(tbl_pr.findall(f"{W}tblLayout")) == 1
    widths = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(f"{W}gridCol")]
    assert abs(sum(widths) / 1440 * 25.4 - TEXT_WIDTH_MM) < 1
    assert int(tbl_pr.find(f"{W}tblW").get(qn("w:w"))) == sum(widths)
    assert table.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None
    assert [c.text for c in table.rows[0].cells] == ["序号", "任务", "单位"]
    # a group row spans every column; a "\n" in a value is a line break in the cell
    assert table.rows[1].cells[0].text == "（一）立德树人基础工程"
    assert len({id(c._tc) for c in table.rows[1].cells}) == 1
    assert table.rows[2].cells[1].text == "任务甲\n第二行"
    body = table.rows[2].cells[1].paragraphs[0]
    assert body.style.font.size.pt == 12 and _east_asia(body.style.element) == "仿宋_GB2312"


def test_too_wide_tables_are_scaled_to_the_page():
    doc = GongwenDocument(title="表")
    table = doc.table(["甲", "乙"], [["1", "2"]], widths_mm=[200, 100])
    widths = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(f"{W}gridCol")]
    assert abs(sum(widths) / 1440 * 25.4 - TEXT_WIDTH_MM) < 1
    assert abs(widths[0] / widths[1] - 2) < 0.01
    with pytest.raises(ValueError):
        doc.table(["甲", "乙"], [["只有一格"]])


def test_page_numbers_are_fields_right_on_odd_and_left_on_even_pages():
    document = _build()
    assert document.settings.odd_and_even_pages_header_footer
    assert document.settings.element.find(f"{W}evenAndOddHeaders") is not None
    section = document.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    for footer in (odd, even):
        assert footer.text == "— 1 —"
        assert footer._p.find(f".//{W}instrText").text.strip() == "PAGE"
        assert {r.font.size.pt for r in footer.runs} == {14}
        assert _east_asia(footer.runs[0]._r) == "宋体"
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT and odd.paragraph_format.right_indent.pt == 14
    assert even.alignment == WD_ALIGN_PARAGRAPH.LEFT and even.paragraph_format.left_indent.pt == 14


def test_signature_is_right_aligned_with_the_date_two_characters_in():
    document = _build()
    issuer, date = document.paragraphs[-2], document.paragraphs[-1]
    assert issuer.text == "江阴市推进职业教育改革创新工作专班"
    assert date.text == "2026年11月28日"
    assert issuer.alignment == date.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert issuer.paragraph_format.right_indent.pt == 32  # 右空二字
    # date starts two characters right of the issuer's first character
    issuer_start = issuer.paragraph_format.right_indent.pt / 16 + text_width_chars(issuer.text)
    date_start = date.paragraph_format.right_indent.pt / 16 + text_width_chars(date.text)
    assert issuer_start - date_start == 2
    assert document.paragraphs[-3].text == ""  # 正文下空一行


def test_short_issuer_moves_left_of_a_longer_date():
    doc = GongwenDocument(title="通知", issuer="专班", date=dt.date(2026, 1, 5))
    doc.signature()
    issuer, date = doc.document.paragraphs[-2], doc.document.paragraphs[-1]
    assert date.paragraph_format.right_indent.pt == 32
    issuer_start = issuer.paragraph_format.right_indent.pt / 16 + 2
    date_start = 2 + text_width_chars("2026年1月5日")
    assert issuer_start - date_start == 2


def test_numbers_and_dates_in_chinese_style():
    assert date_text(dt.date(2026, 1, 5)) == "2026年1月5日"
    assert [chinese_numeral(n) for n in (1, 10, 11, 20, 23, 99)] == [
        "一",
        "十",
        "十一",
        "二十",
        "二十三",
        "九十九",
    ]
    assert text_width_chars("2026年11月28日") == 7
