"""Display formatting for the dashboard and reports: rupees, counts, ratios, percentages (docs/metrics.md).

Every function takes a number (or None/NaN) and returns the text shown to the user; an undefined value is
shown as an em dash (``DASH``), never as 0, "nan" or "inf". Exports never use these: they write the exact
numbers (docs/export-contract.md).

Rupees use Indian digit grouping (``₹12,34,567``: the last three digits, then groups of two) and the short
forms lakh (L, 10^5) and crore (Cr, 10^7).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal
from numbers import Real

DASH = "—"
RUPEE = "₹"
LAKH = 100_000
CRORE = 10_000_000

__all__ = [
    "COUNT_COLUMNS",
    "CRORE",
    "DASH",
    "FRACTIONAL_COUNT_COLUMNS",
    "LAKH",
    "LINE_COLUMNS",
    "PERCENT_COLUMNS",
    "PRECISE_COST_COLUMNS",
    "RATIO_COLUMNS",
    "ROI_COLUMNS",
    "RUPEE",
    "RUPEE_COLUMNS",
    "UNIT_COST_COLUMNS",
    "change",
    "format_kpi",
    "group_indian",
    "inr",
    "inr_short",
    "is_undefined",
    "kpi_change",
    "number",
    "number_short",
    "percent",
    "period_span",
    "ratio",
    "roi",
]


def is_undefined(value: object) -> bool:
    """
    Return True when ``value`` cannot be shown as a number (None, NaN, inf, or not a real number).

    Examples
    --------
    >>> is_undefined(float("nan")), is_undefined(None), is_undefined(0)
    (True, True, False)
    """
    if value is None or isinstance(value, bool) or not isinstance(value, Real):
        return True
    return not math.isfinite(float(value))


def _rounded(value: float, decimals: int) -> Decimal:
    # Decimal of the shortest repr rounds half away from zero as people do (2.675 -> 2.68), unlike binary
    # float formatting.
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)


def group_indian(digits: str) -> str:
    """
    Insert Indian thousands separators into a string of digits (no sign, no decimals).

    Examples
    --------
    >>> group_indian("1234567")
    '12,34,567'
    >>> group_indian("999")
    '999'
    """
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    pairs = []
    while len(head) > 2:
        pairs.insert(0, head[-2:])
        head = head[:-2]
    return ",".join([head, *pairs, tail])


def _grouped(value: float, decimals: int) -> tuple[str, str]:
    """Return (sign, grouped absolute value) of ``value`` rounded to ``decimals``; zero never has a sign."""
    rounded = _rounded(value, decimals)
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):.{decimals}f}"
    whole, _, fraction = text.partition(".")
    grouped = group_indian(whole)
    return sign, f"{grouped}.{fraction}" if fraction else grouped


def inr(value: float | None, decimals: int = 0) -> str:
    """
    Format rupees in full with Indian digit grouping.

    Parameters
    ----------
    value : float or None
        Amount in rupees.
    decimals : int, default 0
        Digits after the decimal point (2 for small unit costs such as CPE).

    Examples
    --------
    >>> inr(1234567)
    '₹12,34,567'
    >>> inr(-1500.5)
    '-₹1,501'
    >>> inr(3.456, decimals=2)
    '₹3.46'
    >>> inr(float("nan"))
    '—'
    """
    if is_undefined(value):
        return DASH
    sign, grouped = _grouped(float(value), decimals)
    return f"{sign}{RUPEE}{grouped}"


def _short(value: float, decimals: int, prefix: str) -> str:
    amount = abs(float(value))
    sign = "-" if value < 0 else ""
    # Decide the unit after rounding, so 99,99,999 reads "1.0Cr" rather than "100.0L".
    if _rounded(amount / LAKH, decimals) >= 100:
        return f"{sign}{prefix}{_rounded(amount / CRORE, decimals):,.{decimals}f}Cr"
    if _rounded(amount, 0) >= LAKH:
        return f"{sign}{prefix}{_rounded(amount / LAKH, decimals):.{decimals}f}L"
    rounded_sign, grouped = _grouped(float(value), 0)
    return f"{rounded_sign}{prefix}{grouped}"


def inr_short(value: float | None, decimals: int = 1) -> str:
    """
    Format rupees in the short form of the KPI cards: lakh (L) from ₹1,00,000, crore (Cr) from ₹1,00,00,000.

    Amounts under a lakh are shown in full, rounded to the rupee.

    Examples
    --------
    >>> inr_short(1234567)
    '₹12.3L'
    >>> inr_short(12_000_000)
    '₹1.2Cr'
    >>> inr_short(45678.4)
    '₹45,678'
    >>> inr_short(9_999_999)
    '₹1.0Cr'
    """
    if is_undefined(value):
        return DASH
    return _short(float(value), decimals, RUPEE)


def number(value: float | None, decimals: int = 0) -> str:
    """
    Format a count (orders, reach, users) with Indian digit grouping.

    Examples
    --------
    >>> number(1234567)
    '12,34,567'
    >>> number(10.25, decimals=1)
    '10.3'
    """
    if is_undefined(value):
        return DASH
    sign, grouped = _grouped(float(value), decimals)
    return f"{sign}{grouped}"


def number_short(value: float | None, decimals: int = 1) -> str:
    """
    Format a large count in short form (12.3L, 1.2Cr), counts under a lakh in full.

    Examples
    --------
    >>> number_short(2_500_000)
    '25.0L'
    >>> number_short(999)
    '999'
    """
    if is_undefined(value):
        return DASH
    return _short(float(value), decimals, "")


def ratio(value: float | None, decimals: int = 2) -> str:
    """
    Format a multiple such as ROAS or iROAS: ``3.21×``.

    Examples
    --------
    >>> ratio(3.2149)
    '3.21×'
    >>> ratio(None)
    '—'
    """
    if is_undefined(value):
        return DASH
    sign, grouped = _grouped(float(value), decimals)
    return f"{sign}{grouped}×"


def percent(value: float | None, decimals: int = 1, *, signed: bool = False) -> str:
    """
    Format a fraction as a percentage: 0.034 -> ``3.4%``.

    Parameters
    ----------
    value : float or None
        The fraction (exports keep fractions; only the display multiplies by 100).
    decimals : int, default 1
        Digits after the decimal point.
    signed : bool, default False
        Show ``+`` before positive values: for changes only, a level (a rate, ROI) has no sign.

    Examples
    --------
    >>> percent(0.034)
    '3.4%'
    >>> percent(2.2, decimals=0, signed=True)
    '+220%'
    """
    if is_undefined(value):
        return DASH
    sign, grouped = _grouped(float(value) * 100, decimals)
    if signed and not sign and _rounded(float(value) * 100, decimals) != 0:
        sign = "+"
    return f"{sign}{grouped}%"


def roi(value: float | None) -> str:
    """
    Format a return on investment, the one way every card, table, chart and report writes it.

    A level, not a change: one decimal, no ``+``, ``-`` when negative (as money is written).

    Examples
    --------
    >>> roi(3.0634), roi(-0.4), roi(0), roi(None)
    ('306.3%', '-40.0%', '0.0%', '—')
    """
    return percent(value, decimals=1)


def change(current: float | None, previous: float | None, decimals: int = 1) -> str:
    """
    Format the relative change from ``previous`` to ``current`` (``+12.5%``), "—" when it is undefined.

    Undefined when either value is undefined or ``previous`` is zero.

    Examples
    --------
    >>> change(112.5, 100)
    '+12.5%'
    >>> change(5, 0)
    '—'
    """
    if is_undefined(current) or is_undefined(previous) or float(previous) == 0:
        return DASH
    return percent((float(current) - float(previous)) / abs(float(previous)), decimals, signed=True)


UP, DOWN = "▲", "▼"
# Ratio KPIs change in their own unit (ROI in percentage points, ROAS in ×): a percent of a percent misleads.
POINT_CHANGE_COLUMNS = frozenset({"roi", "roas"})


def kpi_change(column: str, current: float | None, previous: float | None) -> str:
    """
    Format a KPI card's change vs the previous period, with ▲/▼ so the direction does not rest on colour.

    Money and count KPIs change in percent of the previous value; ROI changes in percentage points (one
    decimal, as ROI is written) and ROAS in ×, the difference of the two values. "—" when undefined; no
    arrow when the shown change is zero.

    Examples
    --------
    >>> kpi_change("revenue", 1_240_000, 1_000_000), kpi_change("orders", 90, 100)
    ('▲ +24.0%', '▼ -10.0%')
    >>> kpi_change("roi", 1.42, 1.30), kpi_change("roas", 2.31, 2.0), kpi_change("roas", 2.0, 2.0)
    ('▲ +12.0 pp', '▲ +0.31×', '0.00×')
    >>> kpi_change("revenue", 5, 0)
    '—'
    """
    if column not in POINT_CHANGE_COLUMNS:
        text = change(current, previous)
    elif is_undefined(current) or is_undefined(previous):
        return DASH
    elif column == "roi":
        text = f"{percent(float(current) - float(previous), decimals=1, signed=True)[:-1]} pp"
    else:
        text = ratio(float(current) - float(previous))
        text = (
            text if text.startswith("-") or _rounded(float(current) - float(previous), 2) == 0 else f"+{text}"
        )
    if text.startswith("+"):
        return f"{UP} {text}"
    if text.startswith("-"):
        return f"{DOWN} {text}"
    return text


def period_span(start: dt.date, end: dt.date) -> str:
    """
    Format a period compactly, the year only when it spans two years: ``1–31 May``, ``28 Apr – 5 May``.

    Examples
    --------
    >>> period_span(dt.date(2025, 5, 1), dt.date(2025, 5, 31))
    '1–31 May'
    >>> period_span(dt.date(2025, 4, 28), dt.date(2025, 5, 5)), period_span(dt.date(2025, 5, 3), dt.date(2025, 5, 3))
    ('28 Apr – 5 May', '3 May')
    >>> period_span(dt.date(2024, 12, 30), dt.date(2025, 1, 2))
    '30 Dec 2024 – 2 Jan 2025'
    """
    if start == end:
        return f"{start.day} {start:%b}"
    if start.year != end.year:
        return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"
    if start.month != end.month:
        return f"{start.day} {start:%b} – {end.day} {end:%b}"
    return f"{start.day}–{end.day} {end:%b}"


# How each KPI column of kpis.csv is shown in a card; columns not listed are shown with ``number``.
KPI_FORMATS = {
    "revenue": inr_short,
    "spend": inr_short,
    "incremental_revenue": inr_short,
    "orders": number,
    "roas": ratio,
    "iroas": ratio,
    "iroas_low": ratio,
    "iroas_high": ratio,
    "roi": roi,
    "cpa": inr,
    "aov": inr,
    "cpm": lambda value: inr(value, decimals=2),
    "cpe": lambda value: inr(value, decimals=2),
    "reach": number_short,
    "engagements": number_short,
    "engagement_rate": lambda value: percent(value, decimals=2),
    "conversion_rate": percent,
    "touched_users": number,
    "converting_users": number,
}


def format_kpi(column: str, value: float | None) -> str:
    """
    Format the value of one KPI column as its card shows it.

    Examples
    --------
    >>> format_kpi("revenue", 1_240_000), format_kpi("roas", 3.214), format_kpi("roi", 2.2)
    ('₹12.4L', '3.21×', '220.0%')
    """
    return KPI_FORMATS.get(column, number)(value)


# --- What each metric column holds ------------------------------------------------------------------------
# One table for every place that shows metric columns: the dashboard's grids (layouts/columns.py) and the
# reports (reports/columns.py) each choose their own format per kind. Columns not listed are text.
RUPEE_COLUMNS = frozenset(
    {
        "revenue",
        "spend",
        "incremental_revenue",
        "attributed_revenue",
        "total_payout",
        "computed_payout",
        "current_spend",
        "recommended_spend",
        "predicted_revenue_current",
        "predicted_revenue_recommended",
    }
)
UNIT_COST_COLUMNS = frozenset({"cpa", "aov"})  # rupees per order
PRECISE_COST_COLUMNS = frozenset({"cpm", "cpe", "rate"})  # small rupee amounts, where paise matter
RATIO_COLUMNS = frozenset({"roas", "iroas", "iroas_low", "iroas_high", "marginal_roas"})
PERCENT_COLUMNS = frozenset(
    {"engagement_rate", "engagement_rate_followers", "conversion_rate", "removal_effect"}
)
ROI_COLUMNS = frozenset({"roi"})  # written by ``roi``: one decimal, no plus sign
COUNT_COLUMNS = frozenset(
    {
        "reach",
        "likes",
        "comments",
        "engagements",
        "posts",
        "follower_count",
        "touched_users",
        "converting_users",
        "units",
        "influencers",
    }
)
FRACTIONAL_COUNT_COLUMNS = frozenset({"orders", "attributed_orders"})  # credited orders, split by the models
LINE_COLUMNS = frozenset({"row"})  # a line number of an input file
