"""The bad-input corpus (tests/bad_inputs) through ``metrics.ingest`` and the upload callback.

Each case breaks one file of a small valid dataset in exactly one way; the expected outcome is written
in the case itself (tests/bad_inputs/generate.py). The corpus is written to disk and read with
``read_dir``, as the CLI and ``DATA_DIR`` read it; then every case is uploaded, as a data URL, onto a
loaded valid dataset through ``callbacks.data.update_uploads`` (tests/browser/test_bad_uploads.py sends a
selection of them through a real browser).
"""

from __future__ import annotations

import base64
import datetime as dt
import json

import pandas as pd
import pytest
from dash import no_update

from metrics import spend
from metrics.dataset import FILES, InputRejected
from metrics.ingest import parse_file, read_dir

try:
    from tests.bad_inputs import generate
except ImportError:  # tests/ itself on sys.path (pytest's default import mode)
    from bad_inputs import generate

CASES, ROW_COUNTS, TODAY, Case = generate.CASES, generate.ROW_COUNTS, generate.TODAY, generate.Case


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Return the folder the corpus is written to (one sub-folder per case, and ``valid``)."""
    out = tmp_path_factory.mktemp("bad_inputs")
    generate.write(out)
    return out


def quality_rows(dataset) -> list[tuple]:
    return [
        (r.file, None if pd.isna(r.row) else int(r.row), r.column, r.problem, r.action)
        for r in dataset.quality.itertuples()
    ]


def test_valid_dataset_reads_without_a_finding(corpus):
    dataset = read_dir(corpus / "valid", today=TODAY)
    assert quality_rows(dataset) == []
    assert spend.payout_findings(dataset).empty
    assert (
        {name: len(dataset.frame(name)) for name in FILES}
        == ROW_COUNTS
        == {
            "influencers": 3,
            "posts": 4,
            "tracking": 5,
            "payouts": 3,
        }
    )


def test_corpus_covers_every_file_with_one_defect_per_case():
    names = [case.name for case in CASES]
    assert len(names) == len(set(names)) >= 30
    assert {case.file for case in CASES} == set(FILES)
    for case in CASES:
        # One defect: the other three files are the valid ones.
        others = {name: data for name, data in case.sources().items() if name != case.file}
        assert others == {name: data for name, data in generate.valid_files().items() if name != case.file}
        assert case.content != generate.valid_files()[case.file]


@pytest.mark.parametrize("case", [c for c in CASES if c.rejected], ids=lambda c: c.name)
def test_unusable_file_is_rejected_naming_file_and_problem(corpus, case: Case):
    with pytest.raises(InputRejected) as caught:
        read_dir(corpus / case.name, today=TODAY)
    message = str(caught.value)
    assert caught.value.file == case.file
    assert message.startswith(f"{case.file}: ")
    assert "\n" not in message
    for fragment in case.rejected:
        assert fragment in message


@pytest.mark.parametrize("case", [c for c in CASES if c.rejected], ids=lambda c: c.name)
def test_rejection_of_an_upload_names_the_users_file_or_column(case: Case):
    """Given the user's file name (as an upload is), the message quotes it or names the column."""
    with pytest.raises(InputRejected) as caught:
        parse_file(case.file, case.content, filename=f"{case.name}.csv", today=TODAY)
    problem = caught.value.problem
    assert f"{case.name}.csv" in problem or "column" in problem


@pytest.mark.parametrize("case", [c for c in CASES if not c.rejected], ids=lambda c: c.name)
def test_accepted_file_has_its_exact_report_and_keeps_the_good_rows(corpus, case: Case):
    dataset = read_dir(corpus / case.name, today=TODAY)
    assert quality_rows(dataset) == list(case.quality)
    assert {name: len(dataset.frame(name)) for name in FILES} == case.row_counts()
    for file, row, column, expected in case.values:
        actual = dataset.frame(file).at[row, column]
        if expected is pd.NA:
            assert actual is pd.NA, (file, row, column, actual)
        else:
            assert actual == expected, (file, row, column, actual)
    for file, columns in case.columns.items():
        assert tuple(dataset.frame(file).columns) == columns


