"""Attribution charts: who gains and who loses credit under a model, compared with last touch.

Builders take ``metrics.comparison.model_comparison`` or ``markov_table`` output and return small
figures (at most ``top`` bars).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from figures.overview import rupee_ticks
from figures.palette import NEGATIVE, NEUTRAL, POSITIVE, REVENUE
from figures.template import TEMPLATE
from figures.text import plain_all
from metrics import formats
from metrics.comparison import SHIFT_SUFFIX
from metrics.filters import MODEL_LABELS

TOP_N = 15


def credit_shift(
    comparison: pd.DataFrame,
    by: str,
    model: str,
    *,
    labels: pd.Series | None = None,
    top: int = TOP_N,
) -> go.Figure:
    """
    Draw the revenue each group gains (right) or loses (left) under ``model`` against last touch.

    Parameters
    ----------
    comparison : DataFrame
        ``metrics.comparison.model_comparison(view, by)`` output, with ``<model>_shift_vs_last_touch``.
    by : str
        Its group column.
    model : str
        The model compared with last touch.
    labels : Series, optional
        Display name per group value (e.g. influencer names by id); the group value otherwise.
    top : int, default 15
        Groups shown, largest absolute shift first; a group whose credit does not move is left out.

    Notes
    -----
    Gains and losses sum to zero over all groups (every model credits the same total), so the bars on
    the right balance those on the left.
    """
    shift = comparison[model + SHIFT_SUFFIX].to_numpy(dtype=np.float64)
    frame = pd.DataFrame(
        {
            "group": comparison[by].astype("string").fillna("(none)").to_numpy(),
            "shift": shift,
            "last_touch": comparison["last_touch"].to_numpy(dtype=np.float64),
            "model": comparison[model].to_numpy(dtype=np.float64),
        }
    )
    if labels is not None:
        mapped = frame["group"].map(labels).astype("string")
        frame["name"] = (mapped + " (" + frame["group"] + ")").fillna(frame["group"])
    else:
        frame["name"] = frame["group"]
    # Sub-rupee shifts are rounding noise from fractional weights, not a real move of credit.
    moved = frame[frame["shift"].abs() >= 0.5]
    order = moved["shift"].abs().sort_values(ascending=False, kind="stable").index[:top]
    shown = moved.loc[order].sort_values("shift", kind="stable")
    label = MODEL_LABELS.get(model, model)
    # 36 px a bar: room for a long name on two lines without touching the next one.
    figure = go.Figure(
        layout=go.Layout(
            template=TEMPLATE, height=max(240, 80 + 36 * len(shown)), showlegend=False, bargap=0.25
        )
    )
    figure.add_bar(
        y=plain_all(shown["name"]),
        x=shown["shift"],
        orientation="h",
        marker_color=[POSITIVE if value > 0 else NEGATIVE for value in shown["shift"]],
        text=[("+" if value > 0 else "−") + formats.inr_short(abs(value)) for value in shown["shift"]],
        # Inside a bar long enough to hold it: on a phone, after the longest loss it would sit on the names.
        textposition="auto",
        textfont={"size": 11},
        cliponaxis=False,
        customdata=np.column_stack(
            [[formats.inr(v) for v in shown["last_touch"]], [formats.inr(v) for v in shown["model"]]]
        )
        if len(shown)
        else None,
        hovertemplate=(
            f"%{{y}}<br>Last touch %{{customdata[0]}}<br>{label} %{{customdata[1]}}<extra></extra>"
        ),
    )
    # fmax skips NaN shifts without nanmax's all-NaN warning.
    reach = float(np.fmax.reduce(np.abs(shown["shift"].to_numpy(dtype="float64")), initial=0.0)) * 1.3
    values, text = rupee_ticks(reach, count=3)
    ticks = [-v for v in values[:0:-1]] + values
    tick_text = ["−" + t for t in text[:0:-1]] + text
    limit = values[-1] if values[-1] else 1
    figure.update_xaxes(
        tickvals=ticks,
        ticktext=tick_text,
        range=[-limit, limit],
        title_text=f"Revenue credited under {label} − under last touch (₹)",
    )
    figure.add_vline(x=0, line={"color": NEUTRAL, "width": 1})
    figure.update_yaxes(automargin=True)
    return figure


def removal_effects(markov: pd.DataFrame, *, top: int = TOP_N) -> go.Figure:
    """
    Draw each group's removal effect in the data-driven model, largest first.

    Parameters
    ----------
    markov : DataFrame
        ``metrics.comparison.markov_table`` output.
    top : int, default 15
        Groups shown.
    """
    shown = markov.head(top).iloc[::-1]
    names = plain_all(shown["group"].astype("string").fillna("(none)"))
    effect = shown["removal_effect"].to_numpy(dtype=np.float64)
    figure = go.Figure(
        layout=go.Layout(template=TEMPLATE, height=max(200, 70 + 30 * len(shown)), showlegend=False)
    )
    figure.add_bar(
        y=names,
        x=effect,
        orientation="h",
        marker_color=REVENUE,
        text=[formats.percent(v, 1) for v in effect],
        textposition="outside",
        textfont={"size": 11},
        cliponaxis=False,
        customdata=[formats.inr(v) for v in shown["attributed_revenue"]],
        hovertemplate="%{y}<br>Removal effect %{text}<br>Credited revenue %{customdata}<extra></extra>",
    )
    upper = min(1.0, float(np.nanmax(effect, initial=0.0)) * 1.2 + 0.05)
    figure.update_xaxes(
        range=[0, upper], tickformat=".0%", title_text="Share of conversions lost without it (%)"
    )
    figure.update_yaxes(automargin=True)
    return figure
