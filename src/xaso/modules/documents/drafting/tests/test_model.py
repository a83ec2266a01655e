# SPDX-License-Identifier: AGPL-3.0-or-later
"""The Draft's checks and how a body's lines are formatted (Decree 30/2020 Appendix I, component 6)."""

import pytest

from xaso.modules.documents.drafting.model import Draft, Run, block, blocks, punctuated

from .samples import ISSUER, draft


def test_it_refuses_an_unknown_type_or_a_number_below_one():
    with pytest.raises(ValueError):
        Draft(issuer=ISSUER, type_code="XX")
    with pytest.raises(ValueError):
        Draft(issuer=ISSUER, type_code="QD", number=0)


def test_it_accepts_urgency_and_confidentiality_as_codes_or_words_and_prints_capitals():
    assert draft(urgency="hoa_toc", confidentiality="Mật").marks == ["MẬT", "HỎA TỐC"]
    assert draft(urgency="Thượng khẩn").marks == ["THƯỢNG KHẨN"]
    with pytest.raises(ValueError):
        draft(urgency="Urgent (Khẩn)")


def test_it_computes_the_symbol_when_none_is_given():
    assert draft().number_symbol == "05/QĐ-UBND"
    assert draft("letter", symbol="UBND-VP").number_symbol == "05/UBND-VP"


def test_it_starts_a_letters_summary_with_vv():
    assert draft("letter", summary="Triển khai dịch vụ công").letter_summary == "V/v Triển khai dịch vụ công"
    assert draft("letter", summary="V/v triển khai").letter_summary == "V/v triển khai"


def test_it_normalises_every_text_to_composed_letters():
    made = draft(signer_name="Nguye\u0302\u0303n Va\u0306n An", recipients=["Như Đie\u0302\u0300u 3;", "  "])
    assert made.signer_name == "Nguyễn Văn An"
    assert made.recipients == ["Như Điều 3;"]


def test_it_bolds_the_article_label_and_keeps_its_text_plain():
    assert block("Điều 2. Quyết định này có hiệu lực kể từ ngày ký.").runs == (
        Run("Điều 2.", bold=True), Run(" Quyết định này có hiệu lực kể từ ngày ký."))


def test_it_bolds_an_article_title_standing_alone():
    assert block("Điều 1. Phạm vi điều chỉnh").runs == (Run("Điều 1. Phạm vi điều chỉnh", bold=True),)


def test_it_sets_grounds_in_italics():
    assert block("Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;").runs[0].italic


def test_it_centres_lines_in_capitals_and_keeps_numbered_headings_in_place():
    decides = block("QUYẾT ĐỊNH:")
    assert decides.centred and decides.runs[0].bold
    section = block("I. MỤC ĐÍCH, YÊU CẦU")
    assert section.runs[0].bold and not section.centred
    assert not block("1. Mục đích").centred and not block("1. Mục đích").runs[0].bold


def test_it_makes_each_non_empty_line_a_paragraph():
    assert [b.text for b in blocks("Một.\n\n  \nHai.\r\nBa.")] == ["Một.", "Hai.", "Ba."]


def test_it_ends_list_items_with_semicolons_and_the_last_with_a_full_stop():
    assert punctuated(["Như Điều 3;", "Chủ tịch UBND xã", "Lưu: VT, VP;"]) == [
        "Như Điều 3;", "Chủ tịch UBND xã;", "Lưu: VT, VP."]
