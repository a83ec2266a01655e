# SPDX-License-Identifier: AGPL-3.0-or-later
"""Telling the petitioner of every step, inside the step's transaction (the notifications outbox sends after
commit), and the chairperson and the assignee of an overdue petition."""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from xaso.core.notify.services import notify

# What the petitioner is told at each step (rendered in Vietnamese).
_TOLD = {
    "file": lambda: _("Your petition %(code)s was received. You will be told by %(accept_by)s whether it is "
                      "accepted, and answered by %(due)s."),
    "accept": lambda: _("Your petition %(code)s was accepted; it will be answered by %(due)s."),
    "assign": lambda: _("Your petition %(code)s was given to the official who will answer it."),
    "answer": lambda: _("Your petition %(code)s is answered: %(answer)s"),
    "publish": lambda: _("The answer to your petition %(code)s is published, without your name."),
    "close": lambda: _("Your petition %(code)s is closed."),
    "forward": lambda: _("Your petition %(code)s is not for the commune to settle; it was forwarded to "
                         "%(forwarded_to)s. %(reason)s"),
    "return": lambda: _("Your petition %(code)s is a complaint or a denunciation, which has its own "
                        "procedure: %(reason)s"),
    "consent": lambda: _("Your choice about publishing the answer to %(code)s was saved."),
}


def changed(petition, step_name: str) -> None:
    told = _TOLD.get(step_name)
    if told is None or not (petition.petitioner_id or petition.petitioner_email or petition.petitioner_phone):
        return
    names = {"code": petition.code, "answer": petition.answer, "forwarded_to": petition.forwarded_to,
             "reason": petition.reason, "due": petition.due_date.strftime("%d/%m/%Y"),
             "accept_by": petition.accept_by.strftime("%d/%m/%Y")}
    with translation.override("vi"):
        body = told() % names
        subject = _("Petition %(code)s") % names
    notify(key=f"petition:{petition.code}:{petition.version}:{step_name}", subject=subject, body=body,
           link=reverse("petitions:follow", args=[petition.token]), recipient=petition.petitioner,
           email=petition.petitioner_email, phone=petition.petitioner_phone)


def escalated(petition, people) -> None:
    with translation.override("vi"):
        subject = _("Overdue petition %(code)s") % {"code": petition.code}
        body = _("Petition %(code)s (%(subject)s) passed its date %(due)s and is not settled.") % {
            "code": petition.code, "subject": petition.subject, "due": petition.due_date.strftime("%d/%m/%Y")}
    link = reverse("petitions:case", args=[petition.commune_id, petition.code])
    for person in people:
        notify(key=f"petition:{petition.code}:escalated:{person.pk}", subject=subject, body=body, link=link,
               recipient=person)
