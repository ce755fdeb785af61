"""Properties over arbitrary small valid datasets: every export builds, spend reconciles, credit is conserved.

A dataset is drawn as typed frames (``tests.conftest.build_dataset``: the frame contract of
metrics/dataset.py). The export property first writes it as the four CSVs and reads them back through
``metrics.ingest`` exactly as an upload is; the others use the typed frames directly (ingest is the slow
part, and the round-trip property shows it returns those frames).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics import export, ingest
from metrics.dataset import FILES, Dataset
from metrics.filters import HEURISTIC_MODELS, LIST_FIELDS, MARKOV_GROUPINGS, MODELS, TIERS, Filters, Options
from metrics.ingest import NULL_VALUES
from metrics.kpis import kpi_table
from metrics.view import View
from tests.conftest import build_dataset

TODAY = dt.date(2026, 1, 1)
DAY0 = dt.date(2025, 3, 1)
DAYS = 28
IDS = ("i0", "i1", "i2", "i3")
UNKNOWN_ID = "zz"
USERS = ("u0", "u1", "u2", "u3", "u4")
CAMPAIGNS = ("Launch", "Summer")
PRODUCTS = ("Whey", "Bar")
PLATFORMS = ("Instagram", "YouTube")
CATEGORIES = ("Fitness", "Tech")
GENDERS = ("Female", "Male")
# Values no dataset holds: a filter on one of them selects nothing.
ABSENT = "no-such-value"
FILTER_VALUES = {
    "campaigns": (*CAMPAIGNS, "(unassigned)", ABSENT),
    "products": (*PRODUCTS, ABSENT),
    "sources": ("influencer", "organic", ABSENT),
    "platforms": (*PLATFORMS, ABSENT),
    "categories": (*CATEGORIES, ABSENT),
    "genders": (*GENDERS, ABSENT),
    "tiers": TIERS,
}
# Tables whose rows carry revenue, spend and ROAS.
ROAS_TABLES = ("kpis.csv", "campaigns.csv", "influencers.csv", "personas.csv")

days = st.integers(0, DAYS - 1).map(lambda n: DAY0 + dt.timedelta(days=n))


@st.composite
def frames(draw) -> dict[str, list[dict]]:
    """Draw the rows of a small valid dataset: up to 4 influencers, 8 posts, 12 tracking rows, 5 payouts."""
    ids = draw(st.lists(st.sampled_from(IDS), min_size=1, max_size=len(IDS), unique=True))
    known_or_not = st.sampled_from([*ids, UNKNOWN_ID])
    influencers = [
        {
            "influencer_id": influencer_id,
            "category": draw(st.sampled_from(CATEGORIES)),
            "gender": draw(st.sampled_from(GENDERS)),
            "platform": draw(st.sampled_from(PLATFORMS)),
            "follower_count": draw(st.sampled_from([0, 5_000, 50_000, 500_000, 2_000_000])),
        }
        for influencer_id in ids
    ]
    posts = [
        {
            "influencer_id": draw(known_or_not),
            "platform": draw(st.sampled_from(PLATFORMS)),
            "date": draw(days),
            "reach": draw(st.integers(0, 5_000)),
            "likes": draw(st.integers(0, 300)),
            "comments": draw(st.integers(0, 40)),
        }
        for _ in range(draw(st.integers(0, 8)))
    ]
    tracking = []
    for _ in range(draw(st.integers(0, 12))):
        influencer_id = draw(st.one_of(st.none(), known_or_not))
        orders = draw(st.integers(0, 3))
        tracking.append(
            {
                "influencer_id": influencer_id,
                "campaign": draw(st.sampled_from(CAMPAIGNS)) if influencer_id else None,
                "user_id": draw(st.sampled_from(USERS)),
                "product": draw(st.sampled_from(PRODUCTS)),
                "date": draw(days),
                "orders": orders,
                "revenue": orders * draw(st.integers(1, 200_000)) / 100,
            }
        )
    payouts = [
        {
            "influencer_id": draw(known_or_not),
            "basis": draw(st.sampled_from(["post", "order"])),
            "total_payout": draw(st.integers(0, 2_000_000)) / 100,
        }
        for _ in range(draw(st.integers(0, 5)))
    ]
    return {"influencers": influencers, "posts": posts, "tracking": tracking, "payouts": payouts}


def csv_text(frame: pd.DataFrame) -> str:
    """Write a typed frame as an input CSV (ISO dates), as a user's spreadsheet would."""
    out = frame.copy()
    if "date" in out:
        out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    return out.to_csv(index=False, lineterminator="\n")


