# SPDX-License-Identifier: AGPL-3.0-or-later
"""An official document as DOCX (python-docx), for editing in Word or LibreOffice.

Decree 30/2020/NĐ-CP Appendix I: A4 portrait, Times New Roman, the heading as a borderless two-column
table, page numbers in the header from page 2. Measurements in ``measures``; docs/document-layout.md.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from reportlab.pdfbase.pdfmetrics import stringWidth

from . import docx_xml as x
from . import measures as m
from .model import Block, Draft, blocks, punctuated

CENTER, LEFT, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.JUSTIFY
CELL_MARGIN = Mm(1)
_TWIPS_PER_MM = 1440 / 25.4
_PT_PER_MM = 72 / 25.4
# Standard Times metrics (reportlab's built-in AFM files) stand in for Word's Times New Roman.
_TIMES = {(False, False): "Times-Roman", (True, False): "Times-Bold", (False, True): "Times-Italic",
          (True, True): "Times-BoldItalic"}


def _width_pt(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    return stringWidth(m.folded(text), _TIMES[bold, italic], size)


def _run(paragraph, text: str, size: float, *, bold: bool = False, italic: bool = False):
    run = paragraph.add_run(text)
    run.font.name = x.FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    x.set_fonts(run._r.get_or_add_rPr())
    return run


def _para(container, text: str = "", size: float = m.SIZE["body"], *, bold=False, italic=False, align=CENTER,
          after: float = 0, before: float = 0, left=None, right=None, first=None, line=1.0):
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(before), Pt(after), line
    if left is not None:
        fmt.left_indent = left
    if right is not None:
        fmt.right_indent = right
    if first is not None:
        fmt.first_line_indent = first
    if text:
        _run(paragraph, text, size, bold=bold, italic=italic)
    return paragraph


def _rule(container, length_pt: float, room_pt: float) -> None:
    """A centred line ``length_pt`` long: an empty paragraph's bottom border, narrowed by its indents."""
    side = Pt(max(room_pt - length_pt, 0) / 2)
    paragraph = _para(container, left=side, right=side, line=Pt(3))
    x.paragraph_border(paragraph, "bottom")


def _mark(container, text: str, room_pt: float) -> None:
    """An urgency or confidentiality mark in a frame: a paragraph bordered on four sides."""
    size = m.SIZE["mark"]
    box_pt = _width_pt(text, size, bold=True) + 4 * _PT_PER_MM
    side = Pt(max(room_pt - box_pt, 0) / 2)
    paragraph = _para(container, text, size, bold=True, before=6, left=side, right=side)
    for edge in ("top", "left", "bottom", "right"):
        x.paragraph_border(paragraph, edge, size_eighths=6, space=2)


