"""The ROI tab's update functions and figures, on the Campaigns tests' hand-computed dataset (no browser).

See tests/test_tab_campaigns.py for the dataset. Under last touch: A (Instagram, Fitness) ₹3,000 revenue
on ₹500 spend (ROAS 6.00×), B (YouTube, Lifestyle) ₹1,000 on ₹1,500 (0.67×); Z (unknown influencer) has
neither. The one two-touch journey (u1: A in Spring, then B in Summer, ₹1,000) is what the models share
differently: first touch moves ₹1,000 from Summer to Spring, linear ₹500.
"""

from __future__ import annotations

import base64

import numpy as np
import pandas as pd
import pytest
import test_tab_campaigns as small
from dash import no_update
from test_tab_campaigns import decode, find, store_for, text_of

from callbacks import export, roi
from figures import attribution as attribution_charts
from figures import roi as charts
from figures.palette import NEGATIVE, POSITIVE
from layouts import ids
from layouts import roi as roi_layout
from layouts.common import HIDDEN
from metrics import export as metrics_export
from metrics import ingest, markov, tables
from metrics.filters import Filters, Options
from metrics.view import View

# The Campaigns tests' dataset fixtures (the app fixture is in conftest.py).
csv_dir, loaded = small.csv_dir, small.loaded


def bars_by_name(figure, trace_index: int = 0) -> dict[str, float]:
    trace = figure.data[trace_index]
    values = trace.x if trace.orientation == "h" else trace.y
    names = trace.y if trace.orientation == "h" else trace.x
    return dict(zip(names, decode(values) if isinstance(values, dict) else values, strict=True))


# --- returns by grouping ----------------------------------------------------------------------------


def test_roas_by_campaign_bars_and_table(loaded):
    """ROAS per campaign: Spring 6.00× (green, above break-even), Summer 0.67× (vermillion)."""
    figure, style, note, rows, column_defs, grid_style = roi.update_roi(store_for(loaded), "campaign")
    assert bars_by_name(figure) == pytest.approx({"Spring": 6.0, "Summer": 1_000 / 1_500})
    colours = dict(zip(figure.data[0].y, figure.data[0].marker.color, strict=True))
    assert colours == {"Spring": POSITIVE, "Summer": NEGATIVE}
    assert style == {"height": f"{figure.layout.height}px"} and grid_style == {}
    rows = {row["campaign"]: row for row in rows}
    assert rows["Spring"]["roi"] == 5.0 and rows["Summer"]["spend"] == 1_500.0
    assert "Attribution model: Last touch" in text_of(note)
    # The grid declared in the layout starts with these columns: they are not sent again.
    declared = find(roi_layout.layout(), ids.ROI_TABLE).columnDefs
    assert column_defs == declared
    assert roi.update_roi(store_for(loaded), "campaign", declared)[4] is no_update
    assert roi.update_roi(store_for(loaded), "platform", declared)[4][0]["field"] == "platform"


def test_returns_by_platform_are_ratios_of_sums(loaded):
    """By platform: Instagram ₹3,000 / ₹500, YouTube ₹1,000 / ₹1,500; the unknown influencer has no ROAS."""
    rows = {row["platform"]: row for row in roi.update_roi(store_for(loaded), "platform")[3]}
    assert rows["Instagram"]["roas"] == 6.0 and rows["Instagram"]["cpa"] == 250.0
    assert rows["YouTube"]["roas"] == pytest.approx(1 / 1.5)
    assert rows[tables.UNKNOWN_GROUP]["revenue"] == 0.0 and rows[tables.UNKNOWN_GROUP]["roas"] is None
    assert sum(row["revenue"] for row in rows.values()) == 4_000.0


