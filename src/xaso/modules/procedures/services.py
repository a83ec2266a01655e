# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes on the procedure list: importing it (province), enabling procedures (commune)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from xaso.core.accounts.permissions import can, require
from xaso.core.audit.services import record

from . import imports
from .models import Enablement, Procedure, ProcedureComponent, Sector

FIELDS = ("name", "level", "processing_days", "cutoff_time", "fee", "fee_note", "result_type", "forms",
          "legal_basis", "online_level", "effective_to", "form_fields")


def procedures_import(*, actor, rows: list[dict], is_sample: bool = False) -> dict[str, int]:
    """Create or update procedure versions; all rows or none. Re-importing the same file changes nothing."""
    if actor is not None and not can(actor, "procedures.procedure.manage"):
        raise PermissionDenied("procedures.procedure.manage")
    cleaned = imports.clean(rows)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        for row in cleaned:
            v = row.values
            sector, _created = Sector.objects.get_or_create(code=v["sector_code"], defaults={"name": v["sector_name"]})
            procedure = Procedure.objects.select_for_update().filter(code=v["code"],
                                                                     effective_from=v["effective_from"]).first()
            wanted = {f: v[f] for f in FIELDS}
            components = [(c["order"], c["name"], c["original_count"], c["copy_count"], c["digital_accepted"],
                           c["required"]) for c in row.components]
            if procedure is None:
                procedure = Procedure.objects.create(code=v["code"], effective_from=v["effective_from"], sector=sector,
                                                     is_sample=is_sample, **wanted)
                counts["created"] += 1
            else:
                current = {f: getattr(procedure, f) for f in FIELDS}
                have = [(c.order, c.name, c.original_count, c.copy_count, c.digital_accepted, c.required)
                        for c in procedure.components.all()]
                if current == wanted and have == components and procedure.sector_id == sector.pk:
                    counts["unchanged"] += 1
                    continue
                for f, value in wanted.items():
                    setattr(procedure, f, value)
                procedure.sector = sector
                procedure.save()
                procedure.components.all().delete()
                counts["updated"] += 1
            ProcedureComponent.objects.bulk_create([ProcedureComponent(procedure=procedure, **c)
                                                    for c in row.components])
        if counts["created"] or counts["updated"]:
            record(actor=actor, action="xaso.procedures.procedure.imported", obj=procedure, after=counts)
    return counts


def enablement_set(*, actor, commune, codes) -> dict[str, list[str]]:
    """The procedures the commune's service center handles are exactly ``codes``."""
    require(actor, "procedures.enablement.change", commune)
    codes = set(codes)
    with transaction.atomic():
        current = set(Enablement.objects.filter(commune=commune).values_list("code", flat=True))
        known = set(Procedure.objects.filter(code__in=codes).values_list("code", flat=True))
        added, removed = sorted(known - current), sorted(current - codes)
        if not added and not removed:
            return {"added": [], "removed": []}
        Enablement.objects.bulk_create([Enablement(commune=commune, code=c, enabled_by=actor) for c in added])
        Enablement.objects.filter(commune=commune, code__in=removed).delete()
        record(actor=actor, action="xaso.procedures.enablement.changed", obj=commune,
               after={"added": added, "removed": removed})
    return {"added": added, "removed": removed}
