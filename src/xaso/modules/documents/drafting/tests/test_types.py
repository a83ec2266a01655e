# SPDX-License-Identifier: AGPL-3.0-or-later
"""The types of Decree 30/2020 Art. 7 and Appendix III, symbols, numbers and the date line."""

from datetime import date

import pytest

from xaso.core.text import date_line
from xaso.modules.documents.drafting.types import DOCUMENT_TYPES, number_and_symbol, symbol

# Decree 30/2020 Art. 7 with the abbreviations of Appendix III (shared/DOMAIN.md §3).
APPENDIX_III = {
    "Nghị quyết": "NQ", "Quyết định": "QĐ", "Chỉ thị": "CT", "Quy chế": "QC", "Quy định": "QyĐ",
    "Thông cáo": "TC", "Thông báo": "TB", "Hướng dẫn": "HD", "Chương trình": "CTr", "Kế hoạch": "KH",
    "Phương án": "PA", "Đề án": "ĐA", "Dự án": "DA", "Báo cáo": "BC", "Biên bản": "BB", "Tờ trình": "TTr",
    "Hợp đồng": "HĐ", "Công văn": "", "Công điện": "CĐ", "Bản ghi nhớ": "BGN", "Bản thỏa thuận": "BTT",
    "Giấy ủy quyền": "GUQ", "Giấy mời": "GM", "Giấy giới thiệu": "GGT", "Giấy nghỉ phép": "GNP",
    "Phiếu gửi": "PG", "Phiếu chuyển": "PC", "Phiếu báo": "PB", "Thư công": "",
}


def test_it_lists_the_29_types_with_their_abbreviations():
    assert len(DOCUMENT_TYPES) == 29
    assert {t.name: t.abbreviation for t in DOCUMENT_TYPES.values()} == APPENDIX_III


def test_it_keys_types_by_an_ascii_code_that_is_also_their_code():
    for code, kind in DOCUMENT_TYPES.items():
        assert code.isascii() and code == kind.code and len(code) <= 12  # the model's type_code is 12 long
    assert DOCUMENT_TYPES["QD"].name == "Quyết định" and DOCUMENT_TYPES["QD"].abbreviation == "QĐ"
    assert DOCUMENT_TYPES["CV"].abbreviation == "" and DOCUMENT_TYPES["THU_CONG"].abbreviation == ""


def test_it_prints_the_type_name_in_capitals_as_a_heading():
    assert DOCUMENT_TYPES["QD"].heading == "QUYẾT ĐỊNH"
    assert DOCUMENT_TYPES["BB"].heading == "BIÊN BẢN"


def test_it_builds_a_typed_documents_symbol_from_the_type_and_the_issuer():
    assert symbol("QD", "UBND") == "QĐ-UBND"
    assert symbol("QYD", "UBND") == "QyĐ-UBND"
    assert symbol("TTR", "UBND", "VP") == "TTr-UBND"  # the unit is only for công văn


def test_it_builds_a_letters_symbol_from_the_issuer_and_the_drafting_unit():
    assert symbol("CV", "UBND", "VP") == "UBND-VP"
    assert symbol("CV", "UBND") == "UBND"


def test_it_refuses_a_symbol_for_an_unknown_type_or_without_issuer():
    with pytest.raises(KeyError):
        symbol("XX", "UBND")
    with pytest.raises(ValueError):
        symbol("QD", " ")


def test_it_gives_numbers_below_10_a_leading_zero():
    assert number_and_symbol(5, "QĐ-UBND") == "05/QĐ-UBND"
    assert number_and_symbol(12, "QĐ-UBND") == "12/QĐ-UBND"
    assert number_and_symbol(1234, "UBND-VP") == "1234/UBND-VP"


def test_it_leaves_room_for_a_number_not_given_yet():
    assert number_and_symbol(None, "QĐ-UBND") == "     /QĐ-UBND"
    with pytest.raises(ValueError):
        number_and_symbol(0, "QĐ-UBND")


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 2, 5), "Hạ Long, ngày 05 tháng 02 năm 2026"),
    (date(2026, 1, 31), "Hạ Long, ngày 31 tháng 01 năm 2026"),
    (date(2026, 3, 9), "Hạ Long, ngày 09 tháng 3 năm 2026"),
    (date(2026, 12, 1), "Hạ Long, ngày 01 tháng 12 năm 2026"),
    (date(2026, 10, 20), "Hạ Long, ngày 20 tháng 10 năm 2026"),
])
def test_it_writes_the_date_line_with_leading_zeros_for_days_below_10_and_months_1_and_2(day, expected):
    assert date_line("Hạ Long", day) == expected


def test_it_leaves_the_date_blank_until_issued():
    assert date_line("Tiên Yên", None) == "Tiên Yên, ngày     tháng     năm 20…"


def test_it_normalises_the_place_to_composed_letters():
    decomposed = "Tie\u0302n Ye\u0302n"
    assert date_line(decomposed, date(2026, 2, 5)) == "Tiên Yên, ngày 05 tháng 02 năm 2026"
