"""The printable transcript (成绩单) of a shared set of credits: a PDF with the verification code
and a QR code of the public verification address.

ReportLab draws it with the Adobe-GB1 CID font ``STSong-Light`` (宋体): a PDF standard font for
simplified Chinese that every reader has or substitutes (poppler with Noto CJK, Acrobat with its
Asian font pack), so the platform needs no font file and no office suite to print one. The QR code
is drawn with segno as an embedded PNG.
"""

from __future__ import annotations

import io
from decimal import Decimal

import segno
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .data import Verification, format_credits
from .models import TranscriptShare

FONT = "STSong-Light"
QR_SCALE = 4
QR_BORDER = 4


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def qr_png(url: str) -> bytes:
    """The QR code of ``url`` as a PNG (error correction M, 4 pixels a module, 4-module quiet
    zone), the same bytes every time for the same address."""
    stream = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        stream, kind="png", scale=QR_SCALE, border=QR_BORDER
    )
    return stream.getvalue()


def formatted_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def transcript_pdf(share: TranscriptShare, answer: Verification, verify_url: str) -> bytes:
    """The PDF of a share as the verification service sees it now (so a revoked credit prints
    as revoked)."""
    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16)
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=13, textColor=colors.grey)
    title = ParagraphStyle("title", parent=body, fontSize=20, leading=28, alignment=1)
    stream = io.BytesIO()
    document = SimpleDocTemplate(
        stream,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
        title=f"学分银行成绩单 {formatted_code(share.code)}",
        author="江阴市职业教育学分银行",
    )
    qr = Image(io.BytesIO(qr_png(verify_url)), width=34 * mm, height=34 * mm)
    head = Table(
        [
            [
                [
                    Paragraph(f'学习账号：<font name="Courier">{answer.account}</font>', body),
                    Paragraph(f"姓名：{answer.name or '—'}（已脱敏）", body),
                    Paragraph(
                        f'核验码：<font name="Courier-Bold">{formatted_code(share.code)}</font>',
                        ParagraphStyle("code", parent=body, fontSize=13, leading=20),
                    ),
                    Paragraph(
                        f"出具日期：{timezone.localdate(share.created_at):%Y年%m月%d日}", body
                    ),
                    Paragraph("核验状态：" + "；".join((answer.message, *answer.details)), small),
                ],
                qr,
            ]
        ],
        colWidths=[120 * mm, 40 * mm],
    )
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    rows: list[list[object]] = [
        [Paragraph(h, body) for h in ("课程", "专业", "学分", "认定日期", "说明")]
    ]
    for record in answer.records:
        rows.append(
            [
                Paragraph(record.course, body),
                Paragraph(record.programme, small),
                Paragraph(record.credits, body),
                Paragraph(f"{record.credited_on:%Y-%m-%d}", body),
                Paragraph(record.note or "有效", small),
            ]
        )
    standing = sum((Decimal(r.credits) for r in answer.records if not r.revoked), Decimal(0))
    table = Table(rows, colWidths=[42 * mm, 52 * mm, 14 * mm, 24 * mm, 28 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f4f6")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story = [
        Paragraph("江阴市职业教育学分银行", ParagraphStyle("org", parent=body, alignment=1)),
        Paragraph("学 分 成 绩 单", title),
        Spacer(1, 4 * mm),
        head,
        Spacer(1, 5 * mm),
        table,
        Spacer(1, 3 * mm),
        Paragraph(f"有效学分合计：{format_credits(standing)} 学分", body),
        Spacer(1, 6 * mm),
        Paragraph(
            "核验方法：用手机扫描右上角二维码，或访问下列地址，即可查看本成绩单是否真实、"
            "是否仍然有效（已撤销的学分会注明）。核验只显示学习者选择分享的内容。",
            small,
        ),
        Paragraph(verify_url, small),
    ]
    document.build(story)
    return stream.getvalue()
