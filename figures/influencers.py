"""Influencers tab charts: the performance matrix, one influencer's trend and score, the best and worst personas.

Builders take metric tables (``metrics.scoring``, ``metrics.personas``, ``metrics.budget``) and return
small figures: the matrix is a WebGL scatter of at most ``MATRIX_POINTS`` influencers, the persona chart
at most ``2 x PERSONAS_SHOWN`` bars.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from figures.overview import ORIGIN_STANDOFF, rupee_ticks
from figures.palette import NEGATIVE, NEUTRAL, POSITIVE, REVENUE, SPEND, date_ticks
from figures.roi import ROAS_TITLE
from figures.template import TEMPLATE
from figures.text import plain_all
from metrics import formats
from metrics.scoring import COMPONENT_LABELS, QUADRANT_MEANINGS, QUADRANTS

# Above this many influencers the matrix shows those with the largest spend (the JSON stays small).
MATRIX_POINTS = 2_000
PERSONAS_SHOWN = 5
QUADRANT_COLOURS = dict(zip(QUADRANTS, (POSITIVE, REVENUE, SPEND, NEGATIVE), strict=True))
# Where each quadrant's name sits, in paper coordinates of the plot area: in the empty bands the y range
# leaves above the highest bubble and below ROAS 0 (``MATRIX_BAND``), so no name covers a bubble.
QUADRANT_CORNERS = {
    "Stars": (0.99, 1.0, "right", "top"),
    "Converters": (0.01, 1.0, "left", "top"),
    "Engagers": (0.99, 0.0, "right", "bottom"),
    "Underperformers": (0.01, 0.0, "left", "bottom"),
}
# Each band is this share of the ROAS span: room for a name (about 20 px) and half the largest bubble
# (14 px) on a plot about 330 px tall.
MATRIX_BAND = 0.18


def matrix_points(scored: pd.DataFrame, limit: int = MATRIX_POINTS) -> pd.DataFrame:
    """
    Return the influencers the matrix can place (engagement rate and ROAS defined), largest spend first.

    Parameters
    ----------
    scored : DataFrame
        ``metrics.scoring.score_influencers`` output (engagement_rate, roas, spend, quadrant, ...).
    limit : int, default MATRIX_POINTS
        Most points drawn.
    """
    placed = scored[scored["quadrant"].notna()]
    return placed.sort_values(["spend", "influencer_id"], ascending=[False, True], kind="stable").head(limit)


def performance_matrix(scored: pd.DataFrame, limit: int = MATRIX_POINTS) -> go.Figure:
    """
    Draw engagement rate (x) against ROAS (y), one bubble per influencer sized by spend, split at the medians.

    The median lines are those of ``metrics.scoring.performance_quadrant``: medians over every influencer
    with both values defined (not only the drawn ones), a value at the median counting as high.

    Parameters
    ----------
    scored : DataFrame
        ``metrics.scoring.score_influencers`` output.
    limit : int, default MATRIX_POINTS
        Most bubbles drawn (largest spend first).
    """
    placed = scored[scored["quadrant"].notna()]
    shown = matrix_points(scored, limit)
    figure = go.Figure(
        layout=go.Layout(template=TEMPLATE, height=420, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    )
    if shown.empty:
        return figure
    spend = shown["spend"].astype("float64").fillna(0.0)
    largest = float(spend.max()) or 1.0
    for quadrant in QUADRANTS:
        part = shown[shown["quadrant"] == quadrant]
        if part.empty:
            continue
        part_spend = spend.loc[part.index]
        names = part["name"].astype("string").fillna(part["influencer_id"].astype("string"))
        figure.add_trace(
            go.Scattergl(
                x=part["engagement_rate"].astype("float64").round(6),
                y=part["roas"].astype("float64").round(4),
                mode="markers",
                name=f"{quadrant} ({len(part)})",
                marker={
                    "size": (6 + 22 * np.sqrt(part_spend / largest)).round(1),
                    "color": QUADRANT_COLOURS[quadrant],
                    "opacity": 0.7,
                    "line": {"width": 0.5, "color": "white"},
                },
                customdata=np.column_stack(
                    [
                        plain_all(names),
                        [formats.inr_short(v) for v in part_spend],
                        [formats.inr_short(v) for v in part["revenue"]],
                        [formats.number(v, 0) if pd.notna(v) else "insufficient data" for v in part["score"]],
                    ]
                ),
                hovertemplate=(
                    "<b>%{customdata[0]}</b><br>Engagement rate %{x:.2%}<br>ROAS %{y:.2f}×"
                    "<br>Spend %{customdata[1]} · Revenue %{customdata[2]}<br>Score %{customdata[3]}"
                    f"<extra>{quadrant}</extra>"
                ),
            )
        )
    engagement_median = float(placed["engagement_rate"].astype("float64").median())
    roas_median = float(placed["roas"].astype("float64").median())
    figure.add_vline(x=engagement_median, line={"color": NEUTRAL, "dash": "dash", "width": 1})
    figure.add_hline(y=roas_median, line={"color": NEUTRAL, "dash": "dash", "width": 1})
    for quadrant, (x, y, xanchor, yanchor) in QUADRANT_CORNERS.items():
        figure.add_annotation(
            x=x,
            y=y,
            xref="x domain",
            yref="y domain",
            xanchor=xanchor,
            yanchor=yanchor,
            text=f"<b>{quadrant}</b>",
            hovertext=QUADRANT_MEANINGS[quadrant],
            showarrow=False,
            font={"color": QUADRANT_COLOURS[quadrant], "size": 13},
            bgcolor="rgba(255,255,255,0.8)",
        )
    figure.update_xaxes(
        title_text=f"Engagement rate (%, median {formats.percent(engagement_median, 2)})",
        tickformat=".1%",
        rangemode="tozero",
    )
    figure.update_yaxes(
        title_text=f"ROAS (×, median {formats.ratio(roas_median)})",
        **_banded_ratio_axis(float(shown["roas"].astype("float64").max())),
    )
    figure.update_layout(legend={"itemsizing": "constant"})
    return figure


def _banded_ratio_axis(top: float) -> dict:
    """
    Return y-axis settings from 0 to ``top`` (ROAS) with an empty band below 0 and above ``top``.

    The ticks are given (0 and up, labelled ``5×``): plotly's own would label the band below 0 with a
    negative ROAS. Raising 0 off the bottom also keeps "0×" clear of the x axis's "0.0%".

    Examples
    --------
    >>> axis = _banded_ratio_axis(10.0)
    >>> axis["ticktext"], [round(v, 2) for v in axis["range"]]
    (['0×', '2×', '4×', '6×', '8×', '10×'], [-1.8, 11.8])
    """
    span = top if np.isfinite(top) and top > 0 else 1.0
    step = next(m * 10.0**e for e in range(-3, 6) for m in (1, 2, 2.5, 5) if m * 10.0**e >= span / 6)
    values = np.arange(0, span + step / 2, step)
    return {
        "tickvals": values.tolist(),
        "ticktext": [f"{v:g}×" for v in values],
        "range": [-MATRIX_BAND * span, span * (1 + MATRIX_BAND)],
    }


def score_breakdown_bars(breakdown: pd.DataFrame) -> go.Figure:
    """
    Draw the points each score component contributes (``metrics.scoring.score_breakdown`` rows).

    Each bar is 100 x weight x percentile; the bars add up to the score. A faint bar behind shows the
    most the component could give (100 x weight).
    """
    labels = [COMPONENT_LABELS[c] for c in breakdown["component"]][::-1]
    points = breakdown["points"].astype("float64").fillna(0.0).to_numpy()[::-1]
    most = (100 * breakdown["weight"].astype("float64")).to_numpy()[::-1]
    percentiles = breakdown["percentile"].astype("float64").to_numpy()[::-1]
    figure = go.Figure(
        layout=go.Layout(
            template=TEMPLATE,
            height=60 + 36 * len(labels),
            barmode="overlay",
            showlegend=False,
            margin={"l": 10, "r": 40, "t": 10, "b": 10},
        )
    )
    figure.add_bar(y=labels, x=most, orientation="h", marker_color="#E9ECEF", hoverinfo="skip")
    figure.add_bar(
        y=labels,
        x=points,
        orientation="h",
        marker_color=REVENUE,
        text=[f"{p:.1f} / {m:g}" for p, m in zip(points, most, strict=True)],
        textposition="outside",
        cliponaxis=False,
        customdata=[formats.percent(p, 0) for p in percentiles],
        hovertemplate="%{y}<br>%{x:.1f} points (percentile %{customdata})<extra></extra>",
    )
    figure.update_xaxes(
        range=[0, max(float(most.max()) if len(most) else 0, 1) * 1.35], title_text="Score points (of 100)"
    )
    return figure


def weekly_trend(weekly: pd.DataFrame) -> go.Figure:
    """
    Draw one influencer's revenue (line) and spend (bars) per ISO week.

    Parameters
    ----------
    weekly : DataFrame
        Rows of ``metrics.budget.weekly_spend_revenue`` for one influencer (week, spend, revenue).
    """
    sums = weekly.groupby("week")[["spend", "revenue"]].sum()
    if len(sums):
        # Weeks without spend or revenue are zeros, not gaps the line would bridge.
        full = pd.date_range(sums.index.min(), sums.index.max(), freq="W-MON")
        sums = sums.reindex(full, fill_value=0.0)
    weeks = sums.rename_axis("week").reset_index()
    figure = go.Figure(layout=go.Layout(template=TEMPLATE, height=260, hovermode="x unified"))
    figure.add_bar(
        x=weeks["week"],
        y=weeks["spend"],
        name="Spend",
        marker_color=SPEND,
        customdata=[formats.inr(v) for v in weeks["spend"]],
        hovertemplate="Spend %{customdata}<extra></extra>",
    )
    figure.add_scatter(
        x=weeks["week"],
        y=weeks["revenue"],
        name="Revenue",
        mode="lines+markers",
        line={"color": REVENUE, "width": 2.5},
        customdata=[formats.inr(v) for v in weeks["revenue"]],
        hovertemplate="Revenue %{customdata}<extra></extra>",
    )
    top = float(np.nanmax([weeks["revenue"].max(), weeks["spend"].max(), 0.0])) if len(weeks) else 0.0
    values, text = rupee_ticks(top, count=4)
    figure.update_yaxes(
        tickvals=values,
        ticktext=text,
        range=[0, values[-1] * 1.02 if values[-1] else 1],
        title_text="Revenue and spend (₹)",
    )
    figure.update_xaxes(
        **date_ticks(weeks["week"], "week"),
        hoverformat="Week of %d %b %Y",
        title_text="Week starting (Monday)",
        ticklabelstandoff=ORIGIN_STANDOFF,
    )
    return figure


def persona_label(row: pd.Series) -> str:
    """Return a persona's name: category · gender · platform · tier."""
    return " · ".join(str(row[key]) for key in ("category", "gender", "platform", "tier"))


