"""The store layer: one LRU of loaded datasets, views kept on their dataset, results asked for without computing.

Also checks that ``import app`` builds nothing: gunicorn's app is built by wsgi.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from metrics import ingest
from metrics.dataset import FILES
from metrics.filters import Filters, Options
from store import backend, datasets, results

ROOT = Path(__file__).resolve().parent.parent


def stored_key(folder: Path) -> str:
    files = {
        name: datasets.StoredFile(
            ingest.parse_file(name, folder / f"{name}.csv"), datasets.upload_source(name)
        )
        for name in FILES
    }
    return datasets.build(files)


def test_stored_result_is_none_until_computed_then_the_same_rows(app, small_csv_dir):
    """The Campaigns grid's complete rows: None before anyone computed them, then exactly what was computed."""
    key = stored_key(small_csv_dir)
    linear = Options().with_model("linear")
    assert results.stored_campaign_return_rows(key, Filters(), linear) is None
    rows = results.campaign_return_rows(key, Filters(), linear)
    assert rows and "iroas" in rows[0]
    assert results.stored_campaign_return_rows(key, Filters(), linear) == rows
    # Another filter state or model is a separate entry.
    assert results.stored_campaign_return_rows(key, Filters(), Options()) is None
    assert results.stored_campaign_return_rows(key, Filters(campaigns=("Spring",)), linear) is None


def test_stored_result_of_an_expired_dataset_is_refused(app, small_csv_dir):
    """Computing the rows checks the dataset first: results never outlive it."""
    key = stored_key(small_csv_dir)
    backend.cache.delete(f"dataset:{key}")
    with pytest.raises(datasets.DatasetExpired):
        results.campaign_return_rows(key, Filters(), Options())


def test_views_hang_off_their_dataset_and_the_lru_keeps_two(app, small_csv_dir):
    """One view per filter state while the dataset is loaded; a third dataset pushes the first out."""
    first = stored_key(small_csv_dir)
    view = results.view(first, Filters(), Options())
    assert results.view(first, Filters(), Options()) is view
    dataset = datasets.load(first)
    assert view.dataset is dataset
    assert list(dataset.derived.get("views", results.RecentViews).views) == [(Filters(), Options())]
    others = [stored_key(small_csv_dir) for _ in range(datasets.LOADED_KEPT)]
    for key in others:
        results.view(key, Filters(), Options())
    # Loaded again from the cache: a new dataset object, with no views of the old one.
    reloaded = datasets.load(first)
    assert reloaded is not dataset
    assert not reloaded.derived.get("views", results.RecentViews).views
    assert results.view(first, Filters(), Options()) is not view


def test_demo_key_survives_a_new_process_through_the_cache(app, small_csv_dir, monkeypatch):
    """The demo's key is a cache entry: a process that never built the demo finds it there."""
    monkeypatch.setattr(datasets, "DEMO_DIR", small_csv_dir)
    backend.cache.delete(datasets.DEMO_ENTRY)
    key = datasets.demo_key()
    assert backend.cache.get(datasets.DEMO_ENTRY) == key
    with datasets._lock:
        datasets._loaded.clear()  # as in another worker: nothing loaded
    assert datasets.demo_key() == key


def test_import_app_builds_nothing(tmp_path):
    """Importing app reads no setting and creates no folder; create_app still refuses a bad setting."""
    cache_dir = tmp_path / "cache"
    env = {**os.environ, "CACHE_DIR": str(cache_dir), "CACHE_MAX_MB": "not a number"}
    code = (
        "import app\n"
        "try:\n"
        "    app.create_app()\n"
        "except Exception as error:\n"
        "    print(type(error).__name__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ConfigError"
    assert not cache_dir.exists()
    plain = subprocess.run(
        [sys.executable, "-c", "import app; print(hasattr(app, 'server'), hasattr(app, 'app'))"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert plain.stdout.split() == ["False", "False"] and not cache_dir.exists()


def test_store_loads_no_dash_callbacks_or_layouts():
    """The store stands below the page: importing all of it loads no Dash, no callback and no layout."""
    code = (
        "import sys\n"
        "import store.backend, store.datasets, store.filecache, store.frames, store.library, store.memory\n"
        "import store.results\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'dash', 'callbacks', 'layouts'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
