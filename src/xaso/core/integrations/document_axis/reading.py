# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reading a package another agency sent: everything is checked before anything is believed.

The envelope is parsed with defusedxml (no DTDs, entities or external references); the size is checked
before any parsing; each attachment must be listed in the manifest and each listed one present; a
``Content-Digest`` on a part (ours always carry one, others may not) must match its bytes. Every refusal is
an ``EdxmlError`` whose code says what was wrong and whose message names the element.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import email.errors
import hashlib
import re
import xml.etree.ElementTree as ET  # noqa: S405 (the Element type only: parsing is defusedxml's)
from email import policy
from email.parser import BytesHeaderParser, BytesParser
from urllib.parse import unquote

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .packages import (
    DATE_FORMAT,
    NAMESPACE,
    ORGAN_ID,
    TIMESTAMP_FORMAT,
    VIETNAM,
    Attachment,
    DocumentPackage,
    EdxmlError,
    Organ,
    ResponseFor,
    Staff,
    StatusPackage,
)

DIGEST_HEADER = "Content-Digest"  # [U] ours: RFC 9530's syntax on a MIME part, "sha-256=:<base64>:"
XML_TYPES = {"text/xml", "application/xml"}
BROKEN_MIME = (email.errors.NoBoundaryInMultipartDefect, email.errors.StartBoundaryNotFoundDefect,
               email.errors.CloseBoundaryNotFoundDefect, email.errors.MultipartInvariantViolationDefect,
               email.errors.InvalidMultipartContentTransferEncodingDefect)
BROKEN_BASE64 = (email.errors.InvalidBase64CharactersDefect, email.errors.InvalidBase64PaddingDefect,
                 email.errors.InvalidBase64LengthDefect)
DATE = re.compile(r"[0-9]{4}/[0-9]{2}/[0-9]{2}")
TIMESTAMP = re.compile(r"[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")
NUMBER = re.compile(r"[0-9]{1,9}")


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _missing(element: str) -> EdxmlError:
    return EdxmlError(_("The package lacks the element %(element)s."), code="missing", params={"element": element})


def _child(parent: ET.Element, name: str, where: str) -> ET.Element:
    element = parent.find(_q(name))
    if element is None:
        raise _missing(f"{where}/{name}")
    return element


def _text(parent: ET.Element | None, name: str, where: str = "", *, required: bool = False) -> str:
    element = parent.find(_q(name)) if parent is not None else None
    value = (element.text or "").strip() if element is not None else ""
    if required and not value:
        raise _missing(f"{where}/{name}")
    return value


def _date(text: str, element: str) -> dt.date | None:
    if not text:
        return None
    try:
        if not DATE.fullmatch(text):
            raise ValueError(text)
        return dt.datetime.strptime(text, DATE_FORMAT).date()
    except ValueError:
        raise EdxmlError(_("%(element)s is “%(value)s”, not a date written yyyy/MM/dd."), code="bad_date",
                         params={"element": element, "value": text[:40]}) from None


def _timestamp(text: str, element: str) -> dt.datetime:
    try:
        if not TIMESTAMP.fullmatch(text):
            raise ValueError(text)
        return dt.datetime.strptime(text, TIMESTAMP_FORMAT).replace(tzinfo=VIETNAM)
    except ValueError:
        raise EdxmlError(_("%(element)s is “%(value)s”, not a time written yyyy/MM/dd HH:mm:ss."),
                         code="bad_date", params={"element": element, "value": text[:40]}) from None


def _numbers(parent: ET.Element | None, where: str, **names: str) -> dict[str, int]:
    """The whole numbers that are present; an absent one keeps the dataclass' default."""
    values = {}
    for field_name, tag in names.items():
        text = _text(parent, tag)
        if text and not NUMBER.fullmatch(text):
            raise EdxmlError(_("%(element)s must be a whole number, zero or more."), code="bad_number",
                             params={"element": f"{where}/{tag}"})
        if text:
            values[field_name] = int(text)
    return values


def _organ(element: ET.Element, where: str) -> Organ:
    return Organ(id=_text(element, "OrganId", where, required=True), name=_text(element, "OrganName"),
                 in_charge=_text(element, "OrganizationInCharge"), address=_text(element, "OrganAdd"),
                 email=_text(element, "Email"), phone=_text(element, "Telephone"))


def _cid(value: str) -> str:
    value = value.strip()
    if value[:4].lower() == "cid:":  # the manifest's URL form (RFC 2392), against the part's <…> header
        value = unquote(value[4:])
    return value.strip("<>")


