# SPDX-License-Identifier: AGPL-3.0-or-later
"""The province's bulk import of values: a CSV of 1,000,000 figures of one monthly dataset.

The file has the shape of a real province's history: the province with the most communes (Thành phố Hồ Chí
Minh, 168), each with 6 to 14 villages, a dataset of 30 elements (12 kept by village, 4 by sex, 14 for the
commune as a whole: counts, a rate with decimals, a yes/no, a choice, a few comments), month after month from
January 2022 until the file holds the rows asked for (about 42 months).

Project: ``datasets.imports.values_import`` of the file into empty returns (it checks every row, creates the
returns, stages the rows and upserts them with their history). Floor: the database's own bulk load of the
same file into a plain table of its seven text columns — PostgreSQL's ``COPY … FROM STDIN (FORMAT csv)`` of
the file's bytes; on SQLite, which has no COPY, ``executemany`` of the rows as the csv module reads them, in
one transaction. Both run in a transaction that is rolled back. The target is a ratio of at most 4.

Memory: the import's peak of Python allocations (``tracemalloc``) for a file of a fifth of the rows and for
the whole file; it must not grow with the file (the file is streamed in chunks; rows are staged in the
database).
"""

from __future__ import annotations

import csv
import os
import random
import shutil
import tempfile
import tracemalloc
from pathlib import Path

from bench import Result, Stopwatch, best_of, rolled_back

NAME = "province import, values CSV"
CODE = "BENCH.IMPORT"
BY_VILLAGE = ["HH", "POP", "POOR", "NEARPOOR", "NET", "PHONE", "CASHLESS", "VNEID", "FIBRE", "WASTE", "WATER",
              "ROADKM"]
BY_SEX = ["SKILLS", "ACCOUNTS", "LEARNERS", "VOLUNTEERS"]
TOTALS = ["DOSSIERS", "ONLINE", "ONTIME", "LATE", "PAYMENTS", "MEETINGS", "CAMERAS", "SCREENS", "RATE", "WIFI",
          "ROAD", "BUDGET", "STAFF", "TRAINED"]
ROADS = ["Bê tông", "Nhựa", "Cấp phối", "Đất"]


def size() -> int:
    return int(os.environ.get("XASO_BENCH_VALUES", "1000000"))


def _province():
    from django.db.models import Count

    from xaso.core.places.models import Province

    return Province.objects.annotate(n=Count("communes")).order_by("-n", "code").first()


def ensure():
    """The dataset and the villages (committed, as the other benchmarks' data: the database is throwaway)."""
    from django.utils import timezone

    from xaso.core import tenancy
    from xaso.core.places.models import Village, village_name_key
    from xaso.modules.datasets.models import (
        DataElement,
        Dataset,
        DatasetElement,
        Disaggregation,
        PeriodType,
        ValueType,
    )

    province = _province()
    with tenancy.unscoped():
        dataset, created = Dataset.objects.get_or_create(
            province=province, code=CODE, defaults={"title": "Số liệu chuyển đổi số hằng tháng",
                                                    "period_type": PeriodType.MONTHLY, "published_at": timezone.now()})
        if created:
            kinds = {"RATE": {"value_type": ValueType.PERCENT}, "WIFI": {"value_type": ValueType.YES_NO},
                     "ROAD": {"value_type": ValueType.CHOICE, "choices": ROADS},
                     "BUDGET": {"value_type": ValueType.NUMBER, "minimum": 0},
                     "ROADKM": {"value_type": ValueType.NUMBER}}
            for order, code in enumerate(BY_VILLAGE + BY_SEX + TOTALS):
                by = (Disaggregation.VILLAGE if code in BY_VILLAGE else Disaggregation.SEX if code in BY_SEX
                      else Disaggregation.NONE)
                element = DataElement.objects.create(province=province, code=f"B.{code}", name=f"Chỉ tiêu {code}",
                                                     disaggregation=by, **kinds.get(code, {"minimum": 0}))
                DatasetElement.objects.create(dataset=dataset, element=element, order=order)
        rng = random.Random(11)
        villages = {}
        for commune in province.communes.order_by("code"):
            names = list(Village.objects.filter(commune=commune, merged_into__isnull=True)
                         .values_list("name", flat=True))
            if not names:
                prefix = "Tổ dân phố" if commune.kind == "phuong" else "Thôn"
                names = [f"{prefix} {i}" for i in range(1, rng.randint(6, 14) + 1)]
                Village.objects.bulk_create([Village(commune=commune, name=n, name_key=village_name_key(n))
                                             for n in names])
            villages[commune.code] = names
    return dataset, villages


def _value(rng, code: str) -> str:
    if code == "RATE":
        return f"{rng.randint(0, 1000) / 10:g}"  # 45.5: through the full check, with Decimal
    if code == "WIFI":
        return rng.choice(("có", "không"))
    if code == "ROAD":
        return rng.choice(ROADS)
    if code in ("BUDGET", "ROADKM"):
        return f"{rng.randint(0, 900000) / 100:g}"
    return str(rng.randint(0, 900))


