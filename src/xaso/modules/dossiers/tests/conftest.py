# SPDX-License-Identifier: AGPL-3.0-or-later
"""Fixtures of the dossier tests: a procedure commune A handles, files, and a dossier at the counter."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xaso import testing
from xaso.core.places.models import Commune
from xaso.modules.dossiers import services

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=VN)


def pdf(name="scan.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def commune_a(users):
    return Commune.objects.get(pk=testing.COMMUNE_A)


@pytest.fixture
def procedure(commune_a, users):
    """A 5-working-day procedure with a 15:00 cut-off and two components, one required."""
    from xaso.modules.procedures.models import Enablement, Procedure, ProcedureComponent, Sector

    sector = Sector.objects.create(code="HT", name="Hộ tịch")
    procedure = Procedure.objects.create(
        code="1.000001", name="Xác nhận tình trạng hôn nhân", sector=sector, level="commune", processing_days=5,
        cutoff_time=dt.time(15, 0), fee=0, result_type="Giấy xác nhận", legal_basis="Nghị định mẫu",
        online_level="full", effective_from=dt.date(2025, 7, 1))
    ProcedureComponent.objects.create(procedure=procedure, order=1, name="Tờ khai", original_count=1, required=True)
    ProcedureComponent.objects.create(procedure=procedure, order=2, name="Giấy tờ khác", copy_count=1,
                                      required=False)
    Enablement.objects.create(commune=commune_a, code=procedure.code)
    return procedure


APPLICANT = services.Applicant(name="Nguyễn Thị Hoa", id_number="001190012345", phone="0912345678",
                               email="hoa@example.vn", address="Tổ 1, Phường Hạ Long")


@pytest.fixture
def receive(users, commune_a, procedure):
    """receive(**overrides) → a dossier filed at the counter by Olivia (accepted unless told otherwise)."""

    def make(**kwargs):
        args = {"actor": users["olivia"], "commune": commune_a, "procedure": procedure, "applicant": APPLICANT,
                "channel": "1", "uploads": {"Tờ khai": pdf()}, "accept": True, "now": at(2026, 2, 12)}
        args.update(kwargs)
        return services.dossier_receive(**args)

    return make
