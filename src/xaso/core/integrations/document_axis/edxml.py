# SPDX-License-Identifier: AGPL-3.0-or-later
"""edXML packages (QCVN 102:2016) as bytes: a MIME multipart/related message whose root part is the
edXML envelope and whose further parts are the attachments, each named in the envelope's manifest.

``build_package`` / ``build_status`` write them, ``parse`` (reading.py) reads and checks them. The same
package always gives the same bytes (the boundary and the content IDs come from the DocumentId), so that a
resent package is recognisably the same one and the HMAC over it is stable.

No XML-DSig ``Signature`` element is written (DOMAIN.md §8 lists one): the attachments are PAdES-signed
PDFs, which carry the agency's legal signature, and the transport is HMAC-signed per system (..signing);
an XML-DSig over the envelope needs the axis' certificate profile (which CA, which key, which
canonicalisation and references), which is not public. Readers ignore a Signature they find; docs/edxml.md.
"""

from __future__ import annotations

import base64
import hashlib
import xml.etree.ElementTree as ET  # noqa: S405 (building only: what is received is read with defusedxml)
from email import policy
from email.message import EmailMessage, MIMEPart

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .packages import (
    DATE_FORMAT,
    NAMESPACE,
    TIMESTAMP_FORMAT,
    Attachment,
    DocumentPackage,
    EdxmlError,
    Organ,
    StatusPackage,
)
from .reading import DIGEST_HEADER, content_type_of, parse, peek

__all__ = ["build_package", "build_status", "content_type_of", "parse", "peek", "ROOT_TYPE"]

ET.register_namespace("edXML", NAMESPACE)  # the prefix every implementation writes
POLICY = policy.SMTP  # CRLF line ends (MIME's canonical form), headers folded at 78 characters
ROOT_TYPE = "text/xml"
MAX_LINE = 998  # RFC 5322: longer lines cannot travel as 8bit, so such an envelope goes as base64


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _add(parent: ET.Element, name: str, text: object = None) -> ET.Element:
    element = ET.SubElement(parent, _q(name))
    if text is not None:
        element.text = str(text)
    return element


def _organ(parent: ET.Element, name: str, organ: Organ) -> None:
    element = _add(parent, name)
    for tag, value in (("OrganId", organ.id), ("OrganizationInCharge", organ.in_charge),
                       ("OrganName", organ.name), ("OrganAdd", organ.address), ("Email", organ.email),
                       ("Telephone", organ.phone)):
        _add(element, tag, value)


def _seed(*values: str) -> str:
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:24]


def build_package(pkg: DocumentPackage) -> bytes:
    seed = _seed(pkg.document_id)
    envelope = ET.Element(_q("edXMLEnvelope"))
    header = _add(envelope, "edXMLHeader")
    message = _add(header, "MessageHeader")
    _organ(message, "From", pkg.sender)
    for recipient in pkg.recipients:
        _organ(message, "To", recipient)
    code = _add(message, "Code")
    _add(code, "CodeNumber", pkg.code_number)
    _add(code, "CodeNotation", pkg.code_notation)
    info = _add(message, "PromulgationInfo")
    _add(info, "Place", pkg.place)
    _add(info, "PromulgationDate", pkg.promulgation_date.strftime(DATE_FORMAT))
    kind = _add(message, "DocumentType")
    _add(kind, "Type", pkg.type_code)
    _add(kind, "TypeName", pkg.type_name)
    _add(message, "Subject", pkg.subject)
    _add(message, "Content", pkg.content)
    signer = _add(message, "SignerInfo")
    _add(signer, "Competence", pkg.signer_competence)
    _add(signer, "Position", pkg.signer_position)
    _add(signer, "FullName", pkg.signer_name)
    if pkg.due_date is not None:
        _add(message, "DueDate", pkg.due_date.strftime(DATE_FORMAT))
    places = _add(message, "ToPlaces")
    for place in pkg.to_places:
        _add(places, "Place", place)
    other = _add(message, "OtherInfo")
    _add(other, "Priority", int(pkg.priority))
    _add(other, "PromulgationAmount", pkg.promulgation_amount)
    _add(other, "PageAmount", pkg.page_amount)
    _add(other, "Appendixes", pkg.appendixes)
    _add(message, "SteeringType", pkg.steering_type)
    _add(message, "DocumentId", pkg.document_id)
    if pkg.trace:
        traces = _add(header, "TraceHeaderList")
        for organ_id, at in pkg.trace:
            trace = _add(traces, "TraceHeader")
            _add(trace, "OrganId", organ_id)
            _add(trace, "Timestamp", at.strftime(TIMESTAMP_FORMAT))
    manifest = _add(_add(envelope, "edXMLBody"), "edXMLManifest")
    manifest.set("version", "1.0")
    parts = [(f"{n}.{seed}@xaso", attachment) for n, attachment in enumerate(pkg.attachments, start=1)]
    for cid, attachment in parts:
        reference = _add(manifest, "Reference")
        _add(reference, "ContentId", f"cid:{cid}")
        _add(reference, "ContentType", attachment.content_type)
        _add(reference, "AttachmentName", attachment.name)
        _add(reference, "Description", attachment.description)
    return _mime(envelope, seed, parts)


