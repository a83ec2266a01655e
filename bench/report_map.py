# SPDX-License-Identifier: AGPL-3.0-or-later
"""The public map of field reports: one phone-sized viewport (about 1 km² of Hạ Long) among 200,000 reports.

Project: the map's GeoJSON view (`reports.views_public.geojson`), through Django's request handling, the
scoped query and the JSON it sends. Floor: the raw SQL over the same latitude/longitude index returning the
same columns for the same viewport. The issue asks for at most 1.5×.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from decimal import Decimal

from bench import Result, Stopwatch, best_of

NAME = "field-report map, one viewport"
COMMUNE = "06688"
BATCH = 10_000
# Reports spread over a 0.2° square around Hạ Long (about 22 × 22 km); the viewport is 0.01° square.
SOUTH, WEST, SPREAD = 20.85, 106.98, 0.2
VIEWPORT = (Decimal("107.075"), Decimal("20.945"), Decimal("107.085"), Decimal("20.955"))  # west, south, east, north


def size() -> int:
    return int(os.environ.get("XASO_BENCH_REPORTS", "200000"))


def ensure() -> int:
    from xaso.core import tenancy
    from xaso.modules.reports.models import Category, Report, Status

    n = size()
    with tenancy.unscoped():
        category, _created = Category.objects.get_or_create(commune_id=COMMUNE, code="bench",
                                                            defaults={"name": "Thử tải"})
        existing = Report.objects.filter(code__startswith="BR-").count()
        rng = random.Random(7)
        states = [s for s in Status.values if s != Status.DUPLICATE]
        start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        for first in range(existing, n, BATCH):
            Report.objects.bulk_create([Report(
                commune_id=COMMUNE, category=category, code=f"BR-{i:07d}", token=f"bench-{i}",
                status=states[i % len(states)], description="Thử tải bản đồ",
                latitude=Decimal(f"{SOUTH + rng.random() * SPREAD:.6f}"),
                longitude=Decimal(f"{WEST + rng.random() * SPREAD:.6f}"),
                created_at=start + dt.timedelta(minutes=i)) for i in range(first, min(n, first + BATCH))])
    return n


def run(repeat: int = 5) -> Result:
    from django.db import connection
    from django.test import RequestFactory

    from xaso.core import tenancy
    from xaso.modules.reports import views_public
    from xaso.modules.reports.models import Category, Report, Status

    n = ensure()
    bbox = ",".join(str(v) for v in VIEWPORT)
    request = RequestFactory().get(f"/reports/communes/{COMMUNE}/map.geojson", {"bbox": bbox})
    request.user = _anonymous()
    west, south, east, north = VIEWPORT
    q = connection.ops.quote_name
    sql = (f"SELECT r.code, r.latitude, r.longitude, r.status, c.name, r.created_at "  # noqa: S608
           f"FROM {q(Report._meta.db_table)} r JOIN {q(Category._meta.db_table)} c ON c.id = r.category_id "
           f"WHERE r.commune_id = %s AND r.status <> %s AND r.latitude BETWEEN %s AND %s "
           f"AND r.longitude BETWEEN %s AND %s ORDER BY r.created_at DESC LIMIT {views_public.MAP_LIMIT}")
    params = [COMMUNE, Status.DUPLICATE, south, north, west, east]
    shown = []

    def project() -> float:
        with tenancy.activate(request), Stopwatch() as w:
            response = views_public.geojson(request, COMMUNE)
        shown[:] = [response.content]
        return w.seconds

    def floor() -> float:
        with connection.cursor() as cursor, Stopwatch() as w:
            cursor.execute(sql, params)
            cursor.fetchall()
        return w.seconds

    project(), floor()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        points = len(cursor.fetchall())
    return Result(name=NAME, floor=best_of(repeat * 4, floor), project=best_of(repeat * 4, project),
                  project_what="reports.views_public.geojson for the viewport (query, GeoJSON, response)",
                  floor_what="the raw SQL over the latitude/longitude index, same columns and viewport",
                  notes=[f"{n:,} reports; {points} in the viewport; target: ratio at most 1.5"])


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
