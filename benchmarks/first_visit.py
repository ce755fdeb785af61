"""``python -m benchmarks.first_visit --size S|M``: each tab's first visit in a real browser, against its budget.

The production server (gunicorn with gunicorn.conf.py, one worker with its four threads, as ``make run``
starts it) serves the app on a loopback port from 47000 up, with a new empty cache, so nothing is computed
for the dataset yet. The generated workload of ``--size`` is a server folder (``DATA_DIR``), opened the way
a user opens one: headless Chromium (Debian's /usr/bin/chromium and /usr/bin/chromedriver, through
selenium) loads the page, clicks the Data tab and the folder's "Open" button, and waits until the KPI
row shows the revenue and every callback has answered.

Then every tab is clicked once, in the tab bar's order starting after the Data tab, and its first visit is
timed from the click to the last Dash callback answered: a script injected before the page loads wraps
``window.fetch`` and counts the ``/_dash-update-component`` requests in flight; a visit has ended when
none is in flight and none started for ``QUIET_S`` (not counted). The time runs to the first animation
frame after the last answer, so the browser has drawn it. Each visit is compared with the budget (1.5 s at
S, 3 s at M), and the slowest callbacks of the visit are listed with their request times as the browser saw
them (server time plus any wait for a free worker thread): the server is not changed for the measurement.

    python -m benchmarks.first_visit --size S [--repeat 3] [--workloads DIR] [--port 47000]

With ``--repeat N`` every sample starts a new server on a new cache; the table shows the median and every
sample. The machine's load average is printed at the start and at the end (on 2 cores, above 2 means the
run shared the CPUs). Exit status 0 when every tab was measured (over budget is a finding), 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import data.generate
from benchmarks import WORKLOADS, describe_load, ensure_workload, load_average
from tests import servers

ROOT = Path(__file__).resolve().parent.parent
BUDGETS = {"XS": 1.5, "S": 1.5, "M": 3.0}
QUIET_S = 1.0
VISIT_TIMEOUT_S = 180.0
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WINDOW = (1400, 1000)

# Runs before any script of the page: counts the callback requests in flight, notes when each one started
# and ended (and the frame after its answer), and when the user last clicked.
PROBE = """
(() => {
  const probe = (window.__firstVisit = {pending: 0, lastStart: -1, lastDrawn: -1, clickAt: -1, log: []});
  const fetch = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === "string" ? input : input.url;
    if (!url.includes("/_dash-update-component")) return fetch.apply(this, arguments);
    let output = "";
    try { output = JSON.parse(init.body).output; } catch (error) {}
    const entry = {output, start: performance.now(), end: null, drawn: null};
    probe.log.push(entry);
    probe.pending += 1;
    probe.lastStart = entry.start;
    const done = () => {
      entry.end = performance.now();
      requestAnimationFrame(() => setTimeout(() => {
        entry.drawn = performance.now();
        probe.pending -= 1;
        probe.lastDrawn = Math.max(probe.lastDrawn, entry.drawn);
      }, 0));
    };
    return fetch.apply(this, arguments).then(
      (response) => { response.clone().arrayBuffer().then(done, done); return response; },
      (error) => { done(); throw error; },
    );
  };
  document.addEventListener("click", () => { probe.clickAt = performance.now(); }, true);
})();
"""


# After a visit: whether each request's outputs include an element inside the window (the first screen).
ON_SCREEN = """
const since = arguments[0];
const shown = (id) => {
  const element = document.getElementById(id);
  if (!element) return false;
  const box = element.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < window.innerHeight;
};
return window.__firstVisit.log.filter((entry) => entry.start >= since && entry.drawn !== null).map((entry) => {
  const ids = entry.output.replace(/^\\.\\./, "").replace(/\\.\\.$/, "").split("...")
    .map((part) => part.slice(0, part.lastIndexOf(".")));
  return [entry.output, entry.start, entry.end, entry.drawn, ids.some(shown)];
});
"""


@dataclass
class Visit:
    """
    One tab's first visit, in seconds from the click.

    ``seconds``: to the frame after the last callback answered; ``first_screen``: to the frame after the
    last answer of a callback with an output inside the window once the visit has ended (the tab's
    content included).
    """

    tab: str
    seconds: float
    first_screen: float
    requests: list[tuple[str, float, bool]] = field(default_factory=list)  # slowest first


def free_port(start: int) -> int:
    """Return the first port from ``start`` up that is free on 127.0.0.1."""
    for port in range(start, start + 1000):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {start}-{start + 999}")


def start_server(work_dir: Path, data_dir: Path, port: int) -> servers.Server:
    """Start gunicorn as ``make run`` does (one worker) on ``port`` with a new cache in ``work_dir``."""
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "LOG_LEVEL": "WARNING",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "GUNICORN_WORKERS": "1",
        "CACHE_DIR": str(work_dir / "cache"),
        "LIBRARY_DIR": str(work_dir / "library"),
        "DATA_DIR": str(data_dir),
    }
    env.pop("PYTHONPATH", None)
    env.pop("GUNICORN_THREADS", None)
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:server"]
    log_path = work_dir / f"gunicorn-{port}.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
    server = servers.Server(process, port, log_path)
    servers._wait_until(lambda: servers._healthy(server.url), 90, "gunicorn", server)
    return server


def start_browser():
    """Return a headless Chromium driven by selenium, with the probe installed in every new page."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(argument)
    options.add_argument(f"--window-size={WINDOW[0]},{WINDOW[1]}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PROBE})
    return driver


def callback_names() -> dict[str, str]:
    """Return each callback's name (``module.function``) by the output string its requests carry."""
    from app import create_app

    with tempfile.TemporaryDirectory(prefix="first-visit-names-") as cache_dir:
        app = create_app({"CACHE_DIR": cache_dir})
        return {
            output: f"{entry['callback'].__module__.rsplit('.', 1)[-1]}.{entry['callback'].__name__}"
            for output, entry in app.callback_map.items()
            if "callback" in entry  # clientside callbacks send no request
        }


def settle(driver, since: float, what: str) -> float:
    """
    Wait until no callback request is in flight and none started for ``QUIET_S`` after page time ``since``.

    Returns the page time of the frame drawn after the last answer.
    """
    deadline = time.monotonic() + VISIT_TIMEOUT_S
    while time.monotonic() < deadline:
        state = driver.execute_script(
            "const p = window.__firstVisit; return [p.pending, p.lastStart, p.lastDrawn, performance.now()];"
        )
        pending, last_start, last_drawn, now = state
        if pending == 0 and last_start >= since and now - max(last_start, last_drawn) >= QUIET_S * 1000:
            return last_drawn
        time.sleep(0.05)
    raise TimeoutError(f"{what}: callbacks still running after {VISIT_TIMEOUT_S:.0f} s")


def click(driver, xpath: str) -> float:
    """Click the element at ``xpath`` and return the page time of the click."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    element = WebDriverWait(driver, 60).until(expected_conditions.element_to_be_clickable((By.XPATH, xpath)))
    driver.execute_script("window.__firstVisit.clickAt = -1;")
    element.click()
    return driver.execute_script("return window.__firstVisit.clickAt;")


def tab_xpath(label: str) -> str:
    return f"//*[@role='tab' and normalize-space()='{label}']"


def one_run(url: str, folder: str, tabs: list[str], names: dict[str, str]) -> list[Visit]:
    """Open ``folder`` from the Data tab of a fresh page, then time each tab's first visit."""
    from selenium.webdriver.common.by import By

    driver = start_browser()
    try:
        driver.get(url)
        settle(driver, 0, "page load")
        settle(driver, click(driver, tab_xpath("Data")), "Data tab")
        opened = click(driver, f"//tr[@data-folder='{folder}']//button[normalize-space()='Open']")
        settle(driver, opened, f"opening {folder}")
        revenue = driver.find_element(By.ID, "kpi-revenue").get_attribute("data-value")
        if not revenue:
            raise RuntimeError(f"opening {folder} left the KPI row without a revenue")
        active = driver.find_element(By.CSS_SELECTOR, "[role='tab'].active").text.strip()
        if active != "Data":
            raise RuntimeError(f"opening {folder} moved to the {active} tab; the visits would not be first")
        visits = []
        for label in tabs:
            clicked = click(driver, tab_xpath(label))
            drawn = settle(driver, clicked, f"{label} tab")
            entries = driver.execute_script(ON_SCREEN, clicked)
            requests = sorted(
                (
                    (names.get(output, output[:60]), (end - start) / 1000, on_screen)
                    for output, start, end, _, on_screen in entries
                ),
                key=lambda item: -item[1],
            )
            screen_drawn = max((at for *_, at, on_screen in entries if on_screen), default=drawn)
            visits.append(Visit(label, (drawn - clicked) / 1000, (screen_drawn - clicked) / 1000, requests))
        return visits
    finally:
        driver.quit()


@contextlib.contextmanager
def served(data_dir: Path, port: int) -> Iterator[servers.Server]:
    """Yield a fresh gunicorn serving ``data_dir``; stop it by pid and delete its cache afterwards."""
    work_dir = Path(tempfile.mkdtemp(prefix="first-visit-"))
    try:
        server = start_server(work_dir, data_dir, free_port(port))
        try:
            yield server
        finally:
            servers.stop(server)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


def format_table(size: str, samples: list[list[Visit]]) -> str:
    """Return the table: tab, first screen and all callbacks (medians), the samples, budget and verdict."""
    budget = BUDGETS[size]
    rows = [("tab", "first screen", "all callbacks", "first screen samples", "budget", "verdict")]
    for index, visit in enumerate(samples[0]):
        screens = [sample[index].first_screen for sample in samples]
        median = statistics.median(screens)
        rows.append(
            (
                visit.tab,
                f"{median:.2f} s",
                f"{statistics.median(sample[index].seconds for sample in samples):.2f} s",
                ", ".join(f"{value:.2f}" for value in screens),
                f"<= {budget:g} s",
                "ok" if median <= budget else "OVER BUDGET",
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def format_slowest(samples: list[list[Visit]], count: int = 4) -> list[str]:
    """Return one line per tab: its slowest callbacks' request times in the median sample of that tab."""
    lines = []
    for index in range(len(samples[0])):
        ordered = sorted((sample[index] for sample in samples), key=lambda visit: visit.seconds)
        visit = ordered[len(ordered) // 2]
        slowest = ", ".join(
            f"{name} {seconds:.2f} s{'' if on_screen else ' (below the window)'}"
            for name, seconds, on_screen in visit.requests[:count]
        )
        lines.append(f"- {visit.tab}: {len(visit.requests)} requests; slowest: {slowest or 'none'}")
    return lines


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.first_visit", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--size", choices=list(data.generate.SIZES), default="S", help="workload (default S)")
    parser.add_argument("--repeat", type=int, default=1, help="fresh servers to sample (default 1)")
    parser.add_argument(
        "--workloads", type=Path, default=WORKLOADS, help="where generated workloads are kept"
    )
    parser.add_argument("--port", type=int, default=47000, help="first port to try for the server")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    if args.repeat < 1:
        print("error: --repeat must be at least 1", file=sys.stderr)
        return 2
    from layouts.tabs import TABS

    workload = ensure_workload(args.size, args.workloads)
    how = (
        "reused" if workload.generated_seconds is None else f"generated in {workload.generated_seconds:.1f} s"
    )
    labels = [tab.label for tab in TABS]
    tabs = [*labels[labels.index("Data") + 1 :], *labels[: labels.index("Data")]]
    names = callback_names()
    start_load = load_average()
    print(f"workload {args.size}: {workload.path} ({workload.megabytes:.1f} MB, {how})")
    print("server: gunicorn --config gunicorn.conf.py wsgi:server, 1 worker (make run), new cache per sample")
    print(f"data: the server folder {workload.path.name!r} (DATA_DIR) opened from the Data tab")
    print(f"before: {describe_load(start_load)}", flush=True)
    samples = []
    try:
        for number in range(args.repeat):
            with served(workload.path.parent, args.port) as server:
                visits = one_run(server.url, workload.path.name, tabs, names)
            samples.append(visits)
            summary = ", ".join(f"{v.tab} {v.first_screen:.2f}/{v.seconds:.2f} s" for v in visits)
            print(f"sample {number + 1}: {summary}", file=sys.stderr, flush=True)
    except Exception as error:
        print(f"FAILED: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print()
    print(
        f"First visit of each tab at {args.size}, from the click to the frame drawn after the last answer of a "
        "callback with an output in the window (first screen), and after the last answer of all (all callbacks):"
    )
    print(format_table(args.size, samples))
    print("Slowest callbacks of each visit (request time in the browser; median sample):")
    print("\n".join(format_slowest(samples)))
    print(f"after: {describe_load(load_average())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
