# SPDX-License-Identifier: AGPL-3.0-or-later
"""The dossier's workflow as a table: who may move a dossier from which state to which.

Steps follow Decree 118/2025/NĐ-CP: the one-stop officer receives and checks the dossier (accepts it,
asks to complete it with form 02, or refuses with form 03), the specialist resolves it (asking for more
documents pauses the clock), a leader approves, the result is returned at the counter or online.
"""

from django.utils.translation import gettext_lazy as _

from xaso.core.workflow import Transition, Workflow

from .models import Status as S

RECEIVE = "dossiers.dossier.receive"
ASSIGN = "dossiers.dossier.assign"
PROCESS = "dossiers.dossier.process"
APPROVE = "dossiers.dossier.approve"

# Status codes of the National Public Service Portal (1 newly submitted … 10 result returned), so that
# synchronising needs no translation table anywhere else. Code 6 (fees or taxes requested) belongs to
# online payment, which this module does not handle yet.
PORTAL_STATUS = {
    S.RECEIVED: 1, S.INCOMPLETE: 5, S.REFUSED: 3, S.ACCEPTED: 2, S.ASSIGNED: 4, S.PROCESSING: 4,
    S.AWAITING_DOCUMENTS: 5, S.AWAITING_APPROVAL: 4, S.APPROVED: 4, S.FORWARDED: 4, S.RESULT_READY: 9,
    S.RETURNED: 10, S.CLOSED: 10, S.WITHDRAWN: 7, S.STOPPED: 8,
}

BEFORE_RESULT = frozenset({S.RECEIVED, S.INCOMPLETE, S.ACCEPTED, S.ASSIGNED, S.PROCESSING,
                           S.AWAITING_DOCUMENTS})
UNDER_WAY = frozenset({S.ACCEPTED, S.ASSIGNED, S.PROCESSING, S.AWAITING_DOCUMENTS, S.AWAITING_APPROVAL,
                       S.APPROVED})


def _is_applicant(user, dossier) -> bool:
    return dossier.applicant_id is not None and dossier.applicant_id == user.pk


T = Transition
DOSSIER = Workflow(
    entity="xaso.dossiers.dossier",
    states=S,
    history="steps",
    transitions=[
        T("accept", frozenset({S.RECEIVED}), S.ACCEPTED, _("Accept"), RECEIVE),
        T("request_completion", frozenset({S.RECEIVED}), S.INCOMPLETE, _("Ask to complete the dossier"), RECEIVE),
        # The applicant hands in what was missing (at the counter, or online from their account).
        T("complete", frozenset({S.INCOMPLETE}), S.RECEIVED, _("Completed by the applicant"), RECEIVE,
          allows=_is_applicant),
        T("refuse", frozenset({S.RECEIVED, S.INCOMPLETE}), S.REFUSED, _("Refuse"), RECEIVE),
        T("assign", frozenset({S.ACCEPTED, S.ASSIGNED}), S.ASSIGNED, _("Assign"), ASSIGN),
        T("start", frozenset({S.ASSIGNED}), S.PROCESSING, _("Start processing"), PROCESS),
        T("request_documents", frozenset({S.PROCESSING}), S.AWAITING_DOCUMENTS, _("Request more documents"),
          PROCESS),
        T("documents_received", frozenset({S.AWAITING_DOCUMENTS}), S.PROCESSING, _("Documents received"),
          RECEIVE, allows=_is_applicant),
        T("submit", frozenset({S.PROCESSING}), S.AWAITING_APPROVAL, _("Submit for approval"), PROCESS),
        T("send_back", frozenset({S.AWAITING_APPROVAL}), S.PROCESSING, _("Send back for rework"), APPROVE),
        T("approve", frozenset({S.AWAITING_APPROVAL}), S.APPROVED, _("Approve"), APPROVE),
        T("result_ready", frozenset({S.APPROVED}), S.RESULT_READY, _("Result ready"), PROCESS),
        T("forward", frozenset({S.ACCEPTED}), S.FORWARDED, _("Forward to another agency"), ASSIGN),
        T("result_received", frozenset({S.FORWARDED}), S.RESULT_READY, _("Result received from the agency"),
          RECEIVE),
        T("return_result", frozenset({S.RESULT_READY}), S.RETURNED, _("Return the result"), RECEIVE),
        T("close", frozenset({S.RETURNED}), S.CLOSED, _("Close"), RECEIVE),
        T("withdraw", BEFORE_RESULT, S.WITHDRAWN, _("Withdraw"), RECEIVE, allows=_is_applicant),
        T("stop", UNDER_WAY, S.STOPPED, _("Stop processing"), APPROVE),
        # Overdue: the apology and extension request (form 04) with a new appointment date.
        T("extend", UNDER_WAY, None, _("Apologise and extend"), APPROVE),
    ],
)
