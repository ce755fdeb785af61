"""PDF and Excel reports of one view of the data (docs/reports.md).

``python -m reports --data DIR --out FILE.pdf|FILE.xlsx [filters] [options]`` writes the report of the
same view ``python -m metrics export`` exports with the same flags; the dashboard's report buttons send
the same file for the session's filters and model.

>>> from reports import build_report                                       # doctest: +SKIP
>>> pdf_bytes = build_report(dataset, "pdf", filters, options)             # doctest: +SKIP
"""

from __future__ import annotations

import pandas as pd

from metrics.dataset import Dataset
from metrics.filters import Filters, Options
from reports.content import ReportData, collect

KINDS = ("pdf", "xlsx")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def render(data: ReportData, kind: str) -> bytes:
    """
    Lay out collected report content as a file of ``kind`` ("pdf" or "xlsx").

    Raises
    ------
    ValueError
        For another kind.
    """
    if kind == "pdf":
        from reports.pdf import build_pdf

        return build_pdf(data)
    if kind == "xlsx":
        from reports.xlsx import build_xlsx

        return build_xlsx(data)
    raise ValueError(f"unknown report kind {kind!r}; choose one of {', '.join(KINDS)}")


def build_report(
    dataset: Dataset,
    kind: str,
    filters: Filters | None = None,
    options: Options | None = None,
    *,
    budget: float | None = None,
    credit: pd.DataFrame | None = None,
) -> bytes:
    """
    Build the report of one view as file bytes.

    Parameters
    ----------
    dataset : Dataset
        The validated input.
    kind : {"pdf", "xlsx"}
        The file format.
    filters : Filters, optional
        The slice to report on (default: everything).
    options : Options, optional
        Attribution model and parameters (default: last touch).
    budget : float, optional
        Total budget of the recommendation (default: the view's current spend).
    credit : DataFrame, optional
        Precomputed attribution credit for ``options`` (see :class:`~metrics.view.View`).

    Returns
    -------
    bytes
        The PDF or XLSX file.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown report kind {kind!r}; choose one of {', '.join(KINDS)}")
    return render(collect(dataset, filters, options, budget=budget, credit=credit), kind)


def file_name(kind: str, options: Options, period: tuple[str, str] | None = None) -> str:
    """
    Return the dashboard's download name of a report: the view's first and last day, then its model.

    Examples
    --------
    >>> file_name("pdf", Options(), ("2025-04-01", "2025-09-30"))
    'influencer-report_2025-04-01_2025-09-30_last_touch.pdf'
    >>> file_name("xlsx", Options(model="linear"))
    'influencer-report_linear.xlsx'
    """
    return "_".join(["influencer-report", *(period or ()), options.model]) + f".{kind}"


__all__ = ["KINDS", "MEDIA_TYPES", "ReportData", "build_report", "collect", "file_name", "render"]
