# SPDX-License-Identifier: AGPL-3.0-or-later
"""What happens around a document's step, inside its transaction: the person who now holds it is told
(notifications outbox), and an agency that sent a document through the exchange axis learns how it is
being handled (status packages, through the integrations outbox). Both send after commit and retry."""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from xaso.core.notify.services import notify

# The incoming steps an agency hears about, as edXML status codes (QCVN 102:2016, DOMAIN.md §8).
AXIS_STATUS = {"register": "03", "assign": "04", "start": "05", "finish": "06"}


def _incoming_link(document) -> str:
    return reverse("documents:incoming", args=[document.commune_id, document.pk])


def _outgoing_link(document) -> str:
    return reverse("documents:outgoing", args=[document.commune_id, document.pk])


def incoming_registered(document, actor) -> None:
    _tell_sender(document, "register")


def incoming_changed(document, step_name: str) -> None:
    _tell_sender(document, step_name)
    if step_name == "assign" and document.handler_id:
        with translation.override("vi"):
            subject = _("Incoming document %(n)02d/%(y)s for you") % {"n": document.arrival_number,
                                                                    "y": document.year}
            body = _("%(summary)s (from %(sender)s). Deadline: %(deadline)s.") % {
                "summary": document.summary, "sender": document.sender,
                "deadline": document.deadline.strftime("%d/%m/%Y")}
        notify(key=f"documents:incoming:{document.pk}:{document.version}", subject=subject, body=body,
               link=_incoming_link(document), recipient=document.handler)


# Who holds an outgoing document after each step, and what they are told.
_OUTGOING_TOLD = {
    "submit": lambda d: (None, _("Draft “%(summary)s” waits for review.")),
    "review": lambda d: (d.signer, _("Draft “%(summary)s” waits for your approval.")),
    "approve": lambda d: (d.signer, _("“%(summary)s” is approved and waits for your digital signature.")),
    "send_back": lambda d: (d.drafted_by, _("Draft “%(summary)s” was sent back to you: %(note)s")),
}


def outgoing_changed(document, step_name: str) -> None:
    told = _OUTGOING_TOLD.get(step_name)
    if told is None:
        return
    recipient, text = told(document)
    if recipient is None:
        return
    step = document.steps.order_by("-at", "-id").first()
    with translation.override("vi"):
        body = text % {"summary": document.summary[:120], "note": step.note if step else ""}
        subject = _("Official document: %(step)s") % {"step": step.transition if step else step_name}
    notify(key=f"documents:outgoing:{document.pk}:{document.version}", subject=subject, body=body,
           link=_outgoing_link(document), recipient=recipient)


def _tell_sender(document, step_name: str) -> None:
    code = AXIS_STATUS.get(step_name)
    if code is None or not document.exchange_id or not document.sender_organ_id:
        return
    from .exchange import send_status

    send_status(document, code)
