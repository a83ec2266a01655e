# SPDX-License-Identifier: AGPL-3.0-or-later
"""The DOCX, read back with python-docx: page, fonts, sizes and texts of Decree 30/2020 Appendix I."""

import io

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from xaso.modules.documents.drafting.docx import render_docx
from xaso.modules.documents.drafting.templates import TEMPLATES

from .samples import PARENT, SIGNER, draft


def _read(data: bytes):
    return Document(io.BytesIO(data))


def _paragraphs(document):
    """Every paragraph: the body's, the tables' (heading, signature) and the headers'."""
    found = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                found += cell.paragraphs
    section = document.sections[0]
    return found + section.header.paragraphs + section.first_page_header.paragraphs


def _run(document, text: str):
    """The run whose text is ``text`` (exactly)."""
    runs = [r for p in _paragraphs(document) for r in p.runs if r.text == text]
    assert runs, f"no run {text!r}"
    return runs[0]


def _texts(document) -> list[str]:
    return [p.text for p in _paragraphs(document)]


@pytest.fixture(scope="module")
def decision():
    return _read(render_docx(draft(issuer_parent=PARENT)))


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_it_renders_every_template(key):
    document = _read(render_docx(draft(key)))
    texts = _texts(document)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts and SIGNER in texts
    assert any(t.startswith("Số: 05/") for t in texts)


def test_it_sets_an_a4_page_with_the_decrees_margins(decision):
    section = decision.sections[0]
    measured = [section.page_width.mm, section.page_height.mm, section.top_margin.mm, section.bottom_margin.mm,
                section.left_margin.mm, section.right_margin.mm]
    assert measured == pytest.approx([210, 297, 20, 20, 30, 15], abs=0.1)


def test_it_uses_times_new_roman_in_every_run_and_font_slot(decision):
    runs = [r for p in _paragraphs(decision) for r in p.runs]
    assert len(runs) > 20
    for run in runs:
        fonts = run._r.rPr.rFonts
        assert [fonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "cs", "eastAsia")] == ["Times New Roman"] * 4
    normal = decision.styles["Normal"].font
    assert normal.name == "Times New Roman" and normal.size.pt == 14


@pytest.mark.parametrize(("text", "size", "bold", "italic"), [
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, True, False),
    ("Độc lập - Tự do - Hạnh phúc", 13, True, False),
    ("ỦY BAN NHÂN DÂN", 13, False, False),  # the governing body's first line
    ("XÃ TIÊN YÊN", 13, True, False),  # the issuer's name, broken after "ỦY BAN NHÂN DÂN"
    ("Số: 05/QĐ-UBND", 13, False, False),
    ("Tiên Yên, ngày 05 tháng 02 năm 2026", 14, False, True),
    ("QUYẾT ĐỊNH", 14, True, False),
    ("Về việc …", 14, True, False),
    ("Điều 1.", 14, True, False),
    ("TM. ỦY BAN NHÂN DÂN", 14, True, False),
    ("CHỦ TỊCH", 14, True, False),
    (SIGNER, 14, True, False),
    ("Nơi nhận:", 12, True, True),
    ("- Như Điều 3;", 11, False, False),
])
def test_it_sets_each_component_in_its_size_and_style(decision, text, size, bold, italic):
    run = _run(decision, text)
    assert (run.font.size.pt, bool(run.font.bold), bool(run.font.italic)) == (size, bold, italic)


def test_it_keeps_an_articles_text_plain_after_its_bold_label(decision):
    paragraph = next(p for p in decision.paragraphs if p.text.startswith("Điều 2."))
    assert [bool(r.font.bold) for r in paragraph.runs] == [True, False]
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert paragraph.paragraph_format.first_line_indent.mm == pytest.approx(12.7, abs=0.1)


def test_it_centres_the_decides_line_and_italicises_the_grounds(decision):
    decides = next(p for p in decision.paragraphs if p.text == "QUYẾT ĐỊNH:")
    assert decides.alignment == WD_ALIGN_PARAGRAPH.CENTER and decides.runs[0].font.bold
    grounds = next(p for p in decision.paragraphs if p.text.startswith("Căn cứ Luật"))
    assert grounds.runs[0].font.italic


def test_it_puts_the_heading_in_a_borderless_two_column_table(decision):
    heading = decision.tables[0]
    assert len(heading.columns) == 2
    assert "ỦY BAN NHÂN DÂN" in heading.cell(0, 0).text and "CỘNG HÒA" in heading.cell(0, 1).text
    assert heading.cell(1, 0).text == "Số: 05/QĐ-UBND"
    assert heading.cell(1, 1).text == "Tiên Yên, ngày 05 tháng 02 năm 2026"
    borders = heading._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}


def test_it_puts_recipients_left_and_the_signature_right(decision):
    closing = decision.tables[-1]
    assert closing.cell(0, 0).text.startswith("Nơi nhận:")
    assert closing.cell(0, 1).paragraphs[0].text == "TM. ỦY BAN NHÂN DÂN"
    assert closing.cell(0, 1).paragraphs[-1].text == SIGNER
    room = closing.cell(0, 1).paragraphs[-2]
    assert room.text == "" and room.paragraph_format.line_spacing.mm == pytest.approx(28, abs=0.1)


def test_it_keeps_the_signature_block_whole_and_with_the_last_paragraph(decision):
    closing = decision.tables[-1]
    assert closing.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
    last = next(p for p in reversed(decision.paragraphs) if p.text.startswith("Điều 3."))
    assert last.paragraph_format.keep_with_next


def test_it_numbers_pages_in_the_header_from_page_two(decision):
    section = decision.sections[0]
    assert section.different_first_page_header_footer
    header = section.header._element.xml
    assert "PAGE" in header and 'w:fldCharType="begin"' in header
    assert "PAGE" not in section.first_page_header._element.xml
    assert section.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_it_leaves_the_number_and_date_blank_until_issued():
    document = _read(render_docx(draft(number=None, issued_on=None)))
    texts = _texts(document)
    assert "Số:      /QĐ-UBND" in texts
    assert "Tiên Yên, ngày     tháng     năm 20…" in texts


def test_it_prints_a_letters_summary_under_the_number_and_its_addressees():
    document = _read(render_docx(draft("letter", summary="V/v triển khai dịch vụ công trực tuyến",
                                       addressees=["Sở Nội vụ", "Công an xã"], urgency="khan")))
    left = document.tables[0].cell(1, 0)
    assert [p.text for p in left.paragraphs] == ["Số: 05/UBND", "V/v triển khai dịch vụ công trực tuyến", "KHẨN"]
    texts = _texts(document)
    assert texts[texts.index("Kính gửi:") + 1: texts.index("Kính gửi:") + 3] == ["- Sở Nội vụ;", "- Công an xã."]
    assert "CÔNG VĂN" not in texts


def test_it_writes_one_addressee_on_the_kinh_gui_line():
    texts = _texts(_read(render_docx(draft("letter", addressees=["Ủy ban nhân dân tỉnh Quảng Ninh"]))))
    assert "Kính gửi: Ủy ban nhân dân tỉnh Quảng Ninh." in texts


def test_it_signs_minutes_by_the_secretary_on_the_left():
    closing = _read(render_docx(draft("minutes"))).tables[-1]
    left = [p.text for p in closing.cell(0, 0).paragraphs]
    assert left[0] == "THƯ KÝ" and "Trần Thị Bình" in left and "Nơi nhận:" in left
