# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms 01–07 as PDF: read back with pypdf, the Vietnamese must be there letter for letter."""

import io
import unicodedata
from datetime import UTC, date, datetime, timedelta

import pytest
import segno
from pypdf import PdfReader

from xaso import testing
from xaso.core.places.models import Commune
from xaso.modules.dossiers import pdf
from xaso.modules.dossiers.models import Dossier, DossierComponent, ServiceCenter, Status

CODE = "22.06688-260305-0001"
APPLICANT = "Nguyễn Thị Ngọc Ánh"
PROCEDURE = "Đăng ký khai sinh"
LOOKUP = "https://xaso.example.vn/tra-cuu/?code=22.06688-260305-0001"
RECEIVED = datetime(2026, 3, 5, 1, 30, tzinfo=UTC)  # 08:30 in Hà Nội


def make_procedure(code="1.000656", name=PROCEDURE):
    from xaso.modules.procedures.models import Procedure, Sector

    sector, _created = Sector.objects.get_or_create(code="HT", defaults={"name": "Hộ tịch"})
    procedure = Procedure.objects.create(code=code, name=name, sector=sector, processing_days=3, fee=8000,
                                         effective_from=date(2025, 7, 1))
    procedure.components.create(name="Tờ khai đăng ký khai sinh", original_count=1, copy_count=0)
    procedure.components.create(name="Giấy chứng sinh", original_count=1, copy_count=2)
    return procedure


@pytest.fixture
def commune(users):
    commune = Commune.objects.get(pk=testing.COMMUNE_A)
    ServiceCenter.objects.create(commune=commune, name="Trung tâm Phục vụ hành chính công phường Hạ Long",
                                 agency_code="22.06688", phone="0203 3825 555")
    return commune


@pytest.fixture
def dossier(commune, users):
    dossier = Dossier.objects.create(
        commune=commune, code=CODE, procedure=make_procedure(), status=Status.PROCESSING, channel="1",
        applicant_name=APPLICANT, applicant_id_number="022190001234", applicant_address="Tổ 3, khu 5",
        received_at=RECEIVED, accepted_at=RECEIVED + timedelta(minutes=10), processing_days=3,
        clock_start=date(2026, 3, 5), due_date=date(2026, 3, 9), filed_by=users["olivia"])
    DossierComponent.objects.create(dossier=dossier, name="Tờ khai đăng ký khai sinh", original=True)
    DossierComponent.objects.create(dossier=dossier, name="Giấy chứng sinh", original=False)
    return dossier


def step(dossier, transition, *, actor, holder=None, note="", data=None, at=RECEIVED, to_state=None):
    return dossier.steps.create(transition=transition, from_state=dossier.status, to_state=to_state or dossier.status,
                                actor=actor, actor_name=str(actor), holder=holder, note=note, data=data or {}, at=at)


def read(body: bytes) -> tuple[PdfReader, str]:
    """The document and its text with every run of white space (line breaks from wrapping) as one space."""
    assert body.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(body))
    return reader, " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def fonts_of(reader: PdfReader) -> dict[str, object]:
    found = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            found[str(font["/BaseFont"])] = font
    return found


def images_of(page) -> list:
    xobjects = page["/Resources"].get("/XObject", {})
    return [x.get_object() for x in xobjects.values() if x.get_object()["/Subtype"] == "/Image"]


def test_it_prints_the_receipt_with_code_applicant_procedure_and_appointment(dossier, users):
    accepted = step(dossier, "accept", actor=users["olivia"], holder=users["olivia"], at=dossier.accepted_at)

    reader, text = read(pdf.render("01", dossier, step=accepted, lookup_url=LOOKUP))

    assert len(reader.pages) == 1
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(width), round(height)) == (420, 595)  # A5 portrait
    for expected in ("Mẫu số 01", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "ỦY BAN NHÂN DÂN PHƯỜNG HẠ LONG", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG HẠ LONG",
                     "Hạ Long, ngày 05 tháng 3 năm 2026", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
                     f"Mã hồ sơ: {CODE}", f"Người nộp hồ sơ: {APPLICANT}",
                     f"Nội dung yêu cầu giải quyết: {PROCEDURE}", "Tờ khai đăng ký khai sinh Bản chính 1",
                     "Giấy chứng sinh Bản sao 2", "3 ngày làm việc", "Thời gian nhận hồ sơ: 08:30 ngày 05/03/2026",
                     "Thời gian trả kết quả giải quyết hồ sơ: ngày 09/03/2026", "8.000 đồng", LOOKUP,
                     "NGƯỜI TIẾP NHẬN HỒ SƠ", str(users["olivia"])):
        assert expected in text, expected


