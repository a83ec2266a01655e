# SPDX-License-Identifier: AGPL-3.0-or-later
"""A petition's workflow as a table.

Received → accepted (thụ lý) → assigned → answered → published (the petitioner agreed) or closed. Before it
is answered, an official may instead forward it to the competent body (Luật Tiếp công dân 2013 art. 26(2))
or return it as a complaint or denunciation, which has its own procedure (Luật Khiếu nại, Luật Tố cáo).
Only the official it is assigned to answers it.
"""

from django.utils.translation import pgettext_lazy

from xaso.core.accounts.permissions import can
from xaso.core.workflow import Transition, Workflow

from .models import OPEN
from .models import Status as S

VIEW = "petitions.petition.view"
TRIAGE = "petitions.petition.triage"
HANDLE = "petitions.petition.handle"


def _is_assignee(user, petition) -> bool:
    """The assignee, still an official of the petition's commune (a moved official no longer answers)."""
    return (petition.assignee_id is not None and petition.assignee_id == user.pk
            and can(user, HANDLE, petition.commune))


T = Transition
# Their own translation context ("petition"): "Accept" or "Close" read otherwise for a dossier.
PETITION = Workflow(
    entity="xaso.petitions.petition",
    states=S,
    history="steps",
    transitions=[
        T("accept", frozenset({S.RECEIVED}), S.ACCEPTED, pgettext_lazy("petition", "Accept (thụ lý)"), TRIAGE),
        T("assign", frozenset({S.ACCEPTED, S.ASSIGNED}), S.ASSIGNED, pgettext_lazy("petition", "Assign"), TRIAGE),
        # No verb: only the assignee answers, whatever their role.
        T("answer", frozenset({S.ASSIGNED}), S.ANSWERED, pgettext_lazy("petition", "Answer"), None,
          allows=_is_assignee),
        T("publish", frozenset({S.ANSWERED}), S.PUBLISHED, pgettext_lazy("petition", "Publish the answer"), TRIAGE),
        T("close", frozenset({S.ANSWERED}), S.CLOSED, pgettext_lazy("petition", "Close without publishing"), TRIAGE),
        T("forward", frozenset(OPEN), S.FORWARDED, pgettext_lazy("petition", "Not ours: forward it"), TRIAGE),
        T("return", frozenset(OPEN), S.RETURNED,
          pgettext_lazy("petition", "Return it: a complaint or denunciation"), TRIAGE),
    ],
)
