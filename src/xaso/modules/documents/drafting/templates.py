# SPDX-License-Identifier: AGPL-3.0-or-later
"""Starting texts for the documents a commune writes most: the legal skeleton, for the drafter to fill.

Each template follows the form of its type in Decree 30/2020/NĐ-CP Appendix III (the grounds, "QUYẾT
ĐỊNH:", the articles, "./." at the end of the content) and the usual signing lines of a commune People's
Committee. "…" marks what the drafter writes. The texts are Vietnamese literals, not gettext strings:
they are the printed document. Organisation after the 2025 reform: the commune has a People's Council
and People's Committee office (Văn phòng Hội đồng nhân dân và Ủy ban nhân dân) headed by a Chánh Văn phòng.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .model import Draft, nfc
from .types import DOCUMENT_TYPES

PEOPLES_COMMITTEE = "ỦY BAN NHÂN DÂN"
# The kinds of commune-level unit (Law 72/2025 on organising local government): printed in lower case
# inside a sentence ("Ủy ban nhân dân xã Tiên Yên").
_KINDS = ("XÃ", "PHƯỜNG", "ĐẶC KHU", "THỊ TRẤN")


def locality(issuer: str = "", place: str = "") -> str:
    """"xã Tiên Yên" from "ỦY BAN NHÂN DÂN XÃ TIÊN YÊN", for use inside a sentence.

    Without the issuer's name only the place is known; a commune ("xã") is then assumed, which the
    drafter corrects for a ward or a special zone.
    """
    name = nfc(issuer).upper()
    if name.startswith(PEOPLES_COMMITTEE + " "):
        rest = name[len(PEOPLES_COMMITTEE) + 1:]
        for kind in _KINDS:
            if rest.startswith(kind + " "):
                return f"{kind.lower()} {rest[len(kind) + 1:].title()}"
        return rest.title()
    return f"xã {nfc(place)}" if nfc(place) else "xã …"


@dataclass(frozen=True)
class Template:
    """A starting draft. ``{locality}`` and ``{authority}`` in the texts are filled by ``initial``."""

    key: str
    label: str
    type_code: str
    title: str
    body: str
    signer_position: str
    recipients: tuple[str, ...]
    signer_competence: str = ""
    addressees: tuple[str, ...] = ()
    cosigner_position: str = ""

    @property
    def document_type(self):
        return DOCUMENT_TYPES[self.type_code]

    def initial(self, *, place: str = "", issuer: str = "") -> dict:
        """The drafting form's starting values (the keys of the outgoing document's draft fields)."""
        words = {"locality": locality(issuer, place),
                 "authority": nfc(issuer).upper() or f"{PEOPLES_COMMITTEE} {locality(issuer, place).upper()}"}
        letter = self.type_code == "CV"
        return {
            "type_code": self.type_code,
            "title": "" if letter else self.title.format(**words),
            # A công văn's summary is printed under its number; other types print the title, and the
            # register's summary starts as the same words.
            "summary": self.title.format(**words),
            "addressees": [a.format(**words) for a in self.addressees],
            "body": self.body.format(**words),
            "recipients": [r.format(**words) for r in self.recipients],
            "signer_competence": self.signer_competence,
            "signer_position": self.signer_position,
        }

    def draft(self, *, issuer: str, place: str, issuer_parent: str = "", issuer_abbr: str = "UBND",
              number: int | None = None, issued_on: date | None = None, signer_name: str = "",
              cosigner_name: str = "") -> Draft:
        """A ``Draft`` of this template as it starts (for previews and tests)."""
        values = self.initial(place=place, issuer=issuer)
        return Draft(issuer=issuer, issuer_parent=issuer_parent, issuer_abbr=issuer_abbr, place=place,
                     number=number, issued_on=issued_on, signer_name=signer_name,
                     cosigner_position=self.cosigner_position, cosigner_name=cosigner_name, **values)


_GROUNDS_LAW = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;"
_STORE = "Lưu: VT, …"  # the clerk's copy (VT), then the drafting unit's abbreviation and copies


def _templates(*items: Template) -> dict[str, Template]:
    return {t.key: t for t in items}


TEMPLATES: dict[str, Template] = _templates(
    Template(
        key="decision", label="Quyết định (cá biệt)", type_code="QD", title="Về việc …",
        body="\n".join([
            "{authority}",
            _GROUNDS_LAW,
            "Căn cứ …;",
            "Theo đề nghị của ….",
            "QUYẾT ĐỊNH:",
            "Điều 1. …",
            "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
            "Điều 3. Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {locality}, … và các cơ quan, tổ chức, "
            "cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./.",
        ]),
        signer_competence="TM. ỦY BAN NHÂN DÂN", signer_position="CHỦ TỊCH",
        recipients=("Như Điều 3;", "Chủ tịch, các Phó Chủ tịch UBND {locality};", _STORE)),
    Template(
        key="letter", label="Công văn", type_code="CV", title="V/v …",
        addressees=("…",),
        body="\n".join([
            "Thực hiện …, Ủy ban nhân dân {locality} đề nghị … như sau:",
            "1. …",
            "2. …",
            "Ủy ban nhân dân {locality} đề nghị … quan tâm, phối hợp thực hiện./.",
        ]),
        signer_competence="TM. ỦY BAN NHÂN DÂN", signer_position="CHỦ TỊCH",
        recipients=("Như trên;", _STORE)),
    Template(
        key="report", label="Báo cáo", type_code="BC", title="Kết quả …",
        body="\n".join([
            "Thực hiện …, Ủy ban nhân dân {locality} báo cáo kết quả … như sau:",
            "I. KẾT QUẢ THỰC HIỆN",
            "1. …",
            "2. …",
            "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
            "…",
            "III. NHIỆM VỤ, GIẢI PHÁP TRONG THỜI GIAN TỚI",
            "…",
            "IV. ĐỀ XUẤT, KIẾN NGHỊ",
            "…",
            "Trên đây là báo cáo kết quả … của Ủy ban nhân dân {locality}./.",
        ]),
        signer_competence="TM. ỦY BAN NHÂN DÂN", signer_position="CHỦ TỊCH",
        recipients=("…;", "Chủ tịch, các Phó Chủ tịch UBND {locality};", _STORE)),
    Template(
        key="notice", label="Thông báo", type_code="TB", title="Về việc …",
        body="\n".join([
            "Căn cứ …;",
            "Ủy ban nhân dân {locality} thông báo như sau:",
            "1. …",
            "2. …",
            "Ủy ban nhân dân {locality} thông báo để các cơ quan, tổ chức, cá nhân có liên quan biết, "
            "thực hiện./.",
        ]),
        signer_competence="TM. ỦY BAN NHÂN DÂN", signer_position="CHỦ TỊCH",
        recipients=("…;", _STORE)),
    Template(
        key="plan", label="Kế hoạch", type_code="KH", title="Thực hiện …",
        body="\n".join([
            "Căn cứ …;",
            "Ủy ban nhân dân {locality} ban hành Kế hoạch thực hiện … như sau:",
            "I. MỤC ĐÍCH, YÊU CẦU",
            "1. Mục đích",
            "…",
            "2. Yêu cầu",
            "…",
            "II. NỘI DUNG, NHIỆM VỤ",
            "…",
            "III. KINH PHÍ THỰC HIỆN",
            "…",
            "IV. TỔ CHỨC THỰC HIỆN",
            "…",
            "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị phản ánh về Văn phòng Hội "
            "đồng nhân dân và Ủy ban nhân dân {locality} để tổng hợp, báo cáo Chủ tịch Ủy ban nhân dân "
            "{locality} xem xét, giải quyết./.",
        ]),
        signer_competence="TM. ỦY BAN NHÂN DÂN", signer_position="CHỦ TỊCH",
        recipients=("…;", "Chủ tịch, các Phó Chủ tịch UBND {locality};", _STORE)),
    Template(
        key="invitation", label="Giấy mời", type_code="GM", title="Dự …",
        body="\n".join([
            "Ủy ban nhân dân {locality} trân trọng kính mời: …",
            "Tới dự: …",
            "Chủ trì: …",
            "Thời gian: … giờ … phút, ngày … tháng … năm …",
            "Địa điểm: …",
            "Đề nghị … chuẩn bị tài liệu liên quan.",
            "Rất mong … đến dự đúng thời gian./.",
        ]),
        signer_competence="TL. CHỦ TỊCH", signer_position="CHÁNH VĂN PHÒNG",
        recipients=("Như trên;", _STORE)),
    Template(
        key="minutes", label="Biên bản", type_code="BB", title="Họp …",
        body="\n".join([
            "Thời gian bắt đầu: … giờ … phút, ngày … tháng … năm …",
            "Địa điểm: …",
            "Thành phần tham dự: …",
            "Chủ trì (chủ tọa): …",
            "Thư ký (người ghi biên bản): …",
            "Nội dung (theo diễn biến cuộc họp):",
            "…",
            "Cuộc họp kết thúc vào … giờ … phút, ngày … tháng … năm …./.",
        ]),
        # Minutes are signed by the chair (right) and the secretary (left), Appendix III's form.
        signer_position="CHỦ TỌA", cosigner_position="THƯ KÝ",
        recipients=("…;", _STORE)),
)
