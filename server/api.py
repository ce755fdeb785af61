"""A small HTTP API over the dashboard's own store and cache (docs/deployment.md, "HTTP API").

* ``POST /api/datasets`` — multipart with the four CSV files (fields ``influencers``, ``posts``,
  ``tracking``, ``payouts``); the same ingest, size and row limits as the Data tab. Answers 201 with
  ``{"key", "rows", "rows_dropped", "quality_rows"}``. With a ``name`` form field the dataset is also
  saved for the team (``LIBRARY_DIR``) and the answer adds its ``id`` and ``name``; a name in use is a
  409 unless ``replace=true`` is sent too.
* ``GET /api/datasets`` — the saved datasets: ``[{"id", "name", "period", "rows", "saved_at",
  "saved_by"}]``, newest first.
* ``PATCH /api/datasets/<id>`` (form field ``name``) renames a saved dataset; ``DELETE /api/datasets/<id>``
  deletes it (204, then 404).
* ``GET /api/datasets/<key>/kpis?start=..&campaign=..&model=..`` — the KPI row as JSON.
* ``GET /api/datasets/<key>/export/<file>.csv?...`` — the bytes the dashboard's export button sends.

``<key>`` is a session key (what POST returned) or a saved dataset's id.

Query parameters are those of the dashboard's URL (start, end, campaign, product, source, platform,
category, gender, tier — repeat a key for several values — and model) plus the CLI's lookback,
half_life, window and markov_by. As in the dashboard, a date on or beyond the data's own first/last date
leaves that side of the range unset. An unknown parameter or value is a 400 naming it, never silently
ignored. Session keys are random (``secrets.token_urlsafe``) and never listed: the key is the only way
to an unsaved upload. Only saved datasets are listed. An unknown or expired key is a 404
``{"error": "expired"}``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from callbacks.session import effective_dates
from metrics import export
from metrics.dataset import FILES, InputRejected
from metrics.filters import LIST_FIELDS, Filters, InvalidOption, Options, check_date, check_option
from server.config import max_upload_bytes
from server.logs import log_event, log_upload
from store import datasets, library, results
from store.filecache import StorageFull
from store.results import data_period

API_PREFIX = "/api"
OPTION_PARAMS = {"model": str, "lookback": int, "half_life": float, "window": int, "markov_by": str}
QUERY_PARAMS = frozenset({"start", "end", *LIST_FIELDS.values(), *OPTION_PARAMS})
# Multipart framing (boundaries, part headers) on top of the files' own bytes.
MULTIPART_OVERHEAD = 64 * 1024

api = Blueprint("api", __name__, url_prefix=API_PREFIX)


class ApiError(ValueError):
    """Raise for a request the API refuses; ``status`` is the HTTP status, the message says why."""

    def __init__(self, message: str, status: int = 400, **details: Any):
        self.status = status
        self.details = details
        super().__init__(message)


@api.errorhandler(ApiError)
def _bad_request(error: ApiError):
    return jsonify({"error": str(error), **error.details}), error.status


@api.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge):
    # Reached when the body outgrows MAX_CONTENT_LENGTH while it is read (a request without a
    # Content-Length); a declared length over the upload limit is refused in create_dataset first.
    limit = int(current_app.config.get("MAX_CONTENT_LENGTH") or 0)
    log_event(
        "request_too_large", logging.WARNING, path=request.path, bytes=request.content_length, limit=limit
    )
    body = {
        "error": f"the request is larger than the server's limit of {limit / 2**20:.0f} MB",
        "limit": limit,
    }
    return jsonify(body), 413


@api.errorhandler(datasets.DatasetExpired)
def _expired(_error: datasets.DatasetExpired):
    return jsonify({"error": "expired"}), 404


@api.errorhandler(RedisConnectionError)
@api.errorhandler(RedisTimeoutError)
def _cache_unavailable(error: Exception):
    # The class name only: a Redis error message can hold the server's URL.
    return jsonify({"error": "cache unavailable", "detail": type(error).__name__}), 503


def _max_rows() -> int | None:
    value = current_app.config.get("MAX_ROWS")
    return int(value) if value else None


@api.post("/datasets")
def create_dataset():
    """Parse the four uploaded CSV files, store the dataset and return its key (201)."""
    limit = max_upload_bytes(current_app.config)  # the Data tab's limit
    megabytes = float(current_app.config["MAX_UPLOAD_MB"])  # as configured, not rounded from bytes
    if (
        request.content_length is not None
        and request.content_length > len(FILES) * limit + MULTIPART_OVERHEAD
    ):
        raise ApiError(
            f"the upload is larger than {len(FILES)} files of {megabytes:g} MB, the upload limit",
            status=413,
            limit_mb=megabytes,
        )
    save_as, replace = _library_name(request.form)
    sent = set(request.files)
    missing = [name for name in FILES if name not in sent]
    unexpected = sorted(sent - set(FILES))
    if missing or unexpected:
        problems = []
        if missing:
            problems.append(f"missing file field(s): {', '.join(missing)}")
        if unexpected:
            problems.append(f"unknown field(s): {', '.join(unexpected)}")
        raise ApiError(
            "; ".join(problems) + f" — send the multipart fields {', '.join(FILES)}, one CSV each",
            missing=missing,
            unexpected=unexpected,
        )

    files: dict[str, datasets.StoredFile] = {}
    for name in FILES:
        upload = request.files[name]
        data = upload.read(limit + 1)
        if len(data) > limit:
            log_upload(
                name,
                size_bytes=len(data),
                rows_read=None,
                rows_dropped=None,
                parse_ms=0.0,
                status="too_large",
            )
            raise ApiError(
                f"{name}: the file is larger than the {megabytes:g} MB limit",
                status=413,
                file=name,
                limit_mb=megabytes,
            )
        try:
            # parse_bytes writes the file's upload log line (store/datasets.py), as for the Data tab.
            parsed = datasets.parse_bytes(
                name, data, filename=upload.filename or f"{name}.csv", max_rows=_max_rows()
            )
        except InputRejected as exc:
            raise ApiError(str(exc), status=422, file=exc.file, problem=exc.problem) from None
        files[name] = datasets.StoredFile(
            parsed, upload.filename or f"{name}.csv", hashlib.sha256(data).hexdigest()
        )

    try:
        key = datasets.build(files)
    except StorageFull as exc:  # 507 Insufficient Storage: retrying helps once space is free
        raise ApiError(str(exc), status=507) from None
    except OSError as exc:  # the cache refused the write: Redis down, CACHE_DIR not writable
        raise ApiError(str(exc), status=503) from None
    dataset = datasets.load(key)
    body = {
        "key": key,
        "rows": {file: len(dataset.frame(file)) for file in FILES},
        "rows_dropped": {file: int(files[file].parsed.rows_dropped) for file in FILES},
        "quality_rows": len(dataset.quality),
    }
    if save_as is not None:
        try:
            saved = datasets.save_to_library(key, save_as, saved_by=g.get("user"), replace=replace)
        except library.NameInUse as exc:  # saved by someone else while this upload was parsed
            raise ApiError(str(exc), status=409, id=exc.existing.get("id")) from None
        except OSError as exc:
            raise ApiError(f"the dataset could not be saved: {exc.strerror or exc}", status=503) from None
        body.update(id=saved["id"], name=saved["name"])
    return jsonify(body), 201


def _library_name(form: MultiDict) -> tuple[str | None, bool]:
    """
    Return the ``name`` to save an upload under (None: not saved) and whether it may replace another.

    Checked before any file is parsed, so a bad or taken name costs the client no upload time.
    """
    replace = str(form.get("replace", "")).strip().lower() in {"1", "true", "yes", "on"}
    if "name" not in form:
        return None, replace
    try:
        name = library.clean_name(form["name"])
    except library.LibraryError as exc:
        raise ApiError(str(exc), parameter="name") from None
    root = datasets.library_root()
    existing = library.find_by_name(root, name) if root is not None else None
    if existing is not None and not replace:
        raise ApiError(
            f"a saved dataset is already called {name!r}; send replace=true to replace it",
            status=409,
            id=existing.get("id"),
        )
    return name, replace


def _option_value(name: str, kind: type, text: str) -> Any:
    """Return a query option's value; a number outside its range is refused (metrics.filters.OPTION_RANGES)."""
    if kind is str:
        return text
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {text!r}") from None
    if kind is int and math.isfinite(number) and number == int(number):
        number = int(number)
    check_option(name, number)
    return number


