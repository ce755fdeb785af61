"""Saved datasets: the on-disk library (store/library.py), its cache glue, the API, the links and the Data tab.

The small dataset is tests/servers.py's DATASET_A (revenue 3,500 by hand: two orders of 1,000 and 2,500);
the demo covers the round trip of every frame through Parquet.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import time

import pandas as pd
import pytest
from flask import g

from callbacks import library as library_callbacks
from callbacks import session
from metrics.dataset import FILES
from metrics.filters import Filters, Options
from store import datasets, library
from store import results as cache_module

try:
    from tests import servers
except ImportError:  # pragma: no cover - run from inside tests/
    import servers


def make(tmp_path, cache: str = "cache", **settings):
    from app import create_app

    config = {
        "CACHE_DIR": str(tmp_path / cache),
        "LIBRARY_DIR": str(tmp_path / "library"),
        "TESTING": True,
        "AUTOLOAD_DEMO": False,
        **settings,
    }
    return create_app(config)


@pytest.fixture
def app(tmp_path):
    dash_app = make(tmp_path)
    with dash_app.server.test_request_context():
        yield dash_app


def post(client, files=servers.DATASET_A, **form):
    data = {name: (io.BytesIO(body), f"{name}.csv") for name, body in files.items()}
    return client.post("/api/datasets", data={**data, **form}, content_type="multipart/form-data")


def frames_of(root, name="x") -> dict[str, pd.DataFrame]:
    empty = pd.DataFrame({"a": pd.Series([], dtype="int64")})
    frames = {frame: empty for frame in library.FRAMES}
    frames["tracking"] = pd.DataFrame({"revenue": [1.5, 2.5], "campaign": pd.Categorical(["A", "B"])})
    return frames


def build_a() -> str:
    """Store DATASET_A as an upload would, and return its session key."""
    files = {
        name: datasets.StoredFile(datasets.parse_bytes(name, body, filename=f"{name}.csv"), "upload:x")
        for name, body in servers.DATASET_A.items()
    }
    return datasets.build(files)


MANIFEST = {"period": ["2025-01-01", "2025-01-31"], "rows": {"tracking": 2}, "quality": {}, "files": {}}


# ---- store/library.py: files, names, atomic writes --------------------------------------------------


def test_write_list_read_rename_delete(tmp_path):
    """A saved dataset lists with its manifest, reads back its frames, renames in place and deletes."""
    root = tmp_path / "lib"
    first = library.write(root, "  Week   42 ", frames_of(root), MANIFEST, saved_by="asha")
    assert library.is_id(first["id"]) and first["name"] == "Week 42" and first["saved_by"] == "asha"
    assert first["saved_at"].endswith("Z") and first["period"] == ["2025-01-01", "2025-01-31"]
    second = library.write(root, "Week 43", frames_of(root), MANIFEST)
    assert {m["id"] for m in library.list_saved(root)} == {first["id"], second["id"]}
    read = library.read_frames(root, first["id"])["tracking"]
    pd.testing.assert_frame_equal(read, frames_of(root)["tracking"])
    assert library.find_by_name(root, "WEEK 42")["id"] == first["id"]  # letter case ignored

    renamed = library.rename(root, first["id"], "Week 42 final")
    assert (
        renamed["id"] == first["id"] and library.read_manifest(root, first["id"])["name"] == "Week 42 final"
    )
    with pytest.raises(library.NameInUse):
        library.rename(root, first["id"], "week 43")
    library.delete(root, first["id"])
    assert [m["id"] for m in library.list_saved(root)] == [second["id"]]
    assert not library.contains(root, first["id"])
    with pytest.raises(library.NotFound):
        library.delete(root, first["id"])
    with pytest.raises(library.NotFound):
        library.read_frames(root, first["id"])


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "give the dataset a name"),
        ("   ", "give the dataset a name"),
        ("x" * 81, "at most 80"),
        ("tab\there", None),
        ("bell\x07", "control characters"),
    ],
)
def test_names_are_checked(name, problem):
    """Empty, too long and control-character names are refused; a tab is just a space."""
    if problem is None:
        assert library.clean_name(name) == "tab here"
        return
    with pytest.raises(library.LibraryError, match=problem):
        library.clean_name(name)


@pytest.mark.parametrize("value", ["../../etc", "0123456789ABCDEF", "0123456789abcde", "", None, 7])
def test_only_well_formed_ids_reach_the_disk(tmp_path, value):
    """Anything that is not 16 lower-case hex digits is no id: never a path, never found."""
    assert not library.is_id(value)
    assert not library.contains(tmp_path, value)
    with pytest.raises(library.NotFound):
        library.read_manifest(tmp_path, value)


def test_a_crash_before_the_rename_leaves_no_visible_dataset(tmp_path, monkeypatch):
    """Frames and manifest written, then the rename never happens: nothing is listed, nothing opens."""
    root = tmp_path / "lib"

    def crash(*_args):
        raise OSError("killed between the temporary write and the rename")

    monkeypatch.setattr(library.os, "rename", crash)
    with pytest.raises(OSError, match="killed"):
        library.write(root, "Half", frames_of(root), MANIFEST)
    assert library.list_saved(root) == []
    assert list(root.iterdir()) == []  # the temporary folder is removed on the way out

    # A process killed outright cannot clean up: its temporary folder stays, invisible, until swept.
    monkeypatch.setattr(library.shutil, "rmtree", lambda *a, **k: None)
    with pytest.raises(OSError, match="killed"):
        library.write(root, "Half", frames_of(root), MANIFEST)
    (left,) = root.iterdir()
    assert left.name.startswith(library.TEMP_PREFIX) and (left / library.MANIFEST).is_file()
    assert library.list_saved(root) == [] and library.find_by_name(root, "Half") is None
    monkeypatch.undo()
    old = time.time() - library.STALE_AFTER_S - 60
    os.utime(left, (old, old))
    library.sweep(root)
    assert list(root.iterdir()) == []


def test_a_write_in_progress_is_never_listed(tmp_path, monkeypatch):
    """While the Parquet files are being written, the listing (another worker) sees nothing."""
    root = tmp_path / "lib"
    seen = []
    real = library._write_frame

    def spy(frame, path):
        seen.append(library.list_saved(root))
        real(frame, path)

    monkeypatch.setattr(library, "_write_frame", spy)
    library.write(root, "Slow", frames_of(root), MANIFEST)
    assert seen and all(listing == [] for listing in seen)
    assert [m["name"] for m in library.list_saved(root)] == ["Slow"]


# ---- store/datasets.py: saved datasets through the cache ----------------------------------------


def test_saved_demo_opens_from_parquet_in_a_fresh_cache(tmp_path):
    """Every frame and every export of a saved dataset equals the original's, opened on an empty cache."""
    demo_dir = datasets.DEMO_DIR
    first = make(tmp_path, "cache-1")
    with first.server.test_request_context():
        key = datasets.demo_key()
        g.user = "asha@example.com"
        manifest = datasets.save_to_library(key, "Demo copy", saved_by=g.get("user"))
        original = {
            name: cache_module.from_ipc(cache_module.to_ipc(datasets.load(key).frame(name)))
            for name in datasets.FRAME_NAMES
        }
        exports = {n: cache_module.export_csv(key, Filters(), Options(), n) for n in ("kpis", "campaigns")}
        files = datasets.load_files(key)
    assert manifest["saved_by"] == "asha@example.com"
    tracking_bytes = (demo_dir / "tracking.csv").read_bytes()
    assert manifest["files"]["tracking"]["sha256"] == hashlib.sha256(tracking_bytes).hexdigest()
    assert manifest["rows"]["tracking"] == len(original["tracking"])
    on_disk = json.loads((tmp_path / "library" / manifest["id"] / "manifest.json").read_text())
    assert on_disk == manifest

    datasets._loaded.clear()
    second = make(tmp_path, "cache-2")  # a restarted server: nothing cached
    with second.server.test_request_context():
        assert datasets.exists(manifest["id"])
        opened = datasets.load(manifest["id"])
        for name in datasets.FRAME_NAMES:
            pd.testing.assert_frame_equal(opened.frame(name), original[name])
        for name, data in exports.items():
            assert cache_module.export_csv(manifest["id"], Filters(), Options(), name) == data
        reopened = datasets.load_files(manifest["id"])
        for name in FILES:
            assert reopened[name].source == files[name].source
            assert (reopened[name].parsed.line_numbers() == files[name].parsed.line_numbers()).all()
        assert datasets.describe(manifest["id"])["label"] == "Saved dataset: Demo copy"