def ingested(rows: dict[str, list[dict]]) -> Dataset:
    """Return the dataset an upload of these rows gives: CSV text through parse_file and build_dataset."""
    typed = build_dataset(**rows)
    parsed = {name: ingest.parse_file(name, csv_text(typed.frame(name)), today=TODAY) for name in FILES}
    return ingest.build_dataset(parsed)


@st.composite
def filters(draw) -> Filters:
    """Draw any filter state: open or closed dates (also outside the data), any subsets, empty selections."""
    start = draw(st.one_of(st.none(), st.integers(-3, DAYS + 2).map(lambda n: DAY0 + dt.timedelta(days=n))))
    end = draw(st.one_of(st.none(), st.integers(-3, DAYS + 2).map(lambda n: DAY0 + dt.timedelta(days=n))))
    if start and end and start > end:
        start, end = end, start
    lists = {
        field: draw(st.one_of(st.just([]), st.lists(st.sampled_from(FILTER_VALUES[field]), max_size=2)))
        for field in LIST_FIELDS
    }
    return Filters.make(start=start, end=end, **lists)


options = st.builds(
    Options,
    model=st.sampled_from(MODELS),
    lookback=st.integers(0, 30),
    markov_by=st.sampled_from(MARKOV_GROUPINGS),
)


def values(series: pd.Series) -> list:
    """Return a column's values as Python objects, a missing value as None (so NaN compares equal)."""
    return series.astype(object).where(series.notna(), None).tolist()


def total(frame: pd.DataFrame, column: str) -> float:
    return float(frame[column].astype("float64").sum()) if column in frame else 0.0


PROPERTY = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---- every export builds ------------------------------------------------------------------------------


@PROPERTY
@given(rows=frames(), chosen=filters(), opts=options, budget=st.one_of(st.none(), st.integers(0, 50_000)))
def test_every_export_file_builds_for_any_filters(rows, chosen, opts, budget):
    """
    Any valid dataset, filter state (empty selections included), model and budget exports every file.

    Every written column is the contract's, no number is infinite, and ROAS is revenue / spend.
    """
    dataset = ingested(rows)
    tables = export.build_tables(dataset, chosen, opts, budget=None if budget is None else float(budget))
    expected = [name for name in export.COLUMNS if name not in ("budget", "budget_fit") or budget is not None]
    assert [name.removesuffix(".csv") for name in tables] == expected
    for file_name, frame in tables.items():
        columns = export.COLUMNS[file_name.removesuffix(".csv")]
        assert list(frame.columns) == [c for c in columns if c in frame.columns]
        numbers = frame.select_dtypes("number").to_numpy(dtype="float64")
        assert not np.isinf(numbers).any(), file_name  # an undefined ratio is NaN, never inf
        export.to_csv_bytes(frame).decode("utf-8")
    assert len(tables["kpis.csv"]) == 1
    for file_name in ROAS_TABLES:  # ROAS = revenue / spend where spend > 0, undefined (NaN) where it is 0
        frame = tables[file_name]
        revenue, spend, roas = (frame[c].astype("float64").to_numpy() for c in ("revenue", "spend", "roas"))
        paid = spend > 0
        np.testing.assert_allclose(roas[paid], revenue[paid] / spend[paid], rtol=1e-12, err_msg=file_name)
        assert np.isnan(roas[spend == 0]).all(), file_name


