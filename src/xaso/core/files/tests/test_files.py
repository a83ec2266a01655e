# SPDX-License-Identifier: AGPL-3.0-or-later
"""The shared file mechanism: only what it should accept is stored, checksummed and audited, and only
those who may read a file can download it, as an attachment of its sniffed type."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from xaso import testing
from xaso.core import tenancy
from xaso.core.audit.models import AuditEvent
from xaso.core.files.models import StoredFile
from xaso.core.files.services import file_check, file_store
from xaso.core.places.models import Commune

from . import samples


@pytest.fixture
def commune_a(users):
    return Commune.objects.get(pk=testing.COMMUNE_A)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")  # what the browser claims


def store(users, commune, name, content, actor="alice"):
    with tenancy.acting_as(users[actor]):
        return file_store(actor=users[actor], commune=commune, upload=upload(name, content))


def refusal(name: str, content: bytes) -> ValidationError:
    with translation.override("vi"), pytest.raises(ValidationError) as caught:
        file_check(upload(name, content))
    return caught.value


ACCEPTED = [
    ("bien-ban.pdf", samples.pdf(), "application/pdf"),
    ("anh.png", samples.png(), "image/png"),
    ("anh.JPG", samples.jpeg(), "image/jpeg"),
    ("anh.jpeg", samples.jpeg(), "image/jpeg"),
    ("anh.webp", samples.webp(), "image/webp"),
    ("to-trinh.docx", samples.docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("danh-sach.xlsx", samples.xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("danh-sach.csv", samples.CSV, "text/csv; charset=utf-8"),
    ("ghi-chu.txt", samples.TEXT, "text/plain; charset=utf-8"),
]


@pytest.mark.parametrize(("name", "content", "content_type"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_it_stores_an_accepted_file_with_its_sniffed_type_checksum_and_an_audit_event(
        users, commune_a, name, content, content_type):
    stored = store(users, commune_a, name, content)
    stored.refresh_from_db()
    assert stored.content_type == content_type  # from the content, not from what the browser claimed
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.size == len(content)
    assert stored.original_name == name
    assert stored.uploaded_by == users["alice"] and stored.commune == commune_a
    with stored.file.open("rb") as f:
        assert f.read() == content
    event = AuditEvent.objects.get(action="xaso.files.file.stored")
    assert event.object_id == str(stored.pk) and event.commune_id == testing.COMMUNE_A
    assert event.after["sha256"] == stored.sha256 and event.actor_id == users["alice"].pk


def test_it_refuses_a_file_over_the_size_limit_in_vietnamese_and_stores_nothing(users, commune_a, settings):
    settings.XASO_MAX_UPLOAD_BYTES = 100
    error = refusal("bien-ban.pdf", samples.pdf() + b"0" * 200)
    assert error.code == "too_big"
    assert "Tệp quá lớn" in error.messages[0]
    with pytest.raises(ValidationError):
        store(users, commune_a, "bien-ban.pdf", samples.pdf() + b"0" * 200)
    assert not StoredFile.objects.exists() and not AuditEvent.objects.exists()


def test_it_refuses_an_upload_whose_declared_size_lies(users, commune_a, settings):
    settings.XASO_MAX_UPLOAD_BYTES = 100
    lying = upload("ghi-chu.txt", b"a" * 500)
    lying.size = 10
    with pytest.raises(ValidationError) as caught:
        file_check(lying)
    assert caught.value.code == "too_big"


REFUSED = [
    ("anh.gif", samples.GIF),  # an image type, but not on the list
    ("goi.zip", samples.plain_zip()),
    ("chuong-trinh.pdf", samples.ELF),
    ("trang.html", samples.HTML),  # text, but a name a browser would run
    ("hinh.svg", samples.SVG),
    ("ghi-chu.txt", samples.LATIN1),  # not UTF-8: not text we can read back
    ("nhi-phan.txt", b"abc\x00def\x01"),
]


@pytest.mark.parametrize(("name", "content"), REFUSED, ids=[r[0] for r in REFUSED])
def test_it_refuses_a_type_that_is_not_on_the_allow_list(users, commune_a, name, content):
    error = refusal(name, content)
    assert error.code in ("not_allowed", "mismatch")
    assert "Không chấp nhận loại tệp này" in error.messages[0] or "không khớp" in error.messages[0]
    with pytest.raises(ValidationError):
        store(users, commune_a, name, content)
    assert not StoredFile.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("anh.pdf", samples.png(), "ảnh PNG"),  # a picture renamed to look like a document
    ("bien-ban.docx", samples.pdf(), "tài liệu PDF"),
    ("bang.xlsx", samples.docx(), "tài liệu Word (DOCX)"),
    ("bien-ban.pdf", samples.TEXT, "văn bản thuần"),
    ("bien-ban", samples.pdf(), "tài liệu PDF"),  # no extension at all
], ids=["png-as-pdf", "pdf-as-docx", "docx-as-xlsx", "text-as-pdf", "no-extension"])
def test_it_refuses_a_name_that_does_not_match_the_content(users, commune_a, name, content, kind):
    error = refusal(name, content)
    assert error.code == "mismatch"
    assert "không khớp với nội dung" in error.messages[0] and kind in error.messages[0]
    assert name in error.messages[0]


def test_it_refuses_an_empty_file(users, commune_a):
    assert refusal("trong.txt", b"").code == "empty"


def test_it_speaks_english_when_english_is_chosen(users):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        file_check(upload("anh.gif", samples.GIF))
    assert caught.value.messages[0].startswith("This type of file is not accepted")


def test_it_keeps_one_copy_of_the_same_content_but_a_row_per_upload(users, commune_a):
    first = store(users, commune_a, "a.pdf", samples.pdf())
    second = store(users, commune_a, "b.pdf", samples.pdf(), actor="bob")
    assert first.pk != second.pk and first.file.name == second.file.name
    assert first.file.name == f"{testing.COMMUNE_A}/{first.sha256[:2]}/{first.sha256}"
    assert AuditEvent.objects.filter(action="xaso.files.file.stored").count() == 2


def test_it_keeps_no_folder_and_no_control_character_of_the_name_people_gave(users, commune_a):
    stored = store(users, commune_a, "../../etc/bi\u0000en\u200b-ban.txt", samples.TEXT)
    assert stored.original_name == "bien-ban.txt"
    assert ".." not in stored.file.name


# --- Download -----------------------------------------------------------------------------------


@pytest.fixture
def stored_pdf(users, commune_a):
    return store(users, commune_a, "Biên bản nghiệm thu.pdf", samples.pdf())


@pytest.mark.parametrize("who", ["alice", "bob", "paula", "ada"])
def test_it_serves_a_file_to_those_in_scope_as_an_attachment_of_its_sniffed_type(client_for, stored_pdf, who):
    response = client_for(who).get(reverse("files:download", args=[stored_pdf.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == samples.pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Bi%C3%AAn%20b%E1%BA%A3n%20nghi%E1%BB%87m%20thu.pdf" in response["Content-Disposition"]


@pytest.mark.parametrize("who", ["charlie", "oscar", "cindy"])
def test_it_answers_404_to_an_outsider(client_for, stored_pdf, who):
    assert client_for(who).get(reverse("files:download", args=[stored_pdf.pk])).status_code == 404


def test_it_sends_an_anonymous_visitor_to_sign_in(client, stored_pdf):
    response = client.get(reverse("files:download", args=[stored_pdf.pk]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_it_answers_404_for_a_file_that_does_not_exist(client_for, stored_pdf):
    assert client_for("alice").get(reverse("files:download", args=[stored_pdf.pk + 1000])).status_code == 404


def test_a_citizen_downloads_a_file_they_uploaded_themselves(users, client_for, commune_a):
    mine = store(users, commune_a, "don.pdf", samples.pdf(), actor="cindy")
    theirs = store(users, commune_a, "khac.pdf", samples.pdf() + b"%", actor="alice")
    cindy = client_for("cindy")
    assert cindy.get(reverse("files:download", args=[mine.pk])).status_code == 200
    assert cindy.get(reverse("files:download", args=[theirs.pk])).status_code == 404


def test_it_refuses_to_write_through_the_download_route(client_for, stored_pdf):
    response = client_for("alice").post(reverse("files:download", args=[stored_pdf.pk]))
    assert response.status_code == 405
