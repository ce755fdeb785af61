"""Benchmark harness: S/M/L workloads, measurements against budgets, one table (docs/benchmarks.md).

A measurement is data: a name, a function that takes a :class:`Workload` and returns one sample (a
number, or a :class:`Sample` with a line of detail), its unit, what it is compared with (another
measurement of the same run, or the previous committed result) and its budget.
``benchmarks/measurements.py`` lists them; adding one is adding an entry there.

Workloads are generated once by ``data.generate`` into ``benchmarks/workloads/<size>/`` (not committed)
and reused while the generator is unchanged. Each run writes ``benchmarks/results-<size>.json``, whose
committed copy the next run reads as the baseline of the rows that have no baseline of their own in the
run, and replaces its own size's section of ``benchmarks/results.md`` (the printed table, with the
machine described).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
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
FAILED = "FAILED"


class Unavailable(Exception):
    """Raise from a measurement whose feature does not exist (yet): the row says "not available"."""


@dataclass(frozen=True)
class Sample:
    """
    One sample with a line of detail, for measurements whose number needs context.

    Parameters
    ----------
    value : float
        The sample, in the measurement's unit.
    detail : str, optional
        What the number is made of (e.g. the median and maximum behind a p95); printed under the table.
    """

    value: float
    detail: str | None = None


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
        ``measure(workload) -> float | Sample``: one sample. Raise :class:`Unavailable` when the feature
        is missing.
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
    measure: Callable[[Workload], float | Sample]
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
    detail: str | None = None

    @property
    def failed(self) -> bool:
        """Return True when the measurement raised an error (not a missing feature)."""
        return self.verdict == FAILED


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


def _take(measure: Callable[[Workload], float | Sample], workload: Workload) -> Sample:
    taken = measure(workload)
    return taken if isinstance(taken, Sample) else Sample(float(taken))


def run(
    measurements: list[Measurement],
    workload: Workload,
    repeat: int,
    previous: dict[str, float],
    on_result: Callable[[Result], object] | None = None,
) -> list[Result]:
    """
    Take every measurement on ``workload`` and judge it against its baseline and budget.

    A measurement that raises :class:`Unavailable` prints "not available"; one that raises any other
    error prints "failed" with the error, and the run goes on with the next measurement.

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
    on_result : callable, optional
        Called with each result as soon as it is taken (progress of a long run).
    """
    results: dict[str, Result] = {}
    for measurement in measurements:
        results[measurement.name] = _judge(measurement, workload, repeat, previous, results)
        if on_result is not None:
            on_result(results[measurement.name])
    return list(results.values())


def _judge(
    measurement: Measurement,
    workload: Workload,
    repeat: int,
    previous: dict[str, float],
    earlier: dict[str, Result],
) -> Result:
    result = Result(measurement.name, measurement.unit, None)
    try:
        if measurement.repeats:
            _take(measurement.measure, workload)  # warm-up: imports and the page cache are not timed
        samples = [_take(measurement.measure, workload) for _ in range(repeat if measurement.repeats else 1)]
    except Unavailable as missing:
        result.note = f"not available: {missing}"
        return result
    except Exception as error:  # one broken row must not lose the other rows of a long run
        result.note = f"failed: {type(error).__name__}: {' '.join(str(error).split())}"
        result.verdict = FAILED
        return result
    best = min(samples, key=lambda sample: sample.value)
    result.samples = [sample.value for sample in samples]
    result.value = best.value
    result.detail = best.detail
    if measurement.baseline == PREVIOUS:
        result.baseline_name = "previous result"
        result.baseline_value = previous.get(measurement.name)
    elif measurement.baseline is not None:
        result.baseline_name = measurement.baseline
        other = earlier.get(measurement.baseline)
        result.baseline_value = None if other is None else other.value
    if measurement.budget is not None:
        result.budget = measurement.budget.describe(measurement.unit)
        allowed = measurement.budget.allows(result.value, result.baseline_value)
        result.verdict = "no baseline" if allowed is None else ("ok" if allowed else "OVER BUDGET")
    return result


def format_table(results: list[Result]) -> str:
    """Return the results as a plain-text table: measurement, value, baseline, budget, verdict."""
    header = ("measurement", "value", "baseline", "budget", "verdict")
    rows = [header]
    for result in results:
        if result.value is None:
            verdict = FAILED if result.failed else "-"
            rows.append((result.name, result.note or "not available", "-", result.budget or "-", verdict))
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


def format_progress(result: Result) -> str:
    """Return the one line printed while a run goes on, e.g. ``done: full export (CLI) 3.210 s``."""
    shown = result.note if result.value is None else _number(result.value, result.unit)
    return f"done: {result.name}: {shown}"


def format_details(results: list[Result]) -> str:
    """Return the detail lines of the results that have one (``- name: detail``), or an empty string."""
    return "\n".join(f"- {result.name}: {result.detail}" for result in results if result.detail)


def load_average() -> list[float] | None:
    """Return the 1, 5 and 15 minute load averages (None where the system does not report them)."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def describe_load(averages: list[float] | None) -> str:
    """
    Return the load averages as printed with the table, so readers can judge a shared machine.

    Examples
    --------
    >>> describe_load([3.1, 2.5, 2.0])  # doctest: +ELLIPSIS
    'load average 3.1, 2.5, 2 (1, 5, 15 min) on ... cores'
    """
    if averages is None:
        return "load average not reported by this system"
    shown = ", ".join(f"{value:g}" for value in averages)
    return f"load average {shown} (1, 5, 15 min) on {os.cpu_count()} cores"


