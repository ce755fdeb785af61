"""Every chart is drawn with the registered "dashboard" plotly template, and the template stays lean."""

from __future__ import annotations

import json

import pandas as pd
import plotly.io as pio

from figures import campaigns, overview
from figures.palette import FONT_FAMILY, SEQUENCE
from figures.template import TEMPLATE, TRACE_TYPES


def trends() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-04-01", "2025-04-02"] * 4),
            "campaign": ["A", "A", "B", "B", "C", "C", "D", "D"],
            "revenue": [40.0, 0.0, 30.0, 0.0, 20.0, 0.0, 10.0, 0.0],
            "orders": 1.0,
            "spend": 0.0,
        }
    )


def test_the_template_is_registered_with_the_dashboard_look():
    template = pio.templates[TEMPLATE]
    assert template.layout.font.family == FONT_FAMILY
    assert list(template.layout.colorway) == list(SEQUENCE)
    assert template.layout.plot_bgcolor == "white" and template.layout.xaxis.gridcolor == "#E9ECEF"


def test_the_template_carries_only_what_the_charts_draw():
    """plotly copies the template into every figure: no geo, polar, 3-D or unused trace defaults."""
    layout = pio.templates[TEMPLATE].layout.to_plotly_json()
    data = pio.templates[TEMPLATE].data.to_plotly_json()
    assert not {"geo", "polar", "ternary", "scene", "mapbox"} & layout.keys()
    assert set(data) == set(TRACE_TYPES)
    # plotly's default template, which every figure carried before, is about 7 KB of JSON.
    assert len(json.dumps(pio.templates[TEMPLATE].to_plotly_json())) < 4_000


def test_builders_use_the_template_instead_of_a_merged_layout():
    figure = overview.revenue_spend_over_time(trends())
    assert figure.layout.template.layout.font.family == FONT_FAMILY
    # The figure's own layout holds its ticks, not a copy of the shared look.
    assert figure.layout.font.family is None and figure.layout.xaxis.gridcolor is None


def test_every_small_multiple_gets_the_same_grid():
    """The template styles every axis, so facets 2..n have the first one's grid (it used to stop at the first)."""
    figure = campaigns.trends_by_campaign(trends())
    axes = [name for name in figure.layout.to_plotly_json() if name.startswith(("xaxis", "yaxis"))]
    assert len(axes) >= 8
    assert all(figure.layout[name].gridcolor is None for name in axes)  # left to the template


def test_every_figure_states_its_own_height():
    """dcc.Graph stretches a figure without a height of its own to its container: the template holds none."""
    assert pio.templates[TEMPLATE].layout.height is None
    empty = trends().iloc[0:0]
    for figure in (
        overview.revenue_spend_over_time(trends()),
        overview.revenue_spend_bars(
            trends().groupby("campaign", as_index=False)[["revenue", "spend"]].sum(), "campaign"
        ),
        campaigns.trends_by_campaign(trends()),
        campaigns.trends_by_campaign(empty),
        campaigns.compare_trends(trends(), ["A"]),
    ):
        assert figure.layout.height, figure.layout