def test_it_embeds_a_font_with_every_vietnamese_letter(dossier, users):
    reader, _text = read(pdf.render("01", dossier, lookup_url=LOOKUP))

    fonts = fonts_of(reader)
    assert fonts, "no font at all"
    for name, font in fonts.items():
        # Every font is an embedded TrueType subset: a viewer without the font still shows ư, ơ, ạ, ẫ.
        assert "CrimsonText" in name, name
        assert "/FontFile2" in font["/FontDescriptor"].get_object(), name


def test_it_draws_the_qr_code_of_the_lookup_address_on_the_receipt(dossier):
    reader, _text = read(pdf.render("01", dossier, lookup_url=LOOKUP))

    images = images_of(reader.pages[0])
    assert len(images) == 1
    # The image is the symbol segno makes for this very address (another address, another size).
    assert (images[0]["/Width"], images[0]["/Height"]) == segno.make(LOOKUP, error="m").symbol_size(scale=4, border=2)

    reader, text = read(pdf.render("01", dossier))
    assert images_of(reader.pages[0]) == []
    assert CODE in text


def test_it_prints_what_is_missing_on_the_request_to_complete(dossier, users):
    missing = "Bản sao Giấy chứng nhận kết hôn của cha & mẹ <có chứng thực>\nGiấy ủy quyền"
    asked = step(dossier, "request_completion", actor=users["olivia"], note=missing,
                 at=datetime(2026, 3, 6, 2, 0, tzinfo=UTC))

    _reader, text = read(pdf.render("02", dossier, step=asked))

    for expected in ("Mẫu số 02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", CODE, APPLICANT,
                     "Bản sao Giấy chứng nhận kết hôn của cha & mẹ <có chứng thực> Giấy ủy quyền",
                     "Hạ Long, ngày 06 tháng 3 năm 2026", "số điện thoại 0203 3825 555", "NGƯỜI HƯỚNG DẪN"):
        assert expected in text, expected


def test_it_prints_the_reason_on_the_refusal(dossier, users):
    refused = step(dossier, "refuse", actor=users["olivia"], note="Thủ tục không thuộc thẩm quyền giải quyết của xã.")

    _reader, text = read(pdf.render("03", dossier, step=refused))

    for expected in ("Mẫu số 03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", CODE, APPLICANT,
                     "Thủ tục không thuộc thẩm quyền giải quyết của xã."):
        assert expected in text, expected


def test_it_prints_the_old_and_new_dates_on_the_apology(dossier, users):
    extended = step(dossier, "extend", actor=users["hana"], note="Cần xác minh nơi cư trú của người mẹ.",
                    data={"old_due_date": "2026-03-09", "new_due_date": "2026-03-16"},
                    at=datetime(2026, 3, 8, 3, 0, tzinfo=UTC))

    _reader, text = read(pdf.render("04", dossier, step=extended))

    for expected in ("Mẫu số 04", "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT", CODE,
                     f"Kính gửi: Ông/Bà {APPLICANT}", "theo giấy hẹn: ngày 09/03/2026", "đến ngày 16/03/2026",
                     "Cần xác minh nơi cư trú của người mẹ.", "Hạ Long, ngày 08 tháng 3 năm 2026", str(users["hana"])):
        assert expected in text, expected


def test_it_prints_the_reason_on_the_notice_of_stopping(dossier, users):
    stopped = step(dossier, "stop", actor=users["hana"], note="Người yêu cầu đã chết.")

    _reader, text = read(pdf.render("05", dossier, step=stopped))

    for expected in ("Mẫu số 05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", CODE, "Người yêu cầu đã chết."):
        assert expected in text, expected


