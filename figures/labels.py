"""Labels narrow enough for a phone: a long category name is cut with "…", a long axis title takes two lines.

A bar chart's categories are its traces' ``x`` (vertical bars) or ``y`` (horizontal bars). A long name
would take the width of the plot on a 390 px screen (the axis makes room for its widest label), so the axis
shows it cut to :data:`LIMIT` characters. The bars keep the full name as their category (two names cut
alike stay two bars) and the hover shows it whole.

A horizontal axis title is centred under the plot, which on a phone is narrower than the chart by its
tick labels; a title longer than :data:`TITLE_LIMIT` characters is broken into even lines.
"""

from __future__ import annotations

import html
import math
import re
import textwrap
from typing import Any

import plotly.graph_objects as go

from figures.text import plain

# Characters of a category tick label, "…" included (about 140 px at the charts' 13 px font): campaign and
# influencer names fit whole; a persona's "#42 Yoga · Female · YouTube · micro" does not.
LIMIT = 22
# Values plotly reads as dates or numbers (its axis then is a date or linear axis, not a category one):
# a figure that went through JSON holds its dates as ISO strings ("2025-03-31T00:00:00").
# Characters of a horizontal axis title on one line; a longer one takes two (or more). Shorter titles fit a
# phone in the smaller font assets/dashboard.css gives axis titles there.
TITLE_LIMIT = 30
NOT_A_NAME = re.compile(r"\s*(\d{4}-\d{2}-\d{2}([ T][\d:.+-]*)?|[-+]?[\d.,]+(e[-+]?\d+)?)\s*")


def shorten(label: str, limit: int = LIMIT) -> str:
    """
    Return ``label`` (plotly text: markup characters escaped) cut to ``limit`` characters, "…" included.

    Examples
    --------
    >>> shorten("Back to School Gritzo")
    'Back to School Gritzo'
    >>> shorten("#42 Yoga · Female · YouTube · micro")
    '#42 Yoga · Female · Y…'
    >>> shorten("Tom &amp; Jerry &amp; Friends Forever")
    'Tom &amp; Jerry &amp; Friends…'
    >>> shorten("Back to School<br>Gritzo Festival Sale")
    'Back to School<br>Gritzo Festival Sale'
    """
    text = html.unescape(label)
    # A label its chart already broke into lines is left as drawn.
    if len(text) <= limit or "<br>" in label:
        return label
    return plain(text[: limit - 1].rstrip(" ·")) + "…"


def _category_axes(data: list[dict]) -> dict[str, list[str]]:
    """Return each category axis of the bar traces (``"xaxis"``, ``"yaxis2"``...) and its names, in order."""
    axes: dict[str, list[str]] = {}
    for trace in data:
        if trace.get("type") != "bar":
            continue
        letter = "y" if trace.get("orientation") == "h" else "x"
        values = trace.get(letter)
        if values is None or not len(values) or not all(isinstance(value, str) for value in values):
            continue
        if any(NOT_A_NAME.fullmatch(value) for value in values):
            continue
        anchor = trace.get(f"{letter}axis") or letter
        names = axes.setdefault(f"{letter}axis{anchor[1:]}", [])
        names.extend(value for value in values if value not in names)
    return axes


def _wrapped_title(text: str, limit: int = TITLE_LIMIT) -> str | None:
    """
    Return a long one-line axis title on as few lines of about ``limit`` characters as it needs, the lines
    of even length, broken between words (None: short enough as it is).

    Examples
    --------
    >>> _wrapped_title("Revenue credited under Linear − under last touch (₹)")
    'Revenue credited under Linear<br>− under last touch (₹)'
    >>> _wrapped_title("Engagement rate (%, median 3.70%)")
    'Engagement rate<br>(%, median 3.70%)'
    >>> _wrapped_title("Spend (₹)") is None
    True
    """
    plain_text = html.unescape(text)
    if len(plain_text) <= limit or "<br>" in text or " " not in text:
        return None
    count = math.ceil(len(text) / limit)
    width = math.ceil(len(text) / count)
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    while len(lines) > count:
        width += 1
        lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return "<br>".join(lines)


def _title_text(axis: dict) -> str | None:
    title = axis.get("title")
    text = title.get("text") if isinstance(title, dict) else title
    return text if isinstance(text, str) else None


def narrow_labels(figure: go.Figure | dict) -> go.Figure | dict:
    """
    Return ``figure`` with labels that fit a phone: long bar category names shortened (see the module's
    notes) and long horizontal axis titles on two or more lines.

    Axes that set their own ``ticktext`` keep it.

    Examples
    --------
    >>> fig = {"data": [{"type": "bar", "orientation": "h", "x": [1, 2], "y": ["A", "Back to School Festival Sale"]}]}
    >>> narrow_labels(fig)["layout"]["yaxis"]["ticktext"]
    ['A', 'Back to School Festiv…']
    >>> weeks = {"data": [{"type": "bar", "x": ["2025-03-31T00:00:00", "2025-04-07T00:00:00"], "y": [1, 2]}]}
    >>> narrow_labels(weeks) is weeks
    True
    >>> titled = {"data": [], "layout": {"xaxis": {"title": {"text": "Share of conversions lost without it (%)"}}}}
    >>> narrow_labels(titled)["layout"]["xaxis"]["title"]
    {'text': 'Share of conversions<br>lost without it (%)'}
    """
    is_dict = isinstance(figure, dict)
    data: list[Any] = figure.get("data", []) if is_dict else [trace.to_plotly_json() for trace in figure.data]
    layout = figure.get("layout", {}) if is_dict else figure.layout.to_plotly_json()
    changes: dict[str, dict] = {}
    for axis, names in _category_axes(data).items():
        if layout.get(axis, {}).get("ticktext") is not None or all(shorten(n) == n for n in names):
            continue
        changes[axis] = {"tickmode": "array", "tickvals": names, "ticktext": [shorten(n) for n in names]}
    for axis, settings in layout.items():
        if not (axis.startswith("xaxis") and isinstance(settings, dict)):
            continue
        text = _title_text(settings)
        wrapped = _wrapped_title(text) if text else None
        if wrapped:
            title = settings["title"] if isinstance(settings["title"], dict) else {}
            changes.setdefault(axis, {})["title"] = {**title, "text": wrapped}
    if not changes:
        return figure
    if not is_dict:
        return figure.update_layout(changes)
    merged = {**layout, **{axis: {**layout.get(axis, {}), **change} for axis, change in changes.items()}}
    return {**figure, "layout": merged}
