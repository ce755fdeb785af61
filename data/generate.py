"""Generate a seeded, realistic demo dataset for a nutrition retailer (docs/demo-data.md).

``python -m data.generate --size S --seed 7 --out data/demo`` writes ``influencers.csv``, ``posts.csv``,
``tracking.csv`` and ``payouts.csv`` with the canonical columns of docs/data-contract.md. Everything is
drawn from ``numpy.random.default_rng(seed)`` with whole-array operations, so a seed always gives the
same files and the L workload (5 million tracking rows) takes seconds, not minutes.

The story the data tells (so every analysis has something to find):

* influencers differ in how engaging and how converting they are, independently, so the performance
  matrix has all four quadrants;
* an influencer's conversions in a week grow with that week's posts as ``posts ** 0.75`` (diminishing
  returns), which the budget optimizer's weekly response-curve fit can recover;
* journeys span several influencers within 30 days, and many users click without ever buying;
* a control group never touched by an influencer buys organically at a steady rate, while exposed users'
  organic buying changes after an exposure: a halo of extra purchases that depends on the campaign and
  the platform, and regular buyers whose code orders replace purchases they would have made anyway (most
  of all in the Protein Week sale), so iROAS and ROAS rank the campaigns differently.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

FILES = ("influencers", "posts", "tracking", "payouts")


@dataclass(frozen=True)
class Size:
    """Row counts of one workload."""

    influencers: int
    posts: int
    tracking: int


SIZES = {
    "XS": Size(40, 400, 5_000),
    "S": Size(300, 3_000, 50_000),
    "M": Size(2_000, 20_000, 1_000_000),
    "L": Size(10_000, 100_000, 5_000_000),
}

PERIOD_START = np.datetime64("2025-04-01")
PERIOD_DAYS = 183  # 2025-04-01 .. 2025-09-30, fixed so the demo never drifts with the calendar
# 2025-04-01 is a Tuesday: shifting by one day makes ``// 7`` count ISO weeks (Monday first).
WEEK_SHIFT = 1

PLATFORMS = np.array(["Instagram", "YouTube", "X"])
PLATFORM_SHARE = np.array([0.55, 0.30, 0.15])
REACH_PER_FOLLOWER = np.array([0.30, 0.45, 0.15])
ENGAGEMENT_BASE = np.array([0.045, 0.035, 0.012])
# The halo of an exposure scales with the platform (video persuades most).
PLATFORM_HALO = np.array([1.0, 1.4, 0.5])

CATEGORIES = np.array(["Fitness", "Nutrition", "Bodybuilding", "Lifestyle", "Yoga", "Parenting"])
CATEGORY_SHARE = np.array([0.25, 0.15, 0.15, 0.20, 0.12, 0.13])
GENDERS = np.array(["Female", "Male", "Other"])
# P(gender | category), rows in CATEGORIES order.
GENDER_SHARE = np.array(
    [
        [0.48, 0.48, 0.04],
        [0.55, 0.41, 0.04],
        [0.22, 0.75, 0.03],
        [0.60, 0.35, 0.05],
        [0.68, 0.27, 0.05],
        [0.86, 0.12, 0.02],
    ]
)

BRANDS = np.array(["MuscleBlaze", "HKVitals", "Gritzo", "TrueBasics"])
# name, brand index, price (INR), popularity within the brand
PRODUCTS = (
    ("Biozyme Whey Protein 1kg", 0, 2999, 5.0),
    ("Biozyme Whey Protein 2kg", 0, 4999, 2.0),
    ("Raw Whey Protein 1kg", 0, 1999, 3.0),
    ("Creatine Monohydrate 250g", 0, 899, 4.0),
    ("Super Gainer XXL 3kg", 0, 2799, 1.5),
    ("Pre Workout 200", 0, 1349, 1.5),
    ("Multivitamin Men", 1, 599, 4.0),
    ("Multivitamin Women", 1, 599, 3.5),
    ("Fish Oil 1000mg", 1, 749, 3.0),
    ("Vitamin C + Zinc", 1, 299, 2.5),
    ("Biotin Hair Gummies", 1, 649, 2.0),
    ("Ashwagandha KSM-66", 1, 499, 1.5),
    ("Kids Nutrition Drink 400g", 2, 699, 4.0),
    ("SuperMilk Height+ 8-12y", 2, 999, 2.5),
    ("Kids Multivitamin Gummies", 2, 549, 2.0),
    ("Omega 3 Triple Strength", 3, 1499, 3.0),
    ("Multivit Gold", 3, 1199, 2.5),
    ("Pure Collagen", 3, 1899, 2.0),
    ("Heart Health Plus", 3, 999, 1.0),
)
PRODUCT_NAMES = np.array([p[0] for p in PRODUCTS])
PRODUCT_BRAND = np.array([p[1] for p in PRODUCTS])
PRODUCT_PRICE = np.array([p[2] for p in PRODUCTS], dtype=float)
PRODUCT_POPULARITY = np.array([p[3] for p in PRODUCTS])
# Share of organic shop revenue by brand (the flagship sells most).
BRAND_SHARE = np.array([0.45, 0.30, 0.10, 0.15])


@dataclass(frozen=True)
class Campaign:
    """
    A campaign: fixed dates, the brands it promotes, and its true incremental effect.

    Attributes
    ----------
    halo : float
        Extra organic purchases per exposed user over the four weeks after a first exposure.
    regulars : float
        Share of its audience who already buy regularly.
    pull_forward : float
        Share of a regular buyer's organic purchases of the next two weeks that its codes replace.
    weight : float
        Relative size (share of influencer slots).
    """

    name: str
    start: str
    end: str
    brands: tuple[int, ...]
    hashtag: str
    halo: float
    regulars: float
    pull_forward: float
    weight: float


CAMPAIGNS = (
    Campaign("Summer Shred", "2025-04-01", "2025-05-31", (0, 3), "SummerShred", 0.06, 0.35, 0.7, 0.25),
    # Parents keep buying on the website after the campaign: the codes undercount it.
    Campaign(
        "Back to School Gritzo",
        "2025-06-01",
        "2025-07-15",
        (2,),
        "BackToSchoolWithGritzo",
        0.15,
        0.15,
        0.1,
        0.13,
    ),
    Campaign(
        "Yoga Day Wellness", "2025-06-09", "2025-06-22", (1, 3), "YogaDayWellness", 0.06, 0.3, 0.4, 0.07
    ),
    Campaign(
        "Monsoon Immunity", "2025-06-16", "2025-08-31", (1, 3), "MonsoonImmunity", 0.12, 0.15, 0.2, 0.25
    ),
    # A sale: regular buyers use the code for what they would have bought anyway, and nothing new follows.
    Campaign("Protein Week", "2025-07-14", "2025-07-27", (0,), "ProteinWeek", 0.0, 0.85, 1.0, 0.10),
    Campaign(
        "Festive Fitness", "2025-08-25", "2025-09-30", (0, 1, 2, 3), "FestiveFitness", 0.04, 0.45, 0.8, 0.20
    ),
)
CAMPAIGN_NAMES = np.array([c.name for c in CAMPAIGNS])
CAMPAIGN_START = np.array([(np.datetime64(c.start) - PERIOD_START).astype(int) for c in CAMPAIGNS])
CAMPAIGN_END = np.array([(np.datetime64(c.end) - PERIOD_START).astype(int) for c in CAMPAIGNS])
CAMPAIGN_HALO = np.array([c.halo for c in CAMPAIGNS])
CAMPAIGN_WEIGHT = np.array([c.weight for c in CAMPAIGNS])
CAMPAIGN_REGULARS = np.array([c.regulars for c in CAMPAIGNS])
CAMPAIGN_PULL_FORWARD = np.array([c.pull_forward for c in CAMPAIGNS])
# How likely an influencer of a category joins each campaign (rows: CATEGORIES, columns: CAMPAIGNS).
CATEGORY_AFFINITY = np.array(
    [
        [3.0, 0.2, 1.0, 1.0, 2.0, 3.0],
        [1.5, 1.0, 1.0, 2.0, 2.0, 2.0],
        [3.0, 0.1, 0.2, 0.5, 3.0, 2.0],
        [1.0, 1.0, 1.0, 2.0, 0.5, 2.0],
        [0.5, 0.3, 4.0, 2.0, 0.2, 1.0],
        [0.1, 5.0, 0.5, 1.5, 0.1, 1.0],
    ]
)
CAMPAIGN_HOOKS = (
    ("Day 30 of my shred, the results speak", "Summer cut check-in", "Abs are made in the kitchen"),
    ("Tiffin hack for my little one", "School reopens and so does the milk battle", "Parent tip of the week"),
    ("Sunrise flow and my daily stack", "International Yoga Day ritual", "Calm body and calm mind"),
    ("Monsoon mein immunity strong rakho", "Rainy season wellness routine", "No sick days this monsoon"),
    ("Protein Week is live!", "Biggest protein sale of the year", "Stock up time, gym fam"),
    ("Festive season, fittest season", "Diwali prep without guilt", "Gift fitness this festive season"),
)
PRODUCT_LINES = (
    " - {} is now part of my routine.",
    " - honest review of {} after six weeks.",
    " - switched to {} and not going back.",
    " - trying {} for the first time, thoughts below.",
)

FIRST_NAMES = {
    "Female": [
        "Aanya",
        "Aditi",
        "Ananya",
        "Anjali",
        "Anushka",
        "Aparna",
        "Bhavna",
        "Deepika",
        "Diya",
        "Divya",
        "Gauri",
        "Isha",
        "Ishita",
        "Jhanvi",
        "Kavya",
        "Kiara",
        "Kritika",
        "Lavanya",
        "Meera",
        "Megha",
        "Naina",
        "Neha",
        "Nidhi",
        "Pooja",
        "Prachi",
        "Priya",
        "Radhika",
        "Riya",
        "Saanvi",
        "Sakshi",
        "Sanya",
        "Shreya",
        "Simran",
        "Sneha",
        "Tanvi",
        "Trisha",
        "Vaishnavi",
        "Vidya",
        "Zoya",
        "Mitali",
    ],
    "Male": [
        "Aarav",
        "Abhishek",
        "Aditya",
        "Akash",
        "Aman",
        "Arjun",
        "Aryan",
        "Ayaan",
        "Dev",
        "Dhruv",
        "Gaurav",
        "Harsh",
        "Ishaan",
        "Karan",
        "Kabir",
        "Manish",
        "Mohit",
        "Nikhil",
        "Pranav",
        "Rahul",
        "Rajat",
        "Rohan",
        "Sahil",
        "Sameer",
        "Siddharth",
        "Tarun",
        "Varun",
        "Vihaan",
        "Vikram",
        "Yash",
        "Kunal",
        "Parth",
        "Rishabh",
        "Sanjay",
        "Arnav",
        "Neeraj",
        "Omkar",
        "Ritesh",
        "Tushar",
        "Uday",
    ],
    "Other": [
        "Aadi",
        "Ashu",
        "Bobby",
        "Charan",
        "Jyoti",
        "Kiran",
        "Lakshya",
        "Noor",
        "Pavan",
        "Ravi",
        "Sasha",
        "Shubh",
        "Tej",
        "Vijaya",
        "Zubin",
    ],
}
LAST_NAMES = [
    "Agarwal",
    "Bansal",
    "Bhat",
    "Chopra",
    "Das",
    "Desai",
    "Dutta",
    "Fernandes",
    "Ghosh",
    "Gill",
    "Gupta",
    "Iyer",
    "Jain",
    "Joshi",
    "Kapoor",
    "Kaur",
    "Khan",
    "Kulkarni",
    "Kumar",
    "Malhotra",
    "Mehta",
    "Menon",
    "Mishra",
    "Nair",
    "Naidu",
    "Pandey",
    "Patel",
    "Pillai",
    "Rao",
    "Reddy",
    "Saxena",
    "Sen",
    "Shah",
    "Sharma",
    "Shetty",
    "Singh",
    "Sinha",
    "Srinivasan",
    "Thakur",
    "Trivedi",
    "Varma",
    "Verma",
    "Yadav",
    "Chauhan",
    "Banerjee",
]
HANDLE_SUFFIX = {
    "Fitness": "fit",
    "Nutrition": "eats",
    "Bodybuilding": "lifts",
    "Lifestyle": "life",
    "Yoga": "yoga",
    "Parenting": "mom",
}
CITIES = np.array(
    [
        "Mumbai",
        "Delhi",
        "Bengaluru",
        "Hyderabad",
        "Pune",
        "Chennai",
        "Kolkata",
        "Ahmedabad",
        "Jaipur",
        "Chandigarh",
        "Lucknow",
        "Kochi",
        "Indore",
    ]
)
CITY_SHARE = np.array([0.18, 0.18, 0.15, 0.09, 0.08, 0.07, 0.06, 0.05, 0.04, 0.03, 0.03, 0.02, 0.02])

# Row budget of the tracking file by kind; organic purchases fill what is left.
CONVERSION_SHARE = 0.09
CLICK_SHARE = 0.22
PAID_ADS_SHARE = 0.06
CLICKS_PER_CLICK_ONLY_USER = 1.4
REPEAT_CONVERSION_SHARE = 0.08
ASSIST_COUNTS = np.array([0, 1, 2, 3])
ASSIST_SHARE = np.array([0.60, 0.25, 0.10, 0.05])
LOOKBACK_DAYS = 30
RESPONSE_EXPONENT = 0.75  # weekly conversions grow as posts ** 0.75
ORGANIC_RATE = 1 / 300  # purchases per user per day
LOYAL_RATE_MULTIPLIER = 7.0
HALO_DAYS = 28  # the halo lasts four weeks after the first exposure to a campaign
HALO_MEAN_DELAY = 10.0  # days; most halo purchases come in the first two weeks
PULL_FORWARD_DAYS = 14  # regular buyers' organic purchases replaced by code orders after an exposure
POST_BASIS_ROAS = 1.8  # post fees are set so post-paid influencers return about 1.8x overall
ORDER_BASIS_SHARE = 0.3
MISMATCH_SHARE = 0.03


def generate(
    size: str,
    seed: int = 7,
    *,
    response_exponent: float = RESPONSE_EXPONENT,
    response_days: int | None = None,
    causal: bool = False,
) -> dict[str, pd.DataFrame]:
    """
    Generate the four input files of one workload.

    Parameters
    ----------
    size : {"XS", "S", "M", "L"}
        Workload size (docs/demo-data.md); "XS" is a small size for tests.
    seed : int, default 7
        Seed of ``numpy.random.default_rng``; equal seeds give identical frames.
    response_exponent : float, default ``RESPONSE_EXPONENT`` (0.75)
        The planted response exponent b: an influencer's coded conversions in a week grow as its posts
        that week ** b, and a post-paid influencer's fee is a fixed rate per post, so its last-touch
        revenue grows as its post-basis spend ** b (docs/budget.md checks the fit recovers it). The
        default leaves the demo data unchanged.
    response_days : int, optional
        When given, each coded click and conversion comes a uniformly drawn 0 to ``response_days - 1``
        days after its post (cut at the data's end), so a week's posts sell over the following weeks as
        real posts do. None (the demo) keeps them in the post's own week, a short lag after it.

    causal : bool, default False
        Also return ``causal``: the incremental revenue the generator planted, per (influencer,
        campaign), columns ``CAUSAL_COLUMNS`` (docs/demo-data.md, "Causal record"). It takes no random
        draws, so the four files are the same with or without it.

    Returns
    -------
    dict of str to DataFrame
        ``influencers``, ``posts``, ``tracking`` and ``payouts`` with canonical column names and the
        dtypes of the frame contract in ``metrics.dataset`` (what ingest returns for the written files):
        dates as ``datetime64[ns]`` at midnight, text as Arrow strings with empty cells missing; and
        ``causal`` when asked for.

    Examples
    --------
    >>> frames = generate("XS", seed=1)
    >>> [len(frames[name]) for name in FILES]
    [40, 400, 5000, 38]
    """
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    counts = SIZES[size]
    # Independent streams, so changing one file's recipe leaves the others' draws alone.
    rng_influencers, rng_posts, rng_tracking, rng_payouts = np.random.default_rng(seed).spawn(4)
    roster = _influencers(rng_influencers, counts.influencers)
    posts = _posts(rng_posts, roster, counts.posts)
    tracking = _tracking(rng_tracking, roster, posts, counts.tracking, response_exponent, response_days)
    payouts = _payouts(rng_payouts, roster, posts, tracking)
    frames = {
        "influencers": roster.frame,
        "posts": posts.frame,
        "tracking": tracking.frame,
        "payouts": payouts,
    }
    frames = {name: _contract_dtypes(frame) for name, frame in frames.items()}
    if causal:
        frames["causal"] = tracking.causal
    return frames


def write(frames: dict[str, pd.DataFrame], out: str | Path) -> list[Path]:
    """
    Write frames as ``<name>.csv`` files in ``out`` (created if needed), dates as ISO days.

    Parameters
    ----------
    frames : dict of str to DataFrame
        Output of :func:`generate` (any subset of the files).
    out : str or Path
        Target directory.

    Returns
    -------
    list of Path
        The written files, in the order of ``frames``.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in frames.items():
        path = out / f"{name}.csv"
        table = pa.Table.from_pandas(frame, preserve_index=False)
        for position, column in enumerate(table.schema):
            if pa.types.is_timestamp(column.type):
                table = table.set_column(position, column.name, table[column.name].cast(pa.date32()))
        try:
            # Unquoted output is smaller and easier to read; pyarrow refuses it when a value holds a
            # delimiter or quote (captions), and then pandas quotes just those cells.
            with path.open("wb") as sink:
                sink.write((",".join(table.column_names) + "\n").encode())
                pacsv.write_csv(table, sink, pacsv.WriteOptions(include_header=False, quoting_style="none"))
        except pa.ArrowInvalid:
            frame.to_csv(path, index=False, date_format="%Y-%m-%d")
        paths.append(path)
    return paths


# --- influencers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Roster:
    frame: pd.DataFrame
    platform: np.ndarray  # index into PLATFORMS
    category: np.ndarray
    followers: np.ndarray
    converting: np.ndarray  # multiplier of conversions per touch opportunity
    engaging: np.ndarray  # multiplier of engagement and clicks
    audience: np.ndarray  # how many people a week of posting reaches, relative
    campaigns: np.ndarray  # (n, 3) campaign indexes joined, -1 padded
    campaign_count: np.ndarray
    first_name: np.ndarray
    code_discount: np.ndarray  # the creator's discount code, in percent


def _influencers(rng: np.random.Generator, n: int) -> _Roster:
    platform = rng.choice(len(PLATFORMS), n, p=PLATFORM_SHARE)
    category = rng.choice(len(CATEGORIES), n, p=CATEGORY_SHARE)
    gender = _choice_by_row(rng, GENDER_SHARE, category)

    # A log-normal body (mostly nano and micro creators) and a small, certain tail of mega accounts.
    followers = rng.lognormal(np.log(15_000), 1.2, n)
    mega = rng.choice(n, max(2, round(0.008 * n)), replace=False)
    followers[mega] = np.exp(rng.uniform(np.log(1_000_000), np.log(6_000_000), len(mega)))
    followers = np.maximum(np.round(followers), 500).astype(np.int64)

    first, last = _names(rng, gender)
    full_name = pd.Series(first) + " " + pd.Series(last)
    suffix = pd.Series(np.array([HANDLE_SUFFIX[c] for c in CATEGORIES])[category])
    handle = (pd.Series(first).str.lower() + "." + pd.Series(last).str.lower() + "." + suffix).to_numpy()
    repeat = pd.Series(handle).groupby(handle).cumcount().to_numpy()
    handle = np.where(repeat > 0, pd.Series(handle) + repeat.astype(str), handle)

    # Which campaigns each influencer joins: 1-3 of them, drawn without replacement with the
    # Gumbel-top-k trick so the whole roster is drawn at once.
    join_weight = CATEGORY_AFFINITY[category] * CAMPAIGN_WEIGHT
    keys = np.log(join_weight) + rng.gumbel(size=join_weight.shape)
    campaign_count = rng.choice([1, 2, 3], n, p=[0.45, 0.35, 0.20])
    ranked = np.argsort(-keys, axis=1, kind="stable")[:, :3]
    campaigns = np.where(np.arange(3) < campaign_count[:, None], ranked, -1)

    frame = pd.DataFrame(
        {
            "influencer_id": _codes("INF", np.arange(1, n + 1), 5),
            "name": full_name.to_numpy(),
            "category": CATEGORIES[category],
            "gender": GENDERS[gender],
            "follower_count": followers,
            "platform": PLATFORMS[platform],
            "handle": "@" + pd.Series(handle),
            "city": CITIES[rng.choice(len(CITIES), n, p=CITY_SHARE)],
        }
    )
    return _Roster(
        frame=frame,
        platform=platform,
        category=category,
        followers=followers,
        converting=rng.lognormal(0.0, 0.55, n),
        engaging=rng.lognormal(0.0, 0.45, n),
        audience=(followers / 15_000) ** 0.5,
        campaigns=campaigns,
        campaign_count=campaign_count,
        first_name=first,
        code_discount=rng.choice([10, 12, 15, 20], n),
    )


def _names(rng: np.random.Generator, gender: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Draw first and last names, distinct (first, last) pairs while the name lists allow it."""
    first = np.empty(len(gender), dtype=object)
    last = np.empty(len(gender), dtype=object)
    for code, label in enumerate(GENDERS):  # three genders, not a loop over rows
        members = np.flatnonzero(gender == code)
        firsts = np.array(FIRST_NAMES[label])
        pairs = len(firsts) * len(LAST_NAMES)
        pick = rng.choice(pairs, len(members), replace=len(members) > pairs)
        first[members] = firsts[pick // len(LAST_NAMES)]
        last[members] = np.array(LAST_NAMES)[pick % len(LAST_NAMES)]
    return first.astype(str), last.astype(str)


# --- posts -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Posts:
    frame: pd.DataFrame
    influencer: np.ndarray  # index into the roster, in file order (by day)
    campaign: np.ndarray
    day: np.ndarray  # days since PERIOD_START


def _posts(rng: np.random.Generator, roster: _Roster, n: int) -> _Posts:
    n_influencers = len(roster.platform)
    if n < n_influencers:
        raise ValueError("every influencer posts at least once: need posts >= influencers")
    # Everyone posts at least once; the rest follows how active each creator is.
    per_influencer = 1 + rng.multinomial(
        n - n_influencers, _normalised(rng.lognormal(0.0, 0.6, n_influencers))
    )
    influencer = np.repeat(np.arange(n_influencers), per_influencer)
    slot = (rng.random(n) * roster.campaign_count[influencer]).astype(int)
    campaign = roster.campaigns[influencer, slot]

    # Posts cluster around a burst inside the campaign window, so some weeks carry several posts of
    # one creator and others none: the spread the weekly response curve is fitted on.
    start, end = CAMPAIGN_START[campaign], CAMPAIGN_END[campaign]
    burst_center = rng.uniform(CAMPAIGN_START, CAMPAIGN_END + 1, (n_influencers, len(CAMPAIGNS)))
    center = burst_center[influencer, campaign]
    spread = np.maximum(2.0, (end - start) / 6)
    # Wrapping inside the window (rather than clipping) keeps posts from piling up on its first and last day.
    offset = np.floor(center + rng.normal(0.0, 1.0, n) * spread).astype(np.int64) - start
    day = start + offset % (end - start + 1)

    order = np.lexsort((influencer, day))
    influencer, campaign, day = influencer[order], campaign[order], day[order]
    platform = roster.platform[influencer]
    followers = roster.followers[influencer]

    reach = followers * REACH_PER_FOLLOWER[platform] * rng.lognormal(0.0, 0.5, n)
    reach = np.maximum(np.round(reach), 50).astype(np.int64)
    # Smaller accounts engage a larger share of their audience.
    engagement_rate = (
        ENGAGEMENT_BASE[platform]
        * roster.engaging[influencer]
        * (followers / 15_000) ** -0.12
        * rng.lognormal(0.0, 0.3, n)
    )
    likes = np.minimum(np.round(reach * np.minimum(engagement_rate, 0.5)), np.floor(0.7 * reach))
    comments = np.round(likes * rng.lognormal(np.log(0.035), 0.5, n))
    comments = np.minimum(comments, reach - likes)

    product = _choice_by_row(rng, _campaign_product_share(), campaign)
    date = PERIOD_START + day.astype("timedelta64[D]")
    frame = pd.DataFrame(
        {
            "post_id": _codes("P", np.arange(1, n + 1), 6),
            "influencer_id": roster.frame["influencer_id"].to_numpy()[influencer],
            "platform": PLATFORMS[platform],
            "date": date.astype("datetime64[s]"),
            "campaign": CAMPAIGN_NAMES[campaign],
            "url": _post_urls(rng, roster, influencer, platform, day),
            "caption": _captions(rng, roster, influencer, campaign, product),
            "reach": reach,
            "likes": likes.astype(np.int64),
            "comments": comments.astype(np.int64),
        }
    )
    return _Posts(frame=frame, influencer=influencer, campaign=campaign, day=day)


def _post_urls(
    rng: np.random.Generator, roster: _Roster, influencer: np.ndarray, platform: np.ndarray, day: np.ndarray
) -> np.ndarray:
    n = len(influencer)
    alphabet = np.frombuffer(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", dtype=np.uint8
    )
    shortcode = alphabet[rng.integers(0, len(alphabet), (n, 11))].view("S11").ravel().astype(str)
    # X status ids are snowflakes: milliseconds since X's epoch in the high bits.
    posted_ms = (PERIOD_START.astype("datetime64[ms]").astype(np.int64) + day * 86_400_000) + rng.integers(
        0, 86_400_000, n
    )
    snowflake = ((posted_ms - 1_288_834_974_657) << 22) + rng.integers(0, 1 << 22, n)
    x_handle = pd.Series(roster.frame["handle"].to_numpy()[influencer]).str.slice(1).str.replace(".", "_")
    instagram = "https://www.instagram.com/p/" + pd.Series(shortcode) + "/"
    youtube = "https://youtu.be/" + pd.Series(shortcode)
    x = "https://x.com/" + x_handle + "/status/" + pd.Series(snowflake.astype(str))
    return np.select(
        [platform == 0, platform == 1],
        [instagram.to_numpy(object), youtube.to_numpy(object)],
        x.to_numpy(object),
    )


def _captions(
    rng: np.random.Generator,
    roster: _Roster,
    influencer: np.ndarray,
    campaign: np.ndarray,
    product: np.ndarray,
) -> np.ndarray:
    n = len(influencer)
    hooks = np.array(CAMPAIGN_HOOKS)[campaign, rng.integers(0, 3, n)]
    line = rng.integers(0, len(PRODUCT_LINES), n)
    before = np.array([template.split("{}")[0] for template in PRODUCT_LINES])[line]
    after = np.array([template.split("{}")[1] for template in PRODUCT_LINES])[line]
    discount = roster.code_discount[influencer]
    code = pd.Series(roster.first_name[influencer]).str.upper() + pd.Series(discount.astype(str))
    hashtag = np.array([c.hashtag for c in CAMPAIGNS])[campaign]
    brand = BRANDS[PRODUCT_BRAND[product]]
    caption = (
        pd.Series(hooks)
        + before
        + PRODUCT_NAMES[product]
        + after
        + " Use code "
        + code
        + " for "
        + discount.astype(str)
        + "% off, link in bio. #"
        + hashtag
        + " #"
        + brand
        + " #ad"
    )
    return caption.to_numpy()


# --- tracking ----------------------------------------------------------------------------------------

SOURCES = np.array(["influencer", "organic", "paid_ads"])


@dataclass(frozen=True)
class _Tracking:
    frame: pd.DataFrame
    influencer: np.ndarray  # roster index per row, -1 for organic and ads
    orders: np.ndarray
    revenue: np.ndarray
    causal: pd.DataFrame  # the planted incremental revenue per (influencer, campaign): see causal_record


def _tracking(
    rng: np.random.Generator,
    roster: _Roster,
    posts: _Posts,
    n: int,
    response_exponent: float,
    response_days: int | None,
) -> _Tracking:
    # 1. Influencer-week activity drives conversions and clicks with diminishing returns.
    week = (posts.day + WEEK_SHIFT) // 7
    n_weeks = int(week.max()) + 1
    by_week = np.argsort(posts.influencer * n_weeks + week, kind="stable")
    _, group_start, group_posts = np.unique(
        (posts.influencer * n_weeks + week)[by_week], return_index=True, return_counts=True
    )
    group_influencer = posts.influencer[by_week][group_start]
    activity = roster.audience[group_influencer] * group_posts**response_exponent
    conversions_per_group = rng.poisson(
        _scaled(activity * roster.converting[group_influencer], CONVERSION_SHARE * n)
    )
    clicks_per_group = rng.poisson(_scaled(activity * roster.engaging[group_influencer], CLICK_SHARE * n))

    def touches_from_posts(per_group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Place ``per_group`` touches on the group's posts, a short lag after the post, within its week."""
        group = np.repeat(np.arange(len(group_start)), per_group)
        pick = group_start[group] + (rng.random(len(group)) * group_posts[group]).astype(int)
        post = by_week[pick]
        if response_days is not None:
            delay = rng.integers(0, response_days, len(post))
            return post, np.minimum(posts.day[post] + delay, PERIOD_DAYS - 1)
        week_end = (week[post] + 1) * 7 - 1 - WEEK_SHIFT
        day = np.minimum(posts.day[post] + _lag(rng, len(post)), np.minimum(week_end, PERIOD_DAYS - 1))
        return post, day

    conversion_post, conversion_day = touches_from_posts(conversions_per_group)
    click_post, click_day = touches_from_posts(clicks_per_group)
    n_conversions, n_clicks = len(conversion_post), len(click_post)

    # 2. Users. Converters (a few convert twice), click-only users (null paths), and the control group.
    conversion_user = np.arange(n_conversions)
    repeat = rng.random(n_conversions) < REPEAT_CONVERSION_SHARE
    conversion_user[repeat] = rng.integers(0, n_conversions, repeat.sum())
    click_only_users = max(1, round(n_clicks / CLICKS_PER_CLICK_ONLY_USER))
    click_user = n_conversions + rng.integers(0, click_only_users, n_clicks)

    # 3. Assists: earlier clicks on other posts in the 30 days before a conversion (multi-touch journeys).
    assists = rng.choice(ASSIST_COUNTS, n_conversions, p=ASSIST_SHARE)
    assisted = np.repeat(np.arange(n_conversions), assists)
    by_day = np.argsort(posts.day, kind="stable")
    sorted_days = posts.day[by_day]
    target_day = conversion_day[assisted]
    low = np.searchsorted(sorted_days, target_day - (LOOKBACK_DAYS - 1), side="left")
    high = np.searchsorted(sorted_days, target_day, side="right")
    assist_post = by_day[low + (rng.random(len(assisted)) * (high - low)).astype(int)]
    assist_day = np.minimum(posts.day[assist_post] + _lag(rng, len(assisted)), target_day)

    conversion_minute = rng.random(n_conversions)
    # A same-day assist happens before its conversion, so it is inside the journey in file order.
    assist_minute = rng.random(len(assisted)) * np.where(
        assist_day == target_day, conversion_minute[assisted], 1.0
    )

    touch_post = np.concatenate([conversion_post, assist_post, click_post])
    touch = {
        "day": np.concatenate([conversion_day, assist_day, click_day]),
        "minute": np.concatenate([conversion_minute, assist_minute, rng.random(n_clicks)]),
        "user": np.concatenate([conversion_user, conversion_user[assisted], click_user]),
        "influencer": posts.influencer[touch_post],
        "campaign": posts.campaign[touch_post],
        "source": np.zeros(len(touch_post), dtype=np.int64),
    }
    touch["product"] = _choice_by_row(rng, _campaign_product_share(), touch["campaign"])
    touch_orders = np.zeros(len(touch_post), dtype=np.int64)
    touch_orders[:n_conversions] = rng.choice([1, 2], n_conversions, p=[0.92, 0.08])
    touch["orders"] = touch_orders
    code_discount = roster.code_discount[touch["influencer"]] / 100
    touch["revenue"] = touch_orders * _order_value(rng, touch["product"], code_discount)

    # 4. Organic purchases of exposed users: a steady personal rate (higher for regular buyers), changed
    # after their first exposure to each campaign by that campaign's and platform's true effect.
    exposed, user_slot = np.unique(touch["user"], return_inverse=True)
    pair_key = user_slot * len(CAMPAIGNS) + touch["campaign"]
    first = np.argsort(pair_key * (PERIOD_DAYS + 1) + touch["day"] + touch["minute"], kind="stable")
    _, first_at = np.unique(pair_key[first], return_index=True)
    pair_touch = first[first_at]
    pair_user = user_slot[pair_touch]
    pair_campaign = touch["campaign"][pair_touch]
    pair_day = touch["day"][pair_touch]
    pair_halo = CAMPAIGN_HALO[pair_campaign] * PLATFORM_HALO[roster.platform[touch["influencer"][pair_touch]]]

    # Pairs are sorted by user, so each user's pairs form one run; a user is a regular buyer with the
    # largest share of regulars among the campaigns that reached them.
    user_runs = np.flatnonzero(np.diff(pair_user, prepend=-1))
    loyal = rng.random(len(exposed)) < np.maximum.reduceat(CAMPAIGN_REGULARS[pair_campaign], user_runs)
    personal_rate = ORGANIC_RATE * rng.gamma(1.5, 1 / 1.5, len(exposed))
    base_count = rng.poisson(personal_rate * np.where(loyal, LOYAL_RATE_MULTIPLIER, 1.0) * PERIOD_DAYS)
    base_owner = np.repeat(np.arange(len(exposed)), base_count)
    base_day = rng.integers(0, PERIOD_DAYS, len(base_owner))

    # Regular buyers reached by a campaign use its code for what they would have bought anyway: part of
    # their organic purchases of the next two weeks disappears (they became coded orders).
    by_user_day = np.argsort(pair_user * (PERIOD_DAYS + 1) + pair_day, kind="stable")
    pair_user_day = (pair_user * (PERIOD_DAYS + 1) + pair_day)[by_user_day]
    latest_pair = np.searchsorted(pair_user_day, base_owner * (PERIOD_DAYS + 1) + base_day, side="right") - 1
    latest_pair = by_user_day[np.maximum(latest_pair, 0)]
    after_exposure = (pair_user[latest_pair] == base_owner) & (base_day >= pair_day[latest_pair])
    pulled_forward = (
        after_exposure
        & (base_day - pair_day[latest_pair] < PULL_FORWARD_DAYS)
        & loyal[base_owner]
        & (rng.random(len(base_owner)) < CAMPAIGN_PULL_FORWARD[pair_campaign[latest_pair]])
    )
    base_owner, base_day = base_owner[~pulled_forward], base_day[~pulled_forward]
    pulled_pair = latest_pair[pulled_forward]

    # The campaign's halo: extra purchases of its products, fading over the next four weeks (truncated
    # exponential delay; the data's end cuts the tail of late exposures).
    halo_days = np.minimum(HALO_DAYS, PERIOD_DAYS - pair_day)
    reachable = (1 - np.exp(-halo_days / HALO_MEAN_DELAY)) / (1 - np.exp(-HALO_DAYS / HALO_MEAN_DELAY))
    extra_count = rng.poisson(pair_halo * reachable)
    extra_pair = np.repeat(np.arange(len(pair_touch)), extra_count)
    cut = 1 - np.exp(-halo_days[extra_pair] / HALO_MEAN_DELAY)
    delay = -HALO_MEAN_DELAY * np.log1p(-rng.random(len(extra_pair)) * cut)
    extra_day = pair_day[extra_pair] + np.minimum(delay.astype(int), halo_days[extra_pair] - 1)
    extra_owner = pair_user[extra_pair]
    extra_campaign = pair_campaign[extra_pair]

    organic_products = np.concatenate(
        [
            _choice_by_row(rng, _shop_product_share()[None, :], np.zeros(len(base_owner), dtype=np.int64)),
            _choice_by_row(rng, _campaign_product_share(), extra_campaign),
        ]
    )
    exposed_organic = _purchases(
        rng,
        day=np.concatenate([base_day, extra_day]),
        user=exposed[np.concatenate([base_owner, extra_owner])],
        product=organic_products,
        source=1,
        campaign=np.full(len(organic_products), -1),
    )

    # What the generator caused, per (influencer, campaign): every coded conversion, every halo purchase
    # (credited to the first touch of its (user, campaign) pair), minus the organic purchases the codes
    # replaced (at an organic order's expected value: they were never drawn).
    halo_revenue = exposed_organic["revenue"][len(base_owner) :]
    causal = _causal_frame(
        roster,
        influencer=np.concatenate(
            [
                touch["influencer"][:n_conversions],
                touch["influencer"][pair_touch[extra_pair]],
                touch["influencer"][pair_touch[pulled_pair]],
            ]
        ),
        campaign=np.concatenate(
            [touch["campaign"][:n_conversions], extra_campaign, pair_campaign[pulled_pair]]
        ),
        kind=np.repeat(np.arange(3), [n_conversions, len(extra_pair), len(pulled_pair)]),
        revenue=np.concatenate(
            [
                touch["revenue"][:n_conversions],
                halo_revenue,
                np.full(len(pulled_pair), _expected_organic_order_value()),
            ]
        ),
    )

    # 5. Paid ads, spread over every user, campaigned like the campaign running that day.
    n_paid = round(PAID_ADS_SHARE * n)
    expected_control_rows = n - len(touch_post) - len(exposed_organic["day"]) - n_paid
    if expected_control_rows < 0.1 * n:
        raise ValueError(f"tracking size {n} is too small for the posts and influencers of this workload")
    control_users = round(expected_control_rows / (ORGANIC_RATE * PERIOD_DAYS))
    control_offset = n_conversions + click_only_users
    paid_day = rng.integers(0, PERIOD_DAYS, n_paid)
    paid_campaign = _running_campaign(rng, paid_day)
    paid = _purchases(
        rng,
        day=paid_day,
        user=rng.integers(0, control_offset + control_users, n_paid),
        product=_choice_by_row(rng, _campaign_product_share(), paid_campaign),
        source=2,
        campaign=paid_campaign,
    )

    # 6. The control group (never touched by an influencer) fills the rest at a steady rate.
    n_control = n - len(touch_post) - len(exposed_organic["day"]) - n_paid
    control_weight = _normalised(rng.gamma(1.5, 1 / 1.5, control_users))
    control = _purchases(
        rng,
        day=rng.integers(0, PERIOD_DAYS, n_control),
        user=control_offset + rng.choice(control_users, n_control, p=control_weight),
        product=_choice_by_row(rng, _shop_product_share()[None, :], np.zeros(n_control, dtype=np.int64)),
        source=1,
        campaign=np.full(n_control, -1),
    )

    rows = {
        key: np.concatenate([part[key] for part in (touch, exposed_organic, paid, control)]) for key in touch
    }
    # Stable sorts throughout: numpy's default sort orders ties differently on different processors
    # (SIMD kernels), and the bundled demo must be the same bytes on every machine.
    order = np.argsort(rows["day"] + rows.pop("minute"), kind="stable")  # minute: a fraction of the day
    rows = {key: values[order] for key, values in rows.items()}

    # Scramble user numbers so converters, clickers and the control group do not sit in blocks.
    user_number = rng.permutation(control_offset + control_users) + 1
    has_order = rows["orders"] > 0
    influencer_ids = roster.frame["influencer_id"].to_numpy()
    frame = pd.DataFrame(
        {
            "source": _labels(SOURCES, rows["source"]),
            "campaign": _labels(CAMPAIGN_NAMES, rows["campaign"]),
            "influencer_id": _labels(influencer_ids, rows["influencer"]),
            "user_id": _code_series("U", user_number[rows["user"]], 7),
            "product": _labels(PRODUCT_NAMES, rows["product"]),
            "date": (PERIOD_START + rows["day"].astype("timedelta64[D]")).astype("datetime64[s]"),
            "orders": rows["orders"],
            "revenue": rows["revenue"],
            "brand": _labels(BRANDS, PRODUCT_BRAND[rows["product"]]),
            "order_id": _code_series("HK", 10_000_000 + np.cumsum(has_order), 8, valid=has_order),
        }
    )
    return _Tracking(
        frame=frame,
        influencer=rows["influencer"],
        orders=rows["orders"],
        revenue=rows["revenue"],
        causal=causal,
    )


CAUSAL_COLUMNS = [
    "influencer_id",
    "campaign",
    "coded_revenue",
    "halo_revenue",
    "pulled_forward_revenue",
    "incremental_revenue",
]


def _causal_frame(
    roster: _Roster, *, influencer: np.ndarray, campaign: np.ndarray, kind: np.ndarray, revenue: np.ndarray
) -> pd.DataFrame:
    """
    Sum the caused revenue per (influencer, campaign).

    ``kind`` is 0 for a coded conversion, 1 for a halo purchase and 2 for an organic purchase a code
    replaced (subtracted from the incremental revenue).
    """
    n_campaigns = len(CAMPAIGNS)
    key = influencer * n_campaigns + campaign
    pairs, at = np.unique(key, return_inverse=True)
    sums = np.zeros((3, len(pairs)))
    np.add.at(sums, (kind, at), revenue)
    return pd.DataFrame(
        {
            "influencer_id": roster.frame["influencer_id"].to_numpy()[pairs // n_campaigns],
            "campaign": CAMPAIGN_NAMES[pairs % n_campaigns],
            "coded_revenue": sums[0],
            "halo_revenue": sums[1],
            "pulled_forward_revenue": sums[2],
            "incremental_revenue": sums[0] + sums[1] - sums[2],
        }
    )


def _expected_organic_order_value() -> float:
    """
    Return the expected revenue of one organic shop purchase.

    As :func:`_purchases` and :func:`_order_value` draw it: orders 1 or 2 (95/5 %), a sale discount of 0, 5
    or 10 % (60/25/15 %), 1-3 units (78/18/4 %) of a product drawn by its shop share, the value rounded.
    """
    units = np.array([1, 2, 3])[:, None, None]
    discount = np.array([0.0, 0.05, 0.10])[None, :, None]
    chance = (np.array([0.78, 0.18, 0.04])[:, None] * np.array([0.6, 0.25, 0.15])[None, :])[:, :, None]
    per_product = (chance * np.round(PRODUCT_PRICE[None, None, :] * units * (1 - discount))).sum(axis=(0, 1))
    orders = 1 * 0.95 + 2 * 0.05
    return float(orders * (per_product * _shop_product_share()).sum())


def _purchases(
    rng: np.random.Generator,
    *,
    day: np.ndarray,
    user: np.ndarray,
    product: np.ndarray,
    source: int,
    campaign: np.ndarray,
) -> dict[str, np.ndarray]:
    """Build non-influencer order rows (organic or paid ads)."""
    n = len(day)
    orders = rng.choice([1, 2], n, p=[0.95, 0.05])
    sale_discount = rng.choice([0.0, 0.05, 0.10], n, p=[0.6, 0.25, 0.15])
    return {
        "day": day.astype(np.int64),
        "minute": rng.random(n),
        "user": user.astype(np.int64),
        "influencer": np.full(n, -1),
        "campaign": campaign.astype(np.int64),
        "source": np.full(n, source),
        "product": product,
        "orders": orders,
        "revenue": orders * _order_value(rng, product, sale_discount),
    }


def _order_value(rng: np.random.Generator, product: np.ndarray, discount: np.ndarray) -> np.ndarray:
    """Return the rupee value of one order: 1-3 units at the product's price less a discount."""
    units = rng.choice([1, 2, 3], len(product), p=[0.78, 0.18, 0.04])
    return np.round(PRODUCT_PRICE[product] * units * (1 - discount))


def _running_campaign(rng: np.random.Generator, day: np.ndarray) -> np.ndarray:
    """Pick, for each day, one of the campaigns running that day (every day has one)."""
    running = (CAMPAIGN_START[None, :] <= day[:, None]) & (day[:, None] <= CAMPAIGN_END[None, :])
    return _choice_by_row(rng, running / running.sum(axis=1, keepdims=True), np.arange(len(day)))


def _lag(rng: np.random.Generator, n: int) -> np.ndarray:
    """Days between seeing a post and clicking: mostly the same day, sometimes a few days later."""
    return rng.geometric(0.55, n) - 1


# --- payouts -----------------------------------------------------------------------------------------


def _payouts(rng: np.random.Generator, roster: _Roster, posts: _Posts, tracking: _Tracking) -> pd.DataFrame:
    n = len(roster.platform)
    post_count = np.bincount(posts.influencer, minlength=n)
    coded = tracking.influencer >= 0
    coded_orders = np.bincount(tracking.influencer[coded], weights=tracking.orders[coded], minlength=n)
    coded_revenue = np.bincount(tracking.influencer[coded], weights=tracking.revenue[coded], minlength=n)

    # Commission deals only make sense for creators who drive coded orders.
    by_order = (rng.random(n) < ORDER_BASIS_SHARE) & (coded_orders > 0)
    paid = np.ones(n, dtype=bool)
    paid[rng.choice(n, max(2, n // 100), replace=False)] = False

    # Post fees grow with audience; the scale is set so post-paid creators return POST_BASIS_ROAS overall.
    fee_shape = (roster.followers / 15_000) ** 0.6 * rng.lognormal(0.0, 0.25, n)
    post_paid = paid & ~by_order
    scale = coded_revenue[post_paid].sum() / (POST_BASIS_ROAS * (fee_shape * post_count)[post_paid].sum())
    post_rate = np.maximum(np.round(scale * fee_shape / 50) * 50, 200)
    order_value = coded_revenue / np.maximum(coded_orders, 1)
    order_rate = np.round(order_value * rng.uniform(0.12, 0.22, n) / 10) * 10

    rate = np.where(by_order, order_rate, post_rate)
    total = rate * np.where(by_order, coded_orders, post_count)
    # A few invoices disagree with rate x units (bonuses, undelivered posts): the ledger's mismatches.
    mismatched = rng.choice(n, max(2, round(MISMATCH_SHARE * n)), replace=False)
    total[mismatched] = np.round(total[mismatched] * rng.choice([0.8, 0.85, 1.15, 1.25], len(mismatched)))

    frame = pd.DataFrame(
        {
            "influencer_id": roster.frame["influencer_id"].to_numpy(),
            "basis": np.where(by_order, "order", "post"),
            "rate": rate,
            "total_payout": total,
        }
    )
    return frame[paid].reset_index(drop=True)


# --- small helpers -----------------------------------------------------------------------------------


def _campaign_product_share() -> np.ndarray:
    """Return P(product | campaign): the campaign's brands, by popularity."""
    brand_in_campaign = np.zeros((len(CAMPAIGNS), len(BRANDS)))
    for index, campaign in enumerate(CAMPAIGNS):  # six campaigns
        brand_in_campaign[index, list(campaign.brands)] = 1.0
    share = brand_in_campaign[:, PRODUCT_BRAND] * PRODUCT_POPULARITY
    return share / share.sum(axis=1, keepdims=True)


def _shop_product_share() -> np.ndarray:
    """Return P(product) of organic shop orders: brand share, then popularity within the brand."""
    within_brand = PRODUCT_POPULARITY / np.bincount(PRODUCT_BRAND, weights=PRODUCT_POPULARITY)[PRODUCT_BRAND]
    return BRAND_SHARE[PRODUCT_BRAND] * within_brand


def _choice_by_row(rng: np.random.Generator, probabilities: np.ndarray, row: np.ndarray) -> np.ndarray:
    """Draw one column index per element, using the probability row ``probabilities[row]``."""
    cumulative = np.cumsum(probabilities, axis=1)
    cumulative /= cumulative[:, -1:]
    # Offsetting row r by r makes the flattened table increasing, so one searchsorted serves all rows.
    n_rows, n_columns = cumulative.shape
    flat = (cumulative + np.arange(n_rows)[:, None]).ravel()
    target = row + rng.random(len(row)) * (1 - 1e-12)
    pick = np.searchsorted(flat, target, side="right") - row * n_columns
    return np.minimum(pick, n_columns - 1)


def _code_chars(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """Return zero-padded codes as a (rows, characters) byte matrix, one pass per digit."""
    numbers = np.asarray(numbers, dtype=np.int64)
    chars = np.empty((len(numbers), len(prefix) + width), dtype=np.uint8)
    chars[:, : len(prefix)] = np.frombuffer(prefix.encode(), dtype=np.uint8)
    remaining = numbers.copy()
    for position in range(len(prefix) + width - 1, len(prefix) - 1, -1):
        chars[:, position] = remaining % 10 + ord("0")
        remaining //= 10
    return chars


def _codes(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """Format numbers as zero-padded codes: ``_codes("U", [7], 4)`` -> ``["U0007"]``."""
    chars = _code_chars(prefix, numbers, width)
    return chars.view(f"S{chars.shape[1]}").ravel().astype(str)


def _code_series(prefix: str, numbers: np.ndarray, width: int, valid: np.ndarray | None = None) -> pd.Series:
    """Return codes as a string Series (missing where ``valid`` is False), built directly as Arrow buffers."""
    chars = _code_chars(prefix, numbers, width)
    n, length = chars.shape
    offsets = np.arange(0, (n + 1) * length, length, dtype=np.int32)
    validity = None if valid is None else pa.py_buffer(np.packbits(valid, bitorder="little"))
    array = pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(chars.tobytes()), validity)
    return array.to_pandas()


def _labels(vocabulary: np.ndarray, codes: np.ndarray) -> pd.Series:
    """Map integer codes to strings (code -1 is missing) through Arrow, which is fast for millions of rows."""
    codes = np.asarray(codes)
    indices = pa.array(codes.astype(np.int32), mask=codes < 0)
    return pa.array(np.asarray(vocabulary, dtype=str)).take(indices).to_pandas()


def _contract_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """Give columns the dtypes ingest produces: Arrow strings (missing = NA) and nanosecond dates."""
    dtypes = {}
    for name, dtype in frame.dtypes.items():
        if pd.api.types.is_datetime64_dtype(dtype):
            dtypes[name] = "datetime64[ns]"
        elif pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype):
            dtypes[name] = pd.StringDtype("pyarrow")
    return frame.astype(dtypes)


def _normalised(weights: np.ndarray) -> np.ndarray:
    return weights / weights.sum()


def _scaled(intensity: np.ndarray, total: float) -> np.ndarray:
    """Scale Poisson means so they sum to ``total`` expected events."""
    return intensity * (total / intensity.sum())


# --- command line ------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """Build the ``python -m data.generate`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="python -m data.generate", description="Write a seeded demo dataset (four CSV files)."
    )
    parser.add_argument(
        "--size", choices=list(SIZES), default="S", help="workload size (default S, the demo)"
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7, the bundled demo)")
    parser.add_argument("--out", required=True, help="directory to write the CSV files into")
    parser.add_argument(
        "--causal",
        action="store_true",
        help="also write causal.csv: the planted incremental revenue per influencer and campaign",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Generate and write one workload; print what was written."""
    args = build_parser().parse_args(argv)
    started = time.perf_counter()
    frames = generate(args.size, args.seed, causal=args.causal)
    generated = time.perf_counter()
    paths = write(frames, args.out)
    written = time.perf_counter()
    for path, frame in zip(paths, frames.values(), strict=True):
        print(f"{path}: {len(frame):,} rows, {path.stat().st_size / 1e6:.2f} MB")
    print(
        f"size {args.size}, seed {args.seed}: generated in {generated - started:.2f} s, "
        f"written in {written - generated:.2f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
