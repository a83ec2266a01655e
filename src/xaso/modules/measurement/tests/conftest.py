# SPDX-License-Identifier: AGPL-3.0-or-later
"""Fixtures of the measurement tests: the shipped rules, a procedure commune A handles, and dossiers made
through the dossier services (received, resolved on a given day), so the scores come from real records."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xaso import testing
from xaso.core.places.models import Commune
from xaso.modules.dossiers import services
from xaso.modules.measurement import rules

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
APPLICANT = services.Applicant(name="Nguyễn Thị Hoa", id_number="001190012345", phone="0912345678",
                               email="hoa@example.vn", address="Tổ 1, Phường Hạ Long")


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=VN)


def pdf(name="scan.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def shipped_rules(users):
    rules.load_shipped()


@pytest.fixture
def commune_a(users):
    return Commune.objects.get(pk=testing.COMMUNE_A)


@pytest.fixture
def procedure(commune_a):
    """A 5-working-day procedure offered fully online, with a 15:00 cut-off, enabled in commune A."""
    from xaso.modules.procedures.models import Enablement, Procedure, ProcedureComponent, Sector

    sector = Sector.objects.create(code="HT", name="Hộ tịch")
    procedure = Procedure.objects.create(
        code="1.000001", name="Xác nhận tình trạng hôn nhân", sector=sector, level="commune", processing_days=5,
        cutoff_time=dt.time(15, 0), fee=0, result_type="Giấy xác nhận", legal_basis="Nghị định mẫu",
        online_level="full", effective_from=dt.date(2025, 7, 1))
    ProcedureComponent.objects.create(procedure=procedure, order=1, name="Tờ khai", original_count=1, required=True)
    Enablement.objects.create(commune=commune_a, code=procedure.code)
    return procedure


@pytest.fixture
def resolved(users, commune_a, procedure):
    """resolved(on) → a dossier received at the counter on 12 Feb 2026 (due 25 Feb) and resolved ``on``."""

    def make(on: dt.datetime):
        d = services.dossier_receive(actor=users["olivia"], commune=commune_a, procedure=procedure,
                                     applicant=APPLICANT, channel="1", uploads={"Tờ khai": pdf()}, accept=True,
                                     now=at(2026, 2, 12))
        d = services.dossier_assign(actor=users["olivia"], dossier=d, assignee=users["sam"])
        d = services.dossier_start(actor=users["sam"], dossier=d)
        d = services.dossier_submit(actor=users["sam"], dossier=d)
        d = services.dossier_approve(actor=users["hana"], dossier=d)
        return services.dossier_result_ready(actor=users["sam"], dossier=d, upload=pdf("kq.pdf"),
                                             info=services.PaperInfo(title="Kết quả"), now=on)

    return make


@pytest.fixture
def february(shipped_rules, resolved):
    """Commune A's February 2026: three dossiers resolved on time, one late (TDGQ 15 of 20), computed."""
    from xaso.modules.measurement import compute

    on_time = [resolved(at(2026, 2, 24)) for _ in range(3)]
    late = resolved(at(2026, 2, 27))
    compute.recompute({(testing.COMMUNE_A, "2026M02")}, today=dt.date(2026, 3, 10))
    return {"on_time": on_time, "late": late}
