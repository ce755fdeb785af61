"""The Campaigns tab's update functions and figures, called with store dicts like Dash would (no browser).

The small dataset's numbers are worked out by hand:

* u1 clicks A (Instagram, campaign Spring) on 1 Apr, then buys through B (YouTube, Summer) on 2 Apr:
  1 order, ₹1,000. Last touch credits B/Summer; first touch A/Spring; linear ₹500 each.
* u2 buys through A (Spring) on 5 Apr: 2 orders, ₹3,000 (one touch: every model credits A/Spring).
* u9 buys organically (₹700): never credited. Z clicks in Summer without being in influencers.csv.
* Spend: A ₹500 post basis (its post on 2 Apr; its coded orders are all in Spring) -> Spring ₹500;
  B ₹1,500 order basis, on its conversion (Summer, 2 Apr) -> Summer ₹1,500.
* So under last touch Spring has ₹3,000 revenue, 2 orders, ROAS 6.00×, ROI +500%; Summer ₹1,000,
  1 order, ROAS 0.67×. Under linear Spring ₹3,500 and Summer ₹500.
* Far fewer than 30 eligible exposures: every iROAS is "insufficient data".
"""

from __future__ import annotations

import base64

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from dash import no_update
from dash.exceptions import PreventUpdate

from callbacks import campaigns, export, session, sidebar
from figures import campaigns as charts
from layouts import campaigns as campaigns_layout
from layouts import ids
from metrics import export as metrics_export
from metrics import ingest
from metrics.filters import Filters, Options
from metrics.view import View
from store import results

INFLUENCERS = [
    {"influencer_id": "A", "name": "Asha", "follower_count": 50_000},
    {
        "influencer_id": "B",
        "name": "Bala",
        "platform": "YouTube",
        "category": "Lifestyle",
        "follower_count": 5_000,
    },
]
POSTS = [
    {"influencer_id": "A", "date": "2025-04-02", "reach": 1_000, "likes": 50, "comments": 10},
    {
        "influencer_id": "B",
        "date": "2025-04-03",
        "reach": 2_000,
        "likes": 100,
        "comments": 20,
        "platform": "YouTube",
    },
]
TRACKING = [
    {"influencer_id": "A", "campaign": "Spring", "user_id": "u1", "date": "2025-04-01"},
    {
        "influencer_id": "B",
        "campaign": "Summer",
        "user_id": "u1",
        "date": "2025-04-02",
        "orders": 1,
        "revenue": 1_000.0,
    },
    {
        "influencer_id": "A",
        "campaign": "Spring",
        "user_id": "u2",
        "date": "2025-04-05",
        "orders": 2,
        "revenue": 3_000.0,
    },
    {"user_id": "u9", "date": "2025-04-04", "orders": 1, "revenue": 700.0},
    {"influencer_id": "Z", "campaign": "Summer", "user_id": "u3", "date": "2025-04-05"},
]
PAYOUTS = [
    {"influencer_id": "A", "basis": "post", "total_payout": 500.0},
    {"influencer_id": "B", "basis": "order", "total_payout": 1_500.0},
]


@pytest.fixture
def csv_dir(make_dataset, write_csvs, tmp_path):
    """Write the small dataset as the four input CSVs."""
    dataset = make_dataset(influencers=INFLUENCERS, posts=POSTS, tracking=TRACKING, payouts=PAYOUTS)
    return write_csvs(dataset, tmp_path / "csv")


@pytest.fixture
def loaded(upload_folder, csv_dir):
    """Return the DATASET_STORE value of the small dataset, as the uploads would build it."""
    return upload_folder(csv_dir)


def store_for(dataset_store: dict, model: str = "last_touch", **lists) -> dict:
    """Return the session store the sidebar would produce."""
    values = [lists.get(field) for field in sidebar.LIST_FILTERS]
    return session.update_session(dataset_store, None, None, model, *values)


def find(component, wanted: str):
    """Return the component with id ``wanted`` in a layout tree."""
    for child in component._traverse():
        if getattr(child, "id", None) == wanted:
            return child
    raise AssertionError(f"{wanted} not in the layout")


def text_of(component) -> str:
    """Return a component, or a callback's outputs, as text."""
    if isinstance(component, tuple | list):
        return " ".join(text_of(part) for part in component)
    return str(component.to_plotly_json() if hasattr(component, "to_plotly_json") else component)


# --- campaign table ---------------------------------------------------------------------------------


