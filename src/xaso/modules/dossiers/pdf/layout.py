# SPDX-License-Identifier: AGPL-3.0-or-later
"""The parts every form shares: page, styles, the Decree 30 heading, the date line, signatures, the QR code.

Layout after Decree 30/2020/NĐ-CP (administrative documents) as far as an A5 slip allows: national title
and motto on the right, the issuing body on the left, each underlined by a short rule; the place and
date line in italics under the motto; page numbers centred in the top margin from page 2 on. Dates on
the date line follow Decree 30 (a leading zero for days below 10 and for months 1 and 2); everywhere
else dates are dd/mm/yyyy and times HH:MM, in Vietnam's time zone whatever the server's.
"""

from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from xaso.core import fonts
from xaso.core.text import date_line as text_date_line

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PEOPLES_COMMITTEE = "ỦY BAN NHÂN DÂN"

SLIP = A5  # forms 01–06 (A5 portrait, as Circular 01/2018 printed them)
REGISTER = landscape(A4)  # form 07


# --- Text -------------------------------------------------------------------------------------------------

def text(value) -> str:
    """Any value as Paragraph-safe text: NFC (a decomposed "ộ" would print as a letter and loose marks,
    since the font is drawn without shaping) and with markup characters escaped."""
    return escape(unicodedata.normalize("NFC", "" if value is None else str(value)))


def lines(value) -> str:
    """Multi-line input (a reason, a list of missing papers) keeps its line breaks."""
    return "<br/>".join(text(line) for line in str(value or "").splitlines() if line.strip())


def upper(value) -> str:
    return unicodedata.normalize("NFC", str(value or "")).upper()


def local(moment: datetime) -> datetime:
    return moment.astimezone(VIETNAM)


def day_of(moment: datetime | date) -> date:
    return local(moment).date() if isinstance(moment, datetime) else moment


def dmy(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return day_of(value).strftime("%d/%m/%Y")


def hm(moment: datetime) -> str:
    return local(moment).strftime("%H:%M")


def when(moment: datetime | None) -> str:
    """'08:30 ngày 05/03/2026'."""
    return f"{hm(moment)} ngày {dmy(moment)}" if moment else ""


def date_line(commune, day: date) -> str:
    """'Hạ Long, ngày 05 tháng 3 năm 2026' (Decree 30/2020, Appendix I)."""
    return text_date_line(commune.place_name, day)


# --- Styles -----------------------------------------------------------------------------------------------

def styles(size: float = 11) -> dict[str, ParagraphStyle]:
    """Crimson Text sets smaller than Times New Roman at the same size: 11 pt here reads like Times 10."""
    family = fonts.register()
    base = ParagraphStyle("body", fontName=family, fontSize=size, leading=size * 1.25, alignment=TA_JUSTIFY,
                          spaceAfter=size * 0.25)
    return {
        "body": base,
        "left": ParagraphStyle("left", base, alignment=TA_LEFT, spaceAfter=0),
        "center": ParagraphStyle("center", base, alignment=TA_CENTER, spaceAfter=0),
        "right": ParagraphStyle("right", base, alignment=TA_RIGHT, spaceAfter=0),
        "head": ParagraphStyle("head", base, fontName=fonts.BOLD, fontSize=size - 1, leading=(size - 1) * 1.2,
                               alignment=TA_CENTER, spaceAfter=0),
        "head_plain": ParagraphStyle("head_plain", base, fontSize=size - 1, leading=(size - 1) * 1.2,
                                     alignment=TA_CENTER, spaceAfter=0),
        "motto": ParagraphStyle("motto", base, fontName=fonts.BOLD, fontSize=size, leading=size * 1.2,
                                alignment=TA_CENTER, spaceAfter=0),
        "dateline": ParagraphStyle("dateline", base, fontName=fonts.ITALIC, alignment=TA_CENTER, spaceAfter=0),
        "form_no": ParagraphStyle("form_no", base, fontName=fonts.BOLD, fontSize=size - 1, alignment=TA_RIGHT,
                                  spaceAfter=0),
        "title": ParagraphStyle("title", base, fontName=fonts.BOLD, fontSize=size + 2, leading=(size + 2) * 1.25,
                                alignment=TA_CENTER, spaceBefore=size, spaceAfter=size * 0.3),
        "subtitle": ParagraphStyle("subtitle", base, fontName=fonts.BOLD, alignment=TA_CENTER,
                                   spaceAfter=size * 0.6),
        "cell": ParagraphStyle("cell", base, fontSize=size - 1.5, leading=(size - 1.5) * 1.2, alignment=TA_LEFT,
                               spaceAfter=0),
        "cell_center": ParagraphStyle("cell_center", base, fontSize=size - 1.5, leading=(size - 1.5) * 1.2,
                                      alignment=TA_CENTER, spaceAfter=0),
        "cell_head": ParagraphStyle("cell_head", base, fontName=fonts.BOLD, fontSize=size - 1.5,
                                    leading=(size - 1.5) * 1.2, alignment=TA_CENTER, spaceAfter=0),
        "sign_title": ParagraphStyle("sign_title", base, fontName=fonts.BOLD, fontSize=size - 0.5,
                                     alignment=TA_CENTER, spaceAfter=0),
        "sign_hint": ParagraphStyle("sign_hint", base, fontName=fonts.ITALIC, fontSize=size - 1.5,
                                    alignment=TA_CENTER, spaceAfter=0),
        "small": ParagraphStyle("small", base, fontSize=size - 2, leading=(size - 2) * 1.2, alignment=TA_LEFT,
                                spaceAfter=0),
    }


# --- Building blocks --------------------------------------------------------------------------------------

class Rule(Flowable):
    """The short line under the issuing body and under the motto (Decree 30), centred in its cell."""

    def __init__(self, length: float):
        super().__init__()
        self.length = length
        self.width, self.height = length, 6

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, self.height

    def draw(self):
        start = (self.width - self.length) / 2
        self.canv.setLineWidth(0.6)
        self.canv.line(start, 1, start + self.length, 1)


def heading(st, *, commune, center_name: str, form_no: str, day: date | None, width: float) -> list:
    """'Mẫu số 01' at the top right, then issuing body | national title, then the place and date line."""
    left = [Paragraph(f"{text(PEOPLES_COMMITTEE)}<br/>{text(upper(commune.name))}", st["head_plain"]),
            Paragraph(text(upper(center_name)), st["head"]), Rule(width * 0.13)]
    motto = st["motto"]
    right = [Paragraph(text(NATIONAL_TITLE), st["head"]), Paragraph(text(MOTTO), motto),
             Rule(stringWidth(MOTTO, motto.fontName, motto.fontSize))]  # Decree 30: as long as the motto
    if day is not None:
        right += [Spacer(1, 4), Paragraph(text(date_line(commune, day)), st["dateline"])]
    table = layout_table([[left, "", right]], [width * 0.39, width * 0.02, width * 0.59])
    return [Paragraph(text(f"Mẫu số {form_no}"), st["form_no"]), Spacer(1, 3), table]


def field(st, label: str, value, *, markup: bool = False) -> Paragraph:
    """'Label: value' with the label plain and the value as given (escaped unless ``markup``)."""
    return Paragraph(f"{text(label)}: {value if markup else text(value)}", st["body"])


def layout_table(rows: list[list], widths: list[float], *commands, repeat_rows: int = 0) -> Table:
    """A table used to place things side by side: no padding, top-aligned.

    Its font is set because reportlab would otherwise declare Helvetica for plain-string cells, a
    font the PDF would then use unembedded.
    """
    table = Table(rows, colWidths=widths, repeatRows=repeat_rows)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), fonts.register()), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0), *commands]))
    return table


