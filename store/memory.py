"""Hand memory the allocators keep back to the operating system, after a dataset is parsed and stored.

Ingest (``metrics.ingest``) only reads: once its frames are built, the pyarrow tables of the parse are gone,
but pyarrow's pool and the C allocator keep the freed pages for reuse. Left alone, a process holding a loaded
dataset keeps about twice the memory the dataset needs (docs/data-contract.md, "Decisions"), so the code
that keeps datasets calls :func:`release_unused` once a dataset is built.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable

import pyarrow as pa


def _find_malloc_trim() -> Callable[[int], int] | None:
    """Return glibc's ``malloc_trim``, or None where the C library has none (musl, macOS, Windows)."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim
    except (AttributeError, OSError, TypeError):
        return None


_MALLOC_TRIM = _find_malloc_trim()


def release_unused() -> None:
    """Return the pages pyarrow's pool and (with glibc) the C allocator hold unused to the system."""
    pa.default_memory_pool().release_unused()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)
