# SPDX-License-Identifier: AGPL-3.0-or-later
"""Measurement: commune A's snapshots for October 2026, with a figure entered by hand whose note carries a
secret marker, and a dossier of A resolved late, which the drill-down under the lost points lists."""

import datetime as dt

from django.utils import timezone

from xaso.modules.dossiers.models import Dossier
from xaso.modules.measurement import compute, months, rules
from xaso.modules.measurement.models import Figure, IndicatorValue, Origin, Score
from xaso.modules.procedures.models import Procedure, Sector

GENERIC = {}
# The rules (766 weights, indicators) are the same rules for every commune of the province: no commune's data.
PUBLIC_ABOUT_A = {"measurement:rules"}
PERIOD = "2026M10"


def private(commune, users, secrets):
    rules.load_shipped()
    sector, _ = Sector.objects.get_or_create(code="SCOPE", defaults={"name": "Phạm vi"})
    procedure = Procedure.objects.create(code="SCOPE.766", name="Thủ tục phạm vi", sector=sector, processing_days=3,
                                         online_level="full", effective_from=dt.date(2025, 7, 1))
    at = timezone.make_aware(dt.datetime(2026, 10, 5, 9))
    Dossier.objects.create(commune=commune, code=f"SCOPE-{secrets[2]}", procedure=procedure, status="returned",
                           channel="1", applicant_name=secrets[0], applicant_id_number="001190012345",
                           received_at=at, processing_days=3, due_date=dt.date(2026, 10, 8),
                           resolved_on=dt.date(2026, 10, 20))
    Figure.objects.create(commune=commune, period=PERIOD, measure="payments.online", numerator=1, denominator=2,
                          origin=Origin.MANUAL, entered_by=users["alice"], note=secrets[1], computed_at=timezone.now())
    october = months.parse(PERIOD, dt.date(2026, 11, 20))
    compute.rebuild(first=october, last=october, communes=[commune.pk], today=dt.date(2026, 11, 20))
    return {"period": PERIOD, "criterion": "TDGQ.1"}


def state():
    return (sorted(Figure.objects.values_list("pk", "numerator", "denominator", "origin", "note")),
            sorted(IndicatorValue.objects.values_list("pk", "value")),
            sorted(Score.objects.values_list("pk", "total")))
