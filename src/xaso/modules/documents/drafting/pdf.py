# SPDX-License-Identifier: AGPL-3.0-or-later
"""An official document as PDF (reportlab): the layout of Decree 30/2020/NĐ-CP Appendix I on A4.

The number and the place/date line are AcroForm text fields (``NUMBER_FIELD``, ``DATE_FIELD``), filled
at issuing after the signer has signed; ``RenderedPdf`` tells the signing code where the signature image
and the seal go. The face is the embedded Crimson Text (xaso.core.fonts; docs/decisions/0017-pdf-forms.md),
not Times New Roman; see docs/document-layout.md for every measurement.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from xaso.core import fonts

from . import measures as m
from .model import Block, Draft, blocks, punctuated
from .pdf_parts import FieldSpec, FormField, MarkBox, Rule, SignatureSpace
from .types import number_and_symbol, symbol

NUMBER_FIELD = "number"
DATE_FIELD = "issued_on"

Box = tuple[int, float, float, float, float]  # page index (from 0), x1, y1, x2, y2 in points, origin bottom-left


@dataclass(frozen=True)
class RenderedPdf:
    """The PDF and where things are on it.

    ``signer_box``: the room between the signer's position and name on the last page, for the personal
    signature's image; ``seal_box``: the seal, over the left third of it (Decree 30 Appendix I);
    ``fields``: the rectangles of the number and date fields (page 1), by field name.
    """

    data: bytes
    pages: int
    signer_box: Box
    seal_box: Box
    fields: dict[str, Box] = field(default_factory=dict)


def _t(value: str) -> str:
    return escape(value)


def _style(name: str, size: float, font: str | None = None, align=TA_CENTER, **more) -> ParagraphStyle:
    return ParagraphStyle(name, **{"fontName": font or fonts.FAMILY, "fontSize": size, "leading": size * 1.2,
                                   "alignment": align, **more})


def _styles() -> dict[str, ParagraphStyle]:
    s = m.SIZE
    body = _style("body", s["body"], align=TA_JUSTIFY, leading=s["body"] * m.PDF_LEADING,
                  firstLineIndent=m.FIRST_LINE_INDENT * mm, spaceAfter=m.PARAGRAPH_AFTER)
    return {
        "parent": _style("parent", s["parent"]),
        "issuer": _style("issuer", s["issuer"], fonts.BOLD),
        "national_title": _style("national_title", s["national_title"], fonts.BOLD),
        "motto": _style("motto", s["motto"], fonts.BOLD),
        "letter_summary": _style("letter_summary", s["letter_summary"], spaceBefore=2),
        "heading": _style("heading", s["heading"], fonts.BOLD, spaceBefore=s["heading"] * 1.2),
        "title": _style("title", s["title"], fonts.BOLD),
        "addressee": _style("addressee", s["addressee"], align=TA_LEFT, leading=s["addressee"] * m.PDF_LEADING),
        "body": body,
        "centred": ParagraphStyle("centred", body, alignment=TA_CENTER, firstLineIndent=0),
        "signer": _style("signer", s["signer"], fonts.BOLD),
        "recipients_label": _style("recipients_label", s["recipients_label"], fonts.BOLD_ITALIC, align=TA_LEFT),
        "recipients": _style("recipients", s["recipients"], align=TA_LEFT),
        "drafter": _style("drafter", s["drafter"], align=TA_LEFT, spaceBefore=4),
    }


def _table(rows: list[list], widths: list[float], *commands, split_in_row: bool = False) -> Table:
    # The font is set so plain-string cells do not pull in an unembedded Helvetica.
    table = Table(rows, colWidths=widths, splitInRow=int(split_in_row))
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), fonts.FAMILY), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0), *commands]))
    return table


def _rule_under(text: str, font: str, size: float, width: float, share: float) -> Rule:
    # Clear of the descenders and marks below the line (the dot of "ệ").
    return Rule(share * min(stringWidth(text, font, size), width), space=4)


def _heading(draft: Draft, st, number: FormField, date: FormField, width: float) -> Table:
    """Components 1–4 (and 5b, 10): issuer | national title and motto, then number | place and date."""
    left_w, right_w = width * m.HEADER_LEFT, width * (1 - m.HEADER_LEFT)
    room = left_w - 4  # the cell's padding

    def lines(name: str, font: str, size: float) -> list[str]:
        return m.name_lines(name, lambda line: stringWidth(line, font, size) <= room)

    left = [Paragraph(_t(line), st["parent"]) for line in lines(draft.issuer_parent, fonts.FAMILY, m.SIZE["parent"])]
    issuer = lines(draft.issuer, fonts.BOLD, m.SIZE["issuer"])
    left += [Paragraph(_t(line), st["issuer"]) for line in issuer]
    widest = max(issuer, key=lambda line: stringWidth(line, fonts.BOLD, m.SIZE["issuer"]), default="")
    left.append(_rule_under(widest, fonts.BOLD, m.SIZE["issuer"], room, m.ISSUER_RULE))
    right = [Paragraph(_t(m.NATIONAL_TITLE), st["national_title"]), Paragraph(_t(m.MOTTO), st["motto"]),
             Rule(stringWidth(m.MOTTO, fonts.BOLD, m.SIZE["motto"]))]  # as long as the motto
    below = [number]
    if draft.is_letter and draft.letter_summary:
        below.append(Paragraph(_t(draft.letter_summary), st["letter_summary"]))
    below += [MarkBox(mark, m.SIZE["mark"]) for mark in draft.marks]
    return _table([[left, right], [below, [date]]], [left_w, right_w], ("TOPPADDING", (0, 1), (-1, 1), 4))


def _title(draft: Draft, st, width: float) -> list:
    """Component 5a: the type's name and the summary under it, then a short rule."""
    if draft.is_letter:
        return []
    story = [Paragraph(_t(draft.document_type.heading), st["heading"])]
    if draft.printed_title:
        story.append(Paragraph(_t(draft.printed_title), st["title"]))
        story.append(_rule_under(draft.printed_title, fonts.BOLD, m.SIZE["title"], width, m.TITLE_RULE))
    return [*story, Spacer(1, m.PARAGRAPH_AFTER * 2)]


