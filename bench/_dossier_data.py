# SPDX-License-Identifier: AGPL-3.0-or-later
"""One set of dossiers shared by the dossier benchmarks: XASO_BENCH_DOSSIERS of them (1,000,000 by
default; the test of the benchmarks asks for a few thousand), spread over the communes of Quảng Ninh and
the twelve months of 2026, in every state, written once per database with bulk_create."""

from __future__ import annotations

import datetime as dt
import os
import random
from zoneinfo import ZoneInfo

PROVINCE = "22"
COMMUNE = "06688"  # the commune whose inbox and report are measured
VN = ZoneInfo("Asia/Ho_Chi_Minh")
BATCH = 10_000


def size() -> int:
    return int(os.environ.get("XASO_BENCH_DOSSIERS", "1000000"))


def ensure() -> dict:
    """Create the dossiers unless they are there; return what the benchmarks need to know of them."""
    from xaso import testing
    from xaso.core import tenancy
    from xaso.core.accounts.models import User
    from xaso.core.accounts.roles import Role
    from xaso.core.places.models import Commune
    from xaso.modules.dossiers.models import Dossier, Status
    from xaso.modules.procedures.models import Enablement, Procedure, Sector

    n = size()
    with tenancy.unscoped():
        officer = User.objects.filter(username="bench-officer").first() or testing.make_user(
            "bench-officer", Role.ONE_STOP_OFFICER, commune=COMMUNE)
        procedures = list(Procedure.objects.filter(code__startswith="BENCH."))
        if not procedures:
            sector = Sector.objects.create(code="BENCH", name="Benchmark")
            procedures = [Procedure.objects.create(
                code=f"BENCH.{i}", name=f"Thủ tục thử {i}", sector=sector, level="commune", processing_days=3 + i,
                fee=0, result_type="-", legal_basis="-", online_level="full", effective_from=dt.date(2025, 7, 1))
                for i in range(8)]
            Enablement.objects.bulk_create([Enablement(commune_id=COMMUNE, code=p.code) for p in procedures])
        existing = Dossier.objects.filter(code__startswith="B-").count()
        communes = list(Commune.objects.filter(province=PROVINCE).order_by("code").values_list("code", flat=True))
        rng = random.Random(42)
        states = list(Status.values)
        start = dt.datetime(2026, 1, 1, 8, tzinfo=VN)
        for first in range(existing, n, BATCH):
            rows = []
            for i in range(first, min(n, first + BATCH)):
                received = start + dt.timedelta(minutes=(i * 37) % (365 * 24 * 60))
                status = states[rng.randrange(len(states))]
                due = received.date() + dt.timedelta(days=rng.randrange(1, 20))
                resolved = received + dt.timedelta(days=rng.randrange(0, 25)) if status in (
                    "result_ready", "returned", "closed") else None
                rows.append(Dossier(
                    commune_id=communes[i % len(communes)], code=f"B-{i:08d}", procedure=procedures[i % 8],
                    status=status, channel="2" if i % 3 else "1", applicant_name=f"Người nộp {i}",
                    applicant_id_number=f"{i:012d}", applicant_phone=f"09{i:08d}", received_at=received,
                    accepted_at=received, processing_days=5, clock_start=received.date(), due_date=due,
                    resolved_at=resolved, resolved_on=resolved.date() if resolved else None,
                    assignee=officer if i % 5 == 0 else None))
            Dossier.objects.bulk_create(rows, batch_size=BATCH)
    return {"n": n, "officer": officer, "commune": COMMUNE, "sample_code": f"B-{n // 2:08d}"}