def grid(rows: list[list], widths: list[float], *, header_rows: int = 1) -> Table:
    """A ruled table whose header rows repeat on every page it runs onto."""
    return layout_table(
        rows, widths,
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        repeat_rows=header_rows)


def signatures(st, blocks: list[tuple[str, str, str]], width: float) -> Table:
    """Signature blocks side by side: (title, hint, printed name); room to sign between hint and name."""
    cells = []
    for title, hint, name in blocks:
        cells.append([Paragraph(text(title), st["sign_title"]), Paragraph(text(hint), st["sign_hint"]),
                      Spacer(1, 14 * mm), Paragraph(f"<b>{text(name)}</b>", st["center"])])
    if len(cells) == 1:
        cells.insert(0, "")  # a single signer signs on the right, as on every administrative document
    return layout_table([cells], [width / len(cells)] * len(cells))


def qr(url: str, size: float) -> Image:
    """The QR code of ``url`` as a PNG image (segno), drawn ``size`` points wide."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=4, border=2)
    buffer.seek(0)
    return Image(buffer, width=size, height=size)


# --- The document -----------------------------------------------------------------------------------------

def build(story: list, *, pagesize, title: str, margins: tuple[float, float, float, float]) -> bytes:
    """Lay ``story`` out and return the PDF. ``margins``: top, right, bottom, left (points).

    ``invariant`` fixes the creation date and document id, so the same input gives the same bytes.
    """
    buffer = io.BytesIO()
    top, right, bottom, left = margins
    doc = SimpleDocTemplate(buffer, pagesize=pagesize, topMargin=top, rightMargin=right, bottomMargin=bottom,
                            leftMargin=left, title=title, author="xaso", creator="xaso", subject=title,
                            invariant=1, lang="vi-VN", initialFontName=fonts.register())

    def number(canvas, document):
        # Decree 30: page numbers centred in the top margin, none on the first page.
        canvas.saveState()
        canvas.setFont(fonts.FAMILY, 10)
        canvas.drawCentredString(pagesize[0] / 2, pagesize[1] - top / 2 - 3, str(document.page))
        canvas.restoreState()

    doc.build(story, onLaterPages=number)
    return buffer.getvalue()
