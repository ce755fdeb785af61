"""Server-side dataset store: parsed frames saved in the cache under a random, unguessable key.

The browser only ever holds the key (and the filter state). Each stored dataset keeps, per input file,
its parse result (the file's own quality rows, rows read and dropped, and where it came from), so one file
can be replaced later by re-running ``ingest.build_dataset`` with the other three parsed files; a replaced
file always gives a new key, so cached results never go stale.

Two entries per key: ``dataset:<key>`` = ``{name: arrow ipc}`` for the four frames and the report, and
``dataset-files:<key>`` = ``{name: {"quality": arrow ipc, "lines": arrow ipc, "columns": dict,
"rows_read": int, "rows_dropped": int, "source": str}}`` — bytes and plain values only; DataFrames are
never pickled.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from flask import current_app, has_app_context

from metrics import export, ingest
from metrics.dataset import FILES, Dataset, empty_quality
from metrics.view import View
from server.logs import key_ref, log_event, log_upload
from store import library
from store.backend import cache
from store.frames import from_ipc, to_ipc
from store.memory import release_unused

FRAME_NAMES = (*FILES, "quality")
DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"
SOURCE_DEMO = "demo"
SOURCE_MISSING = ""
UPLOAD_PREFIX = "upload:"
SERVER_PREFIX = "server:"

# The one in-process cache of loaded datasets: the last few, by key. What the process derives from a
# dataset (codes, panels, recent views) hangs off the dataset itself (``Dataset.derived``) and goes with it.
LOADED_KEPT = 2
_loaded: OrderedDict[str, Dataset] = OrderedDict()
_parsed: OrderedDict[tuple[str, str], ingest.ParsedFile] = OrderedDict()
_lock = threading.Lock()
DEMO_ENTRY = "demo-dataset-key"


class DatasetExpired(LookupError):
    """Raise when a dataset key is unknown or its data was evicted from the cache."""

    def __init__(self, key: str | None):
        self.key = key
        super().__init__("Your data expired — please upload it again (or load the demo)")


@dataclass(frozen=True)
class StoredFile:
    """
    Describe one input file of a stored dataset.

    Attributes
    ----------
    parsed : ingest.ParsedFile
        The file's frame, its own quality rows, rows read and rows dropped.
    source : str
        Where it came from: the uploaded file name, ``"demo"``, a server folder, or ``""`` when missing.
    sha256 : str
        The hex SHA-256 of the file's bytes as received (``""`` when not known), kept in a saved
        dataset's manifest.
    """

    parsed: ingest.ParsedFile
    source: str
    sha256: str = ""


def _entry_key(key: str) -> str:
    return f"dataset:{key}"


def _files_key(key: str) -> str:
    return f"dataset-files:{key}"


def _remember(key: str, dataset: Dataset) -> Dataset:
    with _lock:
        # Another thread may have loaded it meanwhile: keep the first, and what was derived from it.
        dataset = _loaded.setdefault(key, dataset)
        _loaded.move_to_end(key)
        while len(_loaded) > LOADED_KEPT:
            _loaded.popitem(last=False)
        return dataset


def _backend():
    return cache


def save(dataset: Dataset, files: Mapping[str, StoredFile] | None = None) -> str:
    """
    Store a dataset under a new random key and return the key.

    Parameters
    ----------
    dataset : Dataset
        The built dataset (``ingest.build_dataset``).
    files : Mapping of str to StoredFile, optional
        The parse result and source of each input file; when omitted (a dataset built elsewhere), each
        file's quality rows are taken from the dataset's report.

    Returns
    -------
    str
        A URL-safe key of 32 random bytes.
    """
    files = dict(files or {})
    for name in FILES:
        if name not in files:
            frame = dataset.frame(name)
            own_quality = dataset.quality[dataset.quality["file"] == name].reset_index(drop=True)
            parsed = ingest.ParsedFile(frame, own_quality, len(frame), 0)
            files[name] = StoredFile(parsed, upload_source(f"{name}.csv"))
    frames = {name: to_ipc(dataset.frame(name)) for name in FRAME_NAMES}
    described = {name: _file_entry(stored) for name, stored in files.items()}
    key = secrets.token_urlsafe(32)
    # The small per-file entry is read without the frames (status lines, single-file replacement).
    stored = _backend().set(_files_key(key), described) and _backend().set(_entry_key(key), frames)
    if not stored:
        raise OSError(
            "the dataset could not be stored in the cache (is CACHE_DIR writable, Redis reachable?)"
        )
    _remember(key, dataset)
    log_event(
        "dataset",
        dataset=key_ref(key),
        rows=sum(len(dataset.frame(name)) for name in FILES),
        quality_rows=len(dataset.quality),
    )
    return key


def _file_entry(stored: StoredFile) -> dict:
    parsed = stored.parsed
    lines = parsed.line_numbers()
    return {
        "quality": to_ipc(parsed.quality),
        # File line of each kept row: the cross-file checks of a later rebuild report these lines.
        "lines": to_ipc(pd.DataFrame({"line": np.asarray(lines, dtype=np.int64)})),
        "columns": dict(parsed.columns),
        "rows_read": int(parsed.rows_read),
        "rows_dropped": int(parsed.rows_dropped),
        "source": stored.source,
        "sha256": stored.sha256,
    }


def exists(key: str | None) -> bool:
    """Return True when ``key`` names a dataset still in the cache, or a saved dataset (never evicted)."""
    if library.is_id(key):
        root = library_root()
        return root is not None and library.contains(root, key)
    return bool(key) and bool(_backend().has(_entry_key(key)))


def _stored(key: str | None, entry: str) -> dict:
    value = _backend().get(f"{entry}:{key}") if key else None
    if value is None and library.is_id(key):
        value = _restore_saved(key)[entry]
    if value is None:
        raise DatasetExpired(key)
    return value


def load(key: str | None) -> Dataset:
    """
    Return the dataset stored under ``key``, from the loaded-dataset LRU when it is there.

    Raises
    ------
    DatasetExpired
        When the key is unknown or the cache evicted the data.
    """
    if not exists(key):
        with _lock:
            _loaded.pop(key, None)
        raise DatasetExpired(key)
    with _lock:
        if key in _loaded:
            _loaded.move_to_end(key)
            return _loaded[key]
    value = _backend().get(_entry_key(key))
    if value is None and library.is_id(key):
        # Not in the cache: the frames just read from Parquet serve, without a trip through the cache.
        frames = _restore_saved(key)["frames"]
        dataset = Dataset(**{name: frames[name] for name in FRAME_NAMES})
    else:
        value = value if value is not None else _stored(key, "dataset")
        dataset = Dataset(**{name: from_ipc(value[name]) for name in FRAME_NAMES})
    return _remember(key, dataset)


def load_files(key: str | None) -> dict[str, StoredFile]:
    """
    Return the parse result and source of each input file of a stored dataset.

    Raises
    ------
    DatasetExpired
        When the key is unknown or the cache evicted the data.
    """
    value = _stored(key, "dataset-files")
    dataset = load(key)
    out = {}
    for name in FILES:
        info = value[name]
        parsed = ingest.ParsedFile(
            frame=dataset.frame(name),
            quality=from_ipc(info["quality"]),
            rows_read=info["rows_read"],
            rows_dropped=info["rows_dropped"],
            columns=info["columns"],
            lines=from_ipc(info["lines"])["line"].to_numpy(dtype=np.int64),
        )
        out[name] = StoredFile(parsed, info["source"], info.get("sha256", ""))
    return out


def build(files: Mapping[str, StoredFile]) -> str:
    """
    Build a dataset from parsed files (``ingest.build_dataset``), store it and return its new key.

    A file not in ``files`` is missing: an empty frame, reported once by ``ingest.build_dataset``.
    """
    dataset = ingest.build_dataset({name: stored.parsed for name, stored in files.items()})
    release_unused()
    missing = {
        name: StoredFile(ingest.ParsedFile(dataset.frame(name), empty_quality(), 0, 0), SOURCE_MISSING)
        for name in FILES
        if name not in files
    }
    return save(dataset, {**files, **missing})


def replace_files(key: str | None, replacements: Mapping[str, StoredFile]) -> str:
    """
    Replace some input files of a stored dataset and return the new dataset's key.

    With no current dataset (``key`` None), the other files are missing (empty, reported once by
    ``ingest.build_dataset``).

    Raises
    ------
    DatasetExpired
        When ``key`` is given but no longer stored.
    """
    files = load_files(key) if key else {}
    files = {name: stored for name, stored in files.items() if stored.source != SOURCE_MISSING}
    files.update(replacements)
    return build(files)


def parse_bytes(name: str, data: bytes, *, filename: str, max_rows: int | None = None) -> ingest.ParsedFile:
    """
    Parse one file's bytes (``ingest.parse_file``), reusing the result for identical bytes.

    Uploads that arrive while another is being parsed are re-sent together; remembering the last few
    parse results by content hash keeps that from parsing a file twice.

    Raises
    ------
    InputRejected
        When the file cannot be used at all.
    """
    digest = (name, hashlib.sha256(data).hexdigest())
    with _lock:
        if digest in _parsed:
            return _parsed[digest]
    started = time.perf_counter()
    try:
        parsed = ingest.parse_file(name, data, filename=filename, max_rows=max_rows)
    except ingest.InputRejected:
        log_upload(
            name,
            size_bytes=len(data),
            rows_read=None,
            rows_dropped=None,
            parse_ms=(time.perf_counter() - started) * 1000,
            status="rejected",
        )
        raise
    log_upload(
        name,
        size_bytes=len(data),
        rows_read=parsed.rows_read,
        rows_dropped=parsed.rows_dropped,
        parse_ms=(time.perf_counter() - started) * 1000,
    )
    with _lock:
        _parsed[digest] = parsed
        while len(_parsed) > len(FILES):
            _parsed.popitem(last=False)
    return parsed


def _inside(path: Path, root: Path) -> Path | None:
    """
    Return ``path`` with every symlink resolved when it lies inside ``root`` (itself resolved), else None.

    A folder or file symlink pointing outside ``DATA_DIR`` (``/etc``, a home folder) is never read.
    """
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):  # dangling link, loop, permission
        return None
    return resolved if resolved.is_relative_to(root) else None


def _csv_files(folder: Path, root: Path | None = None) -> dict[str, Path]:
    """
    Return the four input files of ``folder``, matched case-insensitively (missing ones left out).

    Only regular files whose real path lies inside ``root`` (default ``folder``) count, as real paths.
    """
    root = (root or folder).resolve()
    by_name = {}
    for path in folder.iterdir():
        real = _inside(path, root)
        if real is not None and real.is_file():
            by_name[path.name.lower()] = real
    return {name: by_name[f"{name}.csv"] for name in FILES if f"{name}.csv" in by_name}


def read_folder(folder: Path, source: str, root: Path | None = None) -> dict[str, StoredFile]:
    """
    Parse the four CSVs of a folder, each marked with ``source``.

    Parameters
    ----------
    folder : Path
        The folder to read.
    source : str
        Where the files came from (``"demo"``, ``server_source(folder)``).
    root : Path, optional
        The folder nothing may be read outside of (``DATA_DIR``); default ``folder`` itself. A rejection
        of a file under ``root`` never quotes the file's header (the server's files are not the user's).

    Raises
    ------
    InputRejected
        When a file is missing, outside ``root``, or cannot be used at all.
    """
    guarded = root is not None
    root = Path(root or folder).resolve()
    real_folder = _inside(Path(folder), root)
    if real_folder is None or not real_folder.is_dir():
        raise ingest.InputRejected(Path(folder).name, "not a folder inside the server's data folder")
    found = _csv_files(real_folder, root)
    files = {}
    for name in FILES:
        if name not in found:
            raise ingest.InputRejected(f"{name}.csv", f"not found in {Path(folder).name}/")
        parsed = ingest.parse_file(name, found[name], filename=f"{name}.csv", quote_header=not guarded)
        files[name] = StoredFile(parsed, source, _file_sha256(found[name]))
    return files


def read_server_folder(data_dir: str | Path, folder: str) -> dict[str, StoredFile]:
    """
    Parse the four CSVs of ``DATA_DIR`` sub-folder ``folder``, never reading outside ``DATA_DIR``.

    Raises
    ------
    InputRejected
        When the folder is not one of ``server_folders(data_dir)``, a file is missing or outside
        ``DATA_DIR`` (symlinks resolved), or a file cannot be used (the message never quotes its content).
    """
    if folder not in server_folders(data_dir):
        raise ingest.InputRejected(str(folder), "not a dataset folder of the server")
    return read_folder(Path(data_dir) / folder, server_source(folder), root=Path(data_dir))


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def demo_key() -> str:
    """
    Return the key of the bundled demo dataset, parsing and storing it once while it stays stored.

    Every session starting on the demo shares this read-only entry; any change (an upload) is saved
    under a new key, so sessions stay isolated. The key itself is a cache entry, so the workers of one
    shared cache share the demo too.
    """
    key = _backend().get(DEMO_ENTRY)
    if key is not None and exists(key):
        return key
    key = build(read_folder(DEMO_DIR, SOURCE_DEMO))
    _backend().set(DEMO_ENTRY, key)
    return key


def server_folders(data_dir: str | Path | None) -> list[str]:
    """Return the sub-folders of ``DATA_DIR`` holding the four CSVs, sorted by name ([] when unset)."""
    if not data_dir:
        return []
    root = Path(data_dir)
    if not root.is_dir():
        return []
    root = root.resolve()
    folders = []
    for child in root.iterdir():
        real = _inside(child, root)
        if real is not None and real.is_dir() and len(_csv_files(real, root)) == len(FILES):
            folders.append(child.name)
    return sorted(folders)


def describe(key: str) -> dict:
    """
    Summarise a stored dataset for the session store and the top bar (JSON-safe, no rows).

    Returns
    -------
    dict
        ``kind`` ("demo", "uploaded", "server" or "mixed"), ``label``, ``saved`` (id, name, saved_at and
        saved_by of a saved dataset, else None), ``period`` ([first, last] ISO dates or None), ``rows`` (per file), ``quality_rows``, and ``files``: per file its ``source``,
        ``rows_read``, ``rows_dropped`` and ``warnings`` (its rows in the data-quality report).
    """
    dataset = load(key)
    files = load_files(key)
    # The report as the Data tab and data_quality.csv show it (ingest findings + payout findings).
    report = export.build_table("data_quality", View(dataset))
    quality_by_file = report["file"].value_counts()
    sources = {name: stored.source for name, stored in files.items()}
    kinds = {_kind(source) for source in sources.values() if source != SOURCE_MISSING}
    kind = kinds.pop() if len(kinds) == 1 else ("mixed" if kinds else "empty")
    bounds = dataset.date_range
    label = _label(kind, sources)
    saved = None
    if library.is_id(key):
        try:
            manifest = library.read_manifest(library_root(), key)
        except library.NotFound:
            raise DatasetExpired(key) from None
        saved = {field: manifest.get(field) for field in ("id", "name", "saved_at", "saved_by")}
        label = f"Saved dataset: {manifest['name']}"
    return {
        "kind": kind,
        "label": label,
        "saved": saved,
        "period": None if bounds is None else [bounds[0].date().isoformat(), bounds[1].date().isoformat()],
        "rows": {name: len(dataset.frame(name)) for name in FILES},
        "quality_rows": len(report),
        "files": {
            name: {
                "source": stored.source,
                "rows_read": stored.parsed.rows_read,
                "rows_dropped": stored.parsed.rows_dropped,
                "warnings": int(quality_by_file.get(name, 0)),
            }
            for name, stored in files.items()
        },
    }


def upload_source(filename: str) -> str:
    """Return the source of an uploaded file (its name as the user gave it)."""
    return f"{UPLOAD_PREFIX}{filename}"


def server_source(folder: str) -> str:
    """Return the source of a file read from a ``DATA_DIR`` sub-folder."""
    return f"{SERVER_PREFIX}{folder}"


def _kind(source: str) -> str:
    if source == SOURCE_DEMO:
        return "demo"
    if source.startswith(SERVER_PREFIX):
        return "server"
    return "uploaded"


def _label(kind: str, sources: Mapping[str, str]) -> str:
    kinds = sorted({_kind(source) for source in sources.values() if source != SOURCE_MISSING})
    if kind == "server":
        folders = {source.removeprefix(SERVER_PREFIX) for source in sources.values() if source}
        base = f"Server data: {', '.join(sorted(folders))}"
    else:
        base = {
            "demo": "Demo data",
            "uploaded": "Uploaded data",
            "empty": "No data",
            "mixed": f"Mixed data ({' + '.join(kinds)})",
        }[kind]
    missing = [f"{name}.csv" for name, source in sources.items() if source == SOURCE_MISSING]
    if missing and kind != "empty":
        base += f" — missing {', '.join(missing)}"
    return base


# ---- saved datasets (LIBRARY_DIR): Parquet on disk, served through the cache under their id ----------


def library_root() -> Path | None:
    """Return the app's ``LIBRARY_DIR`` (None outside an app context)."""
    if not has_app_context():
        return None
    value = current_app.config.get("LIBRARY_DIR")
    return Path(value) if value else None


