"""``python -m benchmarks.serve``: serving latency through gunicorn, and the Docker image's expected size.

Latency: gunicorn with 2 workers (the image's default) serves the app on a loopback port, once with the
file cache and once with Redis (a throw-away ``redis-server``). The workload is uploaded through the
HTTP API, then for each of ``--requests`` distinct filter combinations the KPIs (and the campaign table)
are requested once — a new filter state, computed — and once more — the same state, a cache hit. Every
request opens a new connection, so it lands on either worker. p50/p95 are printed per backend.

Image size: a virtualenv built as the Dockerfile builds it (``[project].dependencies`` only) is
measured on disk and added to the app's own files and the python:3.11-slim-bookworm base (about 130 MB
unpacked on linux/amd64). No Docker engine is needed.

    python -m benchmarks.serve [--size S] [--requests 20] [--backend file --backend redis] [--no-image-size]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import data.generate
from benchmarks import WORKLOADS, ensure_workload
from benchmarks.serving import BACKENDS, filter_states, missing_backend, percentile, served
from tests import servers

ROOT = Path(__file__).resolve().parent.parent
BASE_IMAGE_MB = 130.0
APP_PATHS = (
    "app.py",
    "gunicorn.conf.py",
    "pyproject.toml",
    "metrics",
    "layouts",
    "callbacks",
    "figures",
    "reports",
    "data",
    "assets",
)


def timed_get(url: str, params: dict) -> float:
    """Return the milliseconds one GET takes, failing on a non-200 answer."""
    started = time.perf_counter()
    response = servers.get(url, params)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} {params} answered {response.status_code}: {response.text[:300]}")
    return elapsed


def measure_backend(name: str, workload_dir: Path, requests: int, work: Path) -> dict:
    """Start gunicorn (2 workers) on one cache backend, upload the workload and time filter changes."""
    with served(name, work, workers=2, threads=4) as app:
        files = {f: (workload_dir / f"{f}.csv").read_bytes() for f in servers.INPUT_FILES}
        started = time.perf_counter()
        upload = servers.upload_dataset(app.url, files, timeout_s=600)
        upload_s = time.perf_counter() - started
        if upload.status_code != 201:
            raise RuntimeError(f"upload answered {upload.status_code}: {upload.text[:300]}")
        key = upload.json()["key"]
        kpis_url = f"{app.url}/api/datasets/{key}/kpis"
        table_url = f"{app.url}/api/datasets/{key}/export/campaigns.csv"
        first_view_ms = timed_get(kpis_url, {})

        table = servers.get(table_url, {}).text
        campaign_names = [row["campaign"] for row in csv.DictReader(io.StringIO(table))][:4]
        first, last = (dt.date.fromisoformat(d) for d in _period(workload_dir))
        states = filter_states(first, last, campaign_names, requests)

        # One filter change as the dashboard sees it: the KPI row, then the visible table; then the same again.
        samples: dict[str, list[float]] = {"kpis new": [], "view new": [], "kpis again": [], "view again": []}
        for params in states:
            kpis_ms, table_ms = timed_get(kpis_url, params), timed_get(table_url, params)
            samples["kpis new"].append(kpis_ms)
            samples["view new"].append(kpis_ms + table_ms)
            kpis_ms, table_ms = timed_get(kpis_url, params), timed_get(table_url, params)
            samples["kpis again"].append(kpis_ms)
            samples["view again"].append(kpis_ms + table_ms)
        return {"backend": name, "upload_s": upload_s, "first_view_ms": first_view_ms, "samples": samples}


def _period(workload_dir: Path) -> tuple[str, str]:
    """Return the first and last tracking date of a workload (ISO), read with pyarrow."""
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    dates = pacsv.read_csv(
        workload_dir / "tracking.csv",
        convert_options=pacsv.ConvertOptions(include_columns=["date"], column_types={"date": "date32"}),
    ).column("date")
    bounds = pc.min_max(dates)
    return bounds["min"].as_py().isoformat(), bounds["max"].as_py().isoformat()


def runtime_venv(path: Path) -> Path:
    """Return a virtualenv holding only the runtime dependencies, built by the Dockerfile's own RUN lines."""
    if (path / "bin" / "python").exists():
        return path
    with tempfile.TemporaryDirectory(prefix="image-build-") as build_dir:
        shutil.copy(ROOT / "pyproject.toml", build_dir)
        servers.run_build_stage(ROOT / "Dockerfile", path, Path(build_dir), quiet=True)
    return path


