"""Saved datasets: one folder per dataset under ``LIBRARY_DIR``, frames as Parquet plus ``manifest.json``.

Layout of a saved dataset (docs/deployment.md, "Saved datasets")::

    LIBRARY_DIR/<id>/manifest.json        id, name, saved_at, saved_by, period, rows, quality, files
    LIBRARY_DIR/<id>/<frame>.parquet      influencers, posts, tracking, payouts, quality,
                                          file_quality (each file's own report rows), lines (file rows)

A dataset is written into a temporary folder inside ``LIBRARY_DIR`` and appears with one ``os.rename``,
so another process (a second worker, a second container on the same volume) sees either the whole
dataset or none of it. Deleting renames the folder away first, for the same reason. Folder names
starting with ``.`` are never datasets: they are writes in progress or left behind by a crash, and are
removed once older than ``STALE_AFTER_S``.

Pure file I/O: no Flask, no Dash; the dashboard's cache glue is in store/datasets.py.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

FORMAT = 1
MANIFEST = "manifest.json"
FRAMES = ("influencers", "posts", "tracking", "payouts", "quality", "file_quality", "lines")
TEMP_PREFIX = ".tmp-"
TRASH_PREFIX = ".trash-"
STALE_AFTER_S = 3600
MAX_NAME_LENGTH = 80
# 16 lower-case hex digits: distinct from the 43-character session keys, and safe as a folder name.
_ID = re.compile(r"[0-9a-f]{16}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class LibraryError(ValueError):
    """Raise when a save or rename cannot be done; the message says why, in the user's terms."""


class NameInUse(LibraryError):
    """Raise when a name is already used by another saved dataset (``existing`` is its manifest)."""

    def __init__(self, name: str, existing: Mapping[str, Any]):
        self.existing = dict(existing)
        super().__init__(f"a saved dataset is already called {name!r}")


class NotFound(LookupError):
    """Raise when no saved dataset has the given id."""

    def __init__(self, dataset_id: str):
        self.dataset_id = dataset_id
        super().__init__(f"no saved dataset {dataset_id!r}")


def is_id(value: object) -> bool:
    """
    Return whether ``value`` has the form of a saved dataset's id.

    Examples
    --------
    >>> is_id("0123456789abcdef"), is_id("../etc"), is_id(None)
    (True, False, False)
    """
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def new_id() -> str:
    """Return a fresh random id (64 bits)."""
    return secrets.token_hex(8)


def clean_name(name: object) -> str:
    """
    Return a dataset name with spaces collapsed, refusing an empty, too long or control-character name.

    Examples
    --------
    >>> clean_name("  Week 42   (final) ")
    'Week 42 (final)'

    Raises
    ------
    LibraryError
        When the name cannot be used.
    """
    text = " ".join(str(name or "").split())
    if not text:
        raise LibraryError("give the dataset a name")
    if len(text) > MAX_NAME_LENGTH:
        raise LibraryError(f"a name has at most {MAX_NAME_LENGTH} characters ({len(text)} given)")
    if _CONTROL.search(text):
        raise LibraryError("a name cannot hold control characters")
    return text


def _same_name(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


def _folder(root: Path, dataset_id: str) -> Path:
    if not is_id(dataset_id):
        raise NotFound(str(dataset_id))
    return Path(root) / dataset_id


def contains(root: str | Path, dataset_id: object) -> bool:
    """Return whether ``root`` holds a complete saved dataset with this id."""
    return is_id(dataset_id) and (Path(root) / str(dataset_id) / MANIFEST).is_file()


def read_manifest(root: str | Path, dataset_id: str) -> dict:
    """
    Return a saved dataset's manifest.

    Raises
    ------
    NotFound
        When there is no such dataset (or it was deleted meanwhile).
    """
    try:
        text = (_folder(Path(root), dataset_id) / MANIFEST).read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        raise NotFound(dataset_id) from None
    return json.loads(text)


def list_saved(root: str | Path) -> list[dict]:
    """Return the manifests of every saved dataset, newest first (``[]`` when ``root`` does not exist)."""
    root = Path(root)
    if not root.is_dir():
        return []
    manifests = []
    for child in root.iterdir():
        if not is_id(child.name):
            continue
        try:
            manifests.append(read_manifest(root, child.name))
        except (NotFound, ValueError):  # deleted meanwhile, or not written by this module
            continue
    return sorted(manifests, key=lambda m: (m.get("saved_at", ""), m.get("id", "")), reverse=True)


def find_by_name(root: str | Path, name: str) -> dict | None:
    """Return the manifest of the saved dataset called ``name`` (letter case ignored), or None."""
    wanted = clean_name(name)
    return next((m for m in list_saved(root) if _same_name(m.get("name", ""), wanted)), None)


def _write_frame(frame: pd.DataFrame, path: Path) -> None:
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)


