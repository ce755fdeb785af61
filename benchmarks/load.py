"""``python -m benchmarks.load``: many simulated browsers at once against a real gunicorn.

Each user is a thread with its own HTTP session that sends what Dash's renderer sends from a browser tab
(docs/benchmarks.md, "Load"):

1. loads the page (``/``, ``/_dash-layout``, ``/_dash-dependencies``) and the session restore callback;
2. opens the Data tab and uploads the workload's four files through the upload callback, one file per
   callback as when the files are picked one after another (``--upload-together``: one callback for
   all four), the files as data URLs as ``dcc.Upload`` reports them; then the date and campaign filter
   callbacks;
3. merges the dataset into the session store, draws the KPI row, opens the Overview tab and draws it;
4. changes the filters ``--filters`` times (60-day windows, every other one with a campaign, then the
   whole period again): each change is the session callback, the KPI row and the visible tab;
5. switches to the Influencers tab, draws it and downloads influencers.csv.

Payloads are built from the app's own ``/_dash-dependencies``, in the renderer's format (checked against
the requests a headless Chromium sends): ``output``, ``outputs``, ``inputs`` and ``state`` filled from the
page's current props, ``changedPropIds``, and the page's ``endId`` in the query string. Every request
opens a new connection, so a user's requests land on either worker.

Each user uploads its own copy of the workload whose influencer names start with ``loaduser<NNN>``:
every response is searched for those markers, and a user that sees another user's marker, a shared
dataset key, or its own marker missing from the Influencers tab or the export counts an error. So do
an HTTP status other than 200, a Dash error, an empty answer (no update) where data is expected, and a
"data expired" or "no data" state where data should be. Exit status 1 when there was any error.

    python -m benchmarks.load [--users 20] [--size S] [--backend file|redis]
                              [--iterations N | --duration SECONDS] [--filters 4] [--upload-together]
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import io
import json
import os
import re
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import requests

import data.generate
from benchmarks import ensure_workload
from benchmarks.serving import BACKENDS, filter_states, missing_backend, percentile, served
from layouts import ids
from tests import servers

MARKER = "loaduser"
MARKER_PATTERN = re.compile(rf"{MARKER}(\d{{3}})")
# Shown instead of numbers when the session lost its data (callbacks/common.py): errors under load.
LOST_DATA_TEXTS = (
    "Your data expired",
    "the data expired",
    "The earlier data had expired",
    "No data loaded yet",
    "Nothing to show yet",
)
KINDS = (
    "page",
    "restore",
    "tab switch",
    "upload",
    "filter options",
    "session",
    "kpis",
    "tab body",
    "export",
)
REQUEST_TIMEOUT_S = 600.0
DASH_CONFIG = re.compile(r'<script id="_dash-config" type="application/json">(.*?)</script>', re.S)


class JourneyFailed(Exception):
    """Raise when a user cannot go on with its journey (the error is already recorded)."""


@dataclass
class LoadResult:
    """
    What the simulated users did and saw.

    Attributes
    ----------
    samples : dict of str to list of float
        Milliseconds per request, by kind (``KINDS``).
    errors : list of str
        One line per error: user, request kind and what was wrong.
    keys : dict of int to list of str
        The dataset keys each user got from its uploads.
    own_data_seen : dict of int to int
        Per user, how many journeys showed its own influencer names in the Influencers tab and the export.
    journeys : int
        Journeys started by all users.
    workers : set of int
        The gunicorn worker pids that answered.
    follow_up_uploads, cross_worker_uploads : int
        Uploads that added a file to the user's previous upload, and how many of those a different
        worker answered than the one that stored the previous upload (it read that dataset from the
        shared cache).
    wall_s : float
        Seconds from the first request to the last answer.
    """

    samples: dict[str, list[float]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    errors: list[str] = field(default_factory=list)
    keys: dict[int, list[str]] = field(default_factory=dict)
    own_data_seen: dict[int, int] = field(default_factory=dict)
    journeys: int = 0
    workers: set[int] = field(default_factory=set)
    follow_up_uploads: int = 0
    cross_worker_uploads: int = 0
    wall_s: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add_sample(self, kind: str, ms: float, worker: int | None) -> None:
        with self._lock:
            self.samples[kind].append(ms)
            if worker is not None:
                self.workers.add(worker)

    def add_error(self, user: int, kind: str, message: str) -> None:
        with self._lock:
            self.errors.append(f"user {user:03d} {kind}: {message}")

    def add_journey(self) -> None:
        with self._lock:
            self.journeys += 1

    def add_key(self, user: int, key: str) -> None:
        with self._lock:
            self.keys.setdefault(user, []).append(key)

    def add_follow_up_upload(self, other_worker: bool) -> None:
        with self._lock:
            self.follow_up_uploads += 1
            self.cross_worker_uploads += int(other_worker)

    def add_own_data_seen(self, user: int) -> None:
        with self._lock:
            self.own_data_seen[user] = self.own_data_seen.get(user, 0) + 1

    @property
    def requests(self) -> int:
        """Return how many requests were answered."""
        return sum(len(values) for values in self.samples.values())


def user_marker(user: int) -> str:
    """
    Return the marker that starts every influencer name of a user's dataset.

    Examples
    --------
    >>> user_marker(7)
    'loaduser007'
    """
    return f"{MARKER}{user:03d}"


def markers_in(text: str) -> set[int]:
    """
    Return the users whose marker appears in ``text``.

    Examples
    --------
    >>> sorted(markers_in('[{"name": "loaduser003 Asha"}, {"name": "loaduser011 Ben"}]'))
    [3, 11]
    """
    return {int(number) for number in MARKER_PATTERN.findall(text)}


def lost_data_text(text: str) -> str | None:
    """
    Return the "expired"/"no data" message found in a response that should show data, or None.

    Examples
    --------
    >>> lost_data_text('{"children": "Nothing to show \u2014 the data expired."}')
    'the data expired'
    >>> lost_data_text('{"expired": false, "children": "No rows match these filters"}') is None
    True
    """
    return next((marker for marker in LOST_DATA_TEXTS if marker in text), None)


def user_files(workload_dir: Path, user: int) -> dict[str, bytes]:
    """Return the workload's four files, the influencers' names prefixed with the user's marker."""
    files = {name: (workload_dir / f"{name}.csv").read_bytes() for name in servers.INPUT_FILES}
    influencers = pd.read_csv(io.BytesIO(files["influencers"]), dtype=str, keep_default_na=False)
    influencers["name"] = user_marker(user) + " " + influencers["name"]
    files["influencers"] = influencers.to_csv(index=False).encode("utf-8")
    return files


