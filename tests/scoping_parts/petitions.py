# SPDX-License-Identifier: AGPL-3.0-or-later
"""Petitions of commune A whose petitioner's name, address and e-mail are the secret markers: one still being
handled (the officials' pages are A's only) and one answered and published (its public page and the public
list show the answer, never who asked). The follow-up page is its token holder's, and shows no personal data."""

from django.core.files.base import ContentFile

from xaso.core.files.services import file_store
from xaso.modules.petitions import services
from xaso.modules.petitions.models import Attachment, Channel, Petition, Topic

GENERIC = {}
PUBLIC_ABOUT_A = {"petitions:published", "petitions:new", "petitions:published_one", "petitions:follow",
                  "petitions:follow_file", "petitions:rules"}


def _file(commune, secrets, subject, consent=False):
    return services.petition_file(
        actor=None, commune=commune, channel=Channel.ONLINE, topic=Topic.OTHER, subject=subject,
        body="Nội dung kiến nghị", consent_to_publish=consent,
        petitioner=services.Petitioner(name=secrets[0], address=secrets[1], email=f"{secrets[2]}@example.org"))


def private(commune, users, secrets):
    open_one = _file(commune, secrets, "Kiến nghị đang xử lý")
    stored = file_store(actor=None, commune=commune, upload=ContentFile(b"%PDF-1.4 x", name="kien-nghi.pdf"))
    attachment = Attachment.objects.create(petition=open_one, file=stored)
    clerk, specialist = users["bob"], users["sam"]
    shown = services.petition_accept(actor=clerk, petition=_file(commune, secrets, "Kiến nghị đã trả lời", True))
    shown = services.petition_assign(actor=clerk, petition=shown, assignee=specialist)
    shown = services.petition_answer(actor=specialist, petition=shown, answer="Câu trả lời công khai")
    services.petition_publish(actor=clerk, petition=shown)
    return {"petition_code": open_one.code, "petition_token": open_one.token, "attachment_id": attachment.pk}


def state():
    return sorted(Petition.objects.values_list("pk", "status", "version", "assignee_id", "consent_to_publish"))