def test_it_lists_every_hand_over_in_order_on_the_control_sheet(dossier, users):
    olivia, hana, sam = users["olivia"], users["hana"], users["sam"]
    at = RECEIVED
    history = [("receive", olivia, olivia, "Nộp hồ sơ"), ("accept", olivia, olivia, "Tiếp nhận hồ sơ"),
               ("assign", hana, sam, "Chuyển xử lý"), ("start", sam, sam, "Bắt đầu xử lý"),
               ("submit", sam, None, "Trình phê duyệt"), ("approve", hana, hana, "Phê duyệt")]
    for transition, actor, holder, _label in history:
        at += timedelta(hours=1)
        step(dossier, transition, actor=actor, holder=holder, at=at)
    step(dossier, "extend", actor=hana, note="Chờ kết quả xác minh", at=at + timedelta(hours=1),
         data={"old_due_date": "2026-03-09", "new_due_date": "2026-03-16"})

    _reader, text = read(pdf.render("06", dossier))

    assert "Mẫu số 06" in text and "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    rows = [f"1 {APPLICANT} {olivia} 09:30 05/03/2026 Nộp hồ sơ",  # the applicant hands the dossier in
            f"2 {olivia} {olivia} 10:30 05/03/2026 Tiếp nhận hồ sơ",
            f"3 {olivia} {sam} 11:30 05/03/2026 Chuyển xử lý",  # from whoever held it, to the new holder
            f"4 {sam} {sam} 12:30 05/03/2026 Bắt đầu xử lý",
            f"5 {sam} 13:30 05/03/2026 Trình phê duyệt",
            f"6 {sam} {hana} 14:30 05/03/2026 Phê duyệt",
            f"7 {hana} 15:30 05/03/2026 16/03/2026 Xin lỗi, gia hạn thời gian giải quyết Chờ kết quả xác minh"]
    positions = [text.find(row) for row in rows]
    assert -1 not in positions, [row for row, p in zip(rows, positions, strict=True) if p == -1]
    assert positions == sorted(positions)


def test_it_runs_a_long_history_onto_more_pages_with_the_header_repeated(dossier, users):
    for number in range(60):
        step(dossier, "send_back", actor=users["hana"], holder=users["sam"], note=f"Lần sửa thứ {number + 1}.",
             at=RECEIVED + timedelta(minutes=number))

    reader, text = read(pdf.render("06", dossier))

    assert len(reader.pages) > 2
    for page in reader.pages:
        assert "Bên giao" in page.extract_text()
    assert all(f"Lần sửa thứ {n}." in text for n in range(1, 61))


def test_it_paginates_the_register_of_300_dossiers(dossier, commune):
    procedure = dossier.procedure
    Dossier.objects.bulk_create([
        Dossier(commune=commune, code=f"22.06688-260310-{n:04d}", procedure=procedure, channel="1",
                applicant_name=f"Trần Văn Dũng {n}", applicant_id_number="022190001234",
                received_at=datetime(2026, 3, 10, 2, 0, tzinfo=UTC) + timedelta(minutes=n), processing_days=3,
                due_date=date(2026, 3, 13), status=Status.RETURNED if n % 2 else Status.PROCESSING,
                returned_at=datetime(2026, 3, 12, 8, 0, tzinfo=UTC) if n % 2 else None)
        for n in range(1, 300)])
    center = ServiceCenter.objects.get(commune=commune)
    dossiers = Dossier.objects.filter(commune=commune).order_by("received_at")

    reader, text = read(pdf.render_register(center, dossiers, start=date(2026, 3, 1), end=date(2026, 4, 1)))

    first = reader.pages[0]
    assert first.mediabox.width > first.mediabox.height  # A4 landscape
    assert (round(first.mediabox.width), round(first.mediabox.height)) == (842, 595)
    assert len(reader.pages) > 5
    for page in reader.pages:
        assert "Mã hồ sơ" in page.extract_text()  # the column heads repeat on every page
    for expected in ("Mẫu số 07", "SỔ THEO DÕI HỒ SƠ", "Từ ngày 01/03/2026 đến ngày 31/03/2026",
                     f"1 {CODE} {PROCEDURE} {APPLICANT} 08:30 05/03/2026 09/03/2026",
                     "300 22.06688-260310-0299", "12/03/2026"):
        assert expected in text, expected
    codes = [f"22.06688-260310-{n:04d}" for n in range(1, 300)]
    assert all(text.count(code) == 1 for code in codes)
    assert [text.find(code) for code in codes] == sorted(text.find(code) for code in codes)


def test_it_prints_the_same_bytes_for_the_same_dossier(dossier):
    assert pdf.render("06", dossier) == pdf.render("06", dossier)


def test_it_prints_decomposed_input_as_precomposed_letters(dossier, users):
    dossier.applicant_name = unicodedata.normalize("NFD", "Phạm Thị Hường")

    _reader, text = read(pdf.render("06", dossier))

    assert "Người nộp hồ sơ: Phạm Thị Hường" in text


def test_it_refuses_an_unknown_form(dossier):
    with pytest.raises(ValueError):
        pdf.render("07", dossier)
