"""Benchmark harness: S/M/L workloads, measurements against budgets, one table (docs/demo-data.md).

A measurement is data: a name, a function that takes a :class:`Workload` and returns one sample, its
unit, what it is compared with (another measurement of the same run, or the previous committed result)
and its budget. ``benchmarks/measurements.py`` lists them; adding one is adding an entry there.

Workloads are generated once by ``data.generate`` into ``benchmarks/workloads/<size>/`` (not committed)
and reused while the generator is unchanged. Each run writes ``benchmarks/results-<size>.json``; the
next run reads the committed copy of that file as the baseline of the rows that have no baseline of
their own in the run.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import data.generate

ROOT = Path(__file__).resolve().parent
WORKLOADS = ROOT / "workloads"
PREVIOUS = "previous"
"""Baseline name meaning "this measurement's value in the previous committed results file"."""
SEED = 7


class Unavailable(Exception):
    """Raise from a measurement whose feature does not exist (yet): the row says "not available"."""


@dataclass(frozen=True)
class Workload:
    """A generated workload: four CSV files in ``path``."""

    size: str
    path: Path
    generated_seconds: float | None = None  # None when an existing workload was reused

    def file(self, name: str) -> Path:
        """Return the path of one input file (``influencers``, ``posts``, ``tracking``, ``payouts``)."""
        return self.path / f"{name}.csv"

    @property
    def files(self) -> list[Path]:
        """Return the four input files."""
        return [self.file(name) for name in data.generate.FILES]

    @property
    def megabytes(self) -> float:
        """Return the total size of the four files in MB."""
        return sum(path.stat().st_size for path in self.files) / 1e6


@dataclass(frozen=True)
class Budget:
    """
    Describe the most a measurement may take.

    Parameters
    ----------
    limit : float
        The bound, in the measurement's unit, or a multiple of the baseline when ``relative``.
    relative : bool, default False
        Compare with ``limit x baseline`` instead of ``limit``.
    """

    limit: float
    relative: bool = False

    def describe(self, unit: str) -> str:
        """Return the budget as shown in the table, e.g. ``<= 2x baseline`` or ``<= 4 s``."""
        return f"<= {self.limit:g}x baseline" if self.relative else f"<= {self.limit:g} {unit}"

    def allows(self, value: float, baseline: float | None) -> bool | None:
        """Return whether ``value`` is within budget (None when a relative budget has no baseline)."""
        if self.relative:
            return None if baseline is None else value <= self.limit * baseline
        return value <= self.limit


@dataclass(frozen=True)
class Measurement:
    """
    One row of the benchmark table.

    Parameters
    ----------
    name : str
        Row label, also the key in the results file.
    measure : callable
        ``measure(workload) -> float``: one sample. Raise :class:`Unavailable` when the feature is missing.
    unit : str, default "s"
        Unit of the samples.
    baseline : str, optional
        Name of another measurement of the same run, or ``PREVIOUS`` for the last committed result.
    budget : Budget, optional
        The bound from the performance budgets.
    repeats : bool, default True
        Take ``--repeat`` samples and keep the best (timings); False for one-shot values such as sizes.
    """

    name: str
    measure: Callable[[Workload], float]
    unit: str = "s"
    baseline: str | None = PREVIOUS
    budget: Budget | None = None
    repeats: bool = True


@dataclass
class Result:
    """The outcome of one measurement in one run."""

    name: str
    unit: str
    value: float | None
    samples: list[float] = field(default_factory=list)
    baseline_name: str | None = None
    baseline_value: float | None = None
    budget: str | None = None
    verdict: str = "-"
    note: str | None = None


def timed(action: Callable[[], object]) -> float:
    """Return the wall-clock seconds ``action()`` takes."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def generator_fingerprint() -> str:
    """Return a short hash of the generator's source: a workload from another version is regenerated."""
    return hashlib.sha256(Path(data.generate.__file__).read_bytes()).hexdigest()[:16]


def ensure_workload(size: str, root: Path = WORKLOADS, seed: int = SEED) -> Workload:
    """
    Return the workload of ``size``, generating it unless an up-to-date copy is already in ``root``.

    Parameters
    ----------
    size : str
        One of ``data.generate.SIZES``.
    root : Path, default benchmarks/workloads
        Parent directory of the per-size workload directories.
    seed : int, default 7
        Generator seed.
    """
    path = Path(root) / size
    marker = path / "workload.json"
    wanted = {"size": size, "seed": seed, "generator": generator_fingerprint()}
    if (
        marker.exists()
        and json.loads(marker.read_text()) == wanted
        and all((path / f"{name}.csv").exists() for name in data.generate.FILES)
    ):
        return Workload(size, path)
    started = time.perf_counter()
    data.generate.write(data.generate.generate(size, seed), path)
    marker.write_text(json.dumps(wanted, indent=2) + "\n")
    return Workload(size, path, generated_seconds=time.perf_counter() - started)


