"""The dark theme's plotly template, the data the browser gets to redraw charts, and the page's <head> script."""

from __future__ import annotations

import json
import re

import plotly.io as pio

from figures import palette
from figures.template import DARK_BACKGROUND, DARK_TEMPLATE, DARK_TEXT, TEMPLATE, themes
from layouts import ids, theme
from layouts.topbar import layout as topbar


def mean_channel(hex_colour: str) -> float:
    """Return the mean of a ``#RRGGBB`` colour's channels, 0 (black) to 255 (white)."""
    return sum(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)) / 3


def test_dark_template_is_the_light_one_with_dark_colours():
    light = pio.templates[TEMPLATE].to_plotly_json()
    dark = pio.templates[DARK_TEMPLATE].to_plotly_json()
    assert set(dark["layout"]) == set(light["layout"])
    assert set(dark["data"]) == set(light["data"])
    assert dark["layout"]["paper_bgcolor"] == dark["layout"]["plot_bgcolor"] == DARK_BACKGROUND == "#212529"
    assert mean_channel(dark["layout"]["font"]["color"]) > 200  # light text
    assert dark["layout"]["font"]["family"] == light["layout"]["font"]["family"] == palette.FONT_FAMILY
    for axis in ("xaxis", "yaxis"):
        assert mean_channel(dark["layout"][axis]["gridcolor"]) < 80  # a quiet grid on the dark background
        assert dark["layout"][axis]["automargin"] is True and dark["layout"][axis]["zeroline"] is False
    # Everything but the colours is the light template's: legend, margins, hover label font.
    for key in ("legend", "margin", "hoverlabel", "hovermode"):
        assert dark["layout"][key] == light["layout"][key]
    # Bar outlines and error bars were plotly's light ink; the rest of the bar defaults are kept.
    bar = dark["data"]["bar"][0]
    assert bar["marker"]["line"] == {"color": DARK_BACKGROUND, "width": 0.5}
    assert bar["error_x"]["color"] != light["data"]["bar"][0]["error_x"]["color"]
    assert bar["marker"]["pattern"] == light["data"]["bar"][0]["marker"]["pattern"]


def test_dark_colourway_has_no_black():
    dark = pio.templates[DARK_TEMPLATE].layout.colorway
    assert "#000000" not in dark and DARK_TEXT in dark
    assert list(dark[:-1]) == list(palette.SEQUENCE[:-1])


def test_themes_for_the_browser():
    data = themes()
    assert data["light"] == pio.templates[TEMPLATE].to_plotly_json()
    assert data["dark"] == pio.templates[DARK_TEMPLATE].to_plotly_json()
    # Keys in lower case, without spaces: assets/theme.js looks colours up that way.
    assert all(key == key.lower() and " " not in key for key in data["colours"])
    assert data["colours"]["#6c757d"] != palette.NEUTRAL  # the muted grey gets lighter
    assert data["colours"]["white"] == DARK_BACKGROUND
    json.dumps(data)  # a dcc.Store's data


def test_the_top_bar_holds_the_switch_and_the_templates():
    text = str(topbar())
    assert f"id='{ids.THEME_SWITCH}'" in text and f"id='{ids.THEME_TEMPLATES}'" in text


def test_theme_script_is_in_head_before_the_stylesheets(tmp_path):
    from app import create_app

    client = create_app({"CACHE_DIR": str(tmp_path / "cache"), "TESTING": True}).server.test_client()
    page = client.get("/").get_data(as_text=True)
    head = page.split("</head>")[0]
    scripts = re.findall(r'<script src="([^"]*theme\.js[^"]*)"', page)
    assert len(scripts) == 1, scripts  # in <head> only, not again with the other assets
    assert head.index("theme.js") < head.index("bootstrap.min.css")
    # Served by the app, and not inline (the page's CSP allows no inline script).
    assert client.get(scripts[0]).status_code == 200
    assert theme.SCRIPT in scripts[0]
