# SPDX-License-Identifier: AGPL-3.0-or-later
"""The sample procedure list (data/sample_procedures.yaml), loaded through the same import as a
province's own file, and enabled in the demo communes."""

from __future__ import annotations

from pathlib import Path

import yaml

from .models import Enablement

SAMPLE = Path(__file__).parent / "data" / "sample_procedures.yaml"
DEMO_COMMUNES = ("06688", "06862", "06994")


def seed_sample_procedures() -> dict[str, int]:
    from .services import procedures_import

    rows = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    return procedures_import(actor=None, rows=[{k: "" if v is None else v for k, v in r.items()} for r in rows],
                             is_sample=True)


def enable_all(commune_code: str) -> int:
    from .models import Procedure

    have = set(Enablement.objects.filter(commune_id=commune_code).values_list("code", flat=True))
    codes = sorted(set(Procedure.objects.filter(is_sample=True).values_list("code", flat=True)) - have)
    Enablement.objects.bulk_create([Enablement(commune_id=commune_code, code=c) for c in codes])
    return len(codes)


def demo(*, today) -> dict[str, int]:
    counts = seed_sample_procedures()
    enabled = sum(enable_all(code) for code in DEMO_COMMUNES)
    return {"procedures": counts["created"], "enabled procedures": enabled}
