"""Budget optimizer chart: the influencers whose spend the plan moves most."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from figures.palette import NEGATIVE, POSITIVE
from figures.template import TEMPLATE
from figures.text import plain_all
from metrics import formats

SHIFTS_SHOWN = 15


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
    figure = go.Figure(
        layout=go.Layout(
            template=TEMPLATE,
            height=max(260, 60 + 26 * len(rows)),
            showlegend=False,
            margin={"l": 10, "r": 60, "t": 10, "b": 10},
        )
    )
    figure.add_bar(
        y=plain_all(f"{n} ({i})" if n != i else n for n, i in zip(label, rows["influencer_id"], strict=True)),
        x=rows["shift"],
        orientation="h",
        marker_color=np.where(rows["shift"] >= 0, POSITIVE, NEGATIVE).tolist(),
        text=[("+" if v > 0 else "") + formats.inr_short(v) for v in rows["shift"]],
        textposition="outside",
        cliponaxis=False,
        customdata=np.column_stack(
            [
                [formats.inr(v) for v in rows["current_spend"]],
                [formats.inr(v) for v in rows["recommended_spend"]],
            ]
        ),
        hovertemplate="%{y}<br>Current %{customdata[0]} → recommended %{customdata[1]}<extra></extra>",
    )
    reach = float(rows["shift"].abs().max()) if len(rows) else 1.0
    figure.update_xaxes(
        range=[-reach * 1.3, reach * 1.3],
        zeroline=True,
        zerolinecolor="#ADB5BD",
        title_text="Change in spend (₹)",
    )
    figure.update_yaxes(automargin=True)
    return figure
