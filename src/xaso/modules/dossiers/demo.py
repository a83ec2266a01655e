# SPDX-License-Identifier: AGPL-3.0-or-later
"""Demo dossiers for Phường Hạ Long, in every stage, written through the services (see xaso.core.demo).

Each has an idempotency key, so a second run finds it and adds nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from xaso.core.accounts.models import User
from xaso.core.clock.calendar import calendar_for
from xaso.core.places.models import Commune

from . import services
from .models import Dossier

COMMUNE = "06688"
# A one-page PDF: enough for the type check, the download and the e-data store.
SCAN = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 420 595]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

PEOPLE = (
    ("Nguyễn Thị Mai", "022190001234", "0912000111"),
    ("Trần Văn Long", "022188005678", "0987000222"),
    ("Phạm Thị Hạnh", "022195002468", "0905000333"),
    ("Lê Quang Vinh", "022172001357", "0934000444"),
    ("Vũ Thị Thanh", "022199008642", "0977000555"),
    ("Đặng Văn Khoa", "022180009753", "0966000666"),
    ("Bùi Thị Nga", "022193003141", "0945000777"),
)
# How far each demo dossier goes: the steps after acceptance.
STAGES = ("accepted", "processing", "awaiting_documents", "awaiting_approval", "result_ready", "rated", "overdue")


def _scan(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, SCAN, content_type="application/pdf")


def _uploads(procedure) -> dict:
    return {c.name: _scan(f"{i}.pdf") for i, c in enumerate(procedure.components.all()) if c.required}


def seed(*, today: date) -> dict[str, int]:
    from xaso.modules.procedures.selectors import enabled_procedures

    commune = Commune.objects.get(pk=COMMUNE)
    procedures = list(enabled_procedures(commune))
    if not procedures:
        return {"dossiers": 0}
    officer = User.objects.get(username="halong-one-stop-officer")
    specialist = User.objects.get(username="halong-specialist")
    leader = User.objects.get(username="halong-chairperson")
    cal = calendar_for(commune.province_id)
    made = 0
    for n, (stage, (name, id_number, phone)) in enumerate(zip(STAGES, PEOPLE, strict=True)):
        key = f"demo-{COMMUNE}-{n}"
        if Dossier.objects.filter(idempotency_key=key).exists():
            continue
        procedure = procedures[n % len(procedures)]
        # The overdue one was accepted well before its processing time ran out.
        days_back = procedure.processing_days + 3 if stage == "overdue" else min(n, 2)
        day = today
        for _ in range(days_back):
            day = day - timedelta(days=1)
            while not cal.is_working_day(day):
                day = day - timedelta(days=1)
        received = timezone.make_aware(datetime.combine(day, time(9, 15 + n)))
        d = services.dossier_receive(
            actor=officer, commune=commune, procedure=procedure, channel="1", uploads=_uploads(procedure),
            applicant=services.Applicant(name=name, id_number=id_number, phone=phone, address="Phường Hạ Long"),
            idempotency_key=key, accept=True, now=received)
        made += 1
        if stage == "accepted":
            continue
        d = services.dossier_assign(actor=officer, dossier=d, assignee=specialist)
        d = services.dossier_start(actor=specialist, dossier=d)
        if stage in ("processing", "overdue"):
            continue
        if stage == "awaiting_documents":
            services.dossier_request_documents(actor=specialist, dossier=d, missing="Bản sao giấy khai sinh")
            continue
        d = services.dossier_submit(actor=specialist, dossier=d)
        if stage == "awaiting_approval":
            continue
        d = services.dossier_approve(actor=leader, dossier=d)
        d = services.dossier_result_ready(actor=specialist, dossier=d, upload=_scan("ket-qua.pdf"),
                                          info=services.PaperInfo(title=procedure.result_type or procedure.name,
                                                                  number=f"{n}/2026", issuer=f"UBND {commune.name}"))
        if stage == "rated":
            d = services.dossier_return(actor=officer, dossier=d)
            services.dossier_rate(actor=officer, dossier=d, score=5, reasons=["fast", "helpful"], channel="1")
    return {"dossiers": made}
