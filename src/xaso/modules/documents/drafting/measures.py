# SPDX-License-Identifier: AGPL-3.0-or-later
"""The measurements both renderers share, each chosen inside the range of Decree 30/2020 Appendix I.

Lengths are in millimetres and font sizes in points; docs/document-layout.md explains every value.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

# Page: A4 portrait; margins top/bottom 20–25, left 30–35, right 15–20 mm (the smallest of each range,
# which leaves the most room for text and matches the ministries' own templates).
PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20.0, 20.0, 30.0, 15.0
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 165 mm
HEADER_DISTANCE = 10.0  # the page number sits in the middle of the top margin

# The heading is a table: issuing body and number on the left, national title and date on the right.
# 40/60 lets "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (Times New Roman bold 12 pt, 88 mm) fit on one line.
HEADER_LEFT = 0.40
SIGNATURE_LEFT = 0.50  # recipients left, signature right

# Font sizes (pt) per component of Appendix I.
SIZE = {
    "parent": 13,          # governing body: capitals, upright, 12–13
    "issuer": 13,          # issuing body: capitals, bold, 12–13
    "national_title": 12,  # Quốc hiệu: capitals, bold, 12–13
    "motto": 13,           # Tiêu ngữ: bold, 13–14
    "number": 13,          # "Số:" and the symbol: upright, 13
    "letter_summary": 12,  # a công văn's "V/v …": upright, 12–13
    "mark": 13,            # urgency and confidentiality marks: capitals, bold, 13–14
    "date": 14,            # place and date: italic, 13–14
    "heading": 14,         # the type's name: capitals, bold, 13–14
    "title": 14,           # the summary under it: bold, 14
    "addressee": 14,       # "Kính gửi:": 14
    "body": 14,            # content: 13–14
    "signer": 14,          # competence, position and name: bold, 13–14
    "recipients_label": 12,  # "Nơi nhận:": bold italic, 12
    "recipients": 11,      # the recipients: upright, 11
    "drafter": 11,         # drafter's code and copies
    "page_number": 13,     # page numbers: 13–14
}

FIRST_LINE_INDENT = 12.7  # 1–1.27 cm
PARAGRAPH_AFTER = 6.0  # pt, "at least 6 pt" between paragraphs
LINE_SPACING = 1.15  # Word's "multiple" of single spacing: between single and 1.5 lines
# reportlab's leading is the distance between baselines; Times New Roman's single spacing is about
# 1.15 em, so 1.15 lines are about 1.32 em.
PDF_LEADING = 1.32

ISSUER_RULE = 0.40  # the rule under the issuer: 1/3–1/2 of the line's length
TITLE_RULE = 0.40  # under the title: 1/3–1/2 of the line's length
RULE_WIDTH = 0.6  # pt

ADDRESSEE_INDENT = 25.0  # "Kính gửi:" from the left margin
ADDRESSEE_LIST_INDENT = 45.0  # several addressees: one per line, under and right of "Kính gửi:"

# The signature block: room between the position and the name for the signature image (Appendix I:
# the image of the signature sits there), and the seal overlapping its left third.
SIGNATURE_SPACE = 28.0  # height, mm (25–30)
SIGNATURE_BOX_WIDTH = 60.0  # mm
SEAL_SIZE = 35.0  # a commune seal is about 35 mm across (unverified; see docs/document-layout.md)
SEAL_OVERLAP = 1 / 3  # Decree 30: the seal covers about a third of the signature, on the left

NUMBER_LABEL = "Số: "
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"  # Quốc hiệu
MOTTO = "Độc lập - Tự do - Hạnh phúc"  # Tiêu ngữ


def folded(text: str) -> str:
    """The text without marks ("Độc lập" → "Doc lap"), for measuring with the standard Times metrics.

    Vietnamese marks do not change a letter's advance in Times New Roman, so the standard font's
    widths of the bare letters give the printed width in Word closely enough to size a rule.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


# Kinds of body whose name is broken after the kind when it is too long for one line, as printed on
# the ministries' and provinces' own documents ("ỦY BAN NHÂN DÂN" / "XÃ TIÊN YÊN").
_BODY_KINDS = ("ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN")


def name_lines(name: str, fits: Callable[[str], bool]) -> list[str]:
    """An issuing body's name in capitals, as lines: the name's own line breaks are kept; a line too
    long for its column breaks after the kind of body; anything else is left to wrap."""
    lines: list[str] = []
    for line in (part.strip() for part in name.upper().splitlines()):
        kind = next((k for k in _BODY_KINDS if line.startswith(k + " ")), None)
        if line and not fits(line) and kind:
            lines += [kind, line[len(kind) + 1:]]
        elif line:
            lines.append(line)
    return lines
