"""Validated ingest: header matching, encodings, value parsing, the data-quality report, cross-file checks."""

from __future__ import annotations

import base64
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics import ingest
from metrics.dataset import FILES, OPTIONAL, REQUIRED, InputRejected
from metrics.ingest import ParsedFile, build_dataset, parse_file, read_dir, read_files, template_csv

TODAY = dt.date(2025, 6, 1)

INFLUENCERS = (
    "influencer_id,name,category,gender,follower_count,platform\n"
    "A,Asha,Fitness,Female,1000,Instagram\n"
    "B,Bala,Tech,Male,20000,YouTube\n"
)
POSTS = (
    "influencer_id,platform,date,url,caption,reach,likes,comments\n"
    "A,Instagram,2025-01-05,https://x/1,hello,1000,50,5\n"
    "B,YouTube,2025-01-06,https://x/2,hi,2000,100,10\n"
)
TRACKING = (
    "source,campaign,influencer_id,user_id,product,date,orders,revenue\n"
    "influencer,Launch,A,U1,Whey,2025-01-05,1,1299.5\n"
    "organic,,,U2,Whey,2025-01-06,0,0\n"
)
PAYOUTS = "influencer_id,basis,total_payout\nA,post,5000\nB,order,1200\n"


def parse(name: str, text: str | bytes, **kwargs) -> ParsedFile:
    return parse_file(name, text, today=TODAY, **kwargs)


def problems(parsed: ParsedFile | pd.DataFrame) -> list[tuple]:
    """Return the report as (row, column, value, problem, action) tuples, row None when empty."""
    quality = parsed.quality if isinstance(parsed, ParsedFile) else parsed
    return [
        (None if pd.isna(r.row) else int(r.row), r.column, r.value, r.problem, r.action)
        for r in quality.itertuples()
    ]


# -- header matching ----------------------------------------------------------------------------------


def test_synonyms_and_header_spelling_map_to_canonical_columns():
    text = (
        " ID ,Influencer Name,Niche,Sex,Followers (count),Platform-Name,Agency\n"
        "A,Asha,Fitness,Female,1000,Instagram,Blue\n"
    )
    parsed = parse("influencers", text)
    assert list(parsed.frame.columns) == [*REQUIRED["influencers"], "agency"]
    assert parsed.frame.iloc[0].to_dict() == {
        "influencer_id": "A",
        "name": "Asha",
        "category": "Fitness",
        "gender": "Female",
        "follower_count": 1000,
        "platform": "Instagram",
        "agency": "Blue",
    }
    assert parsed.columns["follower_count"] == "Followers (count)"
    assert parsed.columns["influencer_id"] == "ID"


def test_camel_case_headers_are_split_into_words():
    parsed = parse("payouts", "influencerId,Basis,totalPayout\nA,post,10\n")
    assert list(parsed.frame.columns) == ["influencer_id", "basis", "total_payout", "rate"]


def test_impressions_then_views_stand_in_for_reach():
    with_impressions = parse(
        "posts",
        "influencer_id,platform,date,url,caption,impressions,views,likes,comments\nA,IG,2025-01-05,u,c,900,700,1,1\n",
    )
    assert with_impressions.frame.loc[0, "reach"] == 900
    assert with_impressions.frame.loc[0, "views"] == 700  # views stays its own column
    views_only = parse(
        "posts", "influencer_id,platform,date,url,caption,views,likes,comments\nA,IG,2025-01-05,u,c,700,1,1\n"
    )
    assert views_only.frame.loc[0, "reach"] == 700
    assert views_only.columns["reach"] == "views"


def test_payout_amount_synonym_and_rate_always_present():
    parsed = parse("payouts", "Influencer,Basis,Amount\nA,post,10\n")
    assert parsed.frame.loc[0, "total_payout"] == 10.0
    assert np.isnan(parsed.frame.loc[0, "rate"])


