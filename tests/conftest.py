"""Shared fixtures: tiny hand-made datasets whose every number can be worked out by hand.

``make_dataset`` builds a typed :class:`metrics.dataset.Dataset` (the frame contract of
metrics/dataset.py) from a few dicts per file, filling the columns a test does not care about with
neutral defaults; ``write_csvs`` writes a dataset as the four input CSVs of the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from metrics.dataset import Dataset, empty_quality

Rows = Iterable[Mapping] | pd.DataFrame

DEFAULTS = {
    "influencers": {
        "name": None,
        "category": "Fitness",
        "gender": "Female",
        "platform": "Instagram",
        "follower_count": 50_000,
    },
    "posts": {
        "platform": "Instagram",
        "url": None,
        "caption": "",
        "reach": 1_000,
        "likes": 0,
        "comments": 0,
    },
    "tracking": {
        "source": None,
        "campaign": None,
        "influencer_id": None,
        "product": "Whey",
        "orders": 0,
        "revenue": 0.0,
    },
    "payouts": {"basis": "post", "rate": np.nan},
}
TEXT = {
    "influencers": ["influencer_id", "name", "category", "gender", "platform"],
    "posts": ["influencer_id", "platform", "url", "caption", "campaign", "post_id"],
    "tracking": ["source", "campaign", "influencer_id", "user_id", "product", "brand", "order_id"],
    "payouts": ["influencer_id", "basis"],
}
INTEGER = {
    "influencers": ["follower_count"],
    "posts": ["reach", "likes", "comments"],
    "tracking": ["orders"],
    "payouts": [],
}
FLOAT = {"influencers": [], "posts": [], "tracking": ["revenue"], "payouts": ["total_payout", "rate"]}
ORDER = {
    "influencers": ["influencer_id", "name", "category", "gender", "follower_count", "platform"],
    "posts": ["influencer_id", "platform", "date", "url", "caption", "reach", "likes", "comments"],
    "tracking": ["source", "campaign", "influencer_id", "user_id", "product", "date", "orders", "revenue"],
    "payouts": ["influencer_id", "basis", "total_payout", "rate"],
}


def _frame(name: str, rows: Rows) -> pd.DataFrame:
    records = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else [dict(r) for r in rows]
    for index, record in enumerate(records):
        for column, value in DEFAULTS[name].items():
            record.setdefault(column, value)
        if name == "influencers" and record["name"] is None:
            record["name"] = f"Name {record['influencer_id']}"
        if name == "posts" and record["url"] is None:
            record["url"] = f"https://www.instagram.com/p/{record['influencer_id']}{index}"
        if name == "tracking" and record["source"] is None:
            record["source"] = "influencer" if record["influencer_id"] is not None else "organic"
    columns = ORDER[name] + sorted({c for r in records for c in r} - set(ORDER[name]))
    frame = pd.DataFrame(records, columns=columns)
    for column in TEXT[name]:
        if column in frame:
            frame[column] = frame[column].astype("string")
    for column in INTEGER[name]:
        frame[column] = frame[column].astype("int64")
    for column in FLOAT[name]:
        frame[column] = frame[column].astype("float64")
    if "date" in frame:
        frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    return frame


def build_dataset(
    influencers: Rows = (),
    posts: Rows = (),
    tracking: Rows = (),
    payouts: Rows = (),
    quality: pd.DataFrame | None = None,
) -> Dataset:
    """
    Build a typed Dataset from lists of dicts; unspecified columns get neutral defaults.

    Defaults: influencers are Female Fitness Instagram accounts with 50,000 followers; posts have reach
    1,000 and no likes or comments; tracking rows are clicks (orders 0, revenue 0) of product "Whey" with
    source "influencer" (or "organic" without an influencer); payouts are post basis without a rate.
    """
    return Dataset(
        influencers=_frame("influencers", influencers),
        posts=_frame("posts", posts),
        tracking=_frame("tracking", tracking),
        payouts=_frame("payouts", payouts),
        quality=quality if quality is not None else empty_quality(),
    )


def write_dataset_csvs(dataset: Dataset, directory: Path) -> Path:
    """Write a dataset as the four input CSVs (canonical names, ISO dates) and return the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("influencers", "posts", "tracking", "payouts"):
        frame = dataset.frame(name).copy()
        if "date" in frame:
            frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
        frame.to_csv(directory / f"{name}.csv", index=False)
    return directory


