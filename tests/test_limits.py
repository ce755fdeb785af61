"""Upload limits: the row limit answers before the file is parsed, the request limit fits the uploads.

* ``MAX_ROWS``: ``metrics.ingest.parse_file(..., max_rows=n)`` refuses a bigger file, naming the file
  and the limit, before the full parse (a line count, then a streaming count that stops past the
  limit);
* ``MAX_UPLOAD_MB``: the Data tab refuses a bigger file from its data URL's length, before decoding;
* Flask's ``MAX_CONTENT_LENGTH`` (server/config.py) fits the biggest request the Data tab can send
  (four files at the limit, base64-encoded), and a bigger request gets a message, never a silent 413.
"""

from __future__ import annotations

import base64
import io
import json

import pyarrow.csv as pacsv
import pytest
from dash import no_update

from callbacks import data
from layouts import ids
from metrics import ingest
from metrics.dataset import FILES, InputRejected
from metrics.ingest import parse
from server import config

PAYOUT_HEADER = "influencer_id,basis,total_payout\n"


def payouts_csv(rows: int, line_end: str = "\n") -> str:
    """Return a payouts.csv with ``rows`` valid rows (ids I0, I1, ...)."""
    body = "".join(f"I{i},post,100{line_end}" for i in range(rows))
    return PAYOUT_HEADER.replace("\n", line_end) + body