def test_missing_column_message_names_it_and_lists_columns_found():
    with pytest.raises(InputRejected) as caught:
        parse("influencers", "influencer_id,name,Category,gender,platform\nA,Asha,Fitness,F,IG\n")
    message = str(caught.value)
    assert caught.value.file == "influencers"
    assert "missing required column follower_count" in message
    assert "columns found: influencer_id, name, Category, gender, platform" in message
    assert "\n" not in message


def test_two_columns_mapping_to_one_name_are_rejected():
    with pytest.raises(InputRejected, match="'Reach' and 'reach' both map to reach"):
        parse("posts", "influencer_id,platform,date,url,caption,Reach,reach ,likes,comments\n")
    with pytest.raises(InputRejected, match="both map to follower_count"):
        parse("influencers", "influencer_id,name,category,gender,followers,no. of followers,platform\n")


def test_canonical_name_wins_over_a_synonym():
    text = "id,influencer_id,name,category,gender,follower_count,platform\n9,A,Asha,F,F,1,IG\n"
    parsed = parse("influencers", text)
    assert parsed.frame.loc[0, "influencer_id"] == "A"
    assert parsed.frame.loc[0, "id"] == "9"  # an extra column, kept as text


# -- encodings and delimiters ---------------------------------------------------------------------------


def test_utf8_bom_is_ignored():
    parsed = parse("influencers", INFLUENCERS.encode("utf-8-sig"))
    assert parsed.frame["influencer_id"].tolist() == ["A", "B"]
    assert parsed.quality.empty


def test_cp1252_file_is_decoded():
    text = INFLUENCERS.replace("Asha", "Zoë").replace("Bala", "Café")
    parsed = parse("influencers", text.encode("cp1252"))
    assert parsed.frame["name"].tolist() == ["Zoë", "Café"]
    assert parsed.quality.empty


def test_utf16_unicode_text_export_is_read():
    parsed = parse("influencers", INFLUENCERS.replace(",", "\t").encode("utf-16"))
    assert parsed.frame["follower_count"].tolist() == [1000, 20000]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_delimiters(delimiter):
    parsed = parse("tracking", TRACKING.replace(",", delimiter))
    assert parsed.frame["revenue"].tolist() == [1299.5, 0.0]
    assert parsed.frame["campaign"].isna().tolist() == [False, True]


def test_decimal_comma_is_read_in_a_semicolon_file():
    text = "influencer_id;basis;total_payout\nA;post;1.299,50\nB;post;12,5\nC;post;2500\n"
    assert parse("payouts", text).frame["total_payout"].tolist() == [1299.5, 12.5, 2500.0]


def test_comma_file_keeps_commas_as_thousands_separators():
    text = 'influencer_id,basis,total_payout\nA,post,"1,299"\nB,post,"12,5"\n'
    parsed = parse("payouts", text)
    assert parsed.frame["total_payout"].tolist() == [1299.0]
    assert problems(parsed) == [(3, "total_payout", "12,5", "not a number", "row dropped")]


# -- not a CSV ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00rest-of-a-workbook", "Excel workbook"),
        (b"\x00\x01\x02binary\x00stuff", "binary"),
        (b"", "empty"),
        (b" \r\n\t\n", "empty"),
        (b"\xef\xbb\xbf", "empty"),
    ],
)
def test_unusable_content_is_rejected(content, expected):
    with pytest.raises(InputRejected, match=expected) as caught:
        parse("tracking", content, filename="upload.bin")
    assert caught.value.file == "tracking"


def test_rejection_names_the_uploaded_file():
    with pytest.raises(InputRejected) as caught:
        parse("posts", b"PK\x03\x04rest", filename="Posts June.xlsx")
    assert str(caught.value) == (
        "posts: Posts June.xlsx is an Excel workbook or zip archive, not a CSV file: save it as CSV (UTF-8) and retry"
    )


def test_wrong_delimiter_everywhere_is_rejected():
    with pytest.raises(InputRejected, match="no data row has the header's 3 fields"):
        parse("payouts", "influencer_id,basis,total_payout\nA;post;1\nB;post;2\n")


