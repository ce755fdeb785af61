"""The dashboard's plain update_* functions, called with store dicts like Dash would (no browser).

The shared small dataset (tests/conftest.py, ``SMALL``) is worked out by hand:

* A (Instagram, post basis ₹500, one post on 2 Apr) converts u1 in campaign Spring on 2 Apr: ₹1,000;
* B (YouTube, order basis ₹1,500) converts u2 in campaign Summer on 5 Apr: 2 orders, ₹3,000;
* so revenue ₹4,000, spend ₹2,000 (A ₹500 dated 2 Apr, B ₹1,500 dated 5 Apr), ROAS 2.00×, ROI +100%;
* Z clicks without being in influencers.csv: one data-quality row (kept as an unknown influencer).
"""

from __future__ import annotations

import base64
import json
import shutil

import numpy as np
import pytest
from dash import html, no_update
from dash.exceptions import PreventUpdate

from callbacks import data, export, kpis, overview, session, sidebar, topbar
from layouts import ids
from layouts import kpis as layout_kpis
from metrics import export as metrics_export
from metrics import ingest
from metrics.dataset import InputRejected
from metrics.filters import Filters, Options
from metrics.view import View
from store import datasets

NO_LISTS = [None] * 7


@pytest.fixture
def loaded(upload_folder, small_csv_dir):
    """Return the DATASET_STORE value of the small dataset, as the uploads would build it."""
    return upload_folder(small_csv_dir)


def store_for(dataset_store: dict, start=None, end=None, model="last_touch", **lists) -> dict:
    """Return the session store the sidebar would produce."""
    values = [lists.get(field) for field in sidebar.LIST_FILTERS]
    return session.update_session(dataset_store, start, end, model, *values)


def by_id(component, wanted: str):
    """Return the component with id ``wanted`` in a layout tree."""
    for child in component._traverse():
        if getattr(child, "id", None) == wanted:
            return child
    raise AssertionError(f"{wanted} not in the layout")


def data_url(text: str) -> str:
    return "data:text/csv;base64," + base64.b64encode(text.encode()).decode()


# --- session store and URL -------------------------------------------------------------------------


def test_session_store_holds_key_filters_and_model_only(loaded):
    """The session store keeps the key, the summary, the filters and the model: never rows."""
    store = store_for(loaded, campaigns=["Summer"], model="linear")
    assert set(store) == {"key", "summary", "filters", "model", "expired"}
    assert store["filters"]["campaigns"] == ["Summer"]
    assert store["model"] == "linear"


def test_dates_on_the_data_bounds_count_as_unset(loaded):
    """The picker showing the data's own first and last day sets no date filter."""
    assert store_for(loaded, start="2025-04-02", end="2025-04-05")["filters"]["start"] is None
    store = store_for(loaded, start="2025-04-02T00:00:00", end="2025-04-04")
    assert (store["filters"]["start"], store["filters"]["end"]) == (None, "2025-04-04")


def test_url_query_round_trips_the_view():
    """A view's query string restores the same filters, model and tab."""
    filters = Filters.make(start="2025-04-03", campaigns=["Summer", "Spring"], tiers=["micro"])
    query = session.view_query(filters, "time_decay", ids.TAB_PAYOUTS)
    assert (
        query == "?start=2025-04-03&campaign=Spring&campaign=Summer&tier=micro&model=time_decay&tab=payouts"
    )
    assert session.parse_query(query) == (filters, "time_decay", ids.TAB_PAYOUTS)


def test_url_is_left_alone_until_data_is_loaded():
    """Without a dataset the URL keeps its query, so a shared link survives loading the data."""
    with pytest.raises(PreventUpdate):
        session.update_url_query({"key": None, "filters": {}, "model": "last_touch"}, ids.TAB_OVERVIEW)


def test_page_load_restores_a_stored_session(loaded):
    """A reload in the same tab keeps its dataset; an evicted one is reported expired."""
    store = store_for(loaded)
    restored = session.restore_dataset(1, store, None, autoload_demo=True)
    assert restored["key"] == loaded["key"] and restored["origin"] == session.PAGE_LOAD
    gone = session.restore_dataset(1, {**store, "key": "evicted"}, None, autoload_demo=True)
    assert gone["key"] is None and gone["expired"]


