# SPDX-License-Identifier: AGPL-3.0-or-later
"""From the draft to the issued PDF: review, approval, the signer's signature, number and seal; and every
refusal on the way changes nothing."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pypdf import PdfReader

from xaso.core.signing.verify import verify_pdf
from xaso.core.workflow import WorkflowError
from xaso.modules.documents import issuing, services
from xaso.modules.documents.models import OutgoingDocument, OutgoingStatus

from .conftest import PASSPHRASE, SEAL_PASSPHRASE, draft, to_approved, to_issued

pytestmark = pytest.mark.django_db


def read(stored) -> bytes:
    with stored.file.open("rb") as f:
        return f.read()


def test_it_goes_from_draft_to_a_signed_sealed_numbered_pdf(users, keys):
    document = to_issued(users, keys, draft(users))
    assert document.status == OutgoingStatus.ISSUED
    year = timezone.localdate().year
    assert (document.year, document.number, document.number_symbol) == (year, 1, "01/UBND")
    assert [s.transition for s in document.steps.all()] == ["create", "submit", "review", "approve", "sign",
                                                            "issue"]
    report = verify_pdf(read(document.issued_file))
    assert report.ok and not report.modified
    assert [s.signer_name for s in report.signatures] == ["Nguyễn Thị Hà", "Ủy ban nhân dân phường Hạ Long"]
    assert all(s.trusted and s.intact for s in report.signatures)
    assert [s.kind for s in document.signatures.all()] == ["personal", "organisation"]
    text = PdfReader(document.issued_file.file.path).pages[0].extract_text()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    fields = {k: v.get("/V") for k, v in PdfReader(document.issued_file.file.path).get_fields().items()}
    assert fields["number"] == "01/UBND"
    assert fields["issued_on"].startswith("Hạ Long, ngày ")


def test_numbers_follow_each_other_in_the_register(users, keys):
    first = to_issued(users, keys, draft(users))
    decision = to_issued(users, keys, draft(users, type_code="QD", title="Về việc thành lập Tổ công nghệ số",
                                            addressees=[]))
    assert (first.number, decision.number) == (1, 2)
    assert decision.number_symbol == "02/QĐ-UBND"


def test_a_number_already_used_is_refused_and_nothing_is_numbered(users, keys):
    to_issued(users, keys, draft(users), number=7)
    second = to_approved(users, draft(users))
    second = issuing.outgoing_sign(actor=users["hana"], document=second, key=keys["personal"], secret=PASSPHRASE)
    with pytest.raises(ValidationError) as refused:
        issuing.outgoing_issue(actor=users["bob"], document=second, key=keys["seal"], secret=SEAL_PASSPHRASE,
                               number=7)
    assert refused.value.code == "number_used"
    second.refresh_from_db()
    assert second.status == OutgoingStatus.SIGNED and second.number is None and second.issued_file is None
    issued = issuing.outgoing_issue(actor=users["bob"], document=second, key=keys["seal"], secret=SEAL_PASSPHRASE)
    assert issued.number == 1  # the automatic number starts at 1 and would step over 7


def test_a_wrong_passphrase_signs_nothing(users, keys):
    document = to_approved(users, draft(users))
    with pytest.raises(ValidationError) as refused:
        issuing.outgoing_sign(actor=users["hana"], document=document, key=keys["personal"], secret="sai")
    assert refused.value.code == "passphrase"
    document.refresh_from_db()
    assert document.status == OutgoingStatus.APPROVED and document.signed_file is None
    assert not document.signatures.exists()


def test_a_wrong_seal_passphrase_gives_the_number_back(users, keys):
    document = to_approved(users, draft(users))
    document = issuing.outgoing_sign(actor=users["hana"], document=document, key=keys["personal"],
                                     secret=PASSPHRASE)
    with pytest.raises(ValidationError):
        issuing.outgoing_issue(actor=users["bob"], document=document, key=keys["seal"], secret="sai")
    document.refresh_from_db()
    assert document.status == OutgoingStatus.SIGNED and document.number is None
    assert issuing.outgoing_issue(actor=users["bob"], document=document, key=keys["seal"],
                                  secret=SEAL_PASSPHRASE).number == 1


def test_only_the_named_signer_signs_and_only_the_clerk_issues(users, keys):
    document = to_approved(users, draft(users))
    with pytest.raises(PermissionDenied):
        issuing.outgoing_sign(actor=users["bob"], document=document, key=keys["personal"], secret=PASSPHRASE)
    document = issuing.outgoing_sign(actor=users["hana"], document=document, key=keys["personal"],
                                     secret=PASSPHRASE)
    with pytest.raises(PermissionDenied):
        issuing.outgoing_issue(actor=users["hana"], document=document, key=keys["seal"], secret=SEAL_PASSPHRASE)
    with pytest.raises(ValidationError):  # the seal is not a personal key: not offered for signing
        issuing.outgoing_sign(actor=users["hana"], document=document, key=keys["seal"], secret=SEAL_PASSPHRASE)


def test_steps_out_of_order_are_refused(users, keys):
    document = draft(users)
    with pytest.raises(WorkflowError):
        services.outgoing_step(actor=users["hana"], document=document, name="approve")
    with pytest.raises(WorkflowError):
        issuing.outgoing_sign(actor=users["hana"], document=document, key=keys["personal"], secret=PASSPHRASE)
    document.refresh_from_db()
    assert document.status == OutgoingStatus.DRAFT


def test_sending_back_needs_a_reason_and_returns_to_the_drafter(users):
    document = services.outgoing_step(actor=users["sam"], document=draft(users), name="submit")
    with pytest.raises(ValidationError):
        services.outgoing_step(actor=users["bob"], document=document, name="send_back", note="  ")
    document = services.outgoing_step(actor=users["bob"], document=document, name="send_back",
                                      note="Bổ sung căn cứ pháp lý")
    assert document.status == OutgoingStatus.DRAFT
    edited = services.outgoing_edit(actor=users["sam"], document=document, body="Căn cứ Luật Đất đai 2024;")
    assert edited.body == "Căn cứ Luật Đất đai 2024;"
    with pytest.raises(PermissionDenied):
        services.outgoing_edit(actor=users["olivia"], document=edited, body="không phải người soạn")


def test_the_signer_must_be_a_leader_of_the_commune(users):
    with pytest.raises(ValidationError):
        draft(users, signer=users["bob"])
    with pytest.raises(ValidationError):
        draft(users, signer=users["charlie"])
    assert not OutgoingDocument.objects.exists()


def test_a_byte_altered_copy_is_reported_as_modified(users, keys, tmp_path):
    data = bytearray(read(to_issued(users, keys, draft(users)).issued_file))
    at = data.index(b"/MediaBox")  # inside the first signature's signed range
    data[at + 1] = ord("N")
    report = verify_pdf(bytes(data))
    assert report.modified and not report.ok


def test_an_independent_validator_accepts_the_issued_pdf(users, keys, authority, tmp_path):
    document = to_issued(users, keys, draft(users))
    path, root = tmp_path / "issued.pdf", tmp_path / "root.pem"
    path.write_bytes(read(document.issued_file))
    root.write_bytes(authority.pem)
    pyhanko = str(Path(sys.executable).with_name("pyhanko"))
    out = subprocess.run([pyhanko, "sign", "validate", "--pretty-print", "--trust", str(root),
                          "--no-revocation-check", str(path)], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    # Both signatures valid and trusted; the signer's admits only the clerk's form filling and seal after it.
    assert out.stdout.count("The signature is judged VALID.") == 2
    assert out.stdout.count("The signer's certificate is trusted.") == 2
    assert "All modifications relate to signing and form filling operations" in out.stdout
    altered = bytearray(path.read_bytes())
    altered[altered.index(b"/MediaBox") + 1] = ord("N")
    path.write_bytes(bytes(altered))
    bad = subprocess.run([pyhanko, "sign", "validate", "--pretty-print", "--trust", str(root),
                          "--no-revocation-check", str(path)], capture_output=True, text=True, check=False)
    assert bad.returncode != 0


def _seal_appearance(stored) -> tuple[bytes, dict]:
    reader = PdfReader(stored.file.path)
    for page in reader.pages:
        for annot in page.get("/Annots", []):
            widget = annot.get_object()
            if widget.get("/T") == "seal":
                form = widget["/AP"]["/N"].get_object()
                return form.get_data(), form["/Resources"]
    raise AssertionError("no seal widget")


def test_the_seal_shows_its_image_alone_and_words_without_one(users, keys):
    from xaso.modules.documents.demo import demo_seal

    words = to_issued(users, keys, draft(users))
    content, _resources = _seal_appearance(words.issued_file)
    assert b"TJ" in content or b"Tj" in content  # no image: the body's name and the time as text
    keys["seal"].image = demo_seal("Phường Hạ Long")
    keys["seal"].save(update_fields=["image"])
    pictured = to_issued(users, keys, draft(users))
    content, resources = _seal_appearance(pictured.issued_file)
    assert b"TJ" not in content and b"Tj" not in content
    assert b"Do" in content and "/XObject" in resources  # the red seal image is drawn
    assert verify_pdf(read(pictured.issued_file)).ok


def test_damaged_copies_are_reported_or_refused_never_a_crash(users, keys):
    """Bytes changed, cut off or inserted anywhere (a fixed seed, so the same 90 copies each run): every
    copy is either refused with a message or reported as not valid, never a server error."""
    import random

    data = read(to_issued(users, keys, draft(users)).issued_file)
    rng = random.Random(20201105)
    for i in range(90):
        copy = bytearray(data)
        if i % 3 == 0:
            for _ in range(rng.randint(1, 20)):
                copy[rng.randrange(len(copy))] ^= rng.randrange(1, 256)
        elif i % 3 == 1:
            copy = copy[: rng.randrange(len(copy) - 1)]
        else:
            at = rng.randrange(len(copy))
            copy[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 50)))
        try:
            report = verify_pdf(bytes(copy))
        except ValidationError:
            continue
        # Cut anywhere after the signer's revision, a copy reads as that earlier whole document (the bytes
        # left of the seal's revision are ignored): valid, with one signature. Anything else is not valid.
        assert not report.ok or len(report.signatures) == 1, i


def test_minutes_print_the_secretary_beside_the_chair(users):
    from xaso.modules.documents import drafts

    minutes = draft(users, type_code="BB", title="Họp giao ban tháng 11", addressees=[],
                    cosigner_position="THƯ KÝ", cosigner_name="Lê Thị Thu")
    text = PdfReader(io.BytesIO(drafts.pdf(minutes).data)).pages[-1].extract_text()
    assert "THƯ KÝ" in text and "Lê Thị Thu" in text and "BIÊN BẢN" in text
