# SPDX-License-Identifier: AGPL-3.0-or-later
"""The benchmarks of bench/ still run (once each, with one repetition). Nothing here looks at a time:
tests never time; `make bench` does, as ratios (docs/decisions/0007-benchmarks.md)."""

from pathlib import Path

import bench
import pytest

BENCH_DIR = Path(bench.__file__).parent


def test_it_lists_every_benchmark_module():
    modules = {p.stem for p in BENCH_DIR.glob("*.py") if not p.stem.startswith("_")}
    assert modules == {m.__name__.rsplit(".", 1)[-1] for m in bench.benchmarks()}


@pytest.mark.django_db
@pytest.mark.parametrize("module", bench.benchmarks(), ids=lambda m: m.__name__)
def test_it_runs_each_benchmark_once(module, monkeypatch):
    monkeypatch.setenv("XASO_BENCH_DOSSIERS", "3000")  # the shape of the benchmark, not its size
    monkeypatch.setenv("XASO_BENCH_REPORTS", "3000")
    monkeypatch.setenv("XASO_BENCH_VALUES", "3000")
    monkeypatch.setenv("XASO_BENCH_DATA_COMMUNES", "20")
    monkeypatch.setenv("XASO_BENCH_MEASURE_DOSSIERS", "3000")
    monkeypatch.setenv("XASO_BENCH_MEASURE_REQUESTS", "3")
    result = module.run(repeat=1)
    assert result.name == module.NAME
    assert result.project_what and result.floor_what
    assert isinstance(result.ratio, float)