def test_page_load_without_autoload_starts_empty(app):
    """With AUTOLOAD_DEMO off a new session starts with no dataset (the empty state)."""
    assert session.restore_dataset(-1, None, None, autoload_demo=False)["key"] is None


# --- sidebar ---------------------------------------------------------------------------------------


def test_dropdown_options_come_from_the_data_and_url_values_are_pruned(loaded):
    """On page load a dropdown shows the dataset's values and keeps only the URL's values that exist."""
    page_load = {**loaded, "origin": session.PAGE_LOAD}
    options, value = sidebar.update_list_filter(
        "campaigns", page_load, False, "?campaign=Summer&campaign=Gone", None
    )
    assert [option["value"] for option in options] == ["Spring", "Summer"]
    assert value == ["Summer"]


def test_dropdown_keeps_session_values_when_data_changes(loaded):
    """After an upload the dropdown keeps the session's values that still exist (the URL is not reread)."""
    store = store_for(loaded, platforms=["YouTube", "TikTok"])
    assert sidebar.update_list_filter("platforms", loaded, False, "?platform=Instagram", store)[1] == [
        "YouTube"
    ]
    assert sidebar.update_list_filter("platforms", loaded, True, "", store)[1] == []


def test_date_picker_is_bounded_by_the_data(loaded):
    """The picker's bounds are the data's own range; URL dates outside it fall back to the bounds."""
    page_load = {**loaded, "origin": session.PAGE_LOAD}
    assert sidebar.update_dates(page_load, False, "?start=2025-04-03&end=2026-01-01", None) == (
        "2025-04-02",
        "2025-04-05",
        "2025-04-03",
        "2025-04-05",
    )


# --- KPI cards, top bar --------------------------------------------------------------------------


def test_kpi_cards_show_formatted_and_exact_values(loaded):
    """Cards show ₹4,000 / 2.00× / +100% with the exact numbers in data-value; undefined iROAS is empty."""
    row = html.Div(kpis.update_kpis(store_for(loaded)))
    revenue, roas = by_id(row, ids.KPI_REVENUE), by_id(row, ids.KPI_ROAS)
    assert (revenue.children, getattr(revenue, "data-value")) == ("₹4,000", "4000.0")
    assert (roas.children, getattr(roas, "data-value")) == ("2.00×", "2.0")
    assert by_id(row, ids.KPI_ROI).children == "100.0%"
    card, slot_class = kpis.update_iroas(store_for(loaded))
    iroas = by_id(card, ids.KPI_IROAS)
    assert (iroas.children, getattr(iroas, "data-value")) == ("—", "")  # two exposures: too few to measure
    assert "insufficient data" in str(card.to_plotly_json()) and "d-none" not in slot_class


def test_kpi_cards_follow_the_filters(loaded):
    """Campaign Spring: ₹1,000 of revenue against A's ₹500, so ROAS 2.00×."""
    row = html.Div(kpis.update_kpis(store_for(loaded, campaigns=["Spring"])))
    assert by_id(row, ids.KPI_REVENUE).children == "₹1,000"
    assert by_id(row, ids.KPI_SPEND).children == "₹500"


def test_kpi_change_compares_with_the_previous_period(loaded):
    """4–5 Apr (₹3,000) against 2–3 Apr (₹1,000): revenue ▲ +200%, spend ₹1,500 vs ₹500 ▲ +200%."""
    card_values = kpis.card_values(
        {"revenue": 3_000.0, "spend": 1_500.0, "roas": 2.0}, {"revenue": 1_000.0, "spend": 500.0, "roas": 2.0}
    )
    assert card_values[ids.KPI_REVENUE][2] == "▲ +200.0%"
    assert card_values[ids.KPI_SPEND][2] == "▲ +200.0%"
    assert card_values[ids.KPI_ROAS][2] == "0.00×"  # unchanged: no arrow
    row = html.Div(kpis.update_kpis(store_for(loaded, start="2025-04-04")))
    revenue_card = str(by_id(row, f"{ids.KPI_REVENUE}-card").to_plotly_json())
    assert "▲ +200.0%" in revenue_card and "kpi-change-up" in revenue_card
    assert "vs 2–3 Apr" in revenue_card
    assert layout_kpis.NO_PREVIOUS not in str(row.to_plotly_json())


