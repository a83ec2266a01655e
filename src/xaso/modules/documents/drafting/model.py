# SPDX-License-Identifier: AGPL-3.0-or-later
"""``Draft``, the one input of both renderers, and how a body's plain text becomes formatted paragraphs.

The drafting layer knows nothing of the database: the documents module maps its models onto a Draft.
Both renderers read the same ``blocks()`` so the DOCX and the PDF format the same body the same way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, fields
from datetime import date

from xaso.core.text import date_line

from .types import DOCUMENT_TYPES, LETTER, DocumentType, number_and_symbol, symbol

# Decree 30 Appendix I, components 10a and 10b: the marks printed under the number. The model stores
# codes ("khan"); a draft may carry either the code or the printed words.
URGENCY_MARKS = {"khan": "KHẨN", "thuong_khan": "THƯỢNG KHẨN", "hoa_toc": "HỎA TỐC"}
CONFIDENTIALITY_MARKS = {"mat": "MẬT", "toi_mat": "TỐI MẬT", "tuyet_mat": "TUYỆT MẬT"}


def nfc(value) -> str:
    """NFC text: the PDF is drawn without shaping, so a decomposed "ộ" would print as "o" and loose marks."""
    return unicodedata.normalize("NFC", "" if value is None else str(value)).strip()


def _mark(value: str, marks: dict[str, str], what: str) -> str:
    if not value:
        return ""
    if value in marks:
        return marks[value]
    if value.upper() in marks.values():
        return value.upper()
    raise ValueError(f"unknown {what} mark {value!r}: expected one of {sorted(marks)} or {list(marks.values())}")


@dataclass(kw_only=True)
class Draft:
    """An official document as the renderers print it (Decree 30/2020 Appendix I, components 1–11).

    ``number`` and ``issued_on`` stay ``None`` until the clerk numbers and issues the document: the DOCX
    then shows blanks and the PDF leaves its two form fields empty. ``title`` is printed under the type
    name (for a công văn, ``summary`` is printed under the number as "V/v …"); a non-letter without a
    title prints its summary. ``body``: one paragraph per line (blank lines are ignored), see ``blocks``.
    """

    issuer: str  # "ỦY BAN NHÂN DÂN XÃ TIÊN YÊN"
    type_code: str
    issuer_parent: str = ""  # the governing body, printed above the issuer when there is one
    issuer_abbr: str = "UBND"
    number: int | None = None
    symbol: str = ""  # "QĐ-UBND"; computed from the type and the issuer when empty
    place: str = ""  # "Tiên Yên": the locality without its kind
    issued_on: date | None = None
    title: str = ""
    summary: str = ""
    addressees: list[str] = field(default_factory=list)  # "Kính gửi:" (công văn)
    body: str = ""
    signer_competence: str = ""  # "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH" or ""
    signer_position: str = ""  # "CHỦ TỊCH"
    signer_name: str = ""
    cosigner_position: str = ""  # a second signer on the left, e.g. "THƯ KÝ" on minutes
    cosigner_name: str = ""
    recipients: list[str] = field(default_factory=list)  # "Nơi nhận:"
    urgency: str = ""  # "" or "khan"/"Khẩn", "thuong_khan"/"Thượng khẩn", "hoa_toc"/"Hỏa tốc"
    confidentiality: str = ""  # "" or "mat"/"Mật", "toi_mat"/"Tối mật", "tuyet_mat"/"Tuyệt mật"
    drafter_code_and_copies: str = ""  # component 11, e.g. "VP.10"

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                setattr(self, f.name, nfc(value))
            elif isinstance(value, list | tuple):
                setattr(self, f.name, [nfc(item) for item in value if nfc(item)])
        if self.type_code not in DOCUMENT_TYPES:
            raise ValueError(f"unknown document type {self.type_code!r}")
        if self.number is not None and self.number < 1:
            raise ValueError("document numbers start at 01")
        # Checked here so a wrong mark fails when the draft is made, not half-way through a render.
        self.urgency = _mark(self.urgency, URGENCY_MARKS, "urgency")
        self.confidentiality = _mark(self.confidentiality, CONFIDENTIALITY_MARKS, "confidentiality")

    @property
    def document_type(self) -> DocumentType:
        return DOCUMENT_TYPES[self.type_code]

    @property
    def is_letter(self) -> bool:
        return self.type_code == LETTER

    @property
    def number_symbol(self) -> str:
        """"05/QĐ-UBND", or "     /QĐ-UBND" before numbering."""
        return number_and_symbol(self.number, self.symbol or symbol(self.type_code, self.issuer_abbr))

    @property
    def date_text(self) -> str:
        return date_line(self.place, self.issued_on)

    @property
    def letter_summary(self) -> str:
        """Appendix I, component 5b: a công văn's summary starts with "V/v"."""
        text = self.summary or self.title
        if not text or text.startswith(("V/v", "v/v")):
            return text
        return f"V/v {text}"

    @property
    def printed_title(self) -> str:
        return self.title or self.summary

    @property
    def marks(self) -> list[str]:
        """Confidentiality first, then urgency, as stacked under the number."""
        return [m for m in (self.confidentiality, self.urgency) if m]

    @property
    def metadata_title(self) -> str:
        """The PDF's and DOCX's title property: "Quyết định 05/QĐ-UBND Về việc …"."""
        numbered = self.number_symbol if self.number is not None else ""
        return " ".join(filter(None, [self.document_type.name, numbered, self.printed_title]))


