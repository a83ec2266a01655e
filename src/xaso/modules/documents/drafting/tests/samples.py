# SPDX-License-Identifier: AGPL-3.0-or-later
"""Drafts the tests render: each template as a commune would start it, with a number and a date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from xaso.modules.documents.drafting.model import Draft
from xaso.modules.documents.drafting.templates import TEMPLATES

ISSUER = "ỦY BAN NHÂN DÂN XÃ TIÊN YÊN"
PARENT = "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH"
SIGNER = "Nguyễn Văn An"
SECRETARY = "Trần Thị Bình"
ISSUED = date(2026, 2, 5)


def draft(key: str = "decision", **changes) -> Draft:
    """Template ``key`` numbered 05 and dated 05/02/2026, signed by Nguyễn Văn An; ``changes`` override."""
    start = TEMPLATES[key].draft(issuer=ISSUER, place="Tiên Yên", number=5, issued_on=ISSUED, signer_name=SIGNER,
                                 cosigner_name=SECRETARY)
    return replace(start, **changes)  # replace() runs the checks of Draft again


def long_body(paragraphs: int = 60) -> str:
    lines = ["Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;", "QUYẾT ĐỊNH:"]
    lines += [f"Điều {n}. Ủy ban nhân dân xã giao phòng chuyên môn thực hiện nhiệm vụ số {n} về chuyển đổi số, "
              "cải cách hành chính và phục vụ người dân, doanh nghiệp trên địa bàn xã theo quy định."
              for n in range(1, paragraphs + 1)]
    return "\n".join(lines)