# The shared small dataset, worked out by hand:
# * A (Instagram, post basis ₹500, one post on 2 Apr) converts u1 in campaign Spring on 2 Apr: ₹1,000;
# * B (YouTube, order basis ₹1,500) converts u2 in campaign Summer on 5 Apr: 2 orders, ₹3,000;
# * u9 buys organically on 4 Apr (1 order, ₹700), outside every influencer's revenue;
# * so influencer revenue ₹4,000, spend ₹2,000 (A ₹500 dated 2 Apr, B ₹1,500 dated 5 Apr), ROAS 2.00×;
# * Z clicks without being in influencers.csv: one data-quality row (kept as an unknown influencer).
# A test that needs a variant copies one table: ``make_dataset(**{**SMALL, "posts": [...]})``.
SMALL: dict[str, list[dict]] = {
    "influencers": [
        {"influencer_id": "A", "name": "Asha", "follower_count": 50_000},
        {"influencer_id": "B", "name": "Bala", "platform": "YouTube", "follower_count": 5_000},
    ],
    "posts": [
        {"influencer_id": "A", "date": "2025-04-02", "reach": 1_000, "likes": 50, "comments": 10},
        {"influencer_id": "B", "date": "2025-04-03", "reach": 2_000, "likes": 100, "comments": 20},
    ],
    "tracking": [
        {"influencer_id": "A", "campaign": "Spring", "user_id": "u1", "date": "2025-04-02", "orders": 1, "revenue": 1_000.0},
        {"influencer_id": "B", "campaign": "Summer", "user_id": "u2", "date": "2025-04-05", "orders": 2, "revenue": 3_000.0},
        {"user_id": "u9", "date": "2025-04-04", "orders": 1, "revenue": 700.0},
        {"influencer_id": "Z", "campaign": "Summer", "user_id": "u3", "date": "2025-04-05"},
    ],
    "payouts": [
        {"influencer_id": "A", "basis": "post", "total_payout": 500.0},
        {"influencer_id": "B", "basis": "order", "total_payout": 1_500.0},
    ],
}  # fmt: skip


@pytest.fixture
def small_csv_dir(tmp_path) -> Path:
    """Write :data:`SMALL` as the four input CSVs and return the folder."""
    return write_dataset_csvs(build_dataset(**SMALL), tmp_path / "csv")


@pytest.fixture
def make_dataset():
    """Return the :func:`build_dataset` builder."""
    return build_dataset


@pytest.fixture
def write_csvs():
    """Return :func:`write_dataset_csvs` (dataset, directory) -> directory."""
    return write_dataset_csvs


@pytest.fixture
def app(tmp_path):
    """Return an app with its own file cache, used inside a request context (for plain callback tests)."""
    from app import create_app

    dash_app = create_app({"CACHE_DIR": str(tmp_path / "cache"), "TESTING": True, "AUTOLOAD_DEMO": False})
    with dash_app.server.test_request_context():
        yield dash_app


@pytest.fixture
def upload_folder(app):
    """Return a function giving the dataset store value of a folder's four CSVs, built as the uploads build it."""
    from callbacks import data
    from metrics import ingest
    from metrics.dataset import FILES
    from store import datasets

    def upload(folder: Path) -> dict:
        files = {
            name: datasets.StoredFile(
                ingest.parse_file(name, folder / f"{name}.csv"), datasets.upload_source(f"{name}.csv")
            )
            for name in FILES
        }
        return data.dataset_value(datasets.build(files), "upload")

    return upload
