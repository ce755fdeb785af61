"""Payout ledger: what each influencer was paid against what its units and rate say (docs/metrics.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.formats import inr
from metrics.spend import payout_totals
from metrics.view import View

LEDGER_COLUMNS = ["influencer_id", "basis", "rate", "units", "total_payout", "computed_payout", "status"]
# Extra columns for the dashboard; the export writes LEDGER_COLUMNS only.
DETAIL_COLUMNS = ["payout_rows", "note"]
STATUSES = ("missing", "no_units", "no_rate", "mismatch", "ok")  # precedence, highest first
MISMATCH_TOLERANCE = 0.01
NO_RATE_NOTE = "no rate in payouts.csv: cannot be checked"


def mismatch_note(total_payout: float, computed_payout: float) -> str:
    """
    Say by how much a payout differs from rate x units, in the app's money format.

    Amounts are in whole rupees unless either one has paise, then all three show paise.

    Examples
    --------
    >>> mismatch_note(12_000, 10_800)
    'paid ₹1,200 more than the rate × units (₹10,800 expected, ₹12,000 paid)'
    >>> mismatch_note(1_35_000, 1_50_000)
    'paid ₹15,000 less than the rate × units (₹1,50,000 expected, ₹1,35,000 paid)'
    >>> mismatch_note(10, 7.5)
    'paid ₹2.50 more than the rate × units (₹7.50 expected, ₹10.00 paid)'
    """
    whole = all(round(float(amount), 2).is_integer() for amount in (total_payout, computed_payout))
    decimals = 0 if whole else 2
    difference = total_payout - computed_payout
    direction = "more" if difference > 0 else "less"
    return (
        f"paid {inr(abs(difference), decimals)} {direction} than the rate × units "
        f"({inr(computed_payout, decimals)} expected, {inr(total_payout, decimals)} paid)"
    )


def payout_ledger(view: View) -> pd.DataFrame:
    """
    Reconcile every influencer's payout with the units counted from the data.

    One row per influencer passing the platform, category, gender and tier filters (payouts carry no date
    or campaign, so those filters do not apply); ids missing from influencers.csv are listed too, and drop
    out under any of those filters. units = the influencer's posts in posts.csv (post basis) or its coded
    orders in tracking (order basis); rate = the file's rate, or total_payout / units when missing (several
    rows: totals summed, the first row's basis and rate); computed_payout = rate x units.

    Status, by precedence: ``missing`` (no payout row: basis empty, total 0, units 0, rate and computed
    empty) > ``no_units`` (units 0) > ``no_rate`` (the file gives no rate: the rate derived from the total
    would match it by construction, so the payout cannot be checked and is never ``ok``) > ``mismatch``
    (|total_payout - computed_payout| > 1% of computed_payout) > ``ok``.

    Returns
    -------
    DataFrame
        ``LEDGER_COLUMNS`` plus ``payout_rows`` (how many payout rows were combined) and ``note``
        (``NO_RATE_NOTE`` for ``no_rate`` rows, :func:`mismatch_note` for ``mismatch`` rows, and a
        disagreement between the combined rows), in the order of influencers.csv, unknown ids last.
    """
    ledger = view.prepared.memo("payout_ledger", lambda: _full_ledger(view))
    if not view.filters.has_influencer_filter:
        return ledger
    people = view.influencers
    kept = people.loc[people["known"] & people["influencer_id"].isin(view.selected_ids), "influencer_id"]
    return ledger[ledger["influencer_id"].isin(kept)].reset_index(drop=True)


def _full_ledger(view: View) -> pd.DataFrame:
    """Return the ledger of every influencer (it depends on the dataset only)."""
    ids = view.influencers["influencer_id"].reset_index(drop=True)

    totals = payout_totals(view.dataset.payouts).set_index("influencer_id").reindex(ids.to_numpy())
    has_payout = totals["payout_rows"].notna().to_numpy()
    basis = totals["basis"].astype("string")

    posts = view.dataset.posts["influencer_id"].astype("string").value_counts()
    orders = view.spend_parts.conversions.groupby("influencer_id")["orders"].sum()
    post_units = ids.map(posts).fillna(0).to_numpy(dtype="float64")
    order_units = ids.map(orders).fillna(0).to_numpy(dtype="float64")
    units = np.where(basis.eq("order").fillna(False).to_numpy(dtype=bool), order_units, post_units)
    units = np.where(has_payout, units, 0.0)

    total = totals["total_payout"].fillna(0.0).to_numpy(dtype="float64")
    file_rate = totals["rate"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        derived_rate = np.where(units > 0, total / units, np.nan)
    rate = np.where(np.isnan(file_rate), derived_rate, file_rate)
    rate = np.where(has_payout, rate, np.nan)
    computed = rate * units

    mismatch = np.abs(total - computed) > MISMATCH_TOLERANCE * computed
    no_rate = np.isnan(file_rate)
    status = np.select(
        [~has_payout, units == 0, no_rate, mismatch],
        ["missing", "no_units", "no_rate", "mismatch"],
        default="ok",
    )

    rows = totals["payout_rows"].fillna(0).to_numpy(dtype="int64")
    rows_note = np.select(
        [totals["bases"].fillna(0).to_numpy() > 1, totals["rates"].fillna(0).to_numpy() > 1, rows > 1],
        [
            "payout rows disagree on basis; the first row's is used",
            "payout rows disagree on rate; the first row's is used",
            "several payout rows, totals summed",
        ],
        default="",
    )
    rate_note = np.where(status == "no_rate", NO_RATE_NOTE, "").astype(object)
    flagged = np.flatnonzero(status == "mismatch")
    # Formatting is per amount (Indian grouping), so only the flagged rows are formatted.
    rate_note[flagged] = [mismatch_note(total[i], computed[i]) for i in flagged]
    rate_note = rate_note.astype(str)
    separator = np.where((rate_note != "") & (rows_note != ""), "; ", "")
    note = np.char.add(np.char.add(rate_note, separator), rows_note)
    return pd.DataFrame(
        {
            "influencer_id": ids.astype("string"),
            "basis": basis.to_numpy(),
            "rate": rate,
            "units": units.astype("int64"),
            "total_payout": total,
            "computed_payout": computed,
            "status": pd.array(status, dtype="string"),
            "payout_rows": rows,
            "note": pd.array(np.where(note == "", None, note), dtype="string"),
        }
    ).astype({"basis": "string"})
