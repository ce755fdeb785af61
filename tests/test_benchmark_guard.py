"""Gross-regression guard: the S benchmark's key rows, as ratios to pyarrow's read (docs/benchmarks.md).

Each row is measured once on the bundled demo (the S workload: seed 7, byte-identical files) and divided
by pyarrow's plain CSV read of the same files measured in the same test; that ratio is compared with the
same ratio in the committed ``benchmarks/results-S.json``. Only a ratio beyond ``REGRESSION_FACTOR`` times
the committed one fails, after two more samples confirm it: never an absolute time.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import benchmarks
from benchmarks import Workload
from benchmarks import measurements as bench

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"
COMMITTED = ROOT / "benchmarks" / "results-S.json"
REGRESSION_FACTOR = 5.0
"""How many times its committed ratio a row may reach before the guard fails (why 5: docs/benchmarks.md)."""
BASELINE_SAMPLES = 5
GUARD_COMBINATIONS = 6
"""Filter combinations of the dashboard rows here (20 in the benchmark): their medians are compared."""
GUARDED = (
    "ingest + validation (read_dir)",
    "heuristic models (journeys + 5 credit frames)",
    "attribution model: markov",
    "Markov model by platform",
    "incrementality (3 tables, bootstrap)",
    "scoring (score_influencers)",
    "budget optimizer (recommend)",
    "first view after upload (KPIs + Overview)",
    "filter change p50 (all KPIs + Overview + Campaigns)",
    "cache hit p50 (all KPIs + Overview + Campaigns)",
)


def seconds(value: float, unit: str) -> float:
    """Return a timing in seconds, whatever its unit (s or ms)."""
    return value / 1000 if unit == "ms" else value


def committed_ratios() -> dict[str, float]:
    document = json.loads(COMMITTED.read_text())
    rows = {row["name"]: row for row in document["measurements"]}
    pyarrow = rows[bench.PYARROW_READ]["value"]
    return {
        name: seconds(row["value"], row["unit"]) / pyarrow
        for name, row in rows.items()
        if row.get("value") is not None
    }


def gross_regressions(ratios: dict[str, float], committed: dict[str, float]) -> dict[str, str]:
    """Return, for each row whose ratio exceeds ``REGRESSION_FACTOR`` times its committed one, why."""
    return {
        name: f"{ratio:.1f}x pyarrow, committed {committed[name]:.1f}x"
        for name, ratio in ratios.items()
        if ratio > REGRESSION_FACTOR * committed[name]
    }


def pyarrow_seconds(workload: Workload) -> float:
    """Return the best of a few pyarrow reads: the denominator of every ratio must not be a slow outlier."""
    bench.pyarrow_read(workload)  # warm-up: the page cache
    return min(bench.pyarrow_read(workload) for _ in range(BASELINE_SAMPLES))


def test_demo_is_the_committed_s_workload():
    document = json.loads(COMMITTED.read_text())
    workload = Workload("S", DEMO)
    assert document["size"] == "S" and document["seed"] == benchmarks.SEED
    assert round(workload.megabytes, 2) == document["input_megabytes"]


def test_no_key_row_of_the_s_benchmark_regressed_grossly(monkeypatch):
    committed = committed_ratios()
    missing = [name for name in GUARDED if name not in committed]
    assert not missing, f"rerun `python -m benchmarks --size S` and commit its results: {missing}"
    written = {path: path.stat().st_mtime_ns for path in COMMITTED.parent.glob("results*")}
    monkeypatch.setattr(bench, "COMBINATIONS", GUARD_COMBINATIONS)
    monkeypatch.setattr(bench, "_passes", {})
    workload = Workload("S", DEMO)
    measurements = {measurement.name: measurement for measurement in bench.MEASUREMENTS}
    pyarrow = pyarrow_seconds(workload)
    results = benchmarks.run([measurements[name] for name in GUARDED], workload, 1, {})
    failed = [f"{result.name}: {result.note}" for result in results if result.value is None]
    assert not failed

    ratios = {result.name: seconds(result.value, result.unit) / pyarrow for result in results}
    suspects = list(gross_regressions(ratios, committed))
    if suspects:
        # A load spike on a shared machine passes; a regression shows again in every sample.
        monkeypatch.setattr(bench, "_passes", {})
        pyarrow = min(pyarrow, pyarrow_seconds(workload))
        again = benchmarks.run([measurements[name] for name in suspects], workload, 2, {})
        for result in again:
            if result.value is not None:
                ratios[result.name] = min(ratios[result.name], seconds(result.value, result.unit) / pyarrow)
    regressed = gross_regressions(ratios, committed)
    assert not regressed, f"more than {REGRESSION_FACTOR:g} times the committed ratio: {regressed}"
    assert {path: path.stat().st_mtime_ns for path in COMMITTED.parent.glob("results*")} == written


def test_only_ratios_beyond_the_factor_count_as_regressions():
    committed = {"ingest": 4.0, "scoring": 4.0, "cache hit": 0.5}
    ratios = {"ingest": 20.5, "scoring": 19.5, "cache hit": 2.6}  # 5.1x, 4.9x and 5.2x their committed
    assert gross_regressions(ratios, committed) == {
        "ingest": "20.5x pyarrow, committed 4.0x",
        "cache hit": "2.6x pyarrow, committed 0.5x",
    }
    assert seconds(250.0, "ms") == pytest.approx(0.25) and seconds(0.25, "s") == 0.25