def read_frames(root: str | Path, dataset_id: str) -> dict[str, pd.DataFrame]:
    """
    Return every frame of a saved dataset, by name (``FRAMES``), with the dtypes they were saved with.

    Raises
    ------
    NotFound
        When there is no such dataset (or it was deleted meanwhile).
    """
    folder = _folder(Path(root), dataset_id)
    try:
        return {name: pq.read_table(folder / f"{name}.parquet").to_pandas() for name in FRAMES}
    except FileNotFoundError:
        raise NotFound(dataset_id) from None


def _now() -> str:
    # Milliseconds: two saves within one second still list in the order they were made.
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sweep(root: str | Path, older_than_s: float = STALE_AFTER_S) -> None:
    """Remove temporary and deleted folders older than ``older_than_s`` (left behind by a crash)."""
    root = Path(root)
    if not root.is_dir():
        return
    cutoff = time.time() - older_than_s
    for child in root.iterdir():
        if child.name.startswith((TEMP_PREFIX, TRASH_PREFIX)) and child.is_dir():
            try:
                if child.stat().st_mtime < cutoff:
                    shutil.rmtree(child, ignore_errors=True)
            except FileNotFoundError:
                continue


def write(
    root: str | Path,
    name: str,
    frames: Mapping[str, pd.DataFrame],
    manifest: Mapping[str, Any],
    *,
    saved_by: str | None = None,
) -> dict:
    """
    Save a dataset under a new id and return its manifest.

    Parameters
    ----------
    root : path
        ``LIBRARY_DIR``; created when missing.
    name : str
        The dataset's name (``clean_name``); the caller checks it is not in use.
    frames : Mapping of str to DataFrame
        Every frame of ``FRAMES``.
    manifest : Mapping
        The rest of the manifest: ``period``, ``rows``, ``quality``, ``files``.
    saved_by : str, optional
        The signed-in user, when sign-in is on.

    Returns
    -------
    dict
        The manifest as written, with ``format``, ``id``, ``name``, ``saved_at`` and ``saved_by``.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    sweep(root)
    dataset_id = new_id()
    written = {
        **dict(manifest),
        "format": FORMAT,
        "id": dataset_id,
        "name": clean_name(name),
        "saved_at": _now(),
        "saved_by": saved_by,
    }
    temporary = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=root))
    try:
        for frame_name in FRAMES:
            _write_frame(frames[frame_name], temporary / f"{frame_name}.parquet")
        (temporary / MANIFEST).write_text(json.dumps(written, indent=2, sort_keys=True), encoding="utf-8")
        # mkdtemp makes the folder private (0700); a second container may run as another user of the group.
        temporary.chmod(0o755)
        os.rename(temporary, root / dataset_id)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return written


def rename(root: str | Path, dataset_id: str, name: str) -> dict:
    """
    Give a saved dataset a new name and return its manifest (the id, and so its links, stay).

    Raises
    ------
    NotFound
        When there is no such dataset.
    NameInUse
        When another saved dataset has that name.
    """
    root = Path(root)
    wanted = clean_name(name)
    manifest = read_manifest(root, dataset_id)
    other = find_by_name(root, wanted)
    if other is not None and other.get("id") != dataset_id:
        raise NameInUse(wanted, other)
    manifest["name"] = wanted
    folder = _folder(root, dataset_id)
    temporary = folder / f"{TEMP_PREFIX}{MANIFEST}"
    temporary.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    try:
        os.replace(temporary, folder / MANIFEST)
    except FileNotFoundError:  # deleted meanwhile
        raise NotFound(dataset_id) from None
    return manifest


def delete(root: str | Path, dataset_id: str) -> None:
    """
    Delete a saved dataset: it disappears at once (one rename), its files are removed after.

    Raises
    ------
    NotFound
        When there is no such dataset (already deleted, perhaps by another process).
    """
    root = Path(root)
    folder = _folder(root, dataset_id)
    trash = root / f"{TRASH_PREFIX}{dataset_id}-{secrets.token_hex(4)}"
    try:
        os.rename(folder, trash)
    except FileNotFoundError:
        raise NotFound(dataset_id) from None
    shutil.rmtree(trash, ignore_errors=True)
