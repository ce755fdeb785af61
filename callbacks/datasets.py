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

from callbacks import cache as cache_module
from callbacks.logs import key_ref, log_event, log_upload
from metrics import export, ingest
from metrics.dataset import FILES, Dataset, empty_quality
from metrics.view import View

FRAME_NAMES = (*FILES, "quality")
DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"
SOURCE_DEMO = "demo"
SOURCE_MISSING = ""
UPLOAD_PREFIX = "upload:"
SERVER_PREFIX = "server:"

_LOADED_KEPT = 2
_loaded: OrderedDict[str, Dataset] = OrderedDict()
_parsed: OrderedDict[tuple[str, str], ingest.ParsedFile] = OrderedDict()
_lock = threading.Lock()
_demo = {"key": None}


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
    """

    parsed: ingest.ParsedFile
    source: str


def _entry_key(key: str) -> str:
    return f"dataset:{key}"


def _files_key(key: str) -> str:
    return f"dataset-files:{key}"


def _remember(key: str, dataset: Dataset) -> None:
    with _lock:
        _loaded[key] = dataset
        _loaded.move_to_end(key)
        while len(_loaded) > _LOADED_KEPT:
            _loaded.popitem(last=False)


def _backend():
    return cache_module.cache


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
    frames = {name: cache_module.to_ipc(dataset.frame(name)) for name in FRAME_NAMES}
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
        "quality": cache_module.to_ipc(parsed.quality),
        # File line of each kept row: the cross-file checks of a later rebuild report these lines.
        "lines": cache_module.to_ipc(pd.DataFrame({"line": np.asarray(lines, dtype=np.int64)})),
        "columns": dict(parsed.columns),
        "rows_read": int(parsed.rows_read),
        "rows_dropped": int(parsed.rows_dropped),
        "source": stored.source,
    }


def exists(key: str | None) -> bool:
    """Return True when ``key`` names a dataset still in the cache."""
    return bool(key) and bool(_backend().has(_entry_key(key)))


def _stored(key: str | None, entry: str) -> dict:
    value = _backend().get(f"{entry}:{key}") if key else None
    if value is None:
        raise DatasetExpired(key)
    return value


def load(key: str | None) -> Dataset:
    """
    Return the dataset stored under ``key``.

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
    value = _stored(key, "dataset")
    dataset = Dataset(**{name: cache_module.from_ipc(value[name]) for name in FRAME_NAMES})
    _remember(key, dataset)
    return dataset


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
            quality=cache_module.from_ipc(info["quality"]),
            rows_read=info["rows_read"],
            rows_dropped=info["rows_dropped"],
            columns=info["columns"],
            lines=cache_module.from_ipc(info["lines"])["line"].to_numpy(dtype=np.int64),
        )
        out[name] = StoredFile(parsed, info["source"])
    return out


def build(files: Mapping[str, StoredFile]) -> str:
    """
    Build a dataset from parsed files (``ingest.build_dataset``), store it and return its new key.

    A file not in ``files`` is missing: an empty frame, reported once by ``ingest.build_dataset``.
    """
    dataset = ingest.build_dataset({name: stored.parsed for name, stored in files.items()})
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
        files[name] = StoredFile(parsed, source)
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


def demo_key() -> str:
    """
    Return the key of the bundled demo dataset, parsing and storing it once per process.

    Every session starting on the demo shares this read-only entry; any change (an upload) is saved
    under a new key, so sessions stay isolated.
    """
    with _lock:
        key = _demo["key"]
    if key is not None and exists(key):
        return key
    key = build(read_folder(DEMO_DIR, SOURCE_DEMO))
    with _lock:
        _demo["key"] = key
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
        ``kind`` ("demo", "uploaded", "server" or "mixed"), ``label``, ``period`` ([first, last] ISO dates
        or None), ``rows`` (per file), ``quality_rows``, and ``files``: per file its ``source``,
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
    return {
        "kind": kind,
        "label": _label(kind, sources),
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
