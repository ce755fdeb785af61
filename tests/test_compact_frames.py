"""Compact frames: repeated tracking text is stored as categories whose codes are pandas.factorize's."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from metrics import tables
from metrics.filters import Filters
from metrics.ingest import parse_file
from metrics.view import View, factorize

TODAY = dt.date(2025, 6, 1)
HEADER = "source,campaign,influencer_id,user_id,product,date,orders,revenue\n"
CATEGORICAL = ["source", "campaign", "influencer_id", "product"]


def tracking(text: str) -> pd.DataFrame:
    return parse_file("tracking", HEADER + text, today=TODAY).frame


def assert_factorized(column: pd.Series, expected: list) -> None:
    """The column holds ``expected`` and its codes and categories are pandas.factorize's of the text."""
    assert isinstance(column.dtype, pd.CategoricalDtype)
    assert isinstance(column.cat.categories.dtype, pd.StringDtype)
    assert [None if pd.isna(v) else v for v in column.astype(object)] == expected
    codes, uniques = pd.factorize(pd.Series(expected, dtype="string"))
    assert column.cat.codes.tolist() == codes.tolist()
    assert column.cat.categories.tolist() == uniques.tolist()


def test_repeated_text_is_categorical_in_order_of_first_appearance():
    frame = tracking(
        "organic,,,U1,Whey,2025-01-05,0,0\n"
        "influencer,Launch,B,U2,Bar,2025-01-05,0,0\n"
        "influencer,Launch,A,U3,Whey,2025-01-06,1,10\n"
        "app,Launch,B,U1,Bar,2025-01-07,0,0\n"
    )
    assert_factorized(frame["source"], ["organic", "influencer", "influencer", "app"])
    assert_factorized(frame["campaign"], [None, "Launch", "Launch", "Launch"])
    assert_factorized(frame["influencer_id"], [None, "B", "A", "B"])
    assert_factorized(frame["product"], ["Whey", "Bar", "Whey", "Bar"])
    assert frame["user_id"].dtype == "string"
    assert frame["product"].cat.codes.dtype == np.int8


def test_padded_values_merge_with_their_trimmed_spelling():
    frame = tracking(
        "influencer, Launch ,A,U1, Bar,2025-01-05,0,0\n"
        "influencer,Launch,A ,U2,Whey,2025-01-05,0,0\n"
        "influencer,  ,A,U3,Bar ,2025-01-06,0,0\n"
    )
    assert_factorized(frame["campaign"], ["Launch", "Launch", None])
    assert_factorized(frame["influencer_id"], ["A", "A", "A"])
    assert_factorized(frame["product"], ["Bar", "Whey", "Bar"])


def test_a_dropped_row_leaves_no_category_behind():
    parsed = parse_file(
        "tracking",
        HEADER + "web,Gone,Z,U1,Old,not a date,0,0\n"
        "influencer,Launch,A,U2,Whey,2025-01-05,0,0\n"
        "app,Launch,A,U3,Bar,2025-01-06,0,0\n"
        "influencer,,,U4,,2025-01-06,0,0\n",
        today=TODAY,
    )
    assert len(parsed.frame) == 2
    assert_factorized(parsed.frame["source"], ["influencer", "app"])
    assert_factorized(parsed.frame["campaign"], ["Launch", "Launch"])
    assert_factorized(parsed.frame["influencer_id"], ["A", "A"])
    assert_factorized(parsed.frame["product"], ["Whey", "Bar"])


def test_categories_stay_in_order_across_the_readers_blocks():
    # Over 8 MB: the CSV reader parses it in several blocks, each with its own dictionary; new products
    # keep appearing in later blocks while earlier ones recur.
    rows = 170_000
    rng = np.random.default_rng(5)
    product = rng.integers(0, 1 + np.arange(rows) // 4_000)
    text = pd.DataFrame(
        {
            "source": "influencer",
            "campaign": np.where(np.arange(rows) % 3 == 0, "", "C" + (product % 4).astype(str)),
            "influencer_id": "INF" + (product * 7 % 23).astype(str).astype(object),
            "user_id": "U" + rng.integers(0, 50_000, rows).astype(str).astype(object),
            "product": "Product number " + product.astype(str).astype(object),
            "date": "2025-01-05",
            "orders": 0,
            "revenue": 0,
        }
    ).to_csv(index=False)
    assert len(text) > 2 * (1 << 22)
    frame = parse_file("tracking", text, today=TODAY).frame
    expected = pd.read_csv(pd.io.common.StringIO(text), dtype=str, keep_default_na=False)
    for column in ["campaign", "influencer_id", "product"]:
        assert_factorized(frame[column], [None if v == "" else v for v in expected[column]])


def test_factorize_uses_categorical_codes_only_when_they_are_factorize_codes():
    in_order = pd.Series(pd.Categorical(["b", None, "a", "b"], categories=["b", "a"]))
    codes, values = factorize(in_order)
    assert codes.tolist() == [0, -1, 1, 0] and values.tolist() == ["b", "a"]
    assert np.shares_memory(codes, in_order.array.codes)

    for categories in (["a", "b"], ["b", "a", "unused"]):
        shuffled = pd.Series(pd.Categorical(["b", None, "a", "b"], categories=categories))
        codes, values = factorize(shuffled)
        assert codes.tolist() == [0, -1, 1, 0] and values.tolist() == ["b", "a"]

    text = pd.Series(["b", None, "a", "b"], dtype="string")
    codes, values = factorize(text)
    assert codes.tolist() == [0, -1, 1, 0] and values.tolist() == ["b", "a"]


def test_tables_are_the_same_whatever_the_text_columns_are_stored_as(make_dataset):
    # User u: touches of B (C2) then A (C1) and an order through A; user v: an order through B (C2).
    dataset = make_dataset(
        influencers=[{"influencer_id": "A"}, {"influencer_id": "B", "platform": "YouTube"}],
        tracking=[
            {"influencer_id": "B", "campaign": "C2", "user_id": "u", "date": "2025-01-01"},
            {"influencer_id": "A", "campaign": "C1", "user_id": "u", "date": "2025-01-02"},
            {
                "influencer_id": "A",
                "campaign": "C1",
                "user_id": "u",
                "date": "2025-01-03",
                "orders": 1,
                "revenue": 100.0,
            },
            {
                "influencer_id": "B",
                "campaign": "C2",
                "user_id": "v",
                "date": "2025-01-04",
                "orders": 2,
                "revenue": 50.0,
                "product": "Bar",
            },
        ],
        payouts=[{"influencer_id": "A", "total_payout": 40.0}, {"influencer_id": "B", "total_payout": 10.0}],
    )
    text = dataset.tracking
    # Categories deliberately not in order of first appearance, with an unused one.
    stored = text.astype(
        {
            column: pd.CategoricalDtype(
                pd.Index([*sorted(text[column].dropna().unique()), "zz"], dtype="string")
            )
            for column in [*CATEGORICAL, "user_id"]
        }
    )
    as_categories = dataset.replace(tracking=stored)
    for filters in (Filters(), Filters(products=("Bar",))):
        expected = tables.campaign_table(View(dataset, filters))
        got = tables.campaign_table(View(as_categories, filters))
        pd.testing.assert_frame_equal(got, expected)
        assert expected["revenue"].sum() == (100.0 if not filters.products else 0.0) + 50.0
    credited = View(as_categories).credited
    assert credited[["user_id", "product", "source", "influencer_id", "campaign"]].dtypes.eq("string").all()
    assert credited["revenue"].tolist() == [100.0, 50.0]