def _restore_saved(key: str) -> dict[str, dict]:
    """
    Read a saved dataset's Parquet files into the cache under its id; return both entries and the frames.

    Called whenever the cache does not hold a saved dataset (never opened in this cache, or evicted):
    a saved dataset is never lost to eviction, only re-read.

    Raises
    ------
    DatasetExpired
        When the dataset is not (or no longer) saved.
    """
    root = library_root()
    started = time.perf_counter()
    try:
        manifest = library.read_manifest(root, key)
        frames = library.read_frames(root, key)
    except library.NotFound:
        raise DatasetExpired(key) from None
    own_quality, lines = frames["file_quality"], frames["lines"]
    described = {}
    for name in FILES:
        info = manifest["files"][name]
        quality = own_quality[own_quality["input"] == name].drop(columns="input").reset_index(drop=True)
        file_lines = lines.loc[lines["file"] == name, "line"].to_numpy(dtype=np.int64)
        described[name] = {
            "quality": to_ipc(quality),
            "lines": to_ipc(pd.DataFrame({"line": file_lines})),
            "columns": dict(info["columns"]),
            "rows_read": int(info["rows_read"]),
            "rows_dropped": int(info["rows_dropped"]),
            "source": info["source"],
            "sha256": info.get("sha256", ""),
        }
    entry = {name: to_ipc(frames[name]) for name in FRAME_NAMES}
    # Best effort: when the cache refuses (full), the dataset is still served, re-read on the next miss.
    _backend().set(_files_key(key), described)
    _backend().set(_entry_key(key), entry)
    log_event("dataset_opened", saved_id=key, ms=round((time.perf_counter() - started) * 1000, 1))
    return {"dataset": entry, "dataset-files": described, "frames": frames}