def test_campaign_table_has_hand_computed_returns_and_iroas_columns(loaded):
    """One row per campaign with revenue, spend, ROAS and the iROAS columns; the caption names the model."""
    store = store_for(loaded)
    caption, first_rows, style = campaigns.update_campaigns(store)
    assert style == {} and "iroas" not in first_rows[0]  # painted first, incrementality next
    rows = {row["campaign"]: row for row in campaigns.update_campaign_iroas(first_rows, store)}
    with pytest.raises(PreventUpdate):  # rows holding iROAS are not computed again
        campaigns.update_campaign_iroas(list(rows.values()), store)
    grid = find(campaigns_layout.layout(), ids.CAMPAIGN_TABLE)
    assert set(rows) == {"Spring", "Summer"}
    assert (rows["Spring"]["revenue"], rows["Spring"]["orders"], rows["Spring"]["spend"]) == (
        3_000.0,
        2.0,
        500.0,
    )
    assert rows["Spring"]["roas"] == 6.0 and rows["Spring"]["roi"] == 5.0
    assert rows["Summer"]["roas"] == pytest.approx(1_000 / 1_500)
    assert rows["Spring"]["iroas"] is None and rows["Spring"]["insufficient_data"] is True
    fields = [column["field"] for column in grid.columnDefs]
    assert fields[-4:] == ["incremental_revenue", "iroas", "iroas_low", "iroas_high"]
    iroas_column = next(column for column in grid.columnDefs if column["field"] == "iroas")
    assert "insufficient data" in iroas_column["valueFormatter"]["function"]
    assert "Attribution model: Last touch" in text_of(caption)


def test_campaign_table_follows_the_model(loaded):
    """Under linear attribution u1's ₹1,000 is split: Spring ₹3,500, Summer ₹500."""
    caption, rows, _ = campaigns.update_campaigns(store_for(loaded, model="linear"))
    rows = {row["campaign"]: row for row in rows}
    assert rows["Spring"]["revenue"] == 3_500.0 and rows["Summer"]["revenue"] == 500.0
    assert "Attribution model: Linear" in text_of(caption)


def test_filters_matching_nothing_say_what_to_do(loaded):
    """A filter matching nothing shows the reset-filters empty state in every Campaigns panel."""
    store = store_for(loaded, campaigns=["Gone"])
    body, rows, style = campaigns.update_campaigns(store)
    assert "No rows match these filters — reset filters" in text_of(body)
    assert rows == [] and style["visibility"] == "hidden"
    figure, style, note = campaigns.update_campaign_trends(store)
    assert "No rows match these filters — reset filters" in text_of(note)
    assert figure is no_update and style == {"display": "none"}
    *_, figure, style, note = campaigns.update_comparison(store, None)
    assert "Reset filters" in text_of(note)
    assert figure is no_update and style == {"display": "none"}


def test_nothing_loaded_points_to_the_data_tab():
    """Without data the tab notes where to load it instead of showing numbers."""
    assert "load data in the Data tab" in text_of(campaigns.update_campaigns(None)[0])


# --- trends per campaign ----------------------------------------------------------------------------


def test_trend_small_multiples_sum_to_the_kpis(loaded):
    """One chart per campaign; revenue lines sum to ₹4,000 and spend bars to ₹2,000 (all spend is dated)."""
    figure, style, body = campaigns.update_campaign_trends(store_for(loaded))
    assert style == {"height": f"{figure['layout']['height']}px"}
    assert figure["layout"]["uirevision"]
    # The zoom the user drew on the figure shown (the graph wrote autorange false) is kept.
    zoom = {"range": ["2025-04-02", "2025-04-04"], "autorange": False}
    kept, _, _ = campaigns.update_campaign_trends(store_for(loaded), {"layout": {"xaxis2": zoom}})
    assert kept["layout"]["xaxis2"]["range"] == zoom["range"] and "range" not in figure["layout"].get(
        "xaxis2", {}
    )
    revenue = [trace for trace in figure["data"] if trace["name"] == "Revenue"]
    spend = [trace for trace in figure["data"] if trace["name"] == "Spend"]
    assert len(revenue) == len(spend) == 2
    assert sum(np.sum(decode(trace["y"])) for trace in revenue) == 4_000.0
    assert sum(np.sum(decode(trace["y"])) for trace in spend) == 2_000.0
    assert [a["text"] for a in figure["layout"]["annotations"]] == ["Spring", "Summer"]
    assert "2 of 2 campaigns" in text_of(body)