def parse_view_query(args: MultiDict, key: str) -> tuple[Filters, Options]:
    """
    Return the filters and options a query string asks for, on the dataset stored under ``key``.

    Raises
    ------
    ApiError
        For an unknown parameter, a repeated single-valued one, or a value that cannot be used.
    datasets.DatasetExpired
        When the dataset is no longer stored (its date range is needed).
    """
    unknown = sorted(set(args) - QUERY_PARAMS)
    if unknown:
        raise ApiError(f"unknown query parameter(s): {', '.join(unknown)}", unknown=unknown)
    single: dict[str, str] = {}
    for name in ("start", "end", *OPTION_PARAMS):
        values = args.getlist(name)
        if len(values) > 1:
            raise ApiError(f"query parameter {name} given {len(values)} times; give it once")
        if values and values[0] != "":
            single[name] = values[0]
    for side in ("start", "end"):
        if side in single:
            try:
                check_date(side, dt.date.fromisoformat(single[side][:10]))
            except InvalidOption as exc:
                raise ApiError(f"invalid query: {exc}", parameter=side) from None
            except ValueError:
                raise ApiError(
                    f"invalid query: {side} must be a date as YYYY-MM-DD, got {single[side]!r}",
                    parameter=side,
                ) from None
    values: dict[str, Any] = {}
    for name, kind in OPTION_PARAMS.items():
        if name not in single:
            continue
        try:
            values[name] = _option_value(name, kind, single[name])
        except ValueError as exc:
            raise ApiError(f"invalid query: {exc}", parameter=name) from None
    try:
        options = Options(**values)
    except InvalidOption as exc:
        raise ApiError(f"invalid query: {exc}", parameter=exc.name) from None
    except ValueError as exc:  # an unknown model or Markov grouping
        raise ApiError(f"invalid query: {exc}") from None
    first, last = effective_dates(single.get("start"), single.get("end"), data_period(key))
    filters = Filters.make(start=first, end=last, **{f: args.getlist(q) for f, q in LIST_FIELDS.items()})
    return filters, options


