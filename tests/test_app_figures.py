"""Overview figures: weekly or daily sums, rupee axis labels, top-N bars."""

from __future__ import annotations

import pandas as pd

from figures import overview
from metrics import periods


def trends(dates: list[str], revenue: list[float], spend: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {"date": pd.to_datetime(dates), "campaign": "C", "revenue": revenue, "orders": 1.0, "spend": spend}
    )


def test_short_ranges_are_daily_and_zero_filled():
    """Within 92 days every day appears, days without rows as zero."""
    sums, unit = periods.period_sums(trends(["2025-04-01", "2025-04-03"], [10.0, 30.0], [5.0, 0.0]))
    assert unit == "day"
    assert sums["revenue"].tolist() == [10.0, 0.0, 30.0]
    assert sums["spend"].tolist() == [5.0, 0.0, 0.0]


def test_long_ranges_are_summed_per_monday_week():
    """Over 92 days, sums are per week starting on Monday (2025-04-02 is a Wednesday)."""
    sums, unit = periods.period_sums(
        trends(["2025-04-02", "2025-04-06", "2025-04-07", "2025-07-15"], [1.0, 2.0, 4.0, 8.0], [0.0] * 4)
    )
    assert unit == "week"
    assert sums["period"].iloc[0] == pd.Timestamp("2025-03-31")
    assert sums["revenue"].iloc[:2].tolist() == [3.0, 4.0]
    assert sums["revenue"].sum() == 15.0


def test_a_few_days_get_one_tick_per_day_so_no_label_repeats():
    """Three days would get 12-hourly ticks, each day's "%d %b" label twice; a long range is left to plotly."""
    short = overview.revenue_spend_over_time(trends(["2025-04-01", "2025-04-03"], [10.0, 30.0], [5.0, 0.0]))
    assert (short.layout.xaxis.dtick, short.layout.xaxis.tick0) == (86_400_000, "2025-04-01")
    days = pd.date_range("2025-04-01", periods=30).strftime("%Y-%m-%d").tolist()
    month = overview.revenue_spend_over_time(trends(days, [1.0] * 30, [1.0] * 30))
    assert month.layout.xaxis.dtick is None and month.layout.xaxis.tickformat == "%d %b"


def test_rupee_ticks_use_lakh_labels():
    """Axis ticks are round steps labelled like the cards (₹1.5L), never 150k."""
    values, labels = overview.rupee_ticks(230_000)
    assert values == [0.0, 50_000.0, 100_000.0, 150_000.0, 200_000.0, 250_000.0]
    assert labels[-1] == "₹2.5L"


def test_bars_show_the_top_rows_by_revenue():
    """Only the top rows by revenue are drawn, largest at the top."""
    table = pd.DataFrame({"campaign": list("ABCD"), "revenue": [5.0, 40.0, 10.0, 20.0], "spend": [1.0] * 4})
    figure = overview.revenue_spend_bars(table, "campaign", top=3)
    revenue = next(trace for trace in figure.data if trace.name == "Revenue")
    assert list(revenue.y) == ["C", "D", "B"]  # plotly draws the first category at the bottom
    assert list(revenue.x) == [10.0, 20.0, 40.0]
