# SPDX-License-Identifier: AGPL-3.0-or-later
"""The pages officials use, and the public verification page, end to end through the test client."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from docx import Document

from xaso.core.signing.errors import MESSAGES
from xaso.modules.documents.models import IncomingDocument, OutgoingDocument, OutgoingStatus

from .conftest import PASSPHRASE, SEAL_PASSPHRASE, draft, to_approved, to_issued

pytestmark = pytest.mark.django_db


def url(name, users, *args):
    return reverse(f"documents:{name}", args=[users["bob"].commune_id, *args])


def test_the_clerk_registers_and_finds_a_document(users, client_for):
    bob = client_for("bob")
    answer = bob.post(url("incoming_new", users), {
        "sender": "Sở Tài nguyên và Môi trường", "type_code": "CV", "summary": "Về việc kiểm kê đất đai năm 2026",
        "number_symbol": "77/STNMT-QLĐĐ"})
    document = IncomingDocument.objects.get()
    assert answer.status_code == 302 and answer["Location"] == url("incoming", users, document.pk)
    page = bob.get(url("registers", users), {"q": "kiem ke dat dai"}).content.decode()
    assert "77/STNMT-QLĐĐ" in page
    assert "77/STNMT-QLĐĐ" not in bob.get(url("registers", users), {"q": "xay dung"}).content.decode()
    csv = bob.get(url("registers", users), {"export": "csv"}).content.decode("utf-8-sig")
    assert "Về việc kiểm kê đất đai năm 2026" in csv


def test_a_bad_registration_says_why_and_saves_nothing(users, client_for):
    answer = client_for("bob").post(url("incoming_new", users), {
        "sender": "", "type_code": "CV", "summary": "x",
        "file": SimpleUploadedFile("a.pdf", b"GIF89a not a pdf", content_type="application/pdf")})
    assert answer.status_code == 200
    assert not IncomingDocument.objects.exists()
    assert 'role="alert"' in answer.content.decode()


def test_the_whole_flow_through_the_pages(users, client_for, keys):
    sam, bob, hana = client_for("sam"), client_for("bob"), client_for("hana")
    choose = sam.get(url("outgoing_new", users)).content.decode()
    assert "?template=decision" in choose
    form = sam.get(url("outgoing_new", users), {"template": "decision"})
    assert "QUYẾT ĐỊNH" in form.content.decode() or "Căn cứ" in form.content.decode()
    answer = sam.post(url("outgoing_new", users) + "?template=decision", {
        "type_code": "QD", "title": "Về việc thành lập Tổ công nghệ số cộng đồng",
        "summary": "Thành lập Tổ công nghệ số cộng đồng", "body": "Điều 1. Thành lập Tổ.\nĐiều 2. Hiệu lực.",
        "recipients": "Như Điều 2;\nLưu: VT.", "signer": users["hana"].pk, "signer_position": "CHỦ TỊCH",
        "signer_competence": "TM. ỦY BAN NHÂN DÂN"})
    document = OutgoingDocument.objects.get()
    assert answer.status_code == 302
    docx = Document(io.BytesIO(sam.get(url("draft", users, document.pk, "docx")).content))
    assert any("Thành lập Tổ" in p.text for p in docx.paragraphs)

    def act(client, name, **fields):
        document.refresh_from_db()
        data = {"action": name, "version": document.version, **{f"{name}-{k}": v for k, v in fields.items()}}
        return client.post(url("outgoing", users, document.pk), data, follow=True).content.decode()

    act(sam, "submit")
    act(bob, "review")
    act(hana, "approve")
    refused = act(hana, "sign", key=keys["personal"].pk, secret="không đúng")
    document.refresh_from_db()
    assert document.status == OutgoingStatus.APPROVED
    with translation.override("vi"):
        assert escape(str(MESSAGES["passphrase"])) in refused
    act(hana, "sign", key=keys["personal"].pk, secret=PASSPHRASE)
    act(bob, "issue", key=keys["seal"].pk, secret=SEAL_PASSPHRASE)
    document.refresh_from_db()
    assert document.status == OutgoingStatus.ISSUED and document.number_symbol.endswith("/QĐ-UBND")
    page = act(bob, "send")
    document.refresh_from_db()
    assert document.status == OutgoingStatus.SENT
    assert document.number_symbol in page


def test_verification_is_public_and_tells_a_valid_pdf_from_a_modified_one(users, keys, client):
    document = to_issued(users, keys, draft(users))
    with document.issued_file.file.open("rb") as f:
        data = f.read()
    good = client.post(reverse("documents:verify"), {"file": SimpleUploadedFile("vb.pdf", data)})
    assert good.status_code == 200
    assert "Nguyễn Thị Hà" in good.content.decode() and 'class="ok"' in good.content.decode()
    altered = bytearray(data)
    altered[altered.index(b"/MediaBox") + 1] = ord("N")
    bad = client.post(reverse("documents:verify"), {"file": SimpleUploadedFile("vb.pdf", bytes(altered))})
    assert 'class="ok"' not in bad.content.decode()
    junk = client.post(reverse("documents:verify"), {"file": SimpleUploadedFile("vb.pdf", b"hello")})
    assert junk.status_code == 400


def test_a_colleague_without_the_key_cannot_sign(users, client_for, keys):
    document = to_approved(users, draft(users))
    client_for("bob").post(url("outgoing", users, document.pk), {
        "action": "sign", "version": document.version, "sign-key": keys["personal"].pk, "sign-secret": PASSPHRASE})
    document.refresh_from_db()
    assert document.status == OutgoingStatus.APPROVED


def test_the_registering_form_sent_twice_registers_once(users, client_for):
    bob = client_for("bob")
    form = bob.get(url("incoming_new", users)).content.decode()
    key = form.split('name="idempotency_key" value="')[1].split('"')[0]
    data = {"sender": "Sở Xây dựng", "type_code": "CV", "summary": "Về việc cấp phép xây dựng",
            "idempotency_key": key}
    bob.post(url("incoming_new", users), data)
    bob.post(url("incoming_new", users), data)
    assert IncomingDocument.objects.count() == 1
