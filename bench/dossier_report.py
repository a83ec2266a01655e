# SPDX-License-Identifier: AGPL-3.0-or-later
"""The monthly report of one commune (per procedure: received, resolved on time and late, pending,
overdue, online share), among 1,000,000 dossiers.

Project: `dossiers.selectors.monthly_report`, as the page and the API call it. Floor: one raw GROUP BY
counting the month's received dossiers per procedure — the least such a report reads. The issue asks
for the report in under one second; the absolute time is printed beside the ratio.
"""

from __future__ import annotations

from bench import Result, Stopwatch, best_of

NAME = "monthly report of a commune"


def run(repeat: int = 5) -> Result:
    import datetime as dt

    from django.db import connection

    from bench import _dossier_data
    from xaso.core import tenancy
    from xaso.core.places.models import Commune
    from xaso.modules.dossiers import selectors
    from xaso.modules.dossiers.models import Dossier

    data = _dossier_data.ensure()
    officer = data["officer"]
    commune = Commune.objects.get(pk=data["commune"])
    q = connection.ops.quote_name
    sql = (f"SELECT procedure_id, COUNT(*) FROM {q(Dossier._meta.db_table)} WHERE commune_id = %s "  # noqa: S608
           f"AND received_at >= %s AND received_at < %s GROUP BY procedure_id")
    since = dt.datetime(2026, 6, 1, tzinfo=_dossier_data.VN)
    until = dt.datetime(2026, 7, 1, tzinfo=_dossier_data.VN)
    sizes = {}

    def project() -> float:
        with tenancy.acting_as(officer), Stopwatch() as w:
            rows = selectors.monthly_report(user=officer, commune=commune, year=2026, month=6,
                                            today=dt.date(2026, 11, 28))
        sizes["received"] = sum(r["received"] for r in rows)
        return w.seconds

    def floor() -> float:
        with connection.cursor() as cursor, Stopwatch() as w:
            cursor.execute(sql, [data["commune"], since, until])
            cursor.fetchall()
        return w.seconds

    result = Result(name=NAME, floor=best_of(repeat, floor), project=best_of(repeat, project),
                    project_what="dossiers.selectors.monthly_report, June 2026",
                    floor_what="one raw GROUP BY of the month's received dossiers per procedure",
                    notes=[f"{data['n']:,} dossiers; {sizes.get('received', 0):,} received by the commune "
                           f"that month; target: under 1 second"])
    return result