def previous_results(path: Path) -> tuple[dict[str, float], str | None]:
    """
    Return the values of the last committed results file and where they came from.

    The committed copy (``git show HEAD:<file>``) is preferred, so repeated local runs compare with
    the same reference; without git, the file on disk is used.
    """
    text, source = None, None
    try:
        relative = path.resolve().relative_to(ROOT.parent)
        shown = subprocess.run(
            ["git", "show", f"HEAD:{relative.as_posix()}"],
            cwd=ROOT.parent,
            capture_output=True,
            text=True,
            check=False,
        )
        if shown.returncode == 0:
            text, source = shown.stdout, f"HEAD:{relative.as_posix()}"
    except (OSError, ValueError):
        pass
    if text is None and path.exists():
        text, source = path.read_text(), str(path)
    if text is None:
        return {}, None
    rows = json.loads(text).get("measurements", [])
    return {row["name"]: row["value"] for row in rows if row.get("value") is not None}, source


def run(
    measurements: list[Measurement], workload: Workload, repeat: int, previous: dict[str, float]
) -> list[Result]:
    """
    Take every measurement on ``workload`` and judge it against its baseline and budget.

    Parameters
    ----------
    measurements : list of Measurement
        In table order; a baseline naming another measurement must come after it.
    workload : Workload
        The generated input files.
    repeat : int
        Samples per repeated measurement, after one untimed warm-up call; the best (smallest) is kept, as
        ``timeit`` does.
    previous : dict of str to float
        Values of the previous committed results, for ``PREVIOUS`` baselines.
    """
    results: dict[str, Result] = {}
    for measurement in measurements:
        result = Result(measurement.name, measurement.unit, None)
        try:
            if measurement.repeats:
                measurement.measure(workload)  # warm-up: imports and the page cache are not what we time
            samples = [measurement.measure(workload) for _ in range(repeat if measurement.repeats else 1)]
        except Unavailable as missing:
            result.note = f"not available: {missing}"
            results[measurement.name] = result
            continue
        result.samples = samples
        result.value = min(samples)
        if measurement.baseline == PREVIOUS:
            result.baseline_name = "previous result"
            result.baseline_value = previous.get(measurement.name)
        elif measurement.baseline is not None:
            result.baseline_name = measurement.baseline
            other = results.get(measurement.baseline)
            result.baseline_value = None if other is None else other.value
        if measurement.budget is not None:
            result.budget = measurement.budget.describe(measurement.unit)
            allowed = measurement.budget.allows(result.value, result.baseline_value)
            result.verdict = "no baseline" if allowed is None else ("ok" if allowed else "OVER BUDGET")
        results[measurement.name] = result
    return list(results.values())


def format_table(results: list[Result]) -> str:
    """Return the results as a plain-text table: measurement, value, baseline, budget, verdict."""
    header = ("measurement", "value", "baseline", "budget", "verdict")
    rows = [header]
    for result in results:
        if result.value is None:
            rows.append((result.name, result.note or "not available", "-", result.budget or "-", "-"))
            continue
        baseline = "-"
        if result.baseline_name is not None:
            shown = (
                "none yet" if result.baseline_value is None else _number(result.baseline_value, result.unit)
            )
            baseline = f"{shown} ({result.baseline_name})"
            if result.baseline_value:
                baseline += f", x{result.value / result.baseline_value:.2f}"
        rows.append(
            (result.name, _number(result.value, result.unit), baseline, result.budget or "-", result.verdict)
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def results_document(results: list[Result], workload: Workload, repeat: int) -> dict:
    """Return the JSON document written to ``results-<size>.json``."""
    return {
        "size": workload.size,
        "seed": SEED,
        "repeat": repeat,
        "input_megabytes": round(workload.megabytes, 2),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "measurements": [
            {
                "name": result.name,
                "unit": result.unit,
                "value": result.value,
                "median": statistics.median(result.samples) if result.samples else None,
                "samples": result.samples,
                "baseline": result.baseline_name,
                "baseline_value": result.baseline_value,
                "budget": result.budget,
                "verdict": result.verdict if result.value is not None else result.note,
            }
            for result in results
        ],
    }


def _number(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.3f} s"
    return f"{value:,.3g} {unit}".strip()
