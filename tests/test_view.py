"""The View: which influencers, credit, spend, posts and touches a filter combination keeps."""

import pandas as pd
import pytest

from metrics.filters import Filters, Options
from metrics.view import View

# User u: a touch of A (C1, Instagram) on 01-01, then a coded order through B (C2, YouTube) on 01-05.
# User v: a coded order through A (C1) on 01-08 of another product, via source "app".
INFLUENCERS = [
    {
        "influencer_id": "A",
        "platform": "Instagram",
        "category": "Fitness",
        "gender": "Female",
        "follower_count": 9_999,
    },
    {
        "influencer_id": "B",
        "platform": "YouTube",
        "category": "Yoga",
        "gender": "Male",
        "follower_count": 10_000,
    },
]
TRACKING = [
    {"influencer_id": "A", "campaign": "C1", "user_id": "u", "date": "2025-01-01"},
    {
        "influencer_id": "B",
        "campaign": "C2",
        "user_id": "u",
        "date": "2025-01-05",
        "orders": 1,
        "revenue": 100.0,
    },
    {
        "influencer_id": "A",
        "campaign": "C1",
        "user_id": "v",
        "date": "2025-01-08",
        "orders": 2,
        "revenue": 60.0,
        "product": "Creatine",
        "source": "app",
    },
    {"user_id": "w", "date": "2025-01-05", "orders": 1, "revenue": 500.0},
]
POSTS = [
    {"influencer_id": "A", "date": "2025-01-01", "platform": "Instagram", "campaign": "C1"},
    {"influencer_id": "B", "date": "2025-01-04", "platform": "YouTube", "campaign": "C2"},
    # Unknown influencer G: two X posts and one YouTube post; its platform is the most frequent one.
    {"influencer_id": "G", "date": "2025-01-02", "platform": "YouTube"},
    {"influencer_id": "G", "date": "2025-01-03", "platform": "X"},
    {"influencer_id": "G", "date": "2025-01-06", "platform": "X"},
]
PAYOUTS = [
    {"influencer_id": "A", "basis": "post", "total_payout": 40.0},
    {"influencer_id": "B", "basis": "order", "total_payout": 25.0},
    {"influencer_id": "H", "basis": "post", "total_payout": 5.0},
]


@pytest.fixture
def dataset(make_dataset):
    return make_dataset(influencers=INFLUENCERS, posts=POSTS, tracking=TRACKING, payouts=PAYOUTS)


def credit_by(view: View, key: str) -> dict:
    return view.credited.groupby(key)["revenue"].sum().to_dict()


def test_influencers_include_unknown_ids_with_empty_attributes(dataset):
    people = View(dataset).influencers.set_index("influencer_id")
    assert list(people.index) == ["A", "B", "G", "H"]
    assert people["known"].tolist() == [True, True, False, False]
    assert people.loc["A", "tier"] == "nano"
    assert people.loc["B", "tier"] == "micro"
    assert people.loc["G", "platform"] == "X"
    assert people.loc[["G", "H"], ["name", "category", "gender", "follower_count", "tier"]].isna().all().all()
    assert pd.isna(people.loc["H", "platform"])


def test_influencer_filters_select_ids_and_unknown_attributes_never_match(dataset):
    assert list(View(dataset, Filters.make(platforms=["X"])).selected_ids) == ["G"]
    assert list(View(dataset, Filters.make(tiers=["micro"])).selected_ids) == ["B"]
    assert list(View(dataset, Filters.make(categories=["Fitness", "Yoga"])).selected_ids) == ["A", "B"]
    assert len(View(dataset).selected_ids) == 4


def test_last_touch_credits_each_conversion_to_its_own_influencer(dataset):
    view = View(dataset)
    assert credit_by(view, "influencer_id") == {"A": 60.0, "B": 100.0}
    assert view.credited["orders"].sum() == 3.0
    row = view.credited.set_index("influencer_id").loc["B"]
    assert (row["campaign"], row["platform"], row["category"], row["user_id"]) == (
        "C2",
        "YouTube",
        "Yoga",
        "u",
    )


