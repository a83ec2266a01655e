# SPDX-License-Identifier: AGPL-3.0-or-later
"""Signing and verifying PDFs: the chairperson signs, the clerk numbers, dates and seals, and anyone can
tell afterwards whether the document is what was signed."""

import io
import pickle
import re
from functools import partial

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko_certvalidator.registry import SimpleCertificateStore

from xaso.core.signing import pki, services
from xaso.core.signing.errors import SigningError
from xaso.core.signing.models import SigningKey
from xaso.core.signing.sign import sign_pdf, stamp_time
from xaso.core.signing.verify import verify_pdf

from .conftest import PASSPHRASE, SEAL_BOX, SIGNER_BOX, days, lines, make_pdf

pytestmark = pytest.mark.django_db

FILL = {"number": "12/QĐ-UBND", "issued_on": "Hạ Long, ngày 29 tháng 11 năm 2026"}


def signed_by_hana(key, pdf=None, **options):
    return sign_pdf(pdf or make_pdf(), key=key, secret=PASSPHRASE, field_name="signer", box=SIGNER_BOX,
                    stamp_lines=lines("Nguyễn Thị Hà"), reason="Ký ban hành", location="Hạ Long", **options)


def sealed(key, pdf):
    return sign_pdf(pdf, key=key, secret=PASSPHRASE, field_name="seal", box=SEAL_BOX,
                    stamp_lines=["ỦY BAN NHÂN DÂN PHƯỜNG HẠ LONG", f"Thời gian: {stamp_time()}"], fill=FILL, lock=True)


