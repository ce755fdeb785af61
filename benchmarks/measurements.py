"""The measurements ``python -m benchmarks`` takes, in table order (budgets: docs/demo-data.md).

Add a row by appending a :class:`~benchmarks.Measurement`: its function gets the workload and returns one
sample; raise :class:`~benchmarks.Unavailable` while the feature it measures does not exist.
"""

from __future__ import annotations

import pyarrow.csv as pacsv

from benchmarks import Budget, Measurement, Unavailable, Workload, timed

PYARROW_READ = "pyarrow read_csv (4 files)"


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


MEASUREMENTS = [
    Measurement(PYARROW_READ, pyarrow_read, baseline=None),
    Measurement(
        "ingest + validation (read_dir)",
        ingest_read_dir,
        baseline=PYARROW_READ,
        budget=Budget(2.0, relative=True),
    ),
]
