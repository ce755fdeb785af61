"""Return-on-spend charts: ROAS and ROI by a grouping, spend against revenue, iROAS next to ROAS.

Builders take metric tables (the campaign or influencer table, a table grouped by platform, category or
tier, ``metrics.incrementality.iroas_table``) and return small figures: at most ``top`` bars, and a
WebGL scatter of at most ``top`` points for influencers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from figures.overview import ORIGIN_STANDOFF, rupee_ticks
from figures.palette import NEGATIVE, NEUTRAL, POSITIVE, REVENUE, SPEND
from figures.template import TEMPLATE
from figures.text import plain_all
from metrics import formats

TOP_N = 15
SCATTER_TOP_N = 500
INSUFFICIENT = "insufficient data"
ROAS_TITLE = "ROAS (revenue ÷ spend, ×)"
# Pixels of an iROAS chart outside its rows (legend, margins, x axis), to place a note in a row's half.
IROAS_CHROME = 110
NO_SPEND = "no spend"


def _names(table: pd.DataFrame, label: str) -> list[str]:
    return plain_all(table[label].astype("string").fillna("(none)"))


def _ratio_ticks(maximum: float) -> dict:
    """Return x-axis settings for ratios from 0 to ``maximum``, ticks labelled ``1.50×``."""
    top = max(maximum, 1.2) * 1.18  # room for the value labels outside the bars
    step = next(s for s in (0.25, 0.5, 1, 2, 5, 10, 20, 50, 100) if top / s <= 6)
    values = np.arange(0, top + step, step)
    return {
        "tickvals": values.tolist(),
        "ticktext": [formats.ratio(v, decimals=2 if step < 1 else 0) for v in values],
        "range": [0, float(values[-1])],
    }


def returns_bars(table: pd.DataFrame, label: str, *, top: int = TOP_N) -> go.Figure:
    """
    Draw ROAS per group as horizontal bars, labelled with ROI, against the break-even line (1×).

    Parameters
    ----------
    table : DataFrame
        A table with ``label``, ``revenue``, ``spend``, ``roas`` and ``roi`` columns.
    label : str
        Column naming each bar.
    top : int, default 15
        Groups shown, largest spend first (where the money went); groups without spend have no ROAS and
        are left out.

    Notes
    -----
    Bars at or above break-even are green, those below it vermillion (Okabe & Ito, colour-blind safe);
    the label repeats the number so colour is never the only cue.
    """
    shown = table[table["spend"] > 0].sort_values(["spend", "revenue"], ascending=False, kind="stable")
    shown = shown.head(top).iloc[::-1]
    names = _names(shown, label)
    roas = shown["roas"].to_numpy(dtype=np.float64)
    figure = go.Figure(
        layout=go.Layout(template=TEMPLATE, height=max(240, 70 + 34 * len(shown)), showlegend=False)
    )
    figure.add_bar(
        y=names,
        x=roas,
        orientation="h",
        marker_color=[POSITIVE if value >= 1 else NEGATIVE for value in roas],
        text=[f"{formats.ratio(r)}<br>ROI {formats.roi(i)}" for r, i in zip(roas, shown["roi"], strict=True)],
        # On two lines after the bar, at full size (not shrunk to the bar's thickness): narrow enough for a phone.
        textposition="outside",
        constraintext="inside",
        textfont={"size": 11},
        cliponaxis=False,
        customdata=np.column_stack(
            [
                [formats.inr(v) for v in shown["revenue"]],
                [formats.inr(v) for v in shown["spend"]],
                [formats.roi(v) for v in shown["roi"]],
            ]
        ),
        hovertemplate=(
            "%{y}<br>ROAS %{x:.2f}×<br>ROI %{customdata[2]}<br>Revenue %{customdata[0]}"
            "<br>Spend %{customdata[1]}<extra></extra>"
        ),
    )
    figure.add_vline(x=1, line={"color": NEUTRAL, "dash": "dash", "width": 1})
    figure.add_annotation(
        x=1, y=1, yref="paper", text="break-even", showarrow=False, yanchor="bottom", font={"size": 11}
    )
    # Room after the longest bar for its label on a phone.
    figure.update_xaxes(**_ratio_ticks(1.2 * float(np.nanmax(roas, initial=0.0))), title_text=ROAS_TITLE)
    figure.update_yaxes(automargin=True)
    return figure


def spend_revenue_scatter(
    table: pd.DataFrame, label: str, *, top: int = SCATTER_TOP_N, hover_label: str | None = None
) -> go.Figure:
    """
    Plot revenue against spend, one WebGL point per row, with the break-even line revenue = spend.

    Parameters
    ----------
    table : DataFrame
        A table with ``label``, ``revenue``, ``spend`` and ``roas``.
    label : str
        Column naming each point.
    top : int, default 500
        Points drawn, largest spend first (then revenue).
    hover_label : str, optional
        Column shown on hover instead of ``label`` (e.g. an influencer's name).
    """
    shown = table[(table["spend"] > 0) | (table["revenue"] > 0)]
    shown = shown.sort_values(["spend", "revenue"], ascending=False, kind="stable").head(top)
    names = _names(shown, hover_label or label)
    spend = shown["spend"].to_numpy(dtype=np.float64)
    revenue = shown["revenue"].to_numpy(dtype=np.float64)
    figure = go.Figure(layout=go.Layout(template=TEMPLATE, height=420, showlegend=True))
    above = revenue >= spend
    for mask, name, colour in ((above, "Revenue ≥ spend", POSITIVE), (~above, "Revenue < spend", NEGATIVE)):
        figure.add_trace(
            go.Scattergl(
                x=spend[mask],
                y=revenue[mask],
                mode="markers",
                name=name,
                marker={"color": colour, "size": 9 if len(shown) <= 50 else 6, "opacity": 0.8},
                text=[names[i] for i in np.flatnonzero(mask)],
                customdata=np.column_stack(
                    [
                        [formats.inr(v) for v in spend[mask]],
                        [formats.inr(v) for v in revenue[mask]],
                        [formats.ratio(v) for v in shown["roas"].to_numpy()[mask]],
                    ]
                )
                if mask.any()
                else None,
                hovertemplate=(
                    "%{text}<br>Spend %{customdata[0]}<br>Revenue %{customdata[1]}"
                    "<br>ROAS %{customdata[2]}<extra></extra>"
                ),
            )
        )
    top_value = float(np.nanmax(np.concatenate([spend, revenue, [0.0]])))
    values, text = rupee_ticks(top_value, count=5)
    limit = values[-1] * 1.02 if values[-1] else 1
    figure.add_scatter(
        x=[0, limit],
        y=[0, limit],
        mode="lines",
        name="Break-even (revenue = spend)",
        line={"color": NEUTRAL, "dash": "dash", "width": 1},
        hoverinfo="skip",
    )
    figure.update_xaxes(
        tickvals=values,
        ticktext=text,
        range=[0, limit],
        title_text="Spend (₹)",
        ticklabelstandoff=ORIGIN_STANDOFF,
    )
    figure.update_yaxes(tickvals=values, ticktext=text, range=[0, limit], title_text="Revenue (₹)")
    return figure


def iroas_notes(table: pd.DataFrame) -> pd.Series:
    """
    Return why each group has no iROAS (``insufficient data`` or ``no spend``), None where it has one.

    Examples
    --------
    >>> table = pd.DataFrame({"iroas": [2.0, None, None], "insufficient_data": [False, True, False],
    ...                       "spend": [10.0, 10.0, 0.0]})
    >>> iroas_notes(table).tolist()
    [None, 'insufficient data', 'no spend']
    """
    estimated = table["iroas"].notna().to_numpy()
    insufficient = table["insufficient_data"].fillna(True).to_numpy(dtype=bool)
    spent = (table["spend"].fillna(0) > 0).to_numpy()
    reason = np.where(insufficient | spent, INSUFFICIENT, NO_SPEND)
    return pd.Series(np.where(estimated, None, reason), index=table.index, dtype=object)


def iroas_vs_roas(table: pd.DataFrame, label: str, *, top: int = TOP_N) -> go.Figure:
    """
    Draw ROAS and iROAS side by side per group, iROAS with its 95% interval as error bars.

    Parameters
    ----------
    table : DataFrame
        One row per group: ``label``, ``roas``, ``spend``, ``iroas``, ``iroas_low``, ``iroas_high``,
        ``insufficient_data`` (the group table joined with ``metrics.incrementality.iroas_table``).
    label : str
        Column naming each group.
    top : int, default 15
        Groups shown, largest spend first.

    Notes
    -----
    A group without an estimate gets no iROAS bar (never a zero bar): the words "insufficient data"
    (or "no spend") stand in its place.
    """
    shown = table.sort_values(["spend"], ascending=False, kind="stable").head(top).iloc[::-1]
    names = _names(shown, label)
    roas = shown["roas"].to_numpy(dtype=np.float64)
    iroas = shown["iroas"].to_numpy(dtype=np.float64)
    low = shown["iroas_low"].to_numpy(dtype=np.float64)
    high = shown["iroas_high"].to_numpy(dtype=np.float64)
    status = iroas_notes(shown).tolist()
    figure = go.Figure(
        layout=go.Layout(
            template=TEMPLATE, height=max(240, 80 + 52 * len(shown)), barmode="group", bargap=0.25
        )
    )
    figure.add_bar(
        y=names,
        x=roas,
        name="ROAS",
        orientation="h",
        marker_color=REVENUE,
        text=[formats.ratio(v) for v in roas],
        textposition="outside",
        textfont={"size": 11},
        cliponaxis=False,
        hovertemplate="%{y}<br>ROAS %{x:.2f}×<extra></extra>",
    )
    has_interval = np.isfinite(low) & np.isfinite(high) & np.isfinite(iroas)
    figure.add_bar(
        y=names,
        x=iroas,
        name="iROAS (95% interval)",
        orientation="h",
        marker_color=SPEND,
        error_x={
            "type": "data",
            "symmetric": False,
            "array": np.where(has_interval, high - iroas, 0.0).tolist(),
            "arrayminus": np.where(has_interval, iroas - low, 0.0).tolist(),
            "color": "#444",
            "thickness": 1.5,
            "width": 4,
        },
        customdata=[
            f"{formats.ratio(lo)}–{formats.ratio(hi)}" if ok else "no interval"
            for lo, hi, ok in zip(low, high, has_interval, strict=True)
        ],
        hovertemplate="%{y}<br>iROAS %{x:.2f}×<br>95% interval %{customdata}<extra></extra>",
    )
    # A group without an estimate says so in its own iROAS slot, the upper half of its row (plotly draws
    # the later trace of a horizontal group on top), beside its ROAS label instead of across it.
    row = (figure.layout.height - IROAS_CHROME) / max(len(shown), 1)
    figure.update_layout(
        annotations=[
            {
                "x": 0,
                "y": names[i],
                "xref": "x",
                "yref": "y",
                "xanchor": "left",
                "xshift": 4,
                "yshift": row * (1 - 0.25) / 4,  # half a bar's slot: bargap 0.25, two bars per row
                "text": f"iROAS: {reason}",
                "showarrow": False,
                "font": {"size": 11, "color": NEUTRAL},
            }
            for i, reason in enumerate(status)
            if reason is not None
        ]
    )
    upper = np.concatenate([roas, np.where(has_interval, high, iroas), [1.0]])
    figure.update_xaxes(**_ratio_ticks(float(np.nanmax(upper))), title_text="Revenue per ₹1 of spend (×)")
    figure.add_vline(x=1, line={"color": NEUTRAL, "dash": "dash", "width": 1})
    figure.update_yaxes(automargin=True)
    figure.update_layout(legend={"traceorder": "reversed"})
    return figure