def persona_extremes(ranked: pd.DataFrame, shown: int = PERSONAS_SHOWN) -> go.Figure:
    """
    Draw the ROAS of the best and the worst ranked personas as horizontal bars.

    Parameters
    ----------
    ranked : DataFrame
        ``metrics.personas.rank_personas`` output; only rows with ``ranked`` True are drawn, in rank
        order (all of them when there are at most ``2 x shown``).
    shown : int, default 5
        Personas drawn at each end.
    """
    ranked = ranked[ranked["ranked"].astype(bool)].sort_values("rank", kind="stable")
    if len(ranked) > 2 * shown:
        ranked = pd.concat([ranked.head(shown), ranked.tail(shown)])
    best = np.arange(len(ranked)) < (shown if len(ranked) >= 2 * shown else (len(ranked) + 1) // 2)
    labels = plain_all(f"#{int(r['rank'])} {persona_label(r)}" for _, r in ranked.iterrows())
    roas = ranked["roas"].astype("float64").to_numpy()
    figure = go.Figure(
        layout=go.Layout(
            template=TEMPLATE,
            height=max(240, 60 + 36 * len(ranked)),  # room for a long persona on two lines a bar
            showlegend=False,
            margin={"l": 10, "r": 50, "t": 10, "b": 10},
        )
    )
    figure.add_bar(
        y=labels[::-1],
        x=np.nan_to_num(roas, nan=0.0)[::-1],
        orientation="h",
        marker_color=[POSITIVE if b else NEGATIVE for b in best][::-1],
        text=[formats.ratio(v) for v in roas][::-1],
        textposition="outside",
        cliponaxis=False,
        customdata=np.column_stack(
            [
                [formats.number(v) for v in ranked["influencers"]][::-1],
                [formats.inr_short(v) for v in ranked["revenue"]][::-1],
                [formats.inr_short(v) for v in ranked["spend"]][::-1],
            ]
        ),
        hovertemplate=(
            "%{y}<br>ROAS %{text} · %{customdata[0]} influencers"
            "<br>Revenue %{customdata[1]} · Spend %{customdata[2]}<extra></extra>"
        ),
    )
    top = float(np.nanmax(roas)) if len(roas) and np.isfinite(roas).any() else 1.0
    figure.update_xaxes(range=[0, top * 1.2], ticksuffix="×", title_text=ROAS_TITLE)
    figure.update_yaxes(automargin=True)
    return figure