def data_url(content: bytes) -> str:
    """Return a file as ``dcc.Upload`` reports it: a base64 data URL of type text/csv."""
    return "data:text/csv;base64," + base64.b64encode(content).decode("ascii")


def output_targets(output: str) -> list[dict[str, str]]:
    """
    Return the ``{id, property}`` targets of a callback's output string, as the renderer sends them.

    Examples
    --------
    >>> output_targets("kpi-main.children")
    [{'id': 'kpi-main', 'property': 'children'}]
    >>> output_targets("..download.data@ab12...upload-message.children@ab12..")[1]
    {'id': 'upload-message', 'property': 'children@ab12'}
    """
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True)) for part in parts]


class DashPage:
    """
    One browser tab of the dashboard: the props it holds and the callbacks it fires.

    Parameters
    ----------
    url : str
        The server's base URL.
    user : int
        The user's number (its marker).
    result : LoadResult
        Where timings and errors go.
    """

    def __init__(self, url: str, user: int, result: LoadResult):
        self.url = url
        self.user = user
        self.result = result
        self.http = requests.Session()
        # A new connection per request, so one user's requests are answered by either worker.
        self.http.headers["Connection"] = "close"
        self.props: dict[tuple[str, str], Any] = {}
        self.callbacks: list[dict] = []
        self.update_url = f"{url}/_dash-update-component"
        self.last_worker: int | None = None

    def close(self) -> None:
        self.http.close()

    # ---- requests ------------------------------------------------------------------------------

    def _send(self, kind: str, method: str, path: str, **kwargs):
        started = time.perf_counter()
        try:
            response = self.http.request(method, path, timeout=REQUEST_TIMEOUT_S, **kwargs)
        except OSError as exc:
            self.fail(kind, f"{method} {path} failed: {exc}")
        elapsed_ms = (time.perf_counter() - started) * 1000
        worker = response.headers.get(servers.WORKER_PID_HEADER)
        self.last_worker = int(worker) if worker else None
        self.result.add_sample(kind, elapsed_ms, self.last_worker)
        others = markers_in(response.text) - {self.user}
        if others:
            self.fail(kind, f"saw the data of user(s) {sorted(others)}")
        return response

    def fail(self, kind: str, message: str) -> None:
        """Record an error and stop this journey."""
        self.result.add_error(self.user, kind, message)
        raise JourneyFailed(message)

    def check(self, condition: bool, kind: str, message: str) -> None:
        """Record an error (and go on) unless ``condition`` holds."""
        if not condition:
            self.result.add_error(self.user, kind, message)

    def open(self) -> None:
        """Load the page as the browser does: the index, then the layout and the callbacks."""
        self.props.clear()
        index = self._send("page", "GET", f"{self.url}/")
        config_text = DASH_CONFIG.search(index.text) if index.status_code == 200 else None
        if config_text is None:
            self.fail("page", f"GET / answered {index.status_code} without the Dash config")
        config = json.loads(config_text.group(1))
        prefix = config.get("requests_pathname_prefix") or "/"
        self.update_url = f"{self.url}{prefix}_dash-update-component"
        if config.get("end_id"):
            self.update_url += f"?endId={config['end_id']}"
        layout = self._send("page", "GET", f"{self.url}{prefix}_dash-layout")
        dependencies = self._send("page", "GET", f"{self.url}{prefix}_dash-dependencies")
        if layout.status_code != 200 or dependencies.status_code != 200:
            self.fail("page", f"layout {layout.status_code}, dependencies {dependencies.status_code}")
        self.absorb(layout.json())
        self.callbacks = dependencies.json()
        # dcc.Store reports -1 until the browser storage has been read.
        self.props.setdefault((ids.SESSION_STORE, "modified_timestamp"), -1)

    def absorb(self, node: Any) -> None:
        """Remember the props of every component with an id in a layout (or a callback's output)."""
        if isinstance(node, list):
            for item in node:
                self.absorb(item)
            return
        if not isinstance(node, dict) or not isinstance(node.get("props"), dict) or "type" not in node:
            return
        props = node["props"]
        if isinstance(props.get("id"), str):
            self.props.update({(props["id"], name): value for name, value in props.items()})
        for value in props.values():
            self.absorb(value)

    def callback(self, output: str, trigger: str | None = None) -> dict:
        """Return the one callback with ``output`` ("id.prop") among its outputs (and ``trigger`` input)."""
        found = [
            cb
            for cb in self.callbacks
            if not cb.get("no_output")
            and not cb.get("clientside_function")
            and any(
                f"{t['id']}.{t['property'].split('@')[0]}" == output for t in output_targets(cb["output"])
            )
            and (trigger is None or any(f"{i['id']}.{i['property']}" == trigger for i in cb["inputs"]))
        ]
        if len(found) != 1:
            raise LookupError(f"{len(found)} callbacks write {output} (trigger {trigger})")
        return found[0]

    def _value(self, dependency: dict) -> dict | list:
        if dependency["id"].startswith("{"):
            return []  # a pattern-matching id (ALL) with no such component in the page
        sent = {"id": dependency["id"], "property": dependency["property"]}
        key = (dependency["id"], dependency["property"])
        if key in self.props:
            sent["value"] = self.props[key]
        return sent

    def payload(self, output: str, changed: Iterable[str], trigger: str | None = None) -> dict[str, Any]:
        """
        Return the JSON body the renderer POSTs for the callback writing ``output``, from the page's props.

        ``changed`` lists the "id.prop" that changed (``changedPropIds``); an input or state the page has
        no value for is sent without ``value``, as the renderer sends an undefined prop.
        """
        cb = self.callback(output, trigger)
        targets = output_targets(cb["output"])
        changed = list(changed)
        payload: dict[str, Any] = {
            "output": cb["output"],
            "outputs": targets if cb["output"].startswith("..") else targets[0],
            "inputs": [self._value(dependency) for dependency in cb["inputs"]],
            "changedPropIds": changed,
            "parsedChangedPropsIds": changed,
        }
        if cb["state"]:
            payload["state"] = [self._value(dependency) for dependency in cb["state"]]
        return payload

    def fire(self, kind: str, output: str, changed: Iterable[str], trigger: str | None = None) -> dict:
        """
        POST one callback as the renderer does and apply its answer to the page; return the answer.

        A 204 (the callback changed nothing), any status but 200, an answer without outputs or with side
        updates (the error toast) is an error here: every callback fired expects an update.
        """
        payload = self.payload(output, changed, trigger)
        body = json.dumps(payload).encode("utf-8")
        response = self._send(
            kind, "POST", self.update_url, data=body, headers={"Content-Type": "application/json"}
        )
        if response.status_code != 200:
            self.fail(kind, f"{output} answered {response.status_code}: {response.text[:200]!r}")
        try:
            body = response.json()
        except ValueError:
            self.fail(kind, f"{output} answered no JSON: {response.text[:200]!r}")
        # The callbacks fired here update only their outputs: a side update is the error toast of a
        # callback that raised, or the message of a refused upload.
        if body.get("sideUpdate"):
            self.fail(kind, f"{output} answered a side update: {json.dumps(body['sideUpdate'])[:300]}")
        answer = body.get("response") or {}
        if not answer:
            self.fail(kind, f"{output} changed no output: {response.text[:200]!r}")
        for component_id, values in answer.items():
            for prop, value in values.items():
                self.props[(component_id, prop)] = value
                self.absorb(value)
        return answer

    def show(self, kind: str, output: str, changed: Iterable[str], **kwargs) -> str:
        """Fire a callback that must show data; return its answer as JSON text."""
        text = json.dumps(self.fire(kind, output, changed, **kwargs), ensure_ascii=False)
        lost = lost_data_text(text)
        self.check(lost is None, kind, f"{output} shows {lost!r} where data should be")
        return text


