# SPDX-License-Identifier: AGPL-3.0-or-later
"""An officer's first inbox page (open dossiers of the commune, oldest appointment first), among 1,000,000.

Project: the selector the page uses (`dossiers.selectors.inbox`), its first 50 rows fetched with the
procedure and the assignee, as the page renders them. Floor: one hand-written keyset query over the same
index (commune, status, due date) with the same joins and LIMIT 50. The issue asks for at most 1.5×;
tests/… assert separately that the page runs a constant number of queries.
"""

from __future__ import annotations

from bench import Result, Stopwatch, best_of

NAME = "officer's inbox, first page"
PAGE = 50


def floor_sql(connection) -> str:
    from xaso.core.accounts.models import User
    from xaso.modules.dossiers.models import OPEN, Dossier
    from xaso.modules.procedures.models import Procedure

    q = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(OPEN))
    return (
        f"SELECT d.*, p.code, p.name, u.username, u.full_name FROM {q(Dossier._meta.db_table)} d "  # noqa: S608
        f"JOIN {q(Procedure._meta.db_table)} p ON p.id = d.procedure_id "
        f"LEFT JOIN {q(User._meta.db_table)} u ON u.id = d.assignee_id "
        f"WHERE d.commune_id = %s AND d.status IN ({marks}) ORDER BY d.due_date, d.received_at, d.id LIMIT {PAGE}"
    )


def run(repeat: int = 5) -> Result:
    from django.db import connection

    from bench import _dossier_data
    from xaso.core import tenancy
    from xaso.core.places.models import Commune
    from xaso.modules.dossiers import selectors
    from xaso.modules.dossiers.models import OPEN

    data = _dossier_data.ensure()
    officer = data["officer"]
    commune = Commune.objects.get(pk=data["commune"])
    sql = floor_sql(connection)
    params = [data["commune"], *[str(s) for s in OPEN]]
    shown: list = []

    def project() -> float:
        with tenancy.acting_as(officer), Stopwatch() as w:
            rows = list(selectors.inbox(user=officer, commune=commune, view="open")[:PAGE])
            shown[:] = [(d.procedure.name, d.assignee) for d in rows]  # what the page reads of each row
        return w.seconds

    def floor() -> float:
        with connection.cursor() as cursor, Stopwatch() as w:
            cursor.execute(sql, params)
            cursor.fetchall()
        return w.seconds

    project(), floor()
    return Result(name=NAME, floor=best_of(repeat * 4, floor), project=best_of(repeat * 4, project),
                  project_what="dossiers.selectors.inbox, first 50 rows with procedure and assignee",
                  floor_what="one hand-written keyset SQL with the same joins, LIMIT 50",
                  notes=[f"{data['n']:,} dossiers; {len(shown)} rows on the page; target: ratio at most 1.5"])
