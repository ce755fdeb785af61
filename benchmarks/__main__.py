"""``python -m benchmarks [--size S|M|L] [--repeat N]``: time the workload and print the budget table."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

import data.generate
from benchmarks import (
    ROOT,
    WORKLOADS,
    describe_load,
    describe_machine,
    describe_machine_line,
    ensure_workload,
    format_details,
    format_progress,
    format_table,
    load_average,
    previous_results,
    results_document,
    run,
    write_markdown,
)
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
    parser.add_argument(
        "--markdown",
        type=Path,
        help="markdown table whose section of this size is replaced (default results.md beside --results)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """
    Run every measurement, print the table, write the results file and this size's section of results.md.

    Returns 0, or 1 when a measurement failed with an error (its row says which); a measurement over
    budget is a finding, printed in the table, not an error of the command.
    """
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    if args.repeat < 1:
        print("error: --repeat must be at least 1", file=sys.stderr)
        return 2
    results_path = args.results or ROOT / f"results-{args.size}.json"
    markdown_path = args.markdown or results_path.parent / "results.md"
    workload = ensure_workload(args.size, args.workloads)
    how = (
        "reused" if workload.generated_seconds is None else f"generated in {workload.generated_seconds:.1f} s"
    )
    previous, source = previous_results(results_path)
    print(f"workload {args.size}: {workload.path} ({workload.megabytes:.1f} MB, {how})")
    print(f"previous result: {source or 'none'}; best of {args.repeat}")
    print(f"machine: {describe_machine_line(describe_machine())}")
    load = {"start": load_average()}
    print(f"before: {describe_load(load['start'])}", flush=True)
    results = run(
        MEASUREMENTS,
        workload,
        args.repeat,
        previous,
        on_result=lambda result: print(format_progress(result), file=sys.stderr, flush=True),
    )
    load["end"] = load_average()
    table = format_table(results)
    print(table)
    details = format_details(results)
    if details:
        print(details)
    print(f"after: {describe_load(load['end'])}")
    command = shlex.join(["python", "-m", "benchmarks", *argv])
    document = results_document(results, workload, args.repeat, load, command=command)
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(document, indent=2) + "\n")
    print(f"wrote {results_path}")
    write_markdown(markdown_path, document, table, details)
    print(f"wrote {markdown_path} (section {args.size})")
    return 1 if any(result.failed for result in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