def test_journeys_use_touches_before_the_start_date(dataset):
    linear = Options(model="linear")
    view = View(dataset, Filters.make(start="2025-01-03", end="2025-01-05"), linear)
    # u's journey keeps its 01-01 touch of A although it lies before the start date.
    assert credit_by(view, "influencer_id") == {"A": 50.0, "B": 50.0}
    assert view.credited["date"].unique().tolist() == [pd.Timestamp("2025-01-05")]


def test_campaign_and_influencer_filters_keep_the_credit_on_matching_touches(dataset):
    linear = Options(model="linear")
    assert credit_by(View(dataset, Filters.make(campaigns=["C1"]), linear), "influencer_id") == {"A": 110.0}
    assert credit_by(View(dataset, Filters.make(platforms=["YouTube"]), linear), "influencer_id") == {
        "B": 50.0
    }


def test_product_and_source_select_conversions_not_spend(dataset):
    everything = View(dataset)
    creatine = View(dataset, Filters.make(products=["Creatine"]))
    assert credit_by(creatine, "influencer_id") == {"A": 60.0}
    assert credit_by(View(dataset, Filters.make(sources=["influencer"])), "influencer_id") == {"B": 100.0}
    assert creatine.spend["spend"].sum() == everything.spend["spend"].sum() == 70.0


def test_a_precomputed_credit_frame_is_used_as_given(dataset):
    # Put all of u's conversion on its first touch (row 0), as a first-touch model would.
    credit = pd.DataFrame({"conversion_row": [1, 2], "touch_row": [0, 2], "weight": [1.0, 1.0]})
    view = View(dataset, credit=credit)
    assert credit_by(view, "influencer_id") == {"A": 160.0}


def test_spend_is_filtered_by_campaign_and_influencer(dataset):
    assert View(dataset).spend.groupby("influencer_id")["spend"].sum().to_dict() == {
        "A": 40.0,
        "B": 25.0,
        "H": 5.0,
    }
    assert View(dataset, Filters.make(campaigns=["C2"])).spend["influencer_id"].tolist() == ["B"]
    assert View(dataset, Filters.make(genders=["Female"])).spend["spend"].sum() == 40.0


def test_posts_follow_date_influencer_and_campaign_filters(dataset, make_dataset):
    posts = View(dataset, Filters.make(start="2025-01-02")).posts
    assert posts["influencer_id"].tolist() == ["B", "G", "G", "G"]
    assert posts["platform"].tolist() == ["YouTube", "X", "X", "X"]
    assert posts["post_platform"].tolist() == ["YouTube", "YouTube", "X", "X"]
    assert View(dataset, Filters.make(platforms=["Instagram"])).posts["influencer_id"].tolist() == ["A"]
    # The posts file has a campaign column: a campaign filter uses it.
    assert View(dataset, Filters.make(campaigns=["C2"])).posts["influencer_id"].tolist() == ["B"]
    # Without the column: posts of influencers with a touch in the campaign at any date.
    no_column = make_dataset(
        influencers=INFLUENCERS,
        posts=[{k: v for k, v in post.items() if k != "campaign"} for post in POSTS],
        tracking=TRACKING,
    )
    assert View(no_column, Filters.make(campaigns=["C1"])).posts["influencer_id"].tolist() == ["A"]


def test_touches_are_dated_in_the_filter_and_exclude_rows_without_influencer(dataset):
    touches = View(dataset, Filters.make(end="2025-01-05")).touches
    assert touches["row"].tolist() == [0, 1]
    assert View(dataset, Filters.make(campaigns=["C1"])).touches["row"].tolist() == [0, 2]


def test_user_funnel_counts_journey_members_as_converting(dataset):
    funnel = View(dataset).user_funnel("campaign")
    # u touched C1 on 01-01 and converted through C2 on 01-05 with that touch in its journey.
    assert funnel.loc["C1"].tolist() == [2, 2, 1.0]
    assert funnel.loc["C2"].tolist() == [1, 1, 1.0]
    assert View(dataset).user_funnel().loc["all"].tolist() == [2, 2, 1.0]