def test_trailing_empty_header_cells_and_line_endings():
    crlf = "influencer_id,basis,total_payout,,\r\nA,post,1\r\nB,order,2\r\n"
    assert parse("payouts", crlf).frame["total_payout"].tolist() == [1.0, 2.0]
    short_rows = "influencer_id,basis,total_payout,,\nA,post,1\nB,order,2\n"
    assert parse("payouts", short_rows).frame["total_payout"].tolist() == [1.0, 2.0]
    carriage_returns = "influencer_id,basis,total_payout\rA,post,1\rB,order,2\r"
    assert parse("payouts", carriage_returns).frame["basis"].tolist() == ["post", "order"]


def test_multi_line_caption_counts_as_one_row():
    text = (
        POSTS.splitlines()[0]
        + '\nA,IG,2025-01-05,u,"line one\nline two, with comma",10,1,1\nB,IG,2025-01-05,u,c,-1,1,1\n'
    )
    parsed = parse("posts", text)
    assert parsed.frame.loc[0, "caption"] == "line one\nline two, with comma"
    assert problems(parsed) == [(3, "reach", "-1", "negative number", "row dropped")]


def test_header_only_file_is_an_empty_typed_frame():
    parsed = parse("tracking", TRACKING.splitlines()[0] + "\n")
    assert parsed.frame.empty
    assert (
        parsed.frame.dtypes.astype(str).to_dict()
        == ingest.empty_frame("tracking").dtypes.astype(str).to_dict()
    )
    assert problems(parsed) == [(None, "", "", "no data rows", "read as empty")]


def test_upload_data_url_is_decoded():
    url = "data:text/csv;base64," + base64.b64encode(PAYOUTS.encode()).decode()
    assert parse("payouts", url).frame["influencer_id"].tolist() == ["A", "B"]


def test_path_sources(tmp_path):
    path = tmp_path / "payouts.csv"
    path.write_text(PAYOUTS)
    assert parse_file("payouts", path).frame["total_payout"].tolist() == [5000.0, 1200.0]
    assert parse_file("payouts", str(path)).frame["total_payout"].tolist() == [5000.0, 1200.0]
    with pytest.raises(InputRejected, match="empty"):
        empty = tmp_path / "empty.csv"
        empty.write_bytes(b"")
        parse_file("payouts", empty)


def test_max_rows_rejects_a_bigger_file():
    with pytest.raises(InputRejected, match=r"payouts\.csv has more than 1 data row, the upload limit"):
        parse("payouts", PAYOUTS, max_rows=1)
    assert len(parse("payouts", PAYOUTS, max_rows=2).frame) == 2


# -- values ---------------------------------------------------------------------------------------------


def test_currency_strings_and_thousands_separators():
    amounts = ["₹1,299.00", "Rs. 1,299", "1 299", "INR 12,34,567.50", "₹ 1,299/-", "$5", "12,000", "(100)"]
    text = "influencer_id,basis,total_payout\n" + "".join(f'A{i},post,"{a}"\n' for i, a in enumerate(amounts))
    parsed = parse("payouts", text)
    assert parsed.frame["total_payout"].tolist() == [1299.0, 1299.0, 1299.0, 1234567.5, 1299.0, 5.0, 12000.0]
    assert problems(parsed) == [(9, "total_payout", "(100)", "negative number", "row dropped")]