def _addressees(draft: Draft, st) -> list:
    """"Kính gửi:" of a công văn: one addressee on the same line, several one per line with a dash."""
    if not draft.addressees:
        return []
    size, label = m.SIZE["addressee"], "Kính gửi: "
    items = punctuated(draft.addressees)
    indent = m.ADDRESSEE_INDENT * mm
    if len(items) == 1:
        hang = stringWidth(label, fonts.FAMILY, size)
        style = ParagraphStyle("addressee_one", st["addressee"], leftIndent=indent + hang, firstLineIndent=-hang)
        return [Spacer(1, 10), Paragraph(_t(label + items[0]), style), Spacer(1, 8)]
    listed = ParagraphStyle("addressee_list", st["addressee"], leftIndent=m.ADDRESSEE_LIST_INDENT * mm)
    return [Spacer(1, 10), Paragraph(_t(label.strip()), ParagraphStyle("l", st["addressee"], leftIndent=indent)),
            *[Paragraph(_t(f"- {item}"), listed) for item in items], Spacer(1, 8)]


def _paragraph(block: Block, st) -> Paragraph:
    parts = []
    for run in block.runs:
        text = _t(run.text)
        text = f"<i>{text}</i>" if run.italic else text
        parts.append(f"<b>{text}</b>" if run.bold else text)
    return Paragraph("".join(parts), st["centred" if block.centred else "body"])


def _signer_cell(st, competence: str, position: str, name: str, space) -> list:
    lines = [line for line in competence.splitlines() if line.strip()] + [position]
    cell = [Paragraph(_t(line.upper()), st["signer"]) for line in lines if line]
    return [*cell, space, Paragraph(_t(name), st["signer"])]