def cpu_model() -> str:
    """Return the processor's model name (``/proc/cpuinfo`` on Linux, else what ``platform`` knows)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def memory_bytes() -> int | None:
    """Return the machine's physical memory in bytes (None where the system does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def describe_machine() -> dict:
    """
    Return what a reader needs to judge the figures: CPU, cores, RAM, OS, Python and library versions.

    Load averages are not included: they belong to a run (:func:`load_average`).
    """
    versions = {}
    for package in ("pandas", "pyarrow", "numpy"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "memory_bytes": memory_bytes(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        **versions,
    }


def results_document(
    results: list[Result],
    workload: Workload,
    repeat: int,
    load: dict[str, list[float] | None] | None = None,
    *,
    when: dt.datetime | None = None,
    command: str | None = None,
) -> dict:
    """
    Return the JSON document written to ``results-<size>.json``.

    Parameters
    ----------
    results : list of Result
        The run's results.
    workload : Workload
        The workload they were measured on.
    repeat : int
        Samples per repeated measurement.
    load : dict, optional
        Load averages taken during the run, e.g. ``{"start": [...], "end": [...]}``.
    when : datetime, optional
        When the run ended (default now, in UTC).
    command : str, optional
        The command line that ran it.
    """
    when = when or dt.datetime.now(dt.UTC)
    return {
        "size": workload.size,
        "seed": SEED,
        "repeat": repeat,
        "date": when.isoformat(timespec="seconds"),
        "command": command,
        "input_megabytes": round(workload.megabytes, 2),
        "machine": {**describe_machine(), "load_average": load or {}},
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
                "detail": result.detail,
            }
            for result in results
        ],
    }


RESULTS_MARKDOWN_TITLE = "# Benchmark results"
RESULTS_MARKDOWN_INTRO = (
    "Written by `python -m benchmarks` (what each row measures and how to read the table: "
    "docs/benchmarks.md). A run replaces only the section of its own size; "
    "`benchmarks/results-<size>.json` keeps every sample."
)


