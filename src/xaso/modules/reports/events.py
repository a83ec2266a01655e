# SPDX-License-Identifier: AGPL-3.0-or-later
"""What happens around a field report's change, inside its transaction: the reporter is told (the
notifications outbox: in the app, by e-mail, by SMS) and the province's IOC gets one event (the
integrations outbox). Both send after commit and retry; a rolled-back step tells nobody anything."""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from xaso.core.integrations import ioc
from xaso.core.notify.services import notify

# What the reporter is told at each step (rendered in Vietnamese).
_TOLD = {
    "file": lambda r: _("Your report %(code)s was received. It will be resolved by %(due)s."),
    "assign": lambda r: _("Your report %(code)s was given to the official who will fix it."),
    "start": lambda r: _("Work on your report %(code)s has started."),
    "ask_reporter": lambda r: _("The commune has a question about your report %(code)s: %(note)s"),
    "resolve": lambda r: _("Your report %(code)s is resolved: %(note)s Please tell us if you are satisfied."),
    "reopen": lambda r: _("Your report %(code)s was reopened and will be handled again."),
    "close": lambda r: _("Your report %(code)s is closed. Thank you."),
    "merge": lambda r: _("Your report %(code)s is the same problem as an earlier report; follow it there."),
}


def changed(report, step_name: str) -> None:
    _to_ioc(report, step_name)
    told = _TOLD.get(step_name)
    if told is None or not (report.reporter_id or report.reporter_email or report.reporter_phone):
        return
    step = report.steps.order_by("-at", "-id").first()
    names = {"code": report.code, "note": step.note if step else "",
             "due": report.due_date.strftime("%d/%m/%Y") if report.due_date else "—"}
    with translation.override("vi"):
        body = told(report) % names
        subject = _("Field report %(code)s") % names
    notify(key=f"report:{report.code}:{report.version}", subject=subject, body=body,
           link=reverse("reports:report", args=[report.code]), recipient=report.reporter,
           email=report.reporter_email, phone=report.reporter_phone)


def _to_ioc(report, step_name: str) -> None:
    """One event per change (the report's code and version): never two different events for one change."""
    ioc.publish(kind="report.changed", key=f"{report.code}:{report.version}", payload={
        "code": report.code, "commune": report.commune_id, "category": report.category.code,
        "category_name": report.category.name, "status": report.status, "step": step_name,
        "latitude": str(report.latitude) if report.latitude is not None else None,
        "longitude": str(report.longitude) if report.longitude is not None else None,
        "village": report.village.name if report.village_id else "", "reported_at": report.created_at.isoformat(),
        "due_date": report.due_date.isoformat() if report.due_date else None, "version": report.version,
        "rating": report.rating})


def escalated(report, people) -> None:
    with translation.override("vi"):
        subject = _("Overdue field report %(code)s") % {"code": report.code}
        body = _("Field report %(code)s (%(category)s) passed its date %(due)s and is not resolved.") % {
            "code": report.code, "category": report.category.name, "due": report.due_date.strftime("%d/%m/%Y")}
    link = reverse("reports:case", args=[report.commune_id, report.code])
    for person in people:
        notify(key=f"report:{report.code}:escalated:{person.pk}", subject=subject, body=body, link=link,
               recipient=person)