def refused(code, call, *args, **kwargs):
    with pytest.raises(SigningError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code
    return caught.value


def test_it_signs_and_verifies(hana_key):
    report = verify_pdf(signed_by_hana(hana_key))
    assert report.ok and not report.modified
    (s,) = report.signatures
    assert (s.field_name, s.signer_name) == ("signer", "Nguyễn Thị Hà")
    assert s.signer_subject.startswith("CN=Nguyễn Thị Hà") and "CN=Xaso Test CA" in s.issuer
    assert s.serial == hana_key.serial
    assert s.intact and s.valid and s.trusted and not s.revoked and not s.expired
    assert (s.coverage, s.modification_level, s.problems) == ("entire_file", "NONE", [])
    assert s.signing_time is not None and s.timestamp_time is None


def test_the_stamp_shows_vietnamese_in_the_embedded_font_over_the_image(hana_key):
    stamp = [*lines("Nguyễn Thị Hà"), "Đã xem 100% nội dung"]  # pyHanko's template must not eat the "%"
    reader = PdfFileReader(io.BytesIO(sign_pdf(make_pdf(), key=hana_key, secret=PASSPHRASE, field_name="signer",
                                               box=SIGNER_BOX, stamp_lines=stamp)))
    (widget,) = [a.get_object() for a in reader.root["/Pages"]["/Kids"][0].get_object()["/Annots"]
                 if a.get_object().get("/T") == "signer"]
    appearance = widget["/AP"]["/N"]
    assert [round(float(v)) for v in widget["/Rect"]] == [320, 120, 540, 200]
    fonts = _fonts(appearance)
    assert fonts and all("CrimsonText" in str(f["/BaseFont"]) for f in fonts)
    assert all("/FontFile2" in f["/DescendantFonts"][0]["/FontDescriptor"] for f in fonts)  # embedded
    # Each line is marked with its text, so the stamp reads (and copies) as Vietnamese.
    content = _all_content(appearance)
    assert _actual_texts(content) == stamp
    assert b"/Img" in content  # the handwritten signature under the text


def test_filling_fields_when_sealing_keeps_the_first_signature_valid(hana_key, seal_key):
    document = sealed(seal_key, signed_by_hana(hana_key))
    report = verify_pdf(document)
    first, seal = report.signatures
    assert first.field_name == "signer"
    assert first.intact and first.valid and first.trusted and first.ok and not first.modified
    assert (first.coverage, first.modification_level) == ("entire_revision", "FORM_FILLING")
    assert seal.signer_name == "Ủy ban nhân dân phường Hạ Long" and seal.ok and seal.coverage == "entire_file"
    assert report.ok and not report.modified
    form = PdfFileReader(io.BytesIO(document)).root["/AcroForm"]
    fields = {f.get_object()["/T"]: f.get_object() for f in form["/Fields"]}
    assert {name: str(fields[name]["/V"]) for name in FILL} == FILL
    assert all(int(fields[name]["/Ff"]) & 1 for name in FILL)  # read-only now
    assert all(_fonts(fields[name]["/AP"]["/N"]) for name in FILL)  # drawn in the embedded font


def test_after_the_seal_nothing_more_can_be_filled_or_signed(hana_key, seal_key):
    document = sealed(seal_key, signed_by_hana(hana_key))
    refused("locked", signed_by_hana, hana_key, document)


def test_a_field_changed_after_the_seal_shows_as_a_modification(hana_key, seal_key):
    document = sealed(seal_key, signed_by_hana(hana_key))
    writer = IncrementalPdfFileWriter(io.BytesIO(document))
    number = next(f for f in writer.root["/AcroForm"]["/Fields"] if f.get_object()["/T"] == "number")
    number.get_object()["/V"] = generic.TextStringObject("13/QĐ-UBND")
    writer.mark_update(number)
    out = io.BytesIO()
    writer.write(out)
    report = verify_pdf(out.getvalue())
    assert report.modified and not report.ok
    seal = report.signatures[1]
    assert seal.intact and seal.modified and "The document was changed after this signature." in seal.problems


def test_one_byte_changed_inside_the_signed_range_breaks_the_signature(hana_key):
    document = signed_by_hana(hana_key)
    at = document.index(b"QUYET DINH")
    altered = document[:at] + b"X" + document[at + 1:]
    report = verify_pdf(altered)
    (s,) = report.signatures
    assert not s.intact and s.modified and not s.ok and report.modified and not report.ok
    assert "The signed content was altered: it no longer matches the signature." in s.problems


def test_a_page_content_appended_after_signing_shows_as_a_modification(hana_key):
    document = signed_by_hana(hana_key)
    writer = IncrementalPdfFileWriter(io.BytesIO(document))
    writer.add_stream_to_page(0, writer.add_object(generic.StreamObject(
        stream_data=b"BT /F1 24 Tf 72 400 Td (Them mot dong) Tj ET")))
    out = io.BytesIO()
    writer.write(out)
    (s,) = verify_pdf(out.getvalue()).signatures
    assert s.intact and s.valid and s.modified and not s.ok
    assert (s.coverage, s.modification_level) == ("entire_revision", "OTHER")


def test_a_pdf_signed_elsewhere_by_an_unknown_authority_is_intact_but_untrusted(trusted, ca_pki):
    cert, key = ca_pki.other_ca.issue("Người Ký Nơi Khác")
    signer = signers.SimpleSigner(signing_cert=pki.to_asn1(cert), signing_key=pki.key_to_asn1(key),
                                  cert_registry=SimpleCertificateStore.from_certs([pki.to_asn1(ca_pki.other_ca.certificate)]))
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(make_pdf())),
                           signers.PdfSignatureMetadata(field_name="Signature1", subfilter=SigSeedSubFilter.PADES),
                           signer=signer)
    report = verify_pdf(out.getvalue())
    (s,) = report.signatures
    assert s.intact and s.valid and not s.trusted and not s.modified and not s.ok and not report.ok
    assert s.signer_name == "Người Ký Nơi Khác"
    assert s.problems == ["The certificate was not issued by a certification authority this system trusts."]


def test_it_refuses_to_sign_with_a_certificate_no_longer_trusted(users, hana_key, trusted):
    services.trust_anchor_withdraw(actor=users["paula"], anchor=trusted)
    refused("untrusted", signed_by_hana, hana_key)


def test_it_refuses_to_sign_with_an_expired_certificate(ca_pki, trusted):
    # Stored when it was valid; it has expired since (made here as if a year had passed).
    data = ca_pki.p12("Hết Hạn", not_before=days(-400), not_after=days(-1))
    key = SigningKey(kind="personal", backend="pkcs12", pkcs12=data, subject_name="Hết Hạn", chain=[])
    refused("expired", signed_by_hana, key)


def test_it_refuses_to_sign_with_a_certificate_revoked_since_it_was_added(users, trusted, ca_pki):
    cert, private = ca_pki.ca.issue("Sẽ Bị Thu Hồi")
    key = services.signing_key_add_pkcs12(actor=users["alice"], commune=users["hana"].commune, owner=users["hana"],
                                          kind="personal", passphrase=PASSPHRASE,
                                          data=pki.pkcs12(cert, private, [ca_pki.ca.certificate], PASSPHRASE))
    ca_pki.ca.revoke(cert)
    refused("revoked", signed_by_hana, key)


