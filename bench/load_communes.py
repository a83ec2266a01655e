# SPDX-License-Identifier: AGPL-3.0-or-later
"""Load the 34 provinces and 3,321 communes into empty tables.

Project: `xaso.core.places.loader.sync`, as the data migration and `xaso places sync` run it (it reads
the `vietnam-provinces` package, compares with what the tables hold, then inserts with the ORM).
Floor: the same rows, prepared beforehand, written by one raw `executemany` INSERT per table (the
provinces first, because communes point at them): the least a database can be asked to do for them.
Both run inside a transaction that is rolled back afterwards, so neither pays for the commit.
"""

from __future__ import annotations

from bench import Result, Stopwatch, best_of, rolled_back

NAME = "load 3,321 communes"


def _empty_tables(cursor, *models) -> None:
    # Raw DELETE: the ORM's delete would first look for rows that point at each commune. Foreign keys
    # are checked at commit (Django creates them deferred), and this transaction never commits.
    for model in models:
        cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608 (a table name of ours)


def _insert_sql(connection, model, columns: list[str]) -> str:
    quote = connection.ops.quote_name
    cols = ", ".join(quote(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {quote(model._meta.db_table)} ({cols}) VALUES ({marks})"  # noqa: S608


def run(repeat: int = 5) -> Result:
    from django.db import connection

    from xaso.core.places import loader
    from xaso.core.places.models import Commune, Province

    provinces = loader.province_rows()
    communes = loader.commune_rows()
    p_cols = list(provinces[0])
    c_cols = list(communes[0])
    p_sql = _insert_sql(connection, Province, p_cols)
    c_sql = _insert_sql(connection, Commune, c_cols)
    p_params = [tuple(row[c] for c in p_cols) for row in provinces]
    c_params = [tuple(row[c] for c in c_cols) for row in communes]
    expected = len(provinces) + len(communes)

    def project() -> float:
        with rolled_back(), connection.cursor() as cursor:
            _empty_tables(cursor, Commune, Province)
            with Stopwatch() as w:
                counts = loader.sync(Province, Commune)
            if counts["created"] != expected:
                raise RuntimeError(f"the loader created {counts['created']} units, expected {expected}")
        return w.seconds

    def floor() -> float:
        with rolled_back(), connection.cursor() as cursor:
            _empty_tables(cursor, Commune, Province)
            with Stopwatch() as w:
                cursor.executemany(p_sql, p_params)
                cursor.executemany(c_sql, c_params)
        return w.seconds

    def reading() -> float:
        with Stopwatch() as w:
            loader.province_rows()
            loader.commune_rows()
        return w.seconds

    return Result(
        name=NAME,
        floor=best_of(repeat, floor),
        project=best_of(repeat, project),
        project_what="places.loader.sync into empty tables",
        floor_what=f"raw executemany INSERT of the {len(provinces)} + {len(communes)} rows",
        notes=[f"of which reading the vietnam-provinces package: {best_of(repeat, reading) * 1000:.1f} ms"],
    )
