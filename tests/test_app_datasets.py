"""Server-side dataset store: Arrow IPC round trips, keys, expiry, single-file replacement, summaries."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics import ingest
from metrics.dataset import FILES
from store import backend, datasets, results


def parsed_files(folder) -> dict[str, datasets.StoredFile]:
    return {
        name: datasets.StoredFile(
            ingest.parse_file(name, folder / f"{name}.csv"), datasets.upload_source(f"{name}.csv")
        )
        for name in FILES
    }


def test_ipc_round_trip_keeps_dtypes():
    """Frames come back from Arrow IPC bytes with their dtypes (text, nullable ints, dates, floats)."""
    frame = pd.DataFrame(
        {
            "text": pd.array(["a", None], dtype="string"),
            "count": pd.array([1, None], dtype="Int64"),
            "date": pd.to_datetime(["2025-04-01", None]).astype("datetime64[ns]"),
            "amount": [1.5, float("nan")],
        }
    )
    back = results.from_ipc(results.to_ipc(frame))
    pd.testing.assert_frame_equal(back, frame)


def test_saved_dataset_loads_equal(app, small_csv_dir):
    """A dataset saved under a key loads back with identical frames and report."""
    key = datasets.build(parsed_files(small_csv_dir))
    expected = ingest.read_dir(small_csv_dir)
    loaded = datasets.load(key)
    for name in (*FILES, "quality"):
        pd.testing.assert_frame_equal(loaded.frame(name), expected.frame(name))


def test_keys_are_unguessable_and_distinct(app, small_csv_dir):
    """Two saves of the same data get two different 43-character random keys."""
    files = parsed_files(small_csv_dir)
    first, second = datasets.build(files), datasets.build(files)
    assert first != second
    assert len(first) == len(second) == 43


def test_unknown_or_evicted_key_is_expired(app, small_csv_dir):
    """A key the cache no longer holds raises DatasetExpired, never an empty dataset."""
    key = datasets.build(parsed_files(small_csv_dir))
    datasets.load(key)  # now also held in this process
    results.cache.clear()
    with pytest.raises(datasets.DatasetExpired):
        datasets.load(key)
    with pytest.raises(datasets.DatasetExpired):
        datasets.load("no-such-key")
    assert not datasets.exists(key)


def test_replacing_one_file_keeps_the_others(app, small_csv_dir, tmp_path):
    """Replacing payouts gives a new key; the other frames are unchanged and no report row is doubled."""
    key = datasets.build(parsed_files(small_csv_dir))
    before = datasets.load(key)
    new_payouts = "influencer_id,basis,total_payout\nA,post,800\n"
    parsed = ingest.parse_file("payouts", new_payouts.encode(), filename="p.csv")
    new_key = datasets.replace_files(
        key, {"payouts": datasets.StoredFile(parsed, datasets.upload_source("p.csv"))}
    )
    after = datasets.load(new_key)
    assert new_key != key
    assert after.payouts["total_payout"].tolist() == [800.0]
    for name in ("influencers", "posts", "tracking"):
        pd.testing.assert_frame_equal(after.frame(name), before.frame(name))
    # The same files read together give the same report: nothing duplicated by the rebuild.
    (tmp_path / "csv" / "payouts.csv").write_text(new_payouts)
    pd.testing.assert_frame_equal(after.quality, ingest.read_dir(tmp_path / "csv").quality)
    assert datasets.load(key).payouts["total_payout"].tolist() == [500.0, 1_500.0]


def test_describe_summarises_without_rows(app, small_csv_dir):
    """The summary names the kind, period, row counts and per-file report rows (no data rows)."""
    key = datasets.build(parsed_files(small_csv_dir))
    summary = datasets.describe(key)
    assert summary["kind"] == "uploaded" and summary["label"] == "Uploaded data"
    assert summary["period"] == ["2025-04-02", "2025-04-05"]
    assert summary["rows"] == {"influencers": 2, "posts": 2, "tracking": 4, "payouts": 2}
    # Z is in tracking but not in influencers: one report row for tracking.
    assert summary["files"]["tracking"]["warnings"] == 1
    assert summary["files"]["payouts"]["source"] == "upload:payouts.csv"


def test_partial_dataset_names_missing_files(app, small_csv_dir):
    """With only some files uploaded, the label says which are missing."""
    files = parsed_files(small_csv_dir)
    key = datasets.replace_files(None, {"influencers": files["influencers"]})
    summary = datasets.describe(key)
    assert summary["label"] == "Uploaded data — missing posts.csv, tracking.csv, payouts.csv"
    assert summary["files"]["posts"]["source"] == ""


def test_demo_key_is_shared_and_read_only(app, small_csv_dir, monkeypatch):
    """Sessions starting on the demo share one entry; replacing a file there gives a new key."""
    monkeypatch.setattr(datasets, "DEMO_DIR", small_csv_dir)
    backend.cache.delete(datasets.DEMO_ENTRY)
    key = datasets.demo_key()
    assert datasets.demo_key() == key
    assert datasets.describe(key)["label"] == "Demo data"
    parsed = ingest.parse_file("payouts", b"influencer_id,basis,total_payout\nA,post,1\n")
    changed = datasets.replace_files(
        key, {"payouts": datasets.StoredFile(parsed, datasets.upload_source("x.csv"))}
    )
    assert changed != key
    assert datasets.load(key).payouts["total_payout"].sum() == 2_000.0
    assert datasets.describe(changed)["label"] == "Mixed data (demo + uploaded)"


def test_server_folders_lists_complete_folders(tmp_path, small_csv_dir):
    """DATA_DIR offers the sub-folders holding the four files (any letter case), nothing else."""
    root = tmp_path / "data_dir"
    (root / "complete").mkdir(parents=True)
    for name in FILES:
        (root / "complete" / f"{name.upper()}.CSV").write_bytes((small_csv_dir / f"{name}.csv").read_bytes())
    (root / "partial").mkdir()
    (root / "partial" / "posts.csv").write_text("x")
    assert datasets.server_folders(root) == ["complete"]
    assert datasets.server_folders("") == []
