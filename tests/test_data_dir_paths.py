"""DATA_DIR: nothing outside the folder is read, and a refused server file's content is never shown.

Folder and file symlinks pointing outside ``DATA_DIR`` are neither offered nor read; links that stay
inside are followed. A rejection of a server file names the missing columns, never the header's cells.
"""

from __future__ import annotations

import shutil

import pytest
from dash import no_update
from dash.exceptions import PreventUpdate

from callbacks import data
from metrics.dataset import FILES, InputRejected
from store import datasets

INFLUENCERS = [{"influencer_id": "A", "follower_count": 50_000}]
POSTS = [{"influencer_id": "A", "date": "2025-04-02", "reach": 1_000}]
TRACKING = [{"influencer_id": "A", "user_id": "u1", "date": "2025-04-02", "orders": 1, "revenue": 10.0}]
PAYOUTS = [{"influencer_id": "A", "total_payout": 5.0}]
SECRET = "root:x:0:0:root:/root:/bin/bash"


@pytest.fixture
def app(tmp_path):
    """A bare server with its own file cache: only the dataset store is exercised here."""
    from flask import Flask

    from store.backend import cache

    server = Flask(__name__)
    cache.init_app(server, config={"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(tmp_path / "cache")})
    with server.test_request_context():
        yield server


@pytest.fixture
def csv_dir(make_dataset, write_csvs, tmp_path):
    dataset = make_dataset(influencers=INFLUENCERS, posts=POSTS, tracking=TRACKING, payouts=PAYOUTS)
    return write_csvs(dataset, tmp_path / "csv")


@pytest.fixture
def layout(tmp_path, csv_dir):
    """A DATA_DIR with one real folder, and a folder of the same files outside it."""
    root = tmp_path / "data_dir"
    shutil.copytree(csv_dir, root / "spring")
    outside = tmp_path / "outside"
    shutil.copytree(csv_dir, outside / "secret")
    (outside / "passwd").write_text(f"{SECRET}\ndaemon:x:1:1::/:/bin/false\n")
    return root, outside


def test_a_folder_symlink_out_of_data_dir_is_neither_offered_nor_read(app, layout):
    root, outside = layout
    (root / "escape").symlink_to(outside / "secret", target_is_directory=True)
    assert datasets.server_folders(root) == ["spring"]
    with pytest.raises(PreventUpdate):
        data.load_server_dataset("escape", str(root))
    with pytest.raises(InputRejected, match="not a dataset folder of the server"):
        datasets.read_server_folder(root, "escape")
    with pytest.raises(InputRejected, match="not a folder inside the server's data folder"):
        datasets.read_folder(root / "escape", "server:escape", root=root)


def test_a_file_symlink_out_of_data_dir_is_not_read(app, layout):
    root, outside = layout
    (root / "spring" / "influencers.csv").unlink()
    (root / "spring" / "influencers.csv").symlink_to(outside / "passwd")
    assert datasets.server_folders(root) == []
    with pytest.raises(InputRejected) as refused:
        datasets.read_folder(root / "spring", "server:spring", root=root)
    assert str(refused.value) == "influencers.csv: not found in spring/"
    with pytest.raises(InputRejected):
        datasets.read_server_folder(root, "spring")
    assert "root:" not in str(refused.value)


def test_symlinks_that_stay_inside_data_dir_are_followed(app, layout):
    root, _outside = layout
    (root / "alias").symlink_to(root / "spring", target_is_directory=True)
    (root / "linked").mkdir()
    for name in FILES:
        (root / "linked" / f"{name}.csv").symlink_to(root / "spring" / f"{name}.csv")
    assert datasets.server_folders(root) == ["alias", "linked", "spring"]
    files = datasets.read_server_folder(root, "linked")
    assert len(files["tracking"].parsed.frame) == 1


def test_a_refused_server_file_never_echoes_its_header(app, layout):
    root, _outside = layout
    (root / "spring" / "influencers.csv").write_text(f"{SECRET}\nx\n")
    with pytest.raises(InputRejected) as refused:
        datasets.read_server_folder(root, "spring")
    assert (
        str(refused.value)
        == "influencers: missing required columns influencer_id, name, category, gender, follower_count, platform"
    )
    refused, message = data.load_server_dataset("spring", str(root))
    assert refused is no_update
    shown = str(message.to_plotly_json())
    assert "missing required columns influencer_id, name" in shown
    assert "root" not in shown and "bash" not in shown


def test_an_upload_still_lists_the_columns_found():
    """The user's own file: the columns found help fix it."""
    from metrics import ingest

    with pytest.raises(InputRejected, match="columns found: id, name"):
        ingest.parse_file("influencers", "id,name\nA,B\n")
