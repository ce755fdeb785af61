"""The budget panel in words and money: the shifts axis speaks the bars' format (₹ with L/Cr, one unit per
axis, one minus sign), and the caveat names no exponent (the maths stays in tooltips and docs/budget.md)."""

from __future__ import annotations

import pandas as pd

from figures import budget
from layouts.payouts import CAVEAT


def test_shifts_axis_ticks_in_rupees_with_lakh_like_the_bars():
    """A −₹1.9L and a +₹67,200 shift: ticks −₹3.0L … ₹3.0L (one unit), bars "−₹1.9L" and "+₹67,200"."""
    plan = pd.DataFrame(
        {
            "influencer_id": ["a", "b", "c"],
            "current_spend": [300_000.0, 100_000.0, 50_000.0],
            "recommended_spend": [110_000.0, 167_200.0, 50_000.0],
        }
    )
    figure = budget.biggest_shifts(plan)
    axis = figure.layout.xaxis
    # The ends and zero labelled, level (a phone has room for three); the other round values a grid line.
    assert list(axis.tickvals) == [-300_000, 0, 300_000] and axis.tickangle == 0
    assert list(axis.ticktext) == ["−₹3.0L", "₹0", "₹3.0L"]
    assert list(axis.minor.tickvals) == [-200_000, -100_000, 100_000, 200_000]
    assert list(axis.range) == [-300_000, 300_000]
    # Each value right of its bar, a cut's right of zero (its outer end is by the names).
    values = figure.data[1]
    assert list(values.text) == ["−₹1.9L", "₹0", "+₹67,200"] and values.textposition == "middle right"
    assert list(values.x) == [0, 0, 67_200] and list(values.y) == list(figure.data[0].y)


def test_shifts_axis_in_crore_for_large_moves():
    """A ₹2.5 Cr move: every tick in Cr (never "₹50.0L" next to "₹1.0Cr")."""
    ticks = budget.shift_ticks(25_000_000)
    assert ticks["ticktext"][-1].endswith("Cr") and all(
        t == "₹0" or t.endswith("Cr") for t in ticks["ticktext"]
    )
    assert ticks["ticktext"][0].startswith("−₹")


def test_budget_caveat_speaks_plainly():
    """The caveat above the plan names no exponent: the maths is in the tooltip and docs/budget.md."""
    assert not any(word in CAVEAT for word in ("spend^b", "exponent", "Exponent", "clipped"))
    assert "each extra rupee" in CAVEAT
