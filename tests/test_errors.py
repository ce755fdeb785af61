"""No callback fails silently: a raising callback logs its traceback and shows what failed, bad input does not raise.

* ``server.errors.callback_error`` is the app's ``on_error``: the traceback goes to the JSON log with a
  reference, the error toast names the part of the page and the reference (never the exception's
  text), and no output changes;
* malformed session stores (the browser's session storage can be edited) and URL query strings with
  garbage values reach the callbacks as "nothing set", never as an exception.
"""

from __future__ import annotations

import contextlib
import json
import logging

import pytest
from dash.exceptions import PreventUpdate

from callbacks import (
    campaigns,
    data,
    influencers,
    kpis,
    overview,
    payouts,
    reports,
    roi,
    session,
    sidebar,
    topbar,
    weights,
)
from callbacks.session import SessionState
from layouts import ids, shell
from metrics.filters import Filters
from server import errors as error_paths
from server import logs
from store import results as app_cache

SECRET = "/srv/secret/path.csv"
INFLUENCERS = [{"influencer_id": "A", "follower_count": 50_000}]
POSTS = [{"influencer_id": "A", "date": "2025-04-02"}]
TRACKING = [
    {
        "influencer_id": "A",
        "campaign": "Spring",
        "user_id": "u1",
        "date": "2025-04-02",
        "orders": 1,
        "revenue": 900.0,
    },
    {
        "influencer_id": "A",
        "campaign": "Spring",
        "user_id": "u2",
        "date": "2025-04-06",
        "orders": 1,
        "revenue": 100.0,
    },
]
PAYOUTS = [{"influencer_id": "A", "basis": "post", "total_payout": 500.0}]
MALFORMED_STORES = [
    "a string",
    5,
    [],
    {"key": 5},
    {"key": ["a"]},
    {"filters": "x"},
    {"filters": {"start": "notadate", "campaigns": 5}},
    {"summary": [1]},
    {"summary": {"period": "ab"}},
    {"summary": {"period": ["2025-04-01"]}},
    {"model": ["x"]},
]


@pytest.fixture
def loaded(app, upload_folder, make_dataset, write_csvs, tmp_path):
    """Return the DATASET_STORE value of a one-influencer dataset (2 and 6 April)."""
    dataset = make_dataset(influencers=INFLUENCERS, posts=POSTS, tracking=TRACKING, payouts=PAYOUTS)
    return upload_folder(write_csvs(dataset, tmp_path / "csv"))


@pytest.fixture
def log_records():
    """Return the records the dashboard's logger writes during the test."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(level=logging.DEBUG)
    logs.logger.addHandler(handler)
    yield records
    logs.logger.removeHandler(handler)


def campaigns_request(store: dict) -> dict:
    """Return the body the Dash renderer posts for the Campaigns tab's table callback."""
    outputs = [
        {"id": ids.CAMPAIGN_BODY, "property": "children"},
        {"id": ids.CAMPAIGN_TABLE, "property": "rowData"},
        {"id": ids.CAMPAIGN_TABLE_WRAP, "property": "style"},
    ]
    return {
        # Dash's key of a callback with several outputs: "..id.prop...id.prop.."
        "output": ".." + "...".join(f"{o['id']}.{o['property']}" for o in outputs) + "..",
        "outputs": outputs,
        "inputs": [{"id": ids.SESSION_STORE, "property": "data", "value": store}],
        "changedPropIds": [f"{ids.SESSION_STORE}.data"],
        "state": [],
    }


def test_a_failing_metric_shows_what_failed_and_logs_the_traceback(app, loaded, monkeypatch, log_records):
    """The campaign table's metric raises: the toast names the tab and a reference, the log has the traceback."""

    def broken_metric(_view):
        raise RuntimeError(f"cannot read {SECRET}")

    monkeypatch.setitem(app_cache.VIEW_TABLES, "campaigns", broken_metric)
    store = session.update_session(loaded, None, None, "last_touch", *[None] * 7)
    body = campaigns_request(store)
    assert body["output"] in app.callback_map
    response = app.server.test_client().post("/_dash-update-component", json=body)

    assert response.status_code == 200
    answer = response.get_json()
    assert answer["response"] == {}  # no output changed: the tab keeps what it showed
    toast = answer["sideUpdate"][ids.ERROR_TOAST]
    assert toast["is_open"] is True
    assert toast["header"] == "The Campaigns tab could not be updated"
    shown = json.dumps(toast)
    assert SECRET not in shown and "RuntimeError" not in shown
    assert error_paths.ERROR_HINT in shown

    errors = [r for r in log_records if getattr(r, "fields", {}).get("event") == "callback_error"]
    assert len(errors) == 1
    line = json.loads(logs.JsonFormatter().format(errors[0]))
    assert line["level"] == "ERROR" and line["area"] == "the Campaigns tab"
    assert line["outputs"] == [ids.CAMPAIGN_BODY, ids.CAMPAIGN_TABLE, ids.CAMPAIGN_TABLE_WRAP]
    assert line["triggered"] == [f"{ids.SESSION_STORE}.data"]
    assert f"Reference: {line['reference']}" in shown
    assert line["exc"].startswith("Traceback") and "broken_metric" in line["exc"]
    assert line["exc"].rstrip().endswith(f"RuntimeError: cannot read {SECRET}")


