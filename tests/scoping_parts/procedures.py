# SPDX-License-Identifier: AGPL-3.0-or-later
"""The procedure list is public, and so is which procedures a commune handles; changing them is not."""

import datetime as dt

from xaso.modules.procedures.models import Enablement, Procedure, ProcedureComponent, Sector

GENERIC = {}
PUBLIC_ABOUT_A = {"procedures:commune", "procedures:guide", "procedures_api:commune-enabled", "procedures_api:detail"}
CODE = "9.999001"


def procedure(commune) -> Procedure:
    """The procedure commune A handles (the dossiers part files a dossier under it too)."""
    found = Procedure.objects.filter(code=CODE).first()
    if found is None:
        sector = Sector.objects.create(code="SCOPE", name="Lĩnh vực thử")
        found = Procedure.objects.create(code=CODE, name="Thủ tục thử phạm vi", sector=sector, processing_days=3,
                                         online_level="full", effective_from=dt.date(2025, 1, 1))
        ProcedureComponent.objects.create(procedure=found, name="Tờ khai", original_count=1)
        Enablement.objects.create(commune=commune, code=CODE)
    return found


def private(commune, users, secrets):
    return {"procedure_code": procedure(commune).code}


def state():
    return (sorted(Enablement.objects.values_list("commune_id", "code")), Procedure.objects.count(),
            ProcedureComponent.objects.count())