def test_kpi_ratio_changes_are_in_points():
    """ROI 130% -> 142% is +12.0 points (not +9.2%); ROAS 2.50× -> 2.00× is -0.50×; orders 100 -> 90 -10%."""
    card_values = kpis.card_values(
        {"roi": 1.42, "roas": 2.0, "orders": 90.0}, {"roi": 1.30, "roas": 2.5, "orders": 100.0}
    )
    assert card_values[ids.KPI_ROI][2] == "▲ +12.0 pp"
    assert card_values[ids.KPI_ROAS][2] == "▼ -0.50×"
    assert card_values[ids.KPI_ORDERS][2] == "▼ -10.0%"
    # ROI -50% -> +20% is +70.0 points; ROAS 0.00× -> 1.25× is defined although a percent change is not.
    card_values = kpis.card_values({"roi": 0.2, "roas": 1.25}, {"roi": -0.5, "roas": 0.0})
    assert (card_values[ids.KPI_ROI][2], card_values[ids.KPI_ROAS][2]) == ("▲ +70.0 pp", "▲ +1.25×")
    # Undefined on either side (zero spend: no ROAS) shows a dash.
    assert kpis.card_values({"roas": float("nan")}, {"roas": 2.0})[ids.KPI_ROAS][2] == "—"
    row = html.Div(layout_kpis.cards(card_values, "vs 1–31 May"))
    roas_card = str(by_id(row, f"{ids.KPI_ROAS}-card").to_plotly_json())
    assert "kpi-change-up" in roas_card and "vs 1–31 May" in roas_card


def test_kpi_row_says_once_when_there_is_no_earlier_period(loaded):
    """The whole data (2–5 Apr) has no period before it: one line says so, the cards show no change."""
    row = html.Div(kpis.update_kpis(store_for(loaded)))
    text = str(row.to_plotly_json())
    assert text.count(layout_kpis.NO_PREVIOUS) == 1
    assert "kpi-change" not in text and "earlier period" not in str(by_id(row, f"{ids.KPI_REVENUE}-card"))
    assert getattr(by_id(row, ids.KPI_REVENUE), "data-value") == "4000.0"


def test_expired_data_shows_the_message_not_numbers(loaded, app):
    """When the cache no longer holds the data, the KPI row asks for it again (no zeros)."""
    from store.backend import cache

    cache.clear()
    panel = html.Div(kpis.update_kpis(store_for(loaded)))
    text = str(panel.to_plotly_json())
    assert "Your data expired — please upload it again (or load the demo)" in text
    assert ids.KPI_REVENUE not in text


def test_no_data_points_to_the_data_tab(app):
    """Before any data the KPI row says what to do, with a button to the Data tab."""
    panel = html.Div(kpis.update_kpis({"key": None, "filters": {}, "model": "last_touch"}))
    text = str(panel.to_plotly_json())
    assert kpis.update_iroas({"key": None})[1].endswith("d-none")
    assert "No data loaded yet" in text and "Open the Data tab" in text


def test_topbar_names_dataset_period_and_model(loaded):
    """The top bar shows the dataset kind, its period, the model; the badge counts report rows."""
    dataset_slot, model, badge, badge_class, _ = topbar.update_topbar(
        store_for(loaded, model="position_based")
    )
    text = str([part.to_plotly_json() if hasattr(part, "to_plotly_json") else part for part in dataset_slot])
    assert "Uploaded data" in text and "2 Apr 2025 – 5 Apr 2025" in text
    assert model == "Model: Position-based (40/20/40)"
    assert "d-none" not in badge_class and badge[1] == "1"


# --- Data tab --------------------------------------------------------------------------------------


def test_upload_replaces_one_file_and_keeps_the_others(loaded):
    """Uploading payouts alone builds a new dataset with the new payouts and the old other files."""
    new = "influencer_id,basis,total_payout\nA,post,900\nB,order,1500\n"
    value, message, *cleared = data.update_uploads(
        [None, None, None, data_url(new)], [None, None, None, "new.csv"], loaded, 10_000_000, None
    )
    assert value["key"] != loaded["key"]
    assert value["summary"]["rows"] == {**loaded["summary"]["rows"], "payouts": 2}
    assert datasets.load(value["key"]).payouts["total_payout"].tolist() == [900.0, 1_500.0]
    assert "payouts.csv: loaded 2 rows from new.csv" in str(message.to_plotly_json())
    assert cleared == [None] * 4