def describe_machine_line(machine: dict) -> str:
    """
    Return the machine of a results document in one line.

    Examples
    --------
    >>> describe_machine_line({"cpu": "AMD EPYC", "cpus": 2, "memory_bytes": 25_276_063_744,
    ...     "platform": "Linux-6.1", "python": "3.11.7", "pandas": "3.1.1", "pyarrow": "26.0.1",
    ...     "numpy": "2.4.6"})
    'AMD EPYC, 2 cores, 25.3 GB RAM, Linux-6.1; Python 3.11.7, pandas 3.1.1, pyarrow 26.0.1, numpy 2.4.6'
    """
    memory = machine.get("memory_bytes")
    hardware = [
        machine.get("cpu") or "unknown CPU",
        f"{machine.get('cpus')} cores",
        f"{memory / 1e9:.1f} GB RAM" if memory else "RAM not reported",
        machine.get("platform") or "unknown system",
    ]
    software = [f"Python {machine.get('python')}"] + [
        f"{package} {machine[package]}" for package in ("pandas", "pyarrow", "numpy") if machine.get(package)
    ]
    return f"{', '.join(hardware)}; {', '.join(software)}"


def markdown_section(document: dict, table: str, details: str) -> str:
    """
    Return one size's section of ``results.md``: heading, command, date, machine, load, table, details.

    Parameters
    ----------
    document : dict
        The run's results document (:func:`results_document`).
    table : str
        The printed table (:func:`format_table`).
    details : str
        The printed detail lines (:func:`format_details`), possibly empty.
    """
    load = document["machine"].get("load_average") or {}
    command = document.get("command") or f"python -m benchmarks --size {document['size']}"
    lines = [
        f"## {document['size']}",
        "",
        f"`{command}` on {document['date']}: {document['input_megabytes']:g} MB of CSV (seed "
        f"{document['seed']}), best of {document['repeat']}.",
        "",
        f"Machine: {describe_machine_line(document['machine'])}.",
        f"Before the run: {describe_load(load.get('start'))}; after: {describe_load(load.get('end'))}.",
        "",
        "```text",
        table,
        "```",
    ]
    if details:
        lines += ["", details]
    return "\n".join(lines) + "\n"


def replace_section(text: str, size: str, section: str) -> str:
    """
    Return ``results.md``'s text with the section of ``size`` replaced by ``section`` (added if missing).

    Sections are the ``## <size>`` headings, kept in the order of ``data.generate.SIZES``; anything
    before the first heading is kept, or the title and introduction are written when there is none.

    Examples
    --------
    >>> text = replace_section("", "M", "## M\\n\\nm table\\n")
    >>> text = replace_section(text, "S", "## S\\n\\ns table\\n")
    >>> [line for line in replace_section(text, "M", "## M\\n\\nnew\\n").splitlines() if line]
    ... # doctest: +ELLIPSIS
    ['# Benchmark results', 'Written by ...', '## S', 's table', '## M', 'new']
    """
    preamble: list[str] = []
    sections: dict[str, list[str]] = {}
    current = preamble
    for line in text.splitlines():
        if line.startswith("## "):
            current = sections.setdefault(line[3:].split()[0] if line[3:].split() else "", [])
        current.append(line)
    if not "".join(preamble).strip():
        preamble = [RESULTS_MARKDOWN_TITLE, "", RESULTS_MARKDOWN_INTRO, ""]
    sections[size] = section.rstrip("\n").splitlines()
    order = list(data.generate.SIZES)
    ranked = sorted(sections, key=lambda name: (order.index(name) if name in order else len(order), name))
    blocks = ["\n".join(preamble).rstrip("\n")] + ["\n".join(sections[name]).rstrip("\n") for name in ranked]
    return "\n\n".join(blocks) + "\n"


def write_markdown(path: Path, document: dict, table: str, details: str) -> None:
    """Replace the run's size section of the markdown results file ``path`` (created when missing)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    section = markdown_section(document, table, details)
    path.write_text(replace_section(text, document["size"], section), encoding="utf-8")


def _number(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.3f} s"
    shown = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return f"{shown} {unit}".strip()
