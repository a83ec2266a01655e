# SPDX-License-Identifier: AGPL-3.0-or-later
"""The two workflows of official documents, as tables.

Incoming (Decree 30/2020 Art. 20–24): the clerk registers a document, a leader or the clerk assigns it to
a handler with a deadline, the handler takes it up and closes it (often with a reply).

Outgoing (Art. 10–16 and 18): a specialist drafts, a reviewer checks the draft, a leader approves it, the
signer signs it with their personal digital signature, the clerk gives it its number and date and
applies the organisation's digital signature (the seal), which issues it; then it is sent.
"""

from django.utils.translation import gettext_lazy as _

from xaso.core.workflow import Transition, Workflow

from .models import IncomingStatus as I
from .models import OutgoingStatus as O

VIEW = "documents.document.view"
REGISTER = "documents.incoming.register"
ASSIGN = "documents.incoming.assign"
DRAFT = "documents.outgoing.draft"
REVIEW = "documents.outgoing.review"
APPROVE = "documents.outgoing.approve"
ISSUE = "documents.outgoing.issue"


def _is_handler(user, document) -> bool:
    return document.handler_id is not None and document.handler_id == user.pk


def _is_drafter(user, document) -> bool:
    return document.drafted_by_id == user.pk and user.commune_id == document.commune_id


def _is_signer(user, document) -> bool:
    return document.signer_id == user.pk and user.commune_id == document.commune_id


T = Transition
INCOMING = Workflow(
    entity="xaso.documents.incoming",
    states=I,
    history="steps",
    transitions=[
        T("assign", frozenset({I.REGISTERED, I.ASSIGNED, I.IN_PROGRESS}), I.ASSIGNED, _("Assign to a handler"),
          ASSIGN),
        T("start", frozenset({I.ASSIGNED}), I.IN_PROGRESS, _("Take it up"), None, allows=_is_handler),
        T("finish", frozenset({I.ASSIGNED, I.IN_PROGRESS}), I.DONE, _("Mark as done"), ASSIGN,
          allows=_is_handler),
        T("reopen", frozenset({I.DONE}), I.IN_PROGRESS, _("Reopen"), ASSIGN),
    ],
)

EDITABLE = frozenset({O.DRAFT})
OUTGOING = Workflow(
    entity="xaso.documents.outgoing",
    states=O,
    history="steps",
    transitions=[
        T("edit", EDITABLE, None, _("Save the draft"), None, allows=_is_drafter),
        T("submit", EDITABLE, O.IN_REVIEW, _("Send for review"), None, allows=_is_drafter),
        T("review", frozenset({O.IN_REVIEW}), O.REVIEWED, _("Reviewed: send for approval"), REVIEW),
        T("send_back", frozenset({O.IN_REVIEW, O.REVIEWED, O.APPROVED}), O.DRAFT, _("Send back to the drafter"),
          REVIEW),
        T("approve", frozenset({O.REVIEWED}), O.APPROVED, _("Approve"), APPROVE),
        # Only the person named as signer signs, whatever their role allows (checked by ``allows``).
        T("sign", frozenset({O.APPROVED}), O.SIGNED, _("Sign digitally"), None, allows=_is_signer),
        T("issue", frozenset({O.SIGNED}), O.ISSUED, _("Number, seal and issue"), ISSUE),
        T("send", frozenset({O.ISSUED}), O.SENT, _("Send"), ISSUE),
        T("cancel", frozenset({O.DRAFT, O.IN_REVIEW, O.REVIEWED, O.APPROVED}), O.CANCELLED, _("Cancel"), APPROVE,
          allows=_is_drafter),
    ],
)
