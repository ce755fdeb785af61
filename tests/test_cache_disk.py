"""The file cache on disk: bounded in bytes (CACHE_MAX_MB), swept, and honest when the disk is full.

* before an entry is stored, the least recently used entries are evicted until it fits;
* expired entries are deleted by a periodic sweep, however few entries there are;
* a full disk (``ENOSPC``, simulated) makes an upload say "the server's storage is full" (Data tab) and
  the API answer 507 JSON; once the disk has room again the next upload works, with no restart.
"""

from __future__ import annotations

import base64
import errno
import io
import os
import time

import pytest
from dash import no_update

from callbacks import data
from metrics.dataset import FILES
from server import config
from store import filecache
from store.filecache import BoundedFileSystemCache, StorageFull

KIB = 1024


@pytest.fixture
def small_cache(tmp_path):
    """A cache of at most 350 KiB (three 100 KiB entries) that never sweeps on its own."""
    return BoundedFileSystemCache(str(tmp_path / "c"), max_bytes=350 * KIB, sweep_seconds=10**9, threshold=0)


def blob(tag: int) -> bytes:
    return bytes([tag]) * (100 * KIB)


def age(cache: BoundedFileSystemCache, key: str, seconds_ago: float) -> None:
    """Set an entry's last use (mtime) explicitly: the test does not depend on the clock's resolution."""
    stamp = time.time() - seconds_ago
    os.utime(cache._get_filename(key), (stamp, stamp))


def test_storing_past_the_byte_bound_evicts_the_least_recently_used_entries(small_cache):
    for tag, ago in ((1, 40), (2, 30)):
        assert small_cache.set(f"k{tag}", blob(tag))
        age(small_cache, f"k{tag}", ago)
    assert small_cache.get("k1") == blob(1)  # read now: k1 is now more recent than k2
    assert small_cache.set("k3", blob(3))
    assert small_cache.used_bytes() <= 350 * KIB
    assert small_cache.set("k4", blob(4))
    assert small_cache.used_bytes() <= 350 * KIB
    assert small_cache.get("k2") is None  # the least recently used went first
    assert [small_cache.get(k) is not None for k in ("k1", "k3", "k4")] == [True, True, True]


def test_replacing_an_entry_does_not_evict_others_to_make_room_for_itself(small_cache):
    small_cache.set("a", blob(1))
    small_cache.set("b", blob(2))
    small_cache.set("a", blob(3))
    assert small_cache.get("b") == blob(2) and small_cache.get("a") == blob(3)


def test_an_entry_larger_than_the_bound_is_not_stored_and_evicts_nothing(small_cache):
    small_cache.set("kept", blob(1))
    assert small_cache.set("huge", b"x" * (400 * KIB)) is False
    assert small_cache.get("huge") is None
    assert small_cache.get("kept") == blob(1)
    assert not [n for n in os.listdir(small_cache._path) if n.endswith(small_cache._fs_transaction_suffix)]


def test_expired_entries_are_swept_periodically_below_the_entry_threshold(tmp_path, monkeypatch):
    cache = BoundedFileSystemCache(str(tmp_path / "c"), max_bytes=10**9, sweep_seconds=60, threshold=5000)
    cache.set("short", b"x" * KIB, timeout=1)
    cache.set("long", b"y" * KIB, timeout=3600)
    path = cache._get_filename("short")
    later = time.time() + 120
    monkeypatch.setattr(filecache.time, "time", lambda: later)
    cache.get("long")  # any use past the sweep interval sweeps
    assert not os.path.exists(path)
    assert os.path.exists(cache._get_filename("long"))


def test_a_full_disk_raises_storage_full_and_leaves_no_partial_file(small_cache, monkeypatch):
    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(filecache.os, "fdopen", full)
    with pytest.raises(StorageFull, match="the server's storage is full"):
        small_cache.set("k", blob(1))
    assert os.listdir(small_cache._path) == [] or all(
        not n.endswith(small_cache._fs_transaction_suffix) for n in os.listdir(small_cache._path)
    )


# --- through the app --------------------------------------------------------------------------------


@pytest.fixture
def app_small(tmp_path):
    from app import create_app

    return create_app(
        {
            "CACHE_DIR": str(tmp_path / "cache"),
            "LIBRARY_DIR": str(tmp_path / "library"),
            "AUTOLOAD_DEMO": False,
            "CACHE_MAX_MB": 1,
        }
    )


def test_cache_max_mb_is_the_bound_of_the_apps_file_cache(app_small):
    from store.backend import cache

    assert isinstance(cache.cache, BoundedFileSystemCache)
    assert cache.cache.max_bytes == 1024 * 1024


def test_cache_max_mb_is_validated_like_other_settings():
    assert config.settings(environ={})["CACHE_MAX_MB"] == 2048.0
    assert config.settings(environ={"CACHE_MAX_MB": "64"})["CACHE_MAX_MB"] == 64.0
    for bad in ("lots", "0", "-5"):
        with pytest.raises(config.ConfigError, match="CACHE_MAX_MB"):
            config.settings(environ={"CACHE_MAX_MB": bad})


def _csv_texts(make_dataset, write_csvs, folder) -> dict[str, bytes]:
    dataset = make_dataset(
        influencers=[{"influencer_id": "A", "follower_count": 10}],
        posts=[{"influencer_id": "A", "date": "2025-04-02"}],
        tracking=[{"influencer_id": "A", "user_id": "u", "date": "2025-04-02", "orders": 1, "revenue": 5.0}],
        payouts=[{"influencer_id": "A", "total_payout": 1.0}],
    )
    out = write_csvs(dataset, folder)
    return {name: (out / f"{name}.csv").read_bytes() for name in FILES}


@pytest.fixture
def disk(monkeypatch):
    """Switch a simulated full disk on and off: every cache write fails with ENOSPC while it is on."""
    real = filecache.os.fdopen
    state = {"full": False}

    def fdopen(fd, *args, **kwargs):
        if state["full"]:
            os.close(fd)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, *args, **kwargs)

    monkeypatch.setattr(filecache.os, "fdopen", fdopen)
    return state


def test_an_upload_on_a_full_disk_says_so_and_works_once_space_is_free(
    app_small, make_dataset, write_csvs, tmp_path, disk
):
    texts = _csv_texts(make_dataset, write_csvs, tmp_path / "csv")
    urls = ["data:text/csv;base64," + base64.b64encode(texts[name]).decode() for name in FILES]
    names = [f"{name}.csv" for name in FILES]
    with app_small.server.test_request_context():
        disk["full"] = True
        store, message, *cleared = data.update_uploads(urls, names, None, 10**6, None)
        assert store is no_update
        assert cleared == [None] * 4
        shown = str(message.to_plotly_json())
        assert "the server's storage is full" in shown and "Nothing was loaded" in shown
        disk["full"] = False
        store, message, *_ = data.update_uploads(urls, names, None, 10**6, None)
        assert store["key"] and store["summary"]["rows"]["tracking"] == 1


def test_the_api_answers_507_json_on_a_full_disk_then_recovers(
    app_small, make_dataset, write_csvs, tmp_path, disk
):
    texts = _csv_texts(make_dataset, write_csvs, tmp_path / "csv")
    client = app_small.server.test_client()

    def post():
        files = {name: (io.BytesIO(texts[name]), f"{name}.csv") for name in FILES}
        return client.post("/api/datasets", data=files, content_type="multipart/form-data")

    disk["full"] = True
    refused = post()
    assert refused.status_code == 507
    assert refused.get_json()["error"].startswith("the server's storage is full")
    disk["full"] = False
    accepted = post()
    assert accepted.status_code == 201, accepted.get_json()
