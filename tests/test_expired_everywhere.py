"""An evicted dataset reads as expired on every part of the page, never answered from memoized tables.

Each part is computed once (so its memoized results are in the cache), then the dataset's own entries are
deleted, as the cache's eviction or expiry deletes them, leaving the memoized tables behind. Every tab,
the KPI row, the Data tab, the top bar and a CSV download must then say the data expired.
"""

from __future__ import annotations

import json

import pytest

from callbacks import (
    campaigns,
    data,
    influencers,
    kpis,
    overview,
    payouts,
    roi,
    session,
    topbar,
)
from layouts import ids
from store import datasets, results

# Every part of the page that shows numbers, called as its callback calls it.
PARTS = {
    "kpi cards": lambda s: kpis.update_kpis(s),
    "overview": lambda s: overview.update_overview(s),
    "campaigns table": lambda s: campaigns.update_campaigns(s),
    "campaign trends": lambda s: campaigns.update_campaign_trends(s),
    "campaign comparison": lambda s: campaigns.update_comparison(s, None),
    "roi": lambda s: roi.update_roi(s, "campaign"),
    "roi scatter": lambda s: roi.update_roi_scatter(s, "campaign"),
    "iroas": lambda s: roi.update_iroas(s),
    "attribution": lambda s: roi.update_attribution(s, "campaign", None),
    "influencers": lambda s: influencers.update_influencers(s, None),
    "personas": lambda s: influencers.update_personas(s),
    "payouts": lambda s: payouts.update_payouts(s),
    "payout spend chart": lambda s: payouts.update_spend_chart(s),
    "budget optimizer": lambda s: payouts.update_budget(s, None, 0.5, 2.0, []),
    "influencer matrix": lambda s: influencers.update_matrix(s, None),
    "data quality": lambda s: data.update_quality(s),
    "file statuses": lambda s: data.update_statuses(s),
    "top bar": lambda s: topbar.update_topbar(s),
}


@pytest.fixture
def store(app, upload_folder, small_csv_dir):
    loaded = upload_folder(small_csv_dir)
    return session.update_session(loaded, None, None, "last_touch", *[None] * 7)


def shown(value) -> str:
    return json.dumps(value, default=lambda o: o.to_plotly_json() if hasattr(o, "to_plotly_json") else str(o))


def evict(key: str) -> None:
    """Delete the dataset's own entries, as the cache's LRU eviction or expiry does; memoized tables stay."""
    results.cache.delete(f"dataset:{key}")
    results.cache.delete(f"dataset-files:{key}")
    with datasets._lock:
        datasets._loaded.clear()


@pytest.mark.parametrize("part", sorted(PARTS))
def test_every_part_says_expired_after_eviction(store, part):
    before = shown(PARTS[part](store))
    assert "expired" not in before.lower()
    evict(store["key"])
    after = shown(PARTS[part](store)).lower()
    assert "expired" in after


def export_request(app, store: dict) -> dict:
    output = next(
        key
        for key, spec in app.callback_map.items()
        if any(item["id"] == ids.EXPORT["campaigns"] for item in spec["inputs"])
    )
    return {
        "output": output,
        "outputs": {"id": ids.DOWNLOAD, "property": "data"},
        "inputs": [{"id": ids.EXPORT["campaigns"], "property": "n_clicks", "value": 1}],
        "changedPropIds": [f"{ids.EXPORT['campaigns']}.n_clicks"],
        "state": [
            {"id": ids.SESSION_STORE, "property": "data", "value": store},
            {"id": ids.SCORE_WEIGHTS_STORE, "property": "data", "value": None},
        ],
    }


def test_a_csv_download_of_an_evicted_dataset_says_expired(app, store):
    client = app.server.test_client()
    first = client.post("/_dash-update-component", json=export_request(app, store)).get_json()
    first_day, last_day = store["summary"]["period"]
    assert first["response"][ids.DOWNLOAD]["data"]["filename"] == f"campaigns_{first_day}_{last_day}.csv"
    evict(store["key"])
    answer = client.post("/_dash-update-component", json=export_request(app, store))
    body = answer.get_json() if answer.status_code == 200 else {}
    assert ids.DOWNLOAD not in body.get("response", {})
    toast = body["sideUpdate"][ids.ERROR_TOAST]
    assert toast["is_open"] is True
    assert toast["header"] == "The download could not be made"
    assert "expired" in json.dumps(toast["children"])


def test_the_getters_refuse_an_evicted_dataset_even_with_memoized_results(store):
    key = store["key"]
    state = session.SessionState.from_store(store)
    results.campaign_table(key, state.filters, state.options)
    results.export_csv(key, state.filters, state.options, "kpis")
    results.filter_options(key)
    evict(key)
    for getter in (
        lambda: results.campaign_table(key, state.filters, state.options),
        lambda: results.export_csv(key, state.filters, state.options, "kpis"),
        lambda: results.filter_options(key),
        lambda: results.view(key, state.filters, state.options),
        lambda: results.data_quality(key),
    ):
        with pytest.raises(datasets.DatasetExpired):
            getter()
