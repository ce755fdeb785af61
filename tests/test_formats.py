"""Display formatting: Indian rupee grouping, short lakh/crore forms, ratios, percentages, "—" for undefined."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrics import formats as fmt


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "₹0"),
        (999, "₹999"),
        (1_000, "₹1,000"),
        (99_999, "₹99,999"),
        (100_000, "₹1,00,000"),
        (1_234_567, "₹12,34,567"),
        (123_456_789, "₹12,34,56,789"),
        (1_234_567.5, "₹12,34,568"),
        (-1_500.5, "-₹1,501"),
        (-0.4, "₹0"),
        (np.float64(2_500), "₹2,500"),
        (np.int64(7), "₹7"),
    ],
)
def test_inr_uses_indian_grouping_rounded_to_the_rupee(value, expected):
    assert fmt.inr(value) == expected


def test_inr_decimals_round_half_up_as_written():
    assert fmt.inr(2.675, decimals=2) == "₹2.68"
    assert fmt.inr(1234.5, decimals=2) == "₹1,234.50"


@pytest.mark.parametrize("undefined", [None, float("nan"), np.nan, math.inf, -math.inf, pd.NA, "12"])
def test_every_formatter_shows_undefined_as_a_dash(undefined):
    for formatter in (fmt.inr, fmt.inr_short, fmt.number, fmt.number_short, fmt.ratio, fmt.percent):
        assert formatter(undefined) == "—"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (45_678.4, "₹45,678"),
        (99_999.4, "₹99,999"),
        (99_999.6, "₹1.0L"),
        (100_000, "₹1.0L"),
        (1_234_567, "₹12.3L"),
        (1_240_000, "₹12.4L"),
        (9_949_999, "₹99.5L"),
        (9_999_999, "₹1.0Cr"),
        (12_000_000, "₹1.2Cr"),
        (1_234_000_000, "₹123.4Cr"),
        (-250_000, "-₹2.5L"),
    ],
)
def test_inr_short_switches_to_lakh_and_crore(value, expected):
    assert fmt.inr_short(value) == expected


def test_counts_ratios_and_percentages():
    assert fmt.number(1_234_567.4) == "12,34,567"
    assert fmt.number(10.25, decimals=1) == "10.3"
    assert fmt.number_short(2_500_000) == "25.0L"
    assert fmt.number_short(999) == "999"
    assert fmt.ratio(3.2149) == "3.21×"
    assert fmt.ratio(0) == "0.00×"
    assert fmt.percent(0.034) == "3.4%"
    assert fmt.percent(2.2, decimals=0, signed=True) == "+220%"
    assert fmt.percent(-0.05, signed=True) == "-5.0%"
    assert fmt.percent(0.0, signed=True) == "0.0%"


def test_roi_is_a_level_with_one_decimal_and_no_plus_sign():
    """ROI is written one way on cards, grids, the comparison, charts and reports (docs/metrics.md)."""
    assert fmt.roi(3.0634) == "306.3%"  # (revenue 4063.4 - spend 1000) / 1000
    assert fmt.roi(-0.4) == "-40.0%"  # a loss: the minus sign money takes, never "+"
    assert fmt.roi(0.00049) == "0.0%"  # rounds to zero: no sign at all
    assert fmt.roi(-0.00049) == "0.0%"
    assert fmt.roi(float("nan")) == "—"  # no spend: undefined
    assert fmt.format_kpi("roi", 3.0634) == fmt.roi(3.0634)


def test_change_is_relative_to_the_previous_value():
    assert fmt.change(112.5, 100) == "+12.5%"
    assert fmt.change(50, 100) == "-50.0%"
    assert fmt.change(-50, -100) == "+50.0%"
    assert fmt.change(5, 0) == "—"
    assert fmt.change(None, 10) == "—"


def test_format_kpi_picks_the_card_format_per_column():
    assert fmt.format_kpi("revenue", 1_240_000) == "₹12.4L"
    assert fmt.format_kpi("roas", 3.214) == "3.21×"
    assert fmt.format_kpi("roi", 2.2) == "220.0%"
    assert fmt.format_kpi("conversion_rate", 0.125) == "12.5%"
    assert fmt.format_kpi("orders", 1234.4) == "1,234"
    assert fmt.format_kpi("cpe", 0.456) == "₹0.46"
    assert fmt.format_kpi("iroas", float("nan")) == "—"


@given(st.integers(min_value=0, max_value=10**15))
def test_indian_grouping_keeps_the_digits_in_groups_of_two_then_three(value):
    text = fmt.group_indian(str(value))
    groups = text.split(",")
    assert text.replace(",", "") == str(value)
    assert len(groups[-1]) <= 3
    if len(groups) > 1:
        assert len(groups[-1]) == 3
        assert all(len(group) == 2 for group in groups[1:-1])
        assert 1 <= len(groups[0]) <= 2
