# SPDX-License-Identifier: AGPL-3.0-or-later
"""edXML packages (QCVN 102:2016): what is built reads back the same, in the standard's shape, and what is
malformed is refused with a clear reason."""

import base64
import datetime as dt
import email
import hashlib
import re
import xml.etree.ElementTree as ET  # noqa: S405 (reading our own output)
from email import policy
from email.message import MIMEPart

import pytest
from django.utils import translation

from xaso.core.integrations.document_axis import EdxmlError, Organ, StatusCode, StatusPackage, make_document_id
from xaso.core.integrations.document_axis.edxml import build_package, build_status, parse
from xaso.core.integrations.document_axis.packages import NAMESPACE, VIETNAM

from .edxml_samples import HA_LONG, PDF, TIEN_YEN, document, status

E = f"{{{NAMESPACE}}}"


def envelope_of(data: bytes) -> ET.Element:
    root = next(email.message_from_bytes(data, policy=policy.default).iter_parts())
    return ET.fromstring(root.get_payload(decode=True))  # noqa: S314 (our own output)


def refused(data: bytes) -> EdxmlError:
    with pytest.raises(EdxmlError) as caught:
        parse(data)
    return caught.value


def test_it_reads_back_what_it_built_with_vietnamese_text_and_a_pdf():
    package = document()
    data = build_package(package)
    assert parse(data) == package
    read = parse(data)
    assert read.attachments[0].data == PDF and read.recipients[1].name == "Ủy ban nhân dân đặc khu Vân Đồn"
    assert build_package(document()) == data  # the same package is the same bytes (boundary, content IDs)
    assert build_package(document(subject="Về việc khác")) != data


def test_the_envelope_has_the_standards_elements_in_order_and_its_date_formats():
    data = build_package(document())
    root = envelope_of(data)
    assert root.tag == f"{E}edXMLEnvelope" and [c.tag for c in root] == [f"{E}edXMLHeader", f"{E}edXMLBody"]
    header = root.find(f"{E}edXMLHeader/{E}MessageHeader")
    assert [c.tag.removeprefix(E) for c in header] == [
        "From", "To", "To", "Code", "PromulgationInfo", "DocumentType", "Subject", "Content", "SignerInfo",
        "DueDate", "ToPlaces", "OtherInfo", "SteeringType", "DocumentId"]
    assert [c.tag.removeprefix(E) for c in header.find(f"{E}From")] == [
        "OrganId", "OrganizationInCharge", "OrganName", "OrganAdd", "Email", "Telephone"]
    assert header.findtext(f"{E}PromulgationInfo/{E}PromulgationDate") == "2026/11/29"
    assert header.findtext(f"{E}DueDate") == "2026/12/05"
    assert header.findtext(f"{E}DocumentId") == "000.00.12.H28,2026/11/29,12/UBND-VP"
    assert [e.text for e in header.iterfind(f"{E}ToPlaces/{E}Place")] == ["Như trên", "Lưu: VT, VP"]
    assert [c.tag.removeprefix(E) for c in header.find(f"{E}OtherInfo")] == [
        "Priority", "PromulgationAmount", "PageAmount", "Appendixes"]
    assert header.findtext(f"{E}OtherInfo/{E}Priority") == "2"
    trace = root.find(f"{E}edXMLHeader/{E}TraceHeaderList/{E}TraceHeader")
    assert trace.findtext(f"{E}OrganId") == HA_LONG.id and trace.findtext(f"{E}Timestamp") == "2026/11/29 14:05:07"
    references = root.findall(f"{E}edXMLBody/{E}edXMLManifest/{E}Reference")
    parts = list(email.message_from_bytes(data, policy=policy.default).iter_parts())[1:]
    assert [r.findtext(f"{E}ContentId") for r in references] == [f"cid:{p['Content-ID'].strip('<>')}" for p in parts]
    assert [r.findtext(f"{E}AttachmentName") for r in references] == [
        "Công văn 12-UBND-VP.pdf", "Phụ lục danh sách hộ dân.xlsx"]
    assert root.find(".//{http://www.w3.org/2000/09/xmldsig#}Signature") is None  # see edxml.py on why


def test_a_timestamp_in_another_zone_is_written_in_vietnam_time():
    at = dt.datetime(2026, 11, 29, 7, 5, 7, 999, tzinfo=dt.UTC)
    package = document(trace=[(HA_LONG.id, at)])
    root = envelope_of(build_package(package))
    assert root.findtext(f".//{E}TraceHeader/{E}Timestamp") == "2026/11/29 14:05:07"
    assert parse(build_package(package)).trace == [(HA_LONG.id, dt.datetime(2026, 11, 29, 14, 5, 7, tzinfo=VIETNAM))]