def _json_value(value: Any) -> Any:
    """Return a JSON-safe scalar: numpy numbers as Python numbers, NaN/NA as null."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        if value != value:  # pandas NA and NaT
            return None
    except TypeError:  # pd.NA refuses comparisons
        return None
    return value


def _require(key: str) -> None:
    if not datasets.exists(key):
        raise datasets.DatasetExpired(key)


@api.get("/datasets/<key>/kpis")
def dataset_kpis(key: str):
    """Return the KPI row of a view: ``{"model", "filters", "kpis": {column: value or null}}``."""
    _require(key)
    filters, options = parse_view_query(request.args, key)
    row = results.kpi_table(key, filters, options).iloc[0]
    kpis: Mapping[str, Any] = {column: _json_value(value) for column, value in row.items()}
    response = jsonify({"model": options.model, "filters": filters.to_dict(), "kpis": kpis})
    response.headers["Cache-Control"] = "no-store"
    return response


@api.get("/datasets/<key>/export/<name>.csv")
def dataset_export(key: str, name: str):
    """Return one export file of a view, byte for byte what the dashboard's export button sends."""
    if name not in export.BUILDERS:
        raise ApiError(f"unknown export file {name}.csv; available: {', '.join(export.BUILDERS)}", status=404)
    _require(key)
    filters, options = parse_view_query(request.args, key)
    body = results.export_csv(key, filters, options, name)
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"', "Cache-Control": "no-store"},
    )


@api.get("/datasets")
def list_datasets():
    """List the saved datasets, newest first; unsaved uploads are never listed."""
    fields = ("id", "name", "period", "rows", "saved_at", "saved_by")
    listed = [{field: manifest.get(field) for field in fields} for manifest in datasets.saved_datasets()]
    response = jsonify(listed)
    response.headers["Cache-Control"] = "no-store"
    return response


@api.patch("/datasets/<dataset_id>")
def rename_dataset(dataset_id: str):
    """Rename a saved dataset (form or JSON field ``name``); its id, and so its links, stay."""
    sent = request.get_json(silent=True) if request.is_json else request.form
    if not isinstance(sent, Mapping) or "name" not in sent:
        raise ApiError("send the new name as the field name")
    try:
        manifest = datasets.rename_saved(dataset_id, sent["name"])
    except library.NotFound:
        return jsonify({"error": "not found"}), 404
    except library.NameInUse as exc:
        raise ApiError(str(exc), status=409, id=exc.existing.get("id")) from None
    except library.LibraryError as exc:
        raise ApiError(str(exc), parameter="name") from None
    return jsonify({"id": manifest["id"], "name": manifest["name"]})


@api.delete("/datasets/<dataset_id>")
def delete_dataset(dataset_id: str):
    """Delete a saved dataset (204); an unknown id, or a session key, is a 404."""
    try:
        datasets.delete_saved(dataset_id)
    except library.NotFound:
        return jsonify({"error": "not found"}), 404
    return Response(status=204)


@api.route("/<path:_rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def not_found(_rest: str):
    """Answer unknown API paths with a JSON 404 (the dashboard's page routes would answer HTML)."""
    return jsonify({"error": "not found"}), 404


def register(server: Flask) -> None:
    """Add the API routes to the Flask ``server``."""
    server.register_blueprint(api)