def data_url(payload: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(payload).decode()


@pytest.fixture
def no_full_parse(monkeypatch):
    """Make the full parse fail loudly: a test using this proves the answer came before it."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("the whole file was parsed")

    monkeypatch.setattr(parse, "read_table", refuse)


@pytest.fixture
def streamed_batches(monkeypatch):
    """Count the batches the streaming row count reads (a list with one count per reader)."""
    counts: list[int] = []
    original = pacsv.open_csv

    def counting_open_csv(*args, **kwargs):
        reader = original(*args, **kwargs)
        counts.append(0)

        def batches():
            for batch in reader:
                counts[-1] += 1
                yield batch

        return batches()

    monkeypatch.setattr(pacsv, "open_csv", counting_open_csv)
    return counts


# --- MAX_ROWS: counted before parsing ---------------------------------------------------------------


def test_a_file_over_the_row_limit_is_refused_before_parsing(no_full_parse):
    """One row over the limit: refused with the file's name and the limit, without the full parse."""
    with pytest.raises(InputRejected) as refused:
        ingest.parse_file("payouts", payouts_csv(4), filename="pay.csv", max_rows=3)
    assert refused.value.file == "payouts"
    assert refused.value.problem.startswith("pay.csv has more than 3 data rows, the upload limit;")
    assert "DATA_DIR" in refused.value.problem


def test_the_row_limit_counts_rows_not_lines():
    """Exactly the limit passes, blank lines and a quoted line break do not count, CR-only files do."""
    assert ingest.parse_file("payouts", payouts_csv(3), max_rows=3).rows_read == 3
    # 3 rows on 7 lines: two blank lines and a quoted value spanning two lines.
    spaced = PAYOUT_HEADER + 'I0,post,100\n\n"I\n1",post,100\n\nI2,post,100\n'
    assert ingest.parse_file("payouts", spaced, max_rows=3).rows_read == 3
    with pytest.raises(InputRejected, match="more than 2 data rows"):
        ingest.parse_file("payouts", spaced, max_rows=2)
    # Old Mac line ends (CR only): 4 rows on one "line" for a newline count.
    with pytest.raises(InputRejected, match="more than 3 data rows"):
        ingest.parse_file("payouts", payouts_csv(4, line_end="\r"), max_rows=3)
    assert ingest.parse_file("payouts", payouts_csv(3, line_end="\r"), max_rows=3).rows_read == 3


def test_rows_with_a_wrong_field_count_count_towards_the_limit():
    """A broken row is read (and reported) like the parse reads it, so it counts; a line of spaces does not."""
    text = PAYOUT_HEADER + "I0,post,100\nI1,post\n   \nI2,post,100\n"
    assert ingest.parse_file("payouts", text, max_rows=3).rows_read == 3
    with pytest.raises(InputRejected, match="more than 2 data rows"):
        ingest.parse_file("payouts", text, max_rows=2)


def test_the_streaming_count_stops_soon_after_the_limit(streamed_batches, no_full_parse):
    """A 200,000-row file over a 1,000-row limit: the count reads its first block only (1 MB of ~4 MB)."""
    big = payouts_csv(200_000).encode()
    assert len(big) > 3 * 2**20
    with pytest.raises(InputRejected, match="more than 1,000 data rows"):
        ingest.parse_file("payouts", big, max_rows=1_000)
    assert streamed_batches == [1]


def test_a_file_under_the_limit_is_not_counted_twice(streamed_batches):
    """A file with fewer lines than the limit skips the streaming count: only the newline count runs."""
    assert ingest.parse_file("payouts", payouts_csv(50), max_rows=1_000).rows_read == 50
    assert streamed_batches == []


# --- MAX_UPLOAD_MB and MAX_ROWS in the Data tab --------------------------------------------------


def test_the_data_tab_names_each_refused_file_and_its_limit(monkeypatch, no_full_parse):
    """Too big (never decoded) and too many rows (never parsed): both named with their limits, nothing loaded."""
    decoded: list[int] = []
    decode = base64.b64decode

    def spy(encoded, *args, **kwargs):
        decoded.append(len(encoded))
        return decode(encoded, *args, **kwargs)

    monkeypatch.setattr(data.base64, "b64decode", spy)
    too_big = data_url(b"x" * (3 * 2**19))  # 1.5 MB
    too_long = data_url(payouts_csv(11).encode())
    value, message, *cleared = data.update_uploads(
        [too_big, None, None, too_long], ["inf.csv", None, None, "long.csv"], {"key": "k"}, 2**20, 10
    )
    text = json.dumps(message.to_plotly_json(), default=str)
    assert value is no_update and cleared == [None] * 4
    assert decoded == [len(too_long.partition(",")[2])]  # the over-size file was refused undecoded
    assert "influencers: inf.csv is 1.5 MB, over the 1 MB upload limit" in text
    assert "payouts: long.csv has more than 10 data rows, the upload limit" in text
    assert "The data already loaded stays in use." in text


# --- the server's request limit ----------------------------------------------------------------------


def test_the_request_limit_fits_four_files_at_the_upload_limit():
    """At 200 MB per file: four base64 data URLs (4 × 279,620,268 bytes) fit, with at most 16 MB to spare."""
    limit = config.max_request_bytes({"MAX_UPLOAD_MB": 200})
    four_files = 4 * 4 * -(-200 * 2**20 // 3)
    assert four_files == 1_118_481_072
    assert four_files < limit <= four_files + 16 * 2**20


@pytest.fixture
def small_app(tmp_path):
    """An app taking files of at most 0.5 MB (so requests of at most ~10.7 MB)."""
    from app import create_app

    return create_app({"CACHE_DIR": str(tmp_path / "cache"), "AUTOLOAD_DEMO": False, "MAX_UPLOAD_MB": 0.5})


def upload_request(app, contents: list[str | None], names: list[str | None]) -> dict:
    """Return the body the Dash renderer posts for the Data tab's upload callback."""
    outputs = [
        {"id": ids.DATASET_STORE, "property": "data"},
        {"id": ids.UPLOAD_MESSAGE, "property": "children"},
        *[{"id": ids.UPLOAD[name], "property": "contents"} for name in FILES],
        *[{"id": ids.UPLOAD_PROGRESS[name], "property": "hidden"} for name in FILES],
    ]
    return {
        "output": next(key for key in app.callback_map if f"{ids.UPLOAD['payouts']}.contents" in key),
        "outputs": outputs,
        "inputs": [
            {"id": ids.UPLOAD[name], "property": "contents", "value": value}
            for name, value in zip(FILES, contents, strict=True)
        ],
        "changedPropIds": [f"{ids.UPLOAD['payouts']}.contents"],
        "state": [
            *[
                {"id": ids.UPLOAD[name], "property": "filename", "value": value}
                for name, value in zip(FILES, names, strict=True)
            ],
            {"id": ids.DATASET_STORE, "property": "data", "value": None},
        ],
    }


def test_the_app_sets_the_request_limit_from_the_settings(small_app):
    """At 0.5 MB per file: 4 × (699,052 bytes of base64 + 1,024) + 8 MiB = 11,188,912 bytes."""
    assert small_app.server.config["MAX_CONTENT_LENGTH"] == 11_188_912


def test_the_biggest_upload_the_data_tab_allows_is_accepted(small_app):
    """Four files of exactly MAX_UPLOAD_MB reach the upload callback (parsed, each reported)."""
    per_file = config.max_upload_bytes(small_app.server.config)
    rows = payouts_csv(40_000).encode()[:per_file]
    payload = rows[: rows.rfind(b"\n") + 1]
    payload += b"#" * (per_file - len(payload))  # pad to exactly the limit (a last, broken row)
    assert len(payload) == per_file
    body = upload_request(small_app, [data_url(payload)] * 4, ["a.csv", "b.csv", "c.csv", "d.csv"])
    raw = json.dumps(body).encode()
    assert len(raw) > 4 * per_file * 4 / 3
    response = small_app.server.test_client().post(
        "/_dash-update-component", data=raw, content_type="application/json"
    )
    assert response.status_code == 200
    answer = response.get_json()
    assert "sideUpdate" not in answer
    message = json.dumps(answer["response"][ids.UPLOAD_MESSAGE])
    assert "payouts.csv: loaded" in message


def test_a_request_over_the_limit_gets_the_upload_message(small_app):
    """A body one byte over MAX_CONTENT_LENGTH: no output changes; the upload message says why; areas emptied."""
    limit = small_app.server.config["MAX_CONTENT_LENGTH"]
    body = b'{"output": "x", "padding": "' + b"A" * limit + b'"}'
    response = small_app.server.test_client().post(
        "/_dash-update-component", data=body, content_type="application/json"
    )
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["response"] == {}
    side = answer["sideUpdate"]
    assert side[ids.UPLOAD_MESSAGE]["children"] == (
        f"The upload is larger than the server accepts ({limit / 2**20:.0f} MB per request: 4 files of at "
        "most 0.5 MB each). Nothing was loaded; the data already loaded stays in use."
    )
    assert all(side[ids.UPLOAD[name]] == {"contents": None} for name in FILES)


def test_the_api_answers_json_413_naming_the_limit(small_app):
    """Declared over four files of MAX_UPLOAD_MB, or streamed past MAX_CONTENT_LENGTH: a JSON 413 with the limit."""
    client = small_app.server.test_client()
    declared = client.post(
        "/api/datasets",
        data=b"A" * (4 * 2**19 + 70_000),
        content_type="multipart/form-data; boundary=x",
    )
    assert declared.status_code == 413
    assert declared.get_json() == {
        "error": "the upload is larger than 4 files of 0.5 MB, the upload limit",
        "limit_mb": 0.5,
    }
    limit = small_app.server.config["MAX_CONTENT_LENGTH"]
    part = b'--x\r\nContent-Disposition: form-data; name="posts"; filename="p.csv"\r\n\r\n'
    streamed = client.post(
        "/api/datasets",
        input_stream=io.BytesIO(part + b"A" * limit),
        content_type="multipart/form-data; boundary=x",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert streamed.status_code == 413
    assert streamed.get_json() == {
        "error": f"the request is larger than the server's limit of {limit / 2**20:.0f} MB",
        "limit": limit,
    }