def test_pythons_email_parser_reads_the_file_as_multipart_related_with_the_envelope_first(tmp_path):
    path = tmp_path / "package.eml"
    path.write_bytes(build_package(document()))
    with path.open("rb") as f:
        message = email.message_from_binary_file(f, policy=policy.default)
    assert message.get_content_type() == "multipart/related" and not message.defects
    parts = list(message.iter_parts())
    assert parts[0].get_content_type() == "text/xml" and message.get_param("start") == parts[0]["Content-ID"]
    assert parts[0].get_content().startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert [p.get_filename() for p in parts[1:]] == ["Công văn 12-UBND-VP.pdf", "Phụ lục danh sách hộ dân.xlsx"]
    assert parts[1].get_content_type() == "application/pdf" and parts[1]["Content-Transfer-Encoding"] == "base64"
    assert parts[1].get_content() == PDF


@pytest.mark.parametrize("code", StatusCode.values)
def test_each_status_code_reads_back(code):
    package = status(code)
    data = build_status(package)
    assert parse(data) == package and parse(data).status_code == StatusCode(code)
    element = envelope_of(data).find(f"{E}edXMLHeader/{E}Status")
    assert [c.tag.removeprefix(E) for c in element] == [
        "ResponseFor", "From", "StatusCode", "Description", "Timestamp", "StaffInfo"]
    assert element.findtext(f"{E}StatusCode") == code and element.findtext(f"{E}Timestamp") == "2026/11/29 15:30:00"


def test_status_codes_have_vietnamese_names():
    with translation.override("vi"):
        assert [str(StatusCode(c).label) for c in ("01", "02", "03", "13")] == [
            "đã đến", "từ chối", "đã tiếp nhận", "lấy lại"]
    with pytest.raises(EdxmlError) as error:
        status("99")
    assert error.value.code == "bad_status"


def test_an_agency_code_must_follow_decision_20():
    for bad in ("000.00.12.h28", "H28", "000.00.12.H281", "٠٠٠.00.12.H28", ""):
        with pytest.raises(EdxmlError) as error:
            Organ(id=bad, name="x")
        assert error.value.code == "bad_organ"
    assert make_document_id("000.00.12.H28", dt.date(2026, 1, 5), "", "UBND") == "000.00.12.H28,2026/01/05,UBND"


def xml_edit(data: bytes, pattern: bytes, replacement: bytes) -> bytes:
    """Change the envelope in place (it travels as 8bit, so its text is in the bytes)."""
    changed = re.sub(pattern, replacement, data, count=1, flags=re.S)
    assert changed != data
    return changed


def reparts(data: bytes, change) -> bytes:
    message = email.message_from_bytes(data, policy=policy.SMTP)
    change(message.get_payload())
    return message.as_bytes()


def extra_part(parts):
    part = MIMEPart(policy=policy.SMTP)
    part.set_content(b"virus", "application", "octet-stream", filename="extra.exe", cid="<extra@elsewhere>")
    parts.append(part)


def bad_base64(parts):
    parts[1].set_payload("@@@@ not base64 @@@@")


def digest_of_other(data: bytes) -> bytes:
    other = base64.b64encode(hashlib.sha256(b"another file").digest())
    return re.sub(rb"Content-Digest: sha-256=:[^:]+:", b"Content-Digest: sha-256=:" + other + b":", data, count=1)