def _forget(key: str) -> None:
    _backend().delete(_entry_key(key))
    _backend().delete(_files_key(key))
    with _lock:
        _loaded.pop(key, None)


def saved_datasets() -> list[dict]:
    """Return the manifests of the saved datasets, newest first."""
    root = library_root()
    return [] if root is None else library.list_saved(root)


def save_to_library(key: str, name: str, *, saved_by: str | None = None, replace: bool = False) -> dict:
    """
    Save the dataset stored under ``key`` in ``LIBRARY_DIR`` and return its manifest.

    The saved copy gets a new id; with ``replace``, the dataset of the same name is deleted once the new
    one is complete, so its links stop working (a link always shows the numbers it was made on).

    Raises
    ------
    DatasetExpired
        When ``key`` is no longer stored.
    store.library.NameInUse
        When ``name`` is taken and ``replace`` is False.
    store.library.LibraryError
        When the name cannot be used.
    """
    root = library_root()
    if root is None:
        raise library.LibraryError("saving needs the dashboard's LIBRARY_DIR")
    name = library.clean_name(name)
    existing = library.find_by_name(root, name)
    if existing is not None and not replace:
        raise library.NameInUse(name, existing)
    dataset, files, summary = load(key), load_files(key), describe(key)
    frames = {frame: dataset.frame(frame) for frame in FRAME_NAMES}
    frames["file_quality"] = pd.concat(
        [files[file].parsed.quality.assign(input=file) for file in FILES], ignore_index=True
    )
    frames["lines"] = pd.DataFrame(
        {
            "file": np.repeat(list(FILES), [len(files[file].parsed.line_numbers()) for file in FILES]),
            "line": np.concatenate([files[file].parsed.line_numbers() for file in FILES]).astype(np.int64),
        }
    )
    manifest = {
        "period": summary["period"],
        "rows": summary["rows"],
        "quality": {
            "rows": summary["quality_rows"],
            "by_file": {file: summary["files"][file]["warnings"] for file in FILES},
        },
        "files": {
            file: {
                "source": files[file].source,
                "filename": files[file].source.split(":", 1)[-1] if files[file].source else "",
                "sha256": files[file].sha256,
                "rows_read": int(files[file].parsed.rows_read),
                "rows_dropped": int(files[file].parsed.rows_dropped),
                "columns": dict(files[file].parsed.columns),
            }
            for file in FILES
        },
    }
    written = library.write(root, name, frames, manifest, saved_by=saved_by)
    if existing is not None and existing.get("id") != written["id"]:
        delete_saved(existing["id"], missing_ok=True)
    # The saved copy is already in memory: serve it under its id without reading the Parquet back.
    entry, described = _backend().get(_entry_key(key)), _backend().get(_files_key(key))
    if entry is not None and described is not None:
        _backend().set(_files_key(written["id"]), described)
        _backend().set(_entry_key(written["id"]), entry)
    _remember(written["id"], dataset)
    log_event("dataset_saved", saved_id=written["id"], rows=sum(summary["rows"].values()))
    return written


