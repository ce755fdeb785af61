"""The load test (benchmarks/load.py) against a real gunicorn with the file cache, on the XS workload.

Twenty simulated browsers upload their own copy of XS at once and go through the dashboard; none may
see an error, an expired or empty state, or another user's data. The checks themselves are tested on
the same server: a page fed another user's files, and a session whose key is unknown, must be reported.
"""

from __future__ import annotations

import pytest

from benchmarks import ensure_workload
from benchmarks import load as load_test
from benchmarks.serving import served
from layouts import ids

USERS = 20
FILTER_CHANGES = 2


@pytest.fixture(scope="module")
def workload(tmp_path_factory):
    return ensure_workload("XS", root=tmp_path_factory.mktemp("workloads")).path


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with served("file", tmp_path_factory.mktemp("load-gunicorn"), workers=2, threads=4) as app:
        yield app


@pytest.mark.slow
def test_twenty_users_at_once_get_no_error_and_only_their_own_data(server, workload):
    """20 users, one journey each: zero errors, a new key per upload, each saw its own names, both workers."""
    result = load_test.run_load(server.url, workload, users=USERS, iterations=1, filter_count=FILTER_CHANGES)

    assert result.errors == []
    assert result.journeys == USERS
    # The four files are uploaded one by one: four keys per user, none shared.
    assert sorted(result.keys) == list(range(USERS))
    assert all(len(user_keys) == 4 for user_keys in result.keys.values())
    keys = [key for user_keys in result.keys.values() for key in user_keys]
    assert len(set(keys)) == 4 * USERS
    assert result.own_data_seen == dict.fromkeys(range(USERS), 1)
    assert len(result.workers) == 2
    # Uploads go out on new connections: some add their file to a dataset the other worker stored.
    assert result.follow_up_uploads == 3 * USERS
    assert result.cross_worker_uploads > 0
    # Per journey: 3 page requests, 3 tab switches (Data, Overview, Influencers), 4 uploads, 2 filter
    # option callbacks, the session / KPI row after the upload and after each filter change, the Overview
    # after the switch and after each change, the Influencers tab, one export.
    expected = {
        "page": 3,
        "restore": 1,
        "tab switch": 3,
        "upload": 4,
        "filter options": 2,
        "session": 1 + FILTER_CHANGES,
        "kpis": 1 + FILTER_CHANGES,
        "tab body": 1 + FILTER_CHANGES + 1,
        "export": 1,
    }
    assert {kind: len(values) for kind, values in result.samples.items()} == {
        kind: count * USERS for kind, count in expected.items()
    }
    assert load_test.server_errors(server) == []


@pytest.mark.slow
def test_a_user_seeing_another_users_data_is_an_error(server, workload):
    """User 0's page given user 5's files: every answer naming loaduser005 counts an error."""
    result = load_test.LoadResult()
    page = load_test.DashPage(server.url, 0, result)
    with pytest.raises(load_test.JourneyFailed):
        load_test.journey(page, load_test.user_files(workload, 5), filter_count=0)
    assert result.errors and all("saw the data of user(s) [5]" in error for error in result.errors)
    page.close()


@pytest.mark.slow
def test_an_expired_session_is_an_error(server):
    """A session store whose key the cache does not hold: the KPI row's "expired" state is reported."""
    result = load_test.LoadResult()
    page = load_test.DashPage(server.url, 3, result)
    page.open()
    page.props[(ids.SESSION_STORE, "data")] = {"key": "no-such-key", "filters": {}, "model": "last_touch"}
    page.show("kpis", f"{ids.KPI_MAIN}.children", [f"{ids.SESSION_STORE}.data"])
    page.close()
    assert result.errors == [
        "user 003 kpis: kpi-main.children shows 'Your data expired' where data should be"
    ]
    assert len(result.samples["kpis"]) == 1


@pytest.mark.slow
def test_the_upload_payload_is_the_renderers(server):
    """The upload callback's body has the shape a headless Chromium sends for one file in the first area."""
    page = load_test.DashPage(server.url, 0, load_test.LoadResult())
    page.open()
    page.props[(ids.UPLOAD["influencers"], "contents")] = "data:text/csv;base64,aWQK"
    page.props[(ids.UPLOAD["influencers"], "filename")] = "influencers.csv"
    changed = [f"{ids.UPLOAD['influencers']}.contents"]
    payload = page.payload(f"{ids.DATASET_STORE}.data", changed, trigger=changed[0])
    page.close()

    output = payload["output"]
    suffix = output.split("data@", 1)[1].split(".", 1)[0]  # the allow_duplicate hash Dash gave the callback
    others = ("posts", "tracking", "payouts")
    assert (
        output
        == f"..dataset-store.data@{suffix}...upload-message.children@{suffix}..."
        + "...".join(f"upload-{name}.contents" for name in ("influencers", *others))
        + "..."
        + "...".join(f"upload-progress-{name}.hidden" for name in ("influencers", *others))
        + ".."
    )
    assert payload == {
        "output": output,
        "outputs": [
            {"id": "dataset-store", "property": f"data@{suffix}"},
            {"id": "upload-message", "property": f"children@{suffix}"},
            *({"id": f"upload-{name}", "property": "contents"} for name in ("influencers", *others)),
            *({"id": f"upload-progress-{name}", "property": "hidden"} for name in ("influencers", *others)),
        ],
        "inputs": [
            {"id": "upload-influencers", "property": "contents", "value": "data:text/csv;base64,aWQK"},
            *({"id": f"upload-{name}", "property": "contents"} for name in others),
        ],
        "changedPropIds": ["upload-influencers.contents"],
        "parsedChangedPropsIds": ["upload-influencers.contents"],
        "state": [
            {"id": "upload-influencers", "property": "filename", "value": "influencers.csv"},
            *({"id": f"upload-{name}", "property": "filename"} for name in others),
            {"id": "dataset-store", "property": "data"},
        ],
    }