PACKAGE = build_package(document())
CASES = {
    "not_mime": [b"just some bytes", b'<?xml version="1.0"?><edXMLEnvelope/>', PACKAGE[: len(PACKAGE) // 2]],
    "not_xml": [xml_edit(PACKAGE, rb"</edXML:Subject>", b"</edXML:Subjec>")],
    "unsafe_xml": [xml_edit(PACKAGE, rb"<edXML:edXMLEnvelope ",
                            b'<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<edXML:edXMLEnvelope ')],
    "namespace": [PACKAGE.replace(NAMESPACE.encode(), b"http://www.go.vn/eDoc")],
    "not_edxml": [PACKAGE.replace(b"edXML:edXMLEnvelope", b"edXML:Envelope")],
    "missing": [xml_edit(PACKAGE, rb"\s*<edXML:DocumentId>.*?</edXML:DocumentId>", b""),
                xml_edit(PACKAGE, rb"\s*<edXML:To>.*?</edXML:To>\s*<edXML:To>.*?</edXML:To>", b""),
                xml_edit(PACKAGE, rb"<edXML:Subject>.*?</edXML:Subject>", b"<edXML:Subject />")],
    "bad_date": [xml_edit(PACKAGE, rb"2026/11/29</edXML:PromulgationDate>", b"29/11/2026</edXML:PromulgationDate>"),
                 xml_edit(PACKAGE, rb"2026/12/05", b"2026/13/05"),
                 xml_edit(PACKAGE, rb"2026/11/29 14:05:07", b"2026-11-29T14:05:07")],
    "bad_number": [xml_edit(PACKAGE, rb"<edXML:Priority>2<", b"<edXML:Priority>cao<")],
    "bad_organ": [xml_edit(PACKAGE, rb"<edXML:OrganId>000.00.12.H28<", b"<edXML:OrganId>H28.12<")],
    "missing_attachment": [reparts(PACKAGE, lambda parts: parts.pop())],
    "unreferenced_attachment": [reparts(PACKAGE, extra_part)],
    "duplicate_attachment": [PACKAGE.replace(b"Content-ID: <2.", b"Content-ID: <1.")],
    "damaged_attachment": [reparts(PACKAGE, bad_base64)],
    "checksum": [digest_of_other(PACKAGE)],
    "bad_status": [xml_edit(build_status(status()), rb"<edXML:StatusCode>03<", b"<edXML:StatusCode>07<")],
}


@pytest.mark.parametrize(("code", "data"), [(code, data) for code, datas in CASES.items() for data in datas])
def test_it_refuses_a_malformed_package_saying_why(code, data):
    error = refused(data)
    assert error.code == code
    with translation.override("vi"):
        assert error.messages[0] and "%(" not in error.messages[0]


def test_the_refusal_names_the_missing_element_in_vietnamese():
    error = refused(xml_edit(PACKAGE, rb"\s*<edXML:DocumentId>.*?</edXML:DocumentId>", b""))
    with translation.override("vi"):
        assert error.messages == ["Gói tin thiếu phần tử MessageHeader/DocumentId."]
    error = refused(reparts(PACKAGE, lambda parts: parts.pop()))
    with translation.override("vi"):
        assert "Phụ lục danh sách hộ dân.xlsx" in error.messages[0]


def test_a_package_over_the_size_limit_is_neither_built_nor_read(settings):
    settings.XASO_MAX_UPLOAD_BYTES = len(PACKAGE) - 1
    assert refused(PACKAGE).code == "too_large"
    with pytest.raises(EdxmlError) as error:
        build_package(document())
    assert error.value.code == "too_large"


def test_a_foreign_package_without_checksums_or_trace_and_with_named_appendixes_is_read():
    data = re.sub(rb"Content-Digest: [^\r\n]+\r\n", b"", PACKAGE)
    data = xml_edit(data, rb"\s*<edXML:TraceHeaderList>.*?</edXML:TraceHeaderList>", b"")
    data = xml_edit(data, rb"<edXML:Appendixes>1</edXML:Appendixes>",
                    "<edXML:Appendixes><edXML:Appendix>Phụ lục I</edXML:Appendix>"
                    "<edXML:Appendix>Phụ lục II</edXML:Appendix></edXML:Appendixes>".encode())
    package = parse(data)
    assert package.trace == [] and package.appendixes == 2 and package.attachments[0].data == PDF
    assert package.recipients == [TIEN_YEN, document().recipients[1]]


def test_names_dates_and_counts_are_checked_when_a_package_is_made():
    with pytest.raises(EdxmlError) as error:
        document(recipients=[])
    assert error.value.code == "missing"
    with pytest.raises(EdxmlError) as error:
        document(page_amount=-1)
    assert error.value.code == "bad_number"
    assert isinstance(status(timestamp=dt.datetime(2026, 11, 29, 15, 30)), StatusPackage)  # naive = Vietnam time
    assert status(timestamp=dt.datetime(2026, 11, 29, 15, 30)) == status()


def test_an_envelope_with_very_long_lines_travels_as_base64_and_reads_back():
    package = document(content="Nội dung rất dài " * 100)  # one line of 1,700 characters
    data = build_package(package)
    root = next(email.message_from_bytes(data, policy=policy.default).iter_parts())
    assert root["Content-Transfer-Encoding"] == "base64" and parse(data) == package