# ---- one user's journey -------------------------------------------------------------------------------


def filter_values(page: DashPage, params: dict) -> list[str]:
    """Set the date picker and campaign dropdown as a user would; return the changed "id.prop"."""
    page.props[(ids.FILTER_DATES, "start_date")] = params["start"]
    page.props[(ids.FILTER_DATES, "end_date")] = params["end"]
    page.props[(ids.FILTER_CAMPAIGN, "value")] = [params["campaign"]] if params.get("campaign") else []
    return [f"{ids.FILTER_DATES}.start_date", f"{ids.FILTER_DATES}.end_date", f"{ids.FILTER_CAMPAIGN}.value"]


def refresh(page: DashPage, changed: list[str], key: str, body: str) -> None:
    """One filter change: the session store, the KPI row and the visible tab's body (``body``: its output)."""
    page.fire("session", f"{ids.SESSION_STORE}.data", changed)
    session = page.props[(ids.SESSION_STORE, "data")] or {}
    page.check(session.get("key") == key, "session", "the session store lost the user's dataset key")
    page.check(not session.get("expired"), "session", "the session store says the data expired")
    kpis = page.show("kpis", f"{ids.KPI_MAIN}.children", [f"{ids.SESSION_STORE}.data"])
    page.check(ids.KPI_REVENUE in kpis, "kpis", "the KPI row has no revenue card")
    page.show("tab body", body, [f"{ids.SESSION_STORE}.data"])


