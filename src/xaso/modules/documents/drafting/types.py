# SPDX-License-Identifier: AGPL-3.0-or-later
"""The 29 administrative document types, their symbols and the number.

Legal basis: Decree 30/2020/NĐ-CP Art. 7 (the types), Appendix III (their abbreviations) and Appendix I
(the number and symbol). Nghị quyết and Quyết định here are the individual
(cá biệt) ones; normative documents follow the Law on legal documents, not this list.

Codes are ASCII so they can be stored, put in URLs and compared without Unicode surprises; the printed
name and abbreviation keep their diacritics. A code is never renamed: stored documents refer to it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Printed where the number goes while the clerk has not given one yet: "Số:      /QĐ-UBND".
BLANK_NUMBER = "     "
LETTER = "CV"  # công văn: no type abbreviation, a "V/v" summary under the number, "Kính gửi"


@dataclass(frozen=True)
class DocumentType:
    """One type of Decree 30 Art. 7: ``code`` (ours, ASCII), ``name`` (printed), ``abbreviation`` (App. III)."""

    code: str
    name: str
    abbreviation: str

    @property
    def heading(self) -> str:
        """The type's name as printed above the summary (Appendix I: capitals, bold)."""
        return self.name.upper()


def _types(*rows: tuple[str, str, str]) -> dict[str, DocumentType]:
    return {code: DocumentType(code, name, abbreviation) for code, name, abbreviation in rows}


# In the order of Art. 7. Công văn and Thư công have no abbreviation in Appendix III.
DOCUMENT_TYPES: dict[str, DocumentType] = _types(
    ("NQ", "Nghị quyết", "NQ"),
    ("QD", "Quyết định", "QĐ"),
    ("CT", "Chỉ thị", "CT"),
    ("QC", "Quy chế", "QC"),
    ("QYD", "Quy định", "QyĐ"),
    ("TC", "Thông cáo", "TC"),
    ("TB", "Thông báo", "TB"),
    ("HD", "Hướng dẫn", "HD"),
    ("CTR", "Chương trình", "CTr"),
    ("KH", "Kế hoạch", "KH"),
    ("PA", "Phương án", "PA"),
    ("DA_DE_AN", "Đề án", "ĐA"),
    ("DA_DU_AN", "Dự án", "DA"),
    ("BC", "Báo cáo", "BC"),
    ("BB", "Biên bản", "BB"),
    ("TTR", "Tờ trình", "TTr"),
    ("HDONG", "Hợp đồng", "HĐ"),
    ("CV", "Công văn", ""),
    ("CD", "Công điện", "CĐ"),
    ("BGN", "Bản ghi nhớ", "BGN"),
    ("BTT", "Bản thỏa thuận", "BTT"),
    ("GUQ", "Giấy ủy quyền", "GUQ"),
    ("GM", "Giấy mời", "GM"),
    ("GGT", "Giấy giới thiệu", "GGT"),
    ("GNP", "Giấy nghỉ phép", "GNP"),
    ("PG", "Phiếu gửi", "PG"),
    ("PC", "Phiếu chuyển", "PC"),
    ("PB", "Phiếu báo", "PB"),
    ("THU_CONG", "Thư công", ""),
)


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value or "").strip()


def symbol(type_code: str, issuer_abbr: str, unit_abbr: str = "") -> str:
    """The symbol (ký hiệu) of a document: "QĐ-UBND"; for a công văn "UBND" or "UBND-VP".

    Appendix I: a typed document's symbol is its type abbreviation, a hyphen and the issuer's
    abbreviation; a công văn's is the issuer's abbreviation, then the drafting unit's if given. A type
    without an abbreviation (Thư công) is given the công văn rule: xaso numbers every issued document.
    Raises KeyError for an unknown type and ValueError for an empty issuer abbreviation.
    """
    kind = DOCUMENT_TYPES[type_code]
    issuer_abbr, unit_abbr = _nfc(issuer_abbr), _nfc(unit_abbr)
    if not issuer_abbr:
        raise ValueError("the issuer's abbreviation is needed for a symbol")
    if not kind.abbreviation:
        return f"{issuer_abbr}-{unit_abbr}" if unit_abbr else issuer_abbr
    return f"{kind.abbreviation}-{issuer_abbr}"


def number_and_symbol(number: int | None, symbol: str) -> str:
    """"12/QĐ-UBND"; numbers below 10 take a leading zero ("05/QĐ-UBND", Appendix I: numbers run from 01).

    ``None`` (not numbered yet) leaves room to write the number: "     /QĐ-UBND".
    """
    if number is None:
        return f"{BLANK_NUMBER}/{_nfc(symbol)}"
    if number < 1:
        raise ValueError("document numbers start at 01")
    return f"{number:02d}/{_nfc(symbol)}"
