"""The file cache, bounded in bytes: least recently used entries make room, expired files are swept.

Flask-Caching's ``FileSystemCache`` bounds the number of entries (``CACHE_THRESHOLD``), not their
size, and deletes expired files only once that count is passed: a few large datasets could fill the
disk, and a full disk stayed full. :class:`BoundedFileSystemCache` (``CACHE_TYPE=FileSystemCache``
uses it, docs/configuration.md) adds:

* ``CACHE_MAX_MB``: before an entry is stored, the least recently used entries (by last read or write;
  a read touches the file) are deleted until the new one fits. An entry larger than the whole bound is
  not stored.
* a sweep of expired entries (and of temporary files left by interrupted writes) every
  ``SWEEP_SECONDS``, run by whichever request next reads or writes the cache;
* a full disk (``ENOSPC``) raises :class:`StorageFull` after one sweep and retry, so an upload can say
  "the server's storage is full"; nothing is remembered, so the next write succeeds once space is free.

Several worker processes share the folder: each scans it before evicting, so the bound holds up to
the entries being written at the same moment.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import struct
import tempfile
import threading
import time
from typing import Any

from flask_caching.backends.filesystemcache import FileSystemCache

logger = logging.getLogger(__name__)

MEBIBYTE = 1024 * 1024
SWEEP_SECONDS = 300
# A temporary file older than this belongs to a write that will never finish (a killed worker).
STALE_TEMP_SECONDS = 3600
STORAGE_FULL = "the server's storage is full; nothing was stored. Try again later, or ask the administrator"


class StorageFull(OSError):
    """Raise when the cache cannot store an entry: the disk is full, or the entry exceeds ``CACHE_MAX_MB``."""

    def __init__(self, message: str = STORAGE_FULL):
        super().__init__(errno.ENOSPC, message)

    def __str__(self) -> str:
        return str(self.strerror)


class BoundedFileSystemCache(FileSystemCache):
    """
    A ``FileSystemCache`` holding at most ``max_bytes`` of entries, least recently used evicted first.

    Parameters
    ----------
    cache_dir : str
        The folder of the cache files (only this cache may write there).
    max_bytes : int
        Most bytes of entries kept (0: no bound).
    sweep_seconds : float, default SWEEP_SECONDS
        Least time between two sweeps of expired entries.
    **kwargs
        Passed to ``FileSystemCache`` (``threshold``, ``default_timeout``, ...).
    """

    def __init__(self, cache_dir: str, max_bytes: int = 0, sweep_seconds: float = SWEEP_SECONDS, **kwargs):
        super().__init__(cache_dir, **kwargs)
        self.max_bytes = int(max_bytes)
        self.sweep_seconds = float(sweep_seconds)
        self._last_sweep = time.time()
        self._write_lock = threading.Lock()

    @classmethod
    def factory(cls, app, config: dict[str, Any], args: list, kwargs: dict) -> BoundedFileSystemCache:
        """Build the cache from Flask-Caching's configuration (``CACHE_MAX_BYTES`` is this class's own)."""
        kwargs.update(
            threshold=config["CACHE_THRESHOLD"],
            hash_method=config["CACHE_FILE_HASH_METHOD"],
            max_bytes=config.get("CACHE_MAX_BYTES", 0),
        )
        return cls(config["CACHE_DIR"], *args, **kwargs)

    # -- reading: a hit marks the entry as recently used ------------------------------------------

    def get(self, key: str) -> Any:
        """Return the value of ``key`` (None when missing or expired), marking it recently used."""
        self._maybe_sweep()
        value = super().get(key)
        if value is not None:
            self._touch(self._get_filename(key))
        return value

    def has(self, key: str) -> bool:
        """Return True when ``key`` is stored and not expired, marking it recently used."""
        found = super().has(key)
        if found:
            self._touch(self._get_filename(key))
        return found

    @staticmethod
    def _touch(filename: str) -> None:
        # Deleted meanwhile by another worker's eviction: the next read misses.
        with contextlib.suppress(OSError):
            os.utime(filename)

    # -- writing: make room first, and say so when the disk is full -----------------------------

    def set(self, key: str, value: Any, timeout: Any = None, mgmt_element: bool = False) -> bool:
        """
        Store ``value`` under ``key``, evicting least recently used entries until it fits.

        Returns False when the entry alone is larger than ``max_bytes`` (a memoized result is then
        simply recomputed next time).

        Raises
        ------
        StorageFull
            When the disk has no room left (``ENOSPC``) even after expired entries were swept.
        """
        if mgmt_element:
            return super().set(key, value, timeout, mgmt_element=True)
        self._maybe_sweep()
        expires = self._normalize_timeout(timeout)
        filename = self._get_filename(key)
        try:
            temporary = self._write_temporary(expires, value)
        except StorageFull:
            self.sweep()
            temporary = self._write_temporary(expires, value)
        size = os.path.getsize(temporary)
        if self.max_bytes and size > self.max_bytes:
            os.remove(temporary)
            logger.warning("cache entry of %d bytes is larger than CACHE_MAX_MB; not stored", size)
            return False
        with self._write_lock:
            overwrite = os.path.isfile(filename)
            if self.max_bytes:
                self._make_room(size, keep=filename)
            try:
                self._run_safely(os.replace, temporary, filename)
                self._run_safely(os.chmod, filename, self._mode)
            except OSError:
                _remove_quietly(temporary)
                logger.warning("cache file %s could not be written", filename, exc_info=True)
                return False
        if not overwrite:
            self._update_count(delta=1)
        return size > 0

    def _write_temporary(self, expires: int, value: Any) -> str:
        fd, temporary = tempfile.mkstemp(suffix=self._fs_transaction_suffix, dir=self._path)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(struct.pack("I", expires))
                self.serializer.dump(value, handle)
        except OSError as exc:
            _remove_quietly(temporary)
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise StorageFull() from None
            raise
        return temporary

    def _entries(self) -> list[tuple[float, int, str]]:
        """Return (last use, size, path) of every entry file, management files left out."""
        found = []
        for path in self._list_dir():
            try:
                info = os.stat(path)
            except OSError:
                continue
            found.append((info.st_mtime, info.st_size, path))
        return found

    def _make_room(self, size: int, keep: str) -> None:
        entries = self._entries()
        used = sum(entry_size for _, entry_size, path in entries if path != keep)
        if used + size <= self.max_bytes:
            return
        for _, entry_size, path in sorted(entries):
            if path == keep:
                continue
            if _remove_quietly(path):
                self._update_count(delta=-1)
            used -= entry_size
            if used + size <= self.max_bytes:
                return

    # -- sweeping -----------------------------------------------------------------------------------

    def _maybe_sweep(self) -> None:
        now = time.time()
        if now - self._last_sweep >= self.sweep_seconds:
            self._last_sweep = now
            self.sweep()

    def sweep(self) -> None:
        """Delete expired entries and temporary files of writes that never finished."""
        now = time.time()
        self._remove_expired(now)
        oldest = now - STALE_TEMP_SECONDS
        for name in os.listdir(self._path):
            if not name.endswith(self._fs_transaction_suffix):
                continue
            path = os.path.join(self._path, name)
            try:
                if os.stat(path).st_mtime < oldest:
                    os.remove(path)
            except OSError:
                pass

    def used_bytes(self) -> int:
        """Return the bytes the entries take now."""
        return sum(size for _, size, _ in self._entries())


def _remove_quietly(path: str) -> bool:
    try:
        os.remove(path)
    except OSError:
        return False
    return True