def test_it_refuses_a_wrong_passphrase_or_a_withdrawn_key(users, hana_key):
    refused("passphrase", sign_pdf, make_pdf(), key=hana_key, secret="sai", field_name="signer", box=SIGNER_BOX,
            stamp_lines=["x"])
    services.signing_key_withdraw(actor=users["alice"], key=hana_key)
    refused("inactive", signed_by_hana, hana_key)


def test_a_refusal_survives_pickling(hana_key):
    error = refused("field", signed_by_hana, hana_key, fill={"no_such_field": "1"})
    again = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes)
    assert (type(again), again.code, again.messages) == (SigningError, "field", error.messages)


def test_it_refuses_to_fill_a_field_the_pdf_does_not_have(hana_key):
    error = refused("field", signed_by_hana, hana_key, fill={"no_such_field": "1"})
    assert "no_such_field" in error.messages[0]


@pytest.mark.parametrize(("data", "code"), [
    (b"Hello, this is not a PDF", "not_pdf"),
    (make_pdf(encrypt="secret"), "encrypted"),
    (make_pdf()[:-300], "broken"),
])
def test_it_refuses_files_that_are_no_readable_pdf(hana_key, data, code):
    refused(code, signed_by_hana, hana_key, data)
    refused(code, verify_pdf, data)


def test_it_refuses_to_verify_an_unsigned_pdf(db):
    refused("unsigned", verify_pdf, make_pdf())


def test_a_truncated_signed_pdf_is_refused(hana_key):
    document = signed_by_hana(hana_key)
    refused("broken", verify_pdf, document[: len(document) // 2])


def test_it_time_stamps_through_the_tsa(hana_key, ca_pki, settings):
    settings.XASO_SIGNING_TIMESTAMP_URL = ca_pki.server.tsa_url
    before = ca_pki.server.timestamps
    (s,) = verify_pdf(signed_by_hana(hana_key)).signatures
    assert ca_pki.server.timestamps > before
    assert s.ok and s.timestamp_time is not None and s.signing_time is not None


def test_it_refuses_to_sign_when_the_tsa_cannot_be_reached(hana_key, settings):
    with pki.serving() as server:
        url = server.tsa_url
    settings.XASO_SIGNING_TIMESTAMP_URL = url  # the server has stopped
    refused("timestamp", signed_by_hana, hana_key)


def _fonts(xobject) -> list:
    found = []
    resources = xobject.get("/Resources", generic.DictionaryObject())
    for font in resources.get("/Font", generic.DictionaryObject()).values():
        found.append(font.get_object())
    for inner in resources.get("/XObject", generic.DictionaryObject()).values():
        inner = inner.get_object()
        if inner.get("/Subtype") == "/Form":
            found.extend(_fonts(inner))
    return found


def _actual_texts(content: bytes) -> list[str]:
    """The /ActualText of each line: PDF strings (octal escapes) holding UTF-16 with its BOM."""
    raw = re.findall(rb"/ActualText \((.*?)\)\s*>>", content, flags=re.DOTALL)
    unescape = partial(re.sub, rb"\\([0-7]{1,3}|.)",
                       lambda m: bytes([int(m[1], 8)]) if m[1][:1].isdigit() else m[1])
    return [unescape(r).decode("utf-16") for r in raw]


def _all_content(xobject) -> bytes:
    data = xobject.data
    resources = xobject.get("/Resources", generic.DictionaryObject())
    for inner in resources.get("/XObject", generic.DictionaryObject()).values():
        inner = inner.get_object()
        data += b"\n" + (_all_content(inner) if inner.get("/Subtype") == "/Form" else b"/Img")
    return data


def test_verifying_an_upload_fetches_nothing_unless_configured(hana_key, ca_pki, settings):
    """A certificate in an uploaded PDF names the addresses of its CRL: downloading them for anyone's upload
    would let a made-up certificate make the server call into the intranet."""
    pdf = signed_by_hana(hana_key)
    before = ca_pki.server.crl_fetches
    assert verify_pdf(pdf).signatures[0].intact
    assert ca_pki.server.crl_fetches == before
    settings.XASO_SIGNING_VERIFY_FETCH = True
    assert verify_pdf(pdf).signatures[0].trusted
    assert ca_pki.server.crl_fetches > before