def test_rejected_upload_keeps_the_data_and_names_the_problem(loaded):
    """A tracking file without revenue is rejected with a message naming file and column; data unchanged."""
    broken = "source,campaign,influencer_id,user_id,product,date,orders\ninfluencer,S,A,u1,W,2025-04-02,1\n"
    value, message, *_ = data.update_uploads(
        [None, None, data_url(broken), None], [None, None, "t.csv", None], loaded, 10_000_000, None
    )
    assert value is no_update
    text = str(message.to_plotly_json())
    assert "tracking" in text and "revenue" in text and "stays in use" in text


def test_upload_over_the_limit_is_refused_before_decoding():
    """A data URL whose decoded size exceeds the limit is refused with the sizes in the message."""
    with pytest.raises(InputRejected, match=r"^tracking: big.csv is 0.02 MB, over the 0.01 MB upload limit"):
        data.decode_upload("tracking", data_url("x" * 20_000), "big.csv", max_bytes=10_486)
    assert data.decode_upload("tracking", data_url("abc"), "ok.csv", max_bytes=10) == b"abc"


def test_file_status_says_source_rows_and_report(loaded):
    """Each file's status line says where it came from, rows loaded and dropped, and report rows."""
    statuses = data.update_statuses(store_for(loaded))
    assert statuses[2][1] == "4 rows loaded from tracking.csv · 0 dropped · 1 in the report"
    assert statuses[3][1] == "2 rows loaded from payouts.csv · 0 dropped · 0 in the report"


def test_quality_report_rows_and_summary(loaded):
    """The grid gets the report's rows (JSON-safe) and a summary line by file."""
    rows, summary = data.update_quality(store_for(loaded))
    assert summary.startswith("1 row: 1 in tracking.csv.")
    assert rows == [
        {
            "file": "tracking",
            "row": 5,
            "column": "influencer_id",
            "value": "Z",
            "problem": "influencer_id not in influencers.csv",
            "action": "kept as an unknown influencer",
        }
    ]


def test_server_dataset_loads_from_data_dir(app, small_csv_dir, tmp_path):
    """A DATA_DIR sub-folder is offered and loads as "Server data: <folder>"; a broken one is refused."""
    root = tmp_path / "data_dir"
    shutil.copytree(small_csv_dir, root / "spring")
    shutil.copytree(small_csv_dir, root / "broken")
    (root / "broken" / "payouts.csv").write_text("influencer_id,amount_due\nA,1\n")
    options, style = data.server_options(ids.DATA_DIR_ROW, str(root))
    assert [option["value"] for option in options] == ["broken", "spring"] and style == {}
    value, message = data.load_server_dataset("spring", str(root))
    assert value["summary"]["label"] == "Server data: spring"
    assert value["summary"]["rows"]["tracking"] == 4
    refused, message = data.load_server_dataset("broken", str(root))
    assert refused is no_update
    assert "payouts" in str(message.to_plotly_json()) and "stays in use" in str(message.to_plotly_json())
    with pytest.raises(PreventUpdate):
        data.load_server_dataset("../elsewhere", str(root))


def test_template_download_is_the_ingest_template():
    """A template button downloads the ingest module's template under the file's own name."""
    download = data.template_download("payouts", 1)
    assert download["filename"] == "payouts.csv"
    assert download["content"] == ingest.template_csv("payouts")


# --- exports and tabs --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["kpis", "campaigns", "influencers", "payouts", "trends", "data_quality"])
def test_export_download_equals_the_cli_bytes(loaded, small_csv_dir, name):
    """Each export button sends the bytes the CLI writes for the same filters and model."""
    store = store_for(loaded, campaigns=["Summer"], model="linear")
    download = export.update_download(name, 1, store)
    view = View(ingest.read_dir(small_csv_dir), Filters.make(campaigns=["Summer"]), Options(model="linear"))
    expected = metrics_export.to_csv_bytes(metrics_export.build_table(name, view))
    # Named with the data's first and last day (posts 2025-04-02 and tracking 2025-04-05): the campaign
    # filter does not narrow the period.
    assert download["filename"] == f"{name}_2025-04-02_2025-04-05.csv"
    assert base64.b64decode(download["content"]) == expected