def disk_megabytes(path: Path) -> float:
    """Return the size of the files under ``path`` (or of the file) in MB (10^6 bytes)."""
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 1e6


def image_size(venv: Path) -> dict:
    """Return the expected image size: base + runtime virtualenv + the app's files, and the biggest packages."""
    site = next((venv / "lib").glob("python3*/site-packages"))
    packages: dict[str, float] = {}
    for entry in site.iterdir():
        name = entry.name.split("-")[0].removesuffix(".libs").lower().lstrip("_")
        packages[name] = packages.get(name, 0.0) + disk_megabytes(entry)
    app_mb = sum(disk_megabytes(ROOT / p) for p in APP_PATHS if (ROOT / p).exists())
    venv_mb = disk_megabytes(venv)
    return {
        "venv_mb": venv_mb,
        "app_mb": app_mb,
        "total_mb": BASE_IMAGE_MB + venv_mb + app_mb,
        "largest": sorted(packages.items(), key=lambda item: -item[1])[:8],
    }


def print_latency(result: dict) -> None:
    print(
        f"\n{result['backend']} cache: upload {result['upload_s']:.2f} s, first view {result['first_view_ms']:.0f} ms"
    )
    print(f"  {'request':<34}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'n':>5}")
    labels = {
        "kpis new": "KPIs, new filter state",
        "view new": "KPIs + campaign table, new state",
        "kpis again": "KPIs, same state again (hit)",
        "view again": "KPIs + campaign table, again (hit)",
    }
    for name, values in result["samples"].items():
        print(
            f"  {labels[name]:<34}{statistics.median(values):>9.1f}{percentile(values, 0.95):>9.1f}"
            f"{max(values):>9.1f}{len(values):>5}"
        )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=list(data.generate.SIZES), default="S", help="workload (default S)")
    parser.add_argument("--requests", type=int, default=20, help="distinct filter states (default 20)")
    parser.add_argument(
        "--backend", action="append", choices=BACKENDS, help="cache backend(s) (default both)"
    )
    parser.add_argument(
        "--venv",
        type=Path,
        default=WORKLOADS / "runtime-venv",
        help="runtime virtualenv to measure (built when missing)",
    )
    parser.add_argument("--no-image-size", action="store_true", help="skip the image size estimate")
    parser.add_argument("--no-latency", action="store_true", help="skip the latency measurement")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.requests < 2:
        print("error: --requests must be at least 2", file=sys.stderr)
        return 2
    backends = [] if args.no_latency else (args.backend or list(BACKENDS))
    problem = missing_backend(backends)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    if backends:
        workload = ensure_workload(args.size)
        print(
            f"workload {args.size}: {workload.megabytes:.1f} MB; gunicorn 2 workers x 4 threads; "
            f"{os.cpu_count()} CPUs"
        )
        with tempfile.TemporaryDirectory(prefix="serve-bench-") as work:
            for backend in backends:
                print_latency(measure_backend(backend, workload.path, args.requests, Path(work)))
    if not args.no_image_size:
        size = image_size(runtime_venv(args.venv))
        print(
            f"\nimage size estimate: {size['total_mb']:.0f} MB = base {BASE_IMAGE_MB:.0f} MB"
            f" + runtime venv {size['venv_mb']:.0f} MB + app {size['app_mb']:.1f} MB"
        )
        print("  largest packages: " + ", ".join(f"{name} {mb:.0f} MB" for name, mb in size["largest"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
