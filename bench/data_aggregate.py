# SPDX-License-Identifier: AGPL-3.0-or-later
"""The province's figures of a monthly dataset: approved values summed per element and period across communes.

Province 79, Thành phố Hồ Chí Minh, the largest (168 communes), reports a dataset of 20 numeric elements
every month for a year: 15 kept for the commune as a whole and 5 by village, each commune having 5 villages,
so 40 values a return, 2,016 returns and 80,640 values, written with bulk_create. Every tenth return is
submitted and not yet approved, so that the filter on approval has something to leave out.

Project: ``datasets.selectors_province.aggregate`` for the 12 periods, in a province official's scope, as the
aggregate page calls it: the dataset's elements, the GROUP BY over Value joined to Return (and, through the
scope, to the commune's province), the count of approved returns per period, and the figures it builds.
Floor: the one raw SQL the answer needs, ``SELECT element_id, period, SUM(number) … GROUP BY`` over the same
rows. The issue asks for at most 1.5×. Everything runs in a transaction rolled back at the end.
"""

from __future__ import annotations

import os
from decimal import Decimal

from bench import Result, Stopwatch, rolled_back

NAME = "data aggregate, 168 communes × 12 months"
PROVINCE = "79"
TOTALS, BY_VILLAGE, VILLAGES, MONTHS = 15, 5, 5, 12


def communes_count() -> int:
    """All of the province's communes unless XASO_BENCH_DATA_COMMUNES says fewer (the shape, not the size)."""
    return int(os.environ.get("XASO_BENCH_DATA_COMMUNES", "0")) or 10_000


def seed():
    """The dataset, its elements, five villages a commune and a year of returns; returns (dataset, periods)."""
    from django.utils import timezone

    from xaso.core import tenancy
    from xaso.core.places.models import Commune, Province, Village, village_name_key
    from xaso.modules.datasets import periods
    from xaso.modules.datasets.models import (
        DataElement,
        Dataset,
        DatasetElement,
        Disaggregation,
        PeriodType,
        Return,
        Status,
        Value,
    )

    now = timezone.now()
    with tenancy.unscoped():
        province = Province.objects.get(pk=PROVINCE)
        dataset = Dataset.objects.create(province=province, code="BENCH.M", title="Thử tải số liệu tháng",
                                         period_type=PeriodType.MONTHLY, published_at=now)
        elements = [DataElement.objects.create(
            province=province, code=f"BENCH.{i:02d}", name=f"Chỉ tiêu {i}",
            disaggregation=Disaggregation.VILLAGE if i >= TOTALS else Disaggregation.NONE)
            for i in range(TOTALS + BY_VILLAGE)]
        DatasetElement.objects.bulk_create([DatasetElement(dataset=dataset, element=e, order=i)
                                            for i, e in enumerate(elements)])
        communes = list(Commune.objects.filter(province=province).order_by("code")[:communes_count()])
        names = [f"Khu phố {n}" for n in range(1, VILLAGES + 1)]
        Village.objects.bulk_create([Village(commune=c, name=name, name_key=village_name_key(name))
                                     for c in communes for name in names])
        villages = {}
        for pk, commune_id in Village.objects.filter(commune__in=communes).values_list("pk", "commune_id"):
            villages.setdefault(commune_id, []).append(pk)
        period_list = [periods.parse(PeriodType.MONTHLY, f"2026M{m:02d}") for m in range(1, MONTHS + 1)]
        returns = Return.objects.bulk_create([Return(
            dataset=dataset, commune=c, period=p.key, period_start=p.start, period_end=p.end,
            due_date=p.due(dataset.due_days), first_submitted_at=now,
            status=Status.SUBMITTED if (i * MONTHS + j) % 10 == 0 else Status.APPROVED)
            for i, c in enumerate(communes) for j, p in enumerate(period_list)], batch_size=1000)
        rows = []
        for k, ret in enumerate(returns):
            for e in elements:
                places = villages[ret.commune_id] if e.disaggregation == Disaggregation.VILLAGE else [None]
                for v in places:
                    n = Decimal((k * 7 + e.pk * 13 + (v or 0)) % 500)
                    rows.append(Value(ret=ret, element=e, village_id=v, slot=f"v{v}" if v else "", text=str(n),
                                      number=n, updated_at=now))
        Value.objects.bulk_create(rows, batch_size=5000)
    return dataset, period_list, len(returns), len(rows)


def floor_sql(connection, count: int) -> str:
    from xaso.modules.datasets.models import Return, Value

    q = connection.ops.quote_name
    v, r = q(Value._meta.db_table), q(Return._meta.db_table)
    marks = ", ".join(["%s"] * count)
    return (f"SELECT v.element_id, r.period, SUM(v.number) FROM {v} v JOIN {r} r ON r.id = v.ret_id "  # noqa: S608
            f"WHERE r.dataset_id = %s AND r.status = %s AND r.period IN ({marks}) GROUP BY v.element_id, r.period")


def run(repeat: int = 5) -> Result:
    from django.db import connection

    from xaso.core import tenancy
    from xaso.core.places.models import Commune
    from xaso.modules.datasets import selectors_province
    from xaso.modules.datasets.models import Return, Status, Value

    with rolled_back():
        dataset, period_list, returns, values = seed()
        # Fresh statistics, as a live database keeps them (the scope joins the communes' table too); without
        # them PostgreSQL guesses a handful of rows and picks a nested loop. Both sides profit alike.
        with connection.cursor() as cursor:
            for model in (Return, Value, Commune):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        sql = floor_sql(connection, len(period_list))
        params = [dataset.pk, Status.APPROVED, *[p.key for p in period_list]]
        scope = tenancy.Scope("province", province_id=PROVINCE)
        answers = {}

        def project() -> float:
            with tenancy.activate(scope), Stopwatch() as w:
                result = selectors_province.aggregate(dataset, period_list)
            answers["project"] = {key: f.total for key, f in result.figures.items()}
            return w.seconds

        def floor() -> float:
            with connection.cursor() as cursor, Stopwatch() as w:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
            answers["floor"] = rows
            return w.seconds

        # Turn about, so that both sides meet the same load of a shared machine; the best of each is kept.
        floors, projects = [], []
        for _ in range(max(1, repeat) * 3):
            floors.append(floor())
            projects.append(project())
        result = Result(name=NAME, floor=min(floors), project=min(projects),
                        project_what="datasets.selectors_province.aggregate over 12 months (province scope)",
                        floor_what="one raw SQL: SUM(number) of approved values GROUP BY element, period",
                        notes=[f"{returns:,} returns, {values:,} values; {len(answers['floor'])} sums; "
                               f"target: ratio at most 1.5"])
        floor_sums = {(e, p): Decimal(str(s)) for e, p, s in answers["floor"]}
        if {k: Decimal(v) for k, v in answers["project"].items()} != floor_sums:
            raise RuntimeError("the selector and the floor disagree on the sums")
    return result