def switch_tab(page: DashPage, tab: str) -> None:
    page.props[(ids.TABS, "active_tab")] = tab
    page.fire("tab switch", f"{ids.TAB_CONTENT}.children", [f"{ids.TABS}.active_tab"])


def upload(page: DashPage, files: dict[str, bytes], one_by_one: bool) -> str:
    """
    Upload the four files through the upload callback; return the dataset key.

    ``one_by_one``: one callback per file, in the four areas' order, as when a user picks the files one
    after another (each upload adds its file to the dataset of the previous one, which another worker
    may have stored); otherwise one callback with the four areas filled, as the renderer sends files
    dropped while an upload is being processed.
    """
    batches = [[name] for name in servers.INPUT_FILES] if one_by_one else [list(servers.INPUT_FILES)]
    loaded: set[str] = set()
    key = None
    previous_worker = None
    for batch in batches:
        for name in batch:
            page.props[(ids.UPLOAD[name], "contents")] = data_url(files[name])
            page.props[(ids.UPLOAD[name], "filename")] = f"{name}.csv"
        uploaded = page.fire(
            "upload",
            f"{ids.DATASET_STORE}.data",
            [f"{ids.UPLOAD[name]}.contents" for name in batch],
            trigger=f"{ids.UPLOAD['influencers']}.contents",
        )
        store = uploaded[ids.DATASET_STORE]["data"] or {}
        key = store.get("key")
        if not key:
            page.fail("upload", f"no dataset key: {json.dumps(uploaded)[:300]}")
        page.result.add_key(page.user, key)
        if previous_worker is not None:
            page.result.add_follow_up_upload(page.last_worker != previous_worker)
        previous_worker = page.last_worker
        loaded.update(batch)
        sources = {name: info["source"] for name, info in store["summary"]["files"].items()}
        expected = {name: f"upload:{name}.csv" if name in loaded else "" for name in servers.INPUT_FILES}
        page.check(sources == expected, "upload", f"the summary's sources are {sources}")
        message = json.dumps(uploaded[ids.UPLOAD_MESSAGE]["children"], ensure_ascii=False)
        page.check('"color": "success"' in message, "upload", f"the upload message is {message[:300]}")
        page.check(lost_data_text(message) is None, "upload", f"the upload message is {message[:300]}")
    return key


