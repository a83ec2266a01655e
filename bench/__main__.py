# SPDX-License-Identifier: AGPL-3.0-or-later
"""`python -m bench` (`make bench`): run every benchmark against a throwaway database and print a table.

By default the database is a new SQLite file in a temporary folder (XASO_VAR_DIR points there before
Django starts), migrated here, removed at the end. `--database-url postgres://…` benchmarks a
PostgreSQL server instead: a throwaway database is created on it, migrated and dropped.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import shutil
import sys
import tempfile
import time


def _parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each figure; the best is kept (5)")
    parser.add_argument("--database-url", default="", help="benchmark this server instead of SQLite")
    parser.add_argument("--only", action="append", default=[], help="run the benchmarks whose module is this")
    return parser.parse_args(argv)


def _prepare_environment(var_dir: str, database_url: str) -> None:
    # Before django.setup(): the settings read these once.
    os.environ["DJANGO_SETTINGS_MODULE"] = "xaso.settings"
    os.environ["XASO_VAR_DIR"] = var_dir
    os.environ["XASO_ENV"] = "development"
    os.environ["XASO_DEBUG"] = "0"  # DEBUG keeps every query in memory: that would be measured too
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)


def _create_database() -> str | None:
    """Migrate a throwaway database; return the name to give back to destroy_test_db, if any."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0, interactive=False)
        return None
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"xaso_bench_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return old_name


def _describe_database() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version} (file, WAL)"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def main(argv=None) -> int:
    args = _parse(argv)
    var_dir = tempfile.mkdtemp(prefix="xaso-bench-")
    _prepare_environment(var_dir, args.database_url)
    import django

    django.setup()
    from django.db import connection

    import bench

    started = time.perf_counter()
    old_name = _create_database()
    gc.freeze()  # as the server's entry points do (xaso/wsgi.py, xaso/asgi.py): a server process is measured
    print(f"xaso benchmarks · {_describe_database()} · Python {platform.python_version()} · "
          f"Django {django.get_version()} · {os.cpu_count()} CPUs · best of {args.repeat} "
          f"(database ready in {time.perf_counter() - started:.1f} s)")
    width = 34
    print(f"\n{'benchmark':<{width}} {'project':>12} {'floor':>12} {'ratio':>8}")
    print("-" * (width + 35))
    failures = 0
    results = []
    try:
        for module in bench.benchmarks():
            if args.only and module.__name__.rsplit(".", 1)[-1] not in args.only:
                continue
            try:
                result = module.run(repeat=args.repeat)
            except Exception as exc:  # report it and go on with the next benchmark
                failures += 1
                print(f"{module.NAME:<{width}} failed: {type(exc).__name__}: {exc}", flush=True)
                continue
            results.append(result)
            print(f"{result.name:<{width}} {_ms(result.project):>12} {_ms(result.floor):>12} "
                  f"{result.ratio:>7.1f}×", flush=True)
        print()
        for result in results:
            print(f"{result.name}:\n  project: {result.project_what}\n  floor:   {result.floor_what}")
            for note in result.notes:
                print(f"  {note}")
    finally:
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        connection.close()
        shutil.rmtree(var_dir, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
