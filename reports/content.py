"""What a report holds: the export tables of one view plus the context a reader needs (docs/reports.md).

:func:`collect` computes everything once; the PDF and the XLSX writers only lay it out, so both formats
show the same numbers, and those numbers are the CSV exports' numbers for the same filters and options.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from metrics import budget as budget_optimizer
from metrics import comparison, export
from metrics.dataset import FILES, Dataset
from metrics.filters import MODEL_LABELS, Filters, Options
from metrics.view import View

# The grouping of the side-by-side model comparison: campaigns are few and every reader knows them.
COMPARISON_BY = "campaign"

FILTER_LABELS = {
    "campaigns": "Campaigns",
    "products": "Products",
    "sources": "Sources",
    "platforms": "Platforms",
    "categories": "Categories",
    "genders": "Genders",
    "tiers": "Tiers",
}


@dataclass(frozen=True)
class ReportData:
    """
    Hold the content of one report.

    Attributes
    ----------
    tables : dict of str to DataFrame
        Export file name without ``.csv`` (``"kpis"``, ``"campaigns"``, ...) -> the frame that file holds,
        in the export contract's file order; ``"budget"`` and ``"budget_fit"`` are always present.
    filters, options : Filters, Options
        The view.
    budget : BudgetResult
        The budget recommendation behind ``tables["budget"]`` (totals, exponent, message).
    comparison : DataFrame
        ``metrics.comparison.model_comparison`` by campaign: credited revenue under every model.
    data_period : tuple of (date or None, date or None)
        First and last date of the tracking and posts files.
    rows : dict of str to int
        Row count of each input file.
    generated : datetime
        When the report was built (UTC).
    """

    tables: dict[str, pd.DataFrame]
    filters: Filters
    options: Options
    budget: budget_optimizer.BudgetResult
    comparison: pd.DataFrame
    data_period: tuple[dt.date | None, dt.date | None]
    rows: dict[str, int]
    generated: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def model_label(self) -> str:
        """Return the attribution model's display name."""
        return MODEL_LABELS[self.options.model]

    @property
    def report_period(self) -> tuple[dt.date | None, dt.date | None]:
        """Return the period the report covers: the date filter, open sides taken from the data."""
        first, last = self.data_period
        return self.filters.start or first, self.filters.end or last

    def filter_lines(self) -> list[tuple[str, str]]:
        """Return (label, values) for each filter dimension, "All" where it is not set."""
        return [
            (label, ", ".join(getattr(self.filters, name)) or "All") for name, label in FILTER_LABELS.items()
        ]

    def option_lines(self) -> list[tuple[str, str]]:
        """Return (label, value) of the analysis options that change the numbers."""
        options = self.options
        return [
            ("Attribution model", self.model_label),
            ("Lookback", f"{options.lookback} days"),
            ("Time-decay half-life", f"{options.half_life:g} days"),
            ("Incrementality window", f"{options.window} days"),
            ("Data-driven grouping", options.markov_by),
        ]


def format_date(value: dt.date | None) -> str:
    """
    Return a date as reports show it (``1 Apr 2025``), or "—" when unknown.

    Examples
    --------
    >>> format_date(dt.date(2025, 4, 1))
    '1 Apr 2025'
    """
    if value is None:
        return "—"
    return f"{value.day} {value:%b %Y}"


def format_period(period: tuple[dt.date | None, dt.date | None]) -> str:
    """
    Return a date range as reports show it.

    Examples
    --------
    >>> format_period((dt.date(2025, 4, 1), dt.date(2025, 9, 30)))
    '1 Apr 2025 – 30 Sep 2025'
    """
    return f"{format_date(period[0])} – {format_date(period[1])}"


def data_period(dataset: Dataset) -> tuple[dt.date | None, dt.date | None]:
    """Return the first and last date of the tracking and posts files (None when both are empty)."""
    dates = pd.concat([dataset.tracking["date"], dataset.posts["date"]]).dropna()
    if dates.empty:
        return None, None
    return dates.min().date(), dates.max().date()


def collect(
    dataset: Dataset,
    filters: Filters | None = None,
    options: Options | None = None,
    *,
    budget: float | None = None,
    credit: pd.DataFrame | None = None,
    generated: dt.datetime | None = None,
) -> ReportData:
    """
    Compute the content of the report of one view.

    Parameters
    ----------
    dataset : Dataset
        The validated input.
    filters : Filters, optional
        The slice to report on (default: everything).
    options : Options, optional
        Attribution model and parameters (default: last touch).
    budget : float, optional
        Total budget of the recommendation; default the view's current spend (a re-split of the same
        money).
    credit : DataFrame, optional
        Precomputed attribution credit for ``options`` (see :class:`~metrics.view.View`).
    generated : datetime, optional
        Time stamp printed on the report (default now, UTC).

    Returns
    -------
    ReportData
    """
    view = View(dataset, filters, options, credit=credit)
    recommendation = budget_optimizer.recommend(view, budget)
    tables = export.build_with_insights(view)
    tables["budget"] = export.conform(recommendation.table, "budget")
    tables["budget_fit"] = export.conform(budget_optimizer.fit_table(recommendation), "budget_fit")
    order = list(export.COLUMNS)
    tables = dict(sorted(tables.items(), key=lambda item: order.index(item[0])))
    extra = {} if generated is None else {"generated": generated}
    return ReportData(
        tables=tables,
        filters=view.filters,
        options=view.options,
        budget=recommendation,
        comparison=comparison.model_comparison(view, COMPARISON_BY),
        data_period=data_period(dataset),
        rows={name: len(dataset.frame(name)) for name in FILES},
        **extra,
    )
