"""Command line: ``python -m reports --data DIR --out FILE.pdf|FILE.xlsx [filters] [options]`` (docs/reports.md).

The filter and option flags are those of ``python -m metrics export`` (taken from its parser, so the two
commands never drift apart); ``--budget`` sets the total of the budget recommendation (default: the view's
current spend). Exit status: 0 on success; 2 when the input is rejected or an option is invalid, with one
line on stderr naming the file (or option) and the problem.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import NoReturn

from metrics import ingest
from metrics.__main__ import EXIT_OK, EXIT_REJECTED, UsageError
from metrics.__main__ import build_parser as build_metrics_parser
from metrics.dataset import InputRejected
from metrics.filters import LIST_FIELDS, Filters, Options
from metrics.markov import GroupingRefused
from reports import KINDS, collect, render


class _Parser(argparse.ArgumentParser):
    # One line on stderr and exit status 2, like python -m metrics, instead of argparse's usage block.
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _export_parser() -> argparse.ArgumentParser:
    """Return the ``export`` sub-command parser of ``python -m metrics`` (its filter and option flags)."""
    metrics_parser = build_metrics_parser()
    for action in metrics_parser._actions:
        if isinstance(action, argparse._SubParsersAction) and "export" in action.choices:
            return action.choices["export"]
    raise RuntimeError("python -m metrics has no export sub-command")


def build_parser() -> argparse.ArgumentParser:
    """Build the ``python -m reports`` parser: the export's flags, ``--out`` naming a .pdf or .xlsx file."""
    parser = _Parser(
        prog="python -m reports",
        description="Read the four input CSVs of --data and write the PDF or Excel report of one view.",
        parents=[_export_parser()],
        conflict_handler="resolve",
    )
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        help="report file to write; its extension (.pdf or .xlsx) picks the format",
    )
    parser.add_argument(
        "--budget", type=float, help="total budget of the recommendation (default: the view's current spend)"
    )
    return parser


def report_kind(path: Path) -> str:
    """
    Return the report format an output path asks for.

    Raises
    ------
    UsageError
        When the extension is neither .pdf nor .xlsx.
    """
    kind = path.suffix.lower().lstrip(".")
    if kind not in KINDS:
        raise UsageError(f"--out must end in .pdf or .xlsx, got {path.name!r}")
    return kind


def view_from_args(args: argparse.Namespace) -> tuple[Filters, Options]:
    """Return the filters and options the flags describe; raise UsageError for an invalid combination."""
    if args.start and args.end and args.start > args.end:
        raise UsageError(f"--start {args.start} is after --end {args.end}")
    if args.budget is not None and args.budget < 0:
        raise UsageError("--budget must be >= 0")
    try:
        options = Options(
            model=args.model,
            lookback=args.lookback,
            half_life=args.half_life,
            window=args.window,
            markov_by=args.markov_by,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    filters = Filters.make(
        start=args.start, end=args.end, **{field: getattr(args, field) for field in LIST_FIELDS}
    )
    return filters, options


def _write_atomically(path: Path, content: bytes) -> None:
    # A half-written report never replaces a good one: write beside it, then rename.
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        # mkstemp creates the file readable by its owner only; give it the permissions open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def run(args: argparse.Namespace) -> int:
    """Build and write the report the parsed flags ask for; return the exit status."""
    kind = report_kind(args.out)
    if args.out.is_dir():
        raise UsageError(f"--out {args.out} is a directory; name the report file")
    filters, options = view_from_args(args)
    if not args.data.is_dir():
        raise InputRejected(str(args.data), "no such directory")
    started = time.perf_counter()
    dataset = ingest.read_dir(args.data)
    content = render(collect(dataset, filters, options, budget=args.budget), kind)
    _write_atomically(args.out, content)
    seconds = time.perf_counter() - started
    print(f"wrote {args.out} ({len(content) / 1024:.0f} KB) in {seconds:.2f} s ({options.model})")
    return EXIT_OK


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (0 success, 2 rejected input or invalid option)."""
    try:
        return run(build_parser().parse_args(argv))
    except (UsageError, InputRejected) as exc:
        print(f"error: {_one_line(exc)}", file=sys.stderr)
    except GroupingRefused as exc:
        print(f"error: --markov-by: {_one_line(exc)}", file=sys.stderr)
    return EXIT_REJECTED


if __name__ == "__main__":
    raise SystemExit(main())
