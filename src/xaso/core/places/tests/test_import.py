# SPDX-License-Identifier: AGPL-3.0-or-later
"""Importing a commune's villages from CSV or XLSX: all rows or none, every problem named by row and
column, and a second import of the same file adds nothing."""

import io
import zipfile

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from xaso import testing
from xaso.core.audit.models import AuditEvent
from xaso.core.places import imports, services
from xaso.core.places.models import Village

from .support import state

A = testing.COMMUNE_A
URL = f"/places/communes/{A}/villages/import/"
LIST = f"/places/communes/{A}/villages/"

SIX_KINDS = ("Tên,Loại\nThôn Khe Tiên,thôn\nBản Nà Sản,Bản\nẤp Ba,ấp\nBuôn Ma Lé,buôn\n"
             "Tổ dân phố 5,tổ dân phố\nKhu phố 2,KHU PHỐ\n")


def csv_file(text: str, name: str = "thon.csv", bom: bool = False) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"), "text/csv")


def xlsx_file(rows, name: str = "thon.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(client, file, **headers):
    return client.post(URL, {"file": file}, **headers)


def errors(response) -> list[str]:
    assert response.status_code == 400
    return response.context["form"].errors["file"]


def villages_of_a() -> dict[str, str]:
    return dict(Village.objects.filter(commune_id=A).values_list("name", "kind"))


def test_it_imports_a_csv_with_vietnamese_headers_and_kinds(client_for, users):
    response = upload(client_for("alice"), csv_file(SIX_KINDS))
    assert response.status_code == 302 and response["Location"] == LIST
    assert villages_of_a() == {"Thôn Khe Tiên": "thon", "Bản Nà Sản": "ban", "Ấp Ba": "ap", "Buôn Ma Lé": "buon",
                               "Tổ dân phố 5": "to_dan_pho", "Khu phố 2": "khu_pho"}
    events = list(AuditEvent.objects.order_by("id"))
    assert [e.action for e in events] == ["xaso.places.village.created"] * 6
    assert {e.actor_id for e in events} == {users["alice"].pk}
    assert events[0].after == {"name": "Thôn Khe Tiên", "kind": "thon", "source": "import", "file": "thon.csv",
                               "row": 2}


def test_it_imports_a_csv_with_a_byte_order_mark_and_english_headers(client_for):
    file = csv_file("name,kind\r\nThôn Đông,thon\r\nTổ 7,to_dan_pho\r\n", bom=True)
    assert upload(client_for("alice"), file).status_code == 302
    assert villages_of_a() == {"Thôn Đông": "thon", "Tổ 7": "to_dan_pho"}


def test_it_reads_semicolon_separated_csv(client_for):
    assert upload(client_for("alice"), csv_file("STT;Tên;Loại\n1;Thôn A;thôn\n2;Thôn B;bản\n")).status_code == 302
    assert villages_of_a() == {"Thôn A": "thon", "Thôn B": "ban"}


def test_it_imports_an_xlsx_workbook(client_for):
    rows = [("STT", "TÊN", "Loại", "Ghi chú"), (1, "Thôn Yên Hải", "thôn", None), (None, None, None, None),
            (2, 5, None, "a number for a name, blank kind"), (3, "Bản Pác Pố", "Bản", None)]
    assert upload(client_for("alice"), xlsx_file(rows)).status_code == 302
    assert villages_of_a() == {"Thôn Yên Hải": "thon", "5": "thon", "Bản Pác Pố": "ban"}


def test_a_second_import_of_the_same_file_adds_nothing_and_says_so(client_for):
    alice = client_for("alice")
    first = upload(alice, csv_file(SIX_KINDS), follow=True)
    assert [str(m) for m in first.context["messages"]] == ["Đã nhập 6 thôn, tổ dân phố."]
    before = state()
    response = upload(alice, csv_file(SIX_KINDS), follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert shown[0] == "Đã nhập 0 thôn, tổ dân phố."
    assert shown[1].startswith("Đã có trong danh sách, bỏ qua: dòng 2 “Thôn Khe Tiên”; dòng 3 “Bản Nà Sản”;")
    assert state() == before


def test_it_adds_only_the_new_rows_of_a_longer_file(client_for):
    alice = client_for("alice")
    upload(alice, csv_file("Tên\nThôn 1\nThôn 2\n"))
    assert upload(alice, csv_file("Tên\nthôn 1\nThôn 2\nThôn 3\n")).status_code == 302
    assert sorted(villages_of_a()) == ["Thôn 1", "Thôn 2", "Thôn 3"]
    assert AuditEvent.objects.count() == 3


def test_it_imports_nothing_when_any_row_is_wrong_and_lists_every_problem(client_for):
    text = ("Tên,Loại\n"
            "Thôn Tốt,thôn\n"  # row 2: fine
            ",thôn\n"  # row 3: no name
            "Thôn Xóm,xóm\n"  # row 4: unknown kind
            "thôn tốt,bản\n"  # row 5: the same village as row 2
            + "Thôn " + "x" * 100 + ",\n")  # row 6: too long
    before = state()
    assert errors(upload(client_for("alice"), csv_file(text))) == [
        "Dòng 3, cột 'Tên': Tên thôn, tổ dân phố đang để trống.",
        "Dòng 4, cột 'Loại': “xóm” không phải là loại hợp lệ; hãy dùng một trong các loại: Thôn, Bản, Ấp, Buôn, "
        "Tổ dân phố, Khu phố.",
        "Dòng 5, cột 'Tên': “thôn tốt” đã có ở dòng 2 của tệp này.",
        "Dòng 6, cột 'Tên': Tên thôn, tổ dân phố dài quá 100 ký tự.",
    ]
    assert state() == before


def test_it_names_the_column_as_the_file_does_and_speaks_english_when_switched(client_for):
    alice = client_for("alice")
    alice.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # what the English switch sets
    response = upload(alice, xlsx_file([("Name", "Kind"), ("Hamlet 1", "farm")]))
    assert errors(response) == ["Row 2, column 'Kind': “farm” is not a kind of village; use one of: Hamlet (thôn), "
                                "Village (bản), Hamlet (ấp), Village (buôn), Residential group (tổ dân phố), "
                                "Quarter (khu phố)."]
    assert not Village.objects.exists()


@pytest.mark.parametrize(("file", "message"), [
    (SimpleUploadedFile("thon.pdf", b"%PDF-1.4 ..."),
     "Chỉ nhập được tệp CSV (UTF-8) hoặc XLSX; “thon.pdf” không thuộc hai loại này."),
    (SimpleUploadedFile("thon", b"Ten\nThon 1\n"),
     "Chỉ nhập được tệp CSV (UTF-8) hoặc XLSX; “thon” không thuộc hai loại này."),
    (SimpleUploadedFile("thon.csv", "Tên\nThôn Đông\n".encode("cp1258")),
     "Tệp không phải văn bản mã UTF-8. Trong Excel, hãy lưu dưới dạng “CSV UTF-8 (Comma delimited)”, hoặc tải lên "
     "tệp XLSX."),
    (SimpleUploadedFile("thon.csv", b"Ten\x00\nThon\x00 1\n"), "Tệp không phải là tệp văn bản CSV."),
    (SimpleUploadedFile("thon.csv", b"Ten,\"Thon 1\n"), "Tệp không có thôn, tổ dân phố nào dưới dòng tiêu đề."),
    (SimpleUploadedFile("thon.xlsx", b"Ten\nThon 1\n"), "Tệp không phải là bảng tính XLSX đọc được."),
    (SimpleUploadedFile("thon.csv", b"  \n"), "Tệp trống."),
    (SimpleUploadedFile("thon.csv", b"\n\n,,\n"),
     "Tệp không có dòng tiêu đề; dòng đầu tiên phải ghi tên các cột “Tên” và “Loại” (hoặc “name” và “kind”)."),
    (SimpleUploadedFile("thon.csv", "Họ tên,Loại\nThôn 1,thôn\n".encode()),
     "Dòng tiêu đề (dòng 1) không có cột “Tên” (hoặc “name”)."),
    (SimpleUploadedFile("thon.csv", "Tên,name\nThôn 1,Thôn 1\n".encode()), "Dòng tiêu đề có cột “name” hai lần."),
    (SimpleUploadedFile("thon.csv", "Tên\n".encode()), "Tệp không có thôn, tổ dân phố nào dưới dòng tiêu đề."),
])
def test_it_refuses_an_unusable_file_with_a_clear_message(client_for, file, message):
    before = state()
    assert errors(upload(client_for("alice"), file)) == [message]
    assert state() == before


def test_it_refuses_a_zip_that_is_not_a_workbook(client_for):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a sheet")
    assert errors(upload(client_for("alice"), SimpleUploadedFile("thon.xlsx", buffer.getvalue()))) == [
        "Tệp không phải là bảng tính XLSX đọc được."]


def test_it_refuses_more_rows_than_a_commune_can_have(client_for):
    text = "Tên\n" + "".join(f"Thôn {i}\n" for i in range(imports.MAX_ROWS + 1))
    assert errors(upload(client_for("alice"), csv_file(text))) == [
        "Tệp có hơn 2000 dòng; hãy chia thành các tệp nhỏ hơn."]
    assert not Village.objects.exists()


def test_it_refuses_an_upload_without_a_file(client_for):
    response = client_for("alice").post(URL, {})
    assert errors(response) == ["Trường này là bắt buộc."]


def test_the_import_service_checks_the_rows_again_and_imports_all_or_nothing(users, commune_a):
    rows = [services.VillageRow(2, "Thôn Tốt", "thon"), services.VillageRow(3, "Thôn Lạ", "xom"),
            services.VillageRow(4, "thôn tốt", "thon")]
    with pytest.raises(ValidationError) as caught:
        services.villages_import(actor=users["alice"], commune=commune_a, rows=rows)
    assert caught.value.messages == [
        "Dòng 3: “xom” không phải là loại hợp lệ; hãy dùng một trong các loại: Thôn, Bản, Ấp, Buôn, Tổ dân phố, "
        "Khu phố.",
        "Dòng 4: “thôn tốt” đã có ở dòng 2 của tệp này.",
    ]
    with pytest.raises(PermissionDenied):
        services.villages_import(actor=users["paula"], commune=commune_a, rows=rows[:1])
    assert not Village.objects.exists() and not AuditEvent.objects.exists()


def test_the_import_page_is_for_those_who_manage(client_for, users):
    assert client_for("alice").get(URL).status_code == 200
    assert upload(client_for("paula"), csv_file(SIX_KINDS)).status_code == 403
    assert upload(client_for("charlie"), csv_file(SIX_KINDS)).status_code == 404
    assert not Village.objects.exists()