def test_counts_with_separators_and_suffixes():
    text = (
        INFLUENCERS.splitlines()[0]
        + "\n"
        + "".join(f'I{i},N,C,F,"{v}",IG\n' for i, v in enumerate(["12,000", "1.2M", "15k", "2.5L", "3.5"]))
    )
    parsed = parse("influencers", text)
    assert parsed.frame["follower_count"].tolist() == [12_000, 1_200_000, 15_000, 250_000]
    assert problems(parsed) == [(6, "follower_count", "3.5", "not a whole number", "row dropped")]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=10**11),
            st.sampled_from(["western", "indian", "plain"]),
            st.sampled_from(["₹", "₹ ", "Rs. ", "Rs", "INR ", ""]),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_any_formatted_amount_parses_back(amounts):
    """Paise amounts written with ₹/Rs./INR and Western or Indian grouping read back exactly."""

    def written(paise: int, grouping: str, symbol: str) -> str:
        rupees, fraction = divmod(paise, 100)
        digits = str(rupees)
        if grouping == "western":
            digits = f"{rupees:,}"
        elif grouping == "indian" and len(digits) > 3:
            head, tail = digits[:-3], digits[-3:]
            pairs = [head[max(0, i - 2) : i] for i in range(len(head), 0, -2)][::-1]
            digits = ",".join([*pairs, tail])
        return f"{symbol}{digits}.{fraction:02d}"

    rows = "".join(f'I{i},post,"{written(*amount)}"\n' for i, amount in enumerate(amounts))
    parsed = parse("payouts", "influencer_id,basis,total_payout\n" + rows)
    assert parsed.quality.empty
    assert parsed.frame["total_payout"].tolist() == [paise / 100 for paise, _, _ in amounts]


def test_day_first_dates_by_default_and_time_of_day_dropped():
    text = (
        TRACKING.splitlines()[0]
        + "\n"
        + (
            "organic,,,U1,Whey,05/01/2025,0,0\n"
            "organic,,,U1,Whey,25/01/2025 18:45,0,0\n"
            "organic,,,U1,Whey,2025-01-26T23:59:59,0,0\n"
        )
    )
    dates = parse("tracking", text).frame["date"]
    assert dates.dtype == "datetime64[ns]"
    assert dates.tolist() == [pd.Timestamp(d) for d in ["2025-01-05", "2025-01-25", "2025-01-26"]]


def test_iso_timestamps_lose_their_time_of_day():
    text = TRACKING.splitlines()[0] + "\norganic,,,U1,Whey,2025-01-05 10:30:00,0,0\n"
    assert parse("tracking", text).frame["date"].tolist() == [pd.Timestamp("2025-01-05")]


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("2025-01-07", "2025-01-07"),
        ("2025/01/07", "2025-01-07"),
        ("20250107", "2025-01-07"),
        ("07.01.2025", "2025-01-07"),
        ("07-01-25", "2025-01-07"),
        ("7 Jan 2025", "2025-01-07"),
        ("Jan 7, 2025", "2025-01-07"),
        ("07/01/2025 6:45 PM", "2025-01-07"),
        ("2025-01-07T02:00:00+05:30", "2025-01-07"),
        ("2025-01-07T23:30:00Z", "2025-01-07"),
    ],
)
def test_date_formats_read_as_the_written_calendar_day(written, day):
    text = (
        TRACKING.splitlines()[0] + f'\norganic,,,U1,Whey,"{written}",0,0\norganic,,,U1,Whey,2025-01-01,0,0\n'
    )
    parsed = parse("tracking", text)
    assert parsed.frame["date"].tolist() == [pd.Timestamp(day), pd.Timestamp("2025-01-01")]
    assert parsed.quality.empty


def test_month_first_column_is_read_month_first():
    text = (
        TRACKING.splitlines()[0]
        + "\n"
        + ("organic,,,U1,Whey,01/05/2025,0,0\norganic,,,U1,Whey,07/25/2025,0,0\n")
    )
    parsed = parse_file("tracking", text, today=dt.date(2026, 1, 1))
    assert parsed.frame["date"].tolist() == [pd.Timestamp("2025-01-05"), pd.Timestamp("2025-07-25")]
    assert parsed.quality.empty


