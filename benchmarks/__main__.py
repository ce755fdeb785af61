"""``python -m benchmarks [--size S|M|L] [--repeat N]``: time the workload and print the budget table."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import data.generate
from benchmarks import ROOT, WORKLOADS, ensure_workload, format_table, previous_results, results_document, run
from benchmarks.measurements import MEASUREMENTS


def build_parser() -> argparse.ArgumentParser:
    """Build the ``python -m benchmarks`` argument parser."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--size", choices=list(data.generate.SIZES), default="M", help="workload (default M)")
    parser.add_argument(
        "--repeat", type=int, default=3, help="samples per timing; the best is kept (default 3)"
    )
    parser.add_argument(
        "--workloads", type=Path, default=WORKLOADS, help="where generated workloads are kept"
    )
    parser.add_argument("--results", type=Path, help="results file (default benchmarks/results-<size>.json)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run every measurement once per repeat, print the table and write the results file."""
    args = build_parser().parse_args(argv)
    if args.repeat < 1:
        print("error: --repeat must be at least 1", file=sys.stderr)
        return 2
    results_path = args.results or ROOT / f"results-{args.size}.json"
    workload = ensure_workload(args.size, args.workloads)
    how = (
        "reused" if workload.generated_seconds is None else f"generated in {workload.generated_seconds:.1f} s"
    )
    previous, source = previous_results(results_path)
    print(f"workload {args.size}: {workload.path} ({workload.megabytes:.1f} MB, {how})")
    print(f"previous result: {source or 'none'}; best of {args.repeat}")
    results = run(MEASUREMENTS, workload, args.repeat, previous)
    print(format_table(results))
    results_path.write_text(json.dumps(results_document(results, workload, args.repeat), indent=2) + "\n")
    print(f"wrote {results_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
