# SPDX-License-Identifier: AGPL-3.0-or-later
"""Benchmarks of xaso: each prints the project's figure beside a floor measured in the same run.

A figure alone says little (it depends on the machine, the disk and the database); its ratio to the
least work that could produce the same result, measured a moment earlier on the same machine, says how
much the project adds. See docs/decisions/0007-benchmarks.md. Benchmarks are not tests: nothing here
asserts a time. `python -m bench` (`make bench`) runs them all; tests/test_bench.py runs each once.

This package must import without Django set up: `bench.__main__` chooses the database first.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Result:
    name: str
    project: float  # seconds, the best of the repetitions
    floor: float  # seconds, the best of the repetitions
    project_what: str
    floor_what: str
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.project / self.floor if self.floor > 0 else float("inf")


def benchmarks() -> list:
    """Every benchmark module, in the order `python -m bench` runs them (imported once Django is set up).

    A plain list, not a discovery: tests/test_bench.py checks that every module of this folder is in it.
    """
    from bench import (
        data_aggregate,
        data_import,
        dossier_inbox,
        dossier_lookup,
        dossier_report,
        load_communes,
        measure_dashboard,
        measure_rebuild,
        province_matrix,
        report_map,
        report_photo,
    )

    return [load_communes, province_matrix, dossier_lookup, dossier_inbox, dossier_report, report_map,
            report_photo, data_aggregate, data_import, measure_rebuild,
            measure_dashboard]


def best_of(repeat: int, once: Callable[[], float]) -> float:
    """The shortest of `repeat` runs of `once`, which returns the seconds of the part it times.

    The minimum, not the mean: noise (another process, a cache miss) only ever adds time, so the
    fastest run is the closest to what the code itself costs.
    """
    return min(once() for _ in range(max(1, repeat)))


class Stopwatch:
    """`with Stopwatch() as w: ...` then `w.seconds` (time.perf_counter, monotonic and precise)."""

    seconds: float = 0.0

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self._start


class _RolledBack(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run the block in a transaction that is always rolled back, so a benchmark leaves the database as
    it found it (the harness runs several in one database; the test runs them inside its own)."""
    from django.db import transaction

    try:
        with transaction.atomic():
            yield
            raise _RolledBack
    except _RolledBack:
        pass
