"""``python -m benchmarks.library_open --data DIR``: open a saved dataset (Parquet) against ingesting its CSVs.

Both paths end with the dataset stored in an empty cache and loaded, as the dashboard needs it:

* CSV ingest — ``datasets.read_folder`` + ``datasets.build`` (what opening a ``DATA_DIR`` folder does:
  parse, validate, cross-file checks, store);
* saved open — ``datasets.load(<id>)`` in a fresh app whose cache has never seen the id (read the Parquet
  files and the manifest, store them in the cache).

Each is timed ``--repeat`` times, alternating, each sample on a new empty cache; the median is printed
(the machine may be loaded: compare the two numbers of one run, not across runs). Results in
docs/benchmarks.md, "Saved datasets".
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def _app(root: Path, name: str):
    from app import create_app

    return create_app(
        {
            "CACHE_DIR": str(root / name),
            "LIBRARY_DIR": str(root / "library"),
            "TESTING": True,
            "AUTOLOAD_DEMO": False,
        }
    )


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print one line per path."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.library_open", description=__doc__)
    parser.add_argument("--data", type=Path, required=True, help="a folder with the four CSV files")
    parser.add_argument("--repeat", type=int, default=3, help="samples per path (default 3)")
    arguments = parser.parse_args(argv)

    from store import datasets, library

    with tempfile.TemporaryDirectory(prefix="library-bench-") as work:
        root = Path(work)
        with _app(root, "cache-setup").server.test_request_context():
            key = datasets.build(datasets.read_folder(arguments.data, datasets.server_source("bench")))
            started = time.perf_counter()
            saved = datasets.save_to_library(key, "bench")
            save_s = time.perf_counter() - started
        size = sum(path.stat().st_size for path in (root / "library" / saved["id"]).iterdir())
        csv_size = sum(path.stat().st_size for path in arguments.data.glob("*.csv"))
        ingest, opened, parquet = [], [], []
        for sample in range(arguments.repeat):
            datasets._loaded.clear()
            with _app(root, f"cache-csv-{sample}").server.test_request_context():
                started = time.perf_counter()
                datasets.load(
                    datasets.build(datasets.read_folder(arguments.data, datasets.server_source("bench")))
                )
                ingest.append(time.perf_counter() - started)
            datasets._loaded.clear()
            with _app(root, f"cache-open-{sample}").server.test_request_context():
                started = time.perf_counter()
                datasets.load(saved["id"])
                opened.append(time.perf_counter() - started)
            started = time.perf_counter()
            library.read_frames(root / "library", saved["id"])
            parquet.append(time.perf_counter() - started)
    rows = sum(saved["rows"].values())
    print(
        f"dataset: {arguments.data} ({rows:,} rows, CSV {csv_size / 1e6:.1f} MB, Parquet {size / 1e6:.1f} MB)"
    )
    print(
        f"CSV ingest (parse + validate + store), median of {arguments.repeat}: {statistics.median(ingest):.3f} s"
    )
    print(f"saved open (Parquet + store), median of {arguments.repeat}: {statistics.median(opened):.3f} s")
    print(f"  of which reading the Parquet files: {statistics.median(parquet):.3f} s")
    print(f"save (Parquet write, once): {save_s:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
