# SPDX-License-Identifier: AGPL-3.0-or-later
"""Packages the document-axis tests send: two communes of Quảng Ninh and a signed-looking PDF."""

import datetime as dt

from xaso.core.integrations.document_axis import (
    Attachment,
    DocumentPackage,
    Organ,
    Priority,
    ResponseFor,
    Staff,
    StatusPackage,
    make_document_id,
)
from xaso.core.integrations.document_axis.packages import VIETNAM

HA_LONG = Organ(id="000.00.12.H28", name="Ủy ban nhân dân phường Hạ Long", in_charge="Ủy ban nhân dân tỉnh Quảng Ninh",
                address="Số 1 đường Trần Hưng Đạo, phường Hạ Long", email="vanthu@halong.quangninh.gov.vn",
                phone="0203 3825 123")
TIEN_YEN = Organ(id="000.00.13.H28", name="Ủy ban nhân dân xã Tiên Yên")
VAN_DON = Organ(id="000.00.14.H28", name="Ủy ban nhân dân đặc khu Vân Đồn")
PDF = (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def document(**overrides) -> DocumentPackage:
    values = dict(
        document_id=make_document_id(HA_LONG.id, dt.date(2026, 11, 29), "12", "UBND-VP"), sender=HA_LONG,
        recipients=[TIEN_YEN, VAN_DON], code_number="12", code_notation="UBND-VP", place="Hạ Long",
        promulgation_date=dt.date(2026, 11, 29), type_code="CV", type_name="Công văn",
        subject="Về việc chủ động ứng phó với bão số 5 và mưa lũ",
        content="Đề nghị Ủy ban nhân dân các xã, đặc khu:\n1. Kiểm tra đê điều;\n2. Sơ tán dân khỏi vùng nguy hiểm.",
        signer_competence="TM. Ủy ban nhân dân", signer_position="Chủ tịch", signer_name="Nguyễn Thị Hoa",
        due_date=dt.date(2026, 12, 5), to_places=["Như trên", "Lưu: VT, VP"], priority=Priority.VERY_URGENT,
        steering_type=1, promulgation_amount=3, page_amount=2, appendixes=1,
        trace=[(HA_LONG.id, dt.datetime(2026, 11, 29, 14, 5, 7, tzinfo=VIETNAM))],
        attachments=[Attachment(name="Công văn 12-UBND-VP.pdf", content_type="application/pdf", data=PDF,
                                description="Bản ký số"),
                     Attachment(name="Phụ lục danh sách hộ dân.xlsx", data=b"PK\x03\x04 xlsx",
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")])
    values.update(overrides)
    return DocumentPackage(**values)


def status(code: str = "03", **overrides) -> StatusPackage:
    original = document()
    values = dict(
        response_for=ResponseFor(organ_id=HA_LONG.id, document_id=original.document_id, code="12/UBND-VP",
                                 promulgation_date=original.promulgation_date),
        sender=TIEN_YEN, status_code=code, description="Văn thư đã tiếp nhận văn bản.",
        timestamp=dt.datetime(2026, 11, 29, 15, 30, tzinfo=VIETNAM),
        staff=Staff(name="Trần Văn Bình", department="Văn phòng", email="binh@tienyen.gov.vn", phone="0912345678"))
    values.update(overrides)
    return StatusPackage(**values)