def journey(page: DashPage, files: dict[str, bytes], filter_count: int, one_by_one: bool = True) -> None:
    """Run one browser session of a user (page load to export download); record what it saw."""
    user, result = page.user, page.result
    page.open()
    timestamp = f"{ids.SESSION_STORE}.modified_timestamp"
    restored = page.fire("restore", f"{ids.DATASET_STORE}.data", [timestamp], trigger=timestamp)
    page.check(not restored[ids.DATASET_STORE]["data"].get("expired"), "restore", "a new page starts expired")

    switch_tab(page, ids.TAB_DATA)
    key = upload(page, files, one_by_one)

    # The date picker's bounds and the campaigns offered come from the dataset, as in the sidebar.
    page.fire("filter options", f"{ids.FILTER_DATES}.start_date", [f"{ids.DATASET_STORE}.data"])
    page.fire("filter options", f"{ids.FILTER_CAMPAIGN}.options", [f"{ids.DATASET_STORE}.data"])
    first = dt.date.fromisoformat(page.props[(ids.FILTER_DATES, "min_date_allowed")][:10])
    last = dt.date.fromisoformat(page.props[(ids.FILTER_DATES, "max_date_allowed")][:10])
    campaigns = [option["value"] for option in page.props[(ids.FILTER_CAMPAIGN, "options")]][:4]

    changed = [f"{ids.DATASET_STORE}.data", f"{ids.FILTER_DATES}.start_date", f"{ids.FILTER_DATES}.end_date"]
    page.fire("session", f"{ids.SESSION_STORE}.data", changed)
    page.show("kpis", f"{ids.KPI_MAIN}.children", [f"{ids.SESSION_STORE}.data"])
    switch_tab(page, ids.TAB_OVERVIEW)
    overview = f"{ids.OVERVIEW_TREND}.children"
    page.show("tab body", overview, [f"{ids.SESSION_STORE}.data"])

    # Windows inside the data, then back to the whole period (the Influencers tab below shows everyone).
    states = filter_states(first, last, campaigns, filter_count - 1) if filter_count else []
    if filter_count:
        states.append({"start": first.isoformat(), "end": last.isoformat()})
    for params in states:
        refresh(page, filter_values(page, params), key, overview)

    switch_tab(page, ids.TAB_INFLUENCERS)
    influencers = page.show("tab body", f"{ids.INFLUENCER_BODY}.children", [f"{ids.SESSION_STORE}.data"])
    page.props[(ids.EXPORT["influencers"], "n_clicks")] = 1
    download = page.fire(
        "export",
        f"{ids.DOWNLOAD}.data",
        [f"{ids.EXPORT['influencers']}.n_clicks"],
        trigger=f"{ids.EXPORT['influencers']}.n_clicks",
    )[ids.DOWNLOAD]["data"]
    # The dashboard names a download with the view's period: here the data's whole period again.
    expected_name = f"influencers_{first.isoformat()}_{last.isoformat()}.csv"
    page.check(download.get("filename") == expected_name, "export", f"downloaded {download.get('filename')}")
    content = base64.b64decode(download.get("content") or "").decode("utf-8", errors="replace")
    seen = markers_in(content)
    page.check(seen <= {user}, "export", f"influencers.csv holds the data of user(s) {sorted(seen - {user})}")
    if user in seen and user in markers_in(influencers):
        result.add_own_data_seen(user)
    else:
        page.check(False, "export", "the user's own influencer names are missing from the tab or the export")