def test_column_mixing_day_first_and_month_first_is_reported():
    text = (
        TRACKING.splitlines()[0]
        + "\n"
        + (
            "organic,,,U1,Whey,25/07/2025,0,0\n"
            "organic,,,U1,Whey,07/26/2025,0,0\n"
            "organic,,,U1,Whey,03/04/2025,0,0\n"
        )
    )
    parsed = parse_file("tracking", text, today=dt.date(2026, 1, 1))
    assert parsed.frame["date"].tolist() == [
        pd.Timestamp(d) for d in ["2025-07-25", "2025-07-26", "2025-04-03"]
    ]
    assert problems(parsed) == [
        (
            None,
            "date",
            "25/07/2025, 07/26/2025",
            "column mixes day-first and month-first dates",
            "each date read in the order it shows; 1 ambiguous dates read day-first",
        )
    ]


def test_unparseable_and_impossible_dates_drop_the_row():
    text = (
        TRACKING.splitlines()[0]
        + "\norganic,,,U1,Whey,31/02/2025,0,0\norganic,,,U1,Whey,soon,0,0\n"
        + ("organic,,,U1,Whey,2025-01-01,0,0\n")
    )
    parsed = parse("tracking", text)
    assert len(parsed.frame) == 1
    assert problems(parsed) == [
        (2, "date", "31/02/2025", "not a date", "row dropped"),
        (3, "date", "soon", "not a date", "row dropped"),
    ]


def test_basis_is_normalised_and_an_unknown_basis_drops_the_row():
    text = "influencer_id,basis,total_payout\nA,Post,1\nB,per_order,2\nC,ORDER,3\nD,per post,4\nE,monthly,5\n"
    parsed = parse("payouts", text)
    assert parsed.frame["basis"].tolist() == ["post", "order", "order", "post"]
    assert problems(parsed) == [
        (6, "basis", "monthly", "unknown basis (expected post or order)", "row dropped")
    ]


def test_padding_spaces_are_trimmed():
    parsed = parse("tracking", TRACKING.replace(",A,", ",  A ,").replace("Launch", " Launch"))
    assert parsed.frame.loc[0, "influencer_id"] == "A"
    assert parsed.frame.loc[0, "campaign"] == "Launch"


def test_spelling_differing_only_in_case_is_unified():
    text = INFLUENCERS + "C,Chitra,Fitness,Female,5,instagram\nD,Dev,Fitness,Male,5,Instagram\n"
    parsed = parse("influencers", text)
    assert parsed.frame["platform"].tolist() == ["Instagram", "YouTube", "Instagram", "Instagram"]
    assert problems(parsed) == [
        (
            4,
            "platform",
            "instagram",
            "same value spelt differently (letter case or spaces)",
            "read as Instagram",
        )
    ]


# -- row-level problems ---------------------------------------------------------------------------------


def test_negative_numbers_drop_the_row_and_name_file_row_column():
    text = POSTS + "A,Instagram,2025-01-07,https://x/3,bad,1000,-4,5\n"
    parsed = parse("posts", text)
    assert len(parsed.frame) == 2
    row = parsed.quality.iloc[0]
    assert (row["file"], row["row"], row["column"], row["value"], row["problem"], row["action"]) == (
        "posts",
        4,
        "likes",
        "-4",
        "negative number",
        "row dropped",
    )
    assert parsed.rows_read == 3
    assert parsed.rows_dropped == 1


def test_blank_orders_read_as_zero_but_blank_required_text_drops_the_row():
    text = TRACKING.splitlines()[0] + "\norganic,,,U1,Whey,2025-01-01,,\norganic,,,,Whey,2025-01-01,0,0\n"
    parsed = parse("tracking", text)
    assert parsed.frame[["orders", "revenue"]].values.tolist() == [[0, 0.0]]
    assert parsed.frame["orders"].dtype == "int64"
    assert problems(parsed) == [
        (3, "user_id", "", "missing value", "row dropped"),
        (2, "orders", "", "missing value", "read as 0"),
        (2, "revenue", "", "missing value", "read as 0"),
    ]


