# SPDX-License-Identifier: AGPL-3.0-or-later
"""Documents over the provincial document-exchange axis (QCVN 102:2016 edXML; Decision 28/2018/QĐ-TTg).

Sending: an issued document goes as one edXML package with the sealed PDF, to every agency code the
drafter chose, through the integrations outbox (idempotent by the document's exchange id, retried).
Receiving: packages addressed to a commune's agency code are registered as incoming documents, once
each (by the package's DocumentId); status packages about what we sent are kept on the document's history.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xaso.core.accounts.permissions import require
from xaso.core.integrations import document_axis
from xaso.core.integrations.document_axis import edxml
from xaso.core.integrations.document_axis.packages import (
    Attachment,
    DocumentPackage,
    Organ,
    ResponseFor,
    Staff,
    StatusCode,
    StatusPackage,
    make_document_id,
)
from xaso.core.tenancy import unscoped

from . import services
from .drafting.types import DOCUMENT_TYPES
from .models import Channel, IncomingDocument, Issuer, OutgoingDocument
from .workflow import OUTGOING, REGISTER

log = logging.getLogger(__name__)


def _organ(issuer: Issuer) -> Organ:
    return Organ(id=issuer.organ_id, name=issuer.name)


def _recipients(document) -> list[Organ]:
    known = {i.organ_id: i for i in Issuer.objects.filter(organ_id__in=document.exchange_to)}
    return [_organ(known[code]) if code in known else Organ(id=code, name=code) for code in document.exchange_to]


def exchange_id(document: OutgoingDocument) -> str:
    """The edXML DocumentId: the agency code, the date and the number (unique across the network)."""
    number, _slash, notation = document.number_symbol.partition("/")
    return make_document_id(services.issuer_for(document.commune).organ_id, document.issued_on, number, notation)


def package_for(document: OutgoingDocument) -> DocumentPackage:
    issuer = services.issuer_for(document.commune)
    kind = DOCUMENT_TYPES[document.type_code]
    with document.issued_file.file.open("rb") as f:
        data = f.read()
    number, _slash, notation = document.number_symbol.partition("/")
    return DocumentPackage(
        document_id=exchange_id(document), sender=_organ(issuer), recipients=_recipients(document),
        code_number=number, code_notation=notation, place=issuer.place, promulgation_date=document.issued_on,
        type_code=kind.code, type_name=kind.name, subject=document.summary, content=document.title or document.summary,
        signer_competence=document.signer_competence, signer_position=document.signer_position,
        signer_name=document.signer.full_name or document.signer.username, due_date=None,
        to_places=list(document.recipients), priority=_PRIORITY.get(document.urgency, 0), steering_type=0,
        promulgation_amount=1, page_amount=0, appendixes=0,
        trace=[(issuer.organ_id, timezone.now())],
        attachments=[Attachment(name=document.issued_file.original_name, content_type="application/pdf", data=data)])


# edXML priority: 0 normal, 1 urgent, 2 very urgent, 3 immediate (Khẩn, Thượng khẩn, Hỏa tốc).
_PRIORITY = {"": 0, "khan": 1, "thuong_khan": 2, "hoa_toc": 3}
_URGENCY = {v: k for k, v in _PRIORITY.items()}


def outgoing_send(*, actor, document: OutgoingDocument, version: int | None = None) -> OutgoingDocument:
    """Send the issued document: through the axis to the chosen agencies (and mark it sent either way)."""
    issuer = services.issuer_for(document.commune)
    if document.exchange_to and not issuer.organ_id:
        raise ValidationError(_("Enter the commune's agency code (QCVN 102:2016) on the issuing body's page "
                                "before sending through the exchange axis."), code="organ_id")

    def apply(d):
        if d.exchange_to:
            document_axis.send_package(key=exchange_id(d), package=package_for(d))

    return OUTGOING.fire(document, "send", actor=actor, version=version, apply=apply,
                         data={"to": list(document.exchange_to)})


def send_status(document: IncomingDocument, code: str) -> None:
    """Tell the agency that sent ``document`` through the axis how it is being handled."""
    issuer = services.issuer_for(document.commune)
    if not issuer.organ_id:
        return
    document_axis.send_package(key=f"{document.exchange_id}:status:{issuer.organ_id}:{code}", package=StatusPackage(
        response_for=ResponseFor(organ_id=document.sender_organ_id, document_id=document.exchange_id,
                                 code=document.number_symbol, promulgation_date=document.document_date),
        sender=_organ(issuer), status_code=code, description=_in_vietnamese(StatusCode(code).label),
        timestamp=timezone.now(),
        staff=Staff(name=str(document.handler or ""))))


def _in_vietnamese(text) -> str:
    with translation.override("vi"):  # the answer goes to another Vietnamese agency
        return str(text)


def receive_all() -> int:
    """Fetch and register what the axis holds for every commune with an agency code (a task and a command)."""
    count = 0
    with unscoped():
        issuers = list(Issuer.objects.exclude(organ_id="").select_related("commune"))
    for issuer in issuers:
        with unscoped():
            count += document_axis.receive(issuer.organ_id, lambda pkg, raw, i=issuer: _handle(i, pkg))
    return count


def _handle(issuer: Issuer, package) -> None:
    if isinstance(package, StatusPackage):
        _status_received(issuer, package)
        return
    _register(package, actor=None, commune=issuer.commune, channel=Channel.AXIS)


def package_file(document: OutgoingDocument) -> bytes:
    """The issued document as an edXML package file, for an agency reached by other means than the axis."""
    if document.issued_file_id is None:
        raise ValidationError(_("Only an issued document can be exported as an edXML package."), code="state")
    if not document.exchange_to:
        raise ValidationError(_("An edXML package is addressed: choose the agencies it goes to (on the draft) "
                                "before exporting it."), code="recipients")
    if not services.issuer_for(document.commune).organ_id:
        raise ValidationError(_("Enter the commune's agency code (QCVN 102:2016) on the issuing body's page "
                                "before sending through the exchange axis."), code="organ_id")
    return edxml.build_package(package_for(document))


def incoming_import(*, actor, commune, data: bytes) -> IncomingDocument:
    """Register an edXML package file received by e-mail or on a disk; the same package twice registers once."""
    require(actor, REGISTER, commune)
    package = edxml.parse(data)  # EdxmlError (a ValidationError) says what is wrong, in the user's language
    if isinstance(package, StatusPackage):
        raise ValidationError(_("This is a status package, not a document."), code="status_package")
    return _register(package, actor=actor, commune=commune, channel=Channel.EMAIL)


def _register(package: DocumentPackage, *, actor, commune, channel: str) -> IncomingDocument:
    pdf = next((a for a in package.attachments if a.content_type == "application/pdf"), None)
    kind = package.type_code if package.type_code in DOCUMENT_TYPES else "CV"
    return services.incoming_register(
        actor=actor, commune=commune, channel=channel, exchange_id=package.document_id,
        upload=ContentFile(pdf.data, name=pdf.name) if pdf else None,
        received=services.Received(
            sender=package.sender.name, sender_organ_id=package.sender.id, type_code=kind,
            summary=package.subject or package.content or "—",
            number_symbol=f"{package.code_number}/{package.code_notation}".strip("/"),
            document_date=package.promulgation_date, urgency=_URGENCY.get(package.priority, "")))


def _status_received(issuer: Issuer, status: StatusPackage) -> None:
    organ_id, _sep, rest = status.response_for.document_id.partition(",")
    day, _sep, number_symbol = rest.partition(",")
    document = None
    if organ_id == issuer.organ_id:
        try:
            issued_on = datetime.strptime(day, "%Y/%m/%d").date()
        except ValueError:
            issued_on = None
        document = OutgoingDocument.objects.filter(commune=issuer.commune, issued_on=issued_on,
                                                   number_symbol=number_symbol).first()
    if document is None:
        log.info("status %s for unknown document %s", status.status_code, status.response_for.document_id)
        return
    document.steps.create(transition="exchange_status", from_state=document.status, to_state=document.status,
                          actor_name=status.sender.name, note=f"{status.status_code} {status.description}".strip(),
                          data={"organ_id": status.sender.id, "code": status.status_code}, at=status.timestamp)
