"""Command line: ``python -m metrics export --data DIR --out DIR [filters] [options]`` (docs/export-contract.md).

Exit status: 0 on success; 2 when the input is rejected, an option is invalid or the data cannot be used
with it (the Markov model by influencer over too many influencers), with one line on stderr naming the file
(or option) and the problem.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import NoReturn

from metrics import export, ingest
from metrics.dataset import InputRejected
from metrics.filters import LIST_FIELDS, MARKOV_GROUPINGS, MODELS, Filters, Options
from metrics.markov import GroupingRefused

EXIT_OK = 0
EXIT_REJECTED = 2


class UsageError(Exception):
    """Raise for an invalid command line; the message is printed as one line."""


class _Parser(argparse.ArgumentParser):
    # argparse prints the usage block and exits; we want a single line and the caller's exit code.
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date (YYYY-MM-DD): {text!r}") from None


BUDGET_HELP = "total budget: also write budget.csv and budget_fit.csv"


def add_view_arguments(parser: argparse.ArgumentParser, *, budget_help: str = BUDGET_HELP) -> None:
    """
    Add the flags describing one view to ``parser``: dates, list filters, model options and ``--budget``.

    ``python -m metrics export`` and ``python -m reports`` share them, so the two commands never drift
    apart; :func:`view_from_args` turns the parsed flags into filters, options and the budget.

    Parameters
    ----------
    parser : ArgumentParser
        The parser (or sub-command parser) to extend.
    budget_help : str, optional
        What ``--budget`` does in this command.
    """
    parser.add_argument("--start", type=_iso_date, help="first date, inclusive (YYYY-MM-DD)")
    parser.add_argument("--end", type=_iso_date, help="last date, inclusive (YYYY-MM-DD)")
    for field, option in LIST_FIELDS.items():
        parser.add_argument(
            f"--{option}",
            dest=field,
            action="append",
            default=[],
            metavar="X",
            help=f"keep this {option} (repeat)",
        )
    defaults = Options()
    parser.add_argument("--model", choices=MODELS, default=defaults.model, help="attribution model")
    parser.add_argument(
        "--lookback", type=int, default=defaults.lookback, help="attribution lookback in days"
    )
    parser.add_argument(
        "--half-life", type=float, default=defaults.half_life, help="time-decay half-life in days"
    )
    parser.add_argument("--window", type=int, default=defaults.window, help="incrementality window in days")
    parser.add_argument(
        "--markov-by", choices=MARKOV_GROUPINGS, default=defaults.markov_by, help="data-driven model grouping"
    )
    parser.add_argument("--budget", type=float, help=budget_help)


def view_from_args(args: argparse.Namespace) -> tuple[Filters, Options, float | None]:
    """
    Return the filters, options and budget that the flags of :func:`add_view_arguments` describe.

    Raises
    ------
    UsageError
        When ``--start`` is after ``--end``, ``--budget`` is negative (or not a number) or an option value
        is invalid; the message is one line naming the flag.
    """
    if args.start and args.end and args.start > args.end:
        raise UsageError(f"--start {args.start} is after --end {args.end}")
    # Written so that NaN is refused too: it compares false with everything.
    if args.budget is not None and not args.budget >= 0:
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
    try:
        filters = Filters.make(
            start=args.start, end=args.end, **{field: getattr(args, field) for field in LIST_FIELDS}
        )
    except ValueError as exc:  # a date outside 1900-01-01..2199-12-31
        raise UsageError(str(exc)) from None
    return filters, options, args.budget


def build_parser() -> argparse.ArgumentParser:
    """Build the ``python -m metrics`` parser with its ``export`` sub-command."""
    parser = _Parser(prog="python -m metrics", description="Influencer campaign metrics.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    export = commands.add_parser(
        "export",
        help="write the metric CSVs of one view",
        description="Read the four input CSVs of --data and write the export files to --out.",
    )
    export.add_argument("--data", required=True, type=Path, help="directory with the four input CSVs")
    export.add_argument("--out", required=True, type=Path, help="directory to write (not --data)")
    add_view_arguments(export)
    return parser


def _same_directory(first: Path, second: Path) -> bool:
    return first.expanduser().resolve() == second.expanduser().resolve()


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def run_export(args: argparse.Namespace) -> int:
    """Run the export sub-command; return the exit status."""
    if _same_directory(args.data, args.out):
        raise UsageError("--out must not be the --data directory (the input files would be overwritten)")
    filters, options, budget = view_from_args(args)
    if not args.data.is_dir():
        raise InputRejected(str(args.data), "no such directory")

    dataset = ingest.read_dir(args.data)
    if budget is not None:
        # The same words as the dashboard's budget panel; the plan still uses the nearer feasible total.
        message = export.budget_message(dataset, filters, options, budget)
        if message:
            print(message, file=sys.stderr)
    written, seconds = export.export(dataset, args.out, filters, options, budget=budget)
    print(f"wrote {len(written)} files to {args.out} in {seconds:.2f} s ({options.model})")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (0 success, 2 rejected input or invalid option)."""
    try:
        args = build_parser().parse_args(argv)
        return run_export(args)
    except UsageError as exc:
        print(f"error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_REJECTED
    except InputRejected as exc:
        print(f"error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_REJECTED
    except GroupingRefused as exc:
        print(f"error: --markov-by: {_one_line(exc)}", file=sys.stderr)
        return EXIT_REJECTED


if __name__ == "__main__":
    raise SystemExit(main())