def test_bad_optional_value_is_cleared_not_dropped():
    text = "influencer_id,platform,date,url,caption,reach,likes,comments,shares\n" + (
        "A,IG,2025-01-05,u,c,100,1,1,lots\nA,IG,2025-01-06,u,c,100,1,1,\nA,IG,2025-01-07,u,c,100,1,1,3\n"
    )
    parsed = parse("posts", text)
    assert parsed.frame["shares"].tolist() == [pd.NA, pd.NA, 3]
    assert parsed.frame["shares"].dtype == "Int64"
    assert problems(parsed) == [(2, "shares", "lots", "not a number", "value cleared")]


def test_duplicate_influencer_ids_keep_the_first_row():
    text = INFLUENCERS + "A,Other Asha,Tech,Female,5,YouTube\n"
    parsed = parse("influencers", text)
    assert parsed.frame["name"].tolist() == ["Asha", "Bala"]
    assert problems(parsed) == [
        (4, "influencer_id", "A", "duplicate influencer_id", "row dropped; the same id on row 2 is kept")
    ]


def test_a_bad_first_row_does_not_shadow_a_good_duplicate():
    text = INFLUENCERS.splitlines()[0] + "\nA,Bad,Tech,Female,-1,YouTube\nA,Good,Tech,Female,5,YouTube\n"
    parsed = parse("influencers", text)
    assert parsed.frame["name"].tolist() == ["Good"]


def test_future_dates_are_kept_and_warned_relative_to_today():
    text = POSTS + "A,Instagram,2025-06-02,https://x/3,soon,1000,1,1\n"
    parsed = parse("posts", text)
    assert len(parsed.frame) == 3
    assert problems(parsed) == [(4, "date", "2025-06-02", "date after today (2025-06-01)", "kept")]
    assert parse_file("posts", text, today=dt.date(2025, 6, 2)).quality.empty


def test_likes_and_comments_above_reach_are_kept_and_warned():
    text = POSTS + "A,Instagram,2025-01-07,https://x/3,viral,100,90,20\n"
    parsed = parse("posts", text)
    assert len(parsed.frame) == 3
    assert problems(parsed) == [(4, "reach", "90 + 20 > 100", "likes + comments exceed reach", "kept")]


def test_rows_with_a_wrong_field_count_are_dropped_and_numbered_like_a_spreadsheet():
    text = PAYOUTS + "\nC,post,1,extra\n   \nD,post,-2\nE,post,7\n"
    parsed = parse("payouts", text)
    assert parsed.frame["influencer_id"].tolist() == ["A", "B", "E"]
    assert parsed.line_numbers().tolist() == [2, 3, 8]
    assert problems(parsed) == [
        (5, "", "C,post,1,extra", "wrong number of fields", "row dropped (expected 3 fields, found 4)"),
        (7, "total_payout", "-2", "negative number", "row dropped"),
    ]
    assert parsed.rows_read == 5


def test_report_is_capped_per_column_and_problem_with_a_count_of_the_rest():
    text = "influencer_id,basis,total_payout\n" + "".join(f"I{i},post,-{i + 1}\n" for i in range(10))
    parsed = parse("payouts", text, report_cap=3)
    assert problems(parsed) == [
        (2, "total_payout", "-1", "negative number", "row dropped"),
        (3, "total_payout", "-2", "negative number", "row dropped"),
        (4, "total_payout", "-3", "negative number", "row dropped"),
        (None, "total_payout", "", "negative number (7 more rows not listed)", "row dropped"),
    ]
    assert parsed.rows_dropped == 10


