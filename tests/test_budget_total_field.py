"""The optimizer's total budget field says, next to it, why a value typed cannot be used."""

from __future__ import annotations

import math

import pytest

from callbacks import payouts as tab
from layouts import ids
from layouts import payouts as payouts_layout


@pytest.mark.parametrize("total", [-1, -0.01, -500_000, math.nan, math.inf])
def test_a_negative_or_undefined_total_is_marked_invalid_with_the_reason(total):
    invalid, message = tab.total_feedback(total)
    assert invalid is True
    assert message == "Enter an amount of ₹0 or more, or leave it empty for the current total spend."
    # The plan area refuses it with the same words instead of planning the current total.
    assert tab.bounds_problem(total, 0.5, 2.0) == message


@pytest.mark.parametrize("total", [None, 0, 0.0, 1_000_000])
def test_an_empty_zero_or_positive_total_is_accepted(total):
    assert tab.total_feedback(total) == (False, "")
    assert tab.bounds_problem(total, 0.5, 2.0) is None


def test_the_field_has_its_message_slot_and_lets_negative_amounts_through():
    """Without min=0 the browser sends -5 (not an empty value that would mean "current total")."""
    layout = payouts_layout.budget_controls()
    field = next(c for c in layout._traverse() if getattr(c, "id", None) == ids.BUDGET_TOTAL)
    assert getattr(field, "min", None) is None
    feedback = next(c for c in layout._traverse() if getattr(c, "id", None) == ids.BUDGET_TOTAL_FEEDBACK)
    assert feedback.type == "invalid"