# ---- spend --------------------------------------------------------------------------------------------


@PROPERTY
@given(rows=frames(), chosen=filters())
def test_unfiltered_spend_is_every_payout_and_tables_agree_on_spend(rows, chosen):
    """Σ allocated spend = Σ total_payout unfiltered; KPI, campaign and trend spend agree for any filters."""
    dataset = build_dataset(**rows)
    everything = View(dataset)
    assert math.isclose(
        total(everything.spend, "spend"), total(dataset.payouts, "total_payout"), abs_tol=1e-6
    )

    view = View(dataset, chosen)
    spend = total(view.spend, "spend")
    kpis = export.build_table("kpis", view)
    assert math.isclose(total(kpis, "spend"), spend, abs_tol=1e-6)
    assert math.isclose(total(export.build_table("campaigns", view), "spend"), spend, abs_tol=1e-6)
    dated = total(view.spend[view.spend["date"].notna()], "spend")
    assert math.isclose(total(export.build_table("trends", view), "spend"), dated, abs_tol=1e-6)
    if chosen.has_dates:
        assert dated == spend  # a payout without units has no date: it never counts under a date filter


@PROPERTY
@given(rows=frames(), split=st.integers(0, DAYS - 2))
def test_spend_of_two_adjacent_date_ranges_adds_up_to_the_dated_spend(rows, split):
    """Spend before and after any split day sums to all dated spend (undated payouts count only unfiltered)."""
    dataset = build_dataset(**rows)
    day = DAY0 + dt.timedelta(days=split)
    before = total(View(dataset, Filters.make(end=day)).spend, "spend")
    after = total(View(dataset, Filters.make(start=day + dt.timedelta(days=1))).spend, "spend")
    unfiltered = View(dataset).spend
    dated = total(unfiltered[unfiltered["date"].notna()], "spend")
    assert math.isclose(before + after, dated, abs_tol=1e-6)


@PROPERTY
@given(rows=frames(), platforms=st.lists(st.sampled_from(PLATFORMS), min_size=1, max_size=2))
def test_influencer_filters_keep_exactly_their_payouts(rows, platforms):
    """Without a date or campaign filter, spend is Σ total_payout of the influencers the filter keeps."""
    dataset = build_dataset(**rows)
    view = View(dataset, Filters.make(platforms=platforms))
    # An unknown id takes the platform of its posts (docs/metrics.md, "Filters").
    kept = view.influencers.loc[view.influencers["platform"].isin(platforms), "influencer_id"]
    assert set(view.selected_ids) == set(kept)
    payouts = dataset.payouts[dataset.payouts["influencer_id"].isin(kept)]
    assert math.isclose(total(view.spend, "spend"), total(payouts, "total_payout"), abs_tol=1e-6)


# ---- attribution --------------------------------------------------------------------------------------


conversion_filters = st.builds(
    Filters.make,
    start=st.one_of(st.none(), days),
    products=st.lists(st.sampled_from(PRODUCTS), max_size=1),
    sources=st.lists(st.sampled_from(["influencer", "organic"]), max_size=1),
)


