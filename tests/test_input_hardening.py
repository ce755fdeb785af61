"""Pathological inputs: very wide headers, header cells over the csv field limit, non-web post links.

* a header of more than ``MAX_COLUMNS`` columns is rejected naming the file, before any parsing;
* influencers.csv keeps at most ``MAX_EXTRA_COLUMNS`` columns outside the contract, the rest reported;
* a ``csv.Error`` while reading the header is the usual rejection naming the file (never an HTTP 500);
* a post URL that is not http(s) (``javascript:``, ``data:``) is kept as text and reported.
"""

from __future__ import annotations

import base64
import time

import pytest
from dash import no_update

from callbacks import data
from metrics import ingest
from metrics.dataset import InputRejected
from metrics.ingest import parse

INFLUENCER_HEADER = "influencer_id,name,category,gender,follower_count,platform"


def influencers_with_extras(extras: int, rows: int = 3) -> bytes:
    header = INFLUENCER_HEADER + "".join(f",x{i}" for i in range(extras))
    body = "".join(f"I{r},N{r},Fitness,Female,100,Instagram" + ",v" * extras + "\n" for r in range(rows))
    return (header + "\n" + body).encode()


def test_a_header_over_the_column_limit_is_rejected_naming_the_file_before_parsing(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(parse, "read_table", refuse)
    monkeypatch.setattr(parse, "map_columns", refuse)
    wide = influencers_with_extras(100_000 - 6, rows=1)
    started = time.perf_counter()
    with pytest.raises(InputRejected) as raised:
        ingest.parse_file("influencers", wide, filename="wide.csv")
    assert time.perf_counter() - started < 5
    assert str(raised.value) == (
        "influencers: wide.csv has 100,000 columns, over the limit of 1,000; "
        "remove the columns the dashboard does not use"
    )


def test_exactly_the_column_limit_is_read():
    parsed = ingest.parse_file("influencers", influencers_with_extras(ingest.MAX_COLUMNS - 6))
    assert len(parsed.frame) == 3


def test_extra_columns_beyond_fifty_are_dropped_and_reported():
    parsed = ingest.parse_file("influencers", influencers_with_extras(53))
    extras = [c for c in parsed.frame.columns if c.startswith("x")]
    assert extras == [f"x{i}" for i in range(50)]
    row = parsed.quality.iloc[0]
    assert len(parsed.quality) == 1
    assert row["value"] == "x50, x51, x52"
    assert row["problem"] == "3 extra columns beyond the first 50 (columns outside the contract)"
    assert row["action"] == "columns dropped"


def test_fifty_extra_columns_are_all_kept_without_a_finding():
    parsed = ingest.parse_file("influencers", influencers_with_extras(50))
    assert sum(c.startswith("x") for c in parsed.frame.columns) == 50
    assert parsed.quality.empty


@pytest.mark.parametrize("quoted", [False, True])
def test_a_header_cell_over_the_csv_field_limit_is_a_rejection_naming_the_file(quoted):
    cell = "x" * 200_000
    header = f'"{cell}"' if quoted else cell
    with pytest.raises(InputRejected) as raised:
        ingest.parse_file("posts", f"{header},b\n1,2\n".encode(), filename="long.csv")
    message = str(raised.value)
    assert message == "posts: long.csv cannot be read as CSV (field larger than field limit (131072))"
    assert "xxx" not in message


def test_the_data_tab_shows_the_csv_error_as_a_rejection():
    url = "data:text/csv;base64," + base64.b64encode(b'"' + b"y" * 200_000 + b'",b\n1,2\n').decode()
    store, message, *_ = data.update_uploads(
        [None, url, None, None], [None, "long.csv", None, None], None, 10**7, None
    )
    assert store is no_update
    assert "long.csv cannot be read as CSV" in str(message)


POSTS_HEADER = "influencer_id,platform,date,url,caption,reach,likes,comments\n"


def test_post_urls_that_are_not_http_are_kept_as_text_and_reported():
    rows = [
        "https://example.com/p/1",
        "javascript:alert(1)",
        "HTTP://EXAMPLE.COM/p/2",
        "data:text/html,<b>x</b>",
        "",
        " JavaScript:alert(2)",
    ]
    body = "".join(f'A,Instagram,2025-01-0{i + 1},"{url}",c,100,1,1\n' for i, url in enumerate(rows))
    parsed = ingest.parse_file("posts", (POSTS_HEADER + body).encode())
    assert parsed.frame["url"].tolist()[:4] == rows[:4]
    assert parsed.frame["url"].iloc[5] == "JavaScript:alert(2)"
    assert len(parsed.frame) == 6
    found = parsed.quality[parsed.quality["problem"] == "not an http(s) URL"]
    assert found["row"].tolist() == [3, 5, 7]
    assert found["value"].tolist() == [
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "JavaScript:alert(2)",
    ]
    assert set(found["action"]) == {"kept as text"}
    assert set(found["column"]) == {"url"}


def test_a_scheme_split_by_a_tab_is_still_reported():
    body = 'A,Instagram,2025-01-01,"java\tscript:alert(1)",c,100,1,1\n'
    found = ingest.parse_file("posts", (POSTS_HEADER + body).encode()).quality
    assert found["problem"].tolist() == ["not an http(s) URL"]


def test_http_urls_and_text_without_a_scheme_give_no_finding():
    body = "".join(
        f"A,Instagram,2025-01-0{i + 1},{url},c,100,1,1\n"
        for i, url in enumerate(["https://example.com/p/1", "http://x.io", "u", "instagram.com/p/1"])
    )
    assert ingest.parse_file("posts", (POSTS_HEADER + body).encode()).quality.empty
