"""Budget optimizer chart: the influencers whose spend the plan moves most."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from figures.labels import shorten
from figures.overview import rupee_ticks
from figures.palette import NEGATIVE, POSITIVE
from figures.template import TEMPLATE
from figures.text import plain_all
from metrics import formats

SHIFTS_SHOWN = 15


def signed_amount(value: float) -> str:
    """
    Return a change of spend as the bars label it: sign, then the app's short rupees.

    Examples
    --------
    >>> signed_amount(67_200), signed_amount(-190_000), signed_amount(0)
    ('+₹67,200', '−₹1.9L', '₹0')
    """
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return sign + formats.inr_short(abs(value))


def shift_ticks(reach: float) -> dict:
    """
    Return x-axis settings from −``reach`` to +``reach`` with room for the labels, ticks in ₹ L/Cr.

    Both sides mirror one set of round ticks labelled in one unit (``figures.overview.rupee_ticks``),
    so the axis reads "−₹3.0L ₹0 ₹3.0L" like the bars' "−₹1.9L", never "−300k". Only the two ends and zero
    are labelled, level: on a phone the names take most of the chart's width, and more labels would be
    turned on end or run into one another. The other round values keep a grid line.

    Examples
    --------
    >>> ticks = shift_ticks(190_000)
    >>> ticks["ticktext"], ticks["minor"]["tickvals"]
    (['−₹3.0L', '₹0', '₹3.0L'], [-200000.0, -100000.0, 100000.0, 200000.0])
    """
    values, text = rupee_ticks(reach * 1.3, count=3)  # room for the labels beside the bars
    limit = values[-1] if values[-1] else 1.0
    inner = [-v for v in values[-2:0:-1]] + values[1:-1]
    return {
        "tickvals": [-limit, 0.0, limit] if values[-1] else [0.0],
        "ticktext": ["−" + text[-1], text[0], text[-1]] if values[-1] else [text[0]],
        "tickangle": 0,
        "minor": {"tickvals": inner, "showgrid": True, "ticks": ""},
        "range": [-limit, limit],
    }


def biggest_shifts(
    plan: pd.DataFrame, names: pd.Series | None = None, shown: int = SHIFTS_SHOWN
) -> go.Figure:
    """
    Draw recommended minus current spend for the ``shown`` influencers with the largest moves.

    Parameters
    ----------
    plan : DataFrame
        ``metrics.budget.BudgetResult.table`` (influencer_id, current_spend, recommended_spend, ...).
    names : Series, optional
        Display names indexed by influencer_id (the id is shown when missing).
    shown : int, default 15
        Bars drawn, largest absolute shift first.
    """
    shift = plan["recommended_spend"] - plan["current_spend"]
    order = shift.abs().sort_values(ascending=False, kind="stable").index[:shown]
    rows = plan.loc[order].assign(shift=shift.loc[order]).sort_values("shift", kind="stable")
    label = rows["influencer_id"].astype("string")
    if names is not None:
        label = rows["influencer_id"].map(names).astype("string").fillna(label)
    # The name on one line, the id on the next: one line of both took half a phone's width.
    categories = [
        f"{shorten(n)}<br>({i})" if n != i else n
        for n, i in zip(plain_all(label), plain_all(rows["influencer_id"].astype("string")), strict=True)
    ]
    shifts = rows["shift"].to_numpy(dtype=float)
    figure = go.Figure(
        layout=go.Layout(
            template=TEMPLATE,
            height=max(260, 60 + 36 * len(rows)),  # room for a long name on two lines a bar
            showlegend=False,
            margin={"l": 10, "r": 60, "t": 10, "b": 10},
        )
    )
    figure.add_bar(
        y=categories,
        x=shifts,
        orientation="h",
        marker_color=np.where(shifts >= 0, POSITIVE, NEGATIVE).tolist(),
        customdata=np.column_stack(
            [
                [formats.inr(v) for v in rows["current_spend"]],
                [formats.inr(v) for v in rows["recommended_spend"]],
            ]
        ),
        hovertemplate="%{y}<br>Current %{customdata[0]} → recommended %{customdata[1]}<extra></extra>",
    )
    # Each value right of its bar, or of zero for a cut: at a cut's outer end it would sit on the names.
    figure.add_scatter(
        y=categories,
        x=np.maximum(shifts, 0.0),
        mode="text",
        text=[signed_amount(v) for v in shifts],
        textposition="middle right",
        cliponaxis=False,
        hoverinfo="skip",
        name="Change",
    )
    figure.update_xaxes(
        **shift_ticks(float(rows["shift"].abs().max()) if len(rows) else 0.0),
        zeroline=True,
        zerolinecolor="#ADB5BD",
        title_text="Change in spend (₹)",
    )
    figure.update_yaxes(automargin=True)
    return figure
