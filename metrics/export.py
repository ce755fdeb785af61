"""The export contract: which CSV files are written, with which columns, in which format (docs/export-contract.md).

Each file has one small builder taking a :class:`~metrics.view.View`; :func:`build_tables` runs them all
and :func:`to_csv_bytes` turns a frame into the exact bytes written by ``python -m metrics export`` and sent
by the dashboard's export buttons. A feature's columns are written only once the feature exists: every
builder passes its table through :func:`conform`, which keeps the contract's columns that are present, in
the contract's order.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from metrics import budget as budget_optimizer
from metrics import comparison, incrementality, insights, kpis, payouts, personas, scoring, tables
from metrics.dataset import QUALITY_COLUMNS, Dataset
from metrics.filters import Filters, Options
from metrics.spend import payout_findings
from metrics.view import View

# The files: name -> columns in order (docs/export-contract.md), each list defined beside its builder.
COLUMNS: dict[str, list[str]] = {
    "kpis": [*kpis.KPI_COLUMNS, *incrementality.IROAS_EXPORTED],
    "campaigns": [*tables.CAMPAIGN_COLUMNS, *incrementality.IROAS_EXPORTED],
    "influencers": [*tables.INFLUENCER_COLUMNS, *incrementality.IROAS_EXPORTED, *scoring.SCORE_EXPORTED],
    "attribution": comparison.ATTRIBUTION_COLUMNS,
    "attribution_markov": comparison.MARKOV_COLUMNS,
    "payouts": payouts.LEDGER_COLUMNS,
    "personas": personas.PERSONA_COLUMNS,
    "budget": budget_optimizer.BUDGET_COLUMNS,
    "budget_fit": budget_optimizer.FIT_COLUMNS,
    "trends": tables.TREND_COLUMNS,
    "insights": insights.INSIGHT_COLUMNS,
    "data_quality": QUALITY_COLUMNS,
}
# A text cell starting with one of these would run as a formula in a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def conform(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """
    Keep the contract columns of file ``name`` that ``frame`` has, in the contract's order.

    Columns of a feature that is not built yet are simply absent, never written empty.
    """
    return frame[[column for column in COLUMNS[name] if column in frame.columns]].reset_index(drop=True)


def kpis_file(view: View) -> pd.DataFrame:
    """Build kpis.csv: the headline KPIs as one row, with the overall incrementality."""
    return conform(incrementality.add_iroas(kpis.kpi_table(view), view), "kpis")


def campaigns_file(view: View) -> pd.DataFrame:
    """Build campaigns.csv: one row per campaign with a touch, credit or spend in the view."""
    return conform(incrementality.add_iroas(tables.campaign_table(view), view, "campaign"), "campaigns")


def influencers_file(view: View) -> pd.DataFrame:
    """Build influencers.csv: one row per influencer passing the influencer filters, scored."""
    table = incrementality.add_iroas(tables.influencer_table(view), view, "influencer_id")
    return conform(scoring.score_influencers(table, view.options.score_weights), "influencers")


def personas_file(view: View) -> pd.DataFrame:
    """Build personas.csv: category x gender x platform x tier, ranked personas first."""
    return conform(personas.persona_table(view), "personas")


def attribution_file(view: View) -> pd.DataFrame:
    """Build attribution.csv: each rule-based model's non-zero credit per influencer."""
    return conform(comparison.attribution_table(view), "attribution")


def attribution_markov_file(view: View) -> pd.DataFrame:
    """Build attribution_markov.csv: the data-driven model at the view's Markov grouping."""
    return conform(comparison.markov_table(view), "attribution_markov")


def payouts_file(view: View) -> pd.DataFrame:
    """Build payouts.csv: the payout ledger."""
    return conform(payouts.payout_ledger(view), "payouts")


def trends_file(view: View) -> pd.DataFrame:
    """Build trends.csv: revenue, orders and dated spend per (date, campaign)."""
    return conform(tables.trends(view), "trends")


