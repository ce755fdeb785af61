"""One upload at a time per worker: a second big request waits briefly, then gets a "busy, retry" answer.

The slot is taken before a big body is read (server/upload_slot.py), so concurrent oversized requests
cannot multiply a worker's memory; the Data tab's parses take it too. The holder here is another
thread, as a concurrent request would be under gunicorn's threaded workers.
"""

from __future__ import annotations

import base64
import io
import json
import threading

import pytest
from dash import no_update

from callbacks import data
from layouts import ids
from metrics.dataset import FILES
from server import upload_slot

BIG = upload_slot.BIG_REQUEST_BYTES + 1


@pytest.fixture
def held(monkeypatch):
    """Hold the upload slot in another thread until the test ends; waits are shortened to 0.2 s."""
    monkeypatch.setattr(upload_slot, "WAIT_SECONDS", 0.2)
    taken, done = threading.Event(), threading.Event()

    def hold():
        with upload_slot.upload_slot():
            taken.set()
            done.wait(30)

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert taken.wait(5)
    yield
    done.set()
    thread.join(5)


@pytest.fixture
def server_app(tmp_path):
    from app import create_app

    return create_app(
        {"CACHE_DIR": str(tmp_path / "cache"), "LIBRARY_DIR": str(tmp_path / "lib"), "AUTOLOAD_DEMO": False}
    )


def upload_body(app, payload: bytes) -> bytes:
    url = "data:text/csv;base64," + base64.b64encode(payload).decode()
    body = {
        "output": next(key for key in app.callback_map if f"{ids.UPLOAD['payouts']}.contents" in key),
        "outputs": [
            {"id": ids.DATASET_STORE, "property": "data"},
            {"id": ids.UPLOAD_MESSAGE, "property": "children"},
            *[{"id": ids.UPLOAD[name], "property": "contents"} for name in FILES],
            *[{"id": ids.UPLOAD_PROGRESS[name], "property": "hidden"} for name in FILES],
        ],
        "inputs": [
            {"id": ids.UPLOAD[name], "property": "contents", "value": url if name == "payouts" else None}
            for name in FILES
        ],
        "changedPropIds": [f"{ids.UPLOAD['payouts']}.contents"],
        "state": [
            *[
                {
                    "id": ids.UPLOAD[name],
                    "property": "filename",
                    "value": "p.csv" if name == "payouts" else None,
                }
                for name in FILES
            ],
            {"id": ids.DATASET_STORE, "property": "data", "value": None},
        ],
    }
    return json.dumps(body).encode()


def payouts(rows: int) -> bytes:
    return ("influencer_id,basis,total_payout\n" + "".join(f"I{i},post,100\n" for i in range(rows))).encode()


def test_a_big_callback_request_gets_the_busy_message_while_another_upload_runs(
    server_app, held, monkeypatch
):
    def refuse(*_args, **_kwargs):
        raise AssertionError("the upload was parsed")

    monkeypatch.setattr(data.datasets, "parse_bytes", refuse)
    body = upload_body(server_app, b"A" * BIG)
    assert len(body) > upload_slot.BIG_REQUEST_BYTES
    response = server_app.server.test_client().post(
        "/_dash-update-component", data=body, content_type="application/json"
    )
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["response"] == {}
    assert answer["sideUpdate"][ids.UPLOAD_MESSAGE]["children"] == upload_slot.BUSY_MESSAGE
    assert "Retry" in upload_slot.BUSY_MESSAGE
    assert all(answer["sideUpdate"][ids.UPLOAD[name]] == {"contents": None} for name in FILES)


def test_small_callback_requests_are_not_held_up(server_app, held):
    """Filter changes and the like never wait for an upload."""
    client = server_app.server.test_client()
    response = client.post("/_dash-update-component", json={"output": "x", "inputs": []})
    assert "busy" not in response.get_data(as_text=True)


def test_the_api_answers_503_with_retry_after_while_another_upload_runs(server_app, held):
    files = {
        name: (io.BytesIO(b"x" * BIG if name == "tracking" else b"a\n"), f"{name}.csv") for name in FILES
    }
    response = server_app.server.test_client().post(
        "/api/datasets", data=files, content_type="multipart/form-data"
    )
    assert response.status_code == 503
    assert response.get_json() == {"error": upload_slot.API_BUSY}
    assert response.headers["Retry-After"] == "5"


def test_the_data_tab_parses_one_upload_at_a_time(held):
    url = "data:text/csv;base64," + base64.b64encode(payouts(2)).decode()
    store, message, *cleared = data.update_uploads(
        [None, None, None, url], [None, None, None, "p.csv"], None, 10**7, None
    )
    assert store is no_update and cleared == [None] * 4
    assert upload_slot.BUSY_MESSAGE in str(message.to_plotly_json())


def test_a_big_upload_goes_through_and_frees_the_slot(server_app):
    payload = payouts(80_000)
    assert len(payload) > upload_slot.BIG_REQUEST_BYTES
    response = server_app.server.test_client().post(
        "/_dash-update-component", data=upload_body(server_app, payload), content_type="application/json"
    )
    answer = response.get_json()
    assert "payouts.csv: loaded 80,000 rows" in json.dumps(answer["response"][ids.UPLOAD_MESSAGE])
    free = []

    def probe():
        with upload_slot.upload_slot(wait=1):
            free.append(True)

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join()
    assert free == [True]


def test_an_oversized_file_is_refused_from_its_length_without_decoding(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("decoded")

    monkeypatch.setattr(data.base64, "b64decode", refuse)
    junk = "data:text/csv;base64," + "QUFB" * 300_000  # 900,000 bytes once decoded
    with pytest.raises(data.InputRejected, match=r"over the 0\.5 MB upload limit"):
        data.decode_upload("payouts", junk, "junk.csv", 512 * 1024)


class CountingStream(io.BytesIO):
    """A request body that counts how often it is read."""

    reads = 0

    def read(self, *args):
        CountingStream.reads += 1
        return super().read(*args)

    def readinto(self, buffer):
        CountingStream.reads += 1
        return super().readinto(buffer)

    def read1(self, *args):
        CountingStream.reads += 1
        return super().read1(*args)


def test_a_big_callback_body_is_read_in_one_call_and_decoded_once(server_app):
    """werkzeug's reader takes a body in 64 KiB steps (a 1 GiB junk upload took 40 s); one read takes 1.4 s."""
    body = upload_body(server_app, payouts(80_000))
    CountingStream.reads = 0
    response = server_app.server.test_client().post(
        "/_dash-update-component",
        input_stream=CountingStream(body),
        content_length=len(body),
        content_type="application/json",
    )
    assert "payouts.csv: loaded 80,000 rows" in response.get_data(as_text=True)
    assert CountingStream.reads == 1


def test_a_big_body_that_is_not_json_is_a_400(server_app):
    response = server_app.server.test_client().post(
        "/_dash-update-component", data=b"{" + b"x" * BIG, content_type="application/json"
    )
    assert response.status_code == 400
