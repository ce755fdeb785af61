"""Payouts tab chart: spend by payout basis and platform."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from figures.overview import rupee_ticks
from figures.palette import REVENUE, SPEND
from figures.template import TEMPLATE
from figures.text import plain_all
from metrics import formats

BASIS_COLOURS = {"post": SPEND, "order": REVENUE}
BASIS_LABELS = {"post": "Per post", "order": "Per order"}
UNKNOWN_PLATFORM = "(unknown influencer)"


def spend_by_basis_platform(spend: pd.DataFrame, influencers: pd.DataFrame) -> pd.DataFrame:
    """
    Sum allocated spend per platform and payout basis.

    Parameters
    ----------
    spend : DataFrame
        ``View.spend`` (influencer_id, basis, spend, ...): the spend of the current filters.
    influencers : DataFrame
        ``View.influencers`` (influencer_id, platform); ids without a platform are grouped as
        ``UNKNOWN_PLATFORM``.

    Returns
    -------
    DataFrame
        platform, basis, spend; platforms by total spend (largest first).
    """
    platform = spend["influencer_id"].map(influencers.set_index("influencer_id")["platform"])
    frame = spend.assign(platform=platform.astype("string").fillna(UNKNOWN_PLATFORM))
    sums = frame.groupby(["platform", "basis"], observed=True)["spend"].sum().reset_index()
    order = sums.groupby("platform")["spend"].sum().sort_values(ascending=False, kind="stable").index
    sums["platform"] = pd.Categorical(sums["platform"], categories=list(order), ordered=True)
    return sums.sort_values(["platform", "basis"], kind="stable").reset_index(drop=True)


def spend_bars(sums: pd.DataFrame) -> go.Figure:
    """
    Draw spend per platform as bars stacked by payout basis (``spend_by_basis_platform`` output).
    """
    platforms = [str(p) for p in sums["platform"].cat.categories] if len(sums) else []
    labels = plain_all(platforms)
    figure = go.Figure(layout=go.Layout(template=TEMPLATE, barmode="stack", height=320, bargap=0.35))
    for basis in ("post", "order"):
        part = sums[sums["basis"] == basis].set_index("platform")["spend"].reindex(platforms).fillna(0.0)
        if not part.any():
            continue
        figure.add_bar(
            x=labels,
            y=part.to_numpy(),
            name=BASIS_LABELS[basis],
            marker_color=BASIS_COLOURS[basis],
            customdata=[formats.inr(v) for v in part],
            hovertemplate=f"%{{x}}<br>{BASIS_LABELS[basis]}: %{{customdata}}<extra></extra>",
        )
    totals = sums.groupby("platform", observed=False)["spend"].sum() if len(sums) else pd.Series(dtype=float)
    values, text = rupee_ticks(float(totals.max()) * 1.1 if len(totals) else 0.0, count=4)
    figure.add_scatter(
        x=labels,
        y=totals.reindex(platforms).to_numpy() if len(totals) else [],
        mode="text",
        text=[formats.inr_short(v) for v in totals.reindex(platforms)] if len(totals) else [],
        textposition="top center",
        showlegend=False,
        hoverinfo="skip",
    )
    figure.update_yaxes(
        tickvals=values,
        ticktext=text,
        range=[0, values[-1] * 1.02 if values[-1] else 1],
        title_text="Spend (₹)",
    )
    figure.update_xaxes(title_text="Platform")
    return figure