def write_file(path: Path, villages: dict[str, list[str]], rows: int) -> None:
    """``rows`` figures, month after month, every commune, every element and place."""
    rng = random.Random(7)
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["commune", "period", "element", "village", "sex", "value", "comment"])
        month = 0
        while written < rows:
            period = f"{2022 + month // 12}M{month % 12 + 1:02d}"
            month += 1
            for commune, names in villages.items():
                lines = ([(f"B.{c}", v, "") for c in BY_VILLAGE for v in names]
                         + [(f"B.{c}", "", s) for c in BY_SEX for s in ("nam", "nữ")]
                         + [(f"B.{c}", "", "") for c in TOTALS])
                for element, village, sex in lines:
                    comment = "Số liệu ước tính" if rng.random() < 0.01 else ""
                    out.writerow([commune, period, element, village, sex, _value(rng, element[2:]), comment])
                    written += 1
                    if written == rows:
                        return


def _floor_table(cursor) -> None:
    cursor.execute("CREATE TABLE bench_import_floor (commune varchar(5), period varchar(8), element varchar(40), "
                   "village varchar(100), sex varchar(8), value varchar(500), comment varchar(500))")


def _bulk_load(connection, cursor, path: Path) -> None:
    """The database's own bulk load of the file."""
    if connection.vendor == "postgresql":
        with open(path, "rb") as f, cursor.cursor.copy(
                "COPY bench_import_floor FROM STDIN (FORMAT csv, HEADER true)") as copy:
            while block := f.read(1 << 20):
                copy.write(block)
    else:
        with open(path, encoding="utf-8", newline="") as f:
            rows = csv.reader(f)
            next(rows)
            cursor.executemany("INSERT INTO bench_import_floor VALUES (%s, %s, %s, %s, %s, %s, %s)", rows)


class _StatementTimer:
    """A database execute wrapper adding up the time of the statements that start with ``prefix``."""

    def __init__(self, prefix: str):
        self.prefix, self.seconds = prefix, 0.0

    def __call__(self, execute, sql, params, many, context):
        if not sql.startswith(self.prefix):
            return execute(sql, params, many, context)
        with Stopwatch() as w:
            result = execute(sql, params, many, context)
        self.seconds += w.seconds
        return result


def _import(dataset, path: Path):
    from xaso.core import tenancy
    from xaso.modules.datasets.imports import values_import

    with tenancy.unscoped(), open(path, "rb") as f:
        return values_import(actor=None, dataset=dataset, stream=f)


def _peak(dataset, path: Path) -> tuple[int, int]:
    """The import's peak of Python allocations in bytes, and the returns it opened (one untimed run:
    tracemalloc slows Python down)."""
    with rolled_back():
        tracemalloc.start()
        try:
            result = _import(dataset, path)
            return tracemalloc.get_traced_memory()[1], result.returns_created
        finally:
            tracemalloc.stop()


def run(repeat: int = 5) -> Result:
    from django.db import connection

    from xaso.modules.datasets.models import Value

    dataset, villages = ensure()
    n = size()
    folder = Path(tempfile.mkdtemp(prefix="xaso-bench-import-"))
    try:
        path, fifth = folder / "values.csv", folder / "values-fifth.csv"
        write_file(path, villages, n)
        write_file(fifth, villages, n // 5)
        imported, upserts = [], []

        def project() -> float:
            upsert = _StatementTimer(f"INSERT INTO {connection.ops.quote_name(Value._meta.db_table)} ")
            with rolled_back(), connection.execute_wrapper(upsert), Stopwatch() as w:
                imported[:] = [_import(dataset, path)]
            upserts.append((w.seconds, upsert.seconds))
            return w.seconds

        def floor() -> float:
            with rolled_back(), connection.cursor() as cursor:
                _floor_table(cursor)
                with Stopwatch() as w:
                    _bulk_load(connection, cursor, path)
            return w.seconds

        floor_s, project_s = best_of(repeat, floor), best_of(repeat, project)
        result = imported[0]
        if result.inserted != n:
            raise RuntimeError(f"the import stored {result.inserted} of {n} figures")
        upsert_s = min(upserts)[1]  # in the fastest run
        (small, small_returns), (large, large_returns) = _peak(dataset, fifth), _peak(dataset, path)
        megabytes = path.stat().st_size / 1e6
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return Result(
        name=NAME, floor=floor_s, project=project_s,
        project_what="datasets.imports.values_import: every row checked, returns created, staged, upserted",
        floor_what=("COPY … FROM STDIN (FORMAT csv) of the file into a plain table" if connection.vendor ==
                    "postgresql" else "executemany of the csv module's rows into a plain table, one transaction"),
        notes=[f"{n:,} rows ({megabytes:.0f} MB), {len(villages)} communes, {result.returns_created:,} returns, "
               f"{project_s and n / project_s:,.0f} rows/s; target: ratio at most 4",
               "of which the one upsert into datasets_value (its unique key, its element index, foreign-key checks): "
               f"{upsert_s * 1000:,.0f} ms, {upsert_s / floor_s:.1f}× the floor; the rest (reading, checking, "
               f"staging, returns, duplicates, history): {(project_s - upsert_s) / floor_s:.1f}× the floor",
               f"peak Python memory of the import: {small / 1e6:.1f} MB for {n // 5:,} rows, {large / 1e6:.1f} MB "
               f"for {n:,} rows (×{large / small if small else 0:.2f}; must not grow with the rows); the returns "
               f"named ({small_returns:,} and {large_returns:,}) are kept, "
               f"{(large - small) / max(1, large_returns - small_returns):,.0f} bytes more for each"])