def test_the_same_callback_works_again_once_the_metric_does(app, loaded, monkeypatch):
    """A failure leaves nothing behind: the next call answers with the table (one campaign, ₹1,000)."""
    monkeypatch.setitem(app_cache.VIEW_TABLES, "campaigns", lambda _view: 1 / 0)
    store = session.update_session(loaded, None, None, "last_touch", *[None] * 7)
    client = app.server.test_client()
    assert "sideUpdate" in client.post("/_dash-update-component", json=campaigns_request(store)).get_json()
    monkeypatch.undo()
    answer = client.post("/_dash-update-component", json=campaigns_request(store)).get_json()
    assert "sideUpdate" not in answer
    rows = answer["response"][ids.CAMPAIGN_TABLE]["rowData"]
    assert [(row["campaign"], row["revenue"]) for row in rows] == [("Spring", 1_000.0)]


def test_every_page_has_the_error_toast_closed():
    """The toast is part of the page frame (every tab), closed and dismissable until something fails."""
    toast = next(c for c in shell.layout()._traverse() if getattr(c, "id", None) == ids.ERROR_TOAST)
    assert toast.is_open is False and toast.dismissable is True


@pytest.mark.parametrize(
    ("outputs", "area"),
    [
        ([ids.KPI_MAIN], "the KPI cards"),
        ([ids.TOPBAR_DATASET, ids.TOPBAR_MODEL], "the top bar"),
        ([ids.FILTER_CAMPAIGN], "the filters"),
        ([ids.ROI_BODY], "the ROI tab"),
        ([ids.PAYOUT_BODY], "the Payouts tab"),
        ([ids.UPLOAD_MESSAGE, ids.DATASET_STORE], "the Data tab"),
        ([ids.SESSION_STORE], "the page"),
    ],
)
def test_the_toast_names_the_part_of_the_page(outputs, area):
    """Output ids map to the part of the page the user sees."""
    assert error_paths.failed_area(outputs) == area


# --- malformed input -------------------------------------------------------------------------------


@pytest.mark.parametrize("store", MALFORMED_STORES, ids=repr)
def test_a_malformed_session_store_reads_as_nothing_set(store):
    """Values of the wrong type count as absent: no key, no filters, the default model, no summary."""
    state = SessionState.from_store(store)
    assert (state.key, state.filters, state.model) == (None, Filters(), session.DEFAULT_MODEL)
    assert state.summary is None or isinstance(state.summary, dict)
    assert session.period_bounds(state.summary) is None


def test_no_tab_callback_raises_on_a_malformed_store(app):
    """Every tab, the KPI row, the top bar and the Data tab answer a malformed store with their empty state."""
    calls = [
        kpis.update_kpis,
        kpis.update_iroas,
        topbar.update_topbar,
        overview.update_overview,
        payouts.update_payouts,
        campaigns.update_campaigns,
        campaigns.update_campaign_trends,
        roi.update_iroas,
        influencers.update_personas,
        data.update_statuses,
        data.update_quality,
        reports.update_report_buttons,
        lambda s: influencers.update_influencers(s, "not weights"),
        lambda s: roi.update_roi(s, "nonsense"),
        lambda s: session.restore_dataset(1, s, None, False),
    ]
    for store in MALFORMED_STORES:
        for call in calls:
            with contextlib.suppress(PreventUpdate):
                call(store)
        assert session.restore_dataset(1, store, None, False)["key"] is None


def test_garbage_in_the_url_is_ignored(loaded):
    """``?start=notadate&tier=xyz``: the picker shows the data's range and the tier filter stays empty."""
    page_load = {**loaded, "origin": session.PAGE_LOAD}
    garbage = "?start=notadate&tier=xyz"
    assert session.parse_query(garbage) == (Filters.make(tiers=["xyz"]), None, None)
    assert sidebar.update_dates(page_load, False, garbage, None) == (
        "2025-04-02",
        "2025-04-06",
        "2025-04-02",
        "2025-04-06",
    )
    options, value = sidebar.update_list_filter("tiers", page_load, False, garbage, None)
    assert [option["value"] for option in options] == ["micro"] and value == []
    more = "?start=2025-02-30&end=9999-99-99&model=../etc&tab=<script>&campaign=%ff&%zz=1"
    assert session.parse_query(more) == (Filters.make(campaigns=["\ufffd"]), None, None)
    assert sidebar.update_dates(page_load, False, more, None)[2:] == ("2025-04-02", "2025-04-06")
    with pytest.raises(PreventUpdate):
        session.restore_tab("/", more, ids.TAB_OVERVIEW)
    with pytest.raises(PreventUpdate):
        sidebar.update_model(page_load, more)


def test_an_expired_dataset_empties_the_filters_instead_of_raising(app):
    """A dataset evicted after it was loaded gives empty dropdowns (the KPI row says it expired)."""
    gone = {"key": "evicted-key", "summary": None, "origin": "upload", "expired": False}
    assert sidebar.update_list_filter("campaigns", gone, False, "", None) == ([], [])


@pytest.mark.parametrize("bad", ["nan", "inf", float("nan"), "-inf"])
def test_score_weights_that_are_not_numbers_are_ignored(bad):
    """A weight of NaN or infinity (an edited store) is no weighting, never an exception."""
    percents = {"roas": bad, "engagement_rate": 20, "conversion_rate": 20, "revenue": 20, "cpe": 0}
    assert weights.valid_percents(percents) is None
