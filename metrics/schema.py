"""The input schema, declared once as data: each file's columns, their kinds, synonyms and blank rules.

``metrics.ingest`` reads this table and nothing else to decide how a column is found, parsed, repaired
or rejected; docs/data-contract.md lists the same content for people.

Kinds
    ``text``    kept as text (trimmed); ``int`` whole number >= 0; ``amount`` number >= 0 (currency
    symbols and thousands separators allowed); ``date`` a calendar day (time of day dropped);
    ``basis`` ``post`` or ``order`` after normalisation.

Blank cells (``blank``)
    ``drop`` the row is dropped and reported; ``zero`` read as 0 and reported; ``keep`` kept empty and
    reported; ``allow`` kept empty silently. A required value that cannot be parsed, or is negative, always
    drops the row; in an optional column it is cleared and reported instead.

Categories (``categorical``)
    A text column of many rows and few distinct values (the tracking file's ids, products, sources...) is
    kept as a pandas ``category`` whose categories (``string`` dtype) are the values present, in order of
    first appearance: its codes are then exactly ``pandas.factorize``'s, at a fraction of the memory.

Synonyms
    Tiers of alternative header names, tried only when the canonical name is absent: the first tier with a
    match wins, and two matches within one tier make the header ambiguous (the file is rejected).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.dataset import FILES, OPTIONAL, REQUIRED

KINDS = ("text", "int", "amount", "date", "basis")
BLANK_RULES = ("drop", "zero", "keep", "allow")


@dataclass(frozen=True)
class ColumnSpec:
    """
    Describe one column of an input file.

    Parameters
    ----------
    kind : str
        One of ``KINDS``.
    required : bool, default True
        Whether the file must have the column (a file without it is rejected).
    blank : str, default "drop"
        What a blank cell does (one of ``BLANK_RULES``); optional columns always use ``allow``.
    synonyms : tuple of tuple of str, default ()
        Tiers of alternative (normalised) header names.
    nullable_int : bool, default False
        Store an ``int`` column as nullable ``Int64`` (optional counts) instead of ``int64``.
    categorical : bool, default False
        Store a ``text`` column as ``category`` (categories in order of first appearance, see above).
    """

    kind: str
    required: bool = True
    blank: str = "drop"
    synonyms: tuple[tuple[str, ...], ...] = ()
    nullable_int: bool = False
    categorical: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")
        if self.categorical and self.kind != "text":
            raise ValueError("only text columns can be categorical")
        if self.blank not in BLANK_RULES:
            raise ValueError(f"unknown blank rule {self.blank!r}")


INFLUENCER_ID_SYNONYMS = (
    ("influencer_code", "creator_id"),
    ("influencer", "creator"),
    ("handle", "username"),
)
PLATFORM_SYNONYMS = (("platform_name", "social_platform", "social_network"), ("network", "social_media"))
DATE_SYNONYMS = (("day", "datetime", "timestamp"),)


def _optional(kind: str, *synonyms: str, nullable_int: bool = False, categorical: bool = False) -> ColumnSpec:
    return ColumnSpec(
        kind,
        required=False,
        blank="allow",
        synonyms=(synonyms,) if synonyms else (),
        nullable_int=nullable_int,
        categorical=categorical,
    )


SCHEMA: dict[str, dict[str, ColumnSpec]] = {
    "influencers": {
        "influencer_id": ColumnSpec("text", synonyms=(("id",), *INFLUENCER_ID_SYNONYMS)),
        "name": ColumnSpec(
            "text",
            blank="keep",
            synonyms=(("influencer_name", "creator_name", "full_name", "display_name"),),
        ),
        "category": ColumnSpec("text", blank="keep", synonyms=(("niche", "vertical", "genre"),)),
        "gender": ColumnSpec("text", blank="keep", synonyms=(("sex",),)),
        "follower_count": ColumnSpec(
            "int",
            synonyms=(
                ("followers", "followers_count", "no_of_followers", "number_of_followers"),
                ("subscribers", "subscriber_count", "audience_size"),
            ),
        ),
        "platform": ColumnSpec("text", blank="keep", synonyms=PLATFORM_SYNONYMS),
    },
    "posts": {
        "influencer_id": ColumnSpec("text", synonyms=INFLUENCER_ID_SYNONYMS),
        "platform": ColumnSpec("text", blank="keep", synonyms=PLATFORM_SYNONYMS),
        "date": ColumnSpec(
            "date",
            synonyms=(
                ("post_date", "posted_on", "posted_at", "published_at", "publish_date"),
                *DATE_SYNONYMS,
            ),
        ),
        "url": ColumnSpec("text", blank="keep", synonyms=(("post_url", "post_link", "permalink"), ("link",))),
        "caption": ColumnSpec("text", blank="allow", synonyms=(("post_caption",), ("text", "description"))),
        "reach": ColumnSpec("int", synonyms=(("impressions",), ("views",))),
        "likes": ColumnSpec("int", blank="zero", synonyms=(("like_count", "likes_count", "num_likes"),)),
        "comments": ColumnSpec(
            "int", blank="zero", synonyms=(("comment_count", "comments_count", "num_comments"),)
        ),
        "post_id": _optional("text"),
        "campaign": _optional("text", "campaign_name"),
        "views": _optional("int", "video_views", "view_count", nullable_int=True),
        "shares": _optional("int", "share_count", "shares_count", nullable_int=True),
        "saves": _optional("int", "save_count", "saves_count", "bookmarks", nullable_int=True),
    },
    "tracking": {
        "source": ColumnSpec(
            "text", synonyms=(("traffic_source", "utm_source"), ("channel",)), categorical=True
        ),
        "campaign": ColumnSpec(
            "text", blank="allow", synonyms=(("campaign_name", "utm_campaign"),), categorical=True
        ),
        "influencer_id": ColumnSpec("text", blank="allow", synonyms=INFLUENCER_ID_SYNONYMS, categorical=True),
        "user_id": ColumnSpec("text", synonyms=(("customer_id", "visitor_id"), ("user", "customer"))),
        "product": ColumnSpec(
            "text", synonyms=(("product_name", "item_name"), ("item",), ("sku",)), categorical=True
        ),
        "date": ColumnSpec(
            "date", synonyms=(("order_date", "event_date", "visit_date", "click_date"), *DATE_SYNONYMS)
        ),
        "orders": ColumnSpec(
            "int", blank="zero", synonyms=(("order_count", "num_orders"), ("conversions", "purchases"))
        ),
        "revenue": ColumnSpec(
            "amount", blank="zero", synonyms=(("sales", "order_value", "gmv", "revenue_inr"), ("amount",))
        ),
        "brand": _optional("text", "brand_name", categorical=True),
        "order_id": _optional("text", "order_number", "order_no", "transaction_id"),
    },
    "payouts": {
        "influencer_id": ColumnSpec("text", synonyms=INFLUENCER_ID_SYNONYMS),
        "basis": ColumnSpec(
            "basis", synonyms=(("payout_basis", "payment_basis", "pay_basis", "payout_type"),)
        ),
        "total_payout": ColumnSpec(
            "amount",
            synonyms=(("payout", "payout_amount", "total_amount", "total_fee"), ("amount", "fee", "total")),
        ),
        "rate": _optional("amount", "payout_rate", "unit_rate", "rate_per_unit"),
        "orders": _optional("amount", "order_count", "num_orders"),
        "posts": _optional("amount", "post_count", "num_posts"),
    },
}

# Columns always present in a parsed frame even when the file lacks them (filled with NaN).
ALWAYS_PRESENT = {"payouts": ("rate",)}

BASIS_VALUES = {
    "post": "post",
    "posts": "post",
    "per_post": "post",
    "order": "order",
    "orders": "order",
    "per_order": "order",
}

# Columns whose values are unified when they differ only in letter case or spacing (small files only).
UNIFIED_SPELLING = {"influencers": ("platform", "category", "gender"), "posts": ("platform",)}


def column_dtype(spec: ColumnSpec) -> str | pd.CategoricalDtype:
    """Return the pandas dtype of a parsed column of this spec (an empty column's, for a categorical one)."""
    if spec.categorical:
        return pd.CategoricalDtype(pd.Index([], dtype="string"))
    if spec.kind == "int":
        return "Int64" if spec.nullable_int else "int64"
    if spec.kind == "amount":
        return "float64"
    if spec.kind == "date":
        return "datetime64[ns]"
    return "string"


def empty_frame(name: str) -> pd.DataFrame:
    """
    Return an empty frame of one file with its required columns (and ``ALWAYS_PRESENT`` ones) typed.

    Examples
    --------
    >>> list(empty_frame("payouts").columns)
    ['influencer_id', 'basis', 'total_payout', 'rate']
    """
    if name not in SCHEMA:
        raise KeyError(f"unknown file {name!r}; expected one of {', '.join(FILES)}")
    specs = SCHEMA[name]
    columns = [c for c in specs if specs[c].required or c in ALWAYS_PRESENT.get(name, ())]
    return pd.DataFrame(
        {c: pd.Series(np.array([], dtype=object), dtype=column_dtype(specs[c])) for c in columns}
    )


def _check_schema_matches_contract() -> None:
    for name in FILES:
        required = [c for c, spec in SCHEMA[name].items() if spec.required]
        optional = [c for c, spec in SCHEMA[name].items() if not spec.required]
        if required != REQUIRED[name] or optional != OPTIONAL[name]:
            raise AssertionError(f"schema of {name} disagrees with metrics.dataset")


_check_schema_matches_contract()
