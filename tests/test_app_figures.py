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


def test_a_range_ending_on_a_tuesday_marks_its_last_week_as_2_of_7_days():
    """2025-04-01 (Tue) to 2025-07-15 (Tue): first week holds Tue-Sun (6 days), last week Mon-Tue (2 days)."""
    days = pd.date_range("2025-04-01", "2025-07-15")
    sums, unit = periods.period_sums(
        trends(list(days.strftime("%Y-%m-%d")), [700.0] * len(days), [70.0] * len(days))
    )
    coverage = periods.period_coverage(sums["period"], unit, days.min(), days.max())
    assert unit == "week"
    assert coverage["days"].tolist() == [6] + [7] * 14 + [2]
    assert coverage["length"].unique().tolist() == [7]


def test_the_partial_week_is_lighter_dotted_and_named_in_hover_and_note():
    days = pd.date_range("2025-04-07", "2025-07-15")  # a Monday to a Tuesday
    figure = overview.revenue_spend_over_time(
        trends(list(days.strftime("%Y-%m-%d")), [700.0] * len(days), [70.0] * len(days))
    )
    spend = next(trace for trace in figure.data if trace.name == "Spend")
    revenue = next(trace for trace in figure.data if trace.name == "Revenue")
    dotted = next(trace for trace in figure.data if trace.type == "scatter" and trace.line.dash == "dot")
    assert list(spend.marker.opacity) == [1.0] * 14 + [overview.PARTIAL_OPACITY]
    assert spend.customdata[-1][1] == "<br>partial week: 2 of 7 days"
    assert spend.customdata[0][1] == ""
    # The solid line stops at the last full week (4,900 per week); the dotted one runs on to the 1,400 of 2 days.
    assert pd.isna(revenue.y[-1]) and revenue.y[-2] == 4_900.0
    assert list(dotted.y[:2]) == [4_900.0, 1_400.0]
    assert pd.Timestamp(dotted.x[1]) == pd.Timestamp("2025-07-14")
    assert "partial week<br>(week of 14 Jul: 2 of 7 days)" in figure.layout.annotations[0].text


def test_whole_weeks_and_days_are_not_marked_partial():
    days = pd.date_range("2025-04-07", "2025-07-13")  # Monday to Sunday
    weekly = overview.revenue_spend_over_time(
        trends(list(days.strftime("%Y-%m-%d")), [1.0] * len(days), [1.0] * len(days))
    )
    daily = overview.revenue_spend_over_time(trends(["2025-04-01", "2025-04-03"], [10.0, 30.0], [5.0, 0.0]))
    for figure in (weekly, daily):
        assert len(figure.data) == 2 and not figure.layout.annotations
        assert set(figure.data[0].marker.opacity) == {1.0}


def test_trend_axes_have_titles_with_units():
    days = pd.date_range("2025-04-07", "2025-07-13")
    weekly = overview.revenue_spend_over_time(
        trends(list(days.strftime("%Y-%m-%d")), [1.0] * len(days), [1.0] * len(days))
    )
    daily = overview.revenue_spend_over_time(trends(["2025-04-01", "2025-04-03"], [10.0, 30.0], [5.0, 0.0]))
    assert weekly.layout.yaxis.title.text == "Revenue and spend (₹)"
    assert weekly.layout.xaxis.title.text == "Week starting (Monday)"
    assert daily.layout.xaxis.title.text == "Day"


def test_money_ticks_from_0_to_1_2_lakh_use_one_unit():
    """0-1.2L steps by 25,000: every label in lakh (₹0.25L), none in plain rupees like ₹50,000."""
    values, labels = overview.rupee_ticks(120_000)
    assert values == [0.0, 25_000.0, 50_000.0, 75_000.0, 100_000.0, 125_000.0]
    assert labels == ["₹0", "₹0.25L", "₹0.50L", "₹0.75L", "₹1.00L", "₹1.25L"]
    figure = overview.revenue_spend_over_time(
        trends(["2025-04-01", "2025-04-02"], [120_000.0, 10.0], [1.0, 1.0])
    )
    assert list(figure.layout.yaxis.ticktext) == labels


def test_ticks_under_a_lakh_stay_plain_and_over_a_crore_are_all_crore():
    assert overview.rupee_ticks(45_000)[1] == ["₹0", "₹10,000", "₹20,000", "₹30,000", "₹40,000", "₹50,000"]
    assert overview.rupee_ticks(34_000_000)[1] == ["₹0", "₹1.0Cr", "₹2.0Cr", "₹3.0Cr", "₹4.0Cr"]


def test_campaign_trend_charts_title_their_axes_with_units():
    from figures import campaigns

    data = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-04-01", "2025-04-02", "2025-04-01"]),
            "campaign": ["A", "A", "B"],
            "revenue": [10.0, 20.0, 5.0],
            "orders": 1.0,
            "spend": [1.0, 2.0, 3.0],
        }
    )
    compared = campaigns.compare_trends(data, ["A", "B"])
    assert compared.layout.yaxis.title.text == "Revenue and spend to date (₹)"
    assert compared.layout.xaxis.title.text == "Day"
    per_day = campaigns.compare_trends(data, ["A"], cumulative=False)
    assert per_day.layout.yaxis.title.text == "Revenue and spend per day (₹)"
    small = campaigns.trends_by_campaign(data)
    assert small.layout.yaxis.title.text == "₹ per day"
    assert small.layout.yaxis2.title.text is None  # the second column shares the first one's scale
    assert small.layout.xaxis.title.text == "Day"