def test_converting_users_must_be_touched_in_the_period(dataset):
    # From 01-05 on, u has no C1 touch in the period: not touched by C1, so not converting for it.
    funnel = View(dataset, Filters.make(start="2025-01-05")).user_funnel("campaign")
    assert funnel.loc["C1"].tolist() == [1, 1, 1.0]
    # Selecting only Creatine conversions: u is still touched by C2 but has no selected conversion.
    funnel = View(dataset, Filters.make(products=["Creatine"])).user_funnel("campaign")
    assert funnel.loc["C2"].tolist() == [1, 0, 0.0]


def test_an_empty_selection_gives_empty_frames_and_a_zero_funnel(dataset):
    view = View(dataset, Filters.make(campaigns=["nothing"]))
    assert view.credited.empty and view.spend.empty and view.posts.empty and view.touches.empty
    assert view.user_funnel().loc["all", "touched_users"] == 0
    assert pd.isna(view.user_funnel().loc["all", "conversion_rate"])


def test_views_of_one_dataset_share_its_preparation_and_a_new_dataset_gets_its_own(dataset):
    first, second = View(dataset), View(dataset, Filters.make(platforms=["YouTube"]))
    assert first.prepared is second.prepared
    assert first.credit is second.credit
    cheaper = dataset.replace(payouts=dataset.payouts.assign(total_payout=[4.0, 2.5, 0.5]))
    assert View(cheaper).prepared is not first.prepared
    assert View(cheaper).spend["spend"].sum() == pytest.approx(7.0)
    assert View(dataset).spend["spend"].sum() == pytest.approx(70.0)


def test_switching_the_model_recomputes_the_credit(dataset):
    last_touch = View(dataset).credited.groupby("influencer_id")["revenue"].sum().to_dict()
    first_touch = View(dataset, options=Options(model="first_touch")).credited
    assert last_touch == {"A": 60.0, "B": 100.0}
    assert first_touch.groupby("influencer_id")["revenue"].sum().to_dict() == {"A": 160.0}


def test_two_views_compute_the_same_lazy_attribute_at_the_same_time():
    """Lazy attributes hold no lock shared across instances: two views compute concurrently."""
    import threading

    from metrics.lazy import lazy

    both_inside = threading.Barrier(2, timeout=5)

    class Probe:
        @lazy
        def value(self) -> int:
            # Each computation waits for the other one to start: a shared lock would make it time out.
            both_inside.wait()
            return id(self)

    probes = [Probe(), Probe()]
    results: dict[int, int] = {}
    errors: list[BaseException] = []

    def read(index: int) -> None:
        try:
            results[index] = probes[index].value
        except BaseException as exc:  # a broken barrier ends the test with a clear failure
            errors.append(exc)

    threads = [threading.Thread(target=read, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert errors == []
    assert results == {0: id(probes[0]), 1: id(probes[1])}
    # Computed once: later reads are plain attributes and never wait again.
    assert probes[0].value == id(probes[0])


def test_view_attributes_are_lazy_per_instance():
    """The view's derived frames are per-instance lazy attributes, not functools.cached_property."""
    import functools

    from metrics.lazy import lazy

    assert isinstance(View.__dict__["credited"], lazy)
    assert not any(isinstance(value, functools.cached_property) for value in vars(View).values())


def test_totals_equal_grouped_sums_of_the_frames(dataset):
    """credited_totals and spend_totals are the groupby sums of credited and spend, exactly."""
    view = View(dataset, Filters.make(start="2025-01-02"), Options(model="linear"))
    by_campaign = view.credited.groupby("campaign", sort=False)[["revenue", "orders"]].sum()
    totals = view.credited_totals("campaign")
    pd.testing.assert_frame_equal(
        totals.sort_index(), by_campaign.sort_index(), check_names=False, check_index_type=False
    )
    spend = view.spend.groupby("influencer_id", sort=False)[["spend"]].sum()
    pd.testing.assert_frame_equal(
        view.spend_totals("influencer_id").sort_index(),
        spend.sort_index(),
        check_names=False,
        check_index_type=False,
    )
    assert view.credited_totals().loc["all", "revenue"] == view.credited["revenue"].sum()
    assert view.spend_totals().loc["all", "spend"] == view.spend["spend"].sum()