def _envelope(data: bytes) -> tuple[ET.Element, dict]:
    """The envelope's root element and the other parts by content ID, or a refusal."""
    if not isinstance(data, (bytes, bytearray)):
        raise EdxmlError(_("The package is not a MIME multipart/related message."), code="not_mime")
    limit = settings.XASO_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise EdxmlError(_("The package is larger than the limit of %(limit)s bytes."), code="too_large",
                         params={"limit": limit})
    message = BytesParser(policy=policy.default).parsebytes(bytes(data))
    parts = list(message.iter_parts()) if message.get_content_type() == "multipart/related" else []
    if not parts or any(isinstance(defect, BROKEN_MIME) for defect in message.defects):
        raise EdxmlError(_("The package is not a MIME multipart/related message."), code="not_mime")
    start = _cid(message.get_param("start") or "")
    root = next((p for p in parts if _cid(p.get("Content-ID", "")) == start), None) if start else parts[0]
    if root is None or root.get_content_type() not in XML_TYPES:
        raise EdxmlError(_("The package has no edXML envelope as its root part."), code="no_root")
    try:
        element = SafeET.fromstring(root.get_payload(decode=True), forbid_dtd=True)
    except DefusedXmlException:
        raise EdxmlError(_("The edXML envelope uses a DTD or entities, which are refused."),
                         code="unsafe_xml") from None
    except ET.ParseError as error:
        raise EdxmlError(_("The edXML envelope is not well-formed XML (%(error)s)."), code="not_xml",
                         params={"error": str(error)}) from None
    namespace, _brace, local = element.tag[1:].rpartition("}") if element.tag.startswith("{") else ("", "", element.tag)
    if local != "edXMLEnvelope":
        raise EdxmlError(_("The package is not an edXML envelope (its root element is %(element)s)."),
                         code="not_edxml", params={"element": local[:60]})
    if namespace != NAMESPACE:
        raise EdxmlError(_("The edXML envelope is in the namespace “%(found)s” instead of %(expected)s."),
                         code="namespace", params={"found": namespace[:100], "expected": NAMESPACE})
    attachments: dict = {}
    for part in parts:
        if part is root:
            continue
        cid = _cid(part.get("Content-ID", ""))
        if cid in attachments:
            raise EdxmlError(_("Two parts of the package have the content ID “%(name)s”."),
                             code="duplicate_attachment", params={"name": cid[:100]})
        attachments[cid] = part
    return element, attachments


def _attachment(reference: ET.Element, attachments: dict) -> Attachment:
    where = "edXMLManifest/Reference"
    cid = _cid(_text(reference, "ContentId", where, required=True))
    name = _text(reference, "AttachmentName") or cid
    part = attachments.pop(cid, None)
    if part is None:
        raise EdxmlError(_("The manifest lists the attachment “%(name)s” but the package does not carry it."),
                         code="missing_attachment", params={"name": name[:100]})
    data = part.get_payload(decode=True) or b""
    if any(isinstance(defect, BROKEN_BASE64) for defect in part.defects):
        raise EdxmlError(_("The attachment “%(name)s” is damaged (its base64 encoding is broken)."),
                         code="damaged_attachment", params={"name": name[:100]})
    for item in (part.get(DIGEST_HEADER) or "").split(","):
        algorithm, _eq, value = item.strip().partition("=")
        if algorithm.lower() != "sha-256":
            continue  # another algorithm, or none: nothing we can check
        try:
            expected = base64.b64decode(value.strip().strip(":"), validate=True)
        except (binascii.Error, ValueError):
            expected = b""
        if expected != hashlib.sha256(data).digest():
            raise EdxmlError(_("The attachment “%(name)s” does not match its checksum: it was changed or "
                               "damaged on the way."), code="checksum", params={"name": name[:100]})
    return Attachment(name=name, content_type=_text(reference, "ContentType") or part.get_content_type(),
                      data=data, description=_text(reference, "Description"))


def _document(envelope: ET.Element, header: ET.Element, attachments: dict) -> DocumentPackage:
    where = "MessageHeader"
    message = _child(header, where, "edXMLHeader")
    recipients = [_organ(to, f"{where}/To") for to in message.findall(_q("To"))]
    if not recipients:
        raise _missing(f"{where}/To")
    info, kind = message.find(_q("PromulgationInfo")), message.find(_q("DocumentType"))
    code, signer, other = message.find(_q("Code")), message.find(_q("SignerInfo")), message.find(_q("OtherInfo"))
    appendixes = other.find(_q("Appendixes")) if other is not None else None
    numbers = _numbers(other, f"{where}/OtherInfo", priority="Priority", promulgation_amount="PromulgationAmount",
                       page_amount="PageAmount")
    if appendixes is not None and len(appendixes):  # [U] some write <Appendix> names, not a count
        numbers["appendixes"] = len(appendixes)
    else:
        numbers.update(_numbers(other, f"{where}/OtherInfo", appendixes="Appendixes"))
    numbers.update(_numbers(message, where, steering_type="SteeringType"))
    trace = []
    for entry in envelope.iterfind(f"{_q('edXMLHeader')}/{_q('TraceHeaderList')}/{_q('TraceHeader')}"):
        at = _timestamp(_text(entry, "Timestamp", "TraceHeader", required=True), "TraceHeader/Timestamp")
        trace.append((_text(entry, "OrganId", "TraceHeader", required=True), at))
    references = envelope.findall(f"{_q('edXMLBody')}/{_q('edXMLManifest')}/{_q('Reference')}")
    files = [_attachment(reference, attachments) for reference in references]
    _no_stray(attachments)
    return DocumentPackage(
        document_id=_text(message, "DocumentId", where, required=True),
        sender=_organ(_child(message, "From", where), f"{where}/From"), recipients=recipients,
        code_number=_text(code, "CodeNumber"), code_notation=_text(code, "CodeNotation"),
        place=_text(info, "Place"),
        promulgation_date=_date(_text(info, "PromulgationDate", f"{where}/PromulgationInfo", required=True),
                                f"{where}/PromulgationInfo/PromulgationDate"),
        type_code=_text(kind, "Type", f"{where}/DocumentType", required=True), type_name=_text(kind, "TypeName"),
        subject=_text(message, "Subject", where, required=True), content=_text(message, "Content"),
        signer_competence=_text(signer, "Competence"), signer_position=_text(signer, "Position"),
        signer_name=_text(signer, "FullName"), due_date=_date(_text(message, "DueDate"), f"{where}/DueDate"),
        to_places=[(p.text or "").strip() for p in message.iterfind(f"{_q('ToPlaces')}/{_q('Place')}")],
        trace=trace, attachments=files, **numbers)