def test_good_rows_are_always_kept():
    good = [f"I{i},post,{i}\n" for i in range(5)]
    bad = ["X1,post,-1\n", "X2,weekly,1\n", "X3,post,abc\n", ",post,1\n", "X5,post\n"]
    lines = [row for pair in zip(good, bad, strict=True) for row in pair]
    parsed = parse("payouts", "influencer_id,basis,total_payout\n" + "".join(lines))
    assert parsed.frame["influencer_id"].tolist() == [f"I{i}" for i in range(5)]
    assert parsed.frame["total_payout"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert sorted(parsed.quality["row"].tolist()) == [3, 5, 7, 9, 11]


# -- cross-file checks ----------------------------------------------------------------------------------


def dataset_of(**texts: str):
    return build_dataset({name: parse(name, text) for name, text in texts.items()})


def test_unknown_influencer_ids_are_kept_and_reported():
    tracking = TRACKING + "influencer,Launch,Z,U3,Whey,2025-01-07,1,10\n"
    dataset = dataset_of(influencers=INFLUENCERS, posts=POSTS, tracking=tracking, payouts=PAYOUTS)
    assert "Z" in dataset.tracking["influencer_id"].dropna().tolist()
    assert problems(dataset.quality) == [
        (4, "influencer_id", "Z", "influencer_id not in influencers.csv", "kept as an unknown influencer")
    ]
    assert dataset.quality["file"].tolist() == ["tracking"]


def test_influencers_without_payouts_are_flagged():
    dataset = dataset_of(
        influencers=INFLUENCERS,
        posts=POSTS,
        tracking=TRACKING,
        payouts="influencer_id,basis,total_payout\nA,post,1\n",
    )
    assert problems(dataset.quality) == [
        (3, "influencer_id", "B", "no payout row in payouts.csv", "kept with spend 0")
    ]


def test_rebuilding_from_a_dataset_report_does_not_duplicate_cross_file_rows():
    tracking = (
        TRACKING
        + "influencer,Launch,Z,U3,Whey,2025-01-07,-1,10\ninfluencer,Launch,Z,U3,Whey,2025-01-07,1,10\n"
    )
    texts = {
        "influencers": INFLUENCERS,
        "tracking": tracking,
        "payouts": "influencer_id,basis,total_payout\nA,post,1\n",
    }
    parsed = {name: parse(name, text) for name, text in texts.items()}
    first = build_dataset(parsed)
    # A dashboard keeps each file's frame, its rows of the dataset's report and its line numbers.
    again = build_dataset(
        {
            name: ParsedFile(
                first.frame(name),
                first.quality[first.quality["file"] == name].reset_index(drop=True),
                p.rows_read,
                p.rows_dropped,
                lines=p.lines,
            )
            for name, p in parsed.items()
        }
    )
    assert problems(again.quality) == problems(first.quality)
    assert [(p[0], p[3]) for p in problems(first.quality)] == [
        (3, "no payout row in payouts.csv"),
        (None, "file not provided"),
        (4, "negative number"),
        (5, "influencer_id not in influencers.csv"),
    ]


def test_missing_file_is_an_empty_frame_reported_once():
    dataset = dataset_of(influencers=INFLUENCERS, posts=POSTS, tracking=TRACKING)
    assert dataset.payouts.empty
    assert list(dataset.payouts.columns) == ["influencer_id", "basis", "total_payout", "rate"]
    assert problems(dataset.quality) == [(None, "", "", "file not provided", "read as empty")]
    assert dataset.quality["file"].tolist() == ["payouts"]


def test_row_numbers_of_cross_file_findings_follow_dropped_rows():
    tracking = (
        TRACKING + "influencer,Launch,A,U3,Whey,bad-date,1,10\ninfluencer,Launch,Q,U3,Whey,2025-01-07,1,10\n"
    )
    dataset = dataset_of(influencers=INFLUENCERS, posts=POSTS, tracking=tracking, payouts=PAYOUTS)
    unknown = dataset.quality[dataset.quality["problem"] == "influencer_id not in influencers.csv"]
    assert unknown["row"].tolist() == [5]


# -- whole-dataset entry points -------------------------------------------------------------------------


def test_templates_form_a_clean_dataset():
    dataset = read_files({name: template_csv(name) for name in FILES}, today=TODAY)
    assert dataset.quality.empty
    assert dataset.payouts["basis"].tolist() == ["post", "order"]
    assert dataset.tracking["influencer_id"].isna().tolist() == [False, True]


def test_templates_have_every_required_column():
    for name in FILES:
        header = template_csv(name).splitlines()[0].split(",")
        assert set(REQUIRED[name]) <= set(header) <= set(REQUIRED[name]) | set(OPTIONAL[name])


def test_read_dir_matches_names_case_insensitively(tmp_path):
    for name, text in {"Influencers.CSV": INFLUENCERS, "posts.csv": POSTS, "TRACKING.csv": TRACKING}.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(InputRejected, match=r"payouts\.csv not found") as caught:
        read_dir(tmp_path, today=TODAY)
    assert caught.value.file == "payouts"
    (tmp_path / "Payouts.csv").write_text(PAYOUTS)
    dataset = read_dir(tmp_path, today=TODAY)
    assert len(dataset.tracking) == 2
    assert dataset.quality.empty


def test_read_files_accepts_file_names_as_keys():
    dataset = read_files({"Payouts.csv": PAYOUTS}, today=TODAY)
    assert len(dataset.payouts) == 2
    assert sorted(dataset.quality["file"]) == ["influencers", "posts", "tracking"]


def test_frame_contract_dtypes():
    dataset = read_files(
        {"influencers": INFLUENCERS, "posts": POSTS, "tracking": TRACKING, "payouts": PAYOUTS}, today=TODAY
    )
    assert dataset.influencers["follower_count"].dtype == "int64"
    assert dataset.posts["date"].dtype == "datetime64[ns]"
    assert dataset.posts[["reach", "likes", "comments"]].dtypes.tolist() == ["int64"] * 3
    assert dataset.tracking["revenue"].dtype == "float64"
    assert dataset.tracking["orders"].dtype == "int64"
    assert isinstance(dataset.tracking["user_id"].dtype, pd.StringDtype)
    for column in ["source", "campaign", "influencer_id", "product"]:
        assert isinstance(dataset.tracking[column].dtype, pd.CategoricalDtype)
        assert isinstance(dataset.tracking[column].cat.categories.dtype, pd.StringDtype)
    assert dataset.tracking["campaign"].cat.categories.tolist() == ["Launch"]
    assert pd.isna(dataset.tracking.loc[1, "campaign"])
    assert dataset.quality["row"].dtype == "Int64"
    assert isinstance(dataset.tracking.index, pd.RangeIndex)


def test_docs_list_every_column_and_synonym():
    from pathlib import Path

    from metrics.schema import SCHEMA

    docs = (Path(__file__).parents[1] / "docs" / "data-contract.md").read_text()
    for name, columns in SCHEMA.items():
        section = docs.split(f"### {name}.csv")[1].split("###")[0]
        for column, spec in columns.items():
            row = next(line for line in section.splitlines() if line.startswith(f"| `{column}` |"))
            for tier in spec.synonyms:
                for synonym in tier:
                    assert f"`{synonym}`" in row, (name, column, synonym)


def test_quality_report_has_the_contract_dtypes():
    parsed = parse("payouts", "influencer_id,basis,total_payout\nA,post,-1\n")
    assert parsed.quality.dtypes.astype(str).tolist() == [
        "string",
        "Int64",
        "string",
        "string",
        "string",
        "string",
    ]
    assert list(parsed.quality.columns) == ["file", "row", "column", "value", "problem", "action"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(alphabet="ab \t", max_size=4), min_size=1, max_size=30))
def test_text_is_trimmed_whatever_the_padding(campaigns):
    """Leading or trailing spaces and tabs go, inner ones stay; a value of only blanks is empty."""
    rows = "".join(f'organic,"{c}",,U1,Whey,2025-01-01,0,0\n' for c in campaigns)
    parsed = parse("tracking", TRACKING.splitlines()[0] + "\n" + rows)
    expected = [c.strip(" \t") or None for c in campaigns]
    assert [None if pd.isna(v) else v for v in parsed.frame["campaign"]] == expected
