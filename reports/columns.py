"""How each export column is shown in a report: its heading, its text in the PDF, its number format in Excel.

One table of column kinds serves both formats, so a ROAS is ``3.21×`` in the PDF and ``0.00"×"`` in
Excel, and money is rupees with Indian digit grouping in both (docs/reports.md).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from metrics import formats, glossary
from metrics.filters import MODEL_LABELS

MONEY = "money"
MONEY_PRECISE = "money_precise"  # unit costs, where paise matter
RATIO = "ratio"
PERCENT = "percent"
ROI = "roi"
COUNT = "count"
AMOUNT = "amount"  # a count that may be fractional (credited orders)
SCORE = "score"
PLAIN = "plain"  # a number shown as it is (a file's line number)
TEXT = "text"
DATE = "date"

# Which column holds what is metrics/formats.py's; the report adds its own columns (changes between
# periods, shares, the model comparison's per-model revenue) and shows unit costs as whole rupees.
KINDS: dict[str, str] = {
    **dict.fromkeys(
        sorted(formats.RUPEE_COLUMNS | formats.UNIT_COST_COLUMNS | {"change", "difference", *MODEL_LABELS}),
        MONEY,
    ),
    **dict.fromkeys(sorted(formats.PRECISE_COST_COLUMNS), MONEY_PRECISE),
    **dict.fromkeys(sorted(formats.RATIO_COLUMNS), RATIO),
    **dict.fromkeys(sorted(formats.PERCENT_COLUMNS | {"share"}), PERCENT),
    **dict.fromkeys(sorted(formats.ROI_COLUMNS), ROI),
    **dict.fromkeys(sorted(formats.COUNT_COLUMNS), COUNT),
    **dict.fromkeys(sorted(formats.FRACTIONAL_COUNT_COLUMNS), AMOUNT),
    **dict.fromkeys(sorted(formats.LINE_COLUMNS), PLAIN),
    "score": SCORE,
    "date": DATE,
}
# Model-comparison columns: "<model>_shift_vs_last_touch" are rupees too.
KINDS.update({f"{model}_shift_vs_last_touch": MONEY for model in MODEL_LABELS})

EXTRA_LABELS = {
    "attributed_orders": "Attributed orders",
    "attributed_revenue": "Attributed revenue",
    "removal_effect": "Removal effect",
    "grouping": "Grouping",
    "group": "Group",
    "model": "Model",
    "current_spend": "Current spend",
    "recommended_spend": "Recommended spend",
    "predicted_revenue_current": "Predicted revenue (current)",
    "predicted_revenue_recommended": "Predicted revenue (recommended)",
    "marginal_roas": "Marginal ROAS",
    "change": "Change",
    "difference": "Difference",
    "influencers": "Influencers",
    "share": "Share",
    "date": "Date",
    **MODEL_LABELS,
}


def kind(column: str) -> str:
    """Return the display kind of a column (``TEXT`` for names and other attributes)."""
    return KINDS.get(column, TEXT)


def label(column: str) -> str:
    """Return the heading of a column."""
    return EXTRA_LABELS.get(column) or glossary.label(column)


def _amount(value: float) -> str:
    # Credited orders are fractional under multi-touch models; whole numbers stay whole.
    if formats.is_undefined(value):
        return formats.DASH
    return formats.number(value, decimals=0 if float(value).is_integer() else 1)


TEXT_FORMATTERS: dict[str, Callable[[object], str]] = {
    MONEY: formats.inr,
    MONEY_PRECISE: lambda value: formats.inr(value, decimals=2),
    RATIO: formats.ratio,
    PERCENT: formats.percent,
    ROI: formats.roi,
    COUNT: formats.number,
    AMOUNT: _amount,
    SCORE: lambda value: formats.number(value, decimals=1),
    PLAIN: lambda value: formats.DASH if formats.is_undefined(value) else str(int(value)),
}


def display(column: str, value: object) -> str:
    """
    Return the text of one cell as the PDF shows it; an undefined number is "—", missing text is empty.

    Examples
    --------
    >>> display("revenue", 1234567.0), display("roas", 2.4247), display("roi", 1.42), display("campaign", "Spring")
    ('₹12,34,567', '2.42×', '142.0%', 'Spring')
    >>> display("engagement_rate", 0.0285)
    '2.9%'
    """
    column_kind = kind(column)
    if column_kind == TEXT:
        return (
            ""
            if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
            else str(value)
        )
    if column_kind == DATE:
        return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, np.generic):
        value = value.item()
    return TEXT_FORMATTERS[column_kind](value)


# Excel number formats. Excel groups digits by the reader's locale only, so Indian grouping is spelled out
# with conditions and literal commas: crores, then lakhs, then ordinary thousands.
def _indian(decimals: int, prefix: str = "") -> str:
    tail = "." + "0" * decimals if decimals else ""
    return f"[>=10000000]{prefix}##\\,##\\,##\\,##0{tail};[>=100000]{prefix}##\\,##\\,##0{tail};{prefix}#,##0{tail}"


RUPEE = '"₹"'
NUMBER_FORMATS: dict[str, str] = {
    MONEY: _indian(2, RUPEE),
    MONEY_PRECISE: _indian(2, RUPEE),
    RATIO: '0.00"×"',
    PERCENT: "0.00%",
    ROI: "0.0%",
    COUNT: _indian(0),
    SCORE: "0.0",
    PLAIN: "0",
    DATE: "yyyy-mm-dd",
}


def number_format(column: str, values: pd.Series) -> str | None:
    """
    Return the Excel number format of a column, or None for text.

    Credited orders get two decimals only when some value is fractional.
    """
    column_kind = kind(column)
    if column_kind == AMOUNT:
        numbers = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
        whole = bool(np.all(numbers == np.round(numbers)))
        return _indian(0) if whole else _indian(2)
    return NUMBER_FORMATS.get(column_kind)