def test_number_too_large_for_an_integer_is_reported_not_wrapped():
    """A count beyond int64 would silently wrap to a negative number; it is refused per cell instead."""
    header = "influencer_id,name,category,gender,follower_count,platform\n"
    text = header + "A,Asha,Fitness,Female,99999999999999999999999,Instagram\nB,Bala,Tech,Male,10,YouTube\n"
    parsed = parse_file("influencers", text, today=TODAY)
    assert parsed.frame["influencer_id"].tolist() == ["B"]
    assert parsed.frame["follower_count"].tolist() == [10]
    assert parsed.quality[["row", "column", "problem", "action"]].values.tolist() == [
        [2, "follower_count", "number too large", "row dropped"]
    ]
    # 5e18 still fits an int64; an optional count beyond it is cleared, not the row dropped.
    posts = (
        "influencer_id,platform,date,url,caption,reach,likes,comments,views\n"
        "A,Instagram,2025-01-05,u,c,100,1,1,5000000000000000000\n"
        "A,Instagram,2025-01-06,u,c,100,1,1,₹1e19\n"
    )
    parsed = parse_file("posts", posts, today=TODAY)
    assert parsed.frame["views"].iloc[0] == 5_000_000_000_000_000_000
    assert parsed.frame["views"].iloc[1] is pd.NA
    assert parsed.quality[["row", "column", "problem", "action"]].values.tolist() == [
        [3, "views", "number too large", "value cleared"]
    ]


def test_generate_cli_writes_the_corpus_and_its_manifest(tmp_path, capsys):
    assert generate.main([str(tmp_path / "out")]) == 0
    manifest = json.loads((tmp_path / "out" / "cases.json").read_text("utf-8"))
    assert [entry["case"] for entry in manifest] == [case.name for case in CASES]
    binary = next(entry for entry in manifest if entry["case"] == "posts_binary")
    assert binary["outcome"] == "rejected" and binary["file"] == "posts"
    for folder in ("valid", *(case.name for case in CASES)):
        assert sorted(p.name for p in (tmp_path / "out" / folder).iterdir()) == sorted(
            f"{name}.csv" for name in FILES
        )
    assert (tmp_path / "out" / "posts_empty_file" / "posts.csv").stat().st_size == 0
    assert f"wrote {len(CASES)} cases" in capsys.readouterr().out


# -- the upload callback ------------------------------------------------------------------------------

UPLOAD_LIMIT = 200 * 1024 * 1024


def data_url(payload: bytes) -> str:
    """Return a file as ``dcc.Upload`` hands it to the server."""
    return "data:text/csv;base64," + base64.b64encode(payload).decode()


def alert(message) -> tuple[str, list[str]]:
    """Return an upload message's colour and lines."""
    return message.color, [line.children for line in message.children]


@pytest.fixture(scope="module")
def uploads(tmp_path_factory):
    """Return the upload callback's module and the store of the valid dataset, uploaded as four files."""
    from app import create_app
    from callbacks import data

    cache_dir = tmp_path_factory.mktemp("bad_upload_cache")
    dash_app = create_app({"CACHE_DIR": str(cache_dir), "TESTING": True, "AUTOLOAD_DEMO": False})
    with dash_app.server.test_request_context():
        valid = generate.valid_files()
        store, message, *_ = data.update_uploads(
            [data_url(valid[name]) for name in FILES],
            [f"{name}.csv" for name in FILES],
            None,
            UPLOAD_LIMIT,
            None,
        )
        assert alert(message)[0] == "success"
        assert store["summary"]["rows"] == ROW_COUNTS and store["summary"]["quality_rows"] == 0
        yield data, store


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_upload_onto_loaded_data_is_refused_or_applied_as_ingest_says(uploads, case: Case):
    """
    A refused upload shows the library's message and keeps the data in use; an accepted one replaces just
    its file, and the dataset's report is the case's (the app dates "future" from the machine's today).
    """
    from store import datasets

    data, valid_store = uploads
    filename = f"{case.name}.csv"
    slot = FILES.index(case.file)
    contents = [data_url(case.content) if i == slot else None for i in range(len(FILES))]
    names = [filename if i == slot else None for i in range(len(FILES))]
    store, message, *cleared = data.update_uploads(contents, names, valid_store, UPLOAD_LIMIT, None)
    colour, lines = alert(message)
    assert cleared == [None] * len(FILES)
    if case.rejected:
        assert store is no_update
        assert colour == "danger"
        assert lines[0].startswith(f"{case.file}: ")
        assert all(fragment in lines[0] for fragment in case.rejected), lines
        assert lines[1] == "The data already loaded stays in use."
        return
    dropped = sum(
        1 for file, *_, action in case.quality if file == case.file and action.startswith("row dropped")
    )
    kept = case.row_counts()[case.file]
    assert colour == "success"
    assert lines == [
        f"{case.file}.csv: loaded {kept:,} rows from {filename}"
        + (f", {dropped} dropped (see the report below)." if dropped else ".")
    ]
    assert store["key"] != valid_store["key"]
    assert store["summary"]["rows"] == case.row_counts()
    assert store["summary"]["files"][case.file]["source"] == f"upload:{filename}"
    assert store["summary"]["files"][case.file]["rows_dropped"] == dropped
    today = dt.date.today().isoformat()
    expected = [
        (file, row, column, problem.replace(TODAY.isoformat(), today), action)
        for file, row, column, problem, action in case.quality
    ]
    assert quality_rows(datasets.load(store["key"])) == expected
