"""The array machinery under the incrementality bootstrap (docs/incrementality.md, "The interval").

:mod:`metrics.incrementality` states the estimator; this module makes it fast on a million tracking rows:

* :func:`sort_keys` sorts non-negative integer keys stably by packing each position into the low bits;
* :func:`resample_counts` draws the resamples of a population of users as one-byte counts (how often each
  user is drawn in each resample) instead of index arrays;
* :func:`resampled_sums` sums every group's effects and exposures over each resample's drawn users, one
  matrix product per block of (group, user) units;
* :func:`percentiles` takes each group's 2.5th and 97.5th percentiles over its defined resamples.

Everything runs on the calling thread: the library starts no threads of its own (docs/benchmarks.md has
the measurement that decided it).
"""

from __future__ import annotations

import numpy as np

# Resamples drawn per call of the generator (the same draws as one call per resample).
RESAMPLES_PER_DRAW = 20
# (group, user) units per product: 4k rows of 200 one-byte counts stay in cache.
BLOCK_ROWS = 4_096


def sort_keys(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """
    Return the stable sorting order of non-negative int64 ``keys`` and the sorted keys.

    The position is packed into the low bits of each key and the packed values are sorted: numpy sorts
    plain integers several times faster than it argsorts them, and distinct values make any sort stable.

    Examples
    --------
    >>> order, ordered = sort_keys(np.array([5, 3, 5, 0]))
    >>> order.tolist(), ordered.tolist()
    ([3, 1, 0, 2], [0, 3, 5, 5])
    """
    shift = max(len(keys) - 1, 1).bit_length()
    if len(keys) and int(keys.max()) >= 1 << (62 - shift):
        order = np.argsort(keys, kind="stable")
        return order, keys[order]
    packed = np.sort((keys << shift) | np.arange(len(keys)))
    return packed & ((1 << shift) - 1), packed >> shift


def resample_counts(size: int, resamples: int, seed: int) -> np.ndarray:
    """
    Return how often each of ``size`` users is drawn in each resample, shape (size, resamples), uint8.

    Resample r draws ``rng.integers(0, size, size=size)`` from ``numpy.random.default_rng(seed)`` in turn
    (several resamples per call of the generator give the same draws). One byte per count is enough:
    drawing one user 256 times among n draws from n users has probability below 1/256!.
    """
    rng = np.random.default_rng(seed)
    counts = np.empty((resamples, size), dtype=np.uint8)
    for first in range(0, resamples if size else 0, RESAMPLES_PER_DRAW):
        stop = min(first + RESAMPLES_PER_DRAW, resamples)
        for row, drawn in enumerate(rng.integers(0, size, size=(stop - first, size)), start=first):
            counts[row] = np.bincount(drawn, minlength=size)
    # Each user's counts contiguous: the sums gather whole rows of their units' users.
    return np.ascontiguousarray(counts.T)


def resampled_sums(
    counts: np.ndarray, group: np.ndarray, row: np.ndarray, effect: np.ndarray, n_groups: int
) -> np.ndarray:
    """
    Return, per group and resample, the drawn exposures' summed effect and their number.

    Parameters
    ----------
    counts : ndarray of uint8, shape (users, resamples)
        :func:`resample_counts` of the population.
    group, row : ndarray of int64
        Per exposure: its group code (0 <= code < ``n_groups``) and its user's row in ``counts``.
    effect : ndarray of float64
        Per exposure: its effect.
    n_groups : int
        Number of groups.

    Returns
    -------
    ndarray of float64, shape (n_groups, 2, resamples)
        ``[g, 0, r]``: the sum of group g's effects, each counted as often as resample r drew its user;
        ``[g, 1, r]``: the number of group g's exposures counted that way.
    """
    totals = np.zeros((n_groups, 2, counts.shape[1]))
    if not len(group):
        return totals
    # Units: (group, user) pairs sorted by group then row, each with its summed effect and exposure count.
    order, sorted_keys = sort_keys(group * len(counts) + row)
    new_unit = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]
    units = sorted_keys[new_unit]
    unit_of = np.empty(len(order), dtype=np.int64)
    unit_of[order] = np.cumsum(new_unit) - 1
    unit_sums = np.vstack(
        [
            np.bincount(unit_of, weights=effect, minlength=len(units)),
            np.bincount(unit_of, minlength=len(units)).astype(np.float64),
        ]
    )
    unit_group, unit_row = units // len(counts), units % len(counts)

    # Blocks of at most BLOCK_ROWS units of one group: a group's sums do not depend on the other groups.
    group_start = np.flatnonzero(np.r_[True, unit_group[1:] != unit_group[:-1]])
    group_end = np.r_[group_start[1:], len(unit_group)]
    blocks = -(-(group_end - group_start) // BLOCK_ROWS)
    first_block = np.cumsum(blocks) - blocks
    block_start = (
        np.repeat(group_start, blocks)
        + (np.arange(blocks.sum()) - np.repeat(first_block, blocks)) * BLOCK_ROWS
    )
    block_end = np.minimum(block_start + BLOCK_ROWS, np.repeat(group_end, blocks))
    block_totals = np.empty((len(block_start), 2, counts.shape[1]))
    for block, (start, stop) in enumerate(zip(block_start.tolist(), block_end.tolist(), strict=True)):
        # einsum multiplies the one-byte counts directly: converting them first costs more. Each
        # resample's row of counts stays in cache while a block's users are gathered from it.
        np.einsum(
            "ur,cu->cr", counts[unit_row[start:stop]], unit_sums[:, start:stop], out=block_totals[block]
        )
    totals[unit_group[group_start]] = np.add.reduceat(block_totals, first_block, axis=0)
    return totals


def percentiles(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """
    Return the 2.5th and 97.5th percentiles per column over its defined samples (NaN when none).

    Examples
    --------
    >>> low, high = percentiles(np.array([[1.0, np.nan], [3.0, np.nan]]))
    >>> low.tolist()[0], high.tolist()[0], np.isnan(low[1])
    (1.05, 2.95, np.True_)
    """
    low = np.full(samples.shape[1], np.nan)
    high = np.full(samples.shape[1], np.nan)
    if samples.shape[0] == 0:
        return low, high
    missing = np.isnan(samples)
    complete = ~missing.any(axis=0)
    if complete.any():
        low[complete], high[complete] = np.percentile(samples[:, complete], [2.5, 97.5], axis=0)
    # A resample can draw none of a small group's users: that group uses its defined resamples.
    partial = np.flatnonzero(~complete & ~missing.all(axis=0))
    if len(partial):
        low[partial], high[partial] = np.nanpercentile(samples[:, partial], [2.5, 97.5], axis=0)
    return low, high
