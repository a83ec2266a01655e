# SPDX-License-Identifier: AGPL-3.0-or-later
"""What happens around a dossier's step, inside its transaction: the applicant is told (through the
notifications outbox) and the national portal learns the new status (through the integrations outbox).
Both outboxes send after commit and retry, so a rolled-back step tells nobody anything."""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from xaso.core.integrations import national_portal
from xaso.core.notify.services import notify

# The steps an applicant hears about, and what they are told (rendered in Vietnamese).
_TOLD = {
    "receive": lambda d, s: _("Your dossier %(code)s for “%(procedure)s” has been submitted and is waiting to be "
                              "checked.") % _names(d),
    "accept": lambda d, s: _("Your dossier %(code)s has been accepted. Appointment date: %(due)s.") % _names(d),
    "request_completion": lambda d, s: _("Your dossier %(code)s needs completing: %(note)s") % _names(d, s),
    "refuse": lambda d, s: _("Your dossier %(code)s was not accepted: %(note)s") % _names(d, s),
    "request_documents": lambda d, s: _("Your dossier %(code)s needs more documents: %(note)s. The processing time "
                                        "is paused until they arrive.") % _names(d, s),
    "documents_received": lambda d, s: _("The documents for dossier %(code)s have been received. New appointment "
                                         "date: %(due)s.") % _names(d),
    "extend": lambda d, s: _("We apologise: dossier %(code)s needs more time. New appointment date: %(due)s. "
                             "Reason: %(note)s") % _names(d, s),
    "result_ready": lambda d, s: _("The result of dossier %(code)s is ready.") % _names(d),
    "result_received": lambda d, s: _("The result of dossier %(code)s is ready.") % _names(d),
    "return_result": lambda d, s: _("The result of dossier %(code)s has been returned to you. Please rate the "
                                    "service.") % _names(d),
    "withdraw": lambda d, s: _("Dossier %(code)s has been withdrawn.") % _names(d),
    "stop": lambda d, s: _("The processing of dossier %(code)s has been stopped: %(note)s") % _names(d, s),
}


def _names(dossier, step=None) -> dict:
    return {"code": dossier.code, "procedure": dossier.procedure.name, "note": step.note if step else "",
            "due": dossier.due_date.strftime("%d/%m/%Y") if dossier.due_date else "—"}


def changed(dossier, step_name: str) -> None:
    national_portal.sync_status(dossier, step_name)
    told = _TOLD.get(step_name)
    if told is None:
        return
    step = dossier.steps.order_by("-at", "-id").first()
    with translation.override("vi"):
        body = told(dossier, step)
        subject = _("Dossier %(code)s") % {"code": dossier.code}
    link = (reverse("dossiers:my_dossier", args=[dossier.code]) if dossier.applicant_id
            else reverse("dossiers:lookup") + f"?code={dossier.code}")
    notify(key=f"dossier:{dossier.code}:{dossier.version}", subject=subject, body=body, link=link,
           recipient=dossier.applicant, email=dossier.applicant_email, phone=dossier.applicant_phone)


def escalated(dossier, leaders) -> None:
    with translation.override("vi"):
        subject = _("Overdue dossier %(code)s") % {"code": dossier.code}
        body = _("Dossier %(code)s (%(procedure)s) passed its appointment date %(due)s and is not resolved.") % (
            _names(dossier))
    link = reverse("dossiers:detail", args=[dossier.commune_id, dossier.code])
    for leader in leaders:
        notify(key=f"dossier:{dossier.code}:escalated:{leader.pk}", subject=subject, body=body, link=link,
               recipient=leader)