def test_export_download_name_carries_the_sidebar_dates(loaded):
    """A date set in the sidebar names the download; the open side is the data's own last day."""
    download = export.update_download("campaigns", 1, store_for(loaded, start="2025-04-03"))
    assert download["filename"] == "campaigns_2025-04-03_2025-04-05.csv"
    both = export.update_download("campaigns", 1, store_for(loaded, start="2025-04-03", end="2025-04-04"))
    assert both["filename"] == "campaigns_2025-04-03_2025-04-04.csv"


def test_overview_empty_filter_says_what_to_do(loaded):
    """A filter matching nothing shows 'No rows match these filters — reset filters', not empty charts."""
    store = store_for(loaded, products=["Nothing"], campaigns=["Gone"])
    outputs = overview.update_overview(store)
    (trend, trend_style, trend_note), (campaigns, _, campaigns_note) = outputs[:3], outputs[3:6]
    assert "No rows match these filters — reset filters" in str(trend_note.to_plotly_json())
    assert "Reset filters" in str(campaigns_note.to_plotly_json())
    assert trend is campaigns is no_update and trend_style == {"display": "none"}


def test_overview_charts_are_small(loaded):
    """The Overview's figures are aggregated: their JSON stays far below the 300 KB budget."""
    outputs = overview.update_overview(store_for(loaded))
    trend, campaigns, influencers = outputs[0::3]
    # Every graph shown, as tall as its own figure (a responsive graph would stretch to its container).
    assert outputs[1::3] == tuple(
        {"height": f"{f['layout']['height']}px"} for f in (trend, campaigns, influencers)
    )
    for figure in (trend, campaigns, influencers):
        assert len(json.dumps(figure)) < 300_000
        assert figure["layout"]["uirevision"]  # a new figure keeps the user's zoom
    assert "Top 2 of 2 campaigns by revenue" in str(outputs[5].to_plotly_json())
    revenue = next(trace for trace in trend["data"] if trace["name"] == "Revenue")["y"]
    # plotly sends numbers as typed arrays (base64) to keep the JSON small
    values = np.frombuffer(base64.b64decode(revenue["bdata"]), dtype=revenue["dtype"])
    assert values.sum() == 4_000.0  # the revenue line sums to the KPI


def test_overview_charts_keep_the_zoom_the_user_drew(loaded):
    """A zoomed axis of the figure on the page (the graph wrote autorange false) carries to the new figure."""
    zoom = {"range": ["2025-04-02", "2025-04-03"], "autorange": False}
    shown = {"data": [], "layout": {"xaxis": zoom, "yaxis": {"range": [0, 1]}}}
    trend = overview.update_overview(store_for(loaded), shown, None, None)[0]
    assert (
        trend["layout"]["xaxis"]["range"] == zoom["range"] and trend["layout"]["xaxis"]["autorange"] is False
    )
    assert trend["layout"]["yaxis"]["range"] != [0, 1]  # an axis the user did not zoom follows the data
    reset = {"data": [], "layout": {"xaxis": {**zoom, "autorange": True}}}
    assert "range" not in overview.update_overview(store_for(loaded), reset, None, None)[0]["layout"]["xaxis"]


# --- insights panel ----------------------------------------------------------------------------------


def insight_rows(body) -> list[tuple[str, str | None]]:
    """Return (sentence, tab of its link) for each insight in the panel's body."""
    rows = []
    for item in body._traverse():
        if getattr(item, "className", None) == "insight":
            sentence = next(c.children for c in item.children if c.className == "insight-text")
            links = [c.id["tab"] for c in item.children if isinstance(getattr(c, "id", None), dict)]
            rows.append((sentence, links[0] if links else None))
    return rows


def test_insights_panel_names_the_findings_with_links_to_their_tabs(loaded):
    """
    Small dataset: Spring and Summer both return 2.00× (Summer has more revenue, so it is named); A and
    B are both Stars, B scores 77.5 (A 72.5: B's revenue outranks A's CPE); neither campaign has the 30
    measurable exposures incrementality needs. The lowest ROAS would be the same tie: not said.
    """
    rows = insight_rows(overview.update_insights(store_for(loaded)))
    assert [tab for _, tab in rows] == [ids.TAB_CAMPAIGNS, ids.TAB_INFLUENCERS, ids.TAB_CAMPAIGNS]
    assert rows[0][0] == (
        "Summer earns the most per rupee: ₹3,000 in revenue on ₹1,500 spent, a ROAS of 2.00×, "
        "the best of 2 campaigns with spend."
    )
    assert rows[1][0].startswith("Scale up Bala: a Star with a score of 78/100, ROAS 2.00×")
    assert rows[2][0].startswith("2 campaigns have too few exposures to measure incrementality")
    assert rows[2][0].endswith(": Spring, Summer.")