def insights_file(view: View, built: Mapping[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """
    Build insights.csv: the view's plain-language findings, in the order the dashboard shows them.

    Parameters
    ----------
    view : View
        The view.
    built : mapping of str to DataFrame, optional
        Files of the same view already built (``"kpis"``, ``"campaigns"``, ``"influencers"``,
        ``"personas"``); those missing are computed. The findings read no column that differs between
        the two ways (influencers.csv's incrementality columns are not used), so the file is the same.
    """
    built = built or {}
    campaigns = built["campaigns"] if "campaigns" in built else campaigns_file(view)
    if "influencers" in built and "personas" in built:
        scored, ranked = built["influencers"], built["personas"]
    else:
        # The score and quadrant do not depend on incrementality: skip its estimate per influencer.
        table = tables.influencer_table(view)
        scored = scoring.score_influencers(table, view.options.score_weights)
        ranked = personas.rank_personas(table)
    totals = built["kpis"] if "kpis" in built else kpis.kpi_table(view)
    found = insights.insights(totals, campaigns, scored, ranked)
    return conform(insights.insight_table(found), "insights")


def data_quality_file(view: View) -> pd.DataFrame:
    """Build data_quality.csv: the ingest report plus the payouts spend allocation had to interpret."""
    findings = payout_findings(view.dataset, parts=view.spend_parts)
    report = view.dataset.quality
    if not findings.empty:
        report = pd.concat([report, findings], ignore_index=True).drop_duplicates(
            ["file", "row", "column", "value", "problem"]
        )
    return conform(report, "data_quality")


def budget_file(view: View, total: float | None = None) -> pd.DataFrame:
    """Build budget.csv: the recommended split of ``total`` (default: the view's current spend)."""
    return budget_files(view, total)["budget"]


def budget_fit_file(view: View, total: float | None = None) -> pd.DataFrame:
    """Build budget_fit.csv: the curve's exponent, its interval and the plan's totals, one row."""
    return budget_files(view, total)["budget_fit"]


def budget_files(view: View, total: float | None = None) -> dict[str, pd.DataFrame]:
    """Build budget.csv and budget_fit.csv from one plan (the fit's bootstrap runs once)."""
    plan = budget_optimizer.recommend(view, total)
    return {
        "budget": conform(plan.table, "budget"),
        "budget_fit": conform(budget_optimizer.fit_table(plan), "budget_fit"),
    }


def budget_message(dataset: Dataset, filters: Filters | None, options: Options | None, total: float) -> str:
    """Return the dashboard's message when ``total`` is outside what the default bounds allow, or ""."""
    return budget_optimizer.clip_message(View(dataset, filters, options), total)


# File name (without .csv) -> builder, in the contract's file order.
BUILDERS: dict[str, Callable[[View], pd.DataFrame]] = {
    "kpis": kpis_file,
    "campaigns": campaigns_file,
    "influencers": influencers_file,
    "attribution": attribution_file,
    "attribution_markov": attribution_markov_file,
    "payouts": payouts_file,
    "personas": personas_file,
    "trends": trends_file,
    "insights": insights_file,
    "data_quality": data_quality_file,
}


def build_table(name: str, view: View, *, budget: float | None = None) -> pd.DataFrame:
    """
    Build one export file's frame (``name`` without ``.csv``, e.g. ``"campaigns"``) for a view.

    The dashboard's ``export-<name>`` buttons use this so they send the CLI's bytes for the same view.
    """
    if name in ("budget", "budget_fit"):
        return budget_files(view, budget)[name]
    if name not in BUILDERS:
        raise KeyError(f"unknown export file {name!r}; choose one of {', '.join(BUILDERS)}")
    return BUILDERS[name](view)


def build_with_insights(view: View) -> dict[str, pd.DataFrame]:
    """
    Build every file of ``BUILDERS`` for a view, insights.csv from the tables already built.

    Returns
    -------
    dict of str to DataFrame
        File name without ``.csv`` -> frame, in ``BUILDERS`` order.
    """
    built: dict[str, pd.DataFrame] = {}
    for name in BUILDERS:
        built[name] = insights_file(view, built) if name == "insights" else build_table(name, view)
    return built


def build_tables(
    dataset: Dataset,
    filters: Filters | None = None,
    options: Options | None = None,
    *,
    budget: float | None = None,
    credit: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """
    Build every export file of a view.

    Parameters
    ----------
    dataset : Dataset
        The validated input.
    filters : Filters, optional
        The slice to export (default: everything).
    options : Options, optional
        Attribution model and parameters (default: last touch).
    budget : float, optional
        Total budget for budget.csv, which is written only when it is given.
    credit : DataFrame, optional
        Precomputed attribution credit for ``options`` (see :class:`~metrics.view.View`).

    Returns
    -------
    dict of str to DataFrame
        File name (``"kpis.csv"``, ...) -> frame with exactly the contract's columns, in file order.
    """
    view = View(dataset, filters, options, credit=credit)
    built = build_with_insights(view)
    files = {f"{name}.csv": frame for name, frame in built.items()}
    if budget is not None:
        files.update({f"{name}.csv": frame for name, frame in budget_files(view, budget).items()})
        order = list(COLUMNS)
        files = dict(sorted(files.items(), key=lambda item: order.index(item[0].removesuffix(".csv"))))
    return files


def _escape(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """
    Serialise a table as the export writes it.

    UTF-8 without BOM, comma separated, ``\\n`` line ends, a header row; numbers at full precision
    (shortest repr that round-trips), no thousands separators or symbols; undefined values as empty cells;
    dates as ISO ``YYYY-MM-DD``; text cells starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return
    prefixed with ``'`` so no spreadsheet runs them as formulas (numeric cells never are).

    Examples
    --------
    >>> to_csv_bytes(pd.DataFrame({"name": ["=SUM(A1)", "Asha"], "value": [-5.0, float("nan")]}))
    b"name,value\\n'=SUM(A1),-5.0\\nAsha,\\n"
    """
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            out[column] = series.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_string_dtype(series) or series.dtype == object:
            out[column] = series.map(_escape, na_action="ignore")
    return out.to_csv(index=False, lineterminator="\n", na_rep="").encode("utf-8")


def write_all(tables_by_file: Mapping[str, pd.DataFrame], out_dir: str | Path) -> list[Path]:
    """
    Write each table to ``out_dir/<file name>`` with :func:`to_csv_bytes`, creating the directory.

    Returns
    -------
    list of Path
        The files written, in the order given.
    """
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, frame in tables_by_file.items():
        path = directory / file_name
        path.write_bytes(to_csv_bytes(frame))
        written.append(path)
    return written


def export(
    dataset: Dataset,
    out_dir: str | Path,
    filters: Filters | None = None,
    options: Options | None = None,
    *,
    budget: float | None = None,
) -> tuple[list[Path], float]:
    """Build and write every export file; return the paths and the seconds it took."""
    started = time.perf_counter()
    written = write_all(build_tables(dataset, filters, options, budget=budget), out_dir)
    return written, time.perf_counter() - started
