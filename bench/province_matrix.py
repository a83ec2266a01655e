# SPDX-License-Identifier: AGPL-3.0-or-later
"""Render the province matrix (communes × layers, share live) for the largest province.

Province 79, Thành phố Hồ Chí Minh, has 168 communes: each gets an adoption record for every
component that applies to it (about 150 of the 170, by area type), created with bulk_create, with the
four statuses spread evenly. Project: GET /model/matrix/?province=79 through django.test.Client as a
system administrator — the whole HTML page path (middleware, scoping, selectors, template).
Floor: the one raw SQL aggregate the page needs at the least, live adoptions counted by commune and
layer for that province, fetched. Everything runs in a transaction rolled back at the end.
"""

from __future__ import annotations

from bench import Result, Stopwatch, best_of, rolled_back

NAME = "province matrix, 168 communes"
PROVINCE = "79"
STATUSES = ("not_started", "planned", "in_progress", "live")


def seed(province: str) -> int:
    """Create an adoption record for every applicable component of every commune of the province."""
    from xaso.core import tenancy
    from xaso.core.catalogue.models import Adoption, Component
    from xaso.core.places.models import Commune

    with tenancy.unscoped():
        components = list(Component.objects.order_by("position"))
        rows = []
        for i, commune in enumerate(Commune.objects.filter(province=province).order_by("code")):
            applicable = [c for c in components if c.applies_to(commune)]
            rows += [Adoption(commune=commune, component=c, status=STATUSES[(i + j) % len(STATUSES)])
                     for j, c in enumerate(applicable)]
        Adoption.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def floor_sql(connection) -> str:
    from xaso.core.catalogue.models import Adoption, Component
    from xaso.core.places.models import Commune

    q = connection.ops.quote_name
    a, c, m = (q(model._meta.db_table) for model in (Adoption, Component, Commune))

    def col(model, name):
        return q(model._meta.get_field(name).column)

    return (
        f"SELECT a.{col(Adoption, 'commune')}, c.{col(Component, 'layer')}, COUNT(*) "  # noqa: S608
        f"FROM {a} a JOIN {m} m ON m.{col(Commune, 'code')} = a.{col(Adoption, 'commune')} "
        f"JOIN {c} c ON c.{col(Component, 'key')} = a.{col(Adoption, 'component')} "
        f"WHERE m.{col(Commune, 'province')} = %s AND a.{col(Adoption, 'status')} = %s "
        f"GROUP BY a.{col(Adoption, 'commune')}, c.{col(Component, 'layer')}"
    )


def run(repeat: int = 5) -> Result:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from xaso import testing
    from xaso.core import tenancy
    from xaso.core.accounts.roles import Role

    with rolled_back():
        with tenancy.unscoped():
            admin = testing.make_user("bench-admin", Role.SYSTEM_ADMIN)
        records = seed(PROVINCE)
        client = Client()
        testing.sign_in(client, admin)
        url = reverse("catalogue:matrix") + f"?province={PROVINCE}"
        sql = floor_sql(connection)
        sizes = {}

        def project() -> float:
            with Stopwatch() as w:
                response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} answered {response.status_code}, not 200")
            sizes["page"] = len(response.content)
            return w.seconds

        def floor() -> float:
            with connection.cursor() as cursor, Stopwatch() as w:
                cursor.execute(sql, [PROVINCE, "live"])
                sizes["rows"] = len(cursor.fetchall())
            return w.seconds

        result = Result(
            name=NAME,
            floor=best_of(repeat, floor),
            project=best_of(repeat, project),
            project_what=f"GET {url} (HTML, system administrator)",
            floor_what="one raw SQL: live adoptions by commune and layer",
            notes=[f"{records:,} adoption records; page {sizes['page'] / 1024:.0f} KiB; "
                   f"floor returns {sizes['rows']:,} rows"],
        )
    return result
