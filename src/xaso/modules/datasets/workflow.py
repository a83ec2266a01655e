# SPDX-License-Identifier: AGPL-3.0-or-later
"""A return's workflow as a table (DHIS2's data approval).

Draft → submitted by the commune → approved, which locks it, or returned for correction with a note. The
approver may unlock an approved return (a figure found wrong later): it goes back to the commune as
returned, and the step says why. Which approver (the province or the commune's leadership) is the
dataset's choice: ``services`` checks it on top of the verb.
"""

from django.utils.translation import pgettext_lazy

from xaso.core.workflow import Transition, Workflow

from .models import Status as S

VIEW = "datasets.return.view"
ENTER = "datasets.return.enter"
SUBMIT = "datasets.return.submit"
APPROVE = "datasets.return.approve"

T = Transition
RETURN = Workflow(
    entity="xaso.datasets.return",
    states=S,
    history="steps",
    transitions=[
        T("submit", frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, pgettext_lazy("return", "Submit"), SUBMIT),
        T("approve", frozenset({S.SUBMITTED}), S.APPROVED, pgettext_lazy("return", "Approve and lock"), APPROVE),
        T("send_back", frozenset({S.SUBMITTED}), S.RETURNED,
          pgettext_lazy("return", "Return for correction"), APPROVE),
        T("unlock", frozenset({S.APPROVED}), S.RETURNED, pgettext_lazy("return", "Unlock for correction"), APPROVE),
    ],
)