def _status(element: ET.Element, attachments: dict) -> StatusPackage:
    where = "Status"
    _no_stray(attachments)
    answered = _child(element, "ResponseFor", where)
    staff = element.find(_q("StaffInfo"))
    return StatusPackage(
        response_for=ResponseFor(
            organ_id=_text(answered, "OrganId", f"{where}/ResponseFor", required=True),
            document_id=_text(answered, "DocumentId", f"{where}/ResponseFor", required=True),
            code=_text(answered, "Code"),
            promulgation_date=_date(_text(answered, "PromulgationDate"), f"{where}/ResponseFor/PromulgationDate")),
        sender=_organ(_child(element, "From", where), f"{where}/From"),
        status_code=_text(element, "StatusCode", where, required=True),
        description=_text(element, "Description"),
        timestamp=_timestamp(_text(element, "Timestamp", where, required=True), f"{where}/Timestamp"),
        staff=Staff(name=_text(staff, "Staff"), department=_text(staff, "Department"), email=_text(staff, "Email"),
                    phone=_text(staff, "Mobile")))


def _no_stray(attachments: dict) -> None:
    for cid, part in attachments.items():
        raise EdxmlError(_("The package carries the attachment “%(name)s”, which the manifest does not list."),
                         code="unreferenced_attachment", params={"name": (part.get_filename() or cid)[:100]})


def parse(data: bytes) -> DocumentPackage | StatusPackage:
    """Read a package, or refuse it with an ``EdxmlError`` that says why."""
    envelope, attachments = _envelope(data)
    header = _child(envelope, "edXMLHeader", "edXMLEnvelope")
    status = header.find(_q("Status"))
    if status is not None:
        return _status(status, attachments)
    return _document(envelope, header, attachments)


def peek(data: bytes) -> dict | None:
    """What can still be read of a document package that ``parse`` refused: enough to tell its sender so.

    None when the sender's agency code and the DocumentId cannot be read, and for a status package (a status
    is never answered, so that two systems cannot refuse each other's answers forever). Lenient on purpose:
    any namespace, nothing else checked, and used for nothing but that answer.
    """
    try:
        envelope, _parts = _envelope(data)
    except EdxmlError as error:
        if error.code != "namespace":
            return None
        try:  # an envelope in another namespace (one province's axis writes its own) is still readable
            root = next(BytesParser(policy=policy.default).parsebytes(bytes(data)).iter_parts())
            envelope = SafeET.fromstring(root.get_payload(decode=True), forbid_dtd=True)
        except (StopIteration, TypeError, ET.ParseError, DefusedXmlException):
            return None

    def text(path: str) -> str:
        return (envelope.findtext(path, default="") or "").strip()

    header = ".//{*}MessageHeader"
    seen = {"sender": text(f"{header}/{{*}}From/{{*}}OrganId"), "document_id": text(f"{header}/{{*}}DocumentId"),
            "code": "/".join(filter(None, (text(f"{header}/{{*}}Code/{{*}}CodeNumber"),
                                           text(f"{header}/{{*}}Code/{{*}}CodeNotation")))),
            "to": {(to.findtext("{*}OrganId") or "").strip(): (to.findtext("{*}OrganName") or "").strip()
                   for to in envelope.iterfind(f"{header}/{{*}}To")}}
    try:
        seen["promulgation_date"] = _date(text(f"{header}/{{*}}PromulgationInfo/{{*}}PromulgationDate"), "")
    except EdxmlError:
        seen["promulgation_date"] = None
    return seen if ORGAN_ID.fullmatch(seen["sender"]) and seen["document_id"] else None


def content_type_of(data: bytes) -> str:
    """The package's own Content-Type header (with its boundary), for the HTTP request that carries it."""
    return str(BytesHeaderParser(policy=policy.default).parsebytes(bytes(data)).get("Content-Type", ""))
