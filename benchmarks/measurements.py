"""The measurements ``python -m benchmarks`` takes, in table order (what each row means: docs/benchmarks.md).

Add a row by appending a :class:`~benchmarks.Measurement`: its function gets the workload and returns one
sample (seconds, or a :class:`~benchmarks.Sample` with a line of detail); raise
:class:`~benchmarks.Unavailable` while the feature it measures does not exist.

Inputs shared by several rows (the ingested dataset, a dashboard with the dataset stored in its cache)
are built once per workload and process, outside the timed code: a row times its own work only. Rows
that a per-dataset memo would otherwise shortcut (the View's prepared codes, the incrementality panel)
run on a fresh copy of the dataset's frames, so every sample pays the full cost.
"""

from __future__ import annotations

import atexit
import base64
import datetime as dt
import importlib.util
import inspect
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from importlib import import_module
from pathlib import Path

import numpy as np
import pyarrow.csv as pacsv

from benchmarks import ROOT, Budget, Measurement, Sample, Unavailable, Workload, timed
from metrics.dataset import FILES, Dataset
from metrics.filters import HEURISTIC_MODELS, LIST_FIELDS, Filters, Options

PYARROW_READ = "pyarrow read_csv (4 files)"
COMBINATIONS = 20
"""Distinct filter combinations behind the filter-change and cache-hit percentiles."""
PERCENTILE = 95
KILOBYTE = 1_000
MEGABYTE = 1_000_000
COMBINATION_SEED = 7
# Share of combinations setting each list filter, and the most values one combination picks.
LIST_FILTER_DRAWS = {
    "campaigns": (0.5, 2),
    "platforms": (0.3, 1),
    "categories": (0.3, 2),
    "genders": (0.15, 1),
    "tiers": (0.2, 2),
    "products": (0.1, 3),
    "sources": (0.1, 1),
}
DASHBOARD_CONFIG = {
    "CACHE_TYPE": "FileSystemCache",
    "AUTOLOAD_DEMO": False,
    "LOG_LEVEL": "WARNING",
    "TESTING": True,
}


# --- ingest ----------------------------------------------------------------------------------------


def pyarrow_read(workload: Workload) -> float:
    """Time pyarrow's plain CSV reader on the four files: the ingest baseline."""
    return timed(lambda: [pacsv.read_csv(path) for path in workload.files])


def ingest_read_dir(workload: Workload) -> float:
    """Time ``metrics.ingest.read_dir``: parsing, validation and the data-quality report."""
    try:
        from metrics import ingest
    except ImportError as missing:
        raise Unavailable(f"metrics.ingest cannot be imported ({missing})") from missing
    return timed(lambda: ingest.read_dir(workload.path))


_datasets: dict[Path, Dataset] = {}


def loaded_dataset(workload: Workload) -> Dataset:
    """Return the workload's dataset, ingested once per process (never timed)."""
    if workload.path not in _datasets:
        from metrics import ingest

        _datasets[workload.path] = ingest.read_dir(workload.path)
    return _datasets[workload.path]


def fresh_copy(dataset: Dataset) -> Dataset:
    """
    Return a dataset with new frame objects sharing the same data.

    Per-dataset memos (the View's prepared codes, the incrementality revenue panel) are keyed on the
    dataset and frame objects, so a copy starts cold without re-reading or copying any column.
    """
    return Dataset(**{name: dataset.frame(name).copy(deep=False) for name in (*FILES, "quality")})


# --- export and its parts --------------------------------------------------------------------------


