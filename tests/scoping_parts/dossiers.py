# SPDX-License-Identifier: AGPL-3.0-or-later
"""A dossier of commune A, with the applicant's name as a secret marker: only A's officials see it."""

from django.core.files.uploadedfile import SimpleUploadedFile

from xaso.modules.dossiers import services
from xaso.modules.dossiers.models import Dossier, Paper

# A citizen may file online in any commune: the form is public about commune A.
PUBLIC_ABOUT_A = {"dossiers:apply"}
GENERIC = {}


def private(commune, users, secrets):
    from scoping_parts.procedures import procedure as procedure_of

    procedure = procedure_of(commune)
    dossier = services.dossier_receive(
        actor=users["olivia"], commune=commune, procedure=procedure, channel="1", accept=True,
        applicant=services.Applicant(name=secrets[0], id_number="001190000001", phone="0911000001"),
        uploads={"Tờ khai": SimpleUploadedFile(secrets[2] + ".pdf", b"%PDF-1.4\n%%EOF\n")})
    return {"dossier_code": dossier.code, "paper_id": dossier.components.get().paper_id, "form": "01"}


def state():
    return (sorted(Dossier.objects.values_list("pk", "status", "version", "assignee_id")), Paper.objects.count())