def decode(values) -> np.ndarray:
    """Return a plotly array (plain list or base64 typed array) as numpy."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values, dtype=float)


def test_period_sums_switch_to_weeks_beyond_92_days():
    """Over 92 days the trend is summed per ISO week (Monday), zero-filled for every campaign."""
    trends = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-04-10"]),
            "campaign": pd.array(["A", "A", None], dtype="string"),
            "revenue": [10.0, 5.0, 7.0],
            "orders": [1.0, 1.0, 1.0],
            "spend": [1.0, 0.0, 2.0],
        }
    )
    sums, unit = charts.campaign_period_sums(trends)
    assert unit == "week"
    first_week = sums[(sums["campaign"] == "A") & (sums["period"] == pd.Timestamp("2024-12-30"))]
    assert first_week["revenue"].item() == 15.0  # 1 and 2 Jan 2025 fall in the week of Monday 30 Dec
    assert set(sums["campaign"]) == {"A", charts.NO_CAMPAIGN}
    weeks = pd.date_range("2024-12-30", "2025-04-07", freq="W-MON")
    assert len(sums) == 2 * len(weeks)


# --- comparison -------------------------------------------------------------------------------------


def test_comparison_defaults_to_the_top_two_campaigns(loaded):
    """With nothing picked yet, the two campaigns with the most revenue are compared side by side."""
    options, value, body, *_ = campaigns.update_comparison(store_for(loaded), None)
    assert [option["value"] for option in options] == ["Spring", "Summer"]
    assert value == ["Spring", "Summer"]
    cells = [str(td.children) for td in body._traverse() if td.__class__.__name__ == "Td"]
    # rows in COMPARED_METRICS order, Spring then Summer in each
    assert cells[:6] == ["₹3,000", "₹1,000", "2", "1", "₹500", "₹1,500"]
    assert cells[6:8] == ["6.00×", "0.67×"]
    iroas_row = list(results.COMPARED_METRICS).index("iroas")
    assert cells[2 * iroas_row : 2 * iroas_row + 2] == ["insufficient data", "insufficient data"]


def test_comparison_overlays_running_totals(loaded):
    """The overlay ends at each campaign's total revenue (solid) and spend (dotted)."""
    *_, figure, style, _ = campaigns.update_comparison(store_for(loaded), ["Summer", "Spring"])
    assert style == {"height": f"{figure['layout']['height']}px"}
    last = {trace["name"]: decode(trace["y"])[-1] for trace in figure["data"]}
    assert last == {
        "Summer — revenue": 1_000.0,
        "Summer — spend": 1_500.0,
        "Spring — revenue": 3_000.0,
        "Spring — spend": 500.0,
    }
    dashes = {trace["name"]: trace["line"]["dash"] for trace in figure["data"]}
    assert dashes["Spring — spend"] == "dot" and dashes["Spring — revenue"] == "solid"


def test_comparison_asks_for_two_campaigns_and_drops_filtered_ones(loaded):
    """A pick of one campaign (or of campaigns the filters removed) asks for at least two."""
    _, value, table, figure, style, note = campaigns.update_comparison(store_for(loaded), ["Gone", "Spring"])
    assert value == ["Spring"]
    assert "Pick at least two campaigns" in text_of(note)
    assert table is None and figure is no_update and style == {"display": "none"}


def test_compare_trends_figure_is_aggregated():
    """Per campaign the figure holds one point per day, whatever the number of rows behind it."""
    trends = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-04-01", "2025-04-01", "2025-04-03"]),
            "campaign": pd.array(["A", "B", "A"], dtype="string"),
            "revenue": [1.0, 2.0, 3.0],
            "orders": [1.0, 1.0, 1.0],
            "spend": [0.5, 0.0, 0.0],
        }
    )
    figure = charts.compare_trends(trends, ["A", "B"])
    assert isinstance(figure, go.Figure)
    revenue_a = next(trace for trace in figure.data if trace.name == "A — revenue")
    assert list(revenue_a.y) == [1.0, 1.0, 4.0]  # 1, 2, 3 Apr, cumulative


# --- exports ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["campaigns", "trends"])
def test_export_buttons_send_the_cli_bytes(loaded, csv_dir, name):
    """export-campaigns and export-trends send the CLI's file for the same filters and model."""
    download = export.update_download(name, 1, store_for(loaded, model="linear", campaigns=["Spring"]))
    view = View(ingest.read_dir(csv_dir), Filters.make(campaigns=["Spring"]), Options(model="linear"))
    assert base64.b64decode(download["content"]) == metrics_export.to_csv_bytes(
        metrics_export.build_table(name, view)
    )


# --- the filter-change budgets: a repeated state from the cache, no bootstrap in the first paint ---------