# --- The body -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Block:
    """One body paragraph: its runs, and whether it is centred (else justified with a first-line indent)."""

    runs: tuple[Run, ...]
    centred: bool = False

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


_ARTICLE = re.compile(r"^(Điều \d+[a-zđ]?\.)(\s*)(.*)$")
# Chapters and parts of a regulation or resolution are centred, bold (Appendix I, component 6).
_CHAPTER = re.compile(r"^(Chương|Phần|Mục) [IVXLC\d]+\b")
_NUMBERED = re.compile(r"^([IVXLC]+|\d+(\.\d+)*|[a-zđ])[.)]\s")
_GROUNDS = ("Căn cứ ", "Theo đề nghị ", "Xét đề nghị ")
_ENDS_SENTENCE = (".", ";", ":", ",", "!", "?", "…")  # "…": a template's placeholder, not a title


def _all_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def block(line: str) -> Block:
    """Format one body line after Appendix I (component 6).

    - "Điều 1. …": the label is bold; an article title standing alone ("Điều 1. Phạm vi điều chỉnh",
      no closing punctuation) is bold whole;
    - "Căn cứ …", "Theo đề nghị …": grounds, italic;
    - a line in capitals ("QUYẾT ĐỊNH:", "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ …") and "Chương I": centred, bold;
      a numbered one ("I. MỤC ĐÍCH, YÊU CẦU") bold in place;
    - anything else: a plain paragraph.
    """
    if match := _ARTICLE.match(line):
        label, gap, rest = match.groups()
        if rest and not rest.endswith(_ENDS_SENTENCE):
            return Block((Run(line, bold=True),))
        return Block((Run(label, bold=True), Run(gap + rest)) if rest else (Run(label, bold=True),))
    if line.startswith(_GROUNDS):
        return Block((Run(line, italic=True),))
    if _CHAPTER.match(line):
        return Block((Run(line, bold=True),), centred=True)
    if _all_capitals(line):
        return Block((Run(line, bold=True),), centred=not _NUMBERED.match(line))
    return Block((Run(line),))


def blocks(body: str) -> list[Block]:
    """The body's paragraphs: each non-empty line is one (a textarea soft-wraps, so a line is a paragraph)."""
    return [block(nfc(line)) for line in (body or "").splitlines() if nfc(line)]


def punctuated(items: list[str]) -> list[str]:
    """A list as Appendix I prints it: each item ends with ";" and the last with "." (Kính gửi, Nơi nhận)."""
    cleaned = [item.rstrip(" ;.") for item in items if item.rstrip(" ;.")]
    return [f"{item}{'.' if i == len(cleaned) - 1 else ';'}" for i, item in enumerate(cleaned)]