@PROPERTY
@given(rows=frames(), chosen=conversion_filters, grouping=st.sampled_from(MARKOV_GROUPINGS))
def test_every_model_credits_the_same_orders_and_revenue(rows, chosen, grouping):
    """Filters selecting conversions (dates, product, source) credit equal totals under all six models."""
    dataset = build_dataset(**rows)
    base = Options(markov_by=grouping)
    table = export.build_table("attribution", View(dataset, chosen, base))
    markov = export.build_table("attribution_markov", View(dataset, chosen, base))
    kpis = {model: kpi_table(View(dataset, chosen, base.with_model(model))).iloc[0] for model in MODELS}
    expected_revenue = float(kpis["last_touch"]["revenue"])
    expected_orders = float(kpis["last_touch"]["orders"])
    blocks = table.groupby("model")[["attributed_orders", "attributed_revenue"]].sum()
    for model in HEURISTIC_MODELS:
        orders = float(blocks["attributed_orders"].get(model, 0.0))
        revenue = float(blocks["attributed_revenue"].get(model, 0.0))
        assert math.isclose(orders, expected_orders, rel_tol=1e-9, abs_tol=1e-9), model
        assert math.isclose(revenue, expected_revenue, rel_tol=1e-9, abs_tol=1e-6), model
    assert math.isclose(total(markov, "attributed_orders"), expected_orders, rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(total(markov, "attributed_revenue"), expected_revenue, rel_tol=1e-9, abs_tol=1e-6)
    for model, row in kpis.items():
        assert math.isclose(float(row["revenue"]), expected_revenue, rel_tol=1e-9, abs_tol=1e-6), model
        assert math.isclose(float(row["orders"]), expected_orders, rel_tol=1e-9, abs_tol=1e-9), model


# ---- ingest round trip --------------------------------------------------------------------------------


def is_value(text: str) -> bool:
    """Return True for text ingest keeps as written: no padding, not blank, not a null marker."""
    return text == text.strip() and text != "" and text not in NULL_VALUES


# Any printable text, with commas, quotes and semicolons (CSV syntax) made likely.
free_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(",\";'=<>&|"),
        st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
    ),
    min_size=1,
    max_size=12,
).filter(is_value)
caption_text = st.one_of(st.just(""), free_text, st.tuples(free_text, free_text).map("\n".join))


@settings(max_examples=30, deadline=None)
@given(
    people=st.lists(st.tuples(free_text, free_text), min_size=1, max_size=5, unique_by=lambda p: p[0]),
    posts=st.lists(st.tuples(free_text, caption_text, free_text), max_size=5),
    touches=st.lists(st.tuples(free_text, free_text, free_text), max_size=5),
)
def test_any_valid_csv_text_round_trips_through_parse_file(people, posts, touches):
    """Ids, names, captions (multi-line), campaigns, users and products read back exactly as written."""
    typed = build_dataset(
        influencers=[{"influencer_id": i, "name": name} for i, name in people],
        posts=[
            {"influencer_id": people[0][0], "caption": caption, "campaign": campaign, "date": DAY0}
            for _, caption, campaign in posts
        ],
        tracking=[
            {"influencer_id": people[0][0], "campaign": c, "user_id": u, "product": p, "date": DAY0}
            for c, u, p in touches
        ],
        payouts=[{"influencer_id": i, "total_payout": 1.0} for i, _ in people],
    )
    for name in FILES:
        written = typed.frame(name)
        parsed = ingest.parse_file(name, csv_text(written).encode("utf-8"), today=TODAY)
        problems = parsed.quality["problem"].tolist()
        assert parsed.rows_dropped == 0, problems
        assert len(parsed.frame) == len(written)
        for column in written.columns.intersection(parsed.frame.columns):
            expected, got = values(written[column]), values(parsed.frame[column])
            if column == "caption":
                expected = [value or None for value in expected]  # an empty caption is read as missing
            assert got == expected, (name, column)


@pytest.mark.parametrize("name", FILES)
def test_round_trip_helpers_keep_the_typed_frames(name):
    """The CSV writer used above gives back the typed frames of a fixed dataset (guards the property)."""
    rows = {
        "influencers": [{"influencer_id": "i0", "name": 'Asha, "A"'}],
        "posts": [{"influencer_id": "i0", "date": DAY0, "caption": "two\nlines"}],
        "tracking": [{"influencer_id": "i0", "user_id": "u0", "date": DAY0, "orders": 1, "revenue": 12.5}],
        "payouts": [{"influencer_id": "i0", "total_payout": 10.0}],
    }
    dataset = ingested(rows)
    typed = build_dataset(**rows).frame(name)
    frame = dataset.frame(name)
    for column in typed.columns.intersection(frame.columns):
        assert values(frame[column]) == values(typed[column]), column