def test_group_returns_follow_the_model(loaded):
    """Under first touch u1's ₹1,000 goes to A: Fitness ₹4,000 (ROAS 8.00×), Lifestyle nothing."""
    rows = {
        row["category"]: row for row in roi.update_roi(store_for(loaded, model="first_touch"), "category")[3]
    }
    assert rows["Fitness"]["revenue"] == 4_000.0 and rows["Fitness"]["roas"] == 8.0
    assert rows["Lifestyle"]["revenue"] == 0.0 and rows["Lifestyle"]["roi"] == -1.0


# --- spend against revenue --------------------------------------------------------------------------


def test_influencer_scatter_is_webgl_and_split_at_break_even(loaded):
    """One WebGL point per influencer with spend or revenue; A above the break-even line, B below."""
    figure, _, body = roi.update_roi_scatter(store_for(loaded), "influencer_id")
    above, below = figure.data[0], figure.data[1]
    assert above.type == below.type == "scattergl"
    assert (list(above.text), list(above.x), list(above.y)) == (["Asha"], [500.0], [3_000.0])
    assert (list(below.text), list(below.x), list(below.y)) == (["Bala"], [1_500.0], [1_000.0])
    assert "2 of 2 influencers" in text_of(body)


def test_scatter_keeps_the_top_n_by_spend():
    """Beyond ``top`` rows only the largest spenders are drawn."""
    table = pd.DataFrame(
        {"name": list("abcd"), "spend": [1.0, 4.0, 3.0, 2.0], "revenue": [1.0, 1.0, 1.0, 1.0]}
    ).assign(roas=lambda t: t["revenue"] / t["spend"])
    figure = charts.spend_revenue_scatter(table, "name", top=2)
    drawn = sorted(name for trace in figure.data[:2] for name in (trace.text or []))
    assert drawn == ["b", "c"]


# --- iROAS ------------------------------------------------------------------------------------------


def test_insufficient_iroas_is_said_never_a_zero_bar(loaded):
    """With fewer than 30 eligible exposures the iROAS bars are empty and the chart says why."""
    shown, *outputs = roi.update_iroas(store_for(loaded))
    graphs = [outputs[0], outputs[3]]  # by campaign, by platform
    assert shown == {} and outputs[1]["height"] and outputs[4]["height"]
    for figure in graphs:
        iroas_bar = next(trace for trace in figure.data if trace.name.startswith("iROAS ("))
        assert np.isnan(np.asarray(iroas_bar.x, dtype=float)).all()
        assert {note.text for note in figure.layout.annotations} == {"iROAS: insufficient data"}
    campaign_roas = bars_by_name(graphs[0], 0)
    assert campaign_roas == pytest.approx({"Spring": 6.0, "Summer": 1 / 1.5})


def test_iroas_error_bars_span_the_interval():
    """An estimated group's error bar runs from iroas_low to iroas_high; a group without spend says so."""
    table = pd.DataFrame(
        {
            "platform": ["X", "Y", "Z"],
            "roas": [3.0, 2.0, np.nan],
            "spend": [100.0, 50.0, 0.0],
            "iroas": [1.5, np.nan, np.nan],
            "iroas_low": [1.0, np.nan, np.nan],
            "iroas_high": [2.5, np.nan, np.nan],
            "insufficient_data": [False, True, False],
        }
    )
    figure = charts.iroas_vs_roas(table, "platform")
    bar = figure.data[1]
    x_index = list(bar.y).index("X")
    assert bar.error_x.array[x_index] == 1.0 and bar.error_x.arrayminus[x_index] == 0.5
    # The note sits in the group's own iROAS slot, above its row's middle (beside the ROAS label, not across it).
    notes = {note.y: note.text for note in figure.layout.annotations}
    assert notes == {"Y": "iROAS: insufficient data", "Z": "iROAS: no spend"}
    assert all(note.yshift > 0 and note.xanchor == "left" for note in figure.layout.annotations)


# --- attribution view -------------------------------------------------------------------------------


