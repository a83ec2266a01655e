# SPDX-License-Identifier: AGPL-3.0-or-later
"""The PDF, read back with pypdf: page, text, embedded fonts, the two form fields and the signing boxes."""

import io
import unicodedata

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from xaso.modules.documents.drafting.pdf import DATE_FIELD, NUMBER_FIELD, render_pdf
from xaso.modules.documents.drafting.templates import TEMPLATES

from .samples import SIGNER, draft, long_body

A4 = (595.2756, 841.8898)


def _reader(rendered) -> PdfReader:
    return PdfReader(io.BytesIO(rendered.data))


def _text(reader, page: int | None = None) -> str:
    pages = reader.pages if page is None else [reader.pages[page]]
    return "\n".join(p.extract_text() for p in pages)


def _placed(page) -> list[tuple[str, float, float]]:
    """Each piece of text on a page with where its baseline starts (x, y)."""
    found = []

    def visit(text, cm, tm, _fonts, _size):
        if text.strip():  # the text matrix's origin through the current transformation
            found.append((text.strip(), tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    return found


def _lines(page) -> list[tuple[str, float]]:
    return [(text, y) for text, _x, y in _placed(page)]


def _fonts(page) -> list:
    fonts = page["/Resources"]["/Font"]
    return [fonts[name].get_object() for name in fonts]


@pytest.fixture(scope="module")
def decision():
    return render_pdf(draft())


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_it_renders_every_template(key):
    rendered = render_pdf(draft(key))
    reader = _reader(rendered)
    assert len(reader.pages) == rendered.pages == 1
    text = _text(reader)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and SIGNER in text


def test_it_prints_on_a4_portrait(decision):
    box = _reader(decision).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4, abs=0.01)


def test_it_keeps_the_text_inside_the_decrees_margins(decision):
    placed = _placed(_reader(decision).pages[0])
    xs, ys = [x for _t, x, _y in placed], [y for _t, _x, y in placed]
    assert 30 * mm <= min(xs) <= 32 * mm  # the recipients start at the left margin (30 mm)
    assert max(xs) < A4[0] - 15 * mm
    assert 20 * mm <= min(ys) and max(ys) <= A4[1] - 20 * mm


def test_it_prints_full_vietnamese_as_extractable_text(decision):
    text = _text(_reader(decision))
    for expected in ("Độc lập - Tự do - Hạnh phúc", "QUYẾT ĐỊNH", "Về việc", "Quyết định này",
                     "Căn cứ Luật Tổ chức chính quyền địa phương", "TM. ỦY BAN NHÂN DÂN", "Nơi nhận:",
                     "Như Điều 3;", "Số:"):
        assert expected in text


def test_it_embeds_every_font_it_draws_with(decision):
    fonts = _fonts(_reader(decision).pages[0])
    assert fonts
    for font in fonts:
        assert "/FontFile2" in font["/FontDescriptor"], font["/BaseFont"]
    assert not any("Helvetica" in font["/BaseFont"] for font in fonts)


def test_it_normalises_decomposed_text_before_drawing():
    decomposed = unicodedata.normalize("NFD", "Điều 1. Giao Văn phòng thực hiện kế hoạch chuyển đổi số.")
    text = _text(_reader(render_pdf(draft(body=decomposed))))
    assert "chuyển đổi số" in text


def test_it_holds_the_number_and_date_in_named_form_fields(decision):
    fields = _reader(decision).get_fields()
    assert fields[NUMBER_FIELD]["/V"] == "05/QĐ-UBND"
    assert fields[DATE_FIELD]["/V"] == "Tiên Yên, ngày 05 tháng 02 năm 2026"
    assert (NUMBER_FIELD, DATE_FIELD) == ("number", "issued_on")


def test_it_draws_a_prefilled_fields_look_with_the_embedded_font(decision):
    page = _reader(decision).pages[0]
    widget = next(a.get_object() for a in page["/Annots"] if a.get_object()["/T"] == NUMBER_FIELD)
    look = widget["/AP"]["/N"].get_object()
    assert look.get_data()  # something is drawn
    fonts = look["/Resources"]["/Font"]
    assert any("/FontFile2" in fonts[n].get_object().get("/FontDescriptor", {}) for n in fonts)


def test_it_leaves_both_fields_empty_until_the_clerk_issues():
    rendered = render_pdf(draft(number=None, issued_on=None))
    reader = _reader(rendered)
    fields = reader.get_fields()
    assert fields[NUMBER_FIELD].get("/V", "") == "" and fields[DATE_FIELD].get("/V", "") == ""
    text = _text(reader)
    assert "Số:" in text and "05/QĐ" not in text and "ngày 05" not in text


def test_it_places_the_fields_on_the_first_page_number_left_and_date_right(decision):
    number, date = decision.fields[NUMBER_FIELD], decision.fields[DATE_FIELD]
    assert number[0] == date[0] == 0
    assert number[3] < A4[0] / 2 < date[3]
    assert number[2] > A4[1] * 0.7 and date[2] > A4[1] * 0.7  # in the heading


def test_it_puts_the_signer_and_seal_boxes_on_the_last_page_in_the_right_half(decision):
    for page, x1, y1, x2, y2 in (decision.signer_box, decision.seal_box):
        assert page == decision.pages - 1
        assert A4[0] / 2 <= x1 < x2 <= A4[0] - 15 * mm and 20 * mm <= y1 < y2 <= A4[1] - 20 * mm


def test_it_leaves_about_60_by_28_mm_between_the_position_and_the_name(decision):
    page, x1, y1, x2, y2 = decision.signer_box
    assert ((x2 - x1) / mm, (y2 - y1) / mm) == pytest.approx((60, 28), abs=0.01)
    lines = dict(_lines(_reader(decision).pages[page]))
    assert lines["CHỦ TỊCH"] > y2 and lines[SIGNER] < y1  # position above, name below


def test_it_lays_the_seal_over_the_left_third_of_the_signature(decision):
    _, sx1, sy1, sx2, sy2 = decision.signer_box
    _, x1, y1, x2, y2 = decision.seal_box
    assert x2 == pytest.approx(sx1 + (sx2 - sx1) / 3)
    assert x1 < sx1 and (y1 + y2) / 2 == pytest.approx((sy1 + sy2) / 2)


def test_it_runs_a_long_body_over_pages_with_the_signature_on_the_last():
    rendered = render_pdf(draft(body=long_body(60)))
    reader = _reader(rendered)
    assert rendered.pages == len(reader.pages) >= 3
    assert rendered.signer_box[0] == rendered.seal_box[0] == rendered.pages - 1
    last = _text(reader, rendered.pages - 1)
    assert SIGNER in last and "Nơi nhận:" in last and "Điều 60." in last
    assert SIGNER not in _text(reader, 0)


def test_it_runs_a_recipient_list_longer_than_a_page_on_with_the_signature_whole():
    rendered = render_pdf(draft(recipients=[f"Trưởng thôn {n}" for n in range(1, 71)]))
    reader = _reader(rendered)
    assert rendered.pages == len(reader.pages) >= 2
    page = rendered.signer_box[0]
    lines = dict(_lines(reader.pages[page]))
    assert lines["CHỦ TỊCH"] > rendered.signer_box[4] and lines[SIGNER] < rendered.signer_box[2]
    assert "Trưởng thôn 70." in _text(reader)


def test_it_numbers_pages_in_the_top_margin_from_page_two():
    reader = _reader(render_pdf(draft(body=long_body(60))))
    top_margin = A4[1] - 20 * mm

    def numbers(page):
        return [text for text, y in _lines(reader.pages[page]) if y > top_margin]

    assert numbers(0) == []
    assert numbers(1) == ["2"] and numbers(2) == ["3"]


def test_it_gives_the_same_bytes_for_the_same_draft():
    assert render_pdf(draft()).data == render_pdf(draft()).data


def test_it_prints_marks_and_a_letters_summary_under_the_number():
    rendered = render_pdf(draft("letter", summary="Triển khai dịch vụ công", urgency="hoa_toc", confidentiality="mat",
                                addressees=["Sở Nội vụ tỉnh Quảng Ninh"]))
    reader = _reader(rendered)
    text = _text(reader)
    assert "V/v Triển khai dịch vụ công" in text and "HỎA TỐC" in text and "MẬT" in text
    assert "Kính gửi: Sở Nội vụ tỉnh Quảng Ninh." in text
    assert reader.get_fields()[NUMBER_FIELD]["/V"] == "05/UBND"