def test_an_evicted_saved_dataset_is_read_again(app):
    """Saved datasets are never lost to the cache: evicted, they come back from Parquet."""
    key = build_a()
    saved = datasets.save_to_library(key, "A")
    cache_module.cache.delete(f"dataset:{saved['id']}")
    cache_module.cache.delete(f"dataset-files:{saved['id']}")
    datasets._loaded.clear()
    assert datasets.exists(saved["id"])
    assert datasets.load(saved["id"]).tracking["revenue"].sum() == 3500
    # An unsaved upload evicted the same way is gone, as before.
    cache_module.cache.delete(f"dataset:{key}")
    datasets._loaded.clear()
    assert not datasets.exists(key)


# ---- the HTTP API -------------------------------------------------------------------------------------


def test_api_saves_lists_serves_renames_and_deletes(tmp_path):
    """POST with a name saves (201 + id); GET lists it; kpis and exports answer; PATCH renames; DELETE 204."""
    client = make(tmp_path).server.test_client()
    assert client.get("/api/datasets").get_json() == []
    unsaved = post(client)
    assert unsaved.status_code == 201 and "id" not in unsaved.get_json()
    saved = post(client, name="Spring")
    assert saved.status_code == 201, saved.get_json()
    dataset_id = saved.get_json()["id"]
    assert library.is_id(dataset_id) and saved.get_json()["name"] == "Spring"
    listed = client.get("/api/datasets").get_json()
    assert [(e["id"], e["name"]) for e in listed] == [(dataset_id, "Spring")]
    assert set(listed[0]) == {"id", "name", "period", "rows", "saved_at", "saved_by"}
    assert unsaved.get_json()["key"] not in json.dumps(listed)

    kpis = client.get(f"/api/datasets/{dataset_id}/kpis")
    assert kpis.status_code == 200 and kpis.get_json()["kpis"]["revenue"] == 3500
    by_key = client.get(f"/api/datasets/{unsaved.get_json()['key']}/export/campaigns.csv").data
    assert client.get(f"/api/datasets/{dataset_id}/export/campaigns.csv").data == by_key

    taken = post(client, name="spring")
    assert taken.status_code == 409 and taken.get_json()["id"] == dataset_id
    assert post(client, name="").status_code == 400
    replaced = post(client, name="Spring", replace="true")
    assert replaced.status_code == 201
    new_id = replaced.get_json()["id"]
    assert new_id != dataset_id
    assert [e["id"] for e in client.get("/api/datasets").get_json()] == [new_id]
    assert client.get(f"/api/datasets/{dataset_id}/kpis").status_code == 404

    renamed = client.patch(f"/api/datasets/{new_id}", data={"name": "Spring final"})
    assert renamed.status_code == 200 and renamed.get_json() == {"id": new_id, "name": "Spring final"}
    assert client.patch("/api/datasets/0123456789abcdef", data={"name": "x"}).status_code == 404

    assert client.delete(f"/api/datasets/{new_id}").status_code == 204
    assert client.delete(f"/api/datasets/{new_id}").status_code == 404
    assert client.get(f"/api/datasets/{new_id}/kpis").status_code == 404
    assert client.get("/api/datasets").get_json() == []
    # A session key is not a saved dataset: DELETE cannot touch it, and it keeps working.
    key = unsaved.get_json()["key"]
    assert client.delete(f"/api/datasets/{key}").status_code == 404
    assert client.get(f"/api/datasets/{key}/kpis").get_json()["kpis"]["revenue"] == 3500