def export_command(workload: Workload) -> Sample:
    """
    Time ``python -m metrics export --data W --out TMP`` end to end, as a new process.

    Raises
    ------
    RuntimeError
        When the command fails; the message is the last line it wrote on stderr.
    """
    with tempfile.TemporaryDirectory(prefix="bench-export-") as out:
        command = [sys.executable, "-m", "metrics", "export", "--data", str(workload.path), "--out", out]
        started = time.perf_counter()
        finished = subprocess.run(command, cwd=ROOT.parent, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        if finished.returncode != 0:
            last = (finished.stderr.strip().splitlines() or ["no message"])[-1]
            raise RuntimeError(f"metrics export exited with {finished.returncode}: {last}")
        files = len(list(Path(out).glob("*.csv")))
    # The command reports its own export time (after ingest): the rest is start-up, imports and ingest.
    reported = re.search(r" in ([0-9.]+) s ", finished.stdout)
    inside = f"; export() {float(reported.group(1)):.3f} s after ingest" if reported else ""
    return Sample(seconds, f"{files} files written by a new Python process{inside}")


def heuristic_models(workload: Workload) -> Sample:
    """Time the journey pairs (once) and the credit frames of the five rule-based models."""
    from metrics import attribution

    tracking = loaded_dataset(workload).tracking
    options = Options()
    started = time.perf_counter()
    touches = attribution.sort_touches(tracking, options.lookback)
    pairs = attribution.journey_pairs(tracking, options.lookback, touches=touches)
    journeys_seconds = time.perf_counter() - started
    for model in HEURISTIC_MODELS:
        attribution.credit(tracking, Options(model=model), pairs=pairs)
    seconds = time.perf_counter() - started
    return Sample(
        seconds,
        f"journeys {journeys_seconds:.3f} s ({len(pairs):,} pairs) + "
        f"{len(HEURISTIC_MODELS)} credit frames {seconds - journeys_seconds:.3f} s",
    )


def markov_by_platform(workload: Workload) -> Sample:
    """Time attribution_markov.csv's table (the data-driven model by platform) given the journeys."""
    from metrics import attribution
    from metrics.view import View

    view = View(fresh_copy(loaded_dataset(workload)), options=Options(markov_by="platform"))
    # Computed untimed: the export shares them with every other table.
    _ = (view.journeys, view.sorted_touches, view.conversion_selected, view.touch_passes)
    started = time.perf_counter()
    table = attribution.markov_table(view)
    seconds = time.perf_counter() - started
    return Sample(seconds, f"{len(table)} platforms credited; journeys precomputed (see the row above)")


def incrementality(workload: Workload) -> Sample:
    """Time incremental revenue and iROAS overall, by campaign and by influencer, with the interval."""
    from metrics import incrementality as lift
    from metrics.view import View

    view = View(fresh_copy(loaded_dataset(workload)))
    _ = (view.spend, view.influencers)  # untimed: spend allocation is not incrementality's own work
    started = time.perf_counter()
    tables = [lift.iroas_table(view, by) for by in (None, "campaign", "influencer_id")]
    seconds = time.perf_counter() - started
    eligible = int(tables[0]["eligible_exposures"].iloc[0]) if len(tables[0]) else 0
    return Sample(
        seconds,
        f"{eligible:,} eligible exposures, {lift.RESAMPLES} bootstrap resamples, "
        f"{len(tables[1])} campaigns and {len(tables[2]):,} influencers",
    )


# --- the dashboard ---------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float = PERCENTILE) -> float:
    """
    Return the ``q``-th percentile of ``values`` by linear interpolation (numpy's default).

    Examples
    --------
    >>> percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50)
    3.0
    """
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def filter_combination(
    index: int, choices: Mapping[str, Sequence[str]], bounds: tuple[dt.date, dt.date]
) -> Filters:
    """
    Return the ``index``-th pseudo-random filter combination a user might pick (deterministic).

    Dates, when set, lie strictly inside the data's own range (the dashboard sends no date equal to a
    bound); sometimes one side only is set. Each list filter is set in a share of the combinations
    (``LIST_FILTER_DRAWS``) with values drawn from ``choices``.

    Parameters
    ----------
    index : int
        Which combination; the same index always gives the same filters.
    choices : Mapping of str to sequence of str
        Values each ``Filters`` list field offers (the sidebar's options).
    bounds : (date, date)
        The data's first and last date.
    """
    rng = np.random.default_rng([COMBINATION_SEED, index])
    first, last = bounds
    span = (last - first).days
    start = end = None
    if span >= 3 and rng.random() < 0.7:
        low, high = np.sort(rng.choice(np.arange(1, span), size=2, replace=False))
        start, end = first + dt.timedelta(days=int(low)), first + dt.timedelta(days=int(high))
        side = rng.random()
        if side < 0.15:
            start = None
        elif side < 0.3:
            end = None
    lists = {}
    for field, (share, most) in LIST_FILTER_DRAWS.items():
        values = list(choices.get(field) or [])
        if values and rng.random() < share:
            count = int(rng.integers(1, min(most, len(values)) + 1))
            lists[field] = [str(value) for value in rng.choice(values, size=count, replace=False)]
    return Filters.make(start=start, end=end, **lists)


def describe_filters(filters: Filters) -> str:
    """
    Return a short description of a filter combination for the detail lines.

    Examples
    --------
    >>> describe_filters(Filters.make(start="2025-05-01", campaigns=["Protein Week"]))
    'from 2025-05-01, campaign=Protein Week'
    """
    parts = []
    if filters.start is not None and filters.end is not None:
        parts.append(f"{filters.start.isoformat()}..{filters.end.isoformat()}")
    elif filters.start is not None:
        parts.append(f"from {filters.start.isoformat()}")
    elif filters.end is not None:
        parts.append(f"until {filters.end.isoformat()}")
    for field, key in LIST_FIELDS.items():
        if getattr(filters, field):
            parts.append(f"{key}={'|'.join(getattr(filters, field))}")
    return ", ".join(parts) or "no filter"


def figure_sizes(output: object) -> Iterator[tuple[str, int]]:
    """
    Yield (graph id or position, bytes) for every ``dcc.Graph`` figure in a callback's output.

    The size is the figure's JSON as Dash sends it (plotly's compact encoder).

    Examples
    --------
    >>> from dash import dcc, html
    >>> list(figure_sizes(html.Div([dcc.Graph(figure={"data": [], "layout": {}})])))
    [('graph 1', 23)]
    """
    from plotly.io.json import to_json_plotly

    found: list[tuple[str, int]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            props = node.get("props")
            if node.get("type") == "Graph" and isinstance(props, dict) and props.get("figure") is not None:
                name = props.get("id") or f"graph {len(found) + 1}"
                found.append((str(name), len(to_json_plotly(props["figure"]).encode("utf-8"))))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(to_json_plotly(output)))
    yield from found


def store_updates() -> dict[str, Callable[[dict | None], object]]:
    """
    Return every callback function that draws from the session store alone (``update_*(store)``).

    Taken from the modules of ``callbacks.MODULES``: every tab, the KPI row, the top bar, the data
    statuses: whatever redraws when the filters change (in the browser, only the visible tab's do).
    """
    import callbacks

    found = {}
    for module_name in callbacks.MODULES:
        module = import_module(f"callbacks.{module_name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if (
                name.startswith("update_")
                and function.__module__ == module.__name__
                and list(inspect.signature(function).parameters) == ["store"]
            ):
                found[f"{module_name}.{name}"] = function
    return found


class Dashboard:
    """
    Hold a dashboard app with one workload stored in its FileSystemCache (in a temporary directory).

    The dataset is saved under a key as an upload would save it; its journeys and credit are then
    computed once by an unfiltered first view, so later timings are those of a loaded dataset.

    The first paint of a filter state is the KPI row's money cards and the visible tab; the iROAS card
    has a callback of its own (``callbacks.kpis.update_iroas``) whose bootstrap interval may arrive
    later, so it is timed apart (``iroas_update`` is None when the dashboard has no such callback).
    """

    def __init__(self, workload: Workload) -> None:
        try:
            from app import create_app
            from callbacks import cache, campaigns, datasets, kpis, overview
        except ImportError as missing:
            raise Unavailable(f"the dashboard cannot be imported ({missing})") from missing
        self.cache_dir = tempfile.mkdtemp(prefix="bench-cache-")
        atexit.register(shutil.rmtree, self.cache_dir, ignore_errors=True)
        self.app = create_app({**DASHBOARD_CONFIG, "CACHE_DIR": self.cache_dir})
        self.datasets = datasets
        self.filter_change_updates = [kpis.update_kpis, campaigns.update_campaigns]
        self.first_view_updates = [kpis.update_kpis, overview.update_overview]
        self.iroas_update: Callable | None = getattr(kpis, "update_iroas", None)
        self.dataset = loaded_dataset(workload)
        bounds = self.dataset.date_range
        if bounds is None:
            raise Unavailable("the workload has no dates")
        self.bounds = (bounds[0].date(), bounds[1].date())
        with self.context():
            self.key = datasets.save(self.dataset)
            self.choices = cache.filter_options(self.key)
            self.render([*self.first_view_updates, *self.later_updates], Filters())
        self.visited: list[Filters] = []
        self._drawn = 0

    @property
    def later_updates(self) -> list[Callable]:
        """Return the callbacks that may finish after the first paint (the iROAS card)."""
        return [] if self.iroas_update is None else [self.iroas_update]

    def context(self) -> AbstractContextManager:
        """Return the Flask app context the cached functions need."""
        return self.app.server.app_context()

    def store(self, filters: Filters, key: str | None = None) -> dict:
        """Return the session store of ``filters`` on the stored dataset (or on ``key``)."""
        return {
            "key": key or self.key,
            "summary": None,
            "filters": filters.to_dict(),
            "model": Options().model,
            "expired": False,
        }

    def render(self, updates: Sequence[Callable], filters: Filters, key: str | None = None) -> float:
        """Time the callbacks ``updates`` for one filter state (see :meth:`render_each`); return the total."""
        return sum(self.render_each(updates, filters, key))

    def render_each(
        self, updates: Sequence[Callable], filters: Filters, key: str | None = None
    ) -> list[float]:
        """
        Time each callback of ``updates``, in order, including the JSON Dash sends back.

        Raises
        ------
        RuntimeError
            When the dataset is no longer stored: the callbacks would have drawn an "expired" notice.
        """
        from plotly.io.json import to_json_plotly

        store = self.store(filters, key)
        seconds = []
        for update in updates:
            started = time.perf_counter()
            to_json_plotly(update(store))
            seconds.append(time.perf_counter() - started)
        if not self.datasets.exists(key or self.key):
            raise RuntimeError("the benchmark dataset was evicted from the cache")
        return seconds

    def new_combinations(self, count: int) -> list[Filters]:
        """Return ``count`` filter combinations not drawn before in this process (never "no filter")."""
        fresh = []
        seen = {Filters(), *self.visited}
        while len(fresh) < count:
            filters = filter_combination(self._drawn, self.choices, self.bounds)
            self._drawn += 1
            if filters not in seen:
                seen.add(filters)
                fresh.append(filters)
        self.visited.extend(fresh)
        return fresh


_dashboards: dict[Path, Dashboard] = {}


def dashboard(workload: Workload) -> Dashboard:
    """Return the workload's dashboard, built once per process (never timed)."""
    if workload.path not in _dashboards:
        _dashboards[workload.path] = Dashboard(workload)
    return _dashboards[workload.path]


def _latency_detail(milliseconds: list[float], combinations: list[Filters], what: str) -> str:
    slowest = int(np.argmax(milliseconds))
    return (
        f"{what} over {len(milliseconds)} combinations: p50 {percentile(milliseconds, 50):.0f} ms, "
        f"max {milliseconds[slowest]:.0f} ms ({describe_filters(combinations[slowest])})"
    )


def filter_change(workload: Workload) -> Sample:
    """
    Return the p95 in ms of new filter combinations: KPI row + Campaigns tab, cache misses.

    Each combination is new to the cache (memoized tables are computed), on a loaded dataset whose
    journeys and credit exist (they do not depend on the filters).
    """
    board = dashboard(workload)
    with board.context():
        board.render(board.filter_change_updates, board.new_combinations(1)[0])  # warm-up
        combinations = board.new_combinations(COMBINATIONS)
        milliseconds = [1000 * board.render(board.filter_change_updates, f) for f in combinations]
    return Sample(
        percentile(milliseconds), _latency_detail(milliseconds, combinations, "KPI row + Campaigns tab")
    )


def cache_hit(workload: Workload) -> Sample:
    """
    Return the p95 in ms of filter combinations seen before: every callback of the view hits the cache.

    Timed: the money cards, the Campaigns tab and the iROAS card, each combination drawn once untimed
    first (the card may not have been computed yet).
    """
    board = dashboard(workload)
    updates = [*board.filter_change_updates, *board.later_updates]
    with board.context():
        if len(board.visited) < COMBINATIONS:
            board.new_combinations(COMBINATIONS - len(board.visited))
        combinations = board.visited[-COMBINATIONS:]
        for filters in combinations:
            board.render(updates, filters)
        milliseconds = [1000 * board.render(updates, f) for f in combinations]
    return Sample(
        percentile(milliseconds), _latency_detail(milliseconds, combinations, "same combinations again")
    )


def iroas_after_filter_change(workload: Workload) -> Sample:
    """
    Return the p95 in ms of the iROAS card for new filter combinations, after their first paint.

    The money cards and the Campaigns tab of each combination are drawn first (untimed), as the browser
    fires them together; the card's own callback then estimates incrementality with the interval.
    """
    board = dashboard(workload)
    if board.iroas_update is None:
        raise Unavailable("the KPI row has no separate iROAS callback")
    with board.context():
        combinations = board.new_combinations(COMBINATIONS)
        milliseconds = []
        for filters in combinations:
            board.render(board.filter_change_updates, filters)
            milliseconds.append(1000 * board.render(board.later_updates, filters))
    return Sample(
        percentile(milliseconds), _latency_detail(milliseconds, combinations, "iROAS card after first paint")
    )


def first_view(workload: Workload) -> Sample:
    """
    Time the first paint of a newly stored dataset: money cards + Overview tab (the default), unfiltered.

    The dataset is saved under a new key first (untimed: the upload did that), so the view starts as a
    worker that has never seen it: load from the cache, codes, journeys, credit, tables, figures.
    """
    board = dashboard(workload)
    with board.context():
        key = board.datasets.save(board.dataset)
        kpi_row, tab = board.render_each(board.first_view_updates, Filters(), key)
        later = board.render(board.later_updates, Filters(), key)
    then = f"; the iROAS card follows in {later:.3f} s" if board.later_updates else ""
    return Sample(
        kpi_row + tab,
        f"money cards {kpi_row:.3f} s (load, codes, journeys, credit) + Overview tab {tab:.3f} s{then}",
    )


def upload_to_first_view(workload: Workload) -> Sample:
    """
    Time the whole upload of the four files through the upload callback, then the first view.

    The data URLs are built untimed (the browser sends them). The upload callback decodes, parses,
    validates, stores and summarises; the size limit is set above the largest file.
    """
    board = dashboard(workload)
    from callbacks import data, session
    from layouts.sidebar import LIST_FILTERS

    contents = [
        "data:text/csv;base64," + base64.b64encode(workload.file(name).read_bytes()).decode("ascii")
        for name in FILES
    ]
    filenames = [f"{name}.csv" for name in FILES]
    max_bytes = max(path.stat().st_size for path in workload.files) + 1
    with board.context():
        started = time.perf_counter()
        dataset_store = data.update_uploads(contents, filenames, None, max_bytes, None)[0]
        uploaded = time.perf_counter() - started
        store = session.update_session(
            dataset_store, None, None, Options().model, *[None] * len(LIST_FILTERS)
        )
        viewed = board.render(board.first_view_updates, Filters.from_dict(store["filters"]), store["key"])
    return Sample(uploaded + viewed, f"upload callback {uploaded:.3f} s + first view {viewed:.3f} s")


def largest_figure(workload: Workload) -> Sample:
    """Return the largest figure JSON (KB) any store-driven callback sends for the unfiltered view."""
    from dash.exceptions import PreventUpdate

    board = dashboard(workload)
    sizes = []
    with board.context():
        for name, update in store_updates().items():
            try:
                output = update(board.store(Filters()))
            except PreventUpdate:
                continue
            sizes.extend((f"{name}: {graph}", size) for graph, size in figure_sizes(output))
    if not sizes:
        raise Unavailable("no callback output holds a figure")
    name, size = max(sizes, key=lambda item: item[1])
    return Sample(size / KILOBYTE, f"{name} of {len(sizes)} figures (1 KB = 1,000 bytes)")


# --- memory ----------------------------------------------------------------------------------------


def resident_memory_probe(path: str | Path) -> dict[str, float]:
    """
    Measure the RSS one loaded dataset adds to this process, and print it as JSON.

    Run in a process of its own (:func:`resident_memory` starts one): RSS after the imports, then after
    ingesting ``path`` and preparing a View with the first view's tables (KPIs, campaign table: codes,
    journeys, credit, spend pieces).

    Returns
    -------
    dict
        ``csv_bytes``, ``added_bytes`` (RSS after - before) and ``peak_added_bytes`` (peak RSS - before).
    """
    import gc
    import resource

    import psutil

    from metrics import ingest, kpis, tables
    from metrics.view import View

    process = psutil.Process()
    gc.collect()
    before = process.memory_info().rss
    dataset = ingest.read_dir(path)
    view = View(dataset)
    kpis.kpi_table(view)
    tables.campaign_table(view)
    gc.collect()
    after = process.memory_info().rss
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    report = {
        "csv_bytes": float(sum(Path(path, f"{name}.csv").stat().st_size for name in FILES)),
        "added_bytes": float(after - before),
        "peak_added_bytes": float(max(peak - before, after - before)),
    }
    print(json.dumps(report))
    return report


def resident_memory(workload: Workload) -> Sample:
    """Return the RSS a loaded dataset adds, as a multiple of its CSV size (measured in a new process)."""
    if importlib.util.find_spec("psutil") is None:
        raise Unavailable("psutil is not installed")
    code = (
        "from benchmarks.measurements import resident_memory_probe; "
        f"resident_memory_probe({str(workload.path)!r})"
    )
    finished = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT.parent, capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        last = (finished.stderr.strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"the memory probe exited with {finished.returncode}: {last}")
    report = json.loads(finished.stdout.strip().splitlines()[-1])
    csv = report["csv_bytes"]
    return Sample(
        report["added_bytes"] / csv,
        f"+{report['added_bytes'] / MEGABYTE:.0f} MB RSS for {csv / MEGABYTE:.1f} MB of CSV "
        f"(peak +{report['peak_added_bytes'] / MEGABYTE:.0f} MB during ingest)",
    )


MEASUREMENTS = [
    Measurement(PYARROW_READ, pyarrow_read, baseline=None),
    Measurement(
        "ingest + validation (read_dir)",
        ingest_read_dir,
        baseline=PYARROW_READ,
        budget=Budget(2.0, relative=True),
    ),
    Measurement("full export (python -m metrics export)", export_command, budget=Budget(4.0)),
    Measurement("heuristic models (journeys + 5 credit frames)", heuristic_models, budget=Budget(1.5)),
    Measurement("Markov model by platform", markov_by_platform),
    Measurement("incrementality (3 tables, bootstrap)", incrementality, budget=Budget(1.0)),
    Measurement(
        "filter change p95 (KPIs + Campaigns)", filter_change, unit="ms", budget=Budget(300), repeats=False
    ),
    Measurement("cache hit p95 (same filters again)", cache_hit, unit="ms", budget=Budget(50)),
    Measurement("iROAS card after filter change p95", iroas_after_filter_change, unit="ms", repeats=False),
    Measurement("first view after upload (KPIs + Overview)", first_view, budget=Budget(2.0)),
    Measurement("upload + first view (upload callback)", upload_to_first_view, repeats=False),
    Measurement(
        "resident memory per dataset", resident_memory, unit="x CSV size", budget=Budget(4.0), repeats=False
    ),
    Measurement("largest figure JSON", largest_figure, unit="KB", budget=Budget(300), repeats=False),
]
