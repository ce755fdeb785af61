"""The measurements ``python -m benchmarks`` takes, in table order (what each row means: docs/benchmarks.md).

Add a row by appending a :class:`~benchmarks.Measurement`: its function gets the workload and returns one
sample (seconds, or a :class:`~benchmarks.Sample` with a line of detail); raise
:class:`~benchmarks.Unavailable` while the feature it measures does not exist.

Inputs shared by several rows (the ingested dataset, a dashboard with the dataset stored in its cache)
are built once per workload and process, outside the timed code: a row times its own work only. Rows
that a per-dataset memo would otherwise shortcut (the View's prepared codes, the incrementality panel)
run on a fresh copy of the dataset's frames, so every sample pays the full cost. Rows that are views of
one pass (the percentiles of the 20 filter combinations, the memory probe, the figure sizes) read that
pass, taken once per workload and process.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow.csv as pacsv

from benchmarks import ROOT, Budget, Measurement, Sample, Unavailable, Workload, timed
from layouts.tabs import TABS
from metrics.dataset import FILES, Dataset
from metrics.filters import HEURISTIC_MODELS, LIST_FIELDS, MODELS, Filters, Options
from metrics.view import View

if TYPE_CHECKING:
    from dash import Dash
    from dash.development.base_component import Component

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
MONEY_CARDS = "money cards"
IROAS_CARD = "iROAS card"
INSIGHTS_PANEL = "insights panel"
FILTER_CHANGE_TABS = ("Overview", "Campaigns")
"""Tabs drawn for every filter combination; the visible one alternates between them."""


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
    from metrics import attribution, journeys

    tracking = loaded_dataset(workload).tracking
    options = Options()
    started = time.perf_counter()
    touches = journeys.sort_touches(tracking, options.lookback)
    pairs = journeys.journey_pairs(tracking, options.lookback, touches=touches)
    journeys_seconds = time.perf_counter() - started
    for model in HEURISTIC_MODELS:
        attribution.credit(tracking, Options(model=model), pairs=pairs)
    seconds = time.perf_counter() - started
    return Sample(
        seconds,
        f"journeys {journeys_seconds:.3f} s ({len(pairs):,} pairs) + "
        f"{len(HEURISTIC_MODELS)} credit frames {seconds - journeys_seconds:.3f} s",
    )


def attribution_model(model: str) -> Callable[[Workload], Sample]:
    """
    Return the measurement of one attribution model: its credit frame from the tracking rows alone.

    What choosing ``model`` costs on a dataset nothing has been computed for: sorting the touches,
    the journey pairs, then the model's weights (the data-driven model also fits its chain, by
    platform, over every conversion).
    """

    def measure(workload: Workload) -> Sample:
        from metrics import attribution

        dataset = loaded_dataset(workload)
        started = time.perf_counter()
        frame = attribution.credit(
            dataset.tracking, Options(model=model), Filters(), attributes=dataset.influencers
        )
        seconds = time.perf_counter() - started
        conversions = frame["conversion_row"].nunique()
        return Sample(seconds, f"{len(frame):,} credited touches of {conversions:,} conversions")

    measure.__name__ = f"attribution_{model}"
    return measure


def markov_by_platform(workload: Workload) -> Sample:
    """Time attribution_markov.csv's table (the data-driven model by platform) given the journeys."""
    from metrics import comparison

    view = View(fresh_copy(loaded_dataset(workload)), options=Options(markov_by="platform"))
    # Computed untimed: the export shares them with every other table.
    _ = (view.journeys, view.sorted_touches, view.conversion_selected, view.touch_passes)
    started = time.perf_counter()
    table = comparison.markov_table(view)
    seconds = time.perf_counter() - started
    return Sample(seconds, f"{len(table)} platforms credited; journeys precomputed")


def incrementality(workload: Workload) -> Sample:
    """Time incremental revenue and iROAS overall, by campaign and by influencer, with the interval."""
    from metrics import incrementality as lift

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


@dataclass
class PreparedView:
    """An unfiltered last-touch view with its shared pieces computed, and its influencer table."""

    view: View
    influencer_table: pd.DataFrame
    table_seconds: float


