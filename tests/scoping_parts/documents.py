# SPDX-License-Identifier: AGPL-3.0-or-later
"""An incoming document, a draft and a work file of commune A, each carrying a secret marker in what the
pages show: only A's officials may see them. The issuing body (name and agency code) is public."""

from xaso.modules.documents import services
from xaso.modules.documents.models import IncomingDocument, OutgoingDocument, WorkFile

GENERIC = {"incoming": "incoming_id", "outgoing": "outgoing_id", "work-files": "work_file_id"}
PUBLIC_ABOUT_A = set()


def private(commune, users, secrets):
    incoming = services.incoming_register(
        actor=users["bob"], commune=commune,
        received=services.Received(sender="Sở Nội vụ", type_code="CV", summary=secrets[0]))
    draft = services.outgoing_create(
        actor=users["sam"], commune=commune, type_code="CV", title="", summary=secrets[1], addressees=[],
        body=secrets[2], recipients=["Lưu: VT."], urgency="", confidentiality="", signer=users["hana"],
        signer_competence="TM. ỦY BAN NHÂN DÂN", signer_position="CHỦ TỊCH", work_file=None, exchange_to=[])
    work_file = services.work_file_open(actor=users["sam"], commune=commune, title=secrets[0])
    return {"incoming_id": incoming.pk, "outgoing_id": draft.pk, "work_file_id": work_file.pk, "fmt": "pdf"}


def state():
    return (sorted(IncomingDocument.objects.values_list("pk", "status", "version", "handler_id")),
            sorted(OutgoingDocument.objects.values_list("pk", "status", "version", "number")),
            WorkFile.objects.count())
