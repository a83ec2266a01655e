# SPDX-License-Identifier: AGPL-3.0-or-later
"""The sample procedure list (data/sample_procedures.yaml), loaded through the same import as a
province's own file, and enabled in the demo communes. Every procedure it loads is marked as sample data."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction

from xaso.core.audit.services import record
from xaso.core.places.models import Commune

from .models import Enablement, Procedure

SAMPLE = Path(__file__).parent / "data" / "sample_procedures.yaml"
DEMO_COMMUNES = ("06688", "06862", "06994")


def seed_sample_procedures() -> dict[str, int]:
    """Load the sample list (idempotent: a second run finds every row unchanged)."""
    from .services import procedures_import

    rows = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    return procedures_import(actor=None, rows=[{k: "" if v is None else v for k, v in r.items()} for r in rows],
                             is_sample=True)


def enable_all(commune_code: str) -> int:
    """Enable every sample procedure in one commune (run by the system, under an open scope); how many were new."""
    with transaction.atomic():
        commune = Commune.objects.select_for_update().get(pk=commune_code)
        have = set(Enablement.objects.filter(commune=commune).values_list("code", flat=True))
        codes = sorted(set(Procedure.objects.filter(is_sample=True).values_list("code", flat=True)) - have)
        if codes:
            Enablement.objects.bulk_create([Enablement(commune=commune, code=c) for c in codes])
            record(actor=None, action="xaso.procedures.enablement.changed", obj=commune,
                   after={"added": codes, "removed": []})
    return len(codes)


def demo(*, today) -> dict[str, int]:
    counts = seed_sample_procedures()
    enabled = sum(enable_all(code) for code in DEMO_COMMUNES)
    return {"procedures": counts["created"], "enabled procedures": enabled}