def copy_to_session(key: str) -> str:
    """
    Store a copy of a dataset under a new random session key and return it (no re-parse, no rebuild).

    Used before the dataset in use is deleted from the library: the tab keeps its data, privately.

    Raises
    ------
    DatasetExpired
        When ``key`` is no longer stored.
    """
    entry, described = _stored(key, "dataset"), _stored(key, "dataset-files")
    copy = secrets.token_urlsafe(32)
    if not (_backend().set(_files_key(copy), described) and _backend().set(_entry_key(copy), entry)):
        raise OSError(
            "the dataset could not be stored in the cache (is CACHE_DIR writable, Redis reachable?)"
        )
    return copy


def rename_saved(dataset_id: str, name: str) -> dict:
    """Rename a saved dataset and return its manifest (``store.library.rename``)."""
    return library.rename(_require_root(), dataset_id, name)


def delete_saved(dataset_id: str, *, missing_ok: bool = False) -> None:
    """
    Delete a saved dataset from ``LIBRARY_DIR`` and from the cache.

    Raises
    ------
    store.library.NotFound
        When there is no such saved dataset (unless ``missing_ok``).
    """
    try:
        library.delete(_require_root(), dataset_id)
    except library.NotFound:
        if not missing_ok:
            raise
    _forget(dataset_id)
    log_event("dataset_deleted", saved_id=dataset_id)


def _require_root() -> Path:
    root = library_root()
    if root is None:
        raise library.LibraryError("saved datasets need the dashboard's LIBRARY_DIR")
    return root