def run_user(
    url: str,
    user: int,
    files: dict[str, bytes],
    result: LoadResult,
    *,
    iterations: int,
    deadline: float | None,
    filter_count: int,
    one_by_one: bool,
    start: threading.Barrier,
) -> None:
    """Run a user's journeys: ``iterations`` of them, or as many as start before ``deadline``."""
    page = DashPage(url, user, result)
    start.wait()
    try:
        done = 0
        while (done < iterations) if deadline is None else (time.perf_counter() < deadline):
            done += 1
            result.add_journey()
            try:
                journey(page, files, filter_count, one_by_one)
            except JourneyFailed:
                continue
            except Exception as exc:  # a broken answer (missing output, bad JSON) is a load error
                result.add_error(user, "journey", f"{type(exc).__name__}: {exc}")
    finally:
        page.close()


def run_load(
    url: str,
    workload_dir: Path,
    *,
    users: int = 20,
    iterations: int = 1,
    duration_s: float | None = None,
    filter_count: int = 4,
    one_by_one: bool = True,
) -> LoadResult:
    """
    Run ``users`` simulated browsers at once against the app at ``url``; return what they saw.

    Parameters
    ----------
    url : str
        Base URL of a running server (gunicorn).
    workload_dir : Path
        The four CSV files every user uploads (each with its own influencer names).
    users : int, default 20
        Concurrent users; they all start together.
    iterations : int, default 1
        Journeys per user (ignored with ``duration_s``).
    duration_s : float, optional
        Start new journeys until this many seconds have passed.
    filter_count : int, default 4
        Filter changes per journey.
    one_by_one : bool, default True
        Upload the four files in four callbacks (else in one).
    """
    files = [user_files(workload_dir, user) for user in range(users)]
    result = LoadResult()
    start = threading.Barrier(users + 1)
    deadline = None if duration_s is None else time.perf_counter() + duration_s
    threads = [
        threading.Thread(
            target=run_user,
            args=(url, user, files[user], result),
            kwargs={
                "iterations": iterations,
                "deadline": deadline,
                "filter_count": filter_count,
                "one_by_one": one_by_one,
                "start": start,
            },
            name=f"load-user-{user:03d}",
            daemon=True,
        )
        for user in range(users)
    ]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    result.wall_s = time.perf_counter() - started
    all_keys = [key for keys in result.keys.values() for key in keys]
    if len(set(all_keys)) != len(all_keys):
        result.errors.append(f"dataset keys shared between uploads: {len(all_keys) - len(set(all_keys))}")
    return result


# ---- report -------------------------------------------------------------------------------------------


def report_lines(result: LoadResult) -> list[str]:
    """Return the latency table (p50/p95/max per request kind and overall), the totals and the errors."""
    lines = [f"  {'request':<16}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}"]
    everything: list[float] = []
    for kind in KINDS:
        values = result.samples[kind]
        if not values:
            continue
        everything.extend(values)
        lines.append(
            f"  {kind:<16}{len(values):>6}{percentile(values, 0.5):>10.0f}"
            f"{percentile(values, 0.95):>10.0f}{max(values):>10.0f}"
        )
    if everything:
        lines.append(
            f"  {'all':<16}{len(everything):>6}{percentile(everything, 0.5):>10.0f}"
            f"{percentile(everything, 0.95):>10.0f}{max(everything):>10.0f}"
        )
    keys = sum(len(keys) for keys in result.keys.values())
    lines.append(
        f"  {result.journeys} journeys, {result.requests} requests in {result.wall_s:.1f} s "
        f"({result.requests / max(result.wall_s, 1e-9):.1f} requests/s); {keys} uploads, "
        f"{len({key for keys in result.keys.values() for key in keys})} distinct dataset keys; "
        f"answered by {len(result.workers)} workers"
    )
    if result.follow_up_uploads:
        lines.append(
            f"  {result.cross_worker_uploads} of {result.follow_up_uploads} uploads adding a file were "
            "answered by another worker than the previous upload's"
        )
    lines.append(f"errors: {len(result.errors)}")
    lines.extend(f"  {error}" for error in result.errors[:20])
    if len(result.errors) > 20:
        lines.append(f"  ... and {len(result.errors) - 20} more")
    return lines