# ---- links: dataset=<id> in the URL -------------------------------------------------------------------


def test_url_names_saved_datasets_only(app):
    """The URL carries dataset=<id> for a saved dataset; an unsaved upload's key never goes into a URL."""
    saved_id, session_key = "0123456789abcdef", "k" * 43
    store = {"key": saved_id, "filters": Filters.make(campaigns=["A"]).to_dict(), "model": "linear"}
    assert (
        session.update_url_query(store, "tab-roi") == f"?dataset={saved_id}&campaign=A&model=linear&tab=roi"
    )
    assert (
        session.update_url_query({**store, "key": session_key}, "tab-roi")
        == "?campaign=A&model=linear&tab=roi"
    )


def test_a_link_opens_its_saved_dataset_whatever_the_session_had(app):
    """On page load the URL's dataset wins over the session's; a deleted one says expired, not the demo."""
    key = build_a()
    saved = datasets.save_to_library(key, "Linked")
    other_session = {"key": key, "filters": {}, "model": "last_touch"}
    opened = session.restore_dataset(1, other_session, None, True, f"?dataset={saved['id']}&tab=roi")
    assert opened["key"] == saved["id"] and opened["summary"]["label"] == "Saved dataset: Linked"
    datasets.delete_saved(saved["id"])
    gone = session.restore_dataset(1, other_session, None, True, f"?dataset={saved['id']}")
    assert gone["key"] is None and gone["expired"] and gone["missing"] == saved["id"]