_prepared: dict[Path, PreparedView] = {}


def prepared_view(workload: Workload) -> PreparedView:
    """
    Return the workload's unfiltered view with spend, credit and the influencer table computed (untimed).

    Scoring and the budget optimizer read these shared pieces without changing them, so one view per
    workload and process serves every sample of their rows.
    """
    if workload.path not in _prepared:
        from metrics import tables

        view = View(fresh_copy(loaded_dataset(workload)))
        _ = (view.spend, view.credited)
        started = time.perf_counter()
        table = tables.influencer_table(view)
        _prepared[workload.path] = PreparedView(view, table, time.perf_counter() - started)
    return _prepared[workload.path]


def scoring(workload: Workload) -> Sample:
    """Time ``metrics.scoring.score_influencers`` on the unfiltered influencer table (built untimed)."""
    from metrics import scoring as score

    prepared = prepared_view(workload)
    started = time.perf_counter()
    scored = score.score_influencers(prepared.influencer_table, prepared.view.options.score_weights)
    seconds = time.perf_counter() - started
    return Sample(
        seconds,
        f"{int(scored['score'].notna().sum()):,} of {len(scored):,} influencers scored; "
        f"the influencer table it ranks took {prepared.table_seconds:.3f} s (untimed)",
    )


def budget_optimizer(workload: Workload) -> Sample:
    """Time ``metrics.budget.recommend`` (spend-revenue pairing, exponent fit with its bootstrap, optimizer)."""
    from metrics import budget

    view = prepared_view(workload).view
    started = time.perf_counter()
    result = budget.recommend(view)
    seconds = time.perf_counter() - started
    return Sample(
        seconds,
        f"{len(result.table):,} influencers in the plan, b = {result.b:.3f} "
        f"({'fitted' if result.fit is not None and result.fit.identified else 'prior'}); spend allocation and "
        "last-touch credit precomputed",
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
    Yield (graph id or position, bytes) for every figure in a callback's output.

    A figure is a ``dcc.Graph``'s inside a component, or an output of its own (a callback updating the
    ``figure`` of a graph declared in the layout). The size is the figure's JSON as Dash sends it
    (plotly's compact encoder).

    Examples
    --------
    >>> from dash import dcc, html, no_update
    >>> list(figure_sizes(html.Div([dcc.Graph(figure={"data": [], "layout": {}})])))
    [('graph 1', 23)]
    >>> list(figure_sizes(({"data": [], "layout": {}}, {"height": "300px"}, no_update)))
    [('graph 1', 23)]
    """
    from dash import no_update
    from plotly.io.json import to_json_plotly

    found: list[tuple[str, int]] = []

    def sent(value: object) -> object:
        """Return ``value`` with the outputs left unchanged (``no_update``) as None: Dash sends nothing."""
        if isinstance(value, list | tuple):
            return [sent(item) for item in value]
        return None if value is no_update else value

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

    decoded = json.loads(to_json_plotly(sent(output)))
    for item in decoded if isinstance(output, list | tuple) else [decoded]:
        if isinstance(item, dict) and "data" in item and "layout" in item and "type" not in item:
            found.append((f"graph {len(found) + 1}", len(to_json_plotly(item).encode("utf-8"))))
    walk(decoded)
    yield from found


_STORE = object()
"""Placeholder for the session store among a tab callback's arguments."""


@dataclass(frozen=True)
class TabCallback:
    """
    One callback a tab fires when the session store changes, with the tab's other inputs as first drawn.

    Parameters
    ----------
    name : str
        ``module.function``, e.g. ``campaigns.update_campaign_trends``.
    function : callable
        The plain ``update_*`` function the callback registers.
    arguments : tuple
        Its inputs then states, in order: ``_STORE`` where the session store goes, the other controls'
        values as the tab's layout sets them (None where it sets none).
    """

    name: str
    function: Callable[..., object]
    arguments: tuple

    def __call__(self, store: dict) -> object:
        """Call the callback with ``store`` as the session store."""
        return self.function(*(store if argument is _STORE else argument for argument in self.arguments))


def component_values(root: Component) -> dict[tuple[str, str], object]:
    """
    Return ``(id, property) -> value`` for every property set on a component with a string id.

    Examples
    --------
    >>> from dash import dcc, html
    >>> component_values(html.Div([dcc.Dropdown(id="by", value="campaign")]))[("by", "value")]
    'campaign'
    """
    values = {}
    for node in [root, *root._traverse()]:
        component_id = getattr(node, "id", None)
        if not isinstance(component_id, str):
            continue
        for prop in node._prop_names:
            values[(component_id, prop)] = getattr(node, prop, None)
    return values


def _output_id(output: object) -> str:
    component_id = getattr(output, "component_id", None)
    return component_id if component_id is not None else str(output).rsplit(".", 1)[0]


def tab_callbacks(app: Dash) -> dict[str, list[TabCallback]]:
    """
    Return, per tab label, the callbacks its body runs when the session store changes.

    Found in the app's own callback map: a callback belongs to a tab when the session store is one of
    its inputs and one of its outputs is a component of the tab's layout, so a new chart is measured as
    soon as its callback is registered. Its other inputs take the values the layout gives them (the
    dropdowns' defaults, nothing selected, no clicks), as when the tab is first drawn.
    """
    from layouts import ids

    store_input = (ids.SESSION_STORE, "data")
    page = app.layout() if callable(app.layout) else app.layout
    page_values = component_values(page)
    found = {}
    for tab in TABS:
        body_values = component_values(tab.layout())
        in_tab = {component_id for component_id, _ in body_values}
        values = {**page_values, **body_values}
        callbacks = []
        for entry in app.callback_map.values():
            inputs = [(item["id"], item["property"]) for item in entry["inputs"]]
            outputs = entry["output"] if isinstance(entry["output"], list) else [entry["output"]]
            if store_input not in inputs or not any(_output_id(output) in in_tab for output in outputs):
                continue
            states = [(item["id"], item["property"]) for item in entry["state"]]
            arguments = tuple(_STORE if key == store_input else values.get(key) for key in [*inputs, *states])
            function = inspect.unwrap(entry["callback"])
            name = f"{function.__module__.rsplit('.', 1)[-1]}.{function.__name__}"
            callbacks.append(TabCallback(name, function, arguments))
        found[tab.label] = callbacks
    return found


class Dashboard:
    """
    Hold a dashboard app with one workload stored in its FileSystemCache (in a temporary directory).

    The dataset is saved under a key as an upload would save it; its journeys and credit are then
    computed once by an unfiltered first view, so later timings are those of a loaded dataset.

    The first paint of a filter state is the KPI row's money cards and the visible tab; the iROAS card
    (``callbacks.kpis.update_iroas``) and the Overview's insights panel (``update_insights``) have
    callbacks of their own that quote bootstrap intervals, which may arrive later (docs/benchmarks.md).
    """

    def __init__(self, workload: Workload) -> None:
        try:
            from app import create_app
            from callbacks import kpis
            from store import datasets, results
        except ImportError as missing:
            raise Unavailable(f"the dashboard cannot be imported ({missing})") from missing
        self.cache_dir = tempfile.mkdtemp(prefix="bench-cache-")
        atexit.register(shutil.rmtree, self.cache_dir, ignore_errors=True)
        self.app = create_app({**DASHBOARD_CONFIG, "CACHE_DIR": self.cache_dir})
        self.datasets = datasets
        self.money_cards: Callable[[dict], object] = kpis.update_kpis
        self.iroas_card: Callable[[dict], object] = kpis.update_iroas
        self.tabs = tab_callbacks(self.app)
        overview = self.tabs.get("Overview", [])
        self.insights_panel = [update for update in overview if update.function.__name__ == "update_insights"]
        self.tabs["Overview"] = [update for update in overview if update not in self.insights_panel]
        missing_tabs = [tab for tab in FILTER_CHANGE_TABS if not self.tabs.get(tab)]
        if missing_tabs:
            raise Unavailable(f"no callback draws the {' and '.join(missing_tabs)} tab")
        self.first_view_updates = [self.money_cards, *self.tabs["Overview"]]
        self.dataset = loaded_dataset(workload)
        bounds = self.dataset.date_range
        if bounds is None:
            raise Unavailable("the workload has no dates")
        self.bounds = (bounds[0].date(), bounds[1].date())
        with self.context():
            self.key = datasets.save(self.dataset)
            self.choices = results.filter_options(self.key)
            self.render_parts(self.parts(FILTER_CHANGE_TABS[0]), Filters())
        self.visited: list[Filters] = []
        self._drawn = 0

    def parts(self, visible: str) -> dict[str, list[Callable[[dict], object]]]:
        """
        Return the callbacks drawn for one filter state, by part, in the order they are timed.

        The money cards and the ``visible`` tab first (the first paint), then the other tabs of
        ``FILTER_CHANGE_TABS``, then the insights panel and the iROAS card.
        """
        tabs = [visible, *[tab for tab in FILTER_CHANGE_TABS if tab != visible]]
        return {
            MONEY_CARDS: [self.money_cards],
            **{tab: self.tabs[tab] for tab in tabs},
            INSIGHTS_PANEL: self.insights_panel,
            IROAS_CARD: [self.iroas_card],
        }

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

    def render_parts(
        self, parts: Mapping[str, Sequence[Callable]], filters: Filters, key: str | None = None
    ) -> dict[str, float]:
        """Time each part of ``parts`` (see :meth:`parts`) for one filter state, in order."""
        return {name: self.render(updates, filters, key) for name, updates in parts.items()}

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
        from dash.exceptions import PreventUpdate
        from plotly.io.json import to_json_plotly

        store = self.store(filters, key)
        seconds = []
        for update in updates:
            started = time.perf_counter()
            # A callback that decides there is nothing to send still costs the time it took to decide.
            with contextlib.suppress(PreventUpdate):
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


@dataclass(frozen=True)
class LatencyPass:
    """
    The timings of one pass over filter combinations: per combination, seconds per part.

    Parameters
    ----------
    combinations : list of Filters
        The combinations, in the order drawn.
    visible : list of str
        The tab drawn first (the visible one) for each combination.
    seconds : list of dict of str to float
        For each combination, the seconds of each part (see :meth:`Dashboard.parts`).
    """

    combinations: list[Filters]
    visible: list[str]
    seconds: list[dict[str, float]]

    def milliseconds(self, parts: Sequence[str] | None = None) -> list[float]:
        """Return, per combination, the milliseconds of ``parts`` together (every part when None)."""
        return [
            1000 * sum(value for name, value in timing.items() if parts is None or name in parts)
            for timing in self.seconds
        ]

    def first_paint(self) -> list[float]:
        """Return, per combination, the milliseconds of the money cards and the visible tab."""
        return [
            1000 * (timing[MONEY_CARDS] + timing[tab])
            for timing, tab in zip(self.seconds, self.visible, strict=True)
        ]


_passes: dict[tuple[Path, str], LatencyPass] = {}


def cold_pass(workload: Workload) -> LatencyPass:
    """
    Draw ``COMBINATIONS`` filter combinations never seen before, each timed part by part (once per process).

    Every combination draws the money cards, the Overview and Campaigns tabs and the iROAS card, the
    visible tab first (Overview for even combinations, Campaigns for odd ones); one untimed combination
    comes first. The journeys and credit of the loaded dataset exist already (they do not depend on the
    filters).
    """
    memo = (workload.path, "cold")
    if memo not in _passes:
        board = dashboard(workload)
        with board.context():
            board.render_parts(board.parts(FILTER_CHANGE_TABS[0]), board.new_combinations(1)[0])  # warm-up
            combinations = board.new_combinations(COMBINATIONS)
            visible = [FILTER_CHANGE_TABS[index % len(FILTER_CHANGE_TABS)] for index in range(COMBINATIONS)]
            seconds = [
                board.render_parts(board.parts(tab), filters)
                for filters, tab in zip(combinations, visible, strict=True)
            ]
        _passes[memo] = LatencyPass(combinations, visible, seconds)
    return _passes[memo]


def warm_pass(workload: Workload) -> LatencyPass:
    """Draw the combinations of :func:`cold_pass` again, every part a cache hit (once per process)."""
    memo = (workload.path, "warm")
    if memo not in _passes:
        cold = cold_pass(workload)
        board = dashboard(workload)
        with board.context():
            seconds = [
                board.render_parts(board.parts(tab), filters)
                for filters, tab in zip(cold.combinations, cold.visible, strict=True)
            ]
        _passes[memo] = LatencyPass(cold.combinations, cold.visible, seconds)
    return _passes[memo]


def _latency_detail(milliseconds: list[float], combinations: list[Filters], what: str) -> str:
    slowest = int(np.argmax(milliseconds))
    return (
        f"{what} over {len(milliseconds)} combinations: p50 {percentile(milliseconds, 50):.0f} ms, "
        f"max {milliseconds[slowest]:.0f} ms ({describe_filters(combinations[slowest])})"
    )


def _part_medians(latencies: LatencyPass) -> str:
    names = list(latencies.seconds[0]) if latencies.seconds else []
    ordered = [MONEY_CARDS, *FILTER_CHANGE_TABS, INSIGHTS_PANEL, IROAS_CARD]
    names = [name for name in ordered if name in names] + [name for name in names if name not in ordered]
    return ", ".join(f"{name} {percentile(latencies.milliseconds([name]), 50):.0f} ms" for name in names)


def filter_change_p50(workload: Workload) -> Sample:
    """Return the median ms of a new filter combination: all KPIs + Overview + Campaigns (cache misses)."""
    cold = cold_pass(workload)
    return Sample(
        percentile(cold.milliseconds(), 50),
        f"over {len(cold.combinations)} new combinations; median of each part: {_part_medians(cold)}",
    )


def filter_change_p95(workload: Workload) -> Sample:
    """Return the p95 in ms of a new filter combination: all KPIs + Overview + Campaigns (cache misses)."""
    cold = cold_pass(workload)
    milliseconds = cold.milliseconds()
    return Sample(
        percentile(milliseconds),
        _latency_detail(milliseconds, cold.combinations, "all KPIs + Overview + Campaigns"),
    )


def first_paint_p95(workload: Workload) -> Sample:
    """Return the p95 in ms of the first paint of a new combination: money cards + the visible tab."""
    cold = cold_pass(workload)
    milliseconds = cold.first_paint()
    by_tab = []
    for tab in FILTER_CHANGE_TABS:
        shown = [value for value, seen in zip(milliseconds, cold.visible, strict=True) if seen == tab]
        if shown:
            by_tab.append(f"{tab} visible p95 {percentile(shown):.0f} ms over {len(shown)}")
    return Sample(
        percentile(milliseconds),
        f"{'; '.join(by_tab)}; "
        + _latency_detail(milliseconds, cold.combinations, "money cards + visible tab"),
    )


def insights_after_filter_change(workload: Workload) -> Sample:
    """Return the p95 in ms of the Overview's insights panel for new filter combinations, after the tabs."""
    cold = cold_pass(workload)
    milliseconds = cold.milliseconds([INSIGHTS_PANEL])
    return Sample(
        percentile(milliseconds),
        _latency_detail(milliseconds, cold.combinations, "insights panel after the tabs"),
    )


def iroas_after_filter_change(workload: Workload) -> Sample:
    """Return the p95 in ms of the iROAS card for new filter combinations, after the tabs are drawn."""
    cold = cold_pass(workload)
    milliseconds = cold.milliseconds([IROAS_CARD])
    return Sample(
        percentile(milliseconds),
        _latency_detail(milliseconds, cold.combinations, "iROAS card after the tabs"),
    )


def cache_hit_p50(workload: Workload) -> Sample:
    """Return the median ms of the same combinations again: all KPIs + Overview + Campaigns, cache hits."""
    warm = warm_pass(workload)
    return Sample(
        percentile(warm.milliseconds(), 50),
        f"the same {len(warm.combinations)} combinations again; median of each part: {_part_medians(warm)}",
    )


def cache_hit_p95(workload: Workload) -> Sample:
    """Return the p95 in ms of the same combinations again: all KPIs + Overview + Campaigns, cache hits."""
    warm = warm_pass(workload)
    milliseconds = warm.milliseconds()
    return Sample(
        percentile(milliseconds),
        _latency_detail(milliseconds, warm.combinations, "all KPIs + Overview + Campaigns again"),
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
        kpi_row, *tab = board.render_each(board.first_view_updates, Filters(), key)
        later = board.render([*board.insights_panel, board.iroas_card], Filters(), key)
    return Sample(
        kpi_row + sum(tab),
        f"money cards {kpi_row:.3f} s (load, codes, journeys, credit) + Overview tab {sum(tab):.3f} s; "
        f"the insights panel and the iROAS card follow in {later:.3f} s",
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


_figures: dict[Path, dict[str, list[tuple[str, int]]]] = {}


def tab_figures(workload: Workload) -> dict[str, list[tuple[str, int]]]:
    """
    Return, per tab label, the (``callback: graph``, bytes) of every figure its callbacks send.

    Every callback of every tab (:func:`tab_callbacks`) is drawn once for the unfiltered view; taken
    once per workload and process.
    """
    if workload.path not in _figures:
        from dash.exceptions import PreventUpdate

        board = dashboard(workload)
        store = board.store(Filters())
        found = {}
        with board.context():
            for label, callbacks in board.tabs.items():
                sizes = []
                for callback in callbacks:
                    try:
                        output = callback(store)
                    except PreventUpdate:
                        continue
                    sizes.extend((f"{callback.name}: {graph}", size) for graph, size in figure_sizes(output))
                found[label] = sizes
        _figures[workload.path] = found
    return _figures[workload.path]


def tab_figure_json(label: str) -> Callable[[Workload], Sample]:
    """Return the measurement of one tab's figures: their JSON together, in KB, the largest in the detail."""

    def measure(workload: Workload) -> Sample:
        sizes = tab_figures(workload).get(label)
        if sizes is None:
            raise Unavailable(f"the dashboard has no {label} tab")
        if not sizes:
            return Sample(0.0, "no figure on this tab")
        name, largest = max(sizes, key=lambda item: item[1])
        total = sum(size for _, size in sizes)
        return Sample(total / KILOBYTE, f"{len(sizes)} figures; largest {name} {largest / KILOBYTE:.1f} KB")

    measure.__name__ = f"figure_json_{label.lower()}"
    return measure


def largest_figure(workload: Workload) -> Sample:
    """Return the largest figure JSON (KB) any tab sends for the unfiltered view."""
    sizes = [
        (f"{label} tab, {name}", size)
        for label, found in tab_figures(workload).items()
        for name, size in found
    ]
    if not sizes:
        raise Unavailable("no callback output holds a figure")
    name, size = max(sizes, key=lambda item: item[1])
    return Sample(size / KILOBYTE, f"{name} of {len(sizes)} figures (1 KB = 1,000 bytes)")


# --- memory ----------------------------------------------------------------------------------------


def resident_memory_probe(path: str | Path) -> dict[str, float]:
    """
    Measure the RSS one loaded dataset adds to this process, and print it as JSON.

    Run in a process of its own (:func:`memory_report` starts one): RSS after the imports, then after
    ingesting ``path`` and preparing a View with the first view's tables (KPIs, campaign table: codes,
    journeys, credit, spend pieces).

    Returns
    -------
    dict
        ``csv_bytes``, ``before_bytes`` (RSS after the imports), ``added_bytes`` (RSS after - before),
        ``peak_added_bytes`` (peak RSS - before) and ``peak_bytes`` (the process's peak RSS).
    """
    import gc
    import resource

    import psutil

    from metrics import ingest, kpis, tables
    from store.memory import release_unused

    process = psutil.Process()
    gc.collect()
    before = process.memory_info().rss
    dataset = ingest.read_dir(path)
    release_unused()  # as the app does once it stores a dataset
    view = View(dataset)
    kpis.kpi_table(view)
    tables.campaign_table(view)
    gc.collect()
    after = process.memory_info().rss
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, after)  # Linux reports KiB
    report = {
        "csv_bytes": float(sum(Path(path, f"{name}.csv").stat().st_size for name in FILES)),
        "before_bytes": float(before),
        "added_bytes": float(after - before),
        "peak_added_bytes": float(peak - before),
        "peak_bytes": float(peak),
    }
    print(json.dumps(report))
    return report


_memory: dict[Path, dict[str, float]] = {}


def memory_report(workload: Workload) -> dict[str, float]:
    """Return :func:`resident_memory_probe`'s report for the workload, probed once per process."""
    if workload.path not in _memory:
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
        _memory[workload.path] = json.loads(finished.stdout.strip().splitlines()[-1])
    return _memory[workload.path]


def resident_memory(workload: Workload) -> Sample:
    """Return the RSS a loaded dataset adds, as a multiple of its CSV size (measured in a new process)."""
    report = memory_report(workload)
    csv = report["csv_bytes"]
    return Sample(
        report["added_bytes"] / csv,
        f"+{report['added_bytes'] / MEGABYTE:.0f} MB RSS kept for {csv / MEGABYTE:.1f} MB of CSV",
    )


def peak_memory(workload: Workload) -> Sample:
    """Return the peak RSS above the starting point while loading a dataset, as a multiple of its CSV size."""
    report = memory_report(workload)
    csv = report["csv_bytes"]
    return Sample(
        report["peak_added_bytes"] / csv,
        f"peak +{report['peak_added_bytes'] / MEGABYTE:.0f} MB above the {report['before_bytes'] / MEGABYTE:.0f} MB "
        f"after the imports (process peak {report['peak_bytes'] / MEGABYTE:.0f} MB) for {csv / MEGABYTE:.1f} MB "
        "of CSV",
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
    *[Measurement(f"attribution model: {model}", attribution_model(model)) for model in MODELS],
    Measurement("Markov model by platform", markov_by_platform),
    Measurement("incrementality (3 tables, bootstrap)", incrementality, budget=Budget(1.0)),
    Measurement("scoring (score_influencers)", scoring),
    Measurement("budget optimizer (recommend)", budget_optimizer),
    Measurement(
        "filter change p50 (all KPIs + Overview + Campaigns)", filter_change_p50, unit="ms", repeats=False
    ),
    Measurement(
        "filter change p95 (all KPIs + Overview + Campaigns)", filter_change_p95, unit="ms", repeats=False
    ),
    Measurement(
        "first paint p95 (money cards + visible tab)",
        first_paint_p95,
        unit="ms",
        budget=Budget(300),
        repeats=False,
    ),
    Measurement(
        "insights panel after filter change p95", insights_after_filter_change, unit="ms", repeats=False
    ),
    Measurement("iROAS card after filter change p95", iroas_after_filter_change, unit="ms", repeats=False),
    Measurement("cache hit p50 (all KPIs + Overview + Campaigns)", cache_hit_p50, unit="ms", repeats=False),
    Measurement(
        "cache hit p95 (all KPIs + Overview + Campaigns)",
        cache_hit_p95,
        unit="ms",
        budget=Budget(50),
        repeats=False,
    ),
    Measurement("first view after upload (KPIs + Overview)", first_view, budget=Budget(2.0)),
    Measurement("upload + first view (upload callback)", upload_to_first_view, repeats=False),
    Measurement(
        "resident memory per dataset", resident_memory, unit="x CSV size", budget=Budget(4.0), repeats=False
    ),
    Measurement("peak resident memory (ingest + view)", peak_memory, unit="x CSV size", repeats=False),
    *[
        Measurement(f"figure JSON: {tab.label} tab", tab_figure_json(tab.label), unit="KB", repeats=False)
        for tab in TABS
    ],
    Measurement("largest figure JSON", largest_figure, unit="KB", budget=Budget(300), repeats=False),
]
