"""Labels that fit a phone: long bar category names cut on the axis, long axis titles on two lines."""

from __future__ import annotations

import plotly.graph_objects as go

from callbacks.common import drawn
from figures.labels import LIMIT, narrow_labels, shorten
from figures.template import TEMPLATE

LONG = "#42 Yoga · Female · YouTube · micro"  # 35 characters


def test_shorten_keeps_short_names_and_cuts_long_ones_to_the_limit():
    assert LIMIT == 22
    assert shorten("Back to School Gritzo") == "Back to School Gritzo"  # 21 characters
    assert shorten("a" * 22) == "a" * 22
    assert shorten("a" * 23) == "a" * 21 + "…"
    # 21 characters kept, then "…": the trailing " · " of the cut is dropped.
    assert shorten(LONG) == "#42 Yoga · Female · Y…"
    assert len(shorten(LONG)) == LIMIT


def test_shorten_counts_escaped_characters_once_and_never_cuts_an_entity():
    # "Tom & Jerry & Friends Forever" is 29 characters; plotly text escapes "&" as "&amp;".
    assert shorten("Tom &amp; Jerry &amp; Friends Forever") == "Tom &amp; Jerry &amp; Friends…"
    assert shorten("A &amp; B") == "A &amp; B"


def test_horizontal_bars_get_short_ticks_and_keep_their_full_names():
    figure = go.Figure(
        go.Bar(y=["Summer Shred", LONG], x=[1, 2], orientation="h"), layout={"template": TEMPLATE}
    )
    axis = narrow_labels(figure).layout.yaxis
    assert axis.tickmode == "array"
    assert list(axis.tickvals) == ["Summer Shred", LONG]
    assert list(axis.ticktext) == ["Summer Shred", "#42 Yoga · Female · Y…"]
    assert list(figure.data[0].y) == ["Summer Shred", LONG]  # the hover's %{y} stays the full name


def test_names_cut_alike_stay_two_categories():
    first, second = "Monsoon Immunity Boost Week", "Monsoon Immunity Boost Month"
    figure = {"data": [{"type": "bar", "orientation": "h", "x": [1, 2], "y": [first, second]}], "layout": {}}
    axis = narrow_labels(figure)["layout"]["yaxis"]
    assert axis["tickvals"] == [first, second]
    assert axis["ticktext"] == ["Monsoon Immunity Boos…", "Monsoon Immunity Boos…"]


def test_vertical_bars_on_a_second_axis_and_names_shared_by_traces():
    name = "A very long influencer name indeed"
    figure = {
        "data": [
            {"type": "bar", "x": [name, "B"], "y": [1, 2], "xaxis": "x2"},
            {"type": "bar", "x": ["B", name], "y": [3, 4], "xaxis": "x2"},
        ],
        "layout": {"xaxis2": {"domain": [0.5, 1]}},
    }
    axis = narrow_labels(figure)["layout"]["xaxis2"]
    assert axis["domain"] == [0.5, 1]
    assert axis["tickvals"] == [name, "B"]
    assert axis["ticktext"] == ["A very long influence…", "B"]


def test_dates_numbers_own_ticktext_and_other_traces_are_left_alone():
    weeks = {"data": [{"type": "bar", "x": ["2025-03-31T00:00:00", "2025-04-07T00:00:00"], "y": [1, 2]}]}
    assert narrow_labels(weeks) is weeks
    numbers = {"data": [{"type": "bar", "x": ["1234567890123456789012345", "2"], "y": [1, 2]}]}
    assert narrow_labels(numbers) is numbers
    own = {
        "data": [{"type": "bar", "orientation": "h", "x": [1], "y": [LONG]}],
        "layout": {"yaxis": {"tickvals": [LONG], "ticktext": ["#42"]}},
    }
    assert narrow_labels(own) is own
    scatter = {"data": [{"type": "scatter", "x": [LONG], "y": [1]}]}
    assert narrow_labels(scatter) is scatter
    empty = {"data": [{"type": "bar", "x": [], "y": []}]}
    assert narrow_labels(empty) is empty


def test_long_x_axis_titles_take_two_even_lines_and_short_ones_stay():
    figure = go.Figure(
        layout={
            "xaxis_title_text": "Share of conversions lost without it (%)",
            "yaxis_title_text": "Spend (₹)",
        }
    )
    shown = narrow_labels(figure)
    assert shown.layout.xaxis.title.text == "Share of conversions<br>lost without it (%)"
    assert shown.layout.yaxis.title.text == "Spend (₹)"  # vertical: runs along the plot's height
    # 30 characters is one line.
    thirty = {"data": [], "layout": {"xaxis": {"title": {"text": "Revenue and spend per week (₹)"}}}}
    assert narrow_labels(thirty) is thirty
    # A title as a plain string is wrapped too.
    plain = {
        "data": [],
        "layout": {"xaxis": {"title": "Revenue credited under Linear − under last touch (₹)"}},
    }
    assert narrow_labels(plain)["layout"]["xaxis"]["title"] == {
        "text": "Revenue credited under Linear<br>− under last touch (₹)"
    }


def test_every_drawn_figure_gets_the_phone_labels():
    figure, style = drawn(
        {"data": [{"type": "bar", "orientation": "h", "x": [1], "y": [LONG]}], "layout": {"height": 300}},
        tall=True,
    )
    assert figure["layout"]["yaxis"]["ticktext"] == ["#42 Yoga · Female · Y…"]
    assert figure["layout"]["uirevision"] == "kept"
    assert style == {"height": "300px"}
