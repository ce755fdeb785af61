"""The plotly template every dashboard chart is drawn with, registered as ``pio.templates["dashboard"]``.

A builder passes ``template=TEMPLATE`` and only the properties of its own chart (height, bar gaps, axis
ranges); the shared look lives here once: system font, white background, light grid, compact margins,
a legend below the plot, the palette's colour sequence.

plotly copies the whole template into every figure's JSON, so it holds only what these charts use: the
layout keys of cartesian charts and the defaults of the trace types drawn (bar, scatter, scattergl),
taken from plotly's default template (which every chart was drawn with before) with the dashboard's
look on top. Geo, polar, 3-D and colour-scale defaults are left out.
"""

from __future__ import annotations

import copy

import plotly.graph_objects as go
import plotly.io as pio

from figures.palette import FONT_FAMILY, NEUTRAL, SEQUENCE

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
    # Below the chart, at the foot of the figure (plotly reserves its room): above the plot it sat where the
    # mode bar appears on hover, which covered it on a narrow chart.
    "legend": {
        "orientation": "h",
        "yref": "container",
        "yanchor": "bottom",
        "y": 0,
        "xanchor": "left",
        "x": 0,
    },
    # showgrid is explicit: plotly.js turns a category axis's grid on only for a colour set on the axis itself.
    "xaxis": {"gridcolor": GRID, "showgrid": True, "zeroline": False, "automargin": True},
    "yaxis": {"gridcolor": GRID, "showgrid": True, "zeroline": False, "automargin": True},
}


# The dark theme (docs/user-guide.md, "Theme"): Bootstrap 5.3's dark body colours, so a chart sits on its card
# like in the light theme. The server draws every figure with the light template; the browser swaps in this
# one (and DARK_COLOURS) while the page is dark, so cached figures serve both themes.
DARK_TEMPLATE = "dashboard_dark"
DARK_BACKGROUND = "#212529"
DARK_TEXT = "#DEE2E6"
DARK_MUTED = "#ADB5BD"
DARK_GRID = "#343A40"
DARK_LINE = "#495057"
DARK_AXIS = {"gridcolor": DARK_GRID, "linecolor": DARK_LINE, "zerolinecolor": DARK_LINE}
# The fixed light colours the figures draw with, and what they become in the dark theme: the palette's
# black and the muted grey read badly on a dark background; white outlines and backings become dark.
DARK_COLOURS = {
    "#000000": DARK_TEXT,
    NEUTRAL: DARK_MUTED,
    "#444": DARK_MUTED,
    GRID: DARK_GRID,
    "white": DARK_BACKGROUND,
    "#FFFFFF": DARK_BACKGROUND,
    "rgba(255,255,255,0.8)": "rgba(33,37,41,0.8)",
}
DARK_LAYOUT = {
    "font": {"color": DARK_TEXT},
    "colorway": [DARK_COLOURS.get(colour, colour) for colour in SEQUENCE],
    "paper_bgcolor": DARK_BACKGROUND,
    "plot_bgcolor": DARK_BACKGROUND,
    "xaxis": DARK_AXIS,
    "yaxis": DARK_AXIS,
    "annotationdefaults": {"arrowcolor": DARK_MUTED},
    "shapedefaults": {"line": {"color": DARK_MUTED}},
}
# Trace defaults taken from plotly's light template: bar outlines in its plot colour, error bars in its ink.
DARK_DATA = {
    "bar": {
        "error_x": {"color": DARK_MUTED},
        "error_y": {"color": DARK_MUTED},
        "marker": {"line": {"color": DARK_BACKGROUND}},
    }
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


def build_dark() -> go.layout.Template:
    """Return the dark twin of :func:`build`: the same layout keys, dark backgrounds, light text and lines."""
    light = build().to_plotly_json()
    data = {
        name: [_merged(trace, copy.deepcopy(DARK_DATA.get(name, {}))) for trace in traces]
        for name, traces in light["data"].items()
    }
    return go.layout.Template(layout=_merged(light["layout"], copy.deepcopy(DARK_LAYOUT)), data=data)


def themes() -> dict:
    """
    Return what the browser needs to redraw a chart in either theme (assets/theme.js).

    ``light`` and ``dark`` are the two templates as plotly JSON; ``colours`` maps the fixed light colours
    the figures draw with (lower case) to their dark counterparts.
    """
    return {
        "light": build().to_plotly_json(),
        "dark": build_dark().to_plotly_json(),
        "colours": {light.lower(): dark for light, dark in DARK_COLOURS.items()},
    }


def register() -> str:
    """Register the template under :data:`TEMPLATE` and its dark twin (once) and return the first's name."""
    if TEMPLATE not in pio.templates:
        pio.templates[TEMPLATE] = build()
    if DARK_TEMPLATE not in pio.templates:
        pio.templates[DARK_TEMPLATE] = build_dark()
    return TEMPLATE


register()