def test_insights_panel_follows_the_filters_and_never_fails_on_an_empty_view(loaded):
    rows = insight_rows(overview.update_insights(store_for(loaded, campaigns=["Spring"])))
    assert rows[0][0].startswith("Spring earns the most per rupee: ₹1,000 in revenue on ₹500 spent")
    empty = overview.update_insights(store_for(loaded, products=["Nothing"], campaigns=["Gone"]))
    text = str(empty.to_plotly_json())
    assert "No data for these filters" in text and "Reset filters" in text
    assert insight_rows(empty) == []


def test_insights_panel_without_data_or_with_expired_data(loaded, app):
    from store.backend import cache

    nothing = overview.update_insights({"key": None, "filters": {}, "model": "last_touch"})
    assert "Nothing to show yet" in str(nothing.to_plotly_json())
    cache.clear()
    expired = overview.update_insights(store_for(loaded))
    assert "expired" in str(expired.to_plotly_json())


def test_insights_download_equals_the_cli_file_and_the_panel(loaded, small_csv_dir, tmp_path):
    """export-insights sends insights.csv as `python -m metrics export` writes it, rows as the panel shows."""
    import io

    import pandas as pd

    from metrics.__main__ import main

    store = store_for(loaded, model="linear")
    download = export.update_download("insights", 1, store)
    assert download["filename"] == "insights_2025-04-02_2025-04-05.csv"
    assert (
        main(["export", "--data", str(small_csv_dir), "--out", str(tmp_path / "out"), "--model", "linear"])
        == 0
    )
    content = base64.b64decode(download["content"])
    assert content == (tmp_path / "out" / "insights.csv").read_bytes()
    back = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)
    assert list(back.columns) == ["kind", "subject", "metric", "value", "sentence"]
    assert back["kind"].tolist() == ["top_roas_campaign", "scale_up_influencer", "thin_data_campaigns"]
    # full precision as plain numbers, not the "78/100" shown
    assert [float(v) for v in back["value"]] == pytest.approx([2.0, 77.5, 2.0], rel=1e-12)
    shown = [sentence for sentence, _ in insight_rows(overview.update_insights(store))]
    assert back["sentence"].tolist() == shown


def test_an_insight_link_opens_its_tab():
    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    link = json.dumps(
        {"index": 1, "tab": ids.TAB_INFLUENCERS, "type": ids.INSIGHT_LINK}, separators=(",", ":")
    )
    context_value.set(AttributeDict(triggered_inputs=[{"prop_id": f"{link}.n_clicks", "value": 1}]))
    assert overview.open_insight_tab([0, 1, 0]) == ids.TAB_INFLUENCERS
    # links appearing (n_clicks 0) are no click
    context_value.set(AttributeDict(triggered_inputs=[{"prop_id": f"{link}.n_clicks", "value": 0}]))
    with pytest.raises(PreventUpdate):
        overview.open_insight_tab([0, 0, 0])


def test_insights_panel_quotes_the_score_under_the_weights_in_use(loaded):
    """All weight on CPE: A (₹500 / 60 engagements) beats B (₹1,500 / 120), so A scores 100 and B 50."""
    weights = {"roas": 0, "engagement_rate": 0, "conversion_rate": 0, "revenue": 0, "cpe": 100}
    rows = insight_rows(overview.update_insights(store_for(loaded), weights))
    assert rows[1][0].startswith("Scale up Asha: a Star with a score of 100/100")
    download = export.update_download("insights", 1, store_for(loaded), weights)
    assert "Scale up Asha" in base64.b64decode(download["content"]).decode()


def test_every_kind_of_insight_links_to_a_tab():
    from layouts import overview as overview_layout
    from metrics.insights import KINDS

    assert set(overview_layout.INSIGHT_TABS) == set(KINDS)
    assert set(overview_layout.INSIGHT_TABS.values()) <= set(ids.TAB_IDS)