def test_credit_shift_against_last_touch(loaded):
    """Linear moves ₹500 of u1's order from Summer to Spring: +₹500 and −₹500 bars; every model totals ₹4,000."""
    alert, figure, _, _, _, rows, column_defs, grid_style = roi.update_attribution(
        store_for(loaded), "campaign", "linear"
    )
    assert alert is None and grid_style == {}
    assert bars_by_name(figure) == {"Summer": -500.0, "Spring": 500.0}
    assert list(figure.data[0].marker.color) == [NEGATIVE, POSITIVE]
    headers = [column["headerName"] for column in column_defs]
    assert headers[:4] == ["Campaign", "Last touch", "First touch", "Linear"]
    for model in ("last_touch", "first_touch", "linear", "time_decay", "position_based", "markov"):
        assert sum(row[model] for row in rows) == pytest.approx(4_000.0)
    first = {row["campaign"]: row["first_touch"] for row in rows}
    assert first == {"Spring": 4_000.0, "Summer": 0.0}


def test_credit_shift_by_influencer_names_people(loaded):
    """By influencer, bars are labelled with the name and id from influencers.csv."""
    figure = roi.update_attribution(store_for(loaded), "influencer_id", "first_touch")[1]
    assert bars_by_name(figure) == {"Bala (B)": -1_000.0, "Asha (A)": 1_000.0}


def test_credit_shift_leaves_out_unmoved_groups_and_keeps_top_n():
    """Groups whose credit does not move are not drawn; only the ``top`` largest moves are."""
    comparison = pd.DataFrame(
        {
            "campaign": ["a", "b", "c", "d"],
            "last_touch": [10.0, 10.0, 10.0, 10.0],
            "linear": [13.0, 10.0, 9.0, 8.0],
            "linear_shift_vs_last_touch": [3.0, 0.0, -1.0, -2.0],
        }
    )
    figure = attribution_charts.credit_shift(comparison, "campaign", "linear", top=2)
    assert list(figure.data[0].y) == ["d", "a"]


def test_markov_panel_sums_to_the_credited_total(loaded):
    """The data-driven table at the chosen grouping credits the whole ₹4,000, largest removal effect first."""
    note, figure, _, _, rows, column_defs, grid_style = roi.update_markov(store_for(loaded), "campaign")
    assert note is None and figure.data and grid_style == {}
    assert [column["field"] for column in column_defs] == list(rows[0])
    assert {row["grouping"] for row in rows} == {"campaign"}
    assert sum(row["attributed_revenue"] for row in rows) == pytest.approx(4_000.0)
    effects = [row["removal_effect"] for row in rows]
    assert effects == sorted(effects, reverse=True)


def test_markov_refusal_is_shown_not_hidden(loaded, monkeypatch):
    """Grouping by influencer beyond the influencer limit shows the refusal with its advice."""
    monkeypatch.setattr(markov, "INFLUENCER_LIMIT", 1)
    body, figure, style, _, rows, _, grid_style = roi.update_markov(store_for(loaded), "influencer")
    assert figure is no_update and style == {"display": "none"} and grid_style == HIDDEN and rows == []
    assert "allows at most 1 influencers" in text_of(body)
    assert "group by platform, category or campaign instead" in text_of(body)
    assert body.__class__.__name__ == "Alert"


@pytest.mark.parametrize(("name", "grouping"), [("attribution", None), ("attribution_markov", "campaign")])
def test_attribution_exports_send_the_cli_bytes(loaded, csv_dir, name, grouping):
    """export-attribution and export-attribution_markov (at the panel's grouping) send the CLI's bytes."""
    download = export.update_download(name, 1, store_for(loaded, model="linear"), tab_option=grouping)
    options = Options(model="linear", markov_by=grouping or "platform")
    view = View(ingest.read_dir(csv_dir), Filters(), options)
    expected = metrics_export.to_csv_bytes(metrics_export.build_table(name, view))
    assert base64.b64decode(download["content"]) == expected
    if grouping:
        assert b"campaign,Spring" in expected