def test_a_repeated_filter_state_is_served_from_the_cache_without_rebuilding(loaded, monkeypatch):
    """Drawn once, the same filters and pick redraw every Campaigns output with no table or figure rebuilt."""
    store = store_for(loaded, model="linear")
    _, first_rows, _ = campaigns.update_campaigns(store)
    full_rows = campaigns.update_campaign_iroas(first_rows, store)
    trends = text_of(campaigns.update_campaign_trends(store))
    comparison = campaigns.update_comparison(store, ["Summer", "Spring"])

    def rebuilt(*_args, **_kwargs):
        raise AssertionError("rebuilt on a cache hit")

    for name in ("trends_by_campaign", "compare_trends", "campaign_period_sums"):
        monkeypatch.setattr(charts, name, rebuilt)
    for name in ("campaign_returns", "campaign_estimates", "records", "view_table"):
        monkeypatch.setattr(results, name, rebuilt)
    _, rows, style = campaigns.update_campaigns(store)
    # The grid gets its iROAS columns at once, so its second callback has nothing to do.
    assert rows == full_rows and "iroas" in rows[0] and style == {}
    with pytest.raises(PreventUpdate):
        campaigns.update_campaign_iroas(rows, store)
    assert text_of(campaigns.update_campaign_trends(store)) == trends
    options, value, *body = campaigns.update_comparison(store, ["Summer", "Spring"])
    assert (options, value, text_of(body)) == (comparison[0], comparison[1], text_of(comparison[2:]))
    assert "₹3,500" in text_of(body) and "₹500" in text_of(body)  # linear: Spring ₹3,500, Summer ₹500


def test_the_comparison_shows_the_iroas_estimate_without_the_bootstrap(loaded, monkeypatch):
    """The comparison (drawn with the tab) asks for iROAS without its interval, the slow part."""
    asked = []
    estimate = results.incrementality.add_iroas

    def spy(*args, interval=True, **kwargs):
        asked.append(interval)
        return estimate(*args, interval=interval, **kwargs)

    monkeypatch.setattr(results.incrementality, "add_iroas", spy)
    _, value, body, *_ = campaigns.update_comparison(store_for(loaded), None)
    assert asked == [False]
    assert value == ["Spring", "Summer"]
    cells = [str(td.children) for td in body._traverse() if td.__class__.__name__ == "Td"]
    iroas_row = list(results.COMPARED_METRICS).index("iroas")
    assert cells[2 * iroas_row : 2 * iroas_row + 2] == ["insufficient data", "insufficient data"]
    table = results.campaign_estimates(loaded["key"], Filters(), Options())
    assert table["iroas_low"].isna().all() and table["insufficient_data"].all()


def test_small_multiples_lay_out_the_subplot_grid():
    """Four campaigns: 2 rows of 3 cells, 0.04 apart across and 72 px down; columns share x, rows y."""
    trends = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-04-01"] * 4 + ["2025-04-02"] * 4),
            "campaign": pd.array(["A", "B", "C", "D"] * 2, dtype="string"),
            "revenue": [40.0, 30.0, 20.0, 10.0, 0.0, 0.0, 0.0, 0.0],
            "orders": [1.0] * 8,
            "spend": [1.0] * 8,
        }
    )
    figure = charts.trends_by_campaign(trends)
    layout = figure.layout
    width = (1 - 2 * 0.04) / 3  # 0.30667
    assert layout.xaxis.domain == pytest.approx((0, width))
    assert layout.xaxis3.domain == pytest.approx((2 * (width + 0.04), 1))
    # 480 px high less 90 of margins: 390 px of plots; 72 of them between the rows, 159 a row.
    assert layout.yaxis.domain == pytest.approx((231 / 390, 1)) and layout.yaxis4.domain == pytest.approx(
        (0, 159 / 390)
    )
    assert (layout.xaxis.matches, layout.xaxis3.matches, layout.xaxis4.matches) == ("x4", "x6", None)
    assert (layout.yaxis2.matches, layout.yaxis5.matches, layout.yaxis2.showticklabels) == ("y", "y4", False)
    titles = [(a.text, a.x, a.y) for a in layout.annotations]
    assert titles == [
        ("A", 0, 1),
        ("B", pytest.approx(width + 0.04), 1),
        ("C", pytest.approx(2 * (width + 0.04)), 1),
        ("D", 0, pytest.approx(159 / 390)),
    ]
    cells = {(trace.type, trace.xaxis): trace for trace in figure.data}
    assert list(cells[("scatter", "x4")].y) == [10.0, 0.0]  # D, the fourth by revenue, bottom left
    assert list(cells[("bar", "x4")].customdata) == ["₹1", "₹1"]
    assert [trace.showlegend for trace in figure.data[:3]] == [True, True, False]
    assert layout.height == 100 + 190 * 2 and list(layout.yaxis.tickvals) == [0, 20, 40]