def build_status(status: StatusPackage) -> bytes:
    answered = status.response_for
    seed = _seed(answered.document_id, answered.organ_id, status.sender.id, status.status_code,
                 status.timestamp.isoformat())
    envelope = ET.Element(_q("edXMLEnvelope"))
    element = _add(_add(envelope, "edXMLHeader"), "Status")
    response_for = _add(element, "ResponseFor")
    _add(response_for, "OrganId", answered.organ_id)
    _add(response_for, "Code", answered.code)
    if answered.promulgation_date is not None:
        _add(response_for, "PromulgationDate", answered.promulgation_date.strftime(DATE_FORMAT))
    _add(response_for, "DocumentId", answered.document_id)
    _organ(element, "From", status.sender)
    _add(element, "StatusCode", status.status_code)
    _add(element, "Description", status.description)
    _add(element, "Timestamp", status.timestamp.strftime(TIMESTAMP_FORMAT))
    staff = _add(element, "StaffInfo")
    _add(staff, "Department", status.staff.department)
    _add(staff, "Staff", status.staff.name)
    _add(staff, "Email", status.staff.email)
    _add(staff, "Mobile", status.staff.phone)
    _add(envelope, "edXMLBody")
    return _mime(envelope, seed, [])


def _mime(envelope: ET.Element, seed: str, parts: list[tuple[str, Attachment]]) -> bytes:
    ET.indent(envelope)
    xml = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(envelope, encoding="unicode") + "\n"
    root_cid = f"<edxml.{seed}@xaso>"
    root = MIMEPart(policy=POLICY)
    cte = "8bit" if max(len(line) for line in xml.splitlines()) <= MAX_LINE else "base64"
    root.set_content(xml, subtype="xml", charset="utf-8", cte=cte, cid=root_cid)
    package = EmailMessage(policy=POLICY)
    package["MIME-Version"] = "1.0"
    package["Content-Type"] = "multipart/related"
    package.set_param("type", ROOT_TYPE)
    package.set_param("start", root_cid)
    # "=_" never occurs in base64 or quoted-printable; the envelope's own text is checked below.
    boundary, n = f"=_edxml.{seed}", 0
    while boundary in xml:
        n += 1
        boundary = f"=_edxml.{seed}.{n}"
    package.set_boundary(boundary)
    package.attach(root)
    for cid, attachment in parts:
        maintype, _slash, subtype = attachment.content_type.partition("/")
        part = MIMEPart(policy=POLICY)
        part.set_content(attachment.data, maintype or "application", subtype or "octet-stream", cte="base64",
                         disposition="attachment", filename=attachment.name, cid=f"<{cid}>")
        digest = base64.b64encode(hashlib.sha256(attachment.data).digest()).decode()
        part[DIGEST_HEADER] = f"sha-256=:{digest}:"
        package.attach(part)
    data = package.as_bytes()
    limit = settings.XASO_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise EdxmlError(_("The package is larger than the limit of %(limit)s bytes."), code="too_large",
                         params={"limit": limit})
    return data