def server_errors(server: servers.Server) -> list[str]:
    """Return the error lines of the server's JSON log (worker timeouts, exceptions)."""
    return [
        f"{line.get('logger', '')}: {str(line.get('message', line.get('event', '')))[:200]}"
        for line in server.json_log()
        if line.get("level") in ("ERROR", "CRITICAL")
    ]


def cpu_seconds(pids: Iterable[int]) -> float | None:
    """Return the CPU time (user + system) the processes ``pids`` have used so far, from /proc (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20, help="concurrent users (default 20)")
    parser.add_argument("--size", choices=list(data.generate.SIZES), default="S", help="workload (default S)")
    parser.add_argument("--backend", choices=BACKENDS, default="file", help="cache backend (default file)")
    runs = parser.add_mutually_exclusive_group()
    runs.add_argument("--iterations", type=int, default=1, help="journeys per user (default 1)")
    runs.add_argument("--duration", type=float, help="seconds during which users start new journeys")
    parser.add_argument("--filters", type=int, default=4, help="filter changes per journey (default 4)")
    parser.add_argument(
        "--upload-together",
        action="store_true",
        help="upload the four files in one callback (default: one callback per file)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not 1 <= args.users <= 999 or args.iterations < 1 or args.filters < 0 or (args.duration or 1) <= 0:
        print(
            "error: --users must be 1-999, --iterations at least 1, --filters at least 0, --duration positive",
            file=sys.stderr,
        )
        return 2
    problem = missing_backend([args.backend])
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    workload = ensure_workload(args.size)
    runs = f"for {args.duration:.0f} s" if args.duration else f"x {args.iterations} journey(s)"
    print(
        f"load: {args.users} users {runs}, {args.filters} filter changes each, files uploaded "
        f"{'together' if args.upload_together else 'one by one'}; workload {args.size} "
        f"({workload.megabytes:.1f} MB); gunicorn {args.workers} workers x {args.threads} threads, "
        f"{args.backend} cache; {os.cpu_count()} CPUs"
    )
    load_before = os.getloadavg()
    with (
        tempfile.TemporaryDirectory(prefix="load-bench-") as work,
        served(args.backend, Path(work), workers=args.workers, threads=args.threads) as app,
    ):
        workers = servers.worker_pids(app)
        cpu_before = cpu_seconds(workers)
        result = run_load(
            app.url,
            workload.path,
            users=args.users,
            iterations=args.iterations,
            duration_s=args.duration,
            filter_count=args.filters,
            one_by_one=not args.upload_together,
        )
        logged = server_errors(app)
        # The workers' own CPU time: a figure that, unlike latencies, does not depend on other work.
        cpu_after = cpu_seconds(workers) if servers.worker_pids(app) == workers else None
    print("\n".join(report_lines(result)))
    if cpu_before is not None and cpu_after is not None and result.journeys:
        used = cpu_after - cpu_before
        print(
            f"server CPU: {used:.1f} s in {len(workers)} workers, {used / result.journeys:.2f} s per journey"
        )
    # On 2 cores a load average above 2 means other work shared the CPUs: the latencies are pessimistic.
    load_after = os.getloadavg()
    print(
        f"load average (1, 5, 15 min): before {', '.join(f'{v:.2f}' for v in load_before)}; "
        f"after {', '.join(f'{v:.2f}' for v in load_after)}"
    )
    if logged:
        print(f"server log: {len(logged)} error lines")
        print("\n".join(f"  {line}" for line in logged[:10]))
    return 1 if result.errors or logged else 0


if __name__ == "__main__":
    raise SystemExit(main())
