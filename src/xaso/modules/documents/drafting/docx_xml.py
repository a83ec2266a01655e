# SPDX-License-Identifier: AGPL-3.0-or-later
"""The WordprocessingML python-docx has no API for: font slots, borders, cell margins, fields, language."""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

FONT = "Times New Roman"  # Decree 30/2020 Appendix I: Times New Roman, Unicode (TCVN 6909:2001)
LANGUAGE = "vi-VN"
_SLOTS = ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia")
_THEME_SLOTS = ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme")
# Word refuses a file whose elements are out of the schema's order: what may follow w:pBdr in w:pPr.
_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
               "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
               "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
               "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
               "w:rPr", "w:sectPr", "w:pPrChange")


def set_fonts(rpr) -> None:
    """Times New Roman in all four font slots of a run's (or style's) properties.

    Word picks the slot by character: Vietnamese letters outside Latin-1 may fall in ``hAnsi`` or, with
    an East Asian editing language, in ``eastAsia``; theme fonts would override the names, so they go.
    """
    fonts = rpr.get_or_add_rFonts()
    for slot in _THEME_SLOTS:
        fonts.attrib.pop(qn(slot), None)
    for slot in _SLOTS:
        fonts.set(qn(slot), FONT)


def set_language(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)


def document_defaults(document) -> None:
    """The document's default run properties (docDefaults), so text added later in Word is right too."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr)
    set_language(rpr)


def paragraph_border(paragraph, side: str, size_eighths: int = 6, space: int = 1) -> None:
    """A single line on one ``side`` ("top", "bottom", "left", "right") of a paragraph."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.insert_element_before(borders, *_AFTER_PBDR)
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size_eighths))
    line.set(qn("w:space"), str(space))
    line.set(qn("w:color"), "000000")
    borders.append(line)


def table_plain(table, cell_margin_twips: int) -> None:
    """No borders (the heading and signature tables only place things side by side), small cell margins."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                                 "w:tblDescription", "w:tblPrChange")
    margins = OxmlElement("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(0 if side in ("top", "bottom") else cell_margin_twips))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    tbl_pr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def page_field(paragraph, make_run) -> None:
    """A PAGE field: Word and LibreOffice print the page's number there."""
    def char(kind: str):
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        make_run("")._r.append(element)

    char("begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    make_run("")._r.append(instruction)
    char("separate")
    make_run("2")  # shown until the field is updated
    char("end")


def drop_first_paragraph(cell) -> None:
    """A new cell holds one empty paragraph; content is added after it, so it goes once there is some."""
    if len(cell.paragraphs) > 1:
        first = cell.paragraphs[0]._p
        first.getparent().remove(first)


def row_cant_split(row) -> None:
    """The row stays on one page (the signature block is never cut between the position and the name)."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.insert_element_before(OxmlElement("w:cantSplit"), "w:trHeight", "w:tblHeader", "w:tblCellSpacing",
                                "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")
