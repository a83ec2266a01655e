# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes on the procedure list: importing it (province), enabling procedures (commune)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xaso.core.accounts.permissions import can, require
from xaso.core.audit.services import record
from xaso.core.places.models import Commune

from . import imports
from .models import Enablement, Procedure, ProcedureComponent, Sector

FIELDS = ("name", "level", "processing_days", "cutoff_time", "fee", "fee_note", "result_type", "forms",
          "legal_basis", "online_level", "effective_to", "form_fields", "national_portal_url", "is_sample")
COMPONENT_FIELDS = ("order", "name", "original_count", "copy_count", "digital_accepted", "required", "note")


def _picture(procedure: Procedure) -> dict:
    """What one version says, as the audit trail keeps it and as a re-import compares it."""
    return {**{f: getattr(procedure, f) for f in FIELDS}, "sector": procedure.sector.code,
            "components": [{k: getattr(c, k) for k in COMPONENT_FIELDS} for c in procedure.components.all()]}


def _sector(actor, code: str, name: str) -> Sector:
    sector = Sector.objects.select_for_update().filter(code=code).first()
    if sector is None:
        sector = Sector.objects.create(code=code, name=name)
        record(actor=actor, action="xaso.procedures.sector.created", obj=sector, after={"code": code, "name": name})
    elif sector.name != name:
        record(actor=actor, action="xaso.procedures.sector.renamed", obj=sector, before={"name": sector.name},
               after={"name": name})
        sector.name = name
        sector.save(update_fields=["name"])
    return sector


def procedures_import(*, actor, rows: list[dict], is_sample: bool = False) -> dict[str, int]:
    """Create or update procedure versions; all rows or none. Re-importing the same file changes nothing.

    ``actor`` None is the system (the command line, the demo seed); a person needs procedures.procedure.manage.
    """
    if actor is not None and not can(actor, "procedures.procedure.manage"):
        raise PermissionDenied("procedures.procedure.manage")
    cleaned = imports.clean(rows)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        for row in cleaned:
            v = row.values
            sector = _sector(actor, v["sector_code"], v["sector_name"])
            wanted = {**{f: v[f] for f in FIELDS if f != "is_sample"}, "is_sample": is_sample}
            procedure = (Procedure.objects.select_for_update().select_related("sector")
                         .filter(code=v["code"], effective_from=v["effective_from"]).first())
            before = None
            if procedure is None:
                procedure = Procedure.objects.create(code=v["code"], effective_from=v["effective_from"], sector=sector,
                                                     **wanted)
                counts["created"] += 1
            else:
                before = _picture(procedure)
                if before == {**wanted, "sector": sector.code, "components": row.components}:
                    counts["unchanged"] += 1
                    continue
                for name, value in wanted.items():
                    setattr(procedure, name, value)
                procedure.sector = sector
                procedure.save()
                procedure.components.all().delete()
                counts["updated"] += 1
            ProcedureComponent.objects.bulk_create([ProcedureComponent(procedure=procedure, **c)
                                                    for c in row.components])
            record(actor=actor, action=f"xaso.procedures.procedure.{'updated' if before else 'created'}",
                   obj=procedure, before=before, after=_picture(procedure))
    return counts


def enablement_set(*, actor, commune, codes) -> dict[str, list[str]]:
    """The procedures the commune's service center handles are exactly ``codes``."""
    require(actor, "procedures.enablement.change", commune)
    codes = set(codes)
    with transaction.atomic():
        Commune.objects.select_for_update().filter(pk=commune.pk).first()  # one change of a commune's list at a time
        current = set(Enablement.objects.filter(commune=commune).values_list("code", flat=True))
        unknown = codes - set(Procedure.objects.filter(code__in=codes).values_list("code", flat=True))
        if unknown:
            raise ValidationError(_("No procedure has the code %(codes)s.") % {"codes": ", ".join(sorted(unknown))})
        added, removed = sorted(codes - current), sorted(current - codes)
        if not added and not removed:
            return {"added": [], "removed": []}
        Enablement.objects.bulk_create([Enablement(commune=commune, code=c, enabled_by=actor) for c in added])
        Enablement.objects.filter(commune=commune, code__in=removed).delete()
        record(actor=actor, action="xaso.procedures.enablement.changed", obj=commune,
               after={"added": added, "removed": removed})
    return {"added": added, "removed": removed}