def _closing(draft: Draft, st, space: SignatureSpace, width: float) -> Table:
    """Components 7 and 9 (and 11): recipients on the left, the signature block on the right."""
    left = []
    if draft.cosigner_position:
        left += _signer_cell(st, "", draft.cosigner_position, draft.cosigner_name, Spacer(1, space.height))
        left.append(Spacer(1, 8))
    if draft.recipients:
        left.append(Paragraph(_t("Nơi nhận:"), st["recipients_label"]))
        left += [Paragraph(_t(f"- {item}"), st["recipients"]) for item in punctuated(draft.recipients)]
    if draft.drafter_code_and_copies:
        left.append(Paragraph(_t(draft.drafter_code_and_copies), st["drafter"]))
    right = _signer_cell(st, draft.signer_competence, draft.signer_position, draft.signer_name, space)
    left_w = width * m.SIGNATURE_LEFT
    # A list of recipients longer than a page continues on the next; the signature stays whole on the first.
    return _table([[left or "", right]], [left_w, width - left_w], ("TOPPADDING", (0, 0), (-1, -1), 10),
                  split_in_row=True)


def _boxes(space: SignatureSpace) -> tuple[Box, Box]:
    x1, y1, x2, y2 = space.rect
    centre, half = (x1 + x2) / 2, m.SIGNATURE_BOX_WIDTH * mm / 2
    signer = (space.page_index, centre - half, y1, centre + half, y2)
    seal_right = signer[1] + m.SIGNATURE_BOX_WIDTH * mm * m.SEAL_OVERLAP
    middle, radius = (y1 + y2) / 2, m.SEAL_SIZE * mm / 2
    seal = (space.page_index, seal_right - 2 * radius, middle - radius, seal_right, middle + radius)
    return signer, seal


def render_pdf(draft: Draft) -> RenderedPdf:
    """The draft as an A4 PDF; the same draft gives the same bytes (reportlab's ``invariant``)."""
    family = fonts.register()
    st, width = _styles(), m.TEXT_WIDTH * mm
    document_symbol = draft.symbol or symbol(draft.type_code, draft.issuer_abbr)
    number = FormField(FieldSpec(
        NUMBER_FIELD, draft.number_symbol if draft.number is not None else "", fonts.FAMILY, m.SIZE["number"],
        label=m.NUMBER_LABEL, room=number_and_symbol(9999, document_symbol)))
    date = FormField(FieldSpec(DATE_FIELD, draft.date_text if draft.issued_on else "", fonts.ITALIC,
                               m.SIZE["date"], centred=True))
    space = SignatureSpace(m.SIGNATURE_SPACE * mm)
    story = [_heading(draft, st, number, date, width), *_title(draft, st, width), *_addressees(draft, st)]
    paragraphs = [_paragraph(b, st) for b in blocks(draft.body)]
    # The signature never stands alone on a page: the last paragraph goes with it.
    story += [*paragraphs[:-1], KeepTogether([*paragraphs[-1:], _closing(draft, st, space, width)])]

    buffer = io.BytesIO()
    top = m.MARGIN_TOP * mm
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, topMargin=top, bottomMargin=m.MARGIN_BOTTOM * mm, leftMargin=m.MARGIN_LEFT * mm,
        rightMargin=m.MARGIN_RIGHT * mm, title=draft.metadata_title, subject=draft.summary, author="xaso",
        creator="xaso", invariant=1, lang="vi-VN", initialFontName=family)

    def page_number(canvas, document):
        # Appendix I: Arabic page numbers centred in the top margin, none on the first page.
        size = m.SIZE["page_number"]
        canvas.saveState()
        canvas.setFont(fonts.FAMILY, size)
        canvas.drawCentredString(A4[0] / 2, A4[1] - top / 2 - size / 3, str(document.page))
        canvas.restoreState()

    doc.build(story, onLaterPages=page_number)
    signer_box, seal_box = _boxes(space)
    fields = {f.spec.name: (0, *f.rect) for f in (number, date)}
    return RenderedPdf(data=buffer.getvalue(), pages=doc.page, signer_box=signer_box, seal_box=seal_box,
                       fields=fields)
