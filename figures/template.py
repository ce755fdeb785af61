"""The plotly template every dashboard chart is drawn with, registered as ``pio.templates["dashboard"]``.

A builder passes ``template=TEMPLATE`` and only the properties of its own chart (height, bar gaps, axis
ranges); the shared look lives here once: system font, white background, light grid, compact margins,
a legend above the plot, the palette's colour sequence.

plotly copies the whole template into every figure's JSON, so it holds only what these charts use: the
layout keys of cartesian charts and the defaults of the trace types drawn (bar, scatter, scattergl),
taken from plotly's default template (which every chart was drawn with before) with the dashboard's
look on top. Geo, polar, 3-D and colour-scale defaults are left out.
"""

from __future__ import annotations

import copy

import plotly.graph_objects as go
import plotly.io as pio

from figures.palette import FONT_FAMILY, SEQUENCE

TEMPLATE = "dashboard"
TRACE_TYPES = ("bar", "scatter", "scattergl")
# plotly's own layout defaults kept: the rest (polar, ternary, scene, geo, colour scales) draw nothing here.
PLOTLY_LAYOUT_KEYS = (
    "autotypenumbers",
    "colorscale",
    "hovermode",
    "hoverlabel",
    "xaxis",
    "yaxis",
    "shapedefaults",
    "annotationdefaults",
    "title",
)
GRID = "#E9ECEF"
# A chart's height stays in its own layout, never in the template: dcc.Graph resizes a figure whose layout
# has no height to its container (its `responsive="auto"` reads the figure, not the template).
HEIGHT = 340
LAYOUT = {
    "font": {"family": FONT_FAMILY, "size": 13, "color": "#212529"},
    "colorway": list(SEQUENCE),
    "paper_bgcolor": "white",
    "plot_bgcolor": "white",
    "margin": {"l": 10, "r": 10, "t": 36, "b": 10},
    "hoverlabel": {"font": {"family": FONT_FAMILY}},
    "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
    # showgrid is explicit: plotly.js turns a category axis's grid on only for a colour set on the axis itself.
    "xaxis": {"gridcolor": GRID, "showgrid": True, "zeroline": False, "automargin": True},
    "yaxis": {"gridcolor": GRID, "showgrid": True, "zeroline": False, "automargin": True},
}


def _merged(base: dict, overrides: dict) -> dict:
    for name, value in overrides.items():
        if isinstance(value, dict) and isinstance(base.get(name), dict):
            base[name] = _merged(base[name], value)
        else:
            base[name] = value
    return base


def build() -> go.layout.Template:
    """Return the dashboard template: plotly's cartesian defaults, then the dashboard's look."""
    plotly = pio.templates["plotly"].to_plotly_json()
    layout = {
        key: copy.deepcopy(plotly["layout"][key]) for key in PLOTLY_LAYOUT_KEYS if key in plotly["layout"]
    }
    data = {name: copy.deepcopy(plotly["data"][name]) for name in TRACE_TYPES if name in plotly["data"]}
    return go.layout.Template(layout=_merged(layout, copy.deepcopy(LAYOUT)), data=data)


def register() -> str:
    """Register the template under :data:`TEMPLATE` (once) and return its name."""
    if TEMPLATE not in pio.templates:
        pio.templates[TEMPLATE] = build()
    return TEMPLATE


register()