def _page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(m.PAGE_WIDTH), Mm(m.PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Mm(m.MARGIN_TOP), Mm(m.MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Mm(m.MARGIN_LEFT), Mm(m.MARGIN_RIGHT)
    section.header_distance = Mm(m.HEADER_DISTANCE)
    # Appendix I: page numbers centred in the top margin, none on the first page.
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    header = section.header.paragraphs[0]
    header.alignment = CENTER
    x.page_field(header, lambda text: _run(header, text, m.SIZE["page_number"]))
    x.document_defaults(document)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = x.FONT, Pt(m.SIZE["body"])
    x.set_fonts(normal.element.get_or_add_rPr())


def _table(document, widths_mm: list[float], rows: int = 1):
    table = document.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    x.table_plain(table, round(CELL_MARGIN.mm * _TWIPS_PER_MM))
    # Word reads the cells' widths, LibreOffice the grid's: both are set.
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
    return table


def _heading(document, draft: Draft) -> None:
    """Components 1–4 (and 5b, 10): issuer | national title and motto, then number | place and date."""
    left_mm = m.TEXT_WIDTH * m.HEADER_LEFT
    widths = [left_mm, m.TEXT_WIDTH - left_mm]
    table = _table(document, widths, rows=2)
    (issuer_cell, title_cell), (number_cell, date_cell) = (r.cells for r in table.rows)
    room_left, room_right = ((w - 2 * CELL_MARGIN.mm) * _PT_PER_MM for w in widths)

    def fits(size, bold):
        return lambda line: _width_pt(line, size, bold) <= room_left

    for line in m.name_lines(draft.issuer_parent, fits(m.SIZE["parent"], False)):
        _para(issuer_cell, line, m.SIZE["parent"])
    issuer = m.name_lines(draft.issuer, fits(m.SIZE["issuer"], True))
    for line in issuer:
        _para(issuer_cell, line, m.SIZE["issuer"], bold=True)
    widest = max((_width_pt(line, m.SIZE["issuer"], True) for line in issuer), default=0)
    _rule(issuer_cell, m.ISSUER_RULE * min(widest, room_left), room_left)

    _para(title_cell, m.NATIONAL_TITLE, m.SIZE["national_title"], bold=True)
    _para(title_cell, m.MOTTO, m.SIZE["motto"], bold=True)
    _rule(title_cell, _width_pt(m.MOTTO, m.SIZE["motto"], True), room_right)  # as long as the motto

    _para(number_cell, m.NUMBER_LABEL + draft.number_symbol, m.SIZE["number"], before=4)
    if draft.is_letter and draft.letter_summary:
        _para(number_cell, draft.letter_summary, m.SIZE["letter_summary"], before=2)
    for mark in draft.marks:
        _mark(number_cell, mark, room_left)
    _para(date_cell, draft.date_text, m.SIZE["date"], italic=True, before=4)
    for cell in (issuer_cell, title_cell, number_cell, date_cell):
        x.drop_first_paragraph(cell)


def _title(document, draft: Draft) -> None:
    """Component 5a: the type's name and the summary under it, then a short rule."""
    if draft.is_letter:
        return
    _para(document, draft.document_type.heading, m.SIZE["heading"], bold=True, before=m.SIZE["heading"] * 1.2)
    if draft.printed_title:
        _para(document, draft.printed_title, m.SIZE["title"], bold=True)
        text_pt = m.TEXT_WIDTH * _PT_PER_MM
        _rule(document, m.TITLE_RULE * min(_width_pt(draft.printed_title, m.SIZE["title"], True), text_pt), text_pt)
    _para(document, line=Pt(2 * m.PARAGRAPH_AFTER))


def _addressees(document, draft: Draft) -> None:
    if not draft.addressees:
        return
    size, label = m.SIZE["addressee"], "Kính gửi: "
    items = punctuated(draft.addressees)
    indent = Mm(m.ADDRESSEE_INDENT)
    if len(items) == 1:
        hang = Pt(_width_pt(label, size))
        _para(document, label + items[0], size, align=LEFT, before=10, after=8, left=indent + hang, first=-hang)
        return
    _para(document, label.strip(), size, align=LEFT, before=10, left=indent)
    for i, item in enumerate(items):
        _para(document, f"- {item}", size, align=LEFT, left=Mm(m.ADDRESSEE_LIST_INDENT),
              after=8 if i == len(items) - 1 else 0)


def _body(document, body: list[Block]) -> None:
    size, paragraph = m.SIZE["body"], None
    for block in body:
        paragraph = _para(document, align=CENTER if block.centred else JUSTIFY, after=m.PARAGRAPH_AFTER,
                          first=None if block.centred else Mm(m.FIRST_LINE_INDENT), line=m.LINE_SPACING)
        for run in block.runs:
            _run(paragraph, run.text, size, bold=run.bold, italic=run.italic)
    if paragraph is not None:  # the signature never stands alone on a page: the last paragraph goes with it
        paragraph.paragraph_format.keep_with_next = True


def _signer(cell, competence: str, position: str, name: str) -> None:
    size = m.SIZE["signer"]
    for line in [*(c for c in competence.splitlines() if c.strip()), position]:
        if line:
            _para(cell, line.upper(), size, bold=True)
    _para(cell, line=Mm(m.SIGNATURE_SPACE))  # the room for the signature (and the seal)
    _para(cell, name, size, bold=True)


def _closing(document, draft: Draft) -> None:
    """Components 7 and 9 (and 11): recipients on the left, the signature block on the right."""
    _para(document, line=Pt(6)).paragraph_format.keep_with_next = True  # a little room above the block
    left_mm = m.TEXT_WIDTH * m.SIGNATURE_LEFT
    row = _table(document, [left_mm, m.TEXT_WIDTH - left_mm]).rows[0]
    x.row_cant_split(row)
    left, right = row.cells
    if draft.cosigner_position:
        _signer(left, "", draft.cosigner_position, draft.cosigner_name)
        _para(left, line=Pt(8))
    if draft.recipients:
        _para(left, "Nơi nhận:", m.SIZE["recipients_label"], bold=True, italic=True, align=LEFT)
        for item in punctuated(draft.recipients):
            _para(left, f"- {item}", m.SIZE["recipients"], align=LEFT)
    if draft.drafter_code_and_copies:
        _para(left, draft.drafter_code_and_copies, m.SIZE["drafter"], align=LEFT, before=4)
    _signer(right, draft.signer_competence, draft.signer_position, draft.signer_name)
    for cell in (left, right):
        x.drop_first_paragraph(cell)


def render_docx(draft: Draft) -> bytes:
    """The draft as a DOCX file's bytes."""
    document = Document()
    _page(document)
    _heading(document, draft)
    _title(document, draft)
    _addressees(document, draft)
    _body(document, blocks(draft.body))
    _closing(document, draft)
    _para(document, line=Pt(1))  # Word wants a paragraph after the last table
    props = document.core_properties
    props.title, props.subject, props.author, props.language = draft.metadata_title, draft.summary, "xaso", "vi-VN"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
