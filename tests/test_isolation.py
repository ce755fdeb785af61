"""Session isolation: unguessable dataset keys, a store holding no rows, and forged keys leading nowhere.

Two users' uploads live side by side in one server cache; the only way to a dataset is its random key,
so a forged or unknown key must give the "expired / no data" state (dashboard) or a bare 404 (HTTP API),
never another dataset's numbers and never a hint that some other key exists.
"""

from __future__ import annotations

import base64
import json
import secrets

import pytest

from callbacks import campaigns, overview, session, sidebar
from store import datasets
from store import results as cache_module

ASHA = [{"influencer_id": "A", "name": "Asha Secret"}]
BALA = [{"influencer_id": "B", "name": "Bala Private"}]


def rows_of(influencers: list[dict]) -> dict:
    influencer_id = influencers[0]["influencer_id"]
    return {
        "influencers": influencers,
        "posts": [{"influencer_id": influencer_id, "date": "2025-04-01"}],
        "tracking": [
            {
                "influencer_id": influencer_id,
                "campaign": f"Campaign {influencer_id}",
                "user_id": f"user-{influencer_id}",
                "date": "2025-04-01",
                "orders": 1,
                "revenue": 700.0,
            }
        ],
        "payouts": [{"influencer_id": influencer_id, "total_payout": 100.0}],
    }


@pytest.fixture
def two_stores(make_dataset, write_csvs, upload_folder, tmp_path):
    """Return the session stores of two users who uploaded different datasets to the same server."""
    stores = []
    for name, people in (("asha", ASHA), ("bala", BALA)):
        folder = write_csvs(make_dataset(**rows_of(people)), tmp_path / name)
        loaded = upload_folder(folder)
        stores.append(
            session.update_session(loaded, None, None, "last_touch", *[None] * len(sidebar.LIST_FILTERS))
        )
    return stores


def test_keys_are_32_random_bytes_and_differ_per_upload(two_stores, make_dataset):
    """Keys are URL-safe encodings of 32 random bytes (256 bits); every stored dataset gets its own."""
    first, second = (store["key"] for store in two_stores)
    assert first != second
    for key in (first, second):
        assert len(key) == 43
        assert len(base64.urlsafe_b64decode(key + "=")) == 32
    again = {datasets.save(make_dataset(**rows_of(ASHA))) for _ in range(5)}
    assert len(again) == 5 and not again & {first, second}


def test_store_holds_the_key_and_filters_never_rows(two_stores):
    """The session store has the key, a summary, filters and model: no name, user or campaign of the data."""
    for store in two_stores:
        assert set(store) == {"key", "summary", "filters", "model", "expired"}
        dumped = json.dumps(store)
        for value in ("Asha Secret", "Bala Private", "user-A", "user-B", "Campaign A", "Campaign B"):
            assert value not in dumped


def test_each_store_sees_only_its_own_data(two_stores):
    """The same callback with either store shows that upload's campaigns only."""
    asha, bala = two_stores
    _, rows_a, _ = campaigns.update_campaigns(asha)
    _, rows_b, _ = campaigns.update_campaigns(bala)
    assert [row["campaign"] for row in rows_a] == ["Campaign A"]
    assert [row["campaign"] for row in rows_b] == ["Campaign B"]


@pytest.mark.parametrize("forged", ["", "x", secrets.token_urlsafe(32), "../dataset:", "*", "dataset:x"])
def test_forged_key_in_the_store_restores_the_expired_state(two_stores, forged):
    """A page whose session store holds an unknown key starts expired, with no key and no summary."""
    store = {**two_stores[0], "key": forged}
    restored = session.restore_dataset(1, store, None, autoload_demo=False)
    if forged:
        assert restored == {"key": None, "summary": None, "origin": session.PAGE_LOAD, "expired": True}
    else:  # an empty key is no key: a fresh page with nothing loaded
        assert restored["key"] is None and restored["summary"] is None


def test_forged_key_reaching_a_tab_shows_expired_never_other_data(two_stores):
    """Even if a forged key got into a session store, the tabs say the data expired and show no numbers."""
    store = {**two_stores[0], "key": secrets.token_urlsafe(32), "summary": two_stores[1]["summary"]}
    body, rows, _ = campaigns.update_campaigns(store)
    assert rows == []
    assert "expired" in str(body)
    shown = str(overview.update_overview(store))
    assert "expired" in shown and "Campaign" not in shown


def test_evicted_dataset_is_expired_not_replaced(two_stores):
    """A dataset dropped from the cache is expired for its holder; the other user's stays intact."""
    asha, bala = two_stores
    cache_module.cache.delete(f"dataset:{asha['key']}")
    with pytest.raises(datasets.DatasetExpired):
        datasets.load(asha["key"])
    assert session.restore_dataset(1, asha, None, autoload_demo=False)["expired"] is True
    _, rows_b, _ = campaigns.update_campaigns(bala)
    assert [row["campaign"] for row in rows_b] == ["Campaign B"]


def test_api_answers_a_forged_key_like_an_expired_one(app, two_stores):
    """Forged, malformed and evicted keys all get the same bare 404; a real key answers; nothing is listed."""
    client = app.server.test_client()
    real = two_stores[1]["key"]
    evicted = two_stores[0]["key"]
    cache_module.cache.delete(f"dataset:{evicted}")
    ok = client.get(f"/api/datasets/{real}/kpis")
    assert ok.status_code == 200 and ok.get_json()["kpis"]["revenue"] == 700.0
    answers = []
    for key in (secrets.token_urlsafe(32), evicted, real[:-1], real.upper(), "x"):
        for path in (f"/api/datasets/{key}/kpis", f"/api/datasets/{key}/export/campaigns.csv"):
            response = client.get(path)
            answers.append((response.status_code, response.get_data(as_text=True)))
    assert {status for status, _ in answers} == {404}
    assert {json.dumps(json.loads(body), sort_keys=True) for _, body in answers} == {'{"error": "expired"}'}
    # The listing holds saved datasets only: an unsaved upload's key is never in it.
    assert client.get("/api/datasets").status_code == 200
    assert real not in client.get("/api/datasets").get_data(as_text=True)