# ---- the Data tab's actions ---------------------------------------------------------------------------


def test_save_asks_before_replacing_and_delete_keeps_the_data_in_use(app):
    """A taken name opens the replace question; confirming replaces; deleting the data in use keeps a copy."""
    key = build_a()
    store = {"key": key, "filters": {}, "model": "last_touch"}
    assert "Load data first" in str(library_callbacks.request_save("X", {}, 0)["message"].children)
    g.user = "bala@example.com"  # what the sign-in hook sets for the request
    first = library_callbacks.request_save("Q3", store, 0)
    first_id = first["dataset"]["key"]
    assert library.is_id(first_id) and first["version"] == 1
    assert library.read_manifest(datasets.library_root(), first_id)["saved_by"] == "bala@example.com"
    assert first["dataset"]["summary"]["saved"]["saved_by"] == "bala@example.com"

    asked = library_callbacks.request_save("q3", store, 1)
    assert asked["is_open"] is True and asked["pending"] == {"action": "replace", "name": "q3", "key": key}
    assert [m["id"] for m in datasets.saved_datasets()] == [first_id]  # nothing changed yet
    done = library_callbacks.confirm(asked["pending"], None, store, 1)
    second_id = done["dataset"]["key"]
    assert done["is_open"] is False and [m["id"] for m in datasets.saved_datasets()] == [second_id]

    in_use = {"key": second_id, "filters": {}, "model": "last_touch"}
    rename = library_callbacks.request_change({"type": "library-rename", "index": second_id}, 2)
    taken = datasets.save_to_library(key, "Other")
    refused = library_callbacks.confirm(rename["pending"], "other", in_use, 2)
    assert "already called" in refused["error"] and refused["is_open"] is library_callbacks.no_update
    delete = library_callbacks.request_change({"type": "library-delete", "index": second_id}, 2)
    deleted = library_callbacks.confirm(delete["pending"], None, in_use, 2)
    copy = deleted["dataset"]["key"]
    assert not library.is_id(copy) and datasets.load(copy).tracking["revenue"].sum() == 3500
    assert [m["id"] for m in datasets.saved_datasets()] == [taken["id"]]


