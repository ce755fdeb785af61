"""Command line: ``python -m reports --data DIR --out FILE.pdf|FILE.xlsx [filters] [options]`` (docs/reports.md).

The filter and option flags are those of ``python -m metrics export``, added and checked by the same
functions (``metrics.__main__.add_view_arguments`` and ``view_from_args``), so the two commands never
drift apart; ``--budget`` sets the total of the budget recommendation (default: the view's current spend). Exit status: 0 on success; 2 when the input is rejected or an option is invalid, with one
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
from metrics.__main__ import EXIT_OK, EXIT_REJECTED, UsageError, add_view_arguments, view_from_args
from metrics.dataset import InputRejected
from metrics.markov import GroupingRefused
from reports import KINDS, collect, render


class _Parser(argparse.ArgumentParser):
    # One line on stderr and exit status 2, like python -m metrics, instead of argparse's usage block.
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    """Build the ``python -m reports`` parser: the export's flags, ``--out`` naming a .pdf or .xlsx file."""
    parser = _Parser(
        prog="python -m reports",
        description="Read the four input CSVs of --data and write the PDF or Excel report of one view.",
    )
    parser.add_argument("--data", required=True, type=Path, help="directory with the four input CSVs")
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        help="report file to write; its extension (.pdf or .xlsx) picks the format",
    )
    add_view_arguments(
        parser, budget_help="total budget of the recommendation (default: the view's current spend)"
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
    filters, options, budget = view_from_args(args)
    if not args.data.is_dir():
        raise InputRejected(str(args.data), "no such directory")
    started = time.perf_counter()
    dataset = ingest.read_dir(args.data)
    content = render(collect(dataset, filters, options, budget=budget), kind)
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
