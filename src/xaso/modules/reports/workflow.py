# SPDX-License-Identifier: AGPL-3.0-or-later
"""A field report's workflow as a table (Signalen's allowed transitions, DIGIT PGR's roles).

An official checks a new report (or merges it into an earlier one), assigns it to whoever fixes it, who
takes it up, may ask the reporter something, and resolves it with an answer. The reporter, unhappy with
the answer, reopens it; satisfied (or after a while), it is closed.
"""

from django.utils.translation import pgettext_lazy

from xaso.core.workflow import Transition, Workflow

from .models import OPEN
from .models import Status as S

VIEW = "reports.report.view"
TRIAGE = "reports.report.triage"
HANDLE = "reports.report.handle"


def _is_handler(user, report) -> bool:
    return report.handler_id is not None and report.handler_id == user.pk


def _is_reporter(user, report) -> bool:
    return report.reporter_id is not None and report.reporter_id == user.pk


T = Transition
# The steps' names have their own context ("field report"): "Close" or "Assign" read otherwise for a dossier.
REPORT = Workflow(
    entity="xaso.reports.report",
    states=S,
    history="steps",
    transitions=[
        T("triage", frozenset({S.NEW}), S.TRIAGED, pgettext_lazy("field report", "Mark as checked"), TRIAGE),
        T("assign", frozenset({S.NEW, S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS}), S.ASSIGNED,
          pgettext_lazy("field report", "Assign"), TRIAGE),
        T("start", frozenset({S.ASSIGNED}), S.IN_PROGRESS,
          pgettext_lazy("field report", "Take it up"), TRIAGE, allows=_is_handler),
        T("ask_reporter", frozenset({S.IN_PROGRESS}), S.WAITING,
          pgettext_lazy("field report", "Ask the reporter"), TRIAGE,
          allows=_is_handler),
        T("reporter_answered", frozenset({S.WAITING}), S.IN_PROGRESS,
          pgettext_lazy("field report", "The reporter answered"), TRIAGE,
          allows=lambda u, r: _is_handler(u, r) or _is_reporter(u, r)),
        T("resolve", frozenset({S.ASSIGNED, S.IN_PROGRESS, S.WAITING}), S.RESOLVED,
          pgettext_lazy("field report", "Resolve"), TRIAGE,
          allows=_is_handler),
        # The reporter is not satisfied with the fix (Signalen's "heropenen"): back to its handler.
        T("reopen", frozenset({S.RESOLVED, S.CLOSED}), S.ASSIGNED,
          pgettext_lazy("field report", "Reopen"), TRIAGE, allows=_is_reporter),
        T("close", frozenset({S.RESOLVED}), S.CLOSED,
          pgettext_lazy("field report", "Close"), TRIAGE, allows=_is_reporter),
        T("merge", frozenset(OPEN), S.DUPLICATE, pgettext_lazy("field report", "Merge into an earlier report"), TRIAGE),
    ],
)