def test_the_list_shows_saved_datasets_then_read_only_server_folders(app, tmp_path):
    """Saved datasets (newest first, the one in use marked) come first; DATA_DIR folders are read-only."""
    folder = tmp_path / "data_dir" / "spring"
    folder.mkdir(parents=True)
    for name, body in servers.DATASET_A.items():
        (folder / f"{name}.csv").write_bytes(body)
    key = build_a()
    older = datasets.save_to_library(key, "Older")
    newer = datasets.save_to_library(key, "Newer")
    rendered = json.dumps(
        library_callbacks.update_list(0, {"key": older["id"]}, str(tmp_path / "data_dir")).to_plotly_json(),
        default=lambda c: c.to_plotly_json(),
    )
    assert rendered.index("Newer") < rendered.index("Older") < rendered.index("spring")
    assert rendered.count("in use") == 1 and "read-only" in rendered
    assert '"type": "library-open-folder", "index": "spring"' in rendered
    assert f'"type": "library-delete", "index": "{newer["id"]}"' in rendered
    assert '"library-delete", "index": "spring"' not in rendered
    assert "No saved datasets yet" in str(library_callbacks.layout.saved_list([], [], None).children)


# ---- settings and the make targets ---------------------------------------------------------------------


def test_library_dir_setting():
    """LIBRARY_DIR defaults to ./library next to app.py; the environment and create_app's mapping set it."""
    from server import config

    default = config.settings({}, environ={})["LIBRARY_DIR"]
    assert default == str(servers.ROOT / "library")
    assert config.settings({}, environ={"LIBRARY_DIR": " /srv/lib "})["LIBRARY_DIR"] == "/srv/lib"
    assert config.settings({}, environ={"LIBRARY_DIR": ""})["LIBRARY_DIR"] == default
    assert config.settings({"LIBRARY_DIR": "/a"}, environ={"LIBRARY_DIR": "/b"})["LIBRARY_DIR"] == "/a"


def test_make_run_is_gunicorn_and_make_dev_the_reloading_server():
    """`make run` starts gunicorn with the image's config, one worker by default, HOST/PORT passed on."""
    makefile = (servers.ROOT / "Makefile").read_text(encoding="utf-8")
    targets = dict(re.findall(r"^([a-z-]+):.*\n((?:\t.*\n)+)", makefile, re.M))
    assert "gunicorn --config gunicorn.conf.py wsgi:server" in targets["run"]
    assert "HOST=$(HOST)" in targets["run"] and "PORT=$(PORT)" in targets["run"]
    assert "GUNICORN_WORKERS=$(WORKERS)" in targets["run"] and re.search(r"^WORKERS \?= 1$", makefile, re.M)
    assert "app.py" in targets["dev"] and "--debug" in targets["dev"]


def test_one_file_uploaded_over_an_opened_saved_dataset_replaces_just_that_file(tmp_path):
    """Opened from Parquet on an empty cache, a saved dataset still takes a single-file upload."""
    first = make(tmp_path, "cache-1")
    with first.server.test_request_context():
        saved = datasets.save_to_library(build_a(), "A")
    datasets._loaded.clear()
    second = make(tmp_path, "cache-2")
    with second.server.test_request_context():
        payouts = b"influencer_id,basis,total_payout\ni1,post,100\ni2,order,100\n"
        parsed = datasets.parse_bytes("payouts", payouts, filename="payouts.csv")
        key = datasets.replace_files(saved["id"], {"payouts": datasets.StoredFile(parsed, "upload:p.csv")})
        assert not library.is_id(key)  # an unsaved copy: the saved dataset is unchanged
        replaced = datasets.load(key)
        assert replaced.payouts["total_payout"].sum() == 200
        assert replaced.tracking["revenue"].sum() == 3500
        assert datasets.load(saved["id"]).payouts["total_payout"].sum() == 1200
        assert datasets.load_files(key)["tracking"].source == "upload:x"
